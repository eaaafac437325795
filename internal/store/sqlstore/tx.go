package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
)

// A write transaction carried in the context, so that a service can make a change and
// record its audit entry in one transaction: InTx opens it, and every write of this package
// (and the engines' SaveRun) joins it when the context carries one.
//
// With SQLite the write pool has one connection: a write that ignored the context's
// transaction would wait for that connection forever. So every write reachable inside
// InTx goes through Writer or joins with InTx. Reads use db.Read and see the last committed
// state (WAL), not the transaction's own writes.

type txKey struct{}

// txState is the open transaction of one DB.
type txState struct {
	db   *DB
	conn *sql.Conn
	tx   *sql.Tx
}

func (db *DB) current(ctx context.Context) *txState {
	if t, ok := ctx.Value(txKey{}).(*txState); ok && t.db == db {
		return t
	}
	return nil
}

// InTx runs fn in one write transaction on db.Write, carried in the context fn gets: it
// commits when fn returns nil and rolls back when fn returns an error (or panics). Inside
// fn, InTx joins the open transaction instead of starting another, so the outermost call
// decides the commit.
func (db *DB) InTx(ctx context.Context, fn func(ctx context.Context) error) error {
	if db.current(ctx) != nil {
		return fn(ctx)
	}
	conn, err := db.Write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer tx.Rollback() // after Commit a no-op; on an error or a panic of fn, the rollback
	if err := fn(context.WithValue(ctx, txKey{}, &txState{db: db, conn: conn, tx: tx})); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Tx returns the transaction InTx carries in ctx for db, and the connection it runs on
// (for driver-level work in the same transaction, such as PostgreSQL COPY), or nils.
func (db *DB) Tx(ctx context.Context) (*sql.Tx, *sql.Conn) {
	if t := db.current(ctx); t != nil {
		return t.tx, t.conn
	}
	return nil, nil
}

// Execer runs statements: a transaction or a pool.
type Execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
}

// Writer returns what a single-statement write runs on: the context's transaction when
// InTx carries one, else the write pool.
func (db *DB) Writer(ctx context.Context) Execer {
	if t := db.current(ctx); t != nil {
		return t.tx
	}
	return db.Write
}

// withTx runs fn with a transaction: the context's, or a new one committed when fn
// succeeds. For writes of several statements.
func (db *DB) withTx(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	return db.InTx(ctx, func(ctx context.Context) error {
		return fn(ctx, db.current(ctx).tx)
	})
}
