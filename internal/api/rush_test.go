package api

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"zorginkoop/internal/app"
	"zorginkoop/internal/apptest"
	"zorginkoop/internal/clock"
	contracts "zorginkoop/internal/contract"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/nl"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/pricelist"
	"zorginkoop/internal/provider"
	"zorginkoop/internal/questionnaire"
	"zorginkoop/internal/round"
	"zorginkoop/internal/store"
	"zorginkoop/internal/store/postgres"
	"zorginkoop/internal/store/sqlite"
)

// The deadline-day rush (issue 10): many ZBCs of Caresq's round 2026 submit their
// questionnaire in the last minute before its deadline, and later sign their contract in
// the last minute before the hard signing deadline of 11 November 2025, each through the
// API with its own token, from a bounded load generator (rushload_test.go). The setup goes
// through the services directly and is not timed. The smoke test proves it correct at a
// small size on both engines; BenchmarkDeadlineDayRush measures it at 1,000 providers on
// PostgreSQL (docs/performance.md).

// Caresq's round dates: the insurer sets a hard questionnaire deadline (the policy gives
// none); the policy's hard signing deadline is 11 November 2025.
var (
	rushApply             = time.Date(2025, 8, 1, 9, 0, 0, 0, nl.Amsterdam)
	rushQuestionnaireDate = time.Date(2025, 9, 15, 0, 0, 0, 0, time.UTC)
	rushSubmitAt          = time.Date(2025, 9, 15, 23, 59, 0, 0, nl.Amsterdam)
	rushPrepareAt         = time.Date(2025, 10, 1, 10, 0, 0, 0, nl.Amsterdam)
	rushSignAt            = time.Date(2025, 11, 11, 23, 59, 0, 0, nl.Amsterdam)
)

// rushProvider is one ZBC of the rush: its beheerder submits, its tekenbevoegde signs.
type rushProvider struct {
	id                     string
	admin, signatory       identity.Principal
	adminToken, signToken  string
	dossier, contract, sha string
}

// rushEnv is a Caresq round with n applicants, the API over it on loopback, and the
// services on a test clock.
type rushEnv struct {
	tb        testing.TB
	env       *apptest.Env
	clock     *clock.Test
	srv       *httptest.Server
	buyer     identity.Principal
	manager   identity.Principal // the insurer's contractbeheerder
	base      string             // the policy's base contract part
	providers []*rushProvider
	// pause and resume the benchmark's timer around the untimed preparation; no-ops in
	// the test.
	pause, resume func()
}

// newRushEnv imports n ZBCs, gives each its organisation with a beheerder and a
// tekenbevoegde (with API tokens), opens the round and applies and answers the
// questionnaire for every dossier: each is ready to be submitted.
func newRushEnv(tb testing.TB, engine string, n int) *rushEnv {
	tb.Helper()
	ctx := context.Background()
	env := apptest.Open(tb, engine)
	c := clock.NewTest()
	c.Set(rushApply)
	env.Services = app.New(env.DB, env.Library, app.Config{TestClock: c, BaseURL: "https://zorginkoop.example/"})
	start := time.Now()
	e := &rushEnv{tb: tb, env: env, clock: c, pause: func() {}, resume: func() {}}
	defer func() { tb.Logf("setup of %d providers in %s", n, time.Since(start).Round(time.Millisecond)) }()
	op := e.operator(ctx)
	e.importProviders(ctx, n)
	e.addInsurer(ctx, op)
	e.addProviderOrgs(ctx, op)
	pol, err := env.Library.Policy(apptest.RoundPolicyCaresq)
	must(tb, err)
	e.base = pol.Policy.Base.ID
	_, err = env.Rounds.OpenRound(ctx, e.buyer, apptest.RoundPolicyCaresq, 2026,
		[]round.RoundDate{{Step: questionnaire.StepQuestionnaire, Date: policy.Date{Time: rushQuestionnaireDate}, Hard: true}})
	must(tb, err)
	e.apply(ctx)
	h := New(env.Services, Options{Log: slog.New(slog.DiscardHandler), BaseURL: "https://zorginkoop.example/"})
	e.srv = httptest.NewServer(h)
	tb.Cleanup(e.srv.Close)
	return e
}

func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

func (e *rushEnv) operator(ctx context.Context) identity.Principal {
	u, err := e.env.Identity.Bootstrap(ctx, apptest.OperatorEmail, "Platformbeheer", apptest.Password)
	must(e.tb, err)
	p, err := e.env.Identity.Principal(ctx, u)
	must(e.tb, err)
	return p
}

