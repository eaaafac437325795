package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/provider"
)

// Row kinds of the provider stream, in the order they come for one provider.
const (
	kindProvider = iota
	kindAGB
	kindCareType
	kindSpecialism
	kindLocation
	kindFact
	kindPart
	kindContract
)

// detail is what the provider stream reads besides the record: nothing (a listing), or
// the facts (factKeys, if not nil, only those), part choices (policy, if set, only its
// own) and contracts (insurer, if set, only with it).
type detail struct {
	full     bool
	factKeys []string
	policy   string
	insurer  string
}

// everything reads every fact, part choice and contract.
var everything = detail{full: true}

// match limits the provider stream: where returns the condition on the provider id column
// col ("" for all providers) and args its arguments, once per use.
type match struct {
	where func(col string) string
	args  []any
}

func (m match) cond(col string, args *[]any) string {
	if m.where == nil {
		return ""
	}
	*args = append(*args, m.args...)
	return " WHERE " + m.where(col)
}

// streamQuery builds one query giving every part of the matching providers as rows of
// (provider_id, kind, pos, a..f), ordered by provider id: one pass, one snapshot, no query
// per provider. It is not a merge of index scans on PostgreSQL: for a policy's selection
// (a large share of every table) the planner scans each table, hash-joins it with the care
// types and sorts the union by id (EXPLAIN in docs/performance.md), which is why the stream
// runs with the settings of Dialect.StreamSettings. Within a provider the rows may come in
// any order: each part goes to its place by pos.
func (db *DB) streamQuery(m match, d detail) (string, []any) {
	var args []any
	parts := []string{
		`SELECT id, ` + itoa(kindProvider) + `, 0, name, kvk, '', '', '', '' FROM providers` + m.cond("id", &args),
		`SELECT provider_id, ` + itoa(kindAGB) + `, pos, code, kind, '', '', '', '' FROM provider_agb_codes` + m.cond("provider_id", &args),
		`SELECT provider_id, ` + itoa(kindCareType) + `, pos, care_type, '', '', '', '', '' FROM provider_care_types` + m.cond("provider_id", &args),
		`SELECT provider_id, ` + itoa(kindSpecialism) + `, pos, specialism, '', '', '', '', '' FROM provider_specialisms` + m.cond("provider_id", &args),
		`SELECT provider_id, ` + itoa(kindLocation) + `, pos, name, street, postcode, city, '', '' FROM provider_locations` + m.cond("provider_id", &args),
	}
	if d.full {
		facts := `SELECT provider_id, ` + itoa(kindFact) + `, pos, key, insurer, value, source, COALESCE(` +
			db.Dialect.DateText("date") + `, ''), evidence FROM provider_facts` + m.cond("provider_id", &args)
		if d.factKeys != nil {
			facts += and(m) + `key IN (` + placeholders(max(len(d.factKeys), 1)) + `)`
			for _, k := range d.factKeys {
				args = append(args, k)
			}
			if len(d.factKeys) == 0 {
				args = append(args, "")
			}
		}
		choices := `SELECT provider_id, ` + itoa(kindPart) + `, pos, policy_id, part_id, by_source, insurer, '', '' FROM provider_parts` +
			m.cond("provider_id", &args)
		if d.policy != "" {
			choices += and(m) + `policy_id = ?`
			args = append(args, d.policy)
		}
		contracts := `SELECT provider_id, ` + itoa(kindContract) + `, pos, insurer, policy_id, parts, CAST(first_year AS TEXT), CAST(last_year AS TEXT), ''` +
			` FROM provider_contracts` + m.cond("provider_id", &args)
		if d.insurer != "" {
			contracts += and(m) + `insurer = ?`
			args = append(args, d.insurer)
		}
		parts = append(parts, facts, choices, contracts)
	}
	// Ordering by the id alone: adding kind and pos made SQLite sort every provider's rows.
	return db.Q(strings.Join(parts, "\nUNION ALL\n") + "\nORDER BY 1"), args
}

