package sqlstore

import (
	"context"
	"fmt"

	"zorginkoop/internal/policy"
)

// SavePolicies inserts or replaces policy files, all in one transaction.
func (db *DB) SavePolicies(ctx context.Context, rs []policy.Record) error {
	tx, err := db.Write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("save policies: %w", err)
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, db.Q(`INSERT INTO policies (id, file, raw, loaded_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET file = excluded.file, raw = excluded.raw, loaded_at = excluded.loaded_at`))
	if err != nil {
		return fmt.Errorf("save policies: %w", err)
	}
	defer stmt.Close()
	for _, r := range rs {
		raw := r.Raw
		if raw == nil {
			raw = []byte{}
		}
		if _, err := stmt.ExecContext(ctx, r.ID, r.File, raw, db.Dialect.Time(r.LoadedAt)); err != nil {
			return fmt.Errorf("save policy %s: %w", r.ID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("save policies: %w", err)
	}
	return nil
}

// PolicyRecords returns every stored policy file, ordered by id.
func (db *DB) PolicyRecords(ctx context.Context) ([]policy.Record, error) {
	rows, err := db.Read.QueryContext(ctx, `SELECT id, file, raw, loaded_at FROM policies ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("read policies: %w", err)
	}
	defer rows.Close()
	var rs []policy.Record
	for rows.Next() {
		var r policy.Record
		var at Timestamp
		if err := rows.Scan(&r.ID, &r.File, &r.Raw, &at); err != nil {
			return nil, fmt.Errorf("read policies: %w", err)
		}
		r.LoadedAt = at.Time
		rs = append(rs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read policies: %w", err)
	}
	return rs, nil
}
