package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/pricelist"
)

// Price lists and their rounds (internal/pricelist). A round's lines are stored as JSON.
// Inside the context's write transaction the reads read there, and PriceList locks the
// rows it reads (PostgreSQL: FOR UPDATE; SQLite serialises writers already).

const priceListColumns = `p.dossier_id, p.part_id, p.insurer, p.provider_id, p.price_list_only, p.status, p.version,
	p.updated_at, p.agreed_at, r.side, r.user_id, r.user_name, r.org_id, r.at, r.lines
	FROM price_lists p JOIN price_list_rounds r
	ON r.dossier_id = p.dossier_id AND r.part_id = p.part_id AND r.version = p.version`

// priceListReader returns what reads run on, and the locking suffix inside a transaction.
func (db *DB) priceListReader(ctx context.Context) (querier, string) {
	if tx, _ := db.Tx(ctx); tx != nil {
		return tx, db.Dialect.LockRows
	}
	return db.Read, ""
}

// PriceList returns the price list of a part of a dossier, or NotFound.
//
// Inside a transaction the price list's row is locked first, on its own, and then read
// with its round: a locking SELECT over the join would, after waiting for a concurrent
// counter-proposal to commit, recheck the join against the round it read before the wait
// (PostgreSQL's EvalPlanQual) and find no row at all instead of the new version.
func (db *DB) PriceList(ctx context.Context, dossierID, part string) (*pricelist.PriceList, error) {
	q, lock := db.priceListReader(ctx)
	if tx, _ := db.Tx(ctx); tx != nil && lock != "" {
		var v int
		err := tx.QueryRowContext(ctx, db.Q(`SELECT version FROM price_lists WHERE dossier_id = ? AND part_id = ?`+lock), dossierID, part).Scan(&v)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, apperr.NotFoundf("price list %s/%s does not exist", dossierID, part)
		}
		if err != nil {
			return nil, fmt.Errorf("lock price list %s/%s: %w", dossierID, part, err)
		}
	}
	pls, err := db.priceLists(ctx, q, `SELECT `+priceListColumns+` WHERE p.dossier_id = ? AND p.part_id = ?`, dossierID, part)
	if err != nil {
		return nil, fmt.Errorf("read price list %s/%s: %w", dossierID, part, err)
	}
	if len(pls) == 0 {
		return nil, apperr.NotFoundf("price list %s/%s does not exist", dossierID, part)
	}
	return &pls[0], nil
}

// PriceLists returns the dossier's price lists, ordered by part.
func (db *DB) PriceLists(ctx context.Context, dossierID string) ([]pricelist.PriceList, error) {
	q, _ := db.priceListReader(ctx)
	pls, err := db.priceLists(ctx, q, `SELECT `+priceListColumns+` WHERE p.dossier_id = ? ORDER BY p.part_id`, dossierID)
	if err != nil {
		return nil, fmt.Errorf("read price lists of %s: %w", dossierID, err)
	}
	return pls, nil
}

func (db *DB) priceLists(ctx context.Context, q querier, query string, args ...any) ([]pricelist.PriceList, error) {
	rows, err := q.QueryContext(ctx, db.Q(query), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []pricelist.PriceList
	for rows.Next() {
		var (
			pl              pricelist.PriceList
			only            int
			updated, agreed Timestamp
			at              Timestamp
			lines           string
			side, status    string
		)
		if err := rows.Scan(&pl.DossierID, &pl.Part, &pl.Insurer, &pl.ProviderID, &only, &status, &pl.Version,
			&updated, &agreed, &side, &pl.By.UserID, &pl.By.UserName, &pl.By.OrgID, &at, &lines); err != nil {
			return nil, err
		}
		pl.PriceListOnly, pl.Status, pl.By.Side = only == 1, pricelist.Status(status), pricelist.Side(side)
		pl.UpdatedAt, pl.AgreedAt, pl.By.At = updated.Time, agreed.Time, at.Time
		if err := json.Unmarshal([]byte(lines), &pl.Lines); err != nil {
			return nil, fmt.Errorf("price list %s/%s lines: %w", pl.DossierID, pl.Part, err)
		}
		out = append(out, pl)
	}
	return out, rows.Err()
}

// PriceListRounds returns every version of a price list, oldest first.
func (db *DB) PriceListRounds(ctx context.Context, dossierID, part string) ([]pricelist.Round, error) {
	q, _ := db.priceListReader(ctx)
	rows, err := q.QueryContext(ctx, db.Q(`SELECT version, side, user_id, user_name, org_id, at, note, lines,
		accepted_side, accepted_user_id, accepted_user_name, accepted_org_id, accepted_at
		FROM price_list_rounds WHERE dossier_id = ? AND part_id = ? ORDER BY version`), dossierID, part)
	if err != nil {
		return nil, fmt.Errorf("read price list rounds %s/%s: %w", dossierID, part, err)
	}
	defer rows.Close()
	var out []pricelist.Round
	for rows.Next() {
		var (
			r                       pricelist.Round
			side, lines             string
			at, accAt               Timestamp
			accSide, accID, accName sql.NullString
			accOrg                  sql.NullString
		)
		if err := rows.Scan(&r.Version, &side, &r.By.UserID, &r.By.UserName, &r.By.OrgID, &at, &r.Note, &lines,
			&accSide, &accID, &accName, &accOrg, &accAt); err != nil {
			return nil, fmt.Errorf("read price list rounds %s/%s: %w", dossierID, part, err)
		}
		r.By.Side, r.By.At = pricelist.Side(side), at.Time
		if err := json.Unmarshal([]byte(lines), &r.Lines); err != nil {
			return nil, fmt.Errorf("price list %s/%s version %d lines: %w", dossierID, part, r.Version, err)
		}
		if accSide.Valid {
			r.Accepted = &pricelist.Party{Side: pricelist.Side(accSide.String), UserID: accID.String, UserName: accName.String,
				OrgID: accOrg.String, At: accAt.Time}
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read price list rounds %s/%s: %w", dossierID, part, err)
	}
	return out, nil
}

// CreatePriceList stores a new price list with its first round; Conflict when the part
// has one already.
func (db *DB) CreatePriceList(ctx context.Context, pl pricelist.PriceList, r pricelist.Round) error {
	return db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.Q(`INSERT INTO price_lists (dossier_id, part_id, insurer, provider_id, price_list_only, status, version, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dossier_id, part_id) DO NOTHING`),
			pl.DossierID, pl.Part, pl.Insurer, pl.ProviderID, boolInt(pl.PriceListOnly), string(pl.Status), r.Version, db.Dialect.Time(pl.UpdatedAt))
		if err != nil {
			return fmt.Errorf("create price list %s/%s: %w", pl.DossierID, pl.Part, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("create price list %s/%s: %w", pl.DossierID, pl.Part, err)
		}
		if n == 0 {
			return &apperr.Error{Code: apperr.Conflict, Field: "part",
				Message: fmt.Sprintf("price list %s/%s exists already", pl.DossierID, pl.Part)}
		}
		return db.insertRound(ctx, tx, pl, r)
	})
}

