package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"zorginkoop/internal/audit"
)

const auditColumns = `seq, at, user_id, user_name, org_id, action, subject, scope, dossier, before, after, reason, denied, prev_hash, hash`

// AppendAudit reads the head of the trail and inserts the entry build makes from it, in one
// write transaction (the context's, when InTx carries one: then the entry commits or rolls
// back with the change it records); Dialect.LockAudit keeps appenders on other connections
// out until that transaction ends.
func (db *DB) AppendAudit(ctx context.Context, build func(prev audit.Head) (audit.Entry, error)) (audit.Entry, error) {
	var e audit.Entry
	err := db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if db.Dialect.LockAudit != "" {
			if _, err := tx.ExecContext(ctx, db.Dialect.LockAudit); err != nil {
				return fmt.Errorf("append audit entry: lock: %w", err)
			}
		}
		var prev audit.Head
		err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`).Scan(&prev.Seq, &prev.Hash)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("append audit entry: read head: %w", err)
		}
		if e, err = build(prev); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, db.Q(`INSERT INTO audit_log (`+auditColumns+`) VALUES (`+placeholders(15)+`)`),
			e.Seq, db.Dialect.Time(e.At), e.UserID, e.UserName, e.OrgID, e.Action, e.Subject, e.Scope, e.Dossier,
			nullText(e.Before), nullText(e.After), e.Reason, e.Denied, e.PrevHash, e.Hash)
		if err != nil {
			return fmt.Errorf("append audit entry %d: %w", e.Seq, err)
		}
		return nil
	})
	if err != nil {
		return audit.Entry{}, err
	}
	return e, nil
}

// nullText stores JSON as text (not as a blob, nor as PostgreSQL JSONB, which reorders keys
// and so would change the hash), and absent JSON as NULL.
func nullText(b []byte) any {
	if b == nil {
		return nil
	}
	return string(b)
}

// AuditEntries returns the entries matching f, newest first. With f.Numbered the
// organisation's trail is numbered first (ROW_NUMBER over seq, which both engines have),
// then filtered by subject, dossier and page: an entry's number does not depend on the
// filters, and entries of other organisations do not count.
func (db *DB) AuditEntries(ctx context.Context, f audit.Filter) ([]audit.Entry, error) {
	if f.Numbered && f.OrgID == "" {
		return nil, errors.New("read audit trail: numbered entries need an organisation")
	}
	var (
		conds []string // on the numbered trail when f.Numbered
		args  []any
		from  = `audit_log`
		cols  = auditColumns
		order = `seq`
	)
	if f.OrgID != "" {
		cond, orgArgs := orgCondition(f)
		args = append(args, orgArgs...)
		if f.Numbered {
			from = `(SELECT ` + auditColumns + `, ROW_NUMBER() OVER (ORDER BY seq) AS pos FROM audit_log WHERE ` + cond + `) AS trail`
			cols += `, pos`
			order = `pos`
		} else {
			conds = append(conds, cond)
		}
	}
	if f.Subject != "" {
		conds = append(conds, `subject = ?`)
		args = append(args, f.Subject)
	}
	if f.Dossier != "" {
		conds = append(conds, `dossier = ?`)
		args = append(args, f.Dossier)
	}
	if f.Before > 0 {
		conds = append(conds, order+` < ?`)
		args = append(args, f.Before)
	}
	query := `SELECT ` + cols + ` FROM ` + from
	if len(conds) > 0 {
		query += ` WHERE ` + strings.Join(conds, ` AND `)
	}
	query += ` ORDER BY seq DESC`
	if f.Limit > 0 {
		query += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	var out []audit.Entry
	err := db.eachAudit(ctx, db.Q(query), args, f.Numbered, func(e audit.Entry) error {
		out = append(out, e)
		return nil
	})
	return out, err
}

// orgCondition selects an organisation's trail (audit.Filter.OrgID): the entries about
// its data (scope is one of its scopes) and the entries its users made, without, when
// f.HideDeniedElsewhere, their refused attempts at data of another scope.
func orgCondition(f audit.Filter) (string, []any) {
	scopes := f.OrgScopes()
	var args []any
	for _, s := range scopes {
		args = append(args, s)
	}
	args = append(args, f.OrgID)
	own := `org_id = ?`
	if f.HideDeniedElsewhere {
		own = `(org_id = ? AND (NOT denied OR scope = ''))`
	}
	return `(scope IN (` + placeholders(len(scopes)) + `) OR ` + own + `)`, args
}

// EachAuditEntry calls fn with every entry in seq order.
func (db *DB) EachAuditEntry(ctx context.Context, fn func(audit.Entry) error) error {
	return db.eachAudit(ctx, `SELECT `+auditColumns+` FROM audit_log ORDER BY seq`, nil, false, fn)
}

// eachAudit calls fn with each entry query reads: auditColumns, and pos when numbered.
func (db *DB) eachAudit(ctx context.Context, query string, args []any, numbered bool, fn func(audit.Entry) error) error {
	rows, err := db.Read.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("read audit trail: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			e             audit.Entry
			at            Timestamp
			before, after []byte
		)
		dest := []any{&e.Seq, &at, &e.UserID, &e.UserName, &e.OrgID, &e.Action, &e.Subject, &e.Scope,
			&e.Dossier, &before, &after, &e.Reason, &e.Denied, &e.PrevHash, &e.Hash}
		if numbered {
			dest = append(dest, &e.Pos)
		}
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("read audit trail: %w", err)
		}
		e.At = at.Time
		e.Before, e.After = before, after
		if err := fn(e); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read audit trail: %w", err)
	}
	return nil
}
