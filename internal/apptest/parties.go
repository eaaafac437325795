package apptest

import (
	"context"
	"log/slog"
	"slices"
	"testing"

	"zorginkoop/internal/identity"
	"zorginkoop/internal/store"
	"zorginkoop/internal/store/pgtest"
)

// OpenStore opens a fresh, empty, migrated database on the engine ("sqlite" or
// "postgres"), without the policies and providers of Open: for tests of areas that need
// only who is who (documents, notices). On PostgreSQL the test package needs
// `func TestMain(m *testing.M) { pgtest.Main(m) }`.
func OpenStore(t testing.TB, engine string) store.DB {
	t.Helper()
	dataDir, dsn := "", ""
	switch engine {
	case "sqlite":
		dataDir = t.TempDir()
	case "postgres":
		dsn = pgtest.DSN(t)
	default:
		t.Fatalf("unknown engine %q", engine)
	}
	db, err := store.Open(context.Background(), dataDir, dsn, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("open %s store: %v", engine, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Parties are the tenants of NewTenants (insurers A and B, A's purchasing party, providers
// X and Y), written straight into a store with a user in each role, by key as in
// NewTenants ("a-inkoper", "x-invuller", ...), and the operator ("operator").
type Parties struct {
	DB         store.DB
	principals map[string]identity.Principal
}

// partySpecs are actorSpecs and the further roles the documents and notices tell apart.
var partySpecs = append(append([]actorSpec(nil), actorSpecs...),
	actorSpec{"y-invuller", OrgY, []identity.Role{identity.RoleFiller}},
)

// DisabledX is the key of a disabled user of X, in every role: it gets no e-mail.
const DisabledX = "x-uitgeschakeld"

// NewParties writes the organisations and users of the tenants into db.
func NewParties(t testing.TB, db store.DB) *Parties {
	t.Helper()
	ctx := context.Background()
	orgs := map[string]identity.Organisation{
		OrgA:          {ID: OrgA, Kind: identity.Insurer, Name: "CZ groep", Insurers: []string{InsurerA}},
		OrgB:          {ID: OrgB, Kind: identity.Insurer, Name: "Zorg en Zekerheid", Insurers: []string{InsurerB}},
		OrgPurchaserA: {ID: OrgPurchaserA, Kind: identity.Purchaser, Name: "CZ groep Inkoop", Insurers: []string{InsurerA}},
		OrgX:          {ID: OrgX, Kind: identity.Provider, Name: "Huisartsenpraktijk De Linde", Providers: []string{ProviderX}},
		OrgY:          {ID: OrgY, Kind: identity.Provider, Name: "Huisartsenpraktijk Ypsilon", Providers: []string{ProviderY}},
	}
	for _, id := range []string{OrgA, OrgB, OrgPurchaserA, OrgX, OrgY} {
		if err := db.SaveOrganisation(ctx, orgs[id]); err != nil {
			t.Fatalf("organisation %s: %v", id, err)
		}
	}
	ps := &Parties{DB: db, principals: map[string]identity.Principal{"operator": identity.System()}}
	specs := append(slices.Clone(partySpecs), actorSpec{DisabledX, OrgX, identity.RolesFor(identity.Provider)})
	for _, spec := range specs {
		u := identity.User{ID: "u-" + spec.key, OrgID: spec.org, Email: spec.key + "@" + spec.org + ".example",
			Name: "Gebruiker " + spec.key, Roles: spec.roles, Disabled: spec.key == DisabledX, CreatedAt: Now}
		if err := db.CreateUser(ctx, u); err != nil {
			t.Fatalf("user %s: %v", spec.key, err)
		}
		o := orgs[spec.org]
		ps.principals[spec.key] = identity.Principal{User: &u, Org: &o}
	}
	return ps
}

// P returns the principal of the user with key.
func (ps *Parties) P(key string) identity.Principal {
	p, ok := ps.principals[key]
	if !ok {
		panic("apptest: no party user " + key)
	}
	return p
}

// Email is the e-mail address of the user with key.
func (ps *Parties) Email(key string) string { return ps.P(key).User.Email }