// AddPriceListRound stores r as version pl.Version if the stored list is still at version
// prev and not agreed; Conflict otherwise.
func (db *DB) AddPriceListRound(ctx context.Context, pl pricelist.PriceList, prev int, r pricelist.Round) error {
	return db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.Q(`UPDATE price_lists SET status = ?, version = ?, updated_at = ?
			WHERE dossier_id = ? AND part_id = ? AND version = ? AND status <> 'agreed'`),
			string(pl.Status), r.Version, db.Dialect.Time(pl.UpdatedAt), pl.DossierID, pl.Part, prev)
		if err := changedOne(res, err, pl.DossierID, pl.Part, prev); err != nil {
			return err
		}
		return db.insertRound(ctx, tx, pl, r)
	})
}

// AgreePriceList records the acceptance of version and sets the status to agreed.
func (db *DB) AgreePriceList(ctx context.Context, dossierID, part string, version int, by pricelist.Party) error {
	return db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		at := db.Dialect.Time(by.At)
		res, err := tx.ExecContext(ctx, db.Q(`UPDATE price_lists SET status = 'agreed', updated_at = ?, agreed_at = ?
			WHERE dossier_id = ? AND part_id = ? AND version = ? AND status <> 'agreed'`), at, at, dossierID, part, version)
		if err := changedOne(res, err, dossierID, part, version); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, db.Q(`UPDATE price_list_rounds SET accepted_side = ?, accepted_user_id = ?, accepted_user_name = ?,
			accepted_org_id = ?, accepted_at = ? WHERE dossier_id = ? AND part_id = ? AND version = ?`),
			string(by.Side), by.UserID, by.UserName, by.OrgID, at, dossierID, part, version)
		if err != nil {
			return fmt.Errorf("accept price list %s/%s: %w", dossierID, part, err)
		}
		return nil
	})
}

func (db *DB) insertRound(ctx context.Context, tx *sql.Tx, pl pricelist.PriceList, r pricelist.Round) error {
	lines, err := json.Marshal(r.Lines)
	if err != nil {
		return fmt.Errorf("price list %s/%s lines: %w", pl.DossierID, pl.Part, err)
	}
	_, err = tx.ExecContext(ctx, db.Q(`INSERT INTO price_list_rounds (dossier_id, part_id, version, side, user_id, user_name, org_id, at, note, lines)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		pl.DossierID, pl.Part, r.Version, string(r.By.Side), r.By.UserID, r.By.UserName, r.By.OrgID, db.Dialect.Time(r.By.At), r.Note, string(lines))
	if err != nil {
		return fmt.Errorf("store price list %s/%s version %d: %w", pl.DossierID, pl.Part, r.Version, err)
	}
	return nil
}

// changedOne turns an update that matched no row into a Conflict.
func changedOne(res sql.Result, err error, dossierID, part string, version int) error {
	if err != nil {
		return fmt.Errorf("update price list %s/%s: %w", dossierID, part, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("update price list %s/%s: %w", dossierID, part, err)
	}
	if n == 0 {
		return &apperr.Error{Code: apperr.Conflict, Field: "version",
			Message: fmt.Sprintf("price list %s/%s is no longer at version %d, or agreed", dossierID, part, version)}
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
