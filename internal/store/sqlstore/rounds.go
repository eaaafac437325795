package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/round"
)

// CreateRound stores a new round.
func (db *DB) CreateRound(ctx context.Context, r *round.Round) error {
	dates, err := json.Marshal(r.Dates)
	if err != nil {
		return err
	}
	_, err = db.Writer(ctx).ExecContext(ctx, db.Q(`INSERT INTO rounds (id, policy_id, year, insurer, dates, opened_at, opened_by)
		VALUES (?, ?, ?, ?, ?, ?, ?)`), r.ID, r.PolicyID, r.Year, r.Insurer, string(dates), db.Dialect.Time(r.OpenedAt), r.OpenedBy)
	if err != nil && isUniqueViolation(err) {
		return &apperr.Error{Code: apperr.Conflict, Field: "round", Message: fmt.Sprintf("round %s is open already", r.ID),
			Dutch: "Deze inkoopronde is al geopend."}
	}
	if err != nil {
		return fmt.Errorf("create round: %w", err)
	}
	return nil
}

// Round returns a round, or NotFound.
func (db *DB) Round(ctx context.Context, id string) (*round.Round, error) {
	var (
		r      round.Round
		dates  string
		opened Timestamp
	)
	err := db.reader(ctx).QueryRowContext(ctx, db.Q(`SELECT id, policy_id, year, insurer, dates, opened_at, opened_by FROM rounds WHERE id = ?`), id).
		Scan(&r.ID, &r.PolicyID, &r.Year, &r.Insurer, &dates, &opened, &r.OpenedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &apperr.Error{Code: apperr.NotFound, Message: fmt.Sprintf("round %q does not exist", id), Dutch: "Deze inkoopronde bestaat niet."}
	}
	if err != nil {
		return nil, fmt.Errorf("read round: %w", err)
	}
	r.OpenedAt = opened.Time
	if err := json.Unmarshal([]byte(dates), &r.Dates); err != nil {
		return nil, fmt.Errorf("round %s dates: %w", id, err)
	}
	return &r, nil
}

const dossierColumns = `id, round_id, policy_id, year, insurer, provider_id, kind, stage, parts, quote, starts, note, next_year, created_at, updated_at, version`

func (db *DB) dossierArgs(d *round.Dossier) ([]any, error) {
	parts, err := json.Marshal(d.Parts)
	if err != nil {
		return nil, err
	}
	quote := ""
	if d.Quote != nil {
		b, err := json.Marshal(d.Quote)
		if err != nil {
			return nil, err
		}
		quote = string(b)
	}
	next := 0
	if d.NextYear {
		next = 1
	}
	return []any{d.ID, d.RoundID, d.PolicyID, d.Year, d.Insurer, d.ProviderID, string(d.Kind), string(d.Stage), string(parts), quote,
		d.Starts.String(), d.Note, next, db.Dialect.Time(d.CreatedAt), db.Dialect.Time(d.UpdatedAt), d.Version}, nil
}

type scanner interface{ Scan(dest ...any) error }

func scanDossier(sc scanner) (*round.Dossier, error) {
	var (
		d                   round.Dossier
		kind, stage         string
		parts, quote, start string
		next                int
		created, updated    Timestamp
	)
	if err := sc.Scan(&d.ID, &d.RoundID, &d.PolicyID, &d.Year, &d.Insurer, &d.ProviderID, &kind, &stage, &parts, &quote, &start,
		&d.Note, &next, &created, &updated, &d.Version); err != nil {
		return nil, err
	}
	d.Kind, d.Stage, d.NextYear, d.CreatedAt, d.UpdatedAt = round.Kind(kind), round.Stage(stage), next != 0, created.Time, updated.Time
	if err := json.Unmarshal([]byte(parts), &d.Parts); err != nil {
		return nil, fmt.Errorf("dossier %s parts: %w", d.ID, err)
	}
	if quote != "" {
		d.Quote = &round.Quote{}
		if err := json.Unmarshal([]byte(quote), d.Quote); err != nil {
			return nil, fmt.Errorf("dossier %s quote: %w", d.ID, err)
		}
	}
	if start != "" {
		t, err := policy.ParseDate(start)
		if err != nil {
			return nil, err
		}
		d.Starts = t
	}
	return &d, nil
}

