// Package sqlstore holds the SQL that SQLite and PostgreSQL share, one file per area
// (providers.go and facts.go, policies.go, runs.go for assessments, identity.go, audit.go),
// and the migrations and transactions of both. Engine differences (placeholders, dates,
// bulk writes) are given by a Dialect or stay in the engine packages, also one file per
// area (import.go, runs.go).
package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Dialect is what differs between the engines in the shared SQL.
type Dialect struct {
	// Numbered says placeholders are $1, $2, ... (PostgreSQL) rather than ? (SQLite).
	Numbered bool
	// DateText returns an expression giving the DATE column col as 'YYYY-MM-DD' text.
	DateText func(col string) string
	// Time encodes a timestamp for a query argument (always stored in UTC).
	Time func(t time.Time) any
	// LockAudit is run first in the transaction that appends to the audit trail, so that
	// appenders on other connections wait and the hash chain cannot fork; empty when
	// write transactions are serialised already (SQLite: BEGIN IMMEDIATE).
	LockAudit string
	// LockRows ends a SELECT that locks the rows it reads until the transaction ends
	// (" FOR UPDATE"); empty when write transactions are serialised already (SQLite).
	LockRows string
	// StreamSettings are run at the start of the read-only transaction that streams
	// providers (SET LOCAL ..., for that query alone); none: the stream reads outside a
	// transaction.
	StreamSettings []string
	// CopyFrom writes rows into table with the engine's bulk protocol (PostgreSQL: COPY)
	// on conn, the connection of the context's transaction, as part of that transaction;
	// nil: the shared SQL inserts them with prepared multi-row INSERTs (SQLite).
	CopyFrom func(ctx context.Context, conn *sql.Conn, table string, cols []string, rows RowSource) (int64, error)
}

// RowSource gives rows for Dialect.CopyFrom one at a time (the method set of pgx's
// CopyFromSource): Values is called once after each Next that returned true, and its
// slice may be reused for the next row.
type RowSource interface {
	Next() bool
	Values() ([]any, error)
	Err() error
}

// DB runs the shared SQL. Read is used for reads; Write for writes (with SQLite, a pool of
// one connection, so writers queue in Go instead of fighting over the lock).
type DB struct {
	Read    *sql.DB
	Write   *sql.DB
	Dialect Dialect
}

// Q rewrites the ? placeholders of query for the engine.
func (db *DB) Q(query string) string {
	if !db.Dialect.Numbered {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

// placeholders returns "?, ?, ?" for n arguments.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// Timestamp scans a timestamp stored as TIMESTAMPTZ (time.Time) or as RFC 3339 text.
type Timestamp struct{ Time time.Time }

// Scan implements sql.Scanner.
func (ts *Timestamp) Scan(v any) error {
	switch v := v.(type) {
	case time.Time:
		ts.Time = v.UTC()
	case string:
		return ts.parse(v)
	case []byte:
		return ts.parse(string(v))
	case nil:
		ts.Time = time.Time{}
	default:
		return fmt.Errorf("timestamp: cannot scan %T", v)
	}
	return nil
}

func (ts *Timestamp) parse(s string) error {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("timestamp %q: %w", s, err)
	}
	ts.Time = t.UTC()
	return nil
}

// TextTime encodes a timestamp as RFC 3339 text in UTC, for engines without a timestamp type.
// Fixed-width fractions keep the text sortable.
func TextTime(t time.Time) any {
	return t.UTC().Format("2006-01-02T15:04:05.000000000Z07:00")
}
