package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"zorginkoop/internal/provider"
	"zorginkoop/internal/store/sqlstore"
)

// A provider import is written in two steps (see migration 0009). SQLite has one writer at
// a time: an import of 50,000 providers in one transaction held it for over 12 seconds,
// and every login, logout and token waited for it (or, in another process, failed with
// SQLITE_BUSY after the busy timeout). So StageProviders writes the rows into the staged_
// tables in transactions of stageChunk providers each, letting other writers in between,
// and Commit moves them into the provider tables in one transaction with SQL alone
// (INSERT ... SELECT), which is much faster than the row-by-row writes of staging.

// stageChunk is how many providers one staging transaction writes: with 40 facts each,
// a few tens of milliseconds of holding the writer.
const stageChunk = 250

// staleImport is how long an import's staged rows may go untouched before a later import
// removes them as left by a process that died (one that is alive stages a chunk far more
// often).
const staleImport = time.Hour

// stagedTables are the provider tables and their staged copies, parents first, with the
// columns after import_id.
var stagedTables = []struct{ live, staged, cols, key string }{
	{"providers", "staged_providers", "id, name, kvk", "id"},
	{"provider_agb_codes", "staged_provider_agb_codes", "provider_id, pos, code, kind", "provider_id, pos"},
	{"provider_care_types", "staged_provider_care_types", "provider_id, pos, care_type", "provider_id, pos"},
	{"provider_specialisms", "staged_provider_specialisms", "provider_id, pos, specialism", "provider_id, pos"},
	{"provider_locations", "staged_provider_locations", "provider_id, pos, name, street, postcode, city", "provider_id, pos"},
	{"provider_facts", "staged_provider_facts", "provider_id, pos, key, insurer, value, source, date, evidence", "provider_id, pos"},
	{"provider_parts", "staged_provider_parts", "provider_id, pos, policy_id, part_id, by_source, insurer", "provider_id, pos"},
	{"provider_contracts", "staged_provider_contracts", "provider_id, pos, insurer, policy_id, parts, first_year, last_year", "provider_id, pos"},
}

// stagedImport is one import in the staged_ tables.
type stagedImport struct {
	db *DB
	id int64
	n  int // providers staged
}

// StageProviders writes ps into the staged_ tables, stageChunk providers per
// transaction (joining the context's transaction instead, if it carries one), and calls
// progress after each chunk has committed, with no transaction open. On an error it
// removes what it staged.
func (db *DB) StageProviders(ctx context.Context, ps []provider.Provider, progress func(done int)) (provider.StagedImport, error) {
	if err := db.removeStaleImports(ctx); err != nil {
		return nil, fmt.Errorf("stage providers: %w", err)
	}
	var id int64
	err := db.Writer(ctx).QueryRowContext(ctx, `INSERT INTO provider_imports (touched_at) VALUES (?) RETURNING id`,
		sqlstore.TextTime(time.Now())).Scan(&id)
	if err != nil {
		return nil, fmt.Errorf("stage providers: %w", err)
	}
	s := &stagedImport{db: db, id: id, n: len(ps)}
	for start := 0; start < len(ps); start += stageChunk {
		end := min(start+stageChunk, len(ps))
		if err := s.stage(ctx, ps[start:end]); err != nil {
			s.Discard(context.WithoutCancel(ctx))
			return nil, fmt.Errorf("stage providers: %w", err)
		}
		if progress != nil {
			for i := start; i < end; i++ {
				progress(i + 1)
			}
		}
	}
	return s, nil
}

// stage writes one chunk in one transaction.
func (s *stagedImport) stage(ctx context.Context, ps []provider.Provider) error {
	return s.db.InTx(ctx, func(ctx context.Context) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		tx, _ := s.db.Tx(ctx)
		if _, err := tx.ExecContext(ctx, `UPDATE provider_imports SET touched_at = ? WHERE id = ?`, sqlstore.TextTime(time.Now()), s.id); err != nil {
			return err
		}
		stmts, err := prepareStaging(ctx, tx)
		if err != nil {
			return err
		}
		defer stmts.close()
		for i := range ps {
			if err := stmts.write(ctx, s.id, &ps[i]); err != nil {
				return fmt.Errorf("provider %s: %w", ps[i].ID, err)
			}
		}
		return nil
	})
}

