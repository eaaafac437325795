package identity_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/identity"
)

// resetLink asks for a reset link and returns its secret.
func (e *env) resetLink(t *testing.T, email string) string {
	t.Helper()
	if err := e.svc.RequestPasswordReset(context.Background(), email); err != nil {
		t.Fatal(err)
	}
	m := e.out.mail[len(e.out.mail)-1]
	return strings.Fields(m[strings.Index(m, "token=")+len("token="):])[0]
}

func (e *env) actions(t *testing.T, org string) []string {
	t.Helper()
	entries, err := e.db.AuditEntries(context.Background(), audit.Filter{OrgID: org})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, en := range entries {
		out = append(out, en.Action+" "+string(en.After))
	}
	return out
}

func TestANewResetLinkRevokesTheOlderOnes(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.addUser(t, "cz", "inkoper@cz.example", identity.RoleBuyer)
	first := e.resetLink(t, "inkoper@cz.example")
	second := e.resetLink(t, "inkoper@cz.example")
	if err := e.svc.CheckResetLink(ctx, first); code(err) != apperr.Invalid {
		t.Errorf("the older link after a new one: %v, want Invalid", err)
	}
	if err := e.svc.ResetPassword(ctx, first, "een veel langer wachtwoord", false); code(err) != apperr.Invalid {
		t.Errorf("reset with the older link: %v, want Invalid", err)
	}
	if err := e.svc.ResetPassword(ctx, second, "een veel langer wachtwoord", false); err != nil {
		t.Fatalf("reset with the newest link: %v", err)
	}
	if !strings.Contains(strings.Join(e.actions(t, "cz"), "\n"), `password.reset_requested {"older_links_revoked":1}`) {
		t.Errorf("the revoked link is not in the audit trail:\n%s", strings.Join(e.actions(t, "cz"), "\n"))
	}
}

func TestAResetRevokesEveryOtherUnusedLink(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u := e.addUser(t, "cz", "inkoper@cz.example", identity.RoleBuyer)
	secret := e.resetLink(t, "inkoper@cz.example")
	// A link stored beside it (as by another instance at the same moment).
	other := identity.Token{TokenHash: identity.HashSecret("r_other"), Kind: identity.TokenReset, UserID: u.ID,
		CreatedAt: e.clock.now(), ExpiresAt: e.clock.now().Add(identity.ResetTTL)}
	if err := e.db.CreateToken(ctx, other); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.ResetPassword(ctx, secret, "een veel langer wachtwoord", false); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.ResetPassword(ctx, "r_other", "weer een ander wachtwoord", false); code(err) != apperr.Invalid {
		t.Errorf("a second unused link after a reset: %v, want Invalid", err)
	}
}

func TestAResetEndsEverySessionAndRevokesTokensWhenAsked(t *testing.T) {
	for _, revoke := range []bool{true, false} {
		t.Run(fmt.Sprintf("revoke=%v", revoke), func(t *testing.T) {
			e := newEnv(t)
			ctx := context.Background()
			u := e.addUser(t, "cz", "inkoper@cz.example", identity.RoleBuyer)
			_, session, _, err := e.svc.Login(ctx, "inkoper@cz.example", password)
			if err != nil {
				t.Fatal(err)
			}
			token, err := e.svc.CreateAPIToken(ctx, e.principal(t, u), "koppeling")
			if err != nil {
				t.Fatal(err)
			}
			if err := e.svc.ResetPassword(ctx, e.resetLink(t, "inkoper@cz.example"), "een veel langer wachtwoord", revoke); err != nil {
				t.Fatal(err)
			}
			if _, _, err := e.svc.Authenticate(ctx, session); code(err) != apperr.Unauthenticated {
				t.Errorf("session after a reset: %v, want Unauthenticated", err)
			}
			_, err = e.svc.AuthenticateToken(ctx, token)
			if revoke && code(err) != apperr.Unauthenticated || !revoke && err != nil {
				t.Errorf("API token after a reset (revoke %v): %v", revoke, err)
			}
			want := fmt.Sprintf(`password.reset {"api_tokens_revoked":%d,"sessions_ended":"all"}`, map[bool]int{true: 1}[revoke])
			if !strings.Contains(strings.Join(e.actions(t, "cz"), "\n"), want) {
				t.Errorf("audit trail lacks %s:\n%s", want, strings.Join(e.actions(t, "cz"), "\n"))
			}
		})
	}
}

