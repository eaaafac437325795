package apptest

import (
	"context"
	"strconv"
	"testing"
	"time"

	"zorginkoop/internal/app"
	"zorginkoop/internal/clock"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/mail"
	"zorginkoop/internal/mail/smtptest"
	"zorginkoop/internal/nl"
	"zorginkoop/internal/provider"
	"zorginkoop/internal/questionnaire"
)

// The purchasing rounds of the end-to-end tests (API and pages): Caresq's ZBC policy 2026
// of insurer eucare with the clinic ProviderZBC, and CZ's GP policy 2022 with the practice
// ProviderX (hap-de-linde). Each side has a user in every role of the round; Zorg en
// Zekerheid and provider Y are the other tenants.
const (
	RoundPolicyCaresq = "caresq-zbc-2026"
	RoundPolicyCZ     = Policy // cz-hz-mdz-2022
	InsurerCaresq     = "eucare"
	ProviderZBC       = "kliniek-zuidas"

	OrgEucare  = "eucare-org"
	OrgKliniek = "kliniek-zuidas-org"
	OrgASR     = "asr-org"
)

// RoundBuyers are the keys of an inkoper of each insurer of the seed policies, by
// registry insurer id: every seed policy's round can be opened in the fixture.
var RoundBuyers = map[string]string{InsurerCaresq: "eucare-inkoper", InsurerA: "cz-inkoper", InsurerB: "zz-inkoper", "asr": "asr-inkoper"}

// RoundCase is one round of the end-to-end tests: the policy and year, the insurer and
// the provider, the keys of their users, and a moment before the round's first deadline.
type RoundCase struct {
	Policy     string
	Year       int
	Insurer    string
	ProviderID string
	Start      time.Time // the clock when the case begins: before every deadline of the round
	Parts      []string  // the parts the provider applies for besides the base contract
	// Users by role: keys for RoundFixture.P and Token.
	Buyer, ContractManager, MedicalAdvisor            string
	Admin, Filler, Signatory, ProviderContractManager string
}

// RoundCases are the two rounds the end-to-end tests walk.
var RoundCases = []RoundCase{
	{Policy: RoundPolicyCaresq, Year: 2026, Insurer: InsurerCaresq, ProviderID: ProviderZBC, Parts: []string{"dure-geneesmiddelen"},
		Start: time.Date(2025, 8, 1, 9, 0, 0, 0, nl.Amsterdam),
		Buyer: "eucare-inkoper", ContractManager: "eucare-contractbeheerder", MedicalAdvisor: "eucare-medisch-adviseur",
		Admin: "kliniek-beheerder", Filler: "kliniek-invuller", Signatory: "kliniek-tekenbevoegde", ProviderContractManager: "kliniek-contractmanager"},
	{Policy: RoundPolicyCZ, Year: 2022, Insurer: InsurerA, ProviderID: ProviderX, Parts: []string{"s3-vrije-prestaties"},
		Start: time.Date(2021, 9, 1, 9, 0, 0, 0, nl.Amsterdam),
		Buyer: "cz-inkoper", ContractManager: "cz-contractbeheerder", MedicalAdvisor: "cz-medisch-adviseur",
		Admin: "linde-beheerder", Filler: "linde-invuller", Signatory: "linde-tekenbevoegde", ProviderContractManager: "linde-contractmanager"},
}

