package apptest_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"zorginkoop/internal/store"
)

// A snapshot is the whole database but the audit trail, read through the store's own
// connection and so blind to every permission: policies and drafts, providers with all
// their facts (those kept per insurer too), organisations, users, sessions and tokens,
// assessment runs, and any table a later migration adds. The audit trail is summed up by
// its length and newest entry, as it may only grow.
type snapshot struct {
	tables     map[string]map[string]dbRow // table → row key → row
	auditCount int
	auditHead  string // "seq hash" of the newest entry
}

// dbRow is one row, each column as text.
type dbRow map[string]string

// rowKeys are the columns that name a row in a diff; a table not listed is keyed by all
// its columns, so that a change shows as one row removed and one added.
var rowKeys = map[string][]string{
	"providers":              {"id"},
	"provider_facts":         {"provider_id", "key", "insurer"},
	"provider_parts":         {"provider_id", "policy_id", "part_id", "by_source"},
	"provider_contracts":     {"provider_id", "insurer", "policy_id", "first_year"},
	"policies":               {"id"},
	"assessment_runs":        {"id"},
	"assessment_summaries":   {"run_id", "provider_id"},
	"assessment_run_parts":   {"run_id", "part_id"},
	"organisations":          {"id"},
	"organisation_providers": {"provider_id"},
	"users":                  {"id"},
	"sessions":               {"token_hash"},
	"tokens":                 {"token_hash"},
	"schema_migrations":      {"version"},
}

// ignored columns are not read: the order of a provider's facts, codes and locations is
// not a right; and reading every stored policy file twice per request made the matrix ten
// times slower, while every save of a policy's text is a new version too (policy.Store),
// which the version column shows.
var ignored = map[string]bool{"pos": true, "policies.raw": true}

const auditTable = "audit_log"

// bookkeeping tables record that a write happened, not what anyone may read or change: the
// provider change log (migration 0013) moves on every provider write that commits, one
// that changes nothing included, as the audit trail grows.
var bookkeeping = map[string]bool{"provider_change_seq": true, "provider_changes": true}

func takeSnapshot(t *testing.T, db store.DB) *snapshot {
	t.Helper()
	ctx := context.Background()
	conn := sqlDB(t, db)
	s := &snapshot{tables: map[string]map[string]dbRow{}}
	for _, table := range tableNames(t, db) {
		if table == auditTable || bookkeeping[table] {
			continue
		}
		s.tables[table] = readTable(t, ctx, conn, table)
	}
	var seq int64
	if err := conn.QueryRowContext(ctx, `SELECT count(*), coalesce(max(seq), 0) FROM audit_log`).Scan(&s.auditCount, &seq); err != nil {
		t.Fatalf("snapshot of the audit trail: %v", err)
	}
	s.auditHead = auditEntry(t, db, seq)
	return s
}

// auditEntry is "seq hash" of the entry seq, or "" when there is none.
func auditEntry(t *testing.T, db store.DB, seq int64) string {
	t.Helper()
	var hash string
	err := sqlDB(t, db).QueryRow(`SELECT hash FROM audit_log WHERE seq = ` + fmt.Sprint(seq)).Scan(&hash)
	if err == sql.ErrNoRows {
		return ""
	}
	if err != nil {
		t.Fatalf("audit entry %d: %v", seq, err)
	}
	return fmt.Sprint(seq, " ", hash)
}

func tableNames(t *testing.T, db store.DB) []string {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if db.Engine() == "postgres" {
		// Tables and partitioned tables, not their partitions: a partitioned table's rows
		// are read through it once (claim_lines by year, migration 0019).
		q = `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition`
	}
	rows, err := sqlDB(t, db).Query(q)
	if err != nil {
		t.Fatalf("list tables: %v", err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return names
}

func readTable(t *testing.T, ctx context.Context, conn *sql.DB, table string) map[string]dbRow {
	t.Helper()
	var cols, exprs []string
	for _, c := range columnNames(t, ctx, conn, table) {
		if !ignored[c] && !ignored[table+"."+c] {
			cols, exprs = append(cols, c), append(exprs, `"`+c+`"`)
		}
	}
	rows, err := conn.QueryContext(ctx, `SELECT `+strings.Join(exprs, ", ")+` FROM "`+table+`"`)
	if err != nil {
		t.Fatalf("snapshot of %s: %v", table, err)
	}
	defer rows.Close()
	out := map[string]dbRow{}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatalf("snapshot of %s: %v", table, err)
		}
		r := dbRow{}
		for i, c := range cols {
			r[c] = columnText(vals[i])
		}
		key := rowKey(table, r)
		for n := 2; out[key] != nil; n++ { // rows equal in every column kept
			key = fmt.Sprintf("%s#%d", rowKey(table, r), n)
		}
		out[key] = r
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("snapshot of %s: %v", table, err)
	}
	return out
}

