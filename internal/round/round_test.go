package round_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/round"
)

func TestRoundDatesComeFromThePolicyAndTheInsurer(t *testing.T) {
	engines(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		r := f.open(t, "caresq-zbc-2026", 2026, round.RoundDate{Step: policy.StepQuote, Date: date("2025-10-15")})
		if r.ID != "caresq-zbc-2026-2026" {
			t.Errorf("round id = %s", r.ID)
		}
		d := f.apply(t, r.ID, "kliniek-a")
		for _, tc := range []struct {
			step      policy.Step
			date      string
			hard      bool
			source    string
			milestone string
		}{
			{policy.StepApplication, "2025-09-01", true, round.SourcePolicy, "aanvraag-nieuwe-zorgaanbieder"},
			{policy.StepOffer, "2025-09-30", false, round.SourcePolicy, "aanbieding-zorgovereenkomst"},
			{policy.StepSigning, "2025-11-11", true, round.SourcePolicy, "uiterste-tekendatum"},
			{policy.StepPublication, "2025-11-12", true, round.SourcePolicy, "publicatie-gecontracteerde-zorgaanbieders"},
			{policy.StepQuote, "2025-10-15", false, round.SourceInsurer, ""},
		} {
			dl, ok, err := f.svc.DeadlineFor(ctx, d.ID, tc.step)
			if err != nil || !ok || dl.Date.String() != tc.date || dl.Hard != tc.hard || dl.Source != tc.source || dl.MilestoneID != tc.milestone {
				t.Errorf("%s: %+v, %v, %v", tc.step, dl, ok, err)
			}
		}
		// An insurer may not set a date the policy gives.
		_, err := f.svc.OpenRound(ctx, buyerCZ, "cz-hz-mdz-2022", 2022, []round.RoundDate{{Step: policy.StepPublication, Date: date("2021-11-20")}})
		wantCode(t, err, apperr.Invalid)
		// CZ's GP policy gives the publication date and no signing deadline: the insurer sets one.
		cz := f.open(t, "cz-hz-mdz-2022", 2022, round.RoundDate{Step: policy.StepSigning, Date: date("2021-11-01"), Hard: true})
		tl, err := f.svc.Timeline(ctx, buyerCZ, cz.ID)
		if err != nil {
			t.Fatal(err)
		}
		var pub, sign *round.Date
		for i := range tl {
			switch tl[i].Step {
			case policy.StepPublication:
				pub = &tl[i]
			case policy.StepSigning:
				sign = &tl[i]
			}
		}
		if pub == nil || pub.Date.String() != "2021-11-12" || pub.Source != round.SourcePolicy || pub.MilestoneID != "publicatie-gecontracteerd-zorgaanbod" {
			t.Errorf("publication = %+v", pub)
		}
		if sign == nil || sign.Date.String() != "2021-11-01" || sign.Source != round.SourceInsurer || !sign.Hard {
			t.Errorf("signing = %+v", sign)
		}
		if _, err := f.svc.OpenRound(ctx, buyerCZ, "cz-hz-mdz-2022", 2022, nil); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("second open: %v, want conflict", err)
		}
		if _, err := f.svc.OpenRound(ctx, buyerCZ, "cz-hz-mdz-2022", 2030, nil); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("open for a year the policy does not cover: %v, want invalid", err)
		}
		if _, err := f.svc.OpenRound(ctx, insurer("cz-groep", identity.RoleContractManager), "cz-hz-mdz-2022", 2022, nil); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("contractbeheerder opens: %v, want forbidden", err)
		}
		if es := f.entries(t, "", "round:"+cz.ID); len(es) != 1 || es[0].Action != round.ActionOpen {
			t.Errorf("audit of the opening = %+v", es)
		}
	})
}

