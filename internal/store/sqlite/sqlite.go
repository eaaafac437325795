// Package sqlite stores zorginkoop's data in an embedded SQLite database (pure Go driver
// modernc.org/sqlite) in WAL mode: one writer connection, a pool of readers.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"

	"zorginkoop/internal/store/sqlstore"

	_ "modernc.org/sqlite" // driver "sqlite"
)

//go:embed migrations/*.sql
var migrations embed.FS

// FileName is the database file in the data directory.
const FileName = "zorginkoop.db"

// DB is an open SQLite database.
type DB struct {
	*sqlstore.DB
	log *slog.Logger
}

var dialect = sqlstore.Dialect{
	DateText: func(col string) string { return col },
	Time:     sqlstore.TextTime,
}

// Open opens (creating the directory and file if needed) and migrates the database in dataDir.
func Open(ctx context.Context, dataDir string, log *slog.Logger) (*DB, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	path := filepath.Join(dataDir, FileName)
	// BEGIN IMMEDIATE for writers: take the write lock at the start, never upgrade a read
	// lock mid-transaction (which fails with SQLITE_BUSY instead of waiting).
	w, err := openPool(path, "&_txlock=immediate", 1)
	if err != nil {
		return nil, err
	}
	r, err := openPool(path, "&_pragma=query_only(1)", max(4, runtime.GOMAXPROCS(0)))
	if err != nil {
		w.Close()
		return nil, err
	}
	db := &DB{DB: &sqlstore.DB{Read: r, Write: w, Dialect: dialect}, log: log}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// busyTimeoutMS is how long a connection waits for another process's write transaction
// before SQLite gives up with SQLITE_BUSY (a failed request). Within a process writers
// queue for the one write connection and never meet it. Across processes the long writers
// (a server, a bulk import) keep apart by the data directory's lock (DirLock), so the
// others hold the lock for milliseconds; the margin is for slow disks and busy machines,
// where 5 seconds ran out.
const busyTimeoutMS = 30_000

func openPool(path, extra string, conns int) (*sql.DB, error) {
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=busy_timeout(" + strconv.Itoa(busyTimeoutMS) + ")&_pragma=synchronous(NORMAL)" + extra
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	db.SetConnMaxIdleTime(0)
	if err := db.Ping(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return db, nil
}

func (db *DB) migrate(ctx context.Context) error {
	ms, err := sqlstore.Migrations(migrations, "migrations")
	if err != nil {
		return err
	}
	conn, err := db.Write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Close()
	n, err := db.Migrate(ctx, conn, ms)
	if err != nil {
		return err
	}
	if n > 0 {
		db.log.Info("migrated database", "engine", "sqlite", "applied", n)
	}
	return nil
}

// Engine returns "sqlite".
func (db *DB) Engine() string { return "sqlite" }

// Close closes both pools.
func (db *DB) Close() error {
	errR := db.Read.Close()
	errW := db.Write.Close()
	if errW != nil {
		return errW
	}
	return errR
}
