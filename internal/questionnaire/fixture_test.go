package questionnaire_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/apptest"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/provider"
	"zorginkoop/internal/questionnaire"
	"zorginkoop/internal/store/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// The tenants of these tests: provider X (kliniek-x, a ZBC) has a dossier under Caresq's
// ZBC policy of insurer eucare, with the part dure-geneesmiddelen; provider Y and insurer
// cz-groep are the other tenants.
const (
	caresqPolicy = "caresq-zbc-2026"
	caresqBase   = "zorgovereenkomst-zbc"
	drugsPart    = "dure-geneesmiddelen"
	insurer      = "eucare"
	providerX    = "kliniek-x"
	providerY    = "kliniek-y"
	dossierX     = "dos-0000000000000001"
	dossierY     = "dos-0000000000000002"
	today        = "2021-11-01" // apptest.Now in Europe/Amsterdam
)

type fixture struct {
	env  *apptest.Env
	svc  *questionnaire.Service
	docs map[string]questionnaire.DocumentRef

	mu        sync.Mutex
	stages    map[string][]string // hooks called, per dossier
	failHook  error               // returned by OnSubmitted when set
	deadline  error               // returned by the deadline check when set
	warnLate  string
	dossiers  map[string]questionnaire.Dossier
	principal map[string]identity.Principal
}

func engines(t *testing.T, fn func(t *testing.T, f *fixture)) {
	for _, engine := range apptest.Engines {
		t.Run(engine, func(t *testing.T) { fn(t, newFixture(t, engine)) })
	}
}

func newFixture(t *testing.T, engine string) *fixture {
	t.Helper()
	env := apptest.Open(t, engine)
	f := &fixture{env: env, svc: env.Questionnaires, docs: map[string]questionnaire.DocumentRef{}, stages: map[string][]string{},
		dossiers: map[string]questionnaire.Dossier{
			dossierX: {ID: dossierX, PolicyID: caresqPolicy, Year: 2026, Insurer: insurer, ProviderID: providerX,
				Parts: []string{caresqBase, drugsPart}, Stage: "invited"},
			dossierY: {ID: dossierY, PolicyID: caresqPolicy, Year: 2026, Insurer: insurer, ProviderID: providerY,
				Parts: []string{caresqBase}, Stage: "invited"},
		}}
	f.principal = map[string]identity.Principal{
		"x-beheerder":         user("x", identity.Provider, []string{providerX}, identity.RoleAdmin),
		"x-invuller":          user("x", identity.Provider, []string{providerX}, identity.RoleFiller),
		"x-contractmanager":   user("x", identity.Provider, []string{providerX}, identity.RoleProviderContractManager),
		"x-tekenbevoegde":     user("x", identity.Provider, []string{providerX}, identity.RoleSignatory),
		"y-beheerder":         user("y", identity.Provider, []string{providerY}, identity.RoleAdmin),
		"eucare-inkoper":      user("eucare", identity.Insurer, []string{insurer}, identity.RoleBuyer),
		"eucare-adviseur":     user("eucare", identity.Insurer, []string{insurer}, identity.RoleMedicalAdvisor),
		"caresq-adviseur":     user("caresq", identity.Purchaser, []string{insurer}, identity.RoleMedicalAdvisor),
		"cz-adviseur":         user("cz", identity.Insurer, []string{"cz-groep"}, identity.RoleMedicalAdvisor),
		"operator":            identity.System(),
		"anoniem":             identity.Anonymous,
		"eucare-zorgbemiddel": user("eucare", identity.Insurer, []string{insurer}, identity.RoleCareMediator),
	}
	f.svc.SetLinks(questionnaire.Links{
		Dossier: func(ctx context.Context, id string) (questionnaire.Dossier, error) {
			if d, ok := f.dossiers[id]; ok {
				return d, nil
			}
			return questionnaire.Dossier{}, apperr.NotFoundf("dossier %q does not exist", id)
		},
		Document: func(ctx context.Context, id string) (questionnaire.DocumentRef, error) {
			if d, ok := f.docs[id]; ok {
				return d, nil
			}
			return questionnaire.DocumentRef{}, apperr.NotFoundf("document %q does not exist", id)
		},
		Deadline: func(ctx context.Context, dossierID, step string) (string, error) {
			if step != questionnaire.StepQuestionnaire {
				return "", errors.New("wrong step " + step)
			}
			return f.warnLate, f.deadline
		},
		OnSubmitted: func(ctx context.Context, id string) error {
			if f.failHook != nil {
				return f.failHook
			}
			f.hook(id, "applied")
			return nil
		},
		OnAssessed: func(ctx context.Context, id string) error { f.hook(id, "assessed"); return nil },
	})
	importProviders(t, env)
	return f
}

func (f *fixture) hook(id, stage string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.stages[id] = append(f.stages[id], stage)
}