// Commit moves the staged providers into the provider tables, replacing those with the
// same ids (their old parts go by ON DELETE CASCADE), in the context's transaction or one
// of its own.
func (s *stagedImport) Commit(ctx context.Context) error {
	err := s.db.InTx(ctx, func(ctx context.Context) error {
		tx, _ := s.db.Tx(ctx)
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM staged_providers WHERE import_id = ?`, s.id).Scan(&n); err != nil {
			return err
		}
		if n != s.n {
			return fmt.Errorf("import %d: %d providers staged, %d expected: its staged rows were removed as stale", s.id, n, s.n)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM providers WHERE id IN (SELECT id FROM staged_providers WHERE import_id = ?)`, s.id); err != nil {
			return err
		}
		for _, t := range stagedTables {
			// In key order: appending to each b-tree instead of inserting all over it.
			if _, err := tx.ExecContext(ctx, `INSERT INTO `+t.live+` (`+t.cols+`) SELECT `+t.cols+` FROM `+t.staged+
				` WHERE import_id = ? ORDER BY `+t.key, s.id); err != nil {
				return fmt.Errorf("%s: %w", t.live, err)
			}
		}
		return s.db.markStaged(ctx, tx, s.id)
	})
	if err != nil {
		return fmt.Errorf("commit providers: %w", err)
	}
	return nil
}

// Discard removes the import's staged rows, in short transactions.
func (s *stagedImport) Discard(ctx context.Context) error {
	if err := s.db.removeImport(ctx, s.id); err != nil {
		return fmt.Errorf("discard staged providers: %w", err)
	}
	return nil
}

// removeStaleImports removes the staged rows of imports untouched for staleImport.
func (db *DB) removeStaleImports(ctx context.Context) error {
	rows, err := db.Read.QueryContext(ctx, `SELECT id FROM provider_imports WHERE touched_at < ?`,
		sqlstore.TextTime(time.Now().Add(-staleImport)))
	if err != nil {
		return err
	}
	ids, err := scanIDs(rows)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := db.removeImport(ctx, id); err != nil {
			return err
		}
		db.log.Info("removed the staged rows of an unfinished provider import", "import", id)
	}
	return nil
}

