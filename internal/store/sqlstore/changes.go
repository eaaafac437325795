package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"zorginkoop/internal/provider"
)

// changeChunk is how many providers one statement of MarkChanged marks.
const changeChunk = 500

// NextChangeSeq takes the next provider change number in tx (see migration 0013). The
// counter's row stays locked until tx ends, so that numbers become visible in the order
// they were taken. Take it after the provider rows are written and before the audit entry
// is appended, as every provider write does, so that two writers never wait for each other
// in opposite orders.
func (db *DB) NextChangeSeq(ctx context.Context, tx *sql.Tx) (int64, error) {
	var seq int64
	err := tx.QueryRowContext(ctx, `UPDATE provider_change_seq SET seq = seq + 1 WHERE id = 1 RETURNING seq`).Scan(&seq)
	if err != nil {
		return 0, fmt.Errorf("take provider change number: %w", err)
	}
	return seq, nil
}

// MarkChanged marks the providers ids as written in tx under a new change number.
func (db *DB) MarkChanged(ctx context.Context, tx *sql.Tx, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	seq, err := db.NextChangeSeq(ctx, tx)
	if err != nil {
		return err
	}
	ids = slices.Compact(slices.Sorted(slices.Values(ids))) // one row per provider per statement
	for start := 0; start < len(ids); start += changeChunk {
		chunk := ids[start:min(start+changeChunk, len(ids))]
		args := make([]any, 0, 2*len(chunk))
		values := make([]byte, 0, 8*len(chunk))
		for i, id := range chunk {
			if i > 0 {
				values = append(values, ", "...)
			}
			values = append(values, "(?, ?)"...)
			args = append(args, id, seq)
		}
		_, err := tx.ExecContext(ctx, db.Q(`INSERT INTO provider_changes (provider_id, seq) VALUES `+string(values)+
			` ON CONFLICT (provider_id) DO UPDATE SET seq = excluded.seq`), args...)
		if err != nil {
			return fmt.Errorf("mark changed providers: %w", err)
		}
	}
	return nil
}

// ProviderChanges returns the providers written after change number since (at most limit
// of them, else All), and the newest number. The number is read first: every change up
// to it has committed, so the rows up to it are complete.
func (db *DB) ProviderChanges(ctx context.Context, since int64, limit int) (provider.Changes, error) {
	var c provider.Changes
	if err := db.Read.QueryRowContext(ctx, `SELECT seq FROM provider_change_seq WHERE id = 1`).Scan(&c.Seq); err != nil {
		return c, fmt.Errorf("read provider changes: %w", err)
	}
	if since < 0 || since > c.Seq { // none asked for, or a database that was replaced

		c.All = true
		return c, nil
	}
	if c.Seq == since {
		return c, nil
	}
	rows, err := db.Read.QueryContext(ctx, db.Q(`SELECT provider_id FROM provider_changes WHERE seq > ? AND seq <= ? LIMIT ?`),
		since, c.Seq, limit+1)
	if err != nil {
		return c, fmt.Errorf("read provider changes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return c, fmt.Errorf("read provider changes: %w", err)
		}
		c.IDs = append(c.IDs, id)
	}
	if err := rows.Err(); err != nil {
		return c, fmt.Errorf("read provider changes: %w", err)
	}
	if len(c.IDs) > limit {
		c.IDs, c.All = nil, true
	}
	return c, nil
}
