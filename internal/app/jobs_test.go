package app_test

import (
	"context"
	"testing"
	"time"

	"zorginkoop/internal/app"
	"zorginkoop/internal/apptest"
	"zorginkoop/internal/claims"
	"zorginkoop/internal/clock"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/nl"
	"zorginkoop/internal/notify"
	"zorginkoop/internal/pricelist"
	"zorginkoop/internal/provider"
	"zorginkoop/internal/round"
)

// One pass of the background jobs sends a due reminder once however often it runs, and
// publishes a contract signed by both parties once its publication date has come (Caresq
// ZBC 2026: signing by 11 November 2025, publication on 12 November 2025).
func TestJobsSendADueReminderOnceAndPublishASignedContractOnItsDate(t *testing.T) {
	for _, engine := range apptest.Engines {
		t.Run(engine, func(t *testing.T) { jobsTest(t, engine) })
	}
}

func jobsTest(t *testing.T, engine string) {
	ctx := context.Background()
	env := apptest.Open(t, engine)
	clk := clock.NewTest()
	clk.Set(time.Date(2025, 8, 1, 9, 0, 0, 0, nl.Amsterdam))
	svc := app.New(env.DB, env.Library, app.Config{TestClock: clk})
	if svc.Clock != clk {
		t.Fatal("Services.Clock is not the test clock")
	}
	ids := env.NewIdentity(t, apptest.NewClock(), nil, "")
	clinic := provider.Provider{ID: "kliniek-x", Name: "Kliniek Xenon", KvK: "11223344", CareTypes: []string{"zbc"},
		AGBCodes:  []provider.AGBCode{{Code: "22012345", Kind: provider.AGBInstitution}},
		Locations: []provider.Location{{Name: "Hoofdlocatie", Street: "Kade 1", Postcode: "3011 TB", City: "Rotterdam"}}}
	ps := []provider.Provider{clinic}
	if err := env.Providers.Normalize(ps, nil); err != nil {
		t.Fatal(err)
	}
	if err := env.Providers.Import(ctx, identity.System(), ps, nil, nil); err != nil {
		t.Fatal(err)
	}
	ids.AddOrganisation(t, identity.Organisation{ID: "eucare", Kind: identity.Insurer, Name: "Eucare", Insurers: []string{"eucare"}})
	ids.AddOrganisation(t, identity.Organisation{ID: "org-x", Kind: identity.Provider, Name: "Kliniek Xenon", Providers: []string{"kliniek-x"}})
	who := func(org, email string, role identity.Role) identity.Principal {
		return ids.Principal(t, ids.AddUser(t, org, email, "Gebruiker "+email, role))
	}
	buyer := who("eucare", "inkoper@eucare.example", identity.RoleBuyer)
	manager := who("eucare", "contract@eucare.example", identity.RoleContractManager)
	admin := who("org-x", "beheer@xenon.example", identity.RoleAdmin)
	signatory := who("org-x", "teken@xenon.example", identity.RoleSignatory)

	// The round up to an agreed price list, through the services.
	r, err := svc.Rounds.OpenRound(ctx, buyer, "caresq-zbc-2026", 2026, nil)
	if err != nil {
		t.Fatal(err)
	}
	applied, err := svc.Rounds.Apply(ctx, admin, r.ID, round.Application{ProviderID: "kliniek-x"})
	if err != nil {
		t.Fatal(err)
	}
	id, base := applied.Dossier.ID, applied.Dossier.Parts[0].Part
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	must("assessed", svc.Rounds.SetStage(ctx, id, round.Assessed))
	_, err = svc.Rounds.Decide(ctx, buyer, id, round.DecisionInput{Part: base, Outcome: round.Accepted, Reason: "Voldoet aan de eisen"})
	must("decide", err)
	_, err = svc.Rounds.Offer(ctx, buyer, id, []string{base})
	must("offer", err)
	pl, err := svc.PriceLists.Propose(ctx, buyer, pricelist.Proposal{DossierID: id, Part: base,
		Lines: []pricelist.Line{{Code: "150000", Description: "Consult", Tariff: 10_000, Volume: 10}}})
	must("propose", err)
	_, err = svc.PriceLists.Accept(ctx, admin, id, base, pl.Version)
	must("accept", err)
	c, err := svc.Contracts.Generate(ctx, buyer, id)
	must("generate", err)

	// 4 November: the signing deadline is 7 days ahead. Twice: one reminder.
	clk.Set(time.Date(2025, 11, 4, 10, 0, 0, 0, nl.Amsterdam))
	for pass, want := range []int{1, 0} {
		rep, err := svc.RunJobs(ctx, svc.Rounds.Now())
		if err != nil || rep.Reminders != want || rep.Published != 0 {
			t.Fatalf("pass %d on 4 November: %+v, %v; want %d reminder(s), nothing published", pass+1, rep, err, want)
		}
	}
	in, err := svc.Notices.Inbox(ctx, admin, notify.Page{})
	must("inbox", err)
	reminders := 0
	for _, it := range in.Items {
		if it.Kind == notify.KindDeadlineApproaching && it.DossierID == id {
			reminders++
		}
	}
	if reminders != 1 {
		t.Errorf("the provider's inbox has %d reminders, want 1: %+v", reminders, in.Items)
	}

	_, err = svc.Contracts.Sign(ctx, signatory, c.ID, c.DocumentSHA256)
	must("sign for the provider", err)
	_, err = svc.Contracts.Sign(ctx, manager, c.ID, c.DocumentSHA256)
	must("sign for the insurer", err)
	// The signature made it the execution contract claims are adjudicated against (the
	// OnSigned hook calls Claims.ContractSigned in the signing transaction).
	ec, err := svc.Claims.Contract(ctx, manager, c.ID)
	must("execution contract", err)
	if ec.Source != claims.FromRound || ec.ProviderID != "kliniek-x" || ec.From != 20260101 || ec.To != 20261231 ||
		len(ec.Lines) != 1 || ec.Lines[0].Code != "150000" || ec.Lines[0].TariffCents != 10_000 || ec.Lines[0].Part != base {
		t.Errorf("execution contract after signing: %+v", ec)
	}

	clk.Set(time.Date(2025, 11, 11, 23, 0, 0, 0, nl.Amsterdam))
	if rep, err := svc.RunJobs(ctx, svc.Rounds.Now()); err != nil || rep.Published != 0 {
		t.Fatalf("the day before publication: %+v, %v", rep, err)
	}
	clk.Set(time.Date(2025, 11, 12, 9, 0, 0, 0, nl.Amsterdam))
	for pass, want := range []int{1, 0} {
		rep, err := svc.RunJobs(ctx, svc.Rounds.Now())
		if err != nil || rep.Published != want {
			t.Fatalf("pass %d on 12 November: %+v, %v; want %d published", pass+1, rep, err, want)
		}
	}
	d, err := svc.Rounds.Lookup(ctx, id)
	if err != nil || d.Stage != round.Published {
		t.Errorf("dossier after publication = %+v, %v", d, err)
	}
}
