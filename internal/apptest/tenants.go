package apptest

import (
	"context"
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"zorginkoop/internal/identity"
	"zorginkoop/internal/provider"
	"zorginkoop/policies"
)

// The tenants of the authorisation tests. Insurer A is CZ groep, which owns Policy;
// insurer B is Zorg en Zekerheid; a purchasing party buys for A. Provider organisation X
// manages the provider record hap-de-linde, Y the record hap-ypsilon (imported by
// NewTenants, with revenue facts kept per insurer for A and for B).
const (
	InsurerA = "cz-groep"
	InsurerB = "zorg-en-zekerheid"

	OrgA          = OrgCZ
	OrgB          = OrgZZ
	OrgPurchaserA = "cz-groep-inkoop"
	OrgX          = OrgLinde
	OrgY          = "ypsilon"

	ProviderX = "hap-de-linde"
	ProviderY = "hap-ypsilon"

	PolicyA = Policy        // published, of A
	PolicyB = "zz-msz-2024" // published, of B

	// The drafts NewTenants saves, A's and B's: their titles must never reach the other
	// tenant or anonymous callers.
	DraftA      = "cz-concept-2027"
	DraftB      = "zz-concept-2027"
	DraftATitle = "Vertrouwelijk concept CZ huisartsenzorg 2027"
	DraftBTitle = "Vertrouwelijk concept Zorg en Zekerheid MSZ 2027"
)

// Markers are texts in responses that show one tenant's data: a test asserts that the
// response to another tenant contains none of them.
var (
	// Y's revenue with A's insured and with B's insured (omzet_verzekeraar per insurer),
	// in the forms they may be written: cents, euros, Dutch notation.
	MarkersYRevenueA = []string{"3141592653", "31415926", "31.415.926"}
	MarkersYRevenueB = []string{"2718281828", "27182818", "27.182.818"}
	// Y's contract with A and its contract with B (the agreements they were concluded
	// under): only Y, that insurer's side and the operator see each.
	MarkersYContractA = []string{"cz-ypsilon-overeenkomst-2020"}
	MarkersYContractB = []string{"zz-ypsilon-overeenkomst-2019"}
	// Y's name and KvK number: no other provider may see Y's record.
	MarkersY = []string{"Ypsilon", "87654321"}
	// X's name: no other provider may see X's record or assessment.
	MarkersX = []string{"De Linde"}
	// The drafts, by id and title.
	MarkersDraftA = []string{DraftA, DraftATitle}
	MarkersDraftB = []string{DraftB, DraftBTitle}
)

// ProviderYFile is provider Y in file notation, as imported by NewTenants.
func ProviderYFile() provider.Provider {
	revenue := func(insurer, euros string) provider.Fact {
		f := fact("omzet_verzekeraar", euros)
		f.Insurer, f.Source = insurer, provider.SourceInsurer // the insurer's data, not the provider's
		return f
	}
	return provider.Provider{ID: ProviderY, Name: "Huisartsenpraktijk Ypsilon", KvK: "87654321",
		AGBCodes:  []provider.AGBCode{{Code: "01098765", Kind: provider.AGBPractice}},
		CareTypes: []string{"huisarts"},
		Locations: []provider.Location{{Name: "Praktijk", Street: "Ypsilonweg 7", Postcode: "5612 CD", City: "Eindhoven"}},
		Facts: []provider.Fact{fact("big_registratie_huisarts", "ja"), fact("in_faillissement", "nee"),
			revenue(InsurerA, "31415926,53"), revenue(InsurerB, "27182818,28")},
		Contracts: []provider.Contract{ // written by the operator, kept when Y sends its record
			{Insurer: InsurerA, Policy: MarkersYContractA[0], FirstYear: 2020, LastYear: 2022},
			{Insurer: InsurerB, Policy: MarkersYContractB[0], FirstYear: 2019, LastYear: 2023},
		},
	}
}

// Actor is one caller of the authorisation tests: a user in one role with a real API
// token, or the anonymous caller (Key "anoniem", no user).
type Actor struct {
	Key       string // e.g. "a-inkoper": tenant and role
	Principal identity.Principal
	Token     string // API token for Authorization: Bearer; "" when anonymous
}

// Tenants are the organisations, users and objects of the authorisation tests.
type Tenants struct {
	Env      *Env
	Identity *Identity
	Actors   []*Actor // every role, anonymous first
}

// actorSpec is a user to create.
type actorSpec struct {
	key   string
	org   string
	roles []identity.Role
}

var actorSpecs = []actorSpec{
	{"a-inkoper", OrgA, []identity.Role{identity.RoleBuyer}},
	{"a-contractbeheerder", OrgA, []identity.Role{identity.RoleContractManager}},
	{"a-medisch-adviseur", OrgA, []identity.Role{identity.RoleMedicalAdvisor}},
	{"a-zorgbemiddelaar", OrgA, []identity.Role{identity.RoleCareMediator}},
	{"a-declaratiebeoordelaar", OrgA, []identity.Role{identity.RoleClaimsAssessor}},
	{"a-beheerder", OrgA, []identity.Role{identity.RoleAdmin}},
	{"a-inkooporganisatie", OrgPurchaserA, []identity.Role{identity.RoleBuyer}},
	{"b-inkoper", OrgB, []identity.Role{identity.RoleBuyer}},
	{"x-beheerder", OrgX, []identity.Role{identity.RoleAdmin}},
	{"x-invuller", OrgX, []identity.Role{identity.RoleFiller}},
	{"x-tekenbevoegde", OrgX, []identity.Role{identity.RoleSignatory}},
	{"x-contractmanager", OrgX, []identity.Role{identity.RoleProviderContractManager}},
	{"y-beheerder", OrgY, []identity.Role{identity.RoleAdmin}},
}

