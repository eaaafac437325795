// Package postgres stores zorginkoop's data in PostgreSQL through pgx. The shared SQL runs
// over database/sql (pgx's stdlib driver on a pgxpool), so SQLite and PostgreSQL read with
// the same code; bulk writes use pgx directly for COPY.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// migrationLock is the advisory lock key that serialises migrations of several app
// instances starting at once.
const migrationLock = 7_204_911_301

// DB is an open PostgreSQL database.
type DB struct {
	*sqlstore.DB
	pool *pgxpool.Pool
	sql  *sql.DB
	log  *slog.Logger
}

var dialect = sqlstore.Dialect{
	Numbered: true,
	DateText: func(col string) string { return `to_char(` + col + `, 'YYYY-MM-DD')` },
	Time:     func(t time.Time) any { return t.UTC() },
	// Readers go on (ACCESS SHARE); other appenders, from any instance, wait for the commit.
	LockAudit: "LOCK TABLE audit_log IN EXCLUSIVE MODE",
	// A provider import reads the facts it keeps, then replaces them: another import of
	// the same providers waits, so that neither drops what the other wrote.
	LockRows: " FOR UPDATE",
	// The provider stream of a whole policy reads a large part of the provider tables: the
	// planner scans them and sorts the union by provider id. With the default work_mem
	// (4 MB) that sort went to disk (39 MB at 20,000 providers), and JIT compiled 75
	// functions for a query that spends its time reading rows, not evaluating expressions.
	// See docs/performance.md.
	StreamSettings: []string{"SET LOCAL work_mem = '512MB'", "SET LOCAL jit = off"},
}

// Open connects to dsn (URL or key=value) and migrates the database.
func Open(ctx context.Context, dsn string, log *slog.Logger) (*DB, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, &apperr.Error{Code: apperr.Invalid, Field: "db", Message: "malformed PostgreSQL DSN: " + err.Error(), Err: err}
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to PostgreSQL %s/%s: %w", cfg.ConnConfig.Host, cfg.ConnConfig.Database, err)
	}
	sdb := stdlib.OpenDBFromPool(pool)
	db := &DB{DB: &sqlstore.DB{Read: sdb, Write: sdb, Dialect: dialect}, pool: pool, sql: sdb, log: log}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func (db *DB) migrate(ctx context.Context) error {
	ms, err := sqlstore.Migrations(migrations, "migrations")
	if err != nil {
		return err
	}
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, int64(migrationLock)); err != nil {
		return fmt.Errorf("migrate: lock: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, int64(migrationLock))
	n, err := db.Migrate(ctx, conn, ms)
	if err != nil {
		return err
	}
	if n > 0 {
		db.log.Info("migrated database", "engine", "postgres", "applied", n)
	}
	return nil
}

// Engine returns "postgres".
func (db *DB) Engine() string { return "postgres" }

// Close closes the pool.
func (db *DB) Close() error {
	err := db.sql.Close()
	db.pool.Close()
	return err
}
