// Package inbox is the watched folder of claim files for batch exchange: it polls a
// directory, takes each file once it is complete, hands it to the claims intake and moves
// it to verwerkt/ (received) or geweigerd/ (refused, with a .fout.txt beside it that
// names the error). A restart scans the folder again; a file that was received before
// is refused by the intake as a duplicate and lands in geweigerd/ with that reason.
package inbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"zorginkoop/internal/claims"
	"zorginkoop/internal/claims/vektis"
	"zorginkoop/internal/identity"
)

// Folders under the watched directory.
const (
	Done    = "verwerkt"
	Refused = "geweigerd"
	// ErrorSuffix is appended to a refused file's name for the file holding its error.
	ErrorSuffix = ".fout.txt"
	// DefaultPoll is the interval between scans when Watcher.Poll is 0.
	DefaultPoll = 5 * time.Second
)

// IntakeFunc takes in one claim file: name is its file name, body its content. A
// non-nil error refuses the file.
type IntakeFunc func(ctx context.Context, name string, body io.Reader) error

// Watcher polls Dir. A file is complete when its size and modification time are the
// same in two scans in a row (a file renamed in atomically is complete at its second
// scan); dot files and files ending in .tmp or .part are still being written.
type Watcher struct {
	Dir    string
	Intake IntakeFunc
	Poll   time.Duration
	Log    *slog.Logger

	seen map[string]fileState // what the previous scan saw, by name
}

type fileState struct {
	size int64
	mod  time.Time
}

// Run scans Dir until ctx ends. It makes the subfolders first; an error there is
// returned at once (a folder that cannot be used should stop the server's start).
func (w *Watcher) Run(ctx context.Context) error {
	if err := w.prepare(); err != nil {
		return err
	}
	poll := w.Poll
	if poll <= 0 {
		poll = DefaultPoll
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		if _, err := w.Scan(ctx); err != nil {
			w.log().Error("claims inbox: scan failed", "dir", w.Dir, "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

func (w *Watcher) prepare() error {
	for _, sub := range []string{Done, Refused} {
		if err := os.MkdirAll(filepath.Join(w.Dir, sub), 0o750); err != nil {
			return fmt.Errorf("claims inbox: %w", err)
		}
	}
	return nil
}

func (w *Watcher) log() *slog.Logger {
	if w.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return w.Log
}

// Scan looks at Dir once: every file that was complete already in the previous scan is
// taken in and moved. It returns the names it took (received or refused).
func (w *Watcher) Scan(ctx context.Context) ([]string, error) {
	if err := w.prepare(); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(w.Dir)
	if err != nil {
		return nil, fmt.Errorf("claims inbox: %w", err)
	}
	now := map[string]fileState{}
	var taken []string
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || pending(name) {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // gone since the listing
		}
		st := fileState{size: info.Size(), mod: info.ModTime()}
		if prev, ok := w.seen[name]; !ok || prev != st {
			now[name] = st // new or still growing: look again next time
			continue
		}
		if err := ctx.Err(); err != nil {
			return taken, nil
		}
		if err := w.take(ctx, name); err != nil {
			return taken, err
		}
		taken = append(taken, name)
	}
	w.seen = now
	return taken, nil
}

// pending reports whether a name is a file still being written by its sender.
func pending(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".tmp") || strings.HasSuffix(name, ".part") ||
		strings.HasSuffix(name, ErrorSuffix)
}

// take intakes one file and moves it. Only a failure to move is returned: the intake's
// error refuses the file.
func (w *Watcher) take(ctx context.Context, name string) error {
	path := filepath.Join(w.Dir, name)
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("claims inbox: %w", err)
	}
	ierr := w.Intake(ctx, name, f)
	f.Close()
	if ctx.Err() != nil && ierr != nil {
		return nil // stopped during the intake: the next start takes the file again
	}
	if ierr == nil {
		w.log().Info("claims inbox: file received", "file", name)
		return move(path, filepath.Join(w.Dir, Done), name)
	}
	w.log().Warn("claims inbox: file refused", "file", name, "err", ierr)
	if err := move(path, filepath.Join(w.Dir, Refused), name); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(w.Dir, Refused, name+ErrorSuffix), []byte(ErrorText(ierr)), 0o640)
}

// move renames path into dir, under name or, when that exists, name with a number.
func move(path, dir, name string) error {
	target := filepath.Join(dir, name)
	for i := 2; ; i++ {
		if _, err := os.Lstat(target); errors.Is(err, os.ErrNotExist) {
			break
		}
		ext := filepath.Ext(name)
		target = filepath.Join(dir, fmt.Sprintf("%s.%d%s", strings.TrimSuffix(name, ext), i, ext))
	}
	if err := os.Rename(path, target); err != nil {
		return fmt.Errorf("claims inbox: %w", err)
	}
	return nil
}

// ErrorText is the English text of a refusal for the .fout.txt file: the structural
// error's line, position and field when there is one, else the intake's message.
func ErrorText(err error) string {
	var b strings.Builder
	b.WriteString("The file was refused.\n")
	var ve *vektis.Error
	if errors.As(err, &ve) {
		fmt.Fprintf(&b, "line: %d\nposition: %d\n", ve.Line, ve.Pos)
		if ve.Field != "" {
			fmt.Fprintf(&b, "field: %s\n", ve.Field)
		}
		fmt.Fprintf(&b, "error: %s\n", ve.Msg)
		return b.String()
	}
	fmt.Fprintf(&b, "error: %s\n", err.Error())
	return b.String()
}

// Intaker is what the watched folder needs of the claims service.
type Intaker interface {
	Intake(ctx context.Context, actor identity.Principal, u claims.Upload) (*claims.File, error)
}

// FromService takes files in through the claims service as the system, channel folder.
func FromService(s Intaker) IntakeFunc {
	return func(ctx context.Context, name string, body io.Reader) error {
		_, err := s.Intake(ctx, identity.System(), claims.Upload{Name: name, Body: body, Channel: claims.ViaFolder})
		return err
	}
}
