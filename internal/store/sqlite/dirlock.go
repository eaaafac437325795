package sqlite

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// LockFileName is the file in the data directory that a process holds a DirLock on.
const LockFileName = "zorginkoop.lock"

// A DirLock is an exclusive advisory lock on a data directory, held by a server for as
// long as it runs and by a bulk import for as long as it writes. SQLite lets one writer in
// at a time; within a process writers queue for the one write connection, but a writer in
// another process is met only by the busy timeout, after which a request would fail. The
// lock keeps the long writers of two processes apart, and names the holder to the one
// refused. It is released when the process ends, however it ends.
type DirLock struct {
	f *os.File
}

// LockedError is the refusal of LockDir: another process holds the lock.
type LockedError struct {
	Dir    string
	Holder string // what the holder wrote: "server, pid 12, http://127.0.0.1:8080"
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("data directory %s is in use by another process (%s)", e.Dir, e.Holder)
}

// Server reports whether the holder is a running server.
func (e *LockedError) Server() bool { return strings.HasPrefix(e.Holder, "server") }

// ErrLocked matches a *LockedError with errors.Is.
var ErrLocked = errors.New("data directory in use")

// Is makes errors.Is(err, ErrLocked) true.
func (e *LockedError) Is(target error) bool { return target == ErrLocked }

// LockDir takes the lock on dataDir (creating the directory if needed) and writes holder
// into the lock file, or returns a *LockedError naming the process that holds it. It does
// not wait.
func LockDir(dataDir, holder string) (*DirLock, error) {
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	path := filepath.Join(dataDir, LockFileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return nil, fmt.Errorf("lock data directory: %w", err)
	}
	locked, err := tryLock(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock data directory: %w", err)
	}
	if !locked {
		b, _ := os.ReadFile(path)
		f.Close()
		return nil, &LockedError{Dir: dataDir, Holder: strings.TrimSpace(string(b))}
	}
	l := &DirLock{f: f}
	if err := l.SetHolder(holder); err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}

// SetHolder replaces what the lock file says about its holder (a server adds its address
// once it listens).
func (l *DirLock) SetHolder(holder string) error {
	if err := l.f.Truncate(0); err != nil {
		return fmt.Errorf("lock data directory: %w", err)
	}
	if _, err := l.f.WriteAt([]byte(holder+"\n"), 0); err != nil {
		return fmt.Errorf("lock data directory: %w", err)
	}
	return nil
}

// Close releases the lock. The file stays: removing it could let a third process lock a
// new file while a second one waits on the old.
func (l *DirLock) Close() error {
	if l == nil || l.f == nil {
		return nil
	}
	l.f.Truncate(0)
	err := l.f.Close() // closing the descriptor releases the lock
	l.f = nil
	return err
}