// and joins one more condition to a branch whose WHERE m.cond wrote, or starts the WHERE.
func and(m match) string {
	if m.where == nil {
		return " WHERE "
	}
	return " AND "
}

func itoa(n int) string { return strconv.Itoa(n) }

// at returns the element pos of *s, growing the slice as needed.
func at[T any](s *[]T, pos int) *T {
	if pos < 0 {
		pos = len(*s) // cannot happen; keep the part rather than panic
	}
	for len(*s) <= pos {
		var zero T
		*s = append(*s, zero)
	}
	return &(*s)[pos]
}

// stream calls fn with each matching provider, ordered by id; each is newly allocated.
// factKeys, if not nil, limits the facts read to those keys.
func (db *DB) stream(ctx context.Context, m match, want detail, fn func(*provider.Provider) error) error {
	query, args := db.streamQuery(m, want)
	var q querier = db.Read
	if len(db.Dialect.StreamSettings) > 0 {
		tx, err := db.Read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
		if err != nil {
			return fmt.Errorf("read providers: %w", err)
		}
		defer tx.Rollback() // read only: nothing to commit
		for _, set := range db.Dialect.StreamSettings {
			if _, err := tx.ExecContext(ctx, set); err != nil {
				return fmt.Errorf("read providers: %s: %w", set, err)
			}
		}
		q = tx
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("read providers: %w", err)
	}
	defer rows.Close()
	var (
		p                 *provider.Provider
		seen              bool // the providers row of p was read
		id                string
		kind, pos         int
		a, b, c, d, e, f2 string
	)
	emit := func() error {
		if p == nil || !seen {
			return nil // parts without a provider: skip, never hand out a half provider
		}
		// Entries went to their pos; close the gaps of those not read.
		if want.factKeys != nil {
			p.Facts = slices.DeleteFunc(p.Facts, func(f provider.Fact) bool { return f.Key == "" })
		}
		if want.policy != "" {
			p.Parts = slices.DeleteFunc(p.Parts, func(c provider.PartChoice) bool { return c.Policy == "" })
		}
		if want.insurer != "" {
			p.Contracts = slices.DeleteFunc(p.Contracts, func(c provider.Contract) bool { return c.Insurer == "" })
		}
		return fn(p)
	}
	for rows.Next() {
		if err := rows.Scan(&id, &kind, &pos, &a, &b, &c, &d, &e, &f2); err != nil {
			return fmt.Errorf("read providers: %w", err)
		}
		if p == nil || p.ID != id {
			if err := emit(); err != nil {
				return err
			}
			p, seen = &provider.Provider{ID: id}, false
		}
		switch kind {
		case kindProvider:
			p.Name, p.KvK, seen = a, b, true
		case kindAGB:
			*at(&p.AGBCodes, pos) = provider.AGBCode{Code: a, Kind: provider.AGBKind(b)}
		case kindCareType:
			*at(&p.CareTypes, pos) = a
		case kindSpecialism:
			*at(&p.Specialisms, pos) = a
		case kindLocation:
			*at(&p.Locations, pos) = provider.Location{Name: a, Street: b, Postcode: c, City: d}
		case kindFact:
			*at(&p.Facts, pos) = provider.Fact{Key: a, Insurer: b, Value: c, Source: provider.Source(d), Date: e, Evidence: f2}
		case kindPart:
			*at(&p.Parts, pos) = provider.PartChoice{Policy: a, Part: b, By: provider.Source(c), Insurer: d}
		case kindContract:
			ct, err := contractRow(a, b, c, d, e)
			if err != nil {
				return fmt.Errorf("read providers: provider %s: contracts[%d]: %w", id, pos, err)
			}
			*at(&p.Contracts, pos) = ct
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read providers: %w", err)
	}
	return emit()
}

// EachProvider streams the selected providers with their (selected) facts, part choices
// and contracts, ordered by id.
func (db *DB) EachProvider(ctx context.Context, sel provider.Selection, fn func(*provider.Provider) error) error {
	return db.stream(ctx, selectionMatch(sel), detail{full: true, factKeys: sel.Facts, policy: sel.Policy, insurer: sel.Insurer}, fn)
}

// Provider returns one provider with its facts, part choices and contracts, or NotFound.
func (db *DB) Provider(ctx context.Context, id string) (*provider.Provider, error) {
	var found *provider.Provider
	m := match{where: func(col string) string { return col + ` = ?` }, args: []any{id}}
	err := db.stream(ctx, m, everything, func(p *provider.Provider) error {
		found = p
		return nil
	})
	if err != nil {
		return nil, err
	}
	if found == nil {
		return nil, apperr.NotFoundf("provider %q does not exist", id)
	}
	return found, nil
}

// Providers lists the matching providers of scope without facts, part choices or
// contracts, ordered by name, and the total.
func (db *DB) Providers(ctx context.Context, scope provider.Scope, f provider.Filter) ([]provider.Provider, int, error) {
	where, args := providerFilter(scope, f)
	var total int
	if err := db.Read.QueryRowContext(ctx, db.Q(`SELECT count(*) FROM providers p`+where), args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count providers: %w", err)
	}
	limit := int64(math.MaxInt64)
	if f.Limit > 0 {
		limit = int64(f.Limit)
	}
	page := `SELECT p.id FROM providers p` + where + ` ORDER BY p.name, p.id LIMIT ? OFFSET ?`
	pageArgs := append(append([]any{}, args...), limit, int64(max(f.Offset, 0)))

	rows, err := db.Read.QueryContext(ctx, db.Q(page), pageArgs...)
	if err != nil {
		return nil, 0, fmt.Errorf("list providers: %w", err)
	}
	order := map[string]int{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, 0, fmt.Errorf("list providers: %w", err)
		}
		order[id] = len(order)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("list providers: %w", err)
	}
	if len(order) == 0 {
		return nil, total, nil
	}
	// Read the parts of exactly this page (same query, so same snapshot semantics per
	// statement), then put them in the page's order.
	out := make([]provider.Provider, len(order))
	m := match{where: func(col string) string { return col + ` IN (SELECT id FROM (` + page + `) page)` }, args: pageArgs}
	err = db.stream(ctx, m, detail{}, func(p *provider.Provider) error {
		if i, ok := order[p.ID]; ok {
			out[i] = *p
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	// A provider deleted between the two queries leaves a gap; drop it.
	kept := out[:0]
	for _, p := range out {
		if p.ID != "" {
			kept = append(kept, p)
		}
	}
	return kept, total, nil
}

// providerFilter returns the WHERE clause on providers p for scope and f, and its
// arguments.
func providerFilter(scope provider.Scope, f provider.Filter) (string, []any) {
	var conds []string
	var args []any
	if !scope.All() {
		ids := scope.IDs()
		if len(ids) == 0 {
			return " WHERE 1 = 0", nil
		}
		conds = append(conds, `p.id IN (`+placeholders(len(ids))+`)`)
		for _, id := range ids {
			args = append(args, id)
		}
	}
	if f.CareType != "" {
		conds = append(conds, `EXISTS (SELECT 1 FROM provider_care_types c WHERE c.provider_id = p.id AND c.care_type = ?)`)
		args = append(args, f.CareType)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		like := "%" + escapeLike(strings.ToLower(q)) + "%"
		conds = append(conds, `(lower(p.name) LIKE ? ESCAPE '\' OR p.kvk LIKE ? ESCAPE '\'`+
			` OR EXISTS (SELECT 1 FROM provider_agb_codes a WHERE a.provider_id = p.id AND a.code LIKE ? ESCAPE '\'))`)
		args = append(args, like, like, like)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// deleteChunk is how many ids one DELETE names, well below either engine's limit on
// statement parameters.
const deleteChunk = 500

// providerPartTables are the tables of a provider's parts. On PostgreSQL they have no
// foreign key to providers (see its migrations 0001 and 0010), so a removal deletes from
// each; on SQLite ON DELETE CASCADE would, and the explicit deletes cost little.
var providerPartTables = []string{"provider_agb_codes", "provider_care_types", "provider_specialisms",
	"provider_locations", "provider_facts", "provider_parts", "provider_contracts"}

// DeleteProviders deletes the providers ids with all their parts, in the context's
// transaction or one of its own: all or nothing.
func (db *DB) DeleteProviders(ctx context.Context, ids []string) (int, error) {
	deleted := 0
	err := db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for start := 0; start < len(ids); start += deleteChunk {
			chunk := ids[start:min(start+deleteChunk, len(ids))]
			args := make([]any, len(chunk))
			for i, id := range chunk {
				args[i] = id
			}
			in := ` IN (` + placeholders(len(chunk)) + `)`
			for _, table := range providerPartTables {
				if _, err := tx.ExecContext(ctx, db.Q(`DELETE FROM `+table+` WHERE provider_id`+in), args...); err != nil {
					return err
				}
			}
			res, err := tx.ExecContext(ctx, db.Q(`DELETE FROM providers WHERE id`+in), args...)
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			deleted += int(n)
		}
		return db.MarkChanged(ctx, tx, ids)
	})
	if err != nil {
		return 0, fmt.Errorf("delete providers: %w", err)
	}
	return deleted, nil
}

// Register counts the providers, and those with one of careTypes, and finds when the
// register last changed: the newest provider.import, .facts, .dealings or .delete entry of the audit
// trail that was not refused, by the index audit_log_action.
func (db *DB) Register(ctx context.Context, careTypes []string) (provider.Register, error) {
	var r provider.Register
	tx, err := db.Read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return r, fmt.Errorf("read register: %w", err)
	}
	defer tx.Rollback()
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM providers`).Scan(&r.Total); err != nil {
		return r, fmt.Errorf("count providers: %w", err)
	}
	if len(careTypes) > 0 {
		args := make([]any, len(careTypes))
		for i, c := range careTypes {
			args[i] = c
		}
		q := `SELECT count(*) FROM providers p WHERE EXISTS (SELECT 1 FROM provider_care_types c
			WHERE c.provider_id = p.id AND c.care_type IN (` + placeholders(len(careTypes)) + `))`
		if err := tx.QueryRowContext(ctx, db.Q(q), args...).Scan(&r.InCareTypes); err != nil {
			return r, fmt.Errorf("count providers: %w", err)
		}
	}
	for _, action := range []string{provider.ActionImport, provider.ActionFacts, provider.ActionDealings, provider.ActionDelete, provider.ActionDeclare} {
		var seq int64
		var at Timestamp
		err := tx.QueryRowContext(ctx, db.Q(`SELECT seq, at FROM audit_log WHERE seq =
			(SELECT max(seq) FROM audit_log WHERE action = ? AND denied = ?)`), action, false).Scan(&seq, &at)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return r, fmt.Errorf("read register changes: %w", err)
		}
		if seq > r.ChangeSeq {
			r.ChangeSeq, r.Changed = seq, at.Time
		}
	}
	return r, nil
}

// selectionMatch limits the provider stream to the providers sel selects.
func selectionMatch(sel provider.Selection) match {
	var m match
	var conds []func(col string) string
	if len(sel.CareTypes) > 0 {
		conds = append(conds, func(col string) string {
			return col + ` IN (SELECT provider_id FROM provider_care_types WHERE care_type IN (` + placeholders(len(sel.CareTypes)) + `))`
		})
		for _, ct := range sel.CareTypes {
			m.args = append(m.args, ct)
		}
	}
	if sel.IDs != nil {
		conds = append(conds, func(col string) string { return col + ` IN (` + placeholders(max(len(sel.IDs), 1)) + `)` })
		for _, id := range sel.IDs {
			m.args = append(m.args, id)
		}
		if len(sel.IDs) == 0 {
			m.args = append(m.args, "") // no provider has the empty id
		}
	}
	if len(conds) > 0 {
		m.where = func(col string) string {
			s := conds[0](col)
			for _, c := range conds[1:] {
				s += " AND " + c(col)
			}
			return s
		}
	}
	return m
}
