package inbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/claims/vektis"
)

// fakeIntake stands for the claims service: it refuses a body twice (a duplicate) and a
// body starting with "BAD" with a structural error, as the service returns them.
type fakeIntake struct {
	got  map[string]bool // bodies received
	seen []string        // names, in order
}

func (f *fakeIntake) intake(_ context.Context, name string, r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	f.seen = append(f.seen, name)
	body := string(b)
	if strings.HasPrefix(body, "BAD") {
		return &apperr.Error{Code: apperr.Invalid, Field: "file", Message: "the file is not a valid ZH308 file",
			Err: &vektis.Error{Line: 3, Pos: 12, Field: "BURGERSERVICENUMMER (BSN) VERZEKERDE", Msg: "not numeric"}}
	}
	if f.got[body] {
		return &apperr.Error{Code: apperr.Conflict, Message: "the file was already received on 2026-03-14 as file f-1"}
	}
	f.got[body] = true
	return nil
}

func newWatcher(t *testing.T) (*Watcher, *fakeIntake) {
	f := &fakeIntake{got: map[string]bool{}}
	return &Watcher{Dir: t.TempDir(), Intake: f.intake}, f
}

func write(t *testing.T, dir, name, body string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o640); err != nil {
		t.Fatal(err)
	}
}

func scan(t *testing.T, w *Watcher) []string {
	t.Helper()
	taken, err := w.Scan(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return taken
}

func exists(path string) bool { _, err := os.Stat(path); return err == nil }

func TestAFileIsTakenOnlyOnceItsSizeStaysTheSameForOnePoll(t *testing.T) {
	w, f := newWatcher(t)
	write(t, w.Dir, "a.asc", "part")
	if got := scan(t, w); len(got) != 0 {
		t.Fatalf("first scan took %v: a new file may still be growing", got)
	}
	write(t, w.Dir, "a.asc", "part and more") // still being written
	if got := scan(t, w); len(got) != 0 {
		t.Fatalf("took %v while it grew", got)
	}
	if got := scan(t, w); fmt.Sprint(got) != "[a.asc]" {
		t.Fatalf("took %v, want a.asc once unchanged", got)
	}
	if !exists(filepath.Join(w.Dir, Done, "a.asc")) || exists(filepath.Join(w.Dir, "a.asc")) {
		t.Fatal("a received file must be moved to verwerkt/")
	}
	if fmt.Sprint(f.seen) != "[a.asc]" {
		t.Fatalf("intake saw %v", f.seen)
	}
}

func TestTemporaryAndDotFilesAreLeftAlone(t *testing.T) {
	w, f := newWatcher(t)
	for _, n := range []string{".a.asc", "b.asc.tmp", "c.asc.part"} {
		write(t, w.Dir, n, "x")
	}
	scan(t, w)
	scan(t, w)
	if len(f.seen) != 0 {
		t.Fatalf("intake saw %v", f.seen)
	}
	// Renamed in atomically: taken at the next scan but one.
	if err := os.Rename(filepath.Join(w.Dir, "b.asc.tmp"), filepath.Join(w.Dir, "b.asc")); err != nil {
		t.Fatal(err)
	}
	scan(t, w)
	if got := scan(t, w); fmt.Sprint(got) != "[b.asc]" {
		t.Fatalf("took %v", got)
	}
}

func TestAStructurallyBadFileIsRefusedWithLinePositionAndField(t *testing.T) {
	w, _ := newWatcher(t)
	write(t, w.Dir, "bad.asc", "BAD")
	scan(t, w)
	scan(t, w)
	if !exists(filepath.Join(w.Dir, Refused, "bad.asc")) {
		t.Fatal("a refused file must be moved to geweigerd/")
	}
	b, err := os.ReadFile(filepath.Join(w.Dir, Refused, "bad.asc"+ErrorSuffix))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"line: 3", "position: 12", "field: BURGERSERVICENUMMER (BSN) VERZEKERDE", "not numeric"} {
		if !strings.Contains(string(b), s) {
			t.Errorf("the error file lacks %q:\n%s", s, b)
		}
	}
}

func TestARestartRescansAndADuplicateIsRefusedWithTheReason(t *testing.T) {
	w, f := newWatcher(t)
	write(t, w.Dir, "a.asc", "content")
	scan(t, w)
	scan(t, w)
	// A restart: a new watcher over the same folder, the same file sent again.
	w2 := &Watcher{Dir: w.Dir, Intake: f.intake}
	write(t, w.Dir, "a.asc", "content")
	scan(t, w2)
	scan(t, w2)
	if !exists(filepath.Join(w.Dir, Refused, "a.asc")) {
		t.Fatal("the duplicate must be in geweigerd/")
	}
	b, _ := os.ReadFile(filepath.Join(w.Dir, Refused, "a.asc"+ErrorSuffix))
	if !strings.Contains(string(b), "already received") {
		t.Errorf("the error file does not name the duplicate:\n%s", b)
	}
	if !exists(filepath.Join(w.Dir, Done, "a.asc")) {
		t.Fatal("the first copy must stay in verwerkt/")
	}
}

func TestAFileLeftInTheFolderIsTakenAfterARestart(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "a.asc", "content")
	f := &fakeIntake{got: map[string]bool{}}
	ctx, cancel := context.WithCancel(context.Background())
	// Stopped during the intake: the file stays for the next start.
	stop := func(ctx context.Context, name string, r io.Reader) error { cancel(); return errors.New("stopped") }
	w := &Watcher{Dir: dir, Intake: stop}
	w.Scan(ctx)
	w.Scan(ctx)
	if !exists(filepath.Join(dir, "a.asc")) {
		t.Fatal("a file whose intake was stopped must stay in the folder")
	}
	w2 := &Watcher{Dir: dir, Intake: f.intake}
	scan(t, w2)
	scan(t, w2)
	if !exists(filepath.Join(dir, Done, "a.asc")) {
		t.Fatal("the next start must take the file")
	}
}
