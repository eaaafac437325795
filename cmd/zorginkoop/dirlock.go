package main

import (
	"errors"
	"fmt"
	"os"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/store/sqlite"
)

// lockDataDir takes the SQLite data directory's lock for a server or a bulk import (see
// sqlite.DirLock): two of them on one database would make each other's writes wait for
// seconds, and a request of the server fail after the busy timeout. With PostgreSQL there
// is nothing to lock: it lets writers of different rows through at once. role is "server"
// or what the command does ("providers import FILE").
func (a *app) lockDataDir(role string) (*sqlite.DirLock, error) {
	if a.cfg.DB != "" {
		return nil, nil
	}
	l, err := sqlite.LockDir(a.cfg.DataDir, fmt.Sprintf("%s, pid %d", role, os.Getpid()))
	var locked *sqlite.LockedError
	if !errors.As(err, &locked) {
		return l, err
	}
	holder := locked.Holder
	if holder == "" {
		holder = "unknown"
	}
	switch {
	case role == "server":
		return nil, &apperr.Error{Code: apperr.Conflict, Err: err, Message: fmt.Sprintf(
			"another zorginkoop process is using data directory %s (%s); wait for it to finish, or give the server another --data-dir", a.cfg.DataDir, holder),
			Dutch: "Een ander zorginkoop-proces gebruikt deze gegevensmap; wacht tot het klaar is."}
	case locked.Server():
		return nil, &apperr.Error{Code: apperr.Conflict, Err: err, Message: fmt.Sprintf(
			"a server is running on data directory %s (%s); import through it: POST /api/providers, or stop it and run this command again", a.cfg.DataDir, holder),
			Dutch: "Er draait een server op deze gegevensmap: lever de gegevens via de server aan, of stop hem eerst."}
	default:
		return nil, &apperr.Error{Code: apperr.Conflict, Err: err, Message: fmt.Sprintf(
			"another import is running on data directory %s (%s); wait for it to finish and run this command again", a.cfg.DataDir, holder),
			Dutch: "Er loopt al een import op deze gegevensmap; wacht tot die klaar is."}
	}
}
