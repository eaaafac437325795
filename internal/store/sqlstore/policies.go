package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/policy"
)

// SavePolicies inserts or replaces policy files, all in one transaction.
func (db *DB) SavePolicies(ctx context.Context, rs []policy.Record) error {
	return db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, db.Q(`INSERT INTO policies (id, file, raw, loaded_at, status, insurer, version) VALUES (?, ?, ?, ?, ?, ?, 1)
			ON CONFLICT (id) DO UPDATE SET file = excluded.file, raw = excluded.raw, loaded_at = excluded.loaded_at,
				status = excluded.status, insurer = excluded.insurer, version = policies.version + 1`))
		if err != nil {
			return fmt.Errorf("save policies: %w", err)
		}
		defer stmt.Close()
		for _, r := range rs {
			if _, err := stmt.ExecContext(ctx, r.ID, r.File, raw(r), db.Dialect.Time(r.LoadedAt), status(r), r.Insurer); err != nil {
				return fmt.Errorf("save policy %s: %w", r.ID, err)
			}
		}
		return nil
	})
}

func raw(r policy.Record) []byte {
	if r.Raw == nil {
		return []byte{}
	}
	return r.Raw
}

func status(r policy.Record) string {
	if r.Status == "" {
		return string(policy.Published)
	}
	return string(r.Status)
}

// SavePolicy stores one policy file if the stored one is still at version prev (0: the id
// must be new), and sets r.Version.
func (db *DB) SavePolicy(ctx context.Context, r *policy.Record, prev int) error {
	var (
		query string
		args  = []any{r.ID, r.File, raw(*r), db.Dialect.Time(r.LoadedAt), status(*r), r.Insurer}
	)
	if prev == 0 {
		query = `INSERT INTO policies (id, file, raw, loaded_at, status, insurer, version) VALUES (?, ?, ?, ?, ?, ?, 1)
			ON CONFLICT (id) DO NOTHING`
	} else {
		query = `UPDATE policies SET file = ?, raw = ?, loaded_at = ?, status = ?, insurer = ?, version = version + 1
			WHERE id = ? AND version = ?`
		args = append(args[1:], r.ID, prev)
	}
	res, err := db.Writer(ctx).ExecContext(ctx, db.Q(query), args...)
	if err != nil {
		return fmt.Errorf("save policy %s: %w", r.ID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("save policy %s: %w", r.ID, err)
	}
	if n == 0 {
		return &apperr.Error{Code: apperr.Conflict, Field: "id",
			Message: fmt.Sprintf("policy %q was stored or changed meanwhile; load it again", r.ID)}
	}
	r.Version = prev + 1
	return nil
}

// PolicyRecords returns every stored policy file, ordered by id.
func (db *DB) PolicyRecords(ctx context.Context) ([]policy.Record, error) {
	rows, err := db.Read.QueryContext(ctx, `SELECT id, file, raw, loaded_at, status, insurer, version FROM policies ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("read policies: %w", err)
	}
	defer rows.Close()
	var rs []policy.Record
	for rows.Next() {
		var r policy.Record
		var at Timestamp
		if err := rows.Scan(&r.ID, &r.File, &r.Raw, &at, &r.Status, &r.Insurer, &r.Version); err != nil {
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

// PolicyRecord returns one stored policy file, or NotFound.
func (db *DB) PolicyRecord(ctx context.Context, id string) (*policy.Record, error) {
	var r policy.Record
	var at Timestamp
	err := db.Read.QueryRowContext(ctx, db.Q(`SELECT id, file, raw, loaded_at, status, insurer, version FROM policies WHERE id = ?`), id).
		Scan(&r.ID, &r.File, &r.Raw, &at, &r.Status, &r.Insurer, &r.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFoundf("policy %q does not exist", id)
	}
	if err != nil {
		return nil, fmt.Errorf("read policy %s: %w", id, err)
	}
	r.LoadedAt = at.Time
	return &r, nil
}

// PolicyVersions returns the version of every stored policy file by id.
func (db *DB) PolicyVersions(ctx context.Context) (map[string]int, error) {
	rows, err := db.Read.QueryContext(ctx, `SELECT id, version FROM policies`)
	if err != nil {
		return nil, fmt.Errorf("read policy versions: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var id string
		var v int
		if err := rows.Scan(&id, &v); err != nil {
			return nil, fmt.Errorf("read policy versions: %w", err)
		}
		out[id] = v
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read policy versions: %w", err)
	}
	return out, nil
}
