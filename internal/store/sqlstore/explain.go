package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"zorginkoop/internal/provider"
)

// ExplainStream returns the PostgreSQL plan of EachProvider's query for sel, as run (EXPLAIN
// (ANALYZE, BUFFERS), in the stream's transaction with its settings), for
// docs/performance.md; BenchmarkFactCache logs it.
func (db *DB) ExplainStream(ctx context.Context, sel provider.Selection) (string, error) {
	query, args := db.streamQuery(selectionMatch(sel), detail{full: true, factKeys: sel.Facts, policy: sel.Policy, insurer: sel.Insurer})
	tx, err := db.Read.BeginTx(ctx, nil)
	if err != nil {
		return "", err
	}
	defer tx.Rollback()
	for _, set := range db.Dialect.StreamSettings {
		if _, err := tx.ExecContext(ctx, set); err != nil {
			return "", fmt.Errorf("%s: %w", set, err)
		}
	}
	rows, err := tx.QueryContext(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+query, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return "", err
		}
		b.WriteString(line + "\n")
	}
	return b.String(), rows.Err()
}
