package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/claims"
)

// The SQL of claims (migration 0019): execution contracts, insured persons, percentages,
// authorisations, claim files and lines. Inside the context's transaction every read
// reads there (and sees the transaction's writes); outside it, the read pool. Claim lines
// are written with the engine's bulk protocol (PostgreSQL: COPY, Dialect.CopyFrom) or
// prepared multi-row INSERTs (SQLite), and read as streams or pages.

// inChunk is how many values one IN (...) list holds: far below both engines' limits
// on placeholders, whatever the batch.
const inChunk = 500

// claimReader is what claim reads run on: the context's transaction, or the read pool.
func (db *DB) claimReader(ctx context.Context) interface {
	querier
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
} {
	if tx, _ := db.Tx(ctx); tx != nil {
		return tx
	}
	return db.Read
}

// pageOf returns the LIMIT and OFFSET of a page: DefaultPage for 0, at most MaxPage.
func pageOf(p claims.Page) (limit, offset int) {
	limit = p.Limit
	if limit <= 0 {
		limit = claims.DefaultPage
	}
	limit = min(limit, claims.MaxPage)
	return limit, max(p.Offset, 0)
}

// where collects the conditions and arguments of a filter.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

// eq adds col = v when v is set.
func (w *where) eq(col, v string) {
	if v != "" {
		w.add(col+" = ?", v)
	}
}

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// chunks calls fn with consecutive pieces of at most inChunk values of vs.
func chunks(vs []string, fn func(part []string) error) error {
	for start := 0; start < len(vs); start += inChunk {
		if err := fn(vs[start:min(start+inChunk, len(vs))]); err != nil {
			return err
		}
	}
	return nil
}

// anyArgs converts strings to query arguments.
func anyArgs(vs []string, more ...any) []any {
	out := make([]any, 0, len(vs)+len(more))
	for _, v := range vs {
		out = append(out, v)
	}
	return append(out, more...)
}

// uniqueStrings returns vs without empty and repeated values.
func uniqueStrings(vs []string) []string {
	seen := make(map[string]bool, len(vs))
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		if v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// ---- Execution contracts

const claimContractColumns = `id, source, reference, insurer, provider_id, policy_id, day_from, day_to, parts, signed, updated_at`

// SaveContracts inserts or replaces each contract by ID, with its price lines.
func (db *DB) SaveContracts(ctx context.Context, cs []claims.Contract) error {
	if len(cs) == 0 {
		return nil
	}
	return db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		upsert, err := tx.PrepareContext(ctx, db.Q(`INSERT INTO claim_contracts (`+claimContractColumns+`)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET source = excluded.source, reference = excluded.reference,
			insurer = excluded.insurer, provider_id = excluded.provider_id, policy_id = excluded.policy_id,
			day_from = excluded.day_from, day_to = excluded.day_to, parts = excluded.parts, signed = excluded.signed,
			updated_at = excluded.updated_at`))
		if err != nil {
			return fmt.Errorf("save contracts: %w", err)
		}
		defer upsert.Close()
		del, err := tx.PrepareContext(ctx, db.Q(`DELETE FROM claim_contract_lines WHERE contract_id = ?`))
		if err != nil {
			return fmt.Errorf("save contracts: %w", err)
		}
		defer del.Close()
		ins, err := tx.PrepareContext(ctx, db.Q(`INSERT INTO claim_contract_lines (contract_id, pos, part, code, description,
			tariff_cents, volume, category, product_group, approval_required) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`))
		if err != nil {
			return fmt.Errorf("save contracts: %w", err)
		}
		defer ins.Close()
		for i := range cs {
			c := &cs[i]
			parts := c.Parts
			if parts == nil {
				parts = []string{}
			}
			if _, err := upsert.ExecContext(ctx, c.ID, string(c.Source), c.Reference, c.Insurer, c.ProviderID, c.PolicyID,
				int32(c.From), int32(c.To), jsonText(parts), c.Signed, db.Dialect.Time(c.UpdatedAt)); err != nil {
				return fmt.Errorf("save contract %s: %w", c.ID, err)
			}
			if _, err := del.ExecContext(ctx, c.ID); err != nil {
				return fmt.Errorf("save contract %s: %w", c.ID, err)
			}
			for pos, l := range c.Lines {
				if _, err := ins.ExecContext(ctx, c.ID, pos, l.Part, l.Code, l.Description, l.TariffCents, l.Volume,
					l.Category, l.Group, l.ApprovalRequired); err != nil {
					if isUniqueViolation(err) {
						return &apperr.Error{Code: apperr.Conflict, Message: fmt.Sprintf("contract %s: price line %d twice", c.ID, pos)}
					}
					return fmt.Errorf("save contract %s line %d: %w", c.ID, pos, err)
				}
			}
		}
		return nil
	})
}

func scanClaimContract(row rowScanner) (claims.Contract, error) {
	var (
		c             claims.Contract
		source, parts string
		from, to      int32
		updated       Timestamp
	)
	if err := row.Scan(&c.ID, &source, &c.Reference, &c.Insurer, &c.ProviderID, &c.PolicyID, &from, &to, &parts,
		&c.Signed, &updated); err != nil {
		return c, err
	}
	c.Source, c.From, c.To, c.UpdatedAt = claims.Source(source), claims.Day(from), claims.Day(to), updated.Time
	if err := json.Unmarshal([]byte(parts), &c.Parts); err != nil {
		return c, fmt.Errorf("contract %s parts: %w", c.ID, err)
	}
	return c, nil
}