func (e *rushEnv) importProviders(ctx context.Context, n int) {
	ps := make([]provider.Provider, n)
	for i := range ps {
		id := fmt.Sprintf("zbc-rush-%04d", i)
		ps[i] = provider.Provider{ID: id, Name: fmt.Sprintf("Kliniek %04d", i), KvK: fmt.Sprintf("7%07d", i),
			AGBCodes:  []provider.AGBCode{{Code: fmt.Sprintf("22%06d", i), Kind: provider.AGBInstitution}},
			CareTypes: []string{"zbc"},
			Locations: []provider.Location{{Name: "Kliniek", Street: "Zuidplein 10", Postcode: "1077 XV", City: "Amsterdam"}},
			Facts:     []provider.Fact{{Key: "in_faillissement", Value: "nee", Source: provider.SourceProvider, Date: "2025-06-01"}}}
		e.providers = append(e.providers, &rushProvider{id: id})
	}
	must(e.tb, e.env.Providers.Normalize(ps, nil))
	must(e.tb, e.env.Providers.Import(ctx, identity.System(), ps, nil, nil))
}

func (e *rushEnv) addInsurer(ctx context.Context, op identity.Principal) {
	must(e.tb, e.env.Identity.SaveOrganisation(ctx, op, identity.Organisation{ID: apptest.OrgEucare, Kind: identity.Insurer,
		Name: "Eucare", Insurers: []string{apptest.InsurerCaresq}}, nil))
	e.buyer = e.user(ctx, op, apptest.OrgEucare, "inkoper", identity.RoleBuyer)
	e.manager = e.user(ctx, op, apptest.OrgEucare, "contractbeheerder", identity.RoleContractManager)
}

func (e *rushEnv) addProviderOrgs(ctx context.Context, op identity.Principal) {
	for _, p := range e.providers {
		org := p.id + "-org"
		must(e.tb, e.env.Identity.SaveOrganisation(ctx, op, identity.Organisation{ID: org, Kind: identity.Provider,
			Name: "Organisatie " + p.id, Providers: []string{p.id}}, nil))
		p.admin = e.user(ctx, op, org, "beheerder", identity.RoleAdmin)
		p.signatory = e.user(ctx, op, org, "tekenbevoegde", identity.RoleSignatory)
		p.adminToken, p.signToken = e.token(ctx, p.admin), e.token(ctx, p.signatory)
	}
}

func (e *rushEnv) user(ctx context.Context, op identity.Principal, org, key string, role identity.Role) identity.Principal {
	u, err := e.env.Identity.AddUser(ctx, op, identity.NewUser{OrgID: org, Email: key + "@" + org + ".example",
		Name: "Gebruiker " + key, Roles: []identity.Role{role}})
	must(e.tb, err)
	p, err := e.env.Identity.Principal(ctx, u)
	must(e.tb, err)
	return p
}

func (e *rushEnv) token(ctx context.Context, p identity.Principal) string {
	tok, err := e.env.Identity.CreateAPIToken(ctx, p, "rush")
	must(e.tb, err)
	return tok
}

// apply applies for every provider and answers its questionnaire, on a few goroutines.
func (e *rushEnv) apply(ctx context.Context) {
	e.each(func(p *rushProvider) error {
		res, err := e.env.Rounds.Apply(ctx, p.admin, round.RoundID(apptest.RoundPolicyCaresq, 2026), round.Application{ProviderID: p.id})
		if err != nil {
			return err
		}
		p.dossier = res.Dossier.ID
		return nil
	})
	form, err := e.env.Questionnaires.Form(ctx, e.providers[0].admin, e.providers[0].dossier)
	must(e.tb, err)
	answers := map[string]string{}
	for _, q := range form.Questionnaire.Questions() {
		answers[q.Fact] = apptest.RoundAnswer(q.Fact, string(q.Type))
	}
	e.each(func(p *rushProvider) error { return e.env.Questionnaires.SaveAnswers(ctx, p.admin, p.dossier, answers) })
}