// Every seed policy's timeline shows in the round view: every milestone, in date order,
// with its step.
func TestEverySeedPolicysTimelineShowsInOrder(t *testing.T) {
	f := setup(t, "sqlite")
	ctx := context.Background()
	for _, pol := range f.Library.Policies() {
		if pol.Status != policy.Published {
			continue
		}
		t.Run(pol.ID, func(t *testing.T) {
			r := f.open(t, pol.ID, pol.ContractYears[0])
			tl, err := f.svc.Timeline(ctx, adminOf("kliniek-a"), r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(tl) != len(pol.Timeline) {
				t.Fatalf("%d dates, want the policy's %d milestones", len(tl), len(pol.Timeline))
			}
			if !slices.IsSortedFunc(tl, func(a, b round.Date) int { return a.Date.Compare(b.Date.Time) }) {
				t.Errorf("not in date order: %v", tl)
			}
			for _, m := range pol.Timeline {
				i := slices.IndexFunc(tl, func(d round.Date) bool { return d.MilestoneID == m.ID })
				if i < 0 || tl[i].Step != m.Step || tl[i].What != m.What || !tl[i].Date.Equal(m.Date.Time) || tl[i].Kind != m.Kind {
					t.Errorf("milestone %s missing or changed: %+v", m.ID, tl)
				}
			}
		})
	}
}

func TestALateApplicationIsRefusedNamingTheDeadline(t *testing.T) {
	engines(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		r := f.open(t, "caresq-zbc-2026", 2026)
		f.now = at(2025, 9, 1, 23, 59, 59)
		if _, err := f.svc.Apply(ctx, adminOf("kliniek-a"), r.ID, round.Application{ProviderID: "kliniek-a"}); err != nil {
			t.Fatalf("at 23:59:59 Amsterdam on the deadline: %v", err)
		}
		f.now = at(2025, 9, 2, 0, 0, 0)
		_, err := f.svc.Apply(ctx, adminOf("kliniek-b"), r.ID, round.Application{ProviderID: "kliniek-b"})
		wantCode(t, err, apperr.Invalid)
		if want := "De uiterste datum voor aanmelden (1 september 2025) is verstreken"; !strings.Contains(dutch(err), want) {
			t.Errorf("message %q does not name the deadline (%q)", dutch(err), want)
		}
		page, _ := f.svc.Dossiers(ctx, buyerEucare, r.ID, round.DossierFilter{}, round.Page{})
		if page.Total != 1 || page.Items[0].ProviderID != "kliniek-a" {
			t.Errorf("the refused application changed the round: %+v", page)
		}
		denied := false
		for _, e := range f.entries(t, "", "round:"+r.ID) {
			denied = denied || e.Action == round.ActionApply && e.Denied && strings.Contains(e.Reason, "1 september 2025")
		}
		if !denied {
			t.Error("the refused late application is not in the audit trail")
		}
	})
}

func TestALateApplicationGoesToTheNextYearWhereThePolicySaysSo(t *testing.T) {
	f := setup(t, "sqlite")
	r := f.open(t, "asr-msz-2025", 2025)
	f.now = at(2024, 9, 10, 12, 0, 0)
	d := f.apply(t, r.ID, "kliniek-a")
	if !d.NextYear || !strings.Contains(d.Note, "contractjaar 2026") {
		t.Errorf("late a.s.r. application = %+v, want taken into 2026", d)
	}
}

func TestMidYearApplicationFollowsThePolicysWindow(t *testing.T) {
	f := setup(t, "sqlite")
	ctx := context.Background()
	zz := f.open(t, "zz-msz-2024", 2024)
	f.now = at(2024, 3, 15, 10, 0, 0)
	d := f.apply(t, zz.ID, "kliniek-a")
	if d.Starts.String() != "2024-03-01" {
		t.Errorf("Z&Z mid-year start = %q, want the first day of the month of application", d.Starts)
	}
	cq := f.open(t, "caresq-zbc-2026", 2026)
	f.now = at(2026, 2, 1, 10, 0, 0)
	_, err := f.svc.Apply(ctx, adminOf("kliniek-b"), cq.ID, round.Application{ProviderID: "kliniek-b"})
	wantCode(t, err, apperr.Invalid)
	if !strings.Contains(dutch(err), "niet mogelijk") {
		t.Errorf("Caresq mid-year refusal = %q", dutch(err))
	}
}

