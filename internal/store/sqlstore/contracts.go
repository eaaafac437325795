package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/contract"
)

// The SQL of contracts (migration 0016). Inside InTx the reads read in the transaction
// and lock the contract's row (PostgreSQL: FOR UPDATE; SQLite serialises writers).

const contractColumns = `c.id, c.dossier_id, c.round_id, c.policy_id, c.year, c.insurer, c.provider_id, c.status,
	c.version, c.created_at, c.updated_at, v.content, v.content_sha256, v.pdf_sha256`

const contractFrom = ` FROM contracts c JOIN contract_versions v ON v.contract_id = c.id AND v.version = c.version`

// lockingReader is where a contract read runs: the context's transaction, with the
// clause that locks the rows read there, or the read pool.
func (db *DB) lockingReader(ctx context.Context) (interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}, string) {
	if tx, _ := db.Tx(ctx); tx != nil {
		return tx, db.Dialect.LockRows
	}
	return db.Read, ""
}

// Contract returns the contract with id and its signatures.
func (db *DB) Contract(ctx context.Context, id string) (*contract.Contract, error) {
	return db.contractWhere(ctx, `c.id = ?`, id)
}

// ContractByDossier returns the contract of the dossier.
func (db *DB) ContractByDossier(ctx context.Context, dossierID string) (*contract.Contract, error) {
	return db.contractWhere(ctx, `c.dossier_id = ?`, dossierID)
}

func (db *DB) contractWhere(ctx context.Context, where string, arg string) (*contract.Contract, error) {
	q, lock := db.lockingReader(ctx)
	lockOf := ""
	if lock != "" {
		lockOf = lock + " OF c"
	}
	row := q.QueryRowContext(ctx, db.Q(`SELECT `+contractColumns+contractFrom+` WHERE `+where+lockOf), arg)
	c, err := scanContract(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFoundf("contract %q does not exist", arg)
	}
	if err != nil {
		return nil, fmt.Errorf("read contract: %w", err)
	}
	if c.Signatures, err = db.signatures(ctx, c.ID); err != nil {
		return nil, err
	}
	return c, nil
}

type rowScanner interface{ Scan(dest ...any) error }

func scanContract(row rowScanner) (*contract.Contract, error) {
	var (
		c                contract.Contract
		created, updated Timestamp
		content          string
	)
	if err := row.Scan(&c.ID, &c.DossierID, &c.RoundID, &c.PolicyID, &c.Year, &c.Insurer, &c.ProviderID, &c.Status,
		&c.Version, &created, &updated, &content, &c.ContentSHA256, &c.DocumentSHA256); err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt = created.Time, updated.Time
	if err := json.Unmarshal([]byte(content), &c.Content); err != nil {
		return nil, fmt.Errorf("contract %s content: %w", c.ID, err)
	}
	c.Signatures = []contract.Signature{}
	return &c, nil
}

func (db *DB) signatures(ctx context.Context, id string) ([]contract.Signature, error) {
	q := db.reader(ctx)
	rows, err := q.QueryContext(ctx, db.Q(`SELECT side, version, user_id, user_name, org_id, kvk, document_sha256, signed_at
		FROM contract_signatures WHERE contract_id = ? ORDER BY signed_at, side DESC`), id)
	if err != nil {
		return nil, fmt.Errorf("read signatures: %w", err)
	}
	defer rows.Close()
	out := []contract.Signature{}
	for rows.Next() {
		var (
			s  contract.Signature
			at Timestamp
		)
		if err := rows.Scan(&s.Side, &s.Version, &s.UserID, &s.UserName, &s.OrgID, &s.KvK, &s.DocumentSHA256, &at); err != nil {
			return nil, fmt.Errorf("read signatures: %w", err)
		}
		s.SignedAt = at.Time
		out = append(out, s)
	}
	return out, rows.Err()
}

