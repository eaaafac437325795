package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"zorginkoop/internal/apptest"
	"zorginkoop/internal/assessment"
)

// saveRun stores a run of the test policy with the providers named, in that order; the
// second of every three is not eligible.
func (e *testEnv) saveRun(t *testing.T, names ...string) {
	t.Helper()
	run := &assessment.Run{RunCounts: assessment.RunCounts{PolicyID: testPolicy, StartedAt: apptest.Now, FinishedAt: apptest.Now}}
	for i, name := range names {
		s := assessment.Summary{ProviderID: fmt.Sprintf("p-%06d", i), ProviderName: name, Outcome: assessment.Eligible}
		if i%3 == 1 {
			s.Outcome = assessment.NotEligible
			run.NotEligible++
		} else {
			run.Eligible++
		}
		run.Summaries = append(run.Summaries, s)
	}
	run.Providers = len(names)
	if err := e.db.SaveRun(context.Background(), run); err != nil {
		t.Fatal(err)
	}
}

func numbered(n int) []string {
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("Praktijk %d", i)
	}
	return names
}

func TestAssessmentCSVGuardsProviderNamesThatAreFormulas(t *testing.T) {
	e := newEnv(t)
	names := []string{"=HYPERLINK(\"http://evil.example\")", "+31 20 123", "-1+1", "@SUM(A1)", "Gewone praktijk"}
	e.saveRun(t, names...)
	resp, body := e.get(t, "/beleid/"+testPolicy+"/beoordeling.csv")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\uFEFF")))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil || len(rows) != len(names)+1 {
		t.Fatalf("%d rows, %v", len(rows), err)
	}
	for i, name := range names {
		want := "'" + name
		if i == len(names)-1 {
			want = name
		}
		if rows[i+1][0] != want {
			t.Errorf("row %d: provider %q, want %q", i+1, rows[i+1][0], want)
		}
	}
}

func TestOverviewPagesAHundredRowsWithTheFiltersInTheLinks(t *testing.T) {
	e := newEnv(t)
	e.saveRun(t, numbered(250)...)
	base := "/beleid/" + testPolicy + "/beoordeling"
	resp, body := e.get(t, base+"?uitkomst=eligible")
	wantStatus(t, resp, body, http.StatusOK)
	wantContains(t, body, "rijen 1–100 van 167", "Praktijk 0<", "Praktijk 149<",
		`href="`+base+`?pagina=2&amp;uitkomst=eligible">volgende`, `href="`+base+`.csv?uitkomst=eligible"`)
	wantLacks(t, body, "Praktijk 1<", "Praktijk 150<", "vorige")
	if n := strings.Count(body, `href="`+base+`/p-`); n != 100 {
		t.Errorf("%d rows on the first page, want 100", n)
	}
	resp, body = e.get(t, base+"?uitkomst=eligible&pagina=2")
	wantStatus(t, resp, body, http.StatusOK)
	wantContains(t, body, "rijen 101–167 van 167", "Praktijk 150<", "Praktijk 249<", `href="`+base+`?pagina=1&amp;uitkomst=eligible">« vorige`)
	wantLacks(t, body, "volgende")
	// The counts per outcome are the whole run's, whatever page or filter.
	wantContains(t, body, "<strong>167</strong>", "<strong>83</strong>")
}

func TestOverviewRefusesAnUnknownFilterInDutch(t *testing.T) {
	e := newEnv(t)
	e.saveRun(t, numbered(3)...)
	for query, dutch := range map[string]string{
		"zorgsoort=onzin":      "Onbekende zorgsoort",
		"uitkomst=geweldig":    "Onbekende uitkomst",
		"zorgsoort=ziekenhuis": "Onbekende zorgsoort", // a care type, but not this policy's
	} {
		for _, path := range []string{"/beleid/" + testPolicy + "/beoordeling?", "/beleid/" + testPolicy + "/beoordeling.csv?"} {
			resp, body := e.get(t, path+query)
			wantStatus(t, resp, body, http.StatusBadRequest)
			wantContains(t, body, dutch)
		}
	}
}