func TestExtensionForOneDossierAndForAll(t *testing.T) {
	engines(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		r := f.open(t, "caresq-zbc-2026", 2026)
		a, b := f.apply(t, r.ID, "kliniek-a"), f.apply(t, r.ID, "kliniek-b")
		due := func(id string) string {
			dl, _, err := f.svc.DeadlineFor(ctx, id, policy.StepSigning)
			if err != nil {
				t.Fatal(err)
			}
			return dl.Due().String()
		}
		err := f.svc.Extend(ctx, buyerEucare, r.ID, round.ExtensionInput{DossierID: a.ID, Step: policy.StepSigning, Date: date("2025-11-20")})
		wantCode(t, err, apperr.Invalid) // no reason
		err = f.svc.Extend(ctx, insurer("eucare", identity.RoleMedicalAdvisor), r.ID, round.ExtensionInput{DossierID: a.ID, Step: policy.StepSigning, Date: date("2025-11-20"), Reason: "x"})
		wantCode(t, err, apperr.Forbidden)
		err = f.svc.Extend(ctx, buyerCZ, r.ID, round.ExtensionInput{Step: policy.StepSigning, Date: date("2025-11-20"), Reason: "x"})
		wantCode(t, err, apperr.NotFound)
		if due(a.ID) != "2025-11-11" {
			t.Fatal("a refused extension changed the deadline")
		}
		if err := f.svc.Extend(ctx, buyerEucare, r.ID, round.ExtensionInput{DossierID: a.ID, Step: policy.StepSigning, Date: date("2025-11-20"), Reason: "Storing bij de zorgaanbieder"}); err != nil {
			t.Fatal(err)
		}
		if due(a.ID) != "2025-11-20" || due(b.ID) != "2025-11-11" {
			t.Errorf("after extending a: a %s, b %s", due(a.ID), due(b.ID))
		}
		if err := f.svc.Extend(ctx, buyerEucare, r.ID, round.ExtensionInput{Step: policy.StepSigning, Date: date("2025-11-14"), Reason: "Storing VECOZO"}); err != nil {
			t.Fatal(err)
		}
		if due(a.ID) != "2025-11-20" || due(b.ID) != "2025-11-14" {
			t.Errorf("after extending all: a %s, b %s", due(a.ID), due(b.ID))
		}
		es := f.entries(t, a.ID, "")
		if len(es) == 0 || es[0].Action != round.ActionExtend || es[0].Reason != "Storing bij de zorgaanbieder" {
			t.Errorf("audit of the extension = %+v", es)
		}
	})
}

