package web

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"zorginkoop/internal/apptest"
	"zorginkoop/internal/claims"
	"zorginkoop/internal/claims/claimsdemo"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/nl"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/pricelist"
	"zorginkoop/internal/round"
)

// The claims return in a real browser (issue 11). Kliniek Zuidas sends a.s.r. a file
// whose lines come out approved, reduced, rejected and held: the held line is of 2025,
// while the clinic's purchasing with a.s.r. for 2025 is under way (a.s.r.'s policy holds
// such claims until the contract is signed). The contract is signed, and on reloading
// the return the held line is approved at the agreed tariff. Then the clinic sends Eucare
// (Caresq) a file made by the claims generator with an MSR follow-up DBC, rejected A02 for
// want of an authorisation; the clinic requests it, Eucare's medisch adviseur grants it
// in the browser, the clinic sends the line again and it is approved.

const (
	asrPolicy    = "asr-msz-2025"
	asrUZOVI     = "9906"
	caresqPolicy = "caresq-zbc-2026"
	aevitaeUZOVI = "9901"
	clinicAGB    = "22012345"
	asrBSN       = "718293046" // insured with a.s.r.
	strangerBSN  = "625374812" // insured nowhere
	caresqBSN    = "111222333" // insured with Eucare (label Aevitae)
)

