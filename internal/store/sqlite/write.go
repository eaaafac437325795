package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"zorginkoop/internal/assessment"
	"zorginkoop/internal/provider"
	"zorginkoop/internal/store/sqlstore"
)

// providerStmts are the prepared statements that write one provider.
type providerStmts struct {
	del, provider, agb, careType, specialism, location, fact *sql.Stmt
}

func prepareProvider(ctx context.Context, tx *sql.Tx) (*providerStmts, error) {
	var s providerStmts
	for _, p := range []struct {
		stmt  **sql.Stmt
		query string
	}{
		{&s.del, `DELETE FROM providers WHERE id = ?`},
		{&s.provider, `INSERT INTO providers (id, name, kvk) VALUES (?, ?, ?)`},
		{&s.agb, `INSERT INTO provider_agb_codes (provider_id, pos, code, kind) VALUES (?, ?, ?, ?)`},
		{&s.careType, `INSERT INTO provider_care_types (provider_id, pos, care_type) VALUES (?, ?, ?)`},
		{&s.specialism, `INSERT INTO provider_specialisms (provider_id, pos, specialism) VALUES (?, ?, ?)`},
		{&s.location, `INSERT INTO provider_locations (provider_id, pos, name, street, postcode, city) VALUES (?, ?, ?, ?, ?, ?)`},
		{&s.fact, `INSERT INTO provider_facts (provider_id, pos, key, insurer, value, source, date, evidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`},
	} {
		st, err := tx.PrepareContext(ctx, p.query)
		if err != nil {
			return nil, err
		}
		*p.stmt = st
	}
	return &s, nil
}

// write replaces one provider: its old rows go by ON DELETE CASCADE.
func (s *providerStmts) write(ctx context.Context, p *provider.Provider) error {
	if _, err := s.del.ExecContext(ctx, p.ID); err != nil {
		return err
	}
	if _, err := s.provider.ExecContext(ctx, p.ID, p.Name, p.KvK); err != nil {
		return err
	}
	for i, c := range p.AGBCodes {
		if _, err := s.agb.ExecContext(ctx, p.ID, i, c.Code, string(c.Kind)); err != nil {
			return fmt.Errorf("agb_codes[%d]: %w", i, err)
		}
	}
	for i, ct := range p.CareTypes {
		if _, err := s.careType.ExecContext(ctx, p.ID, i, ct); err != nil {
			return fmt.Errorf("care_types[%d]: %w", i, err)
		}
	}
	for i, sp := range p.Specialisms {
		if _, err := s.specialism.ExecContext(ctx, p.ID, i, sp); err != nil {
			return fmt.Errorf("specialisms[%d]: %w", i, err)
		}
	}
	for i, l := range p.Locations {
		if _, err := s.location.ExecContext(ctx, p.ID, i, l.Name, l.Street, l.Postcode, l.City); err != nil {
			return fmt.Errorf("locations[%d]: %w", i, err)
		}
	}
	for i, f := range p.Facts {
		var date any
		if f.Date != "" {
			date = f.Date
		}
		if _, err := s.fact.ExecContext(ctx, p.ID, i, f.Key, f.Insurer, f.Value, string(f.Source), date, f.Evidence); err != nil {
			return fmt.Errorf("facts[%d] (%s): %w", i, f.Key, err)
		}
	}
	return nil
}

// ReplaceProviders writes the providers in one transaction, replacing those with the same
// id. All or nothing.
func (db *DB) ReplaceProviders(ctx context.Context, ps []provider.Provider, progress func(done int)) error {
	// Joins the context's transaction, if any: the one write connection is taken by it.
	return db.InTx(ctx, func(ctx context.Context) error {
		tx, _ := db.Tx(ctx)
		stmts, err := prepareProvider(ctx, tx)
		if err != nil {
			return fmt.Errorf("replace providers: %w", err)
		}
		for i := range ps {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("replace providers: %w", err)
			}
			if err := stmts.write(ctx, &ps[i]); err != nil {
				return fmt.Errorf("replace provider %s: %w", ps[i].ID, err)
			}
			if progress != nil {
				progress(i + 1)
			}
		}
		return nil
	})
}

// SaveRun stores a run with its summaries in one transaction (the context's, when
// sqlstore.DB.InTx carries one) and sets run.ID.
func (db *DB) SaveRun(ctx context.Context, run *assessment.Run) error {
	var id int64
	err := db.InTx(ctx, func(ctx context.Context) error {
		tx, _ := db.Tx(ctx)
		if err := tx.QueryRowContext(ctx, sqlstore.InsertRun, db.RunArgs(run)...).Scan(&id); err != nil {
			return fmt.Errorf("save run: %w", err)
		}
		stmt, err := tx.PrepareContext(ctx, `INSERT INTO assessment_summaries (`+strings.Join(sqlstore.SummaryColumns, ", ")+
			`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
		if err != nil {
			return fmt.Errorf("save run: %w", err)
		}
		defer stmt.Close()
		for i := range run.Summaries {
			if _, err := stmt.ExecContext(ctx, sqlstore.SummaryRow(id, i, &run.Summaries[i])...); err != nil {
				return fmt.Errorf("save run: summary %d (%s): %w", i, run.Summaries[i].ProviderID, err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	run.ID = id
	return nil
}