func TestDecisionsAndOffers(t *testing.T) {
	engines(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		r := f.open(t, "caresq-zbc-2026", 2026)
		d := f.apply(t, r.ID, "kliniek-a", "dure-geneesmiddelen")
		base := "zorgovereenkomst-zbc"
		decide := func(p identity.Principal, in round.DecisionInput) error {
			_, err := f.svc.Decide(ctx, p, d.ID, in)
			return err
		}
		// Before the assessment, no decision.
		wantCode(t, decide(buyerEucare, round.DecisionInput{Part: base, Outcome: round.Accepted, Reason: "Voldoet"}), apperr.Conflict)
		if err := f.svc.SetStage(ctx, d.ID, round.Assessed); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.SetStage(ctx, d.ID, round.Signed); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("assessed → signed: %v, want conflict", err)
		}
		for name, tc := range map[string]struct {
			who  identity.Principal
			in   round.DecisionInput
			code apperr.Code
		}{
			"a decision without a reason is refused":        {buyerEucare, round.DecisionInput{Part: base, Outcome: round.Accepted}, apperr.Invalid},
			"an acceptance om moverende redenen is refused": {buyerEucare, round.DecisionInput{Part: base, Outcome: round.Accepted, Reason: "x", Discretionary: true}, apperr.Invalid},
			"the medisch adviseur does not decide":          {insurer("eucare", identity.RoleMedicalAdvisor), round.DecisionInput{Part: base, Outcome: round.Accepted, Reason: "x"}, apperr.Forbidden},
			"another insurer does not see the dossier":      {buyerCZ, round.DecisionInput{Part: base, Outcome: round.Accepted, Reason: "x"}, apperr.NotFound},
			"the provider does not decide":                  {adminOf("kliniek-a"), round.DecisionInput{Part: base, Outcome: round.Accepted, Reason: "x"}, apperr.Forbidden},
			"another provider does not see the dossier":     {adminOf("kliniek-b"), round.DecisionInput{Part: base, Outcome: round.Accepted, Reason: "x"}, apperr.NotFound},
		} {
			t.Run(name, func(t *testing.T) {
				before, _ := f.svc.Dossier(ctx, buyerEucare, d.ID)
				wantCode(t, decide(tc.who, tc.in), tc.code)
				after, _ := f.svc.Dossier(ctx, buyerEucare, d.ID)
				if after.Version != before.Version {
					t.Error("a refused decision changed the dossier")
				}
			})
		}
		// The part needs the base contract: refused while the base is not accepted.
		if err := decide(buyerEucare, round.DecisionInput{Part: "dure-geneesmiddelen", Outcome: round.Accepted, Reason: "Voldoet"}); err != nil {
			t.Fatal(err)
		}
		_, err := f.svc.Offer(ctx, buyerEucare, d.ID, []string{"dure-geneesmiddelen"})
		wantCode(t, err, apperr.Invalid)
		if err := decide(buyerEucare, round.DecisionInput{Part: base, Outcome: round.Accepted, Reason: "Voldoet aan alle minimumeisen"}); err != nil {
			t.Fatal(err)
		}
		got, err := f.svc.Offer(ctx, buyerEucare, d.ID, []string{base, "dure-geneesmiddelen"})
		if err != nil {
			t.Fatal(err)
		}
		if got.Stage != round.Offered || len(f.offered) != 1 || f.offered[0] != d.ID+":"+base+",dure-geneesmiddelen" {
			t.Errorf("offer: stage %s, hook %v", got.Stage, f.offered)
		}
		var actions []string
		for _, e := range f.entries(t, d.ID, "") {
			actions = append(actions, e.Action)
		}
		if !slices.Contains(actions, round.ActionDecide) || !slices.Contains(actions, round.ActionOffer) || !slices.Contains(actions, round.ActionStage) {
			t.Errorf("audit of the dossier = %v", actions)
		}
		// Another provider and insurer do not see it; the provider's invuller reads it.
		if _, err := f.svc.Dossier(ctx, adminOf("kliniek-b"), d.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("another provider reads the dossier: %v", err)
		}
		if _, err := f.svc.Dossier(ctx, providerUser("kliniek-a", identity.RoleFiller), d.ID); err != nil {
			t.Errorf("the provider's invuller: %v", err)
		}
	})
}

func TestRefusalOmMoverendeRedenenIsRecorded(t *testing.T) {
	f := setup(t, "sqlite")
	ctx := context.Background()
	r := f.open(t, "caresq-zbc-2026", 2026)
	d := f.apply(t, r.ID, "kliniek-a")
	if err := f.svc.SetStage(ctx, d.ID, round.Assessed); err != nil {
		t.Fatal(err)
	}
	got, err := f.svc.Decide(ctx, buyerEucare, d.ID, round.DecisionInput{Part: "zorgovereenkomst-zbc", Outcome: round.RefusedIt, Discretionary: true})
	if err != nil {
		t.Fatal(err)
	}
	dec := got.Parts[0].Decision
	if !dec.Discretionary || dec.Reason != round.Discretionary || got.Stage != round.Refused {
		t.Errorf("decision = %+v, stage %s", dec, got.Stage)
	}
}