// removeImport deletes the staged rows of import id, stageChunk providers per
// transaction, and then the import.
func (db *DB) removeImport(ctx context.Context, id int64) error {
	for {
		done := false
		err := db.InTx(ctx, func(ctx context.Context) error {
			tx, _ := db.Tx(ctx)
			var first, last sql.NullString
			if err := tx.QueryRowContext(ctx, `SELECT min(id), max(id) FROM (SELECT id FROM staged_providers WHERE import_id = ? ORDER BY id LIMIT ?)`,
				id, stageChunk).Scan(&first, &last); err != nil {
				return err
			}
			if !first.Valid {
				done = true
				_, err := tx.ExecContext(ctx, `DELETE FROM provider_imports WHERE id = ?`, id)
				return err
			}
			for i := len(stagedTables) - 1; i >= 0; i-- {
				col := "provider_id"
				if i == 0 {
					col = "id"
				}
				if _, err := tx.ExecContext(ctx, `DELETE FROM `+stagedTables[i].staged+` WHERE import_id = ? AND `+col+` BETWEEN ? AND ?`,
					id, first.String, last.String); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil || done {
			return err
		}
	}
}

func scanIDs(rows *sql.Rows) ([]int64, error) {
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// ReplaceProviders stages ps and commits them in one transaction (the context's, if it
// carries one), replacing those with the same id. All or nothing.
func (db *DB) ReplaceProviders(ctx context.Context, ps []provider.Provider, progress func(done int)) error {
	s, err := db.StageProviders(ctx, ps, progress)
	if err != nil {
		return fmt.Errorf("replace providers: %w", err)
	}
	defer s.Discard(context.WithoutCancel(ctx))
	if err := s.Commit(ctx); err != nil {
		return fmt.Errorf("replace providers: %w", err)
	}
	return nil
}

// stagingStmts are the prepared statements that stage one provider.
type stagingStmts struct {
	provider, agb, careType, specialism, location, fact, part, contract *sql.Stmt
}

func prepareStaging(ctx context.Context, tx *sql.Tx) (*stagingStmts, error) {
	var s stagingStmts
	stmts := []**sql.Stmt{&s.provider, &s.agb, &s.careType, &s.specialism, &s.location, &s.fact, &s.part, &s.contract}
	for i, t := range stagedTables {
		n := strings.Count(t.cols, ",") + 1
		st, err := tx.PrepareContext(ctx, `INSERT INTO `+t.staged+` (import_id, `+t.cols+`) VALUES (?`+strings.Repeat(", ?", n)+`)`)
		if err != nil {
			s.close()
			return nil, err
		}
		*stmts[i] = st
	}
	return &s, nil
}

func (s *stagingStmts) close() {
	for _, st := range []*sql.Stmt{s.provider, s.agb, s.careType, s.specialism, s.location, s.fact, s.part, s.contract} {
		if st != nil {
			st.Close()
		}
	}
}

// write stages one provider of import id.
func (s *stagingStmts) write(ctx context.Context, id int64, p *provider.Provider) error {
	if _, err := s.provider.ExecContext(ctx, id, p.ID, p.Name, p.KvK); err != nil {
		return err
	}
	for i, c := range p.AGBCodes {
		if _, err := s.agb.ExecContext(ctx, id, p.ID, i, c.Code, string(c.Kind)); err != nil {
			return fmt.Errorf("agb_codes[%d]: %w", i, err)
		}
	}
	for i, ct := range p.CareTypes {
		if _, err := s.careType.ExecContext(ctx, id, p.ID, i, ct); err != nil {
			return fmt.Errorf("care_types[%d]: %w", i, err)
		}
	}
	for i, sp := range p.Specialisms {
		if _, err := s.specialism.ExecContext(ctx, id, p.ID, i, sp); err != nil {
			return fmt.Errorf("specialisms[%d]: %w", i, err)
		}
	}
	for i, l := range p.Locations {
		if _, err := s.location.ExecContext(ctx, id, p.ID, i, l.Name, l.Street, l.Postcode, l.City); err != nil {
			return fmt.Errorf("locations[%d]: %w", i, err)
		}
	}
	for i, f := range p.Facts {
		var date any
		if f.Date != "" {
			date = f.Date
		}
		if _, err := s.fact.ExecContext(ctx, id, p.ID, i, f.Key, f.Insurer, f.Value, string(f.Source), date, f.Evidence); err != nil {
			return fmt.Errorf("facts[%d] (%s): %w", i, f.Key, err)
		}
	}
	for i, c := range p.Parts {
		if _, err := s.part.ExecContext(ctx, id, p.ID, i, c.Policy, c.Part, string(c.By), c.Insurer); err != nil {
			return fmt.Errorf("parts[%d]: %w", i, err)
		}
	}
	for i, c := range p.Contracts {
		if _, err := s.contract.ExecContext(ctx, id, p.ID, i, c.Insurer, c.Policy, sqlstore.ContractParts(c.Parts), c.FirstYear, c.LastYear); err != nil {
			return fmt.Errorf("contracts[%d]: %w", i, err)
		}
	}
	return nil
}

// markStaged marks the providers of import id as written under a new change number (see
// sqlstore.DB.MarkChanged), from the staged rows rather than a list of bound ids.
func (db *DB) markStaged(ctx context.Context, tx *sql.Tx, id int64) error {
	seq, err := db.NextChangeSeq(ctx, tx)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO provider_changes (provider_id, seq) SELECT id, ? FROM staged_providers
		WHERE import_id = ? ON CONFLICT (provider_id) DO UPDATE SET seq = excluded.seq`, seq, id); err != nil {
		return fmt.Errorf("mark changed providers: %w", err)
	}
	return nil
}