// roundUsers are the users of the round fixture by key, with organisation and roles.
var roundUsers = []actorSpec{
	{"eucare-inkoper", OrgEucare, []identity.Role{identity.RoleBuyer}},
	{"eucare-contractbeheerder", OrgEucare, []identity.Role{identity.RoleContractManager}},
	{"eucare-medisch-adviseur", OrgEucare, []identity.Role{identity.RoleMedicalAdvisor}},
	{"kliniek-beheerder", OrgKliniek, []identity.Role{identity.RoleAdmin}},
	{"kliniek-contractmanager", OrgKliniek, []identity.Role{identity.RoleProviderContractManager}},
	{"kliniek-invuller", OrgKliniek, []identity.Role{identity.RoleFiller}},
	{"kliniek-tekenbevoegde", OrgKliniek, []identity.Role{identity.RoleSignatory}},
	{"cz-inkoper", OrgA, []identity.Role{identity.RoleBuyer}},
	{"cz-contractbeheerder", OrgA, []identity.Role{identity.RoleContractManager}},
	{"cz-medisch-adviseur", OrgA, []identity.Role{identity.RoleMedicalAdvisor}},
	{"linde-beheerder", OrgX, []identity.Role{identity.RoleAdmin}},
	{"linde-contractmanager", OrgX, []identity.Role{identity.RoleProviderContractManager}},
	{"linde-invuller", OrgX, []identity.Role{identity.RoleFiller}},
	{"linde-tekenbevoegde", OrgX, []identity.Role{identity.RoleSignatory}},
	{"zz-inkoper", OrgB, []identity.Role{identity.RoleBuyer}},
	{"ypsilon-beheerder", OrgY, []identity.Role{identity.RoleAdmin}},
	{"asr-inkoper", OrgASR, []identity.Role{identity.RoleBuyer}},
}

// RoundFixture is a seeded database (Open) whose services all run on a test clock and
// send their e-mail to an in-process SMTP server, with the organisations and users of
// the rounds of RoundCases.
type RoundFixture struct {
	*Env
	Clock    *clock.Test
	Mail     *smtptest.Server
	Operator identity.Principal
	users    map[string]identity.Principal
}