// CreateDossier stores a new dossier.
func (db *DB) CreateDossier(ctx context.Context, d *round.Dossier) error {
	args, err := db.dossierArgs(d)
	if err != nil {
		return err
	}
	_, err = db.Writer(ctx).ExecContext(ctx, db.Q(`INSERT INTO dossiers (`+dossierColumns+`) VALUES (`+placeholders(len(args))+`)`), args...)
	if err != nil && isUniqueViolation(err) {
		return &apperr.Error{Code: apperr.Conflict, Field: "provider_id", Message: "the provider has a dossier in this round already",
			Dutch: "Deze zorgaanbieder heeft al een dossier in deze inkoopronde."}
	}
	if err != nil {
		return fmt.Errorf("create dossier: %w", err)
	}
	return nil
}

func (db *DB) oneDossier(ctx context.Context, where string, args ...any) (*round.Dossier, error) {
	q := `SELECT ` + dossierColumns + ` FROM dossiers WHERE ` + where
	if tx, _ := db.Tx(ctx); tx != nil {
		q += db.Dialect.LockRows
	}
	d, err := scanDossier(db.reader(ctx).QueryRowContext(ctx, db.Q(q), args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &apperr.Error{Code: apperr.NotFound, Message: "dossier does not exist", Dutch: "Dit dossier bestaat niet."}
	}
	if err != nil {
		return nil, fmt.Errorf("read dossier: %w", err)
	}
	return d, nil
}

// Dossier returns a dossier, or NotFound; inside a write transaction it locks the row.
func (db *DB) Dossier(ctx context.Context, id string) (*round.Dossier, error) {
	return db.oneDossier(ctx, `id = ?`, id)
}

// DossierOf returns the provider's dossier in a round, or NotFound.
func (db *DB) DossierOf(ctx context.Context, roundID, providerID string) (*round.Dossier, error) {
	return db.oneDossier(ctx, `round_id = ? AND provider_id = ?`, roundID, providerID)
}

// UpdateDossier writes d when its stored version is version.
func (db *DB) UpdateDossier(ctx context.Context, d *round.Dossier, version int) error {
	args, err := db.dossierArgs(d)
	if err != nil {
		return err
	}
	res, err := db.Writer(ctx).ExecContext(ctx, db.Q(`UPDATE dossiers SET stage = ?, parts = ?, quote = ?, starts = ?, note = ?, next_year = ?,
		updated_at = ?, version = ? WHERE id = ? AND version = ?`), args[7], args[8], args[9], args[10], args[11], args[12], args[14], args[15], d.ID, version)
	if err != nil {
		return fmt.Errorf("update dossier: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &apperr.Error{Code: apperr.Conflict, Message: "the dossier changed meanwhile",
			Dutch: "Het dossier is intussen gewijzigd. Laad het opnieuw."}
	}
	return nil
}

// Dossiers lists the dossiers f selects, oldest first, and the total.
func (db *DB) Dossiers(ctx context.Context, f round.Filter) ([]round.Dossier, int, error) {
	var where []string
	var args []any
	if f.RoundID != "" {
		where, args = append(where, `round_id = ?`), append(args, f.RoundID)
	}
	if f.Stage != "" {
		where, args = append(where, `stage = ?`), append(args, string(f.Stage))
	}
	if f.ProviderIDs != nil {
		if len(f.ProviderIDs) == 0 {
			return nil, 0, nil
		}
		where = append(where, `provider_id IN (`+placeholders(len(f.ProviderIDs))+`)`)
		for _, id := range f.ProviderIDs {
			args = append(args, id)
		}
	}
	cond := ""
	if len(where) > 0 {
		cond = ` WHERE ` + strings.Join(where, ` AND `)
	}
	var total int
	if err := db.Read.QueryRowContext(ctx, db.Q(`SELECT COUNT(*) FROM dossiers`+cond), args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count dossiers: %w", err)
	}
	out, err := db.dossiers(ctx, `SELECT `+dossierColumns+` FROM dossiers`+cond+` ORDER BY created_at, id LIMIT ? OFFSET ?`,
		append(args, f.Limit, f.Offset)...)
	return out, total, err
}

func (db *DB) dossiers(ctx context.Context, q string, args ...any) ([]round.Dossier, error) {
	rows, err := db.Read.QueryContext(ctx, db.Q(q), args...)
	if err != nil {
		return nil, fmt.Errorf("list dossiers: %w", err)
	}
	defer rows.Close()
	var out []round.Dossier
	for rows.Next() {
		d, err := scanDossier(rows)
		if err != nil {
			return nil, fmt.Errorf("list dossiers: %w", err)
		}
		out = append(out, *d)
	}
	return out, rows.Err()
}

// OpenDossiers returns up to limit open dossiers with an id after after, by id.
func (db *DB) OpenDossiers(ctx context.Context, after string, limit int) ([]round.Dossier, error) {
	return db.dossiers(ctx, `SELECT `+dossierColumns+` FROM dossiers WHERE stage NOT IN ('published', 'refused') AND id > ? ORDER BY id LIMIT ?`, after, limit)
}

// StageCounts counts a round's dossiers per stage.
func (db *DB) StageCounts(ctx context.Context, roundID string) (map[round.Stage]int, error) {
	rows, err := db.Read.QueryContext(ctx, db.Q(`SELECT stage, COUNT(*) FROM dossiers WHERE round_id = ? GROUP BY stage`), roundID)
	if err != nil {
		return nil, fmt.Errorf("count stages: %w", err)
	}
	defer rows.Close()
	out := map[round.Stage]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		out[round.Stage(st)] = n
	}
	return out, rows.Err()
}

