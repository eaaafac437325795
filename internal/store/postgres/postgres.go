// Package postgres stores zorginkoop's data in PostgreSQL through pgx. The shared SQL runs
// over database/sql (pgx's stdlib driver on a pgxpool), so SQLite and PostgreSQL read with
// the same code; bulk writes use pgx directly for COPY.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
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

// DB is an open PostgreSQL database, over two connection pools as on SQLite: Write for
// transactions and writes, Read for the reads outside them. A service reads through
// db.Read while it holds a transaction (a provider's record inside a questionnaire's
// submission, for one): from a single pool, as many concurrent transactions as the pool
// has connections would each wait for a second connection that none gives back, and the
// server would hang (the deadline-day rush of issue 10, internal/api/rush_test.go). With
// two pools such a read waits only for other reads, which hold nothing else.
type DB struct {
	*sqlstore.DB
	pool, readPool *pgxpool.Pool
	sql, readSQL   *sql.DB
	log            *slog.Logger
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
	// Claim lines are written with COPY in the intake's transaction (AddLines).
	CopyFrom: copyFrom,
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
	pool, err := connect(ctx, cfg)
	if err != nil {
		return nil, err
	}
	readPool, err := connect(ctx, cfg.Copy())
	if err != nil {
		pool.Close()
		return nil, err
	}
	sdb, rdb := stdlib.OpenDBFromPool(pool), stdlib.OpenDBFromPool(readPool)
	db := &DB{DB: &sqlstore.DB{Read: rdb, Write: sdb, Dialect: dialect}, pool: pool, readPool: readPool, sql: sdb, readSQL: rdb, log: log}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// connect opens a pool with cfg and checks that the server answers.
func connect(ctx context.Context, cfg *pgxpool.Config) (*pgxpool.Pool, error) {
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to PostgreSQL %s/%s: %w", cfg.ConnConfig.Host, cfg.ConnConfig.Database, err)
	}
	return pool, nil
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

// Close closes both pools.
func (db *DB) Close() error {
	err := errors.Join(db.sql.Close(), db.readSQL.Close())
	db.pool.Close()
	db.readPool.Close()
	return err
}
