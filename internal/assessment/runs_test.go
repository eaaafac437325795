package assessment_test

import (
	"context"
	"testing"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/apptest"
	"zorginkoop/internal/assessment"
)

func TestSavingARunKeepsOnlyTheNewestRunsOfThePolicy(t *testing.T) {
	ts := tenants(t)
	ctx := context.Background()
	svc := *ts.Env.Assessments
	svc.KeepRuns = 3
	var ids []int64
	for range 5 {
		run, err := svc.AssessAll(ctx, who(ts, "a-inkoper"), apptest.PolicyA, nil)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, run.ID)
	}
	other, err := ts.Env.Assessments.LatestRun(ctx, who(ts, "b-inkoper"), apptest.PolicyB)
	if err != nil {
		t.Fatalf("policy B's run: %v", err)
	}
	for i, id := range ids {
		_, total, err := ts.Env.DB.Summaries(ctx, id, assessment.SummaryFilter{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		if kept := total > 0; kept != (i >= 2) {
			t.Errorf("run %d of 5: %d summaries left; want the newest 3 runs kept", i+1, total)
		}
	}
	if _, total, _ := ts.Env.DB.Summaries(ctx, other.ID, assessment.SummaryFilter{Limit: 10}); total == 0 {
		t.Errorf("another policy's run was deleted")
	}
}

func TestReadingSummariesFollowsTheRulesOfLatestRun(t *testing.T) {
	ts := tenants(t)
	ctx := context.Background()
	for _, actor := range []string{"operator", "a-inkoper", "a-inkooporganisatie", "a-zorgbemiddelaar", "b-inkoper", "x-beheerder", "anoniem"} {
		_, want := ts.Env.Assessments.LatestRun(ctx, who(ts, actor), apptest.PolicyA)
		_, got := ts.Env.Assessments.Summaries(ctx, who(ts, actor), apptest.PolicyA, assessment.SummaryFilter{})
		called := false
		gotEach := ts.Env.Assessments.EachSummary(ctx, who(ts, actor), apptest.PolicyA, assessment.SummaryFilter{},
			func(*assessment.RunCounts) error { called = true; return nil }, func(*assessment.Summary) error { return nil })
		if apperr.CodeOf(got) != apperr.CodeOf(want) || apperr.CodeOf(gotEach) != apperr.CodeOf(want) || called != (want == nil) {
			t.Errorf("%s: Summaries %v, EachSummary %v (begun %v); LatestRun %v", actor, got, gotEach, called, want)
		}
	}
}

func TestAPageIsAtMostMaxPageSize(t *testing.T) {
	ts := tenants(t)
	_, err := ts.Env.Assessments.Summaries(context.Background(), who(ts, "a-inkoper"), apptest.PolicyA,
		assessment.SummaryFilter{Limit: assessment.MaxPageSize + 1})
	if e := apperr.Errors(err); len(e) != 1 || e[0].Field != "limit" {
		t.Errorf("limit above the maximum: %v", err)
	}
}

func TestAPageOfSummariesSaysWhereTheNextStartsOnlyWhenThereIsOne(t *testing.T) {
	ts := tenants(t)
	ctx := context.Background()
	buyer := who(ts, "a-inkoper")
	all, err := ts.Env.Assessments.Summaries(ctx, buyer, apptest.PolicyA, assessment.SummaryFilter{})
	if err != nil || all.Total < 2 || all.Next != 0 {
		t.Fatalf("the whole run on one page: %d summaries, next %d, %v; want at least 2 and no next page", all.Total, all.Next, err)
	}
	first, err := ts.Env.Assessments.Summaries(ctx, buyer, apptest.PolicyA, assessment.SummaryFilter{Limit: 1})
	if err != nil || first.Next != 1 {
		t.Errorf("a first page of 1: next %d, %v; want 1", first.Next, err)
	}
	last, err := ts.Env.Assessments.Summaries(ctx, buyer, apptest.PolicyA, assessment.SummaryFilter{Offset: all.Total - 1, Limit: 1})
	if err != nil || len(last.Summaries) != 1 || last.Next != 0 {
		t.Errorf("the last page: %d summaries, next %d, %v; want 1 and no next page", len(last.Summaries), last.Next, err)
	}
	past, err := ts.Env.Assessments.Summaries(ctx, buyer, apptest.PolicyA, assessment.SummaryFilter{Offset: all.Total + 5, Limit: 1})
	if err != nil || past.Next != 0 {
		t.Errorf("a page past the end: next %d, %v; want none", past.Next, err)
	}
}

func TestARunCountsEveryPartAndKeepsThePolicyVersion(t *testing.T) {
	ts := tenants(t)
	ts.Env.InstallPartsPolicy(t)
	ctx := context.Background()
	buyer := who(ts, "a-inkoper")
	run, err := ts.Env.Assessments.AssessAll(ctx, buyer, apptest.PartsPolicy, nil)
	if err != nil {
		t.Fatal(err)
	}
	latest, err := ts.Env.Assessments.LatestRun(ctx, buyer, apptest.PartsPolicy)
	if err != nil {
		t.Fatal(err)
	}
	if latest.PolicyVersion == 0 || latest.PolicyVersion != run.PolicyVersion {
		t.Errorf("policy version = %d, saved %d; want the stored version", latest.PolicyVersion, run.PolicyVersion)
	}
	// Only the practice in bankruptcy fails the module; nobody asked for the programme.
	n := latest.Providers
	want := []assessment.PartCounts{
		{Part: "praktijkmanagement", Eligible: n - 1, NotEligible: 1},
		{Part: "stoppen-met-roken", NotRequested: n},
	}
	if len(latest.Parts) != 2 || latest.Parts[0] != want[0] || latest.Parts[1] != want[1] {
		t.Fatalf("part counts = %+v, want %+v", latest.Parts, want)
	}
	page, err := ts.Env.Assessments.Summaries(ctx, buyer, apptest.PartsPolicy,
		assessment.SummaryFilter{Part: "praktijkmanagement", PartOutcome: assessment.NotEligible})
	if err != nil || page.Total != 1 || page.Summaries[0].ProviderID != "hap-failliet" {
		t.Fatalf("not eligible for praktijkmanagement: %+v, %v", page, err)
	}
	pol, _ := ts.Env.Library.Policy(apptest.PartsPolicy)
	got := page.Run.PartsOf(pol, &page.Summaries[0])
	if len(got) != 2 || got[0].Title != "Module praktijkmanagement" || got[0].OutcomeText != "komt niet in aanmerking" ||
		got[1].OutcomeText != "niet aangevraagd" {
		t.Errorf("PartsOf = %+v", got)
	}
}

func TestAFilterOnAPartsOutcomeIsRefusedUnlessBothAreKnown(t *testing.T) {
	ts := tenants(t)
	ts.Env.InstallPartsPolicy(t)
	for _, tc := range []struct {
		name  string
		f     assessment.SummaryFilter
		field string
	}{
		{"unknown part", assessment.SummaryFilter{Part: "telemonitoring", PartOutcome: assessment.Eligible}, "part"},
		{"unknown part outcome", assessment.SummaryFilter{Part: "praktijkmanagement", PartOutcome: "prima"}, "part_outcome"},
		{"part outcome without a part", assessment.SummaryFilter{PartOutcome: assessment.Eligible}, "part"},
		{"part without an outcome", assessment.SummaryFilter{Part: "praktijkmanagement"}, "part_outcome"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ts.Env.Assessments.Summaries(context.Background(), who(ts, "a-inkoper"), apptest.PartsPolicy, tc.f)
			if e := apperr.Errors(err); len(e) != 1 || e[0].Field != tc.field || e[0].Code != apperr.Invalid || e[0].Dutch == "" {
				t.Errorf("err = %v, want Invalid on %s with Dutch", err, tc.field)
			}
		})
	}
}
