package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"zorginkoop/internal/provider"
)

// ContractParts is how a contract's parts are stored: a JSON list of part ids.
func ContractParts(parts []string) string {
	if len(parts) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(parts)
	return string(b)
}

// contractRow builds a contract from its stored columns (years as text, see streamQuery).
func contractRow(insurer, policy, parts, first, last string) (provider.Contract, error) {
	c := provider.Contract{Insurer: insurer, Policy: policy}
	if err := json.Unmarshal([]byte(parts), &c.Parts); err != nil {
		return c, fmt.Errorf("parts %q: %w", parts, err)
	}
	if len(c.Parts) == 0 {
		c.Parts = nil
	}
	var err error
	if c.FirstYear, err = strconv.Atoi(first); err != nil {
		return c, err
	}
	c.LastYear, err = strconv.Atoi(last)
	return c, err
}

// StoredDealings returns the stored part choices and contracts of the providers ids, per
// provider id in stored order, factsBatch ids per query. Inside the context's write
// transaction it reads there.
func (db *DB) StoredDealings(ctx context.Context, ids []string) (map[string]provider.Dealings, error) {
	out := map[string]provider.Dealings{}
	var q querier = db.Read
	if tx, _ := db.Tx(ctx); tx != nil {
		q = tx
	}
	for start := 0; start < len(ids); start += factsBatch {
		batch := ids[start:min(start+factsBatch, len(ids))]
		if err := db.storedDealings(ctx, q, batch, out); err != nil {
			return nil, fmt.Errorf("read stored parts and contracts: %w", err)
		}
	}
	return out, nil
}

// storedDealings reads the part choices and contracts of ids in one query.
func (db *DB) storedDealings(ctx context.Context, q querier, ids []string, out map[string]provider.Dealings) error {
	args := make([]any, 0, 2*len(ids))
	for range 2 {
		for _, id := range ids {
			args = append(args, id)
		}
	}
	in := `(` + placeholders(len(ids)) + `)`
	query := `SELECT provider_id, ` + itoa(kindPart) + `, pos, policy_id, part_id, by_source, insurer, '' FROM provider_parts WHERE provider_id IN ` + in +
		` UNION ALL SELECT provider_id, ` + itoa(kindContract) + `, pos, insurer, policy_id, parts, CAST(first_year AS TEXT), CAST(last_year AS TEXT)` +
		` FROM provider_contracts WHERE provider_id IN ` + in + ` ORDER BY 1, 2, 3`
	rows, err := q.QueryContext(ctx, db.Q(query), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id         string
			kind, pos  int
			a, b, c, d string
			e          string
		)
		if err := rows.Scan(&id, &kind, &pos, &a, &b, &c, &d, &e); err != nil {
			return err
		}
		dl := out[id]
		if kind == kindPart {
			dl.Parts = append(dl.Parts, provider.PartChoice{Policy: a, Part: b, By: provider.Source(c), Insurer: d})
		} else {
			ct, err := contractRow(a, b, c, d, e)
			if err != nil {
				return fmt.Errorf("provider %s: contracts[%d]: %w", id, pos, err)
			}
			dl.Contracts = append(dl.Contracts, ct)
		}
		out[id] = dl
	}
	return rows.Err()
}