func user(org string, kind identity.OrgKind, of []string, role identity.Role) identity.Principal {
	o := &identity.Organisation{ID: org, Kind: kind, Name: "Organisatie " + org}
	if kind == identity.Provider {
		o.Providers = of
	} else {
		o.Insurers = of
	}
	id := org + "-" + string(role)
	return identity.Principal{User: &identity.User{ID: id, OrgID: org, Name: "Gebruiker " + id, Roles: []identity.Role{role}}, Org: o}
}

func (f *fixture) who(key string) identity.Principal {
	p, ok := f.principal[key]
	if !ok {
		panic("no principal " + key)
	}
	return p
}

// importProviders imports X and Y as the operator: X with the register's AGB fact and
// eucare's record that X had a ZBC agreement last year (both not X's to declare).
func importProviders(t *testing.T, env *apptest.Env) {
	t.Helper()
	fact := func(key, value string, src provider.Source, ins string) provider.Fact {
		return provider.Fact{Key: key, Value: value, Source: src, Insurer: ins, Date: "2021-06-01"}
	}
	clinic := func(id, name, kvk, agb string, facts ...provider.Fact) provider.Provider {
		return provider.Provider{ID: id, Name: name, KvK: kvk, AGBCodes: []provider.AGBCode{{Code: agb, Kind: provider.AGBInstitution}},
			CareTypes: []string{"zbc"}, Locations: []provider.Location{{Name: "Hoofdlocatie", Street: "Kade 1", Postcode: "3011 TB", City: "Rotterdam"}},
			Facts: facts}
	}
	ps := []provider.Provider{
		clinic(providerX, "Kliniek X", "11223344", "22012345",
			fact("agb_geregistreerd", "ja", provider.SourceRegister, ""),
			fact("zorgovereenkomst_zbc_vorig_jaar", "ja", provider.SourceInsurer, insurer)),
		clinic(providerY, "Kliniek Y", "22334455", "22054321"),
	}
	if err := env.Providers.Normalize(ps, nil); err != nil {
		t.Fatal(err)
	}
	if err := env.Providers.Import(context.Background(), identity.System(), ps, nil, nil); err != nil {
		t.Fatal(err)
	}
}

// fullAnswers answers every question of the dossier's questionnaire that the provider's
// record does not answer yet, so that every knock-out is met.
func (f *fixture) fullAnswers(t *testing.T, dossierID string) map[string]string {
	t.Helper()
	form, err := f.svc.Form(context.Background(), f.who("x-beheerder"), dossierID)
	if err != nil {
		t.Fatal(err)
	}
	stored := f.record(t, f.dossiers[dossierID].ProviderID)
	out := map[string]string{}
	for _, q := range form.Questionnaire.Questions() {
		if _, known := stored[q.Fact]; known {
			continue
		}
		out[q.Fact] = apptest.AnswerFor(q)
	}
	return out
}

// attachAll uploads (in the fixture) and attaches a document for every evidence slot.
func (f *fixture) attachAll(t *testing.T, dossierID string) {
	t.Helper()
	ctx := context.Background()
	form, err := f.svc.Form(ctx, f.who("x-invuller"), dossierID)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range form.Questionnaire.Sections {
		for _, slot := range s.Evidence {
			id := "doc-" + slot.RequirementID
			f.docs[id] = questionnaire.DocumentRef{ID: id, DossierID: dossierID, Name: slot.RequirementID + ".pdf", SHA256: "ab12"}
			if err := f.svc.AttachEvidence(ctx, f.who("x-invuller"), dossierID, slot.RequirementID, id); err != nil {
				t.Fatalf("attach %s: %v", id, err)
			}
		}
	}
}

// record returns the provider's stored facts not kept per insurer, by key.
func (f *fixture) record(t *testing.T, id string) map[string]provider.Fact {
	t.Helper()
	p, err := f.env.DB.Provider(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]provider.Fact{}
	for _, fa := range p.Facts {
		if fa.Insurer == "" {
			out[fa.Key] = fa
		}
	}
	return out
}

// entries returns the audit entries of the dossier.
func (f *fixture) entries(t *testing.T, dossierID string) []audit.Entry {
	t.Helper()
	es, err := f.env.DB.AuditEntries(context.Background(), audit.Filter{Dossier: dossierID})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func countEntries(es []audit.Entry, action string, denied bool) int {
	n := 0
	for _, e := range es {
		if e.Action == action && e.Denied == denied {
			n++
		}
	}
	return n
}

// submitted answers and submits X's questionnaire as X's beheerder.
func (f *fixture) submitted(t *testing.T) *questionnaire.Submission {
	t.Helper()
	ctx := context.Background()
	if err := f.svc.SaveAnswers(ctx, f.who("x-invuller"), dossierX, f.fullAnswers(t, dossierX)); err != nil {
		t.Fatalf("save answers: %v", err)
	}
	f.attachAll(t, dossierX)
	sub, err := f.svc.Submit(ctx, f.who("x-beheerder"), dossierX)
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	return sub
}

func wantCode(t *testing.T, what string, err error, code apperr.Code) {
	t.Helper()
	if code == "" && err != nil || code != "" && apperr.CodeOf(err) != code {
		t.Fatalf("%s = %v (%s), want %q", what, err, apperr.CodeOf(err), code)
	}
}
