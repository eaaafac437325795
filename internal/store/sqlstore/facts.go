package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"zorginkoop/internal/provider"
)

// factsBatch is how many provider ids go into one query of StoredFacts: far below
// SQLite's limit of bound parameters, and few round trips for a register of 50,000.
const factsBatch = 1000

// querier is a transaction or a pool.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// StoredFacts returns the stored facts of the providers ids that m matches, per provider
// id in stored order. Inside the context's write transaction it reads there and, on
// PostgreSQL, first locks the providers' rows, so that the replace that follows in the
// transaction keeps exactly what it read, and another import of the same providers waits.
func (db *DB) StoredFacts(ctx context.Context, ids []string, m provider.FactMatch) (map[string][]provider.Fact, error) {
	out := map[string][]provider.Fact{}
	if len(ids) == 0 || !m.PerInsurer && len(m.Sources) == 0 {
		return out, nil
	}
	var q querier = db.Read
	if tx, _ := db.Tx(ctx); tx != nil {
		q = tx
	}
	for start := 0; start < len(ids); start += factsBatch {
		batch := ids[start:min(start+factsBatch, len(ids))]
		if err := db.storedFacts(ctx, q, batch, m, out); err != nil {
			return nil, fmt.Errorf("read stored facts: %w", err)
		}
	}
	return out, nil
}

func (db *DB) storedFacts(ctx context.Context, q querier, ids []string, m provider.FactMatch, out map[string][]provider.Fact) error {
	args := make([]any, 0, len(ids)+len(m.Sources))
	for _, id := range ids {
		args = append(args, id)
	}
	in := `(` + placeholders(len(ids)) + `)`
	if db.Dialect.LockRows != "" {
		// The lock is its own statement: in READ COMMITTED the read below then takes a
		// snapshot after any import it waited for has committed.
		rows, err := q.QueryContext(ctx, db.Q(`SELECT id FROM providers WHERE id IN `+in+` ORDER BY id`+db.Dialect.LockRows), args...)
		if err != nil {
			return err
		}
		rows.Close()
	}
	var match []string
	if m.PerInsurer {
		match = append(match, `insurer <> ''`)
	}
	if len(m.Sources) > 0 {
		match = append(match, `source IN (`+placeholders(len(m.Sources))+`)`)
		for _, s := range m.Sources {
			args = append(args, string(s))
		}
	}
	query := `SELECT provider_id, key, insurer, value, source, COALESCE(` + db.Dialect.DateText("date") + `, ''), evidence
		FROM provider_facts WHERE provider_id IN ` + in + ` AND (` + joinOr(match) + `) ORDER BY provider_id, pos`
	rows, err := q.QueryContext(ctx, db.Q(query), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var f provider.Fact
		if err := rows.Scan(&id, &f.Key, &f.Insurer, &f.Value, &f.Source, &f.Date, &f.Evidence); err != nil {
			return err
		}
		out[id] = append(out[id], f)
	}
	return rows.Err()
}

func joinOr(conds []string) string {
	s := conds[0]
	for _, c := range conds[1:] {
		s += " OR " + c
	}
	return s
}
