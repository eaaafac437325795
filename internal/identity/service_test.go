package identity_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/store"
)

// clock is a settable "now".
type clock struct{ t time.Time }

func (c *clock) now() time.Time      { return c.t }
func (c *clock) add(d time.Duration) { c.t = c.t.Add(d) }

// outbox is a Mailer that keeps what it sends (the SMTP exchange itself is tested in
// internal/mail and the web tests).
type outbox struct {
	mu   sync.Mutex
	mail []string
}

func (o *outbox) Send(_ context.Context, to, subject, body string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.mail = append(o.mail, to+"\n"+subject+"\n"+body)
	return nil
}

type env struct {
	svc   *identity.Service
	db    store.DB
	clock *clock
	out   *outbox
	admin identity.Principal // the operator
}

const password = "correct horse battery"

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, t.TempDir(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c := &clock{t: time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)}
	e := &env{db: db, clock: c, out: &outbox{}}
	e.svc = identity.NewService(db, audit.NewLog(db, c.now), db, c.now, identity.Options{Mail: e.out, BaseURL: "https://zorginkoop.example/"})
	u, err := e.svc.Bootstrap(ctx, "beheer@platform.example", "Platformbeheer", password)
	if err != nil {
		t.Fatal(err)
	}
	if e.admin, err = e.svc.Principal(ctx, u); err != nil {
		t.Fatal(err)
	}
	for _, o := range []identity.Organisation{
		{ID: "cz", Kind: identity.Insurer, Name: "CZ groep", Insurers: []string{"cz-groep"}},
		{ID: "zz", Kind: identity.Insurer, Name: "Zorg en Zekerheid", Insurers: []string{"zorg-en-zekerheid"}},
		{ID: "kliniek", Kind: identity.Provider, Name: "Kliniek Noord", Providers: []string{"kvk-1"}},
	} {
		if err := e.svc.SaveOrganisation(ctx, e.admin, o, nil); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func (e *env) addUser(t *testing.T, org, email string, roles ...identity.Role) *identity.User {
	t.Helper()
	u, err := e.svc.AddUser(context.Background(), e.admin, identity.NewUser{OrgID: org, Email: email, Name: "Test " + email, Roles: roles, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func code(err error) apperr.Code { return apperr.CodeOf(err) }

func dutch(err error) string {
	if es := apperr.Errors(err); len(es) > 0 {
		return es[0].Dutch
	}
	return ""
}

func TestLoginStartsASessionThatLogoutEnds(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.addUser(t, "cz", "inkoper@cz.example", identity.RoleBuyer)
	p, secret, _, err := e.svc.Login(ctx, " Inkoper@CZ.example ", password)
	if err != nil {
		t.Fatal(err)
	}
	if !p.ActsForInsurer("cz-groep") || p.ActsForInsurer("zorg-en-zekerheid") {
		t.Errorf("principal %+v should act for cz-groep only", p.Org)
	}
	got, _, err := e.svc.Authenticate(ctx, secret)
	if err != nil || got.UserID() != p.UserID() {
		t.Fatalf("Authenticate = %v, %v", got, err)
	}
	if err := e.svc.Logout(ctx, secret); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.svc.Authenticate(ctx, secret); code(err) != apperr.Unauthenticated {
		t.Errorf("after logout: %v, want Unauthenticated", err)
	}
}

func TestSessionExpires(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.addUser(t, "cz", "inkoper@cz.example", identity.RoleBuyer)
	_, secret, _, err := e.svc.Login(ctx, "inkoper@cz.example", password)
	if err != nil {
		t.Fatal(err)
	}
	e.clock.add(identity.SessionTTL)
	_, _, err = e.svc.Authenticate(ctx, secret)
	if code(err) != apperr.Unauthenticated || !strings.Contains(dutch(err), "sessie is verlopen") {
		t.Errorf("expired session: %v (%q)", err, dutch(err))
	}
}

func TestUnknownAddressAndWrongPasswordGetTheSameAnswer(t *testing.T) {
	e := newEnv(t)
	e.addUser(t, "cz", "inkoper@cz.example", identity.RoleBuyer)
	_, _, _, err1 := e.svc.Login(context.Background(), "niemand@cz.example", password)
	_, _, _, err2 := e.svc.Login(context.Background(), "inkoper@cz.example", "wrong password")
	if err1.Error() != err2.Error() || code(err1) != apperr.Unauthenticated {
		t.Errorf("unknown address %v, wrong password %v: want the same Unauthenticated error", err1, err2)
	}
}

func TestPasswordResetLinkWorksOnce(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.addUser(t, "cz", "inkoper@cz.example", identity.RoleBuyer)
	if err := e.svc.RequestPasswordReset(ctx, "inkoper@cz.example"); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.RequestPasswordReset(ctx, "niemand@cz.example"); err != nil {
		t.Errorf("an unknown address must get the same answer: %v", err)
	}
	if len(e.out.mail) != 1 {
		t.Fatalf("%d mails sent, want 1", len(e.out.mail))
	}
	m := e.out.mail[0]
	i := strings.Index(m, "https://zorginkoop.example/wachtwoord/herstellen?token=")
	if !strings.HasPrefix(m, "inkoper@cz.example\n") || i < 0 || !strings.Contains(m, "3 maart 2025 om 11:00") {
		t.Fatalf("mail:\n%s", m)
	}
	secret := strings.Fields(m[i+len("https://zorginkoop.example/wachtwoord/herstellen?token="):])[0]
	if err := e.svc.ResetPassword(ctx, secret, "kort", true); code(err) != apperr.Invalid || !strings.Contains(dutch(err), "minstens 12") {
		t.Errorf("short password: %v", err)
	}
	const newPassword = "een veel langer wachtwoord"
	if err := e.svc.ResetPassword(ctx, secret, newPassword, true); err != nil {
		t.Fatalf("reset: %v", err)
	}
	if _, _, _, err := e.svc.Login(ctx, "inkoper@cz.example", newPassword); err != nil {
		t.Errorf("login with the new password: %v", err)
	}
	if err := e.svc.ResetPassword(ctx, secret, "nog een ander wachtwoord", true); code(err) != apperr.Invalid || !strings.Contains(dutch(err), "al gebruikt") {
		t.Errorf("second use of the link: %v", err)
	}
}

func TestResetLinkExpires(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.addUser(t, "cz", "inkoper@cz.example", identity.RoleBuyer)
	if err := e.svc.RequestPasswordReset(ctx, "inkoper@cz.example"); err != nil {
		t.Fatal(err)
	}
	m := e.out.mail[0]
	secret := strings.Fields(m[strings.Index(m, "token=")+len("token="):])[0]
	e.clock.add(identity.ResetTTL)
	if err := e.svc.ResetPassword(ctx, secret, "een veel langer wachtwoord", true); code(err) != apperr.Invalid {
		t.Errorf("expired link: %v, want Invalid", err)
	}
	if _, _, _, err := e.svc.Login(ctx, "inkoper@cz.example", password); err != nil {
		t.Errorf("the old password must still work: %v", err)
	}
}

func TestAPITokens(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u := e.addUser(t, "cz", "systeem@cz.example", identity.RoleContractManager)
	p, err := e.svc.Principal(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	secret, err := e.svc.CreateAPIToken(ctx, p, "declaratiesysteem")
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.svc.AuthenticateToken(ctx, secret)
	if err != nil || got.UserID() != u.ID {
		t.Fatalf("AuthenticateToken = %v, %v", got.UserID(), err)
	}
	for name, bad := range map[string]string{"malformed": "abc", "unknown": "zk_" + strings.Repeat("A", 43), "a session secret": "s_" + secret[3:]} {
		if _, err := e.svc.AuthenticateToken(ctx, bad); code(err) != apperr.Unauthenticated {
			t.Errorf("%s token: %v, want Unauthenticated", name, err)
		}
	}
	if _, err := e.svc.SetDisabled(ctx, e.admin, u.ID, true, "vertrokken"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.AuthenticateToken(ctx, secret); code(err) != apperr.Unauthenticated {
		t.Errorf("token of a disabled user: %v, want Unauthenticated", err)
	}
	if _, err := e.svc.CreateAPIToken(ctx, identity.Anonymous, "x"); code(err) != apperr.Unauthenticated {
		t.Errorf("anonymous token: %v", err)
	}
}

func TestOnlyTheOrganisationsBeheerderManagesItsUsers(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	czAdmin, _ := e.svc.Principal(ctx, e.addUser(t, "cz", "beheer@cz.example", identity.RoleAdmin))
	zzBuyer := e.addUser(t, "zz", "inkoper@zz.example", identity.RoleBuyer)

	_, err := e.svc.AddUser(ctx, czAdmin, identity.NewUser{OrgID: "zz", Email: "indringer@zz.example", Name: "X", Roles: []identity.Role{identity.RoleAdmin}})
	if code(err) != apperr.Forbidden {
		t.Errorf("CZ's beheerder adding a user to Z&Z: %v, want Forbidden", err)
	}
	if _, err := e.db.UserByEmail(ctx, "indringer@zz.example"); code(err) != apperr.NotFound {
		t.Error("the refused user was written")
	}
	// Another organisation's user is hidden, not forbidden.
	if _, err := e.svc.SetRoles(ctx, czAdmin, zzBuyer.ID, []identity.Role{identity.RoleAdmin}, "promotie"); code(err) != apperr.NotFound {
		t.Errorf("CZ's beheerder changing Z&Z's user: %v, want NotFound", err)
	}
	if u, _ := e.db.User(ctx, zzBuyer.ID); len(u.Roles) != 1 || u.Roles[0] != identity.RoleBuyer {
		t.Errorf("roles changed anyway: %v", u.Roles)
	}
	if _, err := e.svc.Users(ctx, czAdmin, "zz"); code(err) != apperr.NotFound {
		t.Errorf("CZ listing Z&Z's users: %v, want NotFound", err)
	}
	if us, err := e.svc.Users(ctx, czAdmin, "cz"); err != nil || len(us) != 1 {
		t.Errorf("CZ listing its own users: %d, %v", len(us), err)
	}
	entries, _ := e.db.AuditEntries(ctx, audit.Filter{OrgID: "zz"})
	deniedAdd := false
	for _, en := range entries {
		deniedAdd = deniedAdd || en.Action == "user.add" && en.Denied && en.OrgID == "cz"
	}
	if !deniedAdd {
		t.Error("the denied attempt is not in the audit trail")
	}
}

func TestNewUserInputIsCheckedField(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	tests := []struct {
		name  string
		nu    identity.NewUser
		field string
	}{
		{"a malformed e-mail address", identity.NewUser{OrgID: "cz", Email: "geen-adres", Name: "A", Roles: []identity.Role{identity.RoleBuyer}}, "email"},
		{"no name", identity.NewUser{OrgID: "cz", Email: "a@cz.example", Roles: []identity.Role{identity.RoleBuyer}}, "name"},
		{"no role", identity.NewUser{OrgID: "cz", Email: "a@cz.example", Name: "A"}, "roles"},
		{"a provider role at an insurer", identity.NewUser{OrgID: "cz", Email: "a@cz.example", Name: "A", Roles: []identity.Role{identity.RoleSignatory}}, "roles"},
		{"an insurer role at a provider", identity.NewUser{OrgID: "kliniek", Email: "a@kliniek.example", Name: "A", Roles: []identity.Role{identity.RoleBuyer}}, "roles"},
		{"a short password", identity.NewUser{OrgID: "cz", Email: "a@cz.example", Name: "A", Roles: []identity.Role{identity.RoleBuyer}, Password: "kort"}, "password"},
		{"an unknown organisation", identity.NewUser{OrgID: "nergens", Email: "a@cz.example", Name: "A", Roles: []identity.Role{identity.RoleAdmin}}, "org"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.AddUser(ctx, e.admin, tc.nu)
			es := apperr.Errors(err)
			if len(es) == 0 || es[0].Code != apperr.Invalid || es[0].Field != tc.field {
				t.Fatalf("AddUser = %v, want Invalid on %s", err, tc.field)
			}
			if n, _ := e.db.CountUsers(ctx); n != 1 {
				t.Errorf("%d users after a refused add, want only the operator", n)
			}
		})
	}
}

func TestBootstrapOnlyOnAnEmptyPlatform(t *testing.T) {
	e := newEnv(t)
	_, err := e.svc.Bootstrap(context.Background(), "tweede@platform.example", "Tweede", password)
	if code(err) != apperr.Conflict {
		t.Errorf("second bootstrap: %v, want Conflict", err)
	}
}

func TestDisablingEndsSessions(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u := e.addUser(t, "cz", "inkoper@cz.example", identity.RoleBuyer)
	_, secret, _, err := e.svc.Login(ctx, "inkoper@cz.example", password)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.SetDisabled(ctx, e.admin, u.ID, true, "uit dienst"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.svc.Authenticate(ctx, secret); code(err) != apperr.Unauthenticated {
		t.Errorf("session of a disabled user: %v", err)
	}
	_, _, _, err = e.svc.Login(ctx, "inkoper@cz.example", password)
	if code(err) != apperr.Forbidden || !strings.Contains(dutch(err), "uitgeschakeld") {
		t.Errorf("login of a disabled user: %v", err)
	}
}

func TestPasswordResetNeedsAnAbsoluteBaseURL(t *testing.T) {
	e := newEnv(t)
	e.addUser(t, "cz", "inkoper@cz.example", identity.RoleBuyer)
	e.svc.BaseURL = ""
	for _, email := range []string{"inkoper@cz.example", "niemand@cz.example"} {
		if err := e.svc.RequestPasswordReset(context.Background(), email); !errors.Is(err, identity.ErrResetMailOff) {
			t.Fatalf("%s: err = %v, want ErrResetMailOff for every address", email, err)
		}
	}
	if len(e.out.mail) != 0 {
		t.Fatalf("a mail with a relative link was sent:\n%s", e.out.mail[0])
	}
}