func TestBrowserClaimsReturn(t *testing.T) {
	f := apptest.NewRoundFixture(t, "sqlite")
	ctx := context.Background()
	h, err := New(f.Services, Options{Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	w := &roundWalk{f: f, p: newPageTab(t, srv.URL), secrets: map[string]string{}, dir: t.TempDir()}
	p := w.p
	st := f.Env.ClaimsStore(t)
	asrManager := addRoundUser(t, f, "asr-contractbeheerder", apptest.OrgASR, identity.RoleContractManager)

	// a.s.r.: an imported contract with the clinic for 2024, and the round of 2025 up to
	// a generated contract that nobody signed yet: purchasing is under way.
	if err := st.SaveContracts(ctx, []claims.Contract{{ID: "imp-asr-zuidas-2024", Source: claims.FromImport, Reference: "ASR-2024-17",
		Insurer: "asr", ProviderID: apptest.ProviderZBC, From: 20240101, To: 20241231, Parts: []string{"overeenkomst-msz"}, Signed: true,
		Lines: []claims.PriceLine{{Part: "overeenkomst-msz", Code: "150000", Description: "Knie-artroscopie", TariffCents: 100000, Volume: 50}}}}); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveInsured(ctx, []claims.Insured{
		{Insurer: "asr", PolicyNumber: "ASR-1", BSN: asrBSN, Label: "asr", PolicyType: "natura", From: 20240101},
		{Insurer: "eucare", PolicyNumber: "EU-1", BSN: caresqBSN, Label: "aevitae", PolicyType: "natura", From: 20250101},
	}); err != nil {
		t.Fatal(err)
	}
	f.Clock.Set(time.Date(2024, 5, 1, 9, 0, 0, 0, nl.Amsterdam))
	contractID := purchaseUntilGenerated(t, f, asrPolicy, 2025, "asr-inkoper", "kliniek-beheerder",
		[]pricelist.Line{{Code: "150000", Description: "Knie-artroscopie", Tariff: 123456, Volume: 40}})

	// The clinic's beheerder uploads the a.s.r. file in the browser, in April 2025.
	f.Clock.Set(time.Date(2025, 4, 1, 9, 0, 0, 0, nl.Amsterdam))
	asrFile := apptest.ClaimFile{SenderAGB: clinicAGB, UZOVI: asrUZOVI, Invoice: "ZUID-2501", PeriodFrom: "20241201", PeriodTo: "20250331",
		Lines: []apptest.ClaimLine{
			{BSN: asrBSN, Code: "150000", Begin: "20241210", End: "20241210", Cents: 100000, Reference: "ZUID-1"},      // at the tariff
			{BSN: asrBSN, Code: "150000", Begin: "20241211", End: "20241211", Cents: 110000, Reference: "ZUID-2"},      // above it
			{BSN: strangerBSN, Code: "150000", Begin: "20241212", End: "20241212", Cents: 100000, Reference: "ZUID-3"}, // not insured
			{BSN: asrBSN, Code: "150000", Begin: "20250314", End: "20250314", Cents: 123456, Reference: "ZUID-4"},      // 2025: held
		}}.Bytes(t)
	w.as(t, "kliniek-beheerder")
	returnPath := w.uploadClaims(t, "zuidas-asr-2501.asc", asrFile)
	p.wantText("main", []string{"Retourinformatie zuidas-asr-2501.asc", "14 maart 2025", "€ 1.234,56"}, nil)
	p.wantText("#regel-1", []string{"goedgekeurd", "G01", "€ 1.000,00"}, nil)
	p.wantText("#regel-2", []string{"verlaagd", "V02", "€ 1.100,00", "€ 1.000,00"}, nil)
	p.wantText("#regel-3", []string{"afgewezen", "A04", "Niet verzekerd"}, nil)
	p.wantText("#regel-4", []string{"aangehouden", "H01", "inkooptraject"}, nil)
	p.wantText("#samenvatting", []string{"goedgekeurd", "verlaagd", "afgewezen", "aangehouden"}, nil)

	// Both parties sign the 2025 contract; the held line is adjudicated again at once.
	c, err := f.Contracts.Contract(ctx, f.P("kliniek-tekenbevoegde"), contractID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Contracts.Sign(ctx, f.P("kliniek-tekenbevoegde"), contractID, c.DocumentSHA256); err != nil {
		t.Fatalf("the clinic signs: %v", err)
	}
	if _, err := f.Contracts.Sign(ctx, asrManager, contractID, c.DocumentSHA256); err != nil {
		t.Fatalf("a.s.r. signs: %v", err)
	}
	p.open(returnPath)
	p.wantText("#regel-4", []string{"goedgekeurd", "G01", "€ 1.234,56"}, []string{"aangehouden"})
	p.wantText("#uitkomst-held", []string{"aangehouden", "0"}, []string{"1"})
	p.wantText("#uitkomst-approved", []string{"goedgekeurd", "2"}, nil)

	// Caresq: the clinic's contract with Eucare for 2026, and a generated file with an
	// MSR follow-up DBC that needs a machtiging.
	f.Clock.Set(time.Date(2026, 5, 1, 9, 0, 0, 0, nl.Amsterdam))
	eucareContract := claims.Contract{ID: "imp-eucare-zuidas-2026", Source: claims.FromImport, Reference: "EU-2026-4", Insurer: "eucare",
		ProviderID: apptest.ProviderZBC, PolicyID: caresqPolicy, From: 20260101, To: 20261231, Parts: []string{"zorgovereenkomst-zbc"}, Signed: true,
		Lines: []claims.PriceLine{{Part: "zorgovereenkomst-zbc", Code: "170000", Description: "Revalidatie vervolg-DBC", TariffCents: 250000, Volume: 20}}}
	if err := st.SaveContracts(ctx, []claims.Contract{eucareContract}); err != nil {
		t.Fatal(err)
	}
	rules := f.Claims.AuthorisationRules("eucare")
	if len(rules) == 0 {
		t.Fatal("Caresq's policy has no authorisation rules")
	}
	ins, _ := st.InsuredByBSN(ctx, "eucare", []string{caresqBSN})
	gen, sum, err := claimsdemo.Generate(claimsdemo.Config{UZOVI: aevitaeUZOVI, AGB: clinicAGB, Contracts: []claims.Contract{eucareContract},
		Insured: ins[caresqBSN], Rules: []policy.ClaimAuthorisation{rules[0].ClaimAuthorisation}, From: 20260101, To: 20260331, Today: 20260501,
		Invoice: "ZUID-2601", Seed: 7, Lines: 4, Mix: claimsdemo.Mix{claimsdemo.NoAuthorisation: 1}, Plan: true})
	if err != nil {
		t.Fatal(err)
	}
	var msr claimsdemo.Planned
	for _, pl := range sum.Plan {
		if pl.Kind == claimsdemo.NoAuthorisation {
			msr = pl
			break
		}
	}
	if msr.Reference == "" {
		t.Fatalf("the generated file has no MSR line without authorisation: %+v", sum.Plan)
	}
	w.uploadClaims(t, "zuidas-eucare-2601.asc", gen)
	row := w.lineWithReference(t, msr.Reference)
	p.wantText(row, []string{"afgewezen", "A02", "machtiging"}, nil)

	// The clinic requests the machtiging; Eucare's medisch adviseur grants it.
	p.open("/machtigingen")
	p.setValue(`select[name="regel"]`, "eucare|"+rules[0].PolicyID+"|"+rules[0].ID)
	p.setValue(`input[name="bsn"]`, msr.BSN)
	p.setValue(`input[name="code"]`, msr.Code)
	p.setValue(`input[name="indicatie"]`, "Vervolgbehandeling na CVA")
	p.setValue(`textarea[name="motivering"]`, "Revalidatie loopt door na de eerste DBC.")
	if status := p.click(`form#aanvraag button[type="submit"]`); status != 200 {
		t.Fatalf("request: status %d; page: %s", status, p.text("main"))
	}
	authPath := p.location()
	p.wantText("main", []string{"Machtiging", "aangevraagd", msr.BSN}, nil)
	w.as(t, "eucare-medisch-adviseur")
	p.open(authPath)
	p.tick(`input[name="besluit"][value="toekennen"]`)
	p.setValue(`textarea[name="reden"]`, "Indicatie voor vervolgrevalidatie is onderbouwd.")
	p.setValue(`input[name="geldig_van"]`, "2026-01-01")
	p.setValue(`input[name="geldig_tot"]`, "2026-12-31")
	if status := p.click(`form#besluit button[type="submit"]`); status != 200 {
		t.Fatalf("decide: status %d; page: %s", status, p.text("main"))
	}
	p.wantText("#status", []string{"toegekend"}, nil)
	p.wantText("#geldig", []string{"1 januari 2026 tot en met 31 december 2026"}, nil)

	// The clinic sends the rejected line again: approved now.
	w.as(t, "kliniek-beheerder")
	again := apptest.ClaimFile{SenderAGB: clinicAGB, UZOVI: aevitaeUZOVI, Invoice: "ZUID-2602", PeriodFrom: "20260101", PeriodTo: "20260331",
		Lines: []apptest.ClaimLine{{BSN: msr.BSN, Code: msr.Code, Begin: strconv.Itoa(int(msr.Begin)),
			End: strconv.Itoa(int(msr.Begin)), Quantity: msr.Quantity, Cents: msr.ClaimedCents,
			Zorgtype: "21", Specialism: "0327", Reference: msr.Reference}}}.Bytes(t)
	w.uploadClaims(t, "zuidas-eucare-2602.asc", again)
	p.wantText("#regel-1", []string{"goedgekeurd"}, []string{"afgewezen"})

	w.p.mu.Lock()
	defer w.p.mu.Unlock()
	for _, v := range w.p.violations {
		t.Errorf("Content-Security-Policy violation: %s", v)
	}
}

// uploadClaims uploads a claim file through the form of /declaraties and returns the
// path of its return page.
func (w *roundWalk) uploadClaims(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(w.dir, name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	w.p.open("/declaraties")
	w.p.setFile(`form[action="/declaraties"] input[type="file"]`, path)
	if status := w.p.click(`form[action="/declaraties"] button[type="submit"]`); status != 200 {
		t.Fatalf("upload %s: status %d; page: %s", name, status, w.p.text("main"))
	}
	loc := w.p.location()
	if !strings.HasPrefix(loc, "/declaraties/") {
		t.Fatalf("after the upload the browser shows %s: %s", loc, w.p.text("main"))
	}
	return loc
}

// lineWithReference is the selector of the return's row of the line with the reference
// (the page shows up to 50 lines; the generated files are smaller).
func (w *roundWalk) lineWithReference(t *testing.T, ref string) string {
	t.Helper()
	ctx, cancel := w.p.step()
	defer cancel()
	id, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { for (const tr of document.querySelectorAll('#regels tr[id]')) {
		if (tr.children[1] && tr.children[1].textContent.trim() === `+jsString(ref)+`) return tr.id } return '' })()`))
	if err != nil || id == "" {
		t.Fatalf("no line with reference %s on the page: %v\n%s", ref, err, w.p.text("main"))
	}
	return "#" + id
}

// addRoundUser adds a user to an organisation of the round fixture.
func addRoundUser(t *testing.T, f *apptest.RoundFixture, key, org string, role identity.Role) identity.Principal {
	t.Helper()
	u, err := f.Identity.AddUser(context.Background(), f.Operator, identity.NewUser{OrgID: org, Email: key + "@" + org + ".example", Name: "Gebruiker " + key, Roles: []identity.Role{role}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.Identity.Principal(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// purchaseUntilGenerated runs the round of policyID and year with the clinic through the
// services up to a generated contract with lines as the base contract's price list, and
// returns the contract's id.
func purchaseUntilGenerated(t *testing.T, f *apptest.RoundFixture, policyID string, year int, buyerKey, adminKey string, lines []pricelist.Line) string {
	t.Helper()
	ctx := context.Background()
	buyer, admin := f.P(buyerKey), f.P(adminKey)
	c, err := f.Library.Policy(policyID)
	if err != nil {
		t.Fatal(err)
	}
	rd, err := f.Rounds.OpenRound(ctx, buyer, policyID, year, nil)
	if err != nil {
		t.Fatalf("open round: %v", err)
	}
	res, err := f.Rounds.Apply(ctx, admin, rd.ID, round.Application{ProviderID: apptest.ProviderZBC})
	if err != nil {
		t.Fatalf("apply: %v", err)
	}
	id := res.Dossier.ID
	form, err := f.Questionnaires.Form(ctx, admin, id)
	if err != nil {
		t.Fatal(err)
	}
	prov, err := f.Providers.Provider(ctx, identity.System(), apptest.ProviderZBC)
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, fact := range prov.Facts {
		known[fact.Key] = fact.Insurer == ""
	}
	answers := map[string]string{}
	for _, q := range form.Questionnaire.Questions() {
		if !known[q.Fact] {
			answers[q.Fact] = apptest.AnswerFor(q)
		}
	}
	if err := f.Questionnaires.SaveAnswers(ctx, admin, id, answers); err != nil {
		t.Fatalf("answers: %v", err)
	}
	if _, err := f.Questionnaires.Submit(ctx, admin, id); err != nil {
		t.Fatalf("submit: %v", err)
	}
	if _, err := f.Rounds.Decide(ctx, buyer, id, round.DecisionInput{Part: c.Base.ID, Outcome: round.Accepted, Reason: "Voldoet"}); err != nil {
		t.Fatalf("decide: %v", err)
	}
	if _, err := f.Rounds.Offer(ctx, buyer, id, []string{c.Base.ID}); err != nil {
		t.Fatalf("offer: %v", err)
	}
	if _, err := f.PriceLists.Propose(ctx, buyer, pricelist.Proposal{DossierID: id, Part: c.Base.ID, Lines: lines}); err != nil {
		t.Fatalf("propose: %v", err)
	}
	if _, err := f.PriceLists.Accept(ctx, admin, id, c.Base.ID, 1); err != nil {
		t.Fatalf("accept: %v", err)
	}
	con, err := f.Contracts.Generate(ctx, buyer, id)
	if err != nil {
		t.Fatalf("generate: %v", err)
	}
	return con.ID
}