func TestChangingThePasswordEndsTheOtherSessions(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u := e.addUser(t, "cz", "inkoper@cz.example", identity.RoleBuyer)
	_, here, sess, err := e.svc.Login(ctx, "inkoper@cz.example", password)
	if err != nil {
		t.Fatal(err)
	}
	e.clock.add(time.Second)
	_, elsewhere, _, err := e.svc.Login(ctx, "inkoper@cz.example", password)
	if err != nil {
		t.Fatal(err)
	}
	token, _ := e.svc.CreateAPIToken(ctx, e.principal(t, u), "koppeling")
	err = e.svc.ChangePassword(ctx, e.principal(t, u), identity.PasswordChange{Current: password, New: "een veel langer wachtwoord",
		KeepSession: sess.TokenHash, RevokeTokens: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.svc.Authenticate(ctx, here); err != nil {
		t.Errorf("the session the change was made in: %v", err)
	}
	if _, _, err := e.svc.Authenticate(ctx, elsewhere); code(err) != apperr.Unauthenticated {
		t.Errorf("another session after the change: %v, want Unauthenticated", err)
	}
	if _, err := e.svc.AuthenticateToken(ctx, token); code(err) != apperr.Unauthenticated {
		t.Errorf("API token after a change with revocation: %v, want Unauthenticated", err)
	}
}

func TestAPITokensAreListedAndRevokedByTheirOwnerOnly(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	anna := e.principal(t, e.addUser(t, "cz", "anna@cz.example", identity.RoleBuyer))
	bert := e.principal(t, e.addUser(t, "cz", "bert@cz.example", identity.RoleAdmin))
	secret, err := e.svc.CreateAPIToken(ctx, anna, "declaratiesysteem")
	if err != nil {
		t.Fatal(err)
	}
	e.clock.add(time.Hour)
	if _, err := e.svc.AuthenticateToken(ctx, secret); err != nil {
		t.Fatal(err)
	}
	ts, err := e.svc.APITokens(ctx, anna)
	if err != nil || len(ts) != 1 || ts[0].Name != "declaratiesysteem" || !ts[0].LastUsedAt.Equal(e.clock.now()) {
		t.Fatalf("APITokens = %+v, %v; want the one token, last used now", ts, err)
	}
	if other, _ := e.svc.APITokens(ctx, bert); len(other) != 0 {
		t.Errorf("another user's list shows %d tokens", len(other))
	}
	id := ts[0].ID()
	if err := e.svc.RevokeAPIToken(ctx, bert, id); code(err) != apperr.NotFound {
		t.Errorf("another user (even a beheerder) revoking the token: %v, want NotFound", err)
	}
	if _, err := e.svc.AuthenticateToken(ctx, secret); err != nil {
		t.Errorf("token after a refused revocation: %v", err)
	}
	if err := e.svc.RevokeAPIToken(ctx, anna, id); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.AuthenticateToken(ctx, secret); code(err) != apperr.Unauthenticated {
		t.Errorf("revoked token: %v, want Unauthenticated", err)
	}
	if err := e.svc.RevokeAPIToken(ctx, anna, id); code(err) != apperr.NotFound {
		t.Errorf("revoking twice: %v, want NotFound", err)
	}
	if !strings.Contains(strings.Join(e.actions(t, "cz"), "\n"), "token.revoke") {
		t.Error("the revocation is not in the audit trail")
	}
}

func TestTheTwentyFirstTokenIsRefused(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	p := e.principal(t, e.addUser(t, "cz", "systeem@cz.example", identity.RoleContractManager))
	for i := range identity.MaxAPITokens {
		if _, err := e.svc.CreateAPIToken(ctx, p, fmt.Sprintf("koppeling %d", i)); err != nil {
			t.Fatalf("token %d: %v", i+1, err)
		}
	}
	_, err := e.svc.CreateAPIToken(ctx, p, "een te veel")
	if code(err) != apperr.Conflict || !strings.Contains(dutch(err), "al 20 API-tokens") {
		t.Fatalf("token 21: %v (%q), want Conflict saying the limit", err, dutch(err))
	}
	// Expired tokens do not count.
	e.clock.add(identity.APITokenTTL)
	if _, err := e.svc.CreateAPIToken(ctx, p, "nieuw"); err != nil {
		t.Errorf("a token when the others expired: %v", err)
	}
}

func TestIdentityTextInputsAreChecked(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u := e.addUser(t, "cz", "anna@cz.example", identity.RoleBuyer)
	p := e.principal(t, u)
	long := strings.Repeat("x", 201)
	tests := []struct {
		name  string
		do    func() error
		field string
	}{
		{"a NUL in a user's name", func() error {
			_, err := e.svc.AddUser(ctx, e.admin, identity.NewUser{OrgID: "cz", Email: "b@cz.example", Name: "B\x00", Roles: []identity.Role{identity.RoleBuyer}})
			return err
		}, "name"},
		{"an over-long e-mail address", func() error {
			_, err := e.svc.AddUser(ctx, e.admin, identity.NewUser{OrgID: "cz", Email: strings.Repeat("b", 250) + "@cz.example", Name: "B", Roles: []identity.Role{identity.RoleBuyer}})
			return err
		}, "email"},
		{"an over-long organisation name", func() error {
			return e.svc.SaveOrganisation(ctx, e.admin, identity.Organisation{ID: "nieuw", Kind: identity.Operator, Name: long}, nil)
		}, "name"},
		{"an over-long token name", func() error { _, err := e.svc.CreateAPIToken(ctx, p, long); return err }, "name"},
		{"invalid UTF-8 in a reason", func() error {
			_, err := e.svc.SetRoles(ctx, e.admin, u.ID, []identity.Role{identity.RoleAdmin}, "promotie \xff")
			return err
		}, "reason"},
		{"a control character in a reason", func() error { _, err := e.svc.SetDisabled(ctx, e.admin, u.ID, true, "weg\x1b"); return err }, "reason"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			es := apperr.Errors(tc.do())
			if len(es) == 0 || es[0].Code != apperr.Invalid || es[0].Field != tc.field || !strings.Contains(es[0].Dutch, tc.field) {
				t.Errorf("got %v, want Invalid naming %s", es, tc.field)
			}
		})
	}
}

func TestAnIssuedTokensExpiryIsTheOneStoredAndListed(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	anna := e.principal(t, e.addUser(t, "cz", "anna@cz.example", identity.RoleBuyer))
	e.clock.add(1500 * time.Millisecond) // a clock between two seconds
	nt, err := e.svc.IssueAPIToken(ctx, anna, "  declaratiesysteem ")
	if err != nil {
		t.Fatal(err)
	}
	want := e.clock.now().Add(identity.APITokenTTL).Truncate(time.Second)
	bySecret := identity.Token{TokenHash: identity.HashSecret(nt.Secret)}
	if !nt.ExpiresAt.Equal(want) || nt.Name != "declaratiesysteem" || nt.ID() != bySecret.ID() {
		t.Errorf("issued %+v; want expiry %v to the second, the trimmed name and the ID of its secret", nt.Token, want)
	}
	ts, err := e.svc.APITokens(ctx, anna)
	if err != nil || len(ts) != 1 || !ts[0].ExpiresAt.Equal(nt.ExpiresAt) || ts[0].ID() != nt.ID() {
		t.Errorf("listed %+v, %v; want the issued token with expiry %v", ts, err, nt.ExpiresAt)
	}
}
