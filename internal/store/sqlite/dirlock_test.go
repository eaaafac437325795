package sqlite_test

import (
	"errors"
	"testing"

	"zorginkoop/internal/store/sqlite"
)

func TestTheDataDirectoryLockNamesItsHolderAndIsReleasedOnClose(t *testing.T) {
	dir := t.TempDir()
	server, err := sqlite.LockDir(dir, "server, pid 1")
	if err != nil {
		t.Fatal(err)
	}
	if err := server.SetHolder("server, pid 1, http://127.0.0.1:8080"); err != nil {
		t.Fatal(err)
	}
	_, err = sqlite.LockDir(dir, "providers import x.csv, pid 2")
	var locked *sqlite.LockedError
	if !errors.As(err, &locked) || !errors.Is(err, sqlite.ErrLocked) || !locked.Server() || locked.Holder != "server, pid 1, http://127.0.0.1:8080" {
		t.Fatalf("a second lock: %v (%#v), want a LockedError naming the server", err, locked)
	}
	if err := server.Close(); err != nil {
		t.Fatal(err)
	}
	imp, err := sqlite.LockDir(dir, "providers import x.csv, pid 2")
	if err != nil {
		t.Fatalf("after the server let go: %v", err)
	}
	imp.Close()
}
