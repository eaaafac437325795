package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"zorginkoop/internal/provider"
	"zorginkoop/internal/store/sqlstore"
)

// chunk is how many providers go into one round of COPYs.
const chunk = 2000

// copyTable is one child table written with COPY.
type copyTable struct {
	name string
	cols []string
	rows [][]any
}

// StageProviders keeps ps for Commit. PostgreSQL needs no staging tables: the
// transaction of Commit blocks no writer of other rows (logins, tokens, the audit trail
// until its entry is appended), and readers see the import whole when it commits.
// progress is called as Commit writes.
func (db *DB) StageProviders(ctx context.Context, ps []provider.Provider, progress func(done int)) (provider.StagedImport, error) {
	return &stagedImport{db: db, ps: ps, progress: progress}, nil
}

// stagedImport is an import kept in memory until Commit.
type stagedImport struct {
	db       *DB
	ps       []provider.Provider
	progress func(done int)
}

// Commit writes the providers in the context's transaction (or one of its own),
// replacing those with the same id: per chunk, one DELETE and one COPY per table.
func (s *stagedImport) Commit(ctx context.Context) error {
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		err := s.db.onTxConn(ctx, func(c *pgx.Conn) error {
			for start := 0; start < len(s.ps); start += chunk {
				if err := ctx.Err(); err != nil {
					return err
				}
				end := min(start+chunk, len(s.ps))
				if err := writeChunk(ctx, c, s.ps[start:end]); err != nil {
					return err
				}
				if s.progress != nil {
					for i := start; i < end; i++ {
						s.progress(i + 1)
					}
				}
			}
			return ctx.Err() // a cancelled import must not commit
		})
		if err != nil {
			return err
		}
		tx, _ := s.db.Tx(ctx)
		ids := make([]string, len(s.ps))
		for i := range s.ps {
			ids[i] = s.ps[i].ID
		}
		return s.db.MarkChanged(ctx, tx, ids)
	})
	if err != nil {
		return fmt.Errorf("replace providers: %w", err)
	}
	return nil
}

// Discard forgets the providers.
func (s *stagedImport) Discard(context.Context) error {
	s.ps = nil
	return nil
}

// ReplaceProviders writes the providers in one transaction (the context's, when
// sqlstore.DB.InTx carries one, so that an import and its audit entry commit together),
// replacing those with the same id. All or nothing.
func (db *DB) ReplaceProviders(ctx context.Context, ps []provider.Provider, progress func(done int)) error {
	s, _ := db.StageProviders(ctx, ps, progress)
	return s.Commit(ctx)
}

// onTxConn runs fn on the pgx connection under the context's database/sql transaction
// (begun by InTx), for COPY: statements on it are part of that transaction.
func (db *DB) onTxConn(ctx context.Context, fn func(c *pgx.Conn) error) error {
	_, conn := db.Tx(ctx)
	return conn.Raw(func(driverConn any) error {
		c, ok := driverConn.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("unexpected driver connection %T", driverConn)
		}
		return fn(c.Conn())
	})
}

// copyFrom is sqlstore.Dialect.CopyFrom: COPY on the pgx connection under conn, which
// carries the context's database/sql transaction, so the rows are part of it.
func copyFrom(ctx context.Context, conn *sql.Conn, table string, cols []string, rows sqlstore.RowSource) (int64, error) {
	var n int64
	err := conn.Raw(func(driverConn any) error {
		c, ok := driverConn.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("unexpected driver connection %T", driverConn)
		}
		var err error
		n, err = c.Conn().CopyFrom(ctx, pgx.Identifier{table}, cols, rows)
		return err
	})
	return n, err
}

func writeChunk(ctx context.Context, tx *pgx.Conn, ps []provider.Provider) error {
	ids := make([]string, len(ps))
	tables := []*copyTable{
		{name: "providers", cols: []string{"id", "name", "kvk"}},
		{name: "provider_agb_codes", cols: []string{"provider_id", "pos", "code", "kind"}},
		{name: "provider_care_types", cols: []string{"provider_id", "pos", "care_type"}},
		{name: "provider_specialisms", cols: []string{"provider_id", "pos", "specialism"}},
		{name: "provider_locations", cols: []string{"provider_id", "pos", "name", "street", "postcode", "city"}},
		{name: "provider_facts", cols: []string{"provider_id", "pos", "key", "insurer", "value", "source", "date", "evidence"}},
		{name: "provider_parts", cols: []string{"provider_id", "pos", "policy_id", "part_id", "by_source", "insurer"}},
		{name: "provider_contracts", cols: []string{"provider_id", "pos", "insurer", "policy_id", "parts", "first_year", "last_year"}},
	}
	provs, agbs, cts, sps, locs, facts := tables[0], tables[1], tables[2], tables[3], tables[4], tables[5]
	choices, contracts := tables[6], tables[7]
	for n := range ps {
		p := &ps[n]
		ids[n] = p.ID
		provs.rows = append(provs.rows, []any{p.ID, p.Name, p.KvK})
		for i, c := range p.AGBCodes {
			agbs.rows = append(agbs.rows, []any{p.ID, int32(i), c.Code, string(c.Kind)})
		}
		for i, ct := range p.CareTypes {
			cts.rows = append(cts.rows, []any{p.ID, int32(i), ct})
		}
		for i, sp := range p.Specialisms {
			sps.rows = append(sps.rows, []any{p.ID, int32(i), sp})
		}
		for i, l := range p.Locations {
			locs.rows = append(locs.rows, []any{p.ID, int32(i), l.Name, l.Street, l.Postcode, l.City})
		}
		for i, f := range p.Facts {
			var date any
			if f.Date != "" {
				d, err := time.Parse(time.DateOnly, f.Date)
				if err != nil {
					return fmt.Errorf("provider %s: facts[%d] (%s): date %q is not a date like 2024-01-31", p.ID, i, f.Key, f.Date)
				}
				date = d
			}
			facts.rows = append(facts.rows, []any{p.ID, int32(i), f.Key, f.Insurer, f.Value, string(f.Source), date, f.Evidence})
		}
		for i, c := range p.Parts {
			choices.rows = append(choices.rows, []any{p.ID, int32(i), c.Policy, c.Part, string(c.By), c.Insurer})
		}
		for i, c := range p.Contracts {
			contracts.rows = append(contracts.rows, []any{p.ID, int32(i), c.Insurer, c.Policy, sqlstore.ContractParts(c.Parts),
				int32(c.FirstYear), int32(c.LastYear)})
		}
	}
	for _, t := range tables { // parts first; see the migration for why there is no cascade
		if _, err := tx.Exec(ctx, `DELETE FROM `+t.name+` WHERE `+t.cols[0]+` = ANY($1)`, ids); err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
	}
	for _, t := range tables {
		if len(t.rows) == 0 {
			continue
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.name}, t.cols, pgx.CopyFromRows(t.rows)); err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
	}
	return nil
}