// NewRoundFixture opens the database on engine, wires the services on a test clock
// (Services.Clock is set, so the API offers /api/clock) with e-mail to Mail, imports the
// clinic ProviderZBC and adds the organisations and users of the rounds.
func NewRoundFixture(t testing.TB, engine string) *RoundFixture {
	t.Helper()
	ctx := context.Background()
	env := Open(t, engine)
	f := &RoundFixture{Env: env, Clock: clock.NewTest(), Mail: smtptest.Start(t, smtptest.Options{}), users: map[string]identity.Principal{}}
	f.Clock.Set(RoundCases[0].Start)
	mailer, err := mail.New(mail.Config{Host: f.Mail.Host, Port: f.Mail.Port, From: "Zorginkoop <noreply@zorginkoop.example>", Now: f.Clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	env.Services = app.New(env.DB, env.Library, app.Config{TestClock: f.Clock, Mail: mailer, BaseURL: "https://zorginkoop.example/", SyncPolicies: true})
	op, err := env.Identity.Bootstrap(ctx, OperatorEmail, "Platformbeheer", Password)
	if err != nil {
		t.Fatalf("bootstrap the operator: %v", err)
	}
	if f.Operator, err = env.Identity.Principal(ctx, op); err != nil {
		t.Fatal(err)
	}
	clinic := []provider.Provider{ZBCClinic()}
	if err := env.Providers.Normalize(clinic, nil); err != nil {
		t.Fatalf("clinic: %v", err)
	}
	if err := env.Providers.Import(ctx, identity.System(), clinic, nil, nil); err != nil {
		t.Fatalf("clinic: %v", err)
	}
	orgs := []identity.Organisation{
		{ID: OrgEucare, Kind: identity.Insurer, Name: "Eucare", Insurers: []string{InsurerCaresq}},
		{ID: OrgKliniek, Kind: identity.Provider, Name: "Kliniek Zuidas", Providers: []string{ProviderZBC}},
		{ID: OrgA, Kind: identity.Insurer, Name: "CZ groep", Insurers: []string{InsurerA}},
		{ID: OrgB, Kind: identity.Insurer, Name: "Zorg en Zekerheid", Insurers: []string{InsurerB}},
		{ID: OrgX, Kind: identity.Provider, Name: "Huisartsenpraktijk De Linde", Providers: []string{ProviderX}},
		{ID: OrgY, Kind: identity.Provider, Name: "Huisartsenpraktijk Ypsilon", Providers: []string{ProviderY}},
		{ID: OrgASR, Kind: identity.Insurer, Name: "a.s.r.", Insurers: []string{"asr"}},
	}
	for _, o := range orgs {
		if err := env.Identity.SaveOrganisation(ctx, f.Operator, o, nil); err != nil {
			t.Fatalf("organisation %s: %v", o.ID, err)
		}
	}
	for _, spec := range roundUsers {
		u, err := env.Identity.AddUser(ctx, f.Operator, identity.NewUser{OrgID: spec.org, Email: spec.key + "@" + spec.org + ".example",
			Name: "Gebruiker " + spec.key, Roles: spec.roles})
		if err != nil {
			t.Fatalf("add user %s: %v", spec.key, err)
		}
		if f.users[spec.key], err = env.Identity.Principal(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	f.users["operator"] = f.Operator
	return f
}

// P returns the principal of the user with key ("eucare-inkoper", "operator", ...).
func (f *RoundFixture) P(key string) identity.Principal {
	p, ok := f.users[key]
	if !ok {
		panic("apptest: no round user " + key)
	}
	return p
}

// Email is the e-mail address of the user with key.
func (f *RoundFixture) Email(key string) string { return f.P(key).User.Email }

// Token issues an API token for the user with key.
func (f *RoundFixture) Token(t testing.TB, key string) string {
	t.Helper()
	token, err := f.Identity.CreateAPIToken(context.Background(), f.P(key), "round")
	if err != nil {
		t.Fatalf("API token for %s: %v", key, err)
	}
	return token
}

// ZBCClinic is the clinic of Caresq's round, in file notation: a ZBC without a contract
// with Eucare, applying as a newcomer.
func ZBCClinic() provider.Provider {
	return provider.Provider{ID: ProviderZBC, Name: "Kliniek Zuidas", KvK: "56781234",
		AGBCodes:  []provider.AGBCode{{Code: "22012345", Kind: provider.AGBInstitution}},
		CareTypes: []string{"zbc"},
		Locations: []provider.Location{{Name: "Kliniek Zuidas", Street: "Zuidplein 10", Postcode: "1077 XV", City: "Amsterdam"}},
		Facts:     []provider.Fact{fact("in_faillissement", "nee")}}
}

// roundAnswers are the questionnaire answers that meet both round policies' requirements:
// "ja" unless listed here or given by the fact's type (RoundAnswer).
var roundAnswers = map[string]string{
	"vermoeden_fraude": "nee", "in_faillissement": "nee", "in_liquidatie": "nee", "werkzaamheden_gestaakt": "nee",
	"akkoord_schuldeisers": "nee", "faillissement_aangevraagd": "nee", "belastingachterstand": "nee",
	"valse_verklaring": "nee", "inlichtingen_niet_verstrekt": "nee", "integriteitsonderzoek_beletselen": "nee",
	"nieuwe_toetreder_huisartsenmarkt": "nee",
}

// RoundAnswer is the answer to the question on fact, of type typ, that meets the round
// policies' requirements, written as a Dutch user types it.
func RoundAnswer(fact, typ string) string {
	if v, ok := roundAnswers[fact]; ok {
		return v
	}
	switch typ {
	case "date":
		return "31-12-2027"
	case "number":
		return "8,5"
	case "money":
		return "100.000,00"
	}
	return "ja"
}

// AnswerFor is an answer to q that its fact's type and range accept, written as a Dutch
// user types it: for tests of the questionnaire that do not care whether it meets the
// policy (RoundAnswer does).
func AnswerFor(q questionnaire.Question) string {
	switch q.Fact {
	case "vermoeden_fraude":
		return "nee"
	case "zorgkaart_score":
		return "8,1"
	}
	switch q.Type {
	case provider.Bool:
		return "ja"
	case provider.Int, provider.Number:
		if q.Min != nil {
			return strconv.FormatFloat(*q.Min+1, 'f', -1, 64)
		}
		return "1"
	case provider.Percent:
		return "50"
	case provider.Money:
		return "100.000,00"
	case provider.Date:
		return "31-12-2027"
	case provider.List:
		return "a;b"
	}
	return "tekst"
}