// prepareContracts brings every submitted dossier to a contract awaiting the provider's
// signature: the base contract accepted and offered, a price list proposed by the insurer
// and accepted by the provider, the contract generated.
func (e *rushEnv) prepareContracts(ctx context.Context) {
	e.clock.Set(rushPrepareAt)
	lines := []pricelist.Line{{Code: "A100", Description: "Consult", Tariff: 10000, Volume: 120}}
	e.each(func(p *rushProvider) error {
		if _, err := e.env.Rounds.Decide(ctx, e.buyer, p.dossier, round.DecisionInput{Part: e.base, Outcome: round.Accepted, Reason: "Voldoet aan het beleid"}); err != nil {
			return fmt.Errorf("decide: %w", err)
		}
		if _, err := e.env.Rounds.Offer(ctx, e.buyer, p.dossier, []string{e.base}); err != nil {
			return fmt.Errorf("offer: %w", err)
		}
		pl, err := e.env.PriceLists.Propose(ctx, e.buyer, pricelist.Proposal{DossierID: p.dossier, Part: e.base, Lines: lines})
		if err != nil {
			return fmt.Errorf("propose: %w", err)
		}
		if _, err := e.env.PriceLists.Accept(ctx, p.admin, p.dossier, e.base, pl.Version); err != nil {
			return fmt.Errorf("accept: %w", err)
		}
		c, err := e.env.Contracts.Generate(ctx, e.manager, p.dossier)
		if err != nil {
			return fmt.Errorf("generate: %w", err)
		}
		p.contract, p.sha = c.ID, c.DocumentSHA256
		return nil
	})
}

// each runs fn for every provider on 4 goroutines: setup, not measured.
func (e *rushEnv) each(fn func(p *rushProvider) error) {
	e.tb.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, len(e.providers))
	next := make(chan *rushProvider)
	for range 4 {
		wg.Go(func() {
			for p := range next {
				if err := fn(p); err != nil {
					errs <- fmt.Errorf("%s: %w", p.id, err)
				}
			}
		})
	}
	for _, p := range e.providers {
		next <- p
	}
	close(next)
	wg.Wait()
	close(errs)
	for err := range errs {
		e.tb.Fatal(err)
	}
}

// The requests of each phase: every provider's own, with its own token.

func (e *rushEnv) reads() []shot {
	out := make([]shot, len(e.providers))
	for i, p := range e.providers {
		out[i] = shot{method: "GET", path: "/api/dossiers/" + p.dossier, token: p.adminToken, want: 200}
	}
	return out
}

func (e *rushEnv) submits() []shot {
	out := make([]shot, len(e.providers))
	for i, p := range e.providers {
		out[i] = shot{method: "POST", path: "/api/dossiers/" + p.dossier + "/questionnaire/submit", token: p.adminToken, want: 200}
	}
	return out
}

func (e *rushEnv) signatures() []shot {
	out := make([]shot, len(e.providers))
	for i, p := range e.providers {
		out[i] = shot{method: "POST", path: "/api/contracts/" + p.contract + "/signatures", token: p.signToken,
			body: []byte(`{"sha256":"` + p.sha + `"}`), want: 201}
	}
	return out
}

// rushSQL is the database's own connection, to count rows behind the services' back.
func rushSQL(tb testing.TB, db store.DB) *sql.DB {
	switch d := db.(type) {
	case *sqlite.DB:
		return d.Read
	case *postgres.DB:
		return d.Read
	}
	tb.Fatalf("unknown store %T", db)
	return nil
}

// counts runs a query of (key, count) rows into a map.
func (e *rushEnv) counts(query string, args ...any) map[string]int {
	rows, err := rushSQL(e.tb, e.env.DB).QueryContext(context.Background(), query, args...)
	must(e.tb, err)
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		must(e.tb, rows.Scan(&k, &n))
		out[k] = n
	}
	must(e.tb, rows.Err())
	return out
}

// checkSubmitted: every dossier is submitted once, assessed, with one audit entry of its
// submission and none refused.
func (e *rushEnv) checkSubmitted() {
	e.tb.Helper()
	subs := e.counts(`SELECT dossier_id, count(*) FROM questionnaire_submissions GROUP BY dossier_id`)
	audited := e.counts(`SELECT dossier, count(*) FROM audit_log WHERE action = '` + questionnaire.ActionSubmit + `' AND NOT denied GROUP BY dossier`)
	refused := e.counts(`SELECT dossier, count(*) FROM audit_log WHERE action = '` + questionnaire.ActionSubmit + `' AND denied GROUP BY dossier`)
	for _, p := range e.providers {
		if subs[p.dossier] != 1 || audited[p.dossier] != 1 {
			e.tb.Errorf("dossier %s: %d submissions, %d audit entries; want 1 and 1", p.dossier, subs[p.dossier], audited[p.dossier])
		}
	}
	if len(subs) != len(e.providers) || len(refused) != 0 {
		e.tb.Errorf("%d dossiers submitted, %d with a refused submission; want %d and 0", len(subs), len(refused), len(e.providers))
	}
}