func TestQuoteByTheRoundsDate(t *testing.T) {
	f := setup(t, "sqlite")
	ctx := context.Background()
	r := f.open(t, "caresq-zbc-2026", 2026, round.RoundDate{Step: policy.StepQuote, Date: date("2025-10-15"), Hard: true})
	d := f.apply(t, r.ID, "kliniek-a")
	if err := f.svc.SetStage(ctx, d.ID, round.Assessed); err != nil {
		t.Fatal(err)
	}
	_, _, err := f.svc.SubmitQuote(ctx, providerUser("kliniek-a", identity.RoleSignatory), d.ID, round.QuoteInput{Text: "Offerte"})
	wantCode(t, err, apperr.Forbidden)
	f.now = at(2025, 10, 16, 0, 0, 0)
	_, _, err = f.svc.SubmitQuote(ctx, adminOf("kliniek-a"), d.ID, round.QuoteInput{Text: "Offerte"})
	wantCode(t, err, apperr.Invalid)
	f.now = at(2025, 10, 15, 23, 59, 59)
	got, _, err := f.svc.SubmitQuote(ctx, providerUser("kliniek-a", identity.RoleProviderContractManager), d.ID, round.QuoteInput{Text: "Offerte 2026", DocumentID: "doc-1"})
	if err != nil || got.Quote == nil || got.Quote.Text != "Offerte 2026" {
		t.Fatalf("quote = %+v, %v", got, err)
	}
}