// SaveExtension stores an extension, replacing an earlier one of the same step.
func (db *DB) SaveExtension(ctx context.Context, roundID, dossierID string, step policy.Step, e round.Extension) error {
	return db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.Q(`DELETE FROM round_extensions WHERE round_id = ? AND dossier_id = ? AND step = ?`), roundID, dossierID, string(step)); err != nil {
			return fmt.Errorf("save extension: %w", err)
		}
		_, err := tx.ExecContext(ctx, db.Q(`INSERT INTO round_extensions (round_id, dossier_id, step, date, reason, by_user, at) VALUES (?, ?, ?, ?, ?, ?, ?)`),
			roundID, dossierID, string(step), e.Date.String(), e.Reason, e.By, db.Dialect.Time(e.At))
		if err != nil {
			return fmt.Errorf("save extension: %w", err)
		}
		return nil
	})
}

// Extensions returns a round's extensions per dossier id ("" for the round) per step.
func (db *DB) Extensions(ctx context.Context, roundID string) (map[string]map[policy.Step]round.Extension, error) {
	rows, err := db.reader(ctx).QueryContext(ctx, db.Q(`SELECT dossier_id, step, date, reason, by_user, at FROM round_extensions WHERE round_id = ?`), roundID)
	if err != nil {
		return nil, fmt.Errorf("read extensions: %w", err)
	}
	defer rows.Close()
	out := map[string]map[policy.Step]round.Extension{}
	for rows.Next() {
		var (
			dossier, step, date string
			e                   round.Extension
			at                  Timestamp
		)
		if err := rows.Scan(&dossier, &step, &date, &e.Reason, &e.By, &at); err != nil {
			return nil, err
		}
		if e.Date, err = policy.ParseDate(date); err != nil {
			return nil, err
		}
		e.At = at.Time
		if out[dossier] == nil {
			out[dossier] = map[policy.Step]round.Extension{}
		}
		out[dossier][policy.Step(step)] = e
	}
	return out, rows.Err()
}
