package web

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"zorginkoop/internal/app"
	"zorginkoop/internal/apptest"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/nl"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/pricelist"
	"zorginkoop/internal/provider"
	"zorginkoop/internal/round"
)

// The round's pages are tested on Caresq ZBC 2026 (insurer Eucare): a ZBC clinic, Kliniek
// X, applies for the base contract and the part "dure geneesmiddelen"; its questionnaire
// has items ter beoordeling. CZ groep's and Zorg en Zekerheid's inkopers (Seed) are
// another tenant, as is De Linde's beheerder.

const (
	rPolicy   = "caresq-zbc-2026"
	rRound    = "caresq-zbc-2026-2026"
	rBase     = "zorgovereenkomst-zbc"
	rDrugs    = "dure-geneesmiddelen"
	rInsurer  = "eucare"
	rProvider = "kliniek-x"
)

// The users of the round's tests, by e-mail.
const (
	euBuyer    = "inkoper@eucare.example"
	euManager  = "contractbeheer@eucare.example"
	euAdviser  = "adviseur@eucare.example"
	kxAdmin    = "beheer@kliniek-x.example"
	kxFiller   = "invuller@kliniek-x.example"
	kxSigner   = "teken@kliniek-x.example"
	kxContract = "contract@kliniek-x.example"
)

// roundEnv is testEnv over services on a clock the test sets.
type roundEnv struct {
	*testEnv
	svc   *app.Services
	now   time.Time
	dates []round.RoundDate // the insurer's dates of the round openRound opens
	users map[string]identity.Principal
}

func (e *roundEnv) clock() time.Time { return e.now }

