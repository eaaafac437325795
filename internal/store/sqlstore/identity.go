package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/identity"
)

// nullTime stores the zero time as NULL.
func (db *DB) nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return db.Dialect.Time(t)
}

// isUniqueViolation recognises a unique-constraint error of either engine.
func isUniqueViolation(err error) bool {
	s := err.Error()
	return strings.Contains(s, "UNIQUE constraint failed") || strings.Contains(s, "SQLSTATE 23505")
}

// SaveOrganisation inserts or replaces an organisation with its insurers and providers.
func (db *DB) SaveOrganisation(ctx context.Context, o identity.Organisation) error {
	oidc := ""
	if o.OIDC != nil {
		b, _ := json.Marshal(o.OIDC)
		oidc = string(b)
	}
	stmts := []struct {
		q    string
		args []any
	}{
		{`INSERT INTO organisations (id, kind, name, kvk, oidc) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name = excluded.name, kvk = excluded.kvk, oidc = excluded.oidc`,
			[]any{o.ID, string(o.Kind), o.Name, o.KvK, oidc}},
		{`DELETE FROM organisation_insurers WHERE org_id = ?`, []any{o.ID}},
		{`DELETE FROM organisation_providers WHERE org_id = ?`, []any{o.ID}},
	}
	for _, ins := range o.Insurers {
		stmts = append(stmts, struct {
			q    string
			args []any
		}{`INSERT INTO organisation_insurers (org_id, insurer_id) VALUES (?, ?)`, []any{o.ID, ins}})
	}
	for _, p := range o.Providers {
		stmts = append(stmts, struct {
			q    string
			args []any
		}{`INSERT INTO organisation_providers (provider_id, org_id) VALUES (?, ?)`, []any{p, o.ID}})
	}
	return db.withTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for _, st := range stmts {
			if _, err := tx.ExecContext(ctx, db.Q(st.q), st.args...); err != nil {
				if isUniqueViolation(err) {
					return &apperr.Error{Code: apperr.Conflict, Field: "providers", Message: "a provider record belongs to another organisation already"}
				}
				return fmt.Errorf("save organisation %s: %w", o.ID, err)
			}
		}
		return nil
	})
}

