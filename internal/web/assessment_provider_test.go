package web

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"zorginkoop/internal/assessment"
)

// On the drill-down, what fails comes first in each part, then what is unknown, then what
// is for review; what is met and what does not apply are folded away, in that order.
func TestDrillDownShowsWhatFailsFirstAndFoldsWhatIsMet(t *testing.T) {
	var g itemGroup
	for i, st := range []assessment.Status{assessment.Met, assessment.NotApplicable, assessment.Review, assessment.Met,
		assessment.Unknown, assessment.NotMet, assessment.NotMet} {
		g.add(assessment.Item{RequirementID: string(rune('a' + i)), Status: st})
	}
	g.sort()
	ids := func(items []assessment.Item) []string {
		var out []string
		for _, it := range items {
			out = append(out, it.RequirementID)
		}
		return out
	}
	if got, want := ids(g.Open), []string{"f", "g", "e", "c"}; !slices.Equal(got, want) {
		t.Errorf("open: %v, want %v", got, want)
	}
	if got, want := ids(g.Closed), []string{"a", "d", "b"}; !slices.Equal(got, want) {
		t.Errorf("folded: %v, want %v", got, want)
	}
	if got := g.Folded(); got != "2 eisen voldoen, 1 niet van toepassing" {
		t.Errorf("folded summary %q", got)
	}

	e := newEnv(t)
	e.runAssessment(t)
	resp, body := e.get(t, "/beleid/"+testPolicy+"/beoordeling/hap-failliet")
	wantStatus(t, resp, body, http.StatusOK)
	notMet, unknown := strings.Index(body, `status-not_met`), strings.Index(body, `status-unknown`)
	if notMet < 0 || unknown < 0 || notMet > unknown {
		t.Errorf("voldoet niet (at %d) is not above onbekend (at %d)", notMet, unknown)
	}
	resp, body = e.get(t, "/beleid/"+testPolicy+"/beoordeling/hap-de-linde")
	wantStatus(t, resp, body, http.StatusOK)
	folded := strings.Index(body, `<details class="closed">`)
	if folded < 0 || strings.Contains(body[:folded], `status-met"`) {
		t.Errorf("what is met is not folded away (fold at %d):\n%s", folded, visible(body))
	}
	if strings.Contains(body, "<th>Bron</th>") {
		t.Errorf("the drill-down still has a Bron column")
	}
}
