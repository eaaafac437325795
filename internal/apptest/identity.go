package apptest

import (
	"context"
	"sync"
	"testing"
	"time"

	"zorginkoop/internal/app"
	"zorginkoop/internal/identity"
)

// Password is the password of every user the helpers add.
const Password = "correct horse battery"

// The organisations and users Seed adds.
const (
	OrgCZ    = "cz"       // insurer CZ groep (registry insurer cz-groep), which owns Policy
	OrgZZ    = "zz"       // insurer Zorg en Zekerheid (zorg-en-zekerheid)
	OrgLinde = "de-linde" // the provider organisation of the provider record hap-de-linde

	OperatorEmail = "beheer@platform.example"
	CZBuyerEmail  = "inkoper@cz.example"     // inkoper at CZ groep
	ZZBuyerEmail  = "inkoper@zz.example"     // inkoper at Zorg en Zekerheid
	LindeEmail    = "beheer@delinde.example" // beheerder of Huisartsenpraktijk De Linde
)

// Clock is a settable "now" for the services of a test, starting at Now.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock at Now.
func NewClock() *Clock { return &Clock{t: Now} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Identity is an identity service over the test database, with its audit trail, and the
// platform operator it was bootstrapped with.
type Identity struct {
	Service *identity.Service
	// Services are the Env's services with Service as their Identity: what the pages and
	// the API serve in tests.
	Services *app.Services
	Clock    *Clock
	Operator identity.Principal
}

// NewIdentity returns the identity service over e's database: clock for "now", mail for
// password-reset links to baseURL. It bootstraps the operator (OperatorEmail, Password).
func (e *Env) NewIdentity(t testing.TB, clock *Clock, mail identity.Mailer, baseURL string) *Identity {
	t.Helper()
	svc := app.New(e.DB, e.Library, app.Config{Now: clock.Now, Mail: mail, BaseURL: baseURL}).Identity
	u, err := svc.Bootstrap(context.Background(), OperatorEmail, "Platformbeheer", Password)
	if err != nil {
		t.Fatalf("bootstrap the operator: %v", err)
	}
	services := *e.Services
	services.Identity = svc
	id := &Identity{Service: svc, Services: &services, Clock: clock}
	id.Operator = id.Principal(t, u)
	return id
}

// Seed adds the organisations and users named by the constants above.
func (id *Identity) Seed(t testing.TB) {
	t.Helper()
	id.AddOrganisation(t, identity.Organisation{ID: OrgCZ, Kind: identity.Insurer, Name: "CZ groep", Insurers: []string{"cz-groep"}})
	id.AddOrganisation(t, identity.Organisation{ID: OrgZZ, Kind: identity.Insurer, Name: "Zorg en Zekerheid", Insurers: []string{"zorg-en-zekerheid"}})
	id.AddOrganisation(t, identity.Organisation{ID: OrgLinde, Kind: identity.Provider, Name: "Huisartsenpraktijk De Linde", Providers: []string{"hap-de-linde"}})
	id.AddUser(t, OrgCZ, CZBuyerEmail, "Ingrid Inkoper", identity.RoleBuyer)
	id.AddUser(t, OrgZZ, ZZBuyerEmail, "Zeger Zorgvuldig", identity.RoleBuyer)
	id.AddUser(t, OrgLinde, LindeEmail, "Lotte van der Linde", identity.RoleAdmin, identity.RoleSignatory)
}

// AddOrganisation registers an organisation as the operator.
func (id *Identity) AddOrganisation(t testing.TB, o identity.Organisation) {
	t.Helper()
	if err := id.Service.SaveOrganisation(context.Background(), id.Operator, o, nil); err != nil {
		t.Fatalf("add organisation %s: %v", o.ID, err)
	}
}

// AddUser adds a user with Password to an organisation, as the operator.
func (id *Identity) AddUser(t testing.TB, orgID, email, name string, roles ...identity.Role) *identity.User {
	t.Helper()
	u, err := id.Service.AddUser(context.Background(), id.Operator, identity.NewUser{OrgID: orgID, Email: email, Name: name, Roles: roles, Password: Password})
	if err != nil {
		t.Fatalf("add user %s: %v", email, err)
	}
	return u
}

// Principal returns the principal of a user.
func (id *Identity) Principal(t testing.TB, u *identity.User) identity.Principal {
	t.Helper()
	p, err := id.Service.Principal(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// User returns the stored user with the e-mail address.
func (id *Identity) User(t testing.TB, email string) *identity.User {
	t.Helper()
	u, err := id.Service.Store.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatalf("user %s: %v", email, err)
	}
	return u
}