// Organisation returns one organisation.
func (db *DB) Organisation(ctx context.Context, id string) (*identity.Organisation, error) {
	os, err := db.organisations(ctx, `WHERE id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(os) == 0 {
		return nil, apperr.NotFoundf("organisation %q does not exist", id)
	}
	return &os[0], nil
}

// Organisations lists every organisation by id.
func (db *DB) Organisations(ctx context.Context) ([]identity.Organisation, error) {
	return db.organisations(ctx, ``)
}

func (db *DB) organisations(ctx context.Context, where string, args ...any) ([]identity.Organisation, error) {
	rows, err := db.Read.QueryContext(ctx, db.Q(`SELECT id, kind, name, kvk, oidc FROM organisations `+where+` ORDER BY id`), args...)
	if err != nil {
		return nil, fmt.Errorf("read organisations: %w", err)
	}
	var out []identity.Organisation
	for rows.Next() {
		var o identity.Organisation
		var oidc string
		if err := rows.Scan(&o.ID, &o.Kind, &o.Name, &o.KvK, &oidc); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read organisations: %w", err)
		}
		if oidc != "" {
			o.OIDC = &identity.OIDCConfig{}
			if err := json.Unmarshal([]byte(oidc), o.OIDC); err != nil {
				rows.Close()
				return nil, fmt.Errorf("organisation %s: OIDC settings: %w", o.ID, err)
			}
		}
		out = append(out, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read organisations: %w", err)
	}
	for i := range out {
		if out[i].Insurers, err = db.strings(ctx, `SELECT insurer_id FROM organisation_insurers WHERE org_id = ? ORDER BY insurer_id`, out[i].ID); err != nil {
			return nil, err
		}
		if out[i].Providers, err = db.strings(ctx, `SELECT provider_id FROM organisation_providers WHERE org_id = ? ORDER BY provider_id`, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (db *DB) strings(ctx context.Context, q string, args ...any) ([]string, error) {
	rows, err := db.Read.QueryContext(ctx, db.Q(q), args...)
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("read: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

const userColumns = `id, org_id, email, name, roles, password_hash, disabled,
	COALESCE(cert_fingerprint, ''), COALESCE(oidc_subject, ''), created_at`

func (db *DB) userArgs(u identity.User) []any {
	roles := make([]string, len(u.Roles))
	for i, r := range u.Roles {
		roles[i] = string(r)
	}
	null := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	return []any{u.ID, u.OrgID, u.Email, u.Name, strings.Join(roles, ","), u.PasswordHash, u.Disabled,
		null(u.CertFingerprint), null(u.OIDCSubject), db.Dialect.Time(u.CreatedAt)}
}

// CreateUser adds a user.
func (db *DB) CreateUser(ctx context.Context, u identity.User) error {
	_, err := db.Writer(ctx).ExecContext(ctx, db.Q(`INSERT INTO users (id, org_id, email, name, roles, password_hash, disabled,
		cert_fingerprint, oidc_subject, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`), db.userArgs(u)...)
	if err != nil && isUniqueViolation(err) {
		return &apperr.Error{Code: apperr.Conflict, Field: "email", Message: fmt.Sprintf("a user with e-mail address %s exists already", u.Email)}
	}
	if err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	return nil
}

// UpdateUser writes every field of an existing user.
func (db *DB) UpdateUser(ctx context.Context, u identity.User) error {
	args := db.userArgs(u)
	res, err := db.Writer(ctx).ExecContext(ctx, db.Q(`UPDATE users SET org_id = ?, email = ?, name = ?, roles = ?, password_hash = ?,
		disabled = ?, cert_fingerprint = ?, oidc_subject = ?, created_at = ? WHERE id = ?`),
		append(args[1:], args[0])...)
	if err != nil && isUniqueViolation(err) {
		return &apperr.Error{Code: apperr.Conflict, Message: "the e-mail address, certificate or OIDC login belongs to another user"}
	}
	if err != nil {
		return fmt.Errorf("update user: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.NotFoundf("user %q does not exist", u.ID)
	}
	return nil
}

func (db *DB) users(ctx context.Context, where string, args ...any) ([]identity.User, error) {
	rows, err := db.Read.QueryContext(ctx, db.Q(`SELECT `+userColumns+` FROM users `+where+` ORDER BY email`), args...)
	if err != nil {
		return nil, fmt.Errorf("read users: %w", err)
	}
	defer rows.Close()
	var out []identity.User
	for rows.Next() {
		var u identity.User
		var roles string
		var created Timestamp
		if err := rows.Scan(&u.ID, &u.OrgID, &u.Email, &u.Name, &roles, &u.PasswordHash, &u.Disabled,
			&u.CertFingerprint, &u.OIDCSubject, &created); err != nil {
			return nil, fmt.Errorf("read users: %w", err)
		}
		for _, r := range strings.Split(roles, ",") {
			if r != "" {
				u.Roles = append(u.Roles, identity.Role(r))
			}
		}
		u.CreatedAt = created.Time
		out = append(out, u)
	}
	return out, rows.Err()
}

func (db *DB) oneUser(ctx context.Context, what, where string, arg any) (*identity.User, error) {
	us, err := db.users(ctx, where, arg)
	if err != nil {
		return nil, err
	}
	if len(us) == 0 {
		return nil, apperr.NotFoundf("no user with %s", what)
	}
	return &us[0], nil
}

func (db *DB) User(ctx context.Context, id string) (*identity.User, error) {
	return db.oneUser(ctx, "id "+id, `WHERE id = ?`, id)
}

func (db *DB) UserByEmail(ctx context.Context, email string) (*identity.User, error) {
	return db.oneUser(ctx, "this e-mail address", `WHERE email = ?`, email)
}

func (db *DB) UserByCert(ctx context.Context, fingerprint string) (*identity.User, error) {
	return db.oneUser(ctx, "this certificate", `WHERE cert_fingerprint = ?`, fingerprint)
}

func (db *DB) UserByOIDC(ctx context.Context, subject string) (*identity.User, error) {
	return db.oneUser(ctx, "this OpenID Connect login", `WHERE oidc_subject = ?`, subject)
}

// Users lists an organisation's users ("" for all).
func (db *DB) Users(ctx context.Context, orgID string) ([]identity.User, error) {
	if orgID == "" {
		return db.users(ctx, ``)
	}
	return db.users(ctx, `WHERE org_id = ?`, orgID)
}

func (db *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := db.Read.QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count users: %w", err)
	}
	return n, nil
}

func (db *DB) CreateSession(ctx context.Context, s identity.Session) error {
	_, err := db.Writer(ctx).ExecContext(ctx, db.Q(`INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`),
		s.TokenHash, s.UserID, s.CSRF, db.Dialect.Time(s.CreatedAt), db.Dialect.Time(s.ExpiresAt))
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

func (db *DB) Session(ctx context.Context, tokenHash string) (*identity.Session, error) {
	var s identity.Session
	var created, expires Timestamp
	err := db.Read.QueryRowContext(ctx, db.Q(`SELECT token_hash, user_id, csrf, created_at, expires_at FROM sessions WHERE token_hash = ?`),
		tokenHash).Scan(&s.TokenHash, &s.UserID, &s.CSRF, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFoundf("no such session")
	}
	if err != nil {
		return nil, fmt.Errorf("read session: %w", err)
	}
	s.CreatedAt, s.ExpiresAt = created.Time, expires.Time
	return &s, nil
}

func (db *DB) DeleteSession(ctx context.Context, tokenHash string) error {
	if _, err := db.Writer(ctx).ExecContext(ctx, db.Q(`DELETE FROM sessions WHERE token_hash = ?`), tokenHash); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

func (db *DB) DeleteUserSessions(ctx context.Context, userID string) error {
	if _, err := db.Writer(ctx).ExecContext(ctx, db.Q(`DELETE FROM sessions WHERE user_id = ?`), userID); err != nil {
		return fmt.Errorf("delete sessions: %w", err)
	}
	return nil
}

func (db *DB) DeleteOtherSessions(ctx context.Context, userID, keepHash string) error {
	if _, err := db.Writer(ctx).ExecContext(ctx, db.Q(`DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?`), userID, keepHash); err != nil {
		return fmt.Errorf("delete sessions: %w", err)
	}
	return nil
}

func (db *DB) CreateToken(ctx context.Context, t identity.Token) error {
	_, err := db.Writer(ctx).ExecContext(ctx, db.Q(`INSERT INTO tokens (token_hash, kind, user_id, name, created_at, expires_at, used_at) VALUES (?, ?, ?, ?, ?, ?, ?)`),
		t.TokenHash, string(t.Kind), t.UserID, t.Name, db.Dialect.Time(t.CreatedAt), db.Dialect.Time(t.ExpiresAt), db.nullTime(t.UsedAt))
	if err != nil {
		return fmt.Errorf("create token: %w", err)
	}
	return nil
}

func (db *DB) tokens(ctx context.Context, where string, args ...any) ([]identity.Token, error) {
	rows, err := db.Read.QueryContext(ctx, db.Q(`SELECT token_hash, kind, user_id, name, created_at, expires_at, used_at, last_used_at
		FROM tokens `+where+` ORDER BY created_at, token_hash`), args...)
	if err != nil {
		return nil, fmt.Errorf("read tokens: %w", err)
	}
	defer rows.Close()
	var out []identity.Token
	for rows.Next() {
		var t identity.Token
		var created, expires, used, lastUsed Timestamp
		if err := rows.Scan(&t.TokenHash, &t.Kind, &t.UserID, &t.Name, &created, &expires, &used, &lastUsed); err != nil {
			return nil, fmt.Errorf("read tokens: %w", err)
		}
		t.CreatedAt, t.ExpiresAt, t.UsedAt, t.LastUsedAt = created.Time, expires.Time, used.Time, lastUsed.Time
		out = append(out, t)
	}
	return out, rows.Err()
}

func (db *DB) Token(ctx context.Context, tokenHash string) (*identity.Token, error) {
	ts, err := db.tokens(ctx, `WHERE token_hash = ?`, tokenHash)
	if err != nil {
		return nil, err
	}
	if len(ts) == 0 {
		return nil, apperr.NotFoundf("no such token")
	}
	return &ts[0], nil
}

func (db *DB) Tokens(ctx context.Context, userID string, kind identity.TokenKind) ([]identity.Token, error) {
	return db.tokens(ctx, `WHERE user_id = ? AND kind = ?`, userID, string(kind))
}

// UseToken marks an unused token used; the single UPDATE makes it safe between instances.
func (db *DB) UseToken(ctx context.Context, tokenHash string, t time.Time) (bool, error) {
	res, err := db.Writer(ctx).ExecContext(ctx, db.Q(`UPDATE tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL`), db.Dialect.Time(t), tokenHash)
	if err != nil {
		return false, fmt.Errorf("use token: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (db *DB) DeleteToken(ctx context.Context, tokenHash string) error {
	if _, err := db.Writer(ctx).ExecContext(ctx, db.Q(`DELETE FROM tokens WHERE token_hash = ?`), tokenHash); err != nil {
		return fmt.Errorf("delete token: %w", err)
	}
	return nil
}

func (db *DB) DeleteTokens(ctx context.Context, userID string, kind identity.TokenKind) (int, error) {
	res, err := db.Writer(ctx).ExecContext(ctx, db.Q(`DELETE FROM tokens WHERE user_id = ? AND kind = ?`), userID, string(kind))
	if err != nil {
		return 0, fmt.Errorf("delete tokens: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("delete tokens: %w", err)
	}
	return int(n), nil
}

func (db *DB) TouchToken(ctx context.Context, tokenHash string, at time.Time) error {
	if _, err := db.Writer(ctx).ExecContext(ctx, db.Q(`UPDATE tokens SET last_used_at = ? WHERE token_hash = ?`), db.Dialect.Time(at), tokenHash); err != nil {
		return fmt.Errorf("touch token: %w", err)
	}
	return nil
}

// ---- login throttle ----

func (db *DB) LoginThrottle(ctx context.Context, key string) (*identity.LoginThrottle, error) {
	t := identity.LoginThrottle{Key: key}
	var retry, last Timestamp
	err := db.Read.QueryRowContext(ctx, db.Q(`SELECT failures, retry_at, last_at FROM login_throttle WHERE key = ?`), key).
		Scan(&t.Failures, &retry, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFoundf("no failed logins")
	}
	if err != nil {
		return nil, fmt.Errorf("read login throttle: %w", err)
	}
	t.RetryAt, t.LastAt = retry.Time, last.Time
	return &t, nil
}

// SaveLoginThrottle is a compare-and-set on the count, so that of two attempts from one
// source at one moment only one is heard.
func (db *DB) SaveLoginThrottle(ctx context.Context, t identity.LoginThrottle, stored int) (bool, error) {
	query := `UPDATE login_throttle SET failures = ?, retry_at = ?, last_at = ? WHERE key = ? AND failures = ?`
	args := []any{t.Failures, db.Dialect.Time(t.RetryAt), db.Dialect.Time(t.LastAt), t.Key, stored}
	if stored == 0 {
		query = `INSERT INTO login_throttle (failures, retry_at, last_at, key) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`
		args = args[:4]
	}
	res, err := db.Writer(ctx).ExecContext(ctx, db.Q(query), args...)
	if err != nil {
		return false, fmt.Errorf("save login throttle: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("save login throttle: %w", err)
	}
	return n == 1, nil
}

func (db *DB) DeleteLoginThrottle(ctx context.Context, key string) error {
	if _, err := db.Writer(ctx).ExecContext(ctx, db.Q(`DELETE FROM login_throttle WHERE key = ?`), key); err != nil {
		return fmt.Errorf("delete login throttle: %w", err)
	}
	return nil
}

func (db *DB) PruneLoginThrottle(ctx context.Context, before time.Time) error {
	if _, err := db.Writer(ctx).ExecContext(ctx, db.Q(`DELETE FROM login_throttle WHERE last_at < ?`), db.Dialect.Time(before)); err != nil {
		return fmt.Errorf("prune login throttle: %w", err)
	}
	return nil
}