func TestInvitationOfContractHolders(t *testing.T) {
	engines(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		f.now = at(2021, 6, 1, 9, 0, 0)
		r := f.open(t, "cz-hz-mdz-2022", 2022)
		page, err := f.svc.Dossiers(ctx, buyerCZ, r.ID, round.DossierFilter{}, round.Page{Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]round.Kind{}
		for _, d := range page.Items {
			if d.Stage != round.Invited {
				t.Errorf("%s is %s, want invited", d.ProviderID, d.Stage)
			}
			kinds[d.ProviderID] = d.Kind
		}
		want := map[string]round.Kind{"hap-houder": round.KindExisting, "hap-meerjarig": round.KindPriceListOnly}
		if len(kinds) != len(want) || kinds["hap-houder"] != want["hap-houder"] || kinds["hap-meerjarig"] != want["hap-meerjarig"] {
			t.Errorf("invited = %v, want %v (not the bankrupt holder, not the newcomer)", kinds, want)
		}
		if n, err := f.svc.Invite(ctx, buyerCZ, r.ID); err != nil || n != 0 {
			t.Errorf("inviting again = %d, %v; want none", n, err)
		}
		// The invited holder applies: its dossier moves on, no second dossier.
		f.apply(t, r.ID, "hap-houder", "s3-zorginnovatie")
		if page, _ := f.svc.Dossiers(ctx, buyerCZ, r.ID, round.DossierFilter{Stage: round.Applied}, round.Page{}); page.Total != 1 {
			t.Errorf("applied = %d, want 1", page.Total)
		}
		fu, err := f.svc.Funnel(ctx, buyerCZ, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		counts := map[round.Stage]int{}
		for _, s := range fu.Stages {
			counts[s.Stage] = s.Count
		}
		if counts[round.Invited] != 1 || counts[round.Applied] != 1 || len(fu.Ahead) == 0 {
			t.Errorf("funnel = %+v", fu)
		}
		if _, err := f.svc.Funnel(ctx, buyerZZ, r.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("another insurer's funnel: %v", err)
		}
		mine, err := f.svc.ProviderDossiers(ctx, adminOf("hap-meerjarig"), round.Page{})
		if err != nil || mine.Total != 1 || mine.Items[0].Next == nil || !strings.Contains(mine.Items[0].Next.What, "Prijslijst") {
			t.Errorf("provider dossiers = %+v, %v", mine, err)
		}
	})
}

func TestRemindersSevenAndTwoDaysBefore(t *testing.T) {
	f := setup(t, "sqlite")
	ctx := context.Background()
	r := f.open(t, "caresq-zbc-2026", 2026)
	d := f.apply(t, r.ID, "kliniek-a")
	for _, st := range []round.Stage{round.Assessed, round.Offered, round.Agreed} {
		if err := f.svc.SetStage(ctx, d.ID, st); err != nil {
			t.Fatal(err)
		}
	}
	dls, err := f.svc.ProviderDeadlines(ctx, providerUser("kliniek-a", identity.RoleSignatory))
	if err != nil || len(dls) != 4 || dls[0].Deadline.Step != policy.StepApplication || dls[3].Deadline.Step != policy.StepPublication {
		t.Errorf("provider deadlines = %+v, %v", dls, err)
	}
	if dls, _ := f.svc.ProviderDeadlines(ctx, adminOf("kliniek-b")); len(dls) != 0 {
		t.Errorf("another provider's deadlines = %+v", dls)
	}
	// Signing by 11 November 2025.
	for _, tc := range []struct {
		now  time.Time
		want string
	}{
		{at(2025, 11, 3, 9, 0, 0), ""},
		{at(2025, 11, 4, 9, 0, 0), d.ID + "/signing/7"},
		{at(2025, 11, 8, 9, 0, 0), d.ID + "/signing/7"},
		{at(2025, 11, 9, 0, 0, 1), d.ID + "/signing/2"},
		{at(2025, 11, 11, 23, 59, 59), d.ID + "/signing/2"},
		{at(2025, 11, 12, 0, 0, 0), ""},
	} {
		rs, err := f.svc.DueReminders(ctx, tc.now)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, r := range rs {
			keys = append(keys, r.Key)
		}
		if (tc.want == "" && len(keys) != 0) || (tc.want != "" && (len(keys) != 1 || keys[0] != tc.want)) {
			t.Errorf("at %v: %v, want %q", tc.now, keys, tc.want)
		}
		if len(rs) == 1 && (rs[0].OrgSide != round.SideProvider || rs[0].ProviderID != "kliniek-a" || rs[0].Insurer != "eucare") {
			t.Errorf("reminder = %+v", rs[0])
		}
	}
}

func TestOnlyTheProvidersBeheerderOrContractmanagerApplies(t *testing.T) {
	f := setup(t, "sqlite")
	ctx := context.Background()
	r := f.open(t, "caresq-zbc-2026", 2026)
	for name, tc := range map[string]struct {
		who  identity.Principal
		code apperr.Code
	}{
		"the invuller may not apply":                 {providerUser("kliniek-a", identity.RoleFiller), apperr.Forbidden},
		"another provider's beheerder: not found":    {adminOf("kliniek-b"), apperr.NotFound},
		"an insurer's inkoper does not apply":        {buyerEucare, apperr.NotFound},
		"a part the policy does not have is refused": {adminOf("kliniek-a"), apperr.Invalid},
	} {
		t.Run(name, func(t *testing.T) {
			a := round.Application{ProviderID: "kliniek-a"}
			if tc.code == apperr.Invalid {
				a.Parts = []string{"informeren-transformatieplannen"}
			}
			_, err := f.svc.Apply(ctx, tc.who, r.ID, a)
			wantCode(t, err, tc.code)
		})
	}
	if page, _ := f.svc.Dossiers(ctx, buyerEucare, r.ID, round.DossierFilter{}, round.Page{}); page.Total != 0 {
		t.Errorf("refused applications created %d dossiers", page.Total)
	}
	f.apply(t, r.ID, "kliniek-a")
	_, err := f.svc.Apply(ctx, adminOf("kliniek-a"), r.ID, round.Application{ProviderID: "kliniek-a"})
	wantCode(t, err, apperr.Conflict)
}

func TestAMidYearApplicationWhereThePolicyNamesNoneIsRefused(t *testing.T) {
	f := setup(t, "sqlite")
	r := f.open(t, "cz-msz-2024", 2024)
	f.now = at(2024, 5, 1, 10, 0, 0)
	_, err := f.svc.Apply(context.Background(), adminOf("kliniek-a"), r.ID, round.Application{ProviderID: "kliniek-a"})
	wantCode(t, err, apperr.Invalid)
}

func TestAPartTheInsurerOffersIsNotAskedFor(t *testing.T) {
	f := setup(t, "sqlite")
	f.now = at(2021, 6, 1, 9, 0, 0)
	r := f.open(t, "cz-hz-mdz-2022", 2022)
	_, err := f.svc.Apply(context.Background(), adminOf("hap-nieuw"), r.ID, round.Application{ProviderID: "hap-nieuw", Parts: []string{"hds-representatie"}})
	wantCode(t, err, apperr.Invalid)
	if !strings.Contains(dutch(err), "biedt de zorgverzekeraar aan") {
		t.Errorf("message = %q", dutch(err))
	}
}