// newRoundEnv is the seeded database with Eucare's staff, Kliniek X and its users, on 1
// June 2025 (before Caresq's application date).
func newRoundEnv(t *testing.T) *roundEnv {
	t.Helper()
	env := apptest.New(t)
	ids := env.NewIdentity(t, apptest.NewClock(), nil, "")
	ids.Seed(t)
	e := &roundEnv{now: time.Date(2025, 6, 1, 10, 0, 0, 0, nl.Amsterdam), users: map[string]identity.Principal{}}
	e.svc = app.New(env.DB, env.Library, app.Config{Now: e.clock})
	e.svc.Identity = ids.Service
	ids.AddOrganisation(t, identity.Organisation{ID: "eucare", Kind: identity.Insurer, Name: "Eucare", Insurers: []string{rInsurer}})
	ids.AddOrganisation(t, identity.Organisation{ID: "kx", Kind: identity.Provider, Name: "Kliniek X", Providers: []string{rProvider}})
	for _, u := range []struct {
		org, email, name string
		role             identity.Role
	}{
		{"eucare", euBuyer, "Ilse Inkoper", identity.RoleBuyer},
		{"eucare", euManager, "Coen Contractbeheer", identity.RoleContractManager},
		{"eucare", euAdviser, "Mira Adviseur", identity.RoleMedicalAdvisor},
		{"kx", kxAdmin, "Bram Beheer", identity.RoleAdmin},
		{"kx", kxFiller, "Ivo Invuller", identity.RoleFiller},
		{"kx", kxSigner, "Tess Tekenbevoegd", identity.RoleSignatory},
		{"kx", kxContract, "Carl Contract", identity.RoleProviderContractManager},
	} {
		e.users[u.email] = ids.Principal(t, ids.AddUser(t, u.org, u.email, u.name, u.role))
	}
	clinic := provider.Provider{ID: rProvider, Name: "Kliniek X", KvK: "11223344", CareTypes: []string{"zbc"},
		AGBCodes:  []provider.AGBCode{{Code: "22012345", Kind: provider.AGBInstitution}},
		Locations: []provider.Location{{Name: "Hoofdlocatie", Street: "Kade 1", Postcode: "3011 TB", City: "Rotterdam"}},
		Facts: []provider.Fact{{Key: "agb_geregistreerd", Value: "ja", Source: provider.SourceRegister, Date: "2025-01-06"},
			{Key: "zorgovereenkomst_zbc_vorig_jaar", Value: "ja", Source: provider.SourceInsurer, Insurer: rInsurer, Date: "2025-01-06"}}}
	ps := []provider.Provider{clinic}
	if err := e.svc.Providers.Normalize(ps, nil); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.Providers.Import(context.Background(), identity.System(), ps, nil, nil); err != nil {
		t.Fatal(err)
	}
	h, err := New(e.svc, Options{Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	e.testEnv = &testEnv{app: env, ids: ids, db: env.DB, srv: srv}
	return e
}

func (e *roundEnv) who(t *testing.T, email string) identity.Principal {
	t.Helper()
	if p, ok := e.users[email]; ok {
		return p
	}
	return e.ids.Principal(t, e.ids.User(t, email))
}

// --- the round up to a stage, through the services ---

func (e *roundEnv) openRound(t *testing.T) {
	t.Helper()
	if _, err := e.svc.Rounds.OpenRound(context.Background(), e.who(t, euBuyer), rPolicy, 2026, e.dates); err != nil {
		t.Fatalf("open round: %v", err)
	}
}

// applied opens the round and applies Kliniek X for the base contract and the drugs part.
func (e *roundEnv) applied(t *testing.T) string {
	t.Helper()
	e.openRound(t)
	res, err := e.svc.Rounds.Apply(context.Background(), e.who(t, kxAdmin), rRound, round.Application{ProviderID: rProvider, Parts: []string{rDrugs}})
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	return res.Dossier.ID
}

// assessed answers every question and submits: the dossier is assessed, with review items.
func (e *roundEnv) assessed(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	id := e.applied(t)
	form, err := e.svc.Questionnaires.Form(ctx, e.who(t, kxFiller), id)
	if err != nil {
		t.Fatal(err)
	}
	prov, err := e.svc.Providers.Provider(ctx, identity.System(), rProvider)
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, f := range prov.Facts {
		known[f.Key] = f.Insurer == ""
	}
	answers := map[string]string{}
	for _, q := range form.Questionnaire.Questions() {
		if !known[q.Fact] {
			answers[q.Fact] = apptest.AnswerFor(q)
		}
	}
	if err := e.svc.Questionnaires.SaveAnswers(ctx, e.who(t, kxFiller), id, answers); err != nil {
		t.Fatalf("save answers: %v", err)
	}
	if _, err := e.svc.Questionnaires.Submit(ctx, e.who(t, kxAdmin), id); err != nil {
		t.Fatalf("submit: %v", err)
	}
	return id
}

// offered accepts both parts and sends the offer.
func (e *roundEnv) offered(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	id := e.assessed(t)
	for _, part := range []string{rBase, rDrugs} {
		if _, err := e.svc.Rounds.Decide(ctx, e.who(t, euBuyer), id, round.DecisionInput{Part: part, Outcome: round.Accepted, Reason: "Voldoet"}); err != nil {
			t.Fatalf("decide %s: %v", part, err)
		}
	}
	if _, err := e.svc.Rounds.Offer(ctx, e.who(t, euBuyer), id, []string{rBase, rDrugs}); err != nil {
		t.Fatalf("offer: %v", err)
	}
	return id
}

var testLines = []pricelist.Line{
	{Code: "ZP001", Description: "Knie-artroscopie", Tariff: 123456, Volume: 10},
	{Code: "ZP002", Description: "Heupprothese", Tariff: 987600, Volume: 3},
}

// proposed proposes a price list for each offered part.
func (e *roundEnv) proposed(t *testing.T) string {
	t.Helper()
	id := e.offered(t)
	for _, part := range []string{rBase, rDrugs} {
		if _, err := e.svc.PriceLists.Propose(context.Background(), e.who(t, euBuyer), pricelist.Proposal{DossierID: id, Part: part, Lines: testLines}); err != nil {
			t.Fatalf("propose %s: %v", part, err)
		}
	}
	return id
}

// agreed has the provider accept both price lists.
func (e *roundEnv) agreed(t *testing.T) string {
	t.Helper()
	id := e.proposed(t)
	for _, part := range []string{rBase, rDrugs} {
		if _, err := e.svc.PriceLists.Accept(context.Background(), e.who(t, kxAdmin), id, part, 1); err != nil {
			t.Fatalf("accept %s: %v", part, err)
		}
	}
	return id
}

func (e *roundEnv) session(t *testing.T, email string) *session { return e.sessionOf(t, email) }

func (e *roundEnv) dossier(t *testing.T, id string) *round.Dossier {
	t.Helper()
	d, err := e.svc.Rounds.Lookup(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func mustDate(t *testing.T, s string) policy.Date {
	t.Helper()
	d, err := policy.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// seedRound runs a round of apptest.Policy (CZ, 2022) with De Linde up to a generated
// contract through svc, for tests that visit every page (the layout test): the values of
// the round's path parameters.
func seedRound(t *testing.T, svc *app.Services, ids *apptest.Identity) map[string]string {
	t.Helper()
	ctx := context.Background()
	buyer := ids.Principal(t, ids.User(t, apptest.CZBuyerEmail))
	admin := ids.Principal(t, ids.User(t, apptest.LindeEmail))
	c, err := svc.Library.Policy(apptest.Policy)
	if err != nil {
		t.Fatal(err)
	}
	year := c.ContractYears[0]
	rd, err := svc.Rounds.OpenRound(ctx, buyer, c.ID, year, nil)
	if err != nil {
		t.Fatalf("open round: %v", err)
	}
	res, err := svc.Rounds.Apply(ctx, admin, rd.ID, round.Application{ProviderID: "hap-de-linde"})
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	id := res.Dossier.ID
	form, err := svc.Questionnaires.Form(ctx, admin, id)
	if err != nil {
		t.Fatal(err)
	}
	answers := map[string]string{}
	for _, q := range form.Questionnaire.Questions() {
		answers[q.Fact] = apptest.AnswerFor(q)
	}
	if err := svc.Questionnaires.SaveAnswers(ctx, admin, id, answers); err != nil {
		t.Fatalf("answers: %v", err)
	}
	if _, err := svc.Questionnaires.Submit(ctx, admin, id); err != nil {
		t.Fatalf("submit: %v", err)
	}
	if _, err := svc.Rounds.Decide(ctx, buyer, id, round.DecisionInput{Part: c.Base.ID, Outcome: round.Accepted, Reason: "Voldoet"}); err != nil {
		t.Fatalf("decide: %v", err)
	}
	if _, err := svc.Rounds.Offer(ctx, buyer, id, []string{c.Base.ID}); err != nil {
		t.Fatalf("offer: %v", err)
	}
	if _, err := svc.PriceLists.Propose(ctx, buyer, pricelist.Proposal{DossierID: id, Part: c.Base.ID, Lines: testLines}); err != nil {
		t.Fatalf("propose: %v", err)
	}
	if _, err := svc.PriceLists.Accept(ctx, admin, id, c.Base.ID, 1); err != nil {
		t.Fatalf("accept: %v", err)
	}
	con, err := svc.Contracts.Generate(ctx, buyer, id)
	if err != nil {
		t.Fatalf("generate: %v", err)
	}
	return map[string]string{"/rondes/{id}": rd.ID, "/dossiers/{id}": id, "/prijslijst/{part}": c.Base.ID, "/contracten/{file}": con.ID + ".pdf"}
}