// NewTenants registers, through the identity service as the operator, insurers A and B,
// A's purchasing party and providers X and Y with a user in every role; issues each an
// API token; imports provider Y; saves a draft for A and one for B as their buyers; and
// runs the assessment of PolicyA and PolicyB as the operator, so that there are runs to
// read.
func NewTenants(t *testing.T, e *Env) *Tenants {
	t.Helper()
	ctx := context.Background()
	id := e.NewIdentity(t, NewClock(), nil, "https://zorginkoop.example/")
	orgs := []identity.Organisation{
		{ID: OrgA, Kind: identity.Insurer, Name: "CZ groep", Insurers: []string{InsurerA}},
		{ID: OrgB, Kind: identity.Insurer, Name: "Zorg en Zekerheid", Insurers: []string{InsurerB}},
		{ID: OrgPurchaserA, Kind: identity.Purchaser, Name: "CZ groep Inkoop", Insurers: []string{InsurerA}},
		{ID: OrgX, Kind: identity.Provider, Name: "Huisartsenpraktijk De Linde", Providers: []string{ProviderX}},
		{ID: OrgY, Kind: identity.Provider, Name: "Huisartsenpraktijk Ypsilon", Providers: []string{ProviderY}},
	}
	for _, o := range orgs {
		id.AddOrganisation(t, o)
	}
	ts := &Tenants{Env: e, Identity: id, Actors: []*Actor{{Key: "anoniem"}}}
	for _, spec := range actorSpecs {
		// Without a password (hashing one per user is slow): the tests log in with
		// sessions started by the identity service and with API tokens.
		u, err := id.Service.AddUser(ctx, id.Operator, identity.NewUser{OrgID: spec.org, Email: spec.key + "@" + spec.org + ".example",
			Name: "Gebruiker " + spec.key, Roles: spec.roles})
		if err != nil {
			t.Fatalf("add user %s: %v", spec.key, err)
		}
		ts.Actors = append(ts.Actors, ts.newActor(t, spec.key, id.Principal(t, u)))
	}
	ts.Actors = append(ts.Actors, ts.newActor(t, "operator", id.Operator))

	// The operator imports Y with the revenue facts its insurers keep; Y's beheerder then
	// sends its record back unchanged, which keeps them.
	for _, key := range []string{"operator", "y-beheerder"} {
		y := []provider.Provider{ProviderYFile()}
		if err := e.Providers.Normalize(y, nil); err != nil {
			t.Fatalf("provider Y: %v", err)
		}
		if err := e.Providers.Import(ctx, ts.Actor(key).Principal, y, nil, nil); err != nil {
			t.Fatalf("import provider Y as %s: %v", key, err)
		}
	}
	ts.SaveDraft(t, "a-inkoper", DraftYAML(t, "cz-hz-mdz-2022.yaml", DraftA, DraftATitle))
	ts.SaveDraft(t, "b-inkoper", DraftYAML(t, "zz-msz-2024.yaml", DraftB, DraftBTitle))
	for _, pol := range []string{PolicyA, PolicyB} {
		if _, err := e.Assessments.AssessAll(ctx, id.Operator, pol, nil); err != nil {
			t.Fatalf("assess %s: %v", pol, err)
		}
	}
	return ts
}

func (ts *Tenants) newActor(t *testing.T, key string, p identity.Principal) *Actor {
	t.Helper()
	token, err := ts.Identity.Service.CreateAPIToken(context.Background(), p, "matrix")
	if err != nil {
		t.Fatalf("API token for %s: %v", key, err)
	}
	return &Actor{Key: key, Principal: p, Token: token}
}

// Actor returns the actor with key.
func (ts *Tenants) Actor(key string) *Actor {
	for _, a := range ts.Actors {
		if a.Key == key {
			return a
		}
	}
	panic("apptest: no actor " + key)
}

// Session starts a new browser session for the actor (none for anonymous): the value of
// the cookie httpauth.SessionCookie and the CSRF token its forms carry.
func (ts *Tenants) Session(t *testing.T, a *Actor) (secret, csrf string) {
	t.Helper()
	if a.Principal.IsAnonymous() {
		return "", ""
	}
	_, secret, sess, err := ts.Identity.Service.StartSession(context.Background(), a.Principal.User, "test")
	if err != nil {
		t.Fatalf("session for %s: %v", a.Key, err)
	}
	return secret, sess.CSRF
}

// SaveDraft saves a policy file as a draft, as the actor with key.
func (ts *Tenants) SaveDraft(t *testing.T, key string, yaml []byte) {
	t.Helper()
	if _, _, err := ts.Env.Policies.SaveDraft(context.Background(), ts.Actor(key).Principal, "concept.yaml", yaml); err != nil {
		t.Fatalf("draft as %s: %v", key, err)
	}
}

// DraftYAML is a shipped policy file with another id and title, for a draft.
func DraftYAML(t *testing.T, shipped, id, title string) []byte {
	t.Helper()
	data, err := fs.ReadFile(policies.FS, shipped)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitN(string(data), "\n", 3)
	if !strings.HasPrefix(lines[0], "id: ") || !strings.HasPrefix(lines[1], "title: ") {
		t.Fatalf("%s does not start with id and title", shipped)
	}
	return fmt.Appendf(nil, "id: %s\ntitle: %s\n%s", id, title, lines[2])
}