// columns caches each table's columns per database: the schema does not change after
// the migrations, so it is asked once per table instead of twice per request.
var columns sync.Map // columnsKey → []string

type columnsKey struct {
	conn  *sql.DB
	table string
}

func columnNames(t *testing.T, ctx context.Context, conn *sql.DB, table string) []string {
	t.Helper()
	if cols, ok := columns.Load(columnsKey{conn, table}); ok {
		return cols.([]string)
	}
	rows, err := conn.QueryContext(ctx, `SELECT * FROM "`+table+`" WHERE 1 = 0`)
	if err != nil {
		t.Fatalf("columns of %s: %v", table, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatalf("columns of %s: %v", table, err)
	}
	columns.Store(columnsKey{conn, table}, cols)
	return cols
}

// columnText is a value as comparable text; long values (a policy file) by their hash.
func columnText(v any) string {
	var s string
	switch v := v.(type) {
	case nil:
		return "NULL"
	case []byte:
		s = string(v)
	case time.Time:
		return v.UTC().Format(time.RFC3339Nano)
	default:
		s = fmt.Sprint(v)
	}
	if len(s) > 120 {
		sum := sha256.Sum256([]byte(s))
		return fmt.Sprintf("sha256:%s (%d bytes)", hex.EncodeToString(sum[:8]), len(s))
	}
	return s
}

func rowKey(table string, r dbRow) string {
	cols := rowKeys[table]
	if cols == nil {
		cols = slices.Sorted(maps.Keys(r))
	}
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = r[c]
	}
	return strings.Join(parts, " ")
}

// row returns the row of table with the key values, or nil.
func (s *snapshot) row(table string, key ...string) dbRow {
	return s.tables[table][strings.Join(key, " ")]
}

// userByEmail returns the users row with the address, or nil.
func (s *snapshot) userByEmail(email string) dbRow {
	for _, r := range s.tables["users"] {
		if r["email"] == email {
			return r
		}
	}
	return nil
}

// change is one row added (before nil), removed (after nil) or changed.
type change struct {
	table, key    string
	before, after dbRow
}

// row is the row after the change, or before it when it was removed.
func (c change) row() dbRow {
	if c.after != nil {
		return c.after
	}
	return c.before
}

// changed returns the columns whose value differs.
func (c change) changed() []string {
	var cols []string
	for _, col := range slices.Sorted(maps.Keys(c.row())) {
		if c.before == nil || c.after == nil || c.before[col] != c.after[col] {
			cols = append(cols, col)
		}
	}
	return cols
}

func (c change) String() string {
	name := fmt.Sprintf("%s[%s]", c.table, c.key)
	var parts []string
	for _, col := range c.changed() {
		switch {
		case c.before == nil:
			parts = append(parts, col+"="+c.after[col])
		case c.after == nil:
			parts = append(parts, col+"="+c.before[col])
		default:
			parts = append(parts, fmt.Sprintf("%s: %s → %s", col, c.before[col], c.after[col]))
		}
	}
	what := "changed"
	if c.before == nil {
		what = "added"
	} else if c.after == nil {
		what = "removed"
	}
	return fmt.Sprintf("%s %s: %s", name, what, strings.Join(parts, ", "))
}

// diff lists the rows that differ between a and b, ordered by table and key.
func diff(a, b *snapshot) []change {
	tables := map[string]bool{}
	for n := range a.tables {
		tables[n] = true
	}
	for n := range b.tables {
		tables[n] = true
	}
	var out []change
	for _, table := range slices.Sorted(maps.Keys(tables)) {
		ra, rb := a.tables[table], b.tables[table]
		keys := map[string]bool{}
		for k := range ra {
			keys[k] = true
		}
		for k := range rb {
			keys[k] = true
		}
		for _, k := range slices.Sorted(maps.Keys(keys)) {
			before, after := ra[k], rb[k]
			if before == nil || after == nil || !maps.Equal(before, after) {
				out = append(out, change{table: table, key: k, before: before, after: after})
			}
		}
	}
	return out
}

// auditOnlyGrew reports how the trail changed other than by new entries, or "".
func auditOnlyGrew(t *testing.T, db store.DB, before, after *snapshot) string {
	t.Helper()
	if after.auditCount < before.auditCount {
		return fmt.Sprintf("the audit trail shrank from %d to %d entries", before.auditCount, after.auditCount)
	}
	if before.auditHead == "" {
		return ""
	}
	seq, _, _ := strings.Cut(before.auditHead, " ")
	var n int64
	fmt.Sscan(seq, &n)
	if now := auditEntry(t, db, n); now != before.auditHead {
		return fmt.Sprintf("the audit entry %q is now %q", before.auditHead, now)
	}
	return ""
}