// checkSigned: every contract has exactly one signature, the provider's, on the current
// version, with exactly one audit entry of it, and the audit trail's chain is intact.
func (e *rushEnv) checkSigned() {
	e.tb.Helper()
	ctx := context.Background()
	sigs := e.counts(`SELECT contract_id, count(*) FROM contract_signatures WHERE side = 'provider' GROUP BY contract_id`)
	others := e.counts(`SELECT contract_id, count(*) FROM contract_signatures WHERE side <> 'provider' GROUP BY contract_id`)
	audited := e.counts(`SELECT subject, count(*) FROM audit_log WHERE action = '` + contracts.ActionSign + `' AND NOT denied GROUP BY subject`)
	for _, p := range e.providers {
		if sigs[p.contract] != 1 || audited["contract:"+p.contract] != 1 {
			e.tb.Errorf("contract %s: %d provider signatures, %d audit entries; want 1 and 1", p.contract, sigs[p.contract], audited["contract:"+p.contract])
		}
		c, err := e.env.Contracts.Contract(ctx, p.signatory, p.contract)
		if err != nil || c.Status != contracts.ProviderSigned || len(c.Signatures) != 1 || c.Signatures[0].DocumentSHA256 != p.sha {
			e.tb.Errorf("contract %s after the rush: %+v, %v", p.contract, c, err)
		}
	}
	if len(sigs) != len(e.providers) || len(others) != 0 || len(audited) != len(e.providers) {
		e.tb.Errorf("%d contracts signed by the provider, %d by the insurer, %d audited; want %d, 0, %d",
			len(sigs), len(others), len(audited), len(e.providers), len(e.providers))
	}
	rep, err := e.env.Audit.Verify(ctx)
	if err != nil || !rep.OK() {
		e.tb.Errorf("the audit trail after the rush: %v, %+v", err, rep.Problems)
	}
}

// rushFigures are the results of one rush: the two rushes, each with its read baseline
// run just before it.
type rushFigures struct{ readBeforeSubmit, submit, readBeforeSign, sign loadResult }

// runRush runs the whole rush on e with workers: the read baseline, the submit rush in
// the last minute before the questionnaire deadline, the contracts prepared (not timed),
// a second read baseline and the sign rush in the last minute before the signing deadline,
// each checked in the database.
func (e *rushEnv) runRush(workers int) rushFigures {
	e.tb.Helper()
	var f rushFigures
	f.readBeforeSubmit = e.phase("read", e.reads(), workers)
	e.clock.Set(rushSubmitAt)
	f.submit = e.phase("submit", e.submits(), workers)
	e.pause()
	e.checkSubmitted()
	start := time.Now()
	e.prepareContracts(context.Background())
	e.tb.Logf("contracts prepared in %s", time.Since(start).Round(time.Millisecond))
	e.resume()
	e.clock.Set(rushSignAt)
	f.readBeforeSign = e.phase("read", e.reads(), workers)
	f.sign = e.phase("sign", e.signatures(), workers)
	e.checkSigned()
	return f
}

// phase fires shots and fails the test (going on) if any request failed.
func (e *rushEnv) phase(name string, shots []shot, workers int) loadResult {
	e.tb.Helper()
	r := fire(e.srv.URL, shots, workers)
	e.tb.Logf("%s: %d requests in %s, p50 %.1f ms, p99 %.1f ms, %d failed", name, r.requests(),
		r.elapsed.Round(time.Millisecond), r.percentile(0.5), r.percentile(0.99), len(r.errors))
	for i, msg := range r.errors {
		if i == 3 {
			break
		}
		e.tb.Errorf("%s: %d of %d requests failed: %s", name, len(r.errors), r.requests(), msg)
	}
	return r
}

// The rush at a small size, on both engines: no request fails, every dossier is
// submitted once and every contract signed once by the provider, each with its audit
// entry, and the audit trail stays one unbroken chain.
func TestTheDeadlineDayRushLosesAndDuplicatesNothing(t *testing.T) {
	for _, engine := range apptest.Engines {
		t.Run(engine, func(t *testing.T) {
			e := newRushEnv(t, engine, 20)
			e.runRush(8)
		})
	}
}
