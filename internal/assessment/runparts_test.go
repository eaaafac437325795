package assessment_test

import (
	"testing"

	"zorginkoop/internal/assessment"
)

func TestPartsOfReadsTheRunsOrderOfPartsNotThePolicys(t *testing.T) {
	pol, _ := partsSetup(t)
	// The run was made when the policy had telemonitoring before borstkanker, and a part
	// it no longer has.
	run := assessment.RunCounts{Parts: []assessment.PartCounts{{Part: "telemonitoring"}, {Part: "borstkanker"}, {Part: "vervallen"}}}
	s := assessment.Summary{PartOutcomes: []assessment.Outcome{assessment.NotRequested, assessment.NotEligible, assessment.Eligible}}
	got := run.PartsOf(pol, &s)
	want := []assessment.PartOutcome{
		{Part: "telemonitoring", Title: "Telemonitoring", Outcome: assessment.NotRequested, OutcomeText: "niet aangeboden"},
		{Part: "borstkanker", Title: "Borstkankerzorg", Outcome: assessment.NotEligible, OutcomeText: "komt niet in aanmerking"},
		{Part: "vervallen", Title: "vervallen", Outcome: assessment.Eligible, OutcomeText: "komt in aanmerking"},
	}
	if len(got) != len(want) {
		t.Fatalf("PartsOf = %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("part %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if got[0].Outcome.Judged() || !got[1].Outcome.Judged() || assessment.OutOfScope.Judged() {
		t.Errorf("Judged: only a part asked for or offered and open to the provider is judged")
	}
}