// SaveContractVersion stores v as the current version of c, inserting c when new.
func (db *DB) SaveContractVersion(ctx context.Context, c *contract.Contract, v contract.Version) error {
	return db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		t := db.Dialect.Time
		var err error
		if v.Version == 1 {
			_, err = tx.ExecContext(ctx, db.Q(`INSERT INTO contracts (id, dossier_id, round_id, policy_id, year, insurer,
				provider_id, status, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
				c.ID, c.DossierID, c.RoundID, c.PolicyID, c.Year, c.Insurer, c.ProviderID, string(c.Status), v.Version,
				t(c.CreatedAt), t(c.UpdatedAt))
		}
		if err != nil {
			if isUniqueViolation(err) {
				return &apperr.Error{Code: apperr.Conflict, Message: "the dossier has a contract already"}
			}
			return fmt.Errorf("insert contract: %w", err)
		}
		if _, err := tx.ExecContext(ctx, db.Q(`INSERT INTO contract_versions (contract_id, version, content, content_sha256,
			pdf, pdf_sha256, xlsx, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			c.ID, v.Version, string(v.Content), v.ContentSHA256, v.PDF, v.DocumentSHA256, v.XLSX, t(v.CreatedAt), v.CreatedBy); err != nil {
			if isUniqueViolation(err) {
				return &apperr.Error{Code: apperr.Conflict, Message: "the contract was regenerated meanwhile"}
			}
			return fmt.Errorf("insert contract version: %w", err)
		}
		if v.Version > 1 {
			if _, err := tx.ExecContext(ctx, db.Q(`UPDATE contracts SET version = ?, updated_at = ? WHERE id = ?`),
				v.Version, t(c.UpdatedAt), c.ID); err != nil {
				return fmt.Errorf("update contract: %w", err)
			}
		}
		return nil
	})
}

// AddSignature stores a signature and the contract's new status.
func (db *DB) AddSignature(ctx context.Context, contractID string, s contract.Signature, status contract.Status) error {
	return db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		t := db.Dialect.Time
		if _, err := tx.ExecContext(ctx, db.Q(`INSERT INTO contract_signatures (contract_id, side, version, user_id, user_name,
			org_id, kvk, document_sha256, signed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			contractID, string(s.Side), s.Version, s.UserID, s.UserName, s.OrgID, s.KvK, s.DocumentSHA256, t(s.SignedAt)); err != nil {
			if isUniqueViolation(err) {
				return &apperr.Error{Code: apperr.Conflict, Message: "this party has signed the contract already",
					Dutch: "Deze partij heeft het contract al ondertekend."}
			}
			return fmt.Errorf("insert signature: %w", err)
		}
		if _, err := tx.ExecContext(ctx, db.Q(`UPDATE contracts SET status = ?, updated_at = ? WHERE id = ?`),
			string(status), t(s.SignedAt), contractID); err != nil {
			return fmt.Errorf("update contract status: %w", err)
		}
		return nil
	})
}

// ContractDocument returns the PDF or xlsx of a version.
func (db *DB) ContractDocument(ctx context.Context, contractID string, version int, format string) ([]byte, error) {
	col := map[string]string{"pdf": "pdf", "xlsx": "xlsx"}[format]
	if col == "" {
		return nil, apperr.Invalidf("format", "format %q is not pdf or xlsx", format)
	}
	q := db.reader(ctx)
	var b []byte
	err := q.QueryRowContext(ctx, db.Q(`SELECT `+col+` FROM contract_versions WHERE contract_id = ? AND version = ?`),
		contractID, version).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFoundf("contract %q version %d does not exist", contractID, version)
	}
	if err != nil {
		return nil, fmt.Errorf("read contract document: %w", err)
	}
	return b, nil
}

// ContractsWithStatus lists the contracts with status, oldest first, without signatures.
func (db *DB) ContractsWithStatus(ctx context.Context, status contract.Status) ([]contract.Contract, error) {
	rows, err := db.Read.QueryContext(ctx, db.Q(`SELECT `+contractColumns+contractFrom+
		` WHERE c.status = ? ORDER BY c.created_at, c.id`), string(status))
	if err != nil {
		return nil, fmt.Errorf("list contracts: %w", err)
	}
	defer rows.Close()
	var out []contract.Contract
	for rows.Next() {
		c, err := scanContract(rows)
		if err != nil {
			return nil, fmt.Errorf("list contracts: %w", err)
		}
		out = append(out, *c)
	}
	return out, rows.Err()
}

// SavePublished stores a publication and marks the contract published.
func (db *DB) SavePublished(ctx context.Context, p contract.PublishedContract) error {
	return db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.Q(`UPDATE contracts SET status = 'published', updated_at = ? WHERE id = ? AND status = 'signed'`),
			db.Dialect.Time(p.PublishedAt), p.ContractID)
		if err != nil {
			return fmt.Errorf("publish contract: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return &apperr.Error{Code: apperr.Conflict, Message: "the contract is not signed by both parties, or published already"}
		}
		first, last := p.Years[0], p.Years[len(p.Years)-1]
		_, err = tx.ExecContext(ctx, db.Q(`INSERT INTO published_contracts (contract_id, insurer, labels, policy_types, policy_id,
			parts, provider_id, provider_name, locations, years, first_year, last_year, published_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			p.ContractID, p.Insurer, jsonText(p.Labels), jsonText(p.PolicyTypes), p.PolicyID, jsonText(p.Parts), p.ProviderID,
			p.ProviderName, jsonText(p.Locations), jsonText(p.Years), first, last, db.Dialect.Time(p.PublishedAt))
		if err != nil && isUniqueViolation(err) {
			return &apperr.Error{Code: apperr.Conflict, Message: "the contract is published already"}
		}
		if err != nil {
			return fmt.Errorf("insert published contract: %w", err)
		}
		return nil
	})
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// PublishedContracts returns a page of publications f selects and the number selected.
func (db *DB) PublishedContracts(ctx context.Context, f contract.PublishedFilter, page contract.Page) ([]contract.PublishedContract, int, error) {
	var (
		conds []string
		args  []any
	)
	add := func(cond string, v any) {
		conds = append(conds, cond)
		args = append(args, v)
	}
	if f.Insurer != "" {
		add("insurer = ?", f.Insurer)
	}
	if f.PolicyID != "" {
		add("policy_id = ?", f.PolicyID)
	}
	if f.ProviderID != "" {
		add("provider_id = ?", f.ProviderID)
	}
	if f.Year != 0 {
		conds = append(conds, "first_year <= ? AND last_year >= ?")
		args = append(args, f.Year, f.Year)
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	var total int
	if err := db.Read.QueryRowContext(ctx, db.Q(`SELECT COUNT(*) FROM published_contracts`+where), args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count published contracts: %w", err)
	}
	rows, err := db.Read.QueryContext(ctx, db.Q(`SELECT contract_id, insurer, labels, policy_types, policy_id, parts, provider_id,
		provider_name, locations, years, published_at FROM published_contracts`+where+
		` ORDER BY insurer, provider_id, contract_id LIMIT ? OFFSET ?`), append(args, page.Limit, page.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list published contracts: %w", err)
	}
	defer rows.Close()
	out := []contract.PublishedContract{}
	for rows.Next() {
		var (
			p                                      contract.PublishedContract
			labels, types, parts, locations, years string
			at                                     Timestamp
		)
		if err := rows.Scan(&p.ContractID, &p.Insurer, &labels, &types, &p.PolicyID, &parts, &p.ProviderID, &p.ProviderName,
			&locations, &years, &at); err != nil {
			return nil, 0, fmt.Errorf("list published contracts: %w", err)
		}
		p.PublishedAt = at.Time
		for _, f := range []struct {
			raw string
			to  any
		}{{labels, &p.Labels}, {types, &p.PolicyTypes}, {parts, &p.Parts}, {locations, &p.Locations}, {years, &p.Years}} {
			if err := json.Unmarshal([]byte(f.raw), f.to); err != nil {
				return nil, 0, fmt.Errorf("published contract %s: %w", p.ContractID, err)
			}
		}
		out = append(out, p)
	}
	return out, total, rows.Err()
}