// claimContracts returns the contracts a query selects (of claimContractColumns), in order.
func (db *DB) claimContracts(ctx context.Context, query string, args ...any) ([]claims.Contract, error) {
	rows, err := db.claimReader(ctx).QueryContext(ctx, db.Q(query), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []claims.Contract{}
	for rows.Next() {
		c, err := scanClaimContract(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// withPriceLines reads the price lines of the contracts.
func (db *DB) withPriceLines(ctx context.Context, cs []claims.Contract) error {
	byID := make(map[string]*claims.Contract, len(cs))
	ids := make([]string, len(cs))
	for i := range cs {
		byID[cs[i].ID] = &cs[i]
		ids[i] = cs[i].ID
	}
	return chunks(ids, func(part []string) error {
		rows, err := db.claimReader(ctx).QueryContext(ctx, db.Q(`SELECT contract_id, part, code, description, tariff_cents,
			volume, category, product_group, approval_required FROM claim_contract_lines
			WHERE contract_id IN (`+placeholders(len(part))+`) ORDER BY contract_id, pos`), anyArgs(part)...)
		if err != nil {
			return fmt.Errorf("read price lines: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var (
				id string
				l  claims.PriceLine
			)
			if err := rows.Scan(&id, &l.Part, &l.Code, &l.Description, &l.TariffCents, &l.Volume, &l.Category, &l.Group,
				&l.ApprovalRequired); err != nil {
				return fmt.Errorf("read price lines: %w", err)
			}
			c := byID[id]
			c.Lines = append(c.Lines, l)
		}
		return rows.Err()
	})
}

// ClaimContract returns an execution contract with its lines, or NotFound.
func (db *DB) ClaimContract(ctx context.Context, id string) (*claims.Contract, error) {
	cs, err := db.claimContracts(ctx, `SELECT `+claimContractColumns+` FROM claim_contracts WHERE id = ?`, id)
	if err != nil {
		return nil, fmt.Errorf("read contract %s: %w", id, err)
	}
	if len(cs) == 0 {
		return nil, apperr.NotFoundf("contract %q does not exist", id)
	}
	if err := db.withPriceLines(ctx, cs); err != nil {
		return nil, err
	}
	return &cs[0], nil
}

// ContractsOf returns the provider's execution contracts with the insurer, with lines,
// ordered by id.
func (db *DB) ContractsOf(ctx context.Context, insurer, providerID string) ([]claims.Contract, error) {
	cs, err := db.claimContracts(ctx, `SELECT `+claimContractColumns+` FROM claim_contracts
		WHERE insurer = ? AND provider_id = ? ORDER BY id`, insurer, providerID)
	if err != nil {
		return nil, fmt.Errorf("read contracts of %s: %w", providerID, err)
	}
	if err := db.withPriceLines(ctx, cs); err != nil {
		return nil, err
	}
	return cs, nil
}

// ListContracts returns a page of the contracts f selects, without lines, and how many
// f selects in all.
func (db *DB) ListContracts(ctx context.Context, f claims.ContractFilter, p claims.Page) ([]claims.Contract, int, error) {
	var w where
	w.eq("insurer", f.Insurer)
	w.eq("provider_id", f.ProviderID)
	var total int
	if err := db.claimReader(ctx).QueryRowContext(ctx, db.Q(`SELECT COUNT(*) FROM claim_contracts`+w.String()), w.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count contracts: %w", err)
	}
	limit, offset := pageOf(p)
	cs, err := db.claimContracts(ctx, `SELECT `+claimContractColumns+` FROM claim_contracts`+w.String()+
		` ORDER BY insurer, provider_id, id LIMIT ? OFFSET ?`, append(w.args, limit, offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list contracts: %w", err)
	}
	return cs, total, nil
}

// PartsOfCodes returns, for each of the codes in any of the insurer's execution
// contracts, the part it is under (the first by contract and position).
func (db *DB) PartsOfCodes(ctx context.Context, insurer string, codes []string) (map[string]string, error) {
	out := map[string]string{}
	err := chunks(uniqueStrings(codes), func(part []string) error {
		rows, err := db.claimReader(ctx).QueryContext(ctx, db.Q(`SELECT l.code, l.part FROM claim_contract_lines l
			JOIN claim_contracts c ON c.id = l.contract_id
			WHERE c.insurer = ? AND l.code IN (`+placeholders(len(part))+`) ORDER BY l.code, c.id, l.pos`),
			append([]any{insurer}, anyArgs(part)...)...)
		if err != nil {
			return fmt.Errorf("read parts of codes: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var code, p string
			if err := rows.Scan(&code, &p); err != nil {
				return fmt.Errorf("read parts of codes: %w", err)
			}
			if _, ok := out[code]; !ok {
				out[code] = p
			}
		}
		return rows.Err()
	})
	return out, err
}

// ProviderByAGB returns the id of the provider that holds the AGB code (the first by
// id, should two), or NotFound.
func (db *DB) ProviderByAGB(ctx context.Context, agb string) (string, error) {
	var id string
	err := db.claimReader(ctx).QueryRowContext(ctx, db.Q(`SELECT provider_id FROM provider_agb_codes WHERE code = ?
		ORDER BY provider_id LIMIT 1`), agb).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", &apperr.Error{Code: apperr.NotFound, Field: "agb", Message: fmt.Sprintf("no provider has AGB code %q", agb),
			Dutch: fmt.Sprintf("Geen zorgaanbieder heeft AGB-code %s.", agb)}
	}
	if err != nil {
		return "", fmt.Errorf("read provider of AGB code %s: %w", agb, err)
	}
	return id, nil
}

// ---- Insured persons and percentages

const insuredColumns = `insurer, policy_number, day_from, day_to, bsn, label, policy_type, supplementary`

// SaveInsured inserts or replaces each coverage period by (insurer, policy number, from).
func (db *DB) SaveInsured(ctx context.Context, ps []claims.Insured) error {
	if len(ps) == 0 {
		return nil
	}
	return db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, db.Q(`INSERT INTO claim_insured (`+insuredColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (insurer, policy_number, day_from) DO UPDATE SET day_to = excluded.day_to, bsn = excluded.bsn,
			label = excluded.label, policy_type = excluded.policy_type, supplementary = excluded.supplementary`))
		if err != nil {
			return fmt.Errorf("save insured: %w", err)
		}
		defer st.Close()
		for i := range ps {
			p := &ps[i]
			sup := p.Supplementary
			if sup == nil {
				sup = []string{}
			}
			if _, err := st.ExecContext(ctx, p.Insurer, p.PolicyNumber, int32(p.From), int32(p.To), p.BSN, p.Label, p.PolicyType,
				jsonText(sup)); err != nil {
				return fmt.Errorf("save insured %s: %w", p.PolicyNumber, err)
			}
		}
		return nil
	})
}

func scanInsured(row rowScanner) (claims.Insured, error) {
	var (
		p        claims.Insured
		from, to int32
		sup      string
	)
	if err := row.Scan(&p.Insurer, &p.PolicyNumber, &from, &to, &p.BSN, &p.Label, &p.PolicyType, &sup); err != nil {
		return p, err
	}
	p.From, p.To = claims.Day(from), claims.Day(to)
	if err := json.Unmarshal([]byte(sup), &p.Supplementary); err != nil {
		return p, fmt.Errorf("insured %s supplementary: %w", p.PolicyNumber, err)
	}
	if len(p.Supplementary) == 0 {
		p.Supplementary = nil
	}
	return p, nil
}

// InsuredByBSN returns the insurer's coverage periods of the BSNs, by BSN, each BSN's
// ordered by start.
func (db *DB) InsuredByBSN(ctx context.Context, insurer string, bsns []string) (map[string][]claims.Insured, error) {
	out := map[string][]claims.Insured{}
	err := chunks(uniqueStrings(bsns), func(part []string) error {
		rows, err := db.claimReader(ctx).QueryContext(ctx, db.Q(`SELECT `+insuredColumns+` FROM claim_insured
			WHERE insurer = ? AND bsn IN (`+placeholders(len(part))+`) ORDER BY bsn, day_from, policy_number`),
			append([]any{insurer}, anyArgs(part)...)...)
		if err != nil {
			return fmt.Errorf("read insured: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			p, err := scanInsured(rows)
			if err != nil {
				return fmt.Errorf("read insured: %w", err)
			}
			out[p.BSN] = append(out[p.BSN], p)
		}
		return rows.Err()
	})
	return out, err
}

// ListInsured returns a page of the insurer's coverage periods ordered by policy number
// and start, and how many there are.
func (db *DB) ListInsured(ctx context.Context, insurer string, p claims.Page) ([]claims.Insured, int, error) {
	q := db.claimReader(ctx)
	var total int
	if err := q.QueryRowContext(ctx, db.Q(`SELECT COUNT(*) FROM claim_insured WHERE insurer = ?`), insurer).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count insured: %w", err)
	}
	limit, offset := pageOf(p)
	rows, err := q.QueryContext(ctx, db.Q(`SELECT `+insuredColumns+` FROM claim_insured WHERE insurer = ?
		ORDER BY policy_number, day_from LIMIT ? OFFSET ?`), insurer, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("list insured: %w", err)
	}
	defer rows.Close()
	out := []claims.Insured{}
	for rows.Next() {
		p, err := scanInsured(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("list insured: %w", err)
		}
		out = append(out, p)
	}
	return out, total, rows.Err()
}

// SetPercentage stores the insurer's percentage for non-contracted care under a policy type.
func (db *DB) SetPercentage(ctx context.Context, insurer, policyType string, percent int) error {
	_, err := db.Writer(ctx).ExecContext(ctx, db.Q(`INSERT INTO claim_percentages (insurer, policy_type, percent) VALUES (?, ?, ?)
		ON CONFLICT (insurer, policy_type) DO UPDATE SET percent = excluded.percent`), insurer, policyType, percent)
	if err != nil {
		return fmt.Errorf("set percentage %s/%s: %w", insurer, policyType, err)
	}
	return nil
}

// Percentages returns the insurer's percentages by policy type.
func (db *DB) Percentages(ctx context.Context, insurer string) (map[string]int, error) {
	rows, err := db.claimReader(ctx).QueryContext(ctx, db.Q(`SELECT policy_type, percent FROM claim_percentages WHERE insurer = ?`), insurer)
	if err != nil {
		return nil, fmt.Errorf("read percentages: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var (
			t string
			n int
		)
		if err := rows.Scan(&t, &n); err != nil {
			return nil, fmt.Errorf("read percentages: %w", err)
		}
		out[t] = n
	}
	return out, rows.Err()
}

// ---- Authorisations

const authColumns = `id, insurer, provider_id, bsn, rule, policy_id, kind, code, indication, motivation, status, reason,
	valid_from, valid_to, requested_by, requested_at, decided_by, decided_at`

// SaveAuthorisation inserts or updates an authorisation by ID (not its documents).
func (db *DB) SaveAuthorisation(ctx context.Context, a *claims.Authorisation) error {
	var decided any
	if !a.DecidedAt.IsZero() {
		decided = db.Dialect.Time(a.DecidedAt)
	}
	_, err := db.Writer(ctx).ExecContext(ctx, db.Q(`INSERT INTO claim_authorisations (`+authColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET insurer = excluded.insurer, provider_id = excluded.provider_id, bsn = excluded.bsn,
		rule = excluded.rule, policy_id = excluded.policy_id, kind = excluded.kind, code = excluded.code,
		indication = excluded.indication, motivation = excluded.motivation, status = excluded.status,
		reason = excluded.reason, valid_from = excluded.valid_from, valid_to = excluded.valid_to,
		requested_by = excluded.requested_by, requested_at = excluded.requested_at, decided_by = excluded.decided_by,
		decided_at = excluded.decided_at`),
		a.ID, a.Insurer, a.ProviderID, a.BSN, a.Rule, a.PolicyID, string(a.Kind), a.Code, a.Indication, a.Motivation,
		string(a.Status), a.Reason, int32(a.ValidFrom), int32(a.ValidTo), a.RequestedBy, db.Dialect.Time(a.RequestedAt),
		a.DecidedBy, decided)
	if err != nil {
		return fmt.Errorf("save authorisation %s: %w", a.ID, err)
	}
	return nil
}

func scanAuthorisation(row rowScanner) (claims.Authorisation, error) {
	var (
		a                    claims.Authorisation
		kind, status         string
		from, to             int32
		requested, decidedAt Timestamp
	)
	if err := row.Scan(&a.ID, &a.Insurer, &a.ProviderID, &a.BSN, &a.Rule, &a.PolicyID, &kind, &a.Code, &a.Indication,
		&a.Motivation, &status, &a.Reason, &from, &to, &a.RequestedBy, &requested, &a.DecidedBy, &decidedAt); err != nil {
		return a, err
	}
	a.Kind, a.Status, a.ValidFrom, a.ValidTo = claims.AuthKind(kind), claims.AuthStatus(status), claims.Day(from), claims.Day(to)
	a.RequestedAt, a.DecidedAt = requested.Time, decidedAt.Time
	return a, nil
}

func (db *DB) authorisations(ctx context.Context, query string, args ...any) ([]claims.Authorisation, error) {
	rows, err := db.claimReader(ctx).QueryContext(ctx, db.Q(query), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []claims.Authorisation{}
	for rows.Next() {
		a, err := scanAuthorisation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Authorisation returns an authorisation with its documents' metadata (oldest first),
// or NotFound.
func (db *DB) Authorisation(ctx context.Context, id string) (*claims.Authorisation, error) {
	as, err := db.authorisations(ctx, `SELECT `+authColumns+` FROM claim_authorisations WHERE id = ?`, id)
	if err != nil {
		return nil, fmt.Errorf("read authorisation %s: %w", id, err)
	}
	if len(as) == 0 {
		return nil, apperr.NotFoundf("authorisation %q does not exist", id)
	}
	a := &as[0]
	rows, err := db.claimReader(ctx).QueryContext(ctx, db.Q(`SELECT id, name, content_type, size, sha256, at
		FROM claim_auth_documents WHERE auth_id = ? ORDER BY at, id`), id)
	if err != nil {
		return nil, fmt.Errorf("read documents of authorisation %s: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			d  claims.Document
			at Timestamp
		)
		if err := rows.Scan(&d.ID, &d.Name, &d.Type, &d.Size, &d.SHA256, &at); err != nil {
			return nil, fmt.Errorf("read documents of authorisation %s: %w", id, err)
		}
		d.At = at.Time
		a.Documents = append(a.Documents, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read documents of authorisation %s: %w", id, err)
	}
	return a, nil
}

// ListAuthorisations returns a page of the authorisations f selects, newest first,
// without documents, and how many f selects in all.
func (db *DB) ListAuthorisations(ctx context.Context, f claims.AuthFilter, p claims.Page) ([]claims.Authorisation, int, error) {
	var w where
	w.eq("insurer", f.Insurer)
	w.eq("provider_id", f.ProviderID)
	w.eq("status", string(f.Status))
	var total int
	if err := db.claimReader(ctx).QueryRowContext(ctx, db.Q(`SELECT COUNT(*) FROM claim_authorisations`+w.String()), w.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count authorisations: %w", err)
	}
	limit, offset := pageOf(p)
	as, err := db.authorisations(ctx, `SELECT `+authColumns+` FROM claim_authorisations`+w.String()+
		` ORDER BY requested_at DESC, id DESC LIMIT ? OFFSET ?`, append(w.args, limit, offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list authorisations: %w", err)
	}
	return as, total, nil
}

// AuthorisationsFor returns the granted authorisations of the provider with the insurer
// for the BSNs, by BSN.
func (db *DB) AuthorisationsFor(ctx context.Context, insurer, providerID string, bsns []string) (map[string][]claims.Authorisation, error) {
	out := map[string][]claims.Authorisation{}
	err := chunks(uniqueStrings(bsns), func(part []string) error {
		as, err := db.authorisations(ctx, `SELECT `+authColumns+` FROM claim_authorisations
			WHERE insurer = ? AND provider_id = ? AND status = 'granted' AND bsn IN (`+placeholders(len(part))+`)
			ORDER BY bsn, valid_from, id`, append([]any{insurer, providerID}, anyArgs(part)...)...)
		if err != nil {
			return fmt.Errorf("read authorisations: %w", err)
		}
		for _, a := range as {
			out[a.BSN] = append(out[a.BSN], a)
		}
		return nil
	})
	return out, err
}

// AddAuthDocument stores a document of an authorisation: NotFound when the authorisation
// does not exist, Conflict when it has a document with the id already.
func (db *DB) AddAuthDocument(ctx context.Context, authID string, d claims.Document, data []byte) error {
	if data == nil {
		data = []byte{}
	}
	return db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, db.Q(`SELECT COUNT(*) FROM claim_authorisations WHERE id = ?`), authID).Scan(&n); err != nil {
			return fmt.Errorf("add document to authorisation %s: %w", authID, err)
		}
		if n == 0 {
			return apperr.NotFoundf("authorisation %q does not exist", authID)
		}
		_, err := tx.ExecContext(ctx, db.Q(`INSERT INTO claim_auth_documents (auth_id, id, name, content_type, size, sha256, at, content)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`), authID, d.ID, d.Name, d.Type, d.Size, d.SHA256, db.Dialect.Time(d.At), data)
		if err != nil {
			if isUniqueViolation(err) {
				return &apperr.Error{Code: apperr.Conflict, Message: fmt.Sprintf("authorisation %s has document %s already", authID, d.ID)}
			}
			return fmt.Errorf("add document to authorisation %s: %w", authID, err)
		}
		return nil
	})
}

// AuthDocument returns a document of an authorisation and its bytes, or NotFound.
func (db *DB) AuthDocument(ctx context.Context, authID, docID string) (claims.Document, []byte, error) {
	var (
		d    claims.Document
		at   Timestamp
		data []byte
	)
	err := db.claimReader(ctx).QueryRowContext(ctx, db.Q(`SELECT id, name, content_type, size, sha256, at, content
		FROM claim_auth_documents WHERE auth_id = ? AND id = ?`), authID, docID).Scan(&d.ID, &d.Name, &d.Type, &d.Size, &d.SHA256, &at, &data)
	if errors.Is(err, sql.ErrNoRows) {
		return d, nil, apperr.NotFoundf("authorisation %q has no document %q", authID, docID)
	}
	if err != nil {
		return d, nil, fmt.Errorf("read document %s of authorisation %s: %w", docID, authID, err)
	}
	d.At = at.Time
	return d, data, nil
}

// ---- Claim files

const claimFileColumns = `id, insurer, provider_id, sender, invoice, name, sha256, size, standard, period_from, period_to,
	channel, received_at, received_by, lines, approved, reduced, rejected, held, claimed_cents, allowed_cents`

func scanClaimFile(row rowScanner) (*claims.File, error) {
	var (
		f                                 claims.File
		from, to                          int32
		channel                           string
		received                          Timestamp
		approved, reduced, rejected, held int
	)
	if err := row.Scan(&f.ID, &f.Insurer, &f.ProviderID, &f.Sender, &f.Invoice, &f.Name, &f.SHA256, &f.Size, &f.Standard,
		&from, &to, &channel, &received, &f.ReceivedBy, &f.Lines, &approved, &reduced, &rejected, &held,
		&f.ClaimedCents, &f.AllowedCents); err != nil {
		return nil, err
	}
	f.PeriodFrom, f.PeriodTo, f.Channel, f.ReceivedAt = claims.Day(from), claims.Day(to), claims.Channel(channel), received.Time
	f.Counts = map[claims.Outcome]int{claims.Approved: approved, claims.Reduced: reduced, claims.Rejected: rejected, claims.Held: held}
	return &f, nil
}

// claimFile returns the one file a query selects, or NotFound with what.
func (db *DB) claimFile(ctx context.Context, what, cond string, args ...any) (*claims.File, error) {
	f, err := scanClaimFile(db.claimReader(ctx).QueryRowContext(ctx, db.Q(`SELECT `+claimFileColumns+` FROM claim_files WHERE `+cond), args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFoundf("no claim file %s", what)
	}
	if err != nil {
		return nil, fmt.Errorf("read claim file %s: %w", what, err)
	}
	return f, nil
}

// FileByHash returns the file received with the content hash, or NotFound.
func (db *DB) FileByHash(ctx context.Context, sha256 string) (*claims.File, error) {
	return db.claimFile(ctx, "with hash "+sha256, `sha256 = ?`, sha256)
}

// FileByInvoice returns the file the sender sent with the reference, or NotFound.
func (db *DB) FileByInvoice(ctx context.Context, sender, invoice string) (*claims.File, error) {
	return db.claimFile(ctx, fmt.Sprintf("of sender %s with reference %s", sender, invoice), `sender = ? AND invoice = ?`, sender, invoice)
}

// ClaimFile returns a file, or NotFound.
func (db *DB) ClaimFile(ctx context.Context, id string) (*claims.File, error) {
	return db.claimFile(ctx, fmt.Sprintf("%q", id), `id = ?`, id)
}

// CreateFile stores a new file with zero totals (RecountFiles sets them). The same id,
// hash or sender's reference twice is a Conflict.
func (db *DB) CreateFile(ctx context.Context, f *claims.File) error {
	_, err := db.Writer(ctx).ExecContext(ctx, db.Q(`INSERT INTO claim_files (id, insurer, provider_id, sender, invoice, name,
		sha256, size, standard, period_from, period_to, channel, received_at, received_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		f.ID, f.Insurer, f.ProviderID, f.Sender, f.Invoice, f.Name, f.SHA256, f.Size, f.Standard, int32(f.PeriodFrom),
		int32(f.PeriodTo), string(f.Channel), db.Dialect.Time(f.ReceivedAt), f.ReceivedBy)
	if err != nil {
		if isUniqueViolation(err) {
			field, msg := "id", fmt.Sprintf("claim file %s exists already", f.ID)
			dutch := "Dit bestand bestaat al."
			switch s := err.Error(); {
			case strings.Contains(s, "sha256"):
				field, msg = "sha256", "a file with the same content was received already"
				dutch = "Een bestand met dezelfde inhoud is al ontvangen."
			case strings.Contains(s, "invoice"):
				field, msg = "invoice", fmt.Sprintf("sender %s sent a file with reference %s already", f.Sender, f.Invoice)
				dutch = fmt.Sprintf("Afzender %s heeft al een bestand met factuurnummer %s gestuurd.", f.Sender, f.Invoice)
			}
			return &apperr.Error{Code: apperr.Conflict, Field: field, Message: msg, Dutch: dutch, Err: err}
		}
		return fmt.Errorf("create claim file %s: %w", f.ID, err)
	}
	return nil
}

// RecountFiles sets the files' line counts and amounts from their lines; NotFound for a
// file that does not exist.
func (db *DB) RecountFiles(ctx context.Context, fileIDs []string) error {
	ids := uniqueStrings(fileIDs)
	if len(ids) == 0 {
		return nil
	}
	return db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for _, id := range ids {
			var lines, approved, reduced, rejected, held, claimed, allowed int64
			if err := tx.QueryRowContext(ctx, db.Q(`SELECT COUNT(*),
				`+sumBigint(`CASE WHEN outcome = 'approved' THEN 1 ELSE 0 END`)+`,
				`+sumBigint(`CASE WHEN outcome = 'reduced' THEN 1 ELSE 0 END`)+`,
				`+sumBigint(`CASE WHEN outcome = 'rejected' THEN 1 ELSE 0 END`)+`,
				`+sumBigint(`CASE WHEN outcome = 'held' THEN 1 ELSE 0 END`)+`,
				`+sumBigint(`claimed_cents`)+`, `+sumBigint(`allowed_cents`)+`
				FROM claim_lines WHERE file_id = ?`), id).Scan(&lines, &approved, &reduced, &rejected, &held, &claimed, &allowed); err != nil {
				return fmt.Errorf("recount claim file %s: %w", id, err)
			}
			res, err := tx.ExecContext(ctx, db.Q(`UPDATE claim_files SET lines = ?, approved = ?, reduced = ?, rejected = ?, held = ?,
				claimed_cents = ?, allowed_cents = ? WHERE id = ?`), lines, approved, reduced, rejected, held, claimed, allowed, id)
			if err != nil {
				return fmt.Errorf("recount claim file %s: %w", id, err)
			}
			if n, err := res.RowsAffected(); err != nil {
				return fmt.Errorf("recount claim file %s: %w", id, err)
			} else if n == 0 {
				return apperr.NotFoundf("claim file %q does not exist", id)
			}
		}
		return nil
	})
}

// sumBigint is SUM(expr) as a BIGINT, 0 over no rows (PostgreSQL sums BIGINTs as NUMERIC).
func sumBigint(expr string) string {
	return `CAST(COALESCE(SUM(` + expr + `), 0) AS BIGINT)`
}

// Files returns a page of the files f selects, newest first, and how many f selects in all.
func (db *DB) Files(ctx context.Context, f claims.FileFilter, p claims.Page) ([]claims.File, int, error) {
	var w where
	w.eq("insurer", f.Insurer)
	w.eq("provider_id", f.ProviderID)
	q := db.claimReader(ctx)
	var total int
	if err := q.QueryRowContext(ctx, db.Q(`SELECT COUNT(*) FROM claim_files`+w.String()), w.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count claim files: %w", err)
	}
	limit, offset := pageOf(p)
	rows, err := q.QueryContext(ctx, db.Q(`SELECT `+claimFileColumns+` FROM claim_files`+w.String()+
		` ORDER BY received_at DESC, id DESC LIMIT ? OFFSET ?`), append(w.args, limit, offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list claim files: %w", err)
	}
	defer rows.Close()
	out := []claims.File{}
	for rows.Next() {
		f, err := scanClaimFile(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("list claim files: %w", err)
		}
		out = append(out, *f)
	}
	return out, total, rows.Err()
}

// ---- Claim lines

// lineCols are the columns of claim_lines in the order lineValues gives them.
var lineCols = []string{"file_id", "no", "year", "record", "insurer", "provider_id", "reference", "prev_reference", "bsn",
	"uzovi", "policy_number", "code_list", "code", "product_code", "zorgtype", "specialism", "auth_number", "begin_day",
	"end_day", "quantity", "credit", "claimed_cents", "outcome", "reason", "allowed_cents", "contracted_cents",
	"contract_id", "part", "rule", "explanation", "supplementary"}

var lineColumns = strings.Join(lineCols, ", ")

// lineValues appends the column values of l to vs, typed as the columns are (COPY's
// binary format needs INTEGER as int32 and BIGINT as int64).
func lineValues(vs []any, l *claims.Line) []any {
	return append(vs, l.FileID, int32(l.No), int32(l.Year()), int32(l.Record), l.Insurer, l.ProviderID, l.Reference,
		l.PrevReference, l.BSN, l.UZOVI, l.PolicyNumber, l.CodeList, l.Code, l.ProductCode, l.Zorgtype, l.Specialism,
		l.AuthNumber, int32(l.Begin), int32(l.End), int32(l.Quantity), l.Credit, l.ClaimedCents, string(l.Outcome),
		string(l.Reason), l.AllowedCents, l.ContractedCents, l.ContractID, l.Part, l.Rule, l.Explanation, l.Supplementary)
}

// LineRows is a RowSource of claim lines in the columns of LineColumns: what AddLines
// copies, exported so that a benchmark can COPY the same rows without the store.
type LineRows struct {
	lines []claims.Line
	i     int
	buf   []any
}

// NewLineRows returns the rows of lines.
func NewLineRows(lines []claims.Line) *LineRows {
	return &LineRows{lines: lines, i: -1, buf: make([]any, 0, len(lineCols))}
}

// LineColumns returns the columns of claim_lines in the order of LineRows' values.
func LineColumns() []string { return append([]string(nil), lineCols...) }

// Next moves to the next line.
func (r *LineRows) Next() bool {
	r.i++
	return r.i < len(r.lines)
}

// Values returns the current line's values (the slice is reused).
func (r *LineRows) Values() ([]any, error) {
	r.buf = lineValues(r.buf[:0], &r.lines[r.i])
	return r.buf, nil
}

// Err is nil: lines in memory do not fail.
func (r *LineRows) Err() error { return nil }

// insertRows is how many lines one prepared multi-row INSERT writes (31 columns each:
// 3,100 placeholders, below SQLite's limit of 32,766).
const insertRows = 100

// AddLines stores adjudicated lines of a created file, in the context's transaction (or
// one of its own): COPY where the engine has it, else prepared multi-row INSERTs. A line
// stored twice (same file and number) is a Conflict.
func (db *DB) AddLines(ctx context.Context, lines []claims.Line) error {
	if len(lines) == 0 {
		return nil
	}
	err := db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if db.Dialect.CopyFrom != nil {
			_, conn := db.Tx(ctx)
			_, err := db.Dialect.CopyFrom(ctx, conn, "claim_lines", lineCols, NewLineRows(lines))
			return err
		}
		row := "(" + placeholders(len(lineCols)) + ")"
		prefix := `INSERT INTO claim_lines (` + lineColumns + `) VALUES `
		var full *sql.Stmt
		if len(lines) >= insertRows {
			var err error
			full, err = tx.PrepareContext(ctx, db.Q(prefix+strings.TrimSuffix(strings.Repeat(row+", ", insertRows), ", ")))
			if err != nil {
				return err
			}
			defer full.Close()
		}
		args := make([]any, 0, insertRows*len(lineCols))
		for start := 0; start < len(lines); start += insertRows {
			end := min(start+insertRows, len(lines))
			args = args[:0]
			for i := start; i < end; i++ {
				args = lineValues(args, &lines[i])
			}
			var err error
			if end-start == insertRows {
				_, err = full.ExecContext(ctx, args...)
			} else {
				_, err = tx.ExecContext(ctx, db.Q(prefix+strings.TrimSuffix(strings.Repeat(row+", ", end-start), ", ")), args...)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		if isUniqueViolation(err) {
			return &apperr.Error{Code: apperr.Conflict, Message: fmt.Sprintf("a line of claim file %s is stored already", lines[0].FileID), Err: err}
		}
		var ae *apperr.Error
		if errors.As(err, &ae) {
			return err
		}
		return fmt.Errorf("store claim lines of %s: %w", lines[0].FileID, err)
	}
	return nil
}

func scanLine(row rowScanner) (claims.Line, error) {
	var (
		l                claims.Line
		year, begin, end int32
		outcome, reason  string
	)
	err := row.Scan(&l.FileID, &l.No, &year, &l.Record, &l.Insurer, &l.ProviderID, &l.Reference, &l.PrevReference, &l.BSN,
		&l.UZOVI, &l.PolicyNumber, &l.CodeList, &l.Code, &l.ProductCode, &l.Zorgtype, &l.Specialism, &l.AuthNumber, &begin,
		&end, &l.Quantity, &l.Credit, &l.ClaimedCents, &outcome, &reason, &l.AllowedCents, &l.ContractedCents,
		&l.ContractID, &l.Part, &l.Rule, &l.Explanation, &l.Supplementary)
	l.Begin, l.End, l.Outcome, l.Reason = claims.Day(begin), claims.Day(end), claims.Outcome(outcome), claims.Reason(reason)
	return l, err
}

// lines returns the lines a query selects (of lineColumns).
func (db *DB) lines(ctx context.Context, query string, args ...any) ([]claims.Line, error) {
	rows, err := db.claimReader(ctx).QueryContext(ctx, db.Q(query), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []claims.Line{}
	for rows.Next() {
		l, err := scanLine(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// LinesByReference returns, of the provider's stored lines, one line with each
// reference that was not itself rejected as a duplicate, by reference: a line that was
// not rejected when there is one (so that a duplicate is seen whatever was rejected
// before it), else the first rejected one; the first by file received and number.
func (db *DB) LinesByReference(ctx context.Context, providerID string, refs []string) (map[string]claims.LineRef, error) {
	out := map[string]claims.LineRef{}
	err := chunks(uniqueStrings(refs), func(part []string) error {
		rows, err := db.claimReader(ctx).QueryContext(ctx, db.Q(`SELECT l.reference, l.file_id, l.no, l.outcome, l.allowed_cents, l.credit
			FROM claim_lines l JOIN claim_files f ON f.id = l.file_id
			WHERE l.provider_id = ? AND l.reference IN (`+placeholders(len(part))+`) AND l.reason <> ?
			ORDER BY l.reference, CASE WHEN l.outcome = 'rejected' THEN 1 ELSE 0 END, f.received_at, l.file_id, l.no`),
			append(append([]any{providerID}, anyArgs(part)...), string(claims.ReasonDuplicate))...)
		if err != nil {
			return fmt.Errorf("read lines by reference: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var (
				r       claims.LineRef
				outcome string
			)
			if err := rows.Scan(&r.Reference, &r.FileID, &r.No, &outcome, &r.AllowedCents, &r.Credit); err != nil {
				return fmt.Errorf("read lines by reference: %w", err)
			}
			r.Outcome = claims.Outcome(outcome)
			if _, ok := out[r.Reference]; !ok {
				out[r.Reference] = r
			}
		}
		return rows.Err()
	})
	return out, err
}

// HeldLines returns up to limit held lines with the reason, of the insurer (and of the
// provider when providerID is set), ordered by file and number, after (afterFile, afterNo).
func (db *DB) HeldLines(ctx context.Context, insurer, providerID string, reason claims.Reason, afterFile string, afterNo, limit int) ([]claims.Line, error) {
	var w where
	w.add("insurer = ?", insurer)
	w.add("reason = ?", string(reason))
	w.add("outcome = 'held'")
	w.eq("provider_id", providerID)
	w.add("(file_id > ? OR (file_id = ? AND no > ?))", afterFile, afterFile, afterNo)
	if limit <= 0 {
		limit = claims.DefaultPage
	}
	ls, err := db.lines(ctx, `SELECT `+lineColumns+` FROM claim_lines`+w.String()+` ORDER BY file_id, no LIMIT ?`, append(w.args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("read held lines: %w", err)
	}
	return ls, nil
}

// UpdateAdjudication stores a new adjudication of lines (outcome, reason, amounts,
// contract, part, rule, explanation, supplementary), by file and number; NotFound for a
// line that does not exist.
func (db *DB) UpdateAdjudication(ctx context.Context, lines []claims.Line) error {
	if len(lines) == 0 {
		return nil
	}
	return db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		const set = `UPDATE claim_lines SET outcome = ?, reason = ?, allowed_cents = ?, contracted_cents = ?, contract_id = ?,
			part = ?, rule = ?, explanation = ?, supplementary = ? WHERE file_id = ? AND no = ?`
		// With the year (the partition key on PostgreSQL) the update reads one partition.
		inYear, err := tx.PrepareContext(ctx, db.Q(set+` AND year = ?`))
		if err != nil {
			return fmt.Errorf("update claim lines: %w", err)
		}
		defer inYear.Close()
		for i := range lines {
			l := &lines[i]
			args := []any{string(l.Outcome), string(l.Reason), l.AllowedCents, l.ContractedCents, l.ContractID, l.Part, l.Rule,
				l.Explanation, l.Supplementary, l.FileID, int32(l.No)}
			res, err := inYear.ExecContext(ctx, append(args, int32(l.Year()))...)
			if err != nil {
				return fmt.Errorf("update claim line %s/%d: %w", l.FileID, l.No, err)
			}
			n, err := res.RowsAffected()
			if err != nil {
				return fmt.Errorf("update claim line %s/%d: %w", l.FileID, l.No, err)
			}
			if n == 0 { // the caller did not give the line's begin date: look in every year
				if res, err = tx.ExecContext(ctx, db.Q(set), args...); err == nil {
					n, err = res.RowsAffected()
				}
				if err != nil {
					return fmt.Errorf("update claim line %s/%d: %w", l.FileID, l.No, err)
				}
				if n == 0 {
					return apperr.NotFoundf("claim line %s/%d does not exist", l.FileID, l.No)
				}
			}
		}
		return nil
	})
}

// lineWhere is the condition of a line filter.
func lineWhere(f claims.LineFilter) *where {
	var w where
	w.eq("file_id", f.FileID)
	w.eq("insurer", f.Insurer)
	w.eq("bsn", f.BSN)
	w.eq("outcome", string(f.Outcome))
	return &w
}

// Lines returns a page of the lines f selects ordered by file and number, and how many
// f selects in all.
func (db *DB) Lines(ctx context.Context, f claims.LineFilter, p claims.Page) ([]claims.Line, int, error) {
	w := lineWhere(f)
	var total int
	if err := db.claimReader(ctx).QueryRowContext(ctx, db.Q(`SELECT COUNT(*) FROM claim_lines`+w.String()), w.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count claim lines: %w", err)
	}
	limit, offset := pageOf(p)
	ls, err := db.lines(ctx, `SELECT `+lineColumns+` FROM claim_lines`+w.String()+` ORDER BY file_id, no LIMIT ? OFFSET ?`,
		append(w.args, limit, offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("list claim lines: %w", err)
	}
	return ls, total, nil
}

// EachLine calls fn with every line of the file in order, streamed from one query (one
// Line value reused); fn's error stops it. Inside a transaction fn must not use the
// store: the transaction's connection is busy with the stream.
func (db *DB) EachLine(ctx context.Context, fileID string, fn func(*claims.Line) error) error {
	rows, err := db.claimReader(ctx).QueryContext(ctx, db.Q(`SELECT `+lineColumns+` FROM claim_lines WHERE file_id = ? ORDER BY no`), fileID)
	if err != nil {
		return fmt.Errorf("read claim lines of %s: %w", fileID, err)
	}
	defer rows.Close()
	for rows.Next() {
		l, err := scanLine(rows)
		if err != nil {
			return fmt.Errorf("read claim lines of %s: %w", fileID, err)
		}
		if err := fn(&l); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read claim lines of %s: %w", fileID, err)
	}
	return nil
}

// overviewGroups are the columns each grouping of the overview groups by and its order.
var overviewGroups = map[claims.Grouping]struct{ cols, order string }{
	claims.ByProvider: {"provider_id", "claimed DESC, provider_id"},
	claims.ByPart:     {"part", "part"},
	claims.ByDetail:   {"provider_id, contract_id, part, year", "provider_id, contract_id, part, year"},
}

// Overview returns a page of the totals of the lines f selects per group of the
// grouping, aggregated, ordered and paged in the database, and how many groups there are
// in all. Supplementary cents are the allowed amounts of approved and reduced lines that
// supplementary insurance covers; ceiling cents those of the others.
func (db *DB) Overview(ctx context.Context, f claims.OverviewFilter, by claims.Grouping, p claims.Page) ([]claims.OverviewRow, int, error) {
	g, ok := overviewGroups[by]
	if !ok {
		return nil, 0, apperr.Invalidf("group", "group %q is not one of provider, part, detail", by)
	}
	var w where
	w.eq("insurer", f.Insurer)
	w.eq("provider_id", f.ProviderID)
	if f.Year != 0 {
		w.add("year = ?", f.Year)
	}
	q := db.claimReader(ctx)
	var total int
	if err := q.QueryRowContext(ctx, db.Q(`SELECT COUNT(*) FROM (SELECT 1 AS one FROM claim_lines`+w.String()+
		` GROUP BY `+g.cols+`) groups`), w.args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count overview groups: %w", err)
	}
	limit, offset := pageOf(p)
	paid := `outcome IN ('approved', 'reduced')`
	rows, err := q.QueryContext(ctx, db.Q(`SELECT `+g.cols+`, COUNT(*),
		`+sumBigint(`claimed_cents`)+` AS claimed, `+sumBigint(`allowed_cents`)+`,
		`+sumBigint(`CASE WHEN outcome = 'approved' THEN 1 ELSE 0 END`)+`,
		`+sumBigint(`CASE WHEN outcome = 'reduced' THEN 1 ELSE 0 END`)+`,
		`+sumBigint(`CASE WHEN outcome = 'rejected' THEN 1 ELSE 0 END`)+`,
		`+sumBigint(`CASE WHEN outcome = 'held' THEN 1 ELSE 0 END`)+`,
		`+sumBigint(`CASE WHEN outcome = 'rejected' THEN claimed_cents ELSE 0 END`)+`,
		`+sumBigint(`CASE WHEN outcome = 'held' THEN claimed_cents ELSE 0 END`)+`,
		`+sumBigint(`CASE WHEN `+paid+` AND supplementary THEN allowed_cents ELSE 0 END`)+`,
		`+sumBigint(`CASE WHEN `+paid+` AND NOT supplementary THEN allowed_cents ELSE 0 END`)+`
		FROM claim_lines`+w.String()+`
		GROUP BY `+g.cols+` ORDER BY `+g.order+` LIMIT ? OFFSET ?`), append(w.args, limit, offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("read overview: %w", err)
	}
	defer rows.Close()
	out := []claims.OverviewRow{}
	for rows.Next() {
		var (
			r                                 claims.OverviewRow
			approved, reduced, rejected, held int64
		)
		var dest []any
		switch by {
		case claims.ByProvider:
			dest = []any{&r.ProviderID}
		case claims.ByPart:
			dest = []any{&r.Part}
		default:
			dest = []any{&r.ProviderID, &r.ContractID, &r.Part, &r.Year}
		}
		dest = append(dest, &r.Lines, &r.ClaimedCents, &r.AllowedCents, &approved, &reduced, &rejected, &held,
			&r.RejectedCents, &r.HeldCents, &r.SupplementaryCents, &r.CeilingCents)
		if err := rows.Scan(dest...); err != nil {
			return nil, 0, fmt.Errorf("read overview: %w", err)
		}
		r.Approved, r.Reduced, r.Rejected, r.Held = int(approved), int(reduced), int(rejected), int(held)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("read overview: %w", err)
	}
	return out, total, nil
}
