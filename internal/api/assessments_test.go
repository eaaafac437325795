package api

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"zorginkoop/internal/apptest"
	"zorginkoop/internal/assessment"
)

// saveBigRun stores a run of the test policy with n summaries, the seeded providers
// first (so the care type filter finds them), then synthetic ones; every third is not
// eligible.
func saveBigRun(t *testing.T, e *testEnv, n int) *assessment.Run {
	t.Helper()
	run := &assessment.Run{RunCounts: assessment.RunCounts{PolicyID: testPolicy, StartedAt: apptest.Now, FinishedAt: apptest.Now}}
	for i := range n {
		s := assessment.Summary{ProviderID: fmt.Sprintf("p-%06d", i), ProviderName: fmt.Sprintf("Praktijk %d", i), Outcome: assessment.Eligible}
		if i < 2 {
			s.ProviderID = []string{"hap-de-linde", "hap-failliet"}[i]
		}
		if i%3 == 1 {
			s.Outcome = assessment.NotEligible
			run.NotEligible++
		} else {
			run.Eligible++
		}
		run.Summaries = append(run.Summaries, s)
	}
	run.Providers = n
	if err := e.db.SaveRun(context.Background(), run); err != nil {
		t.Fatal(err)
	}
	return run
}

func TestLatestRunIsPagedWithANextLinkUntilTheLastPage(t *testing.T) {
	e := newEnv(t)
	saveBigRun(t, e, 250)
	path := "/api/policies/" + testPolicy + "/assessments?limit=100&outcome=eligible"
	var ids []string
	pages := 0
	for path != "" {
		resp, v := e.call(t, "GET", path, "")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %v", path, resp.StatusCode, v)
		}
		pages++
		if total := at(v, "total"); total != float64(167) {
			t.Fatalf("total = %v, want the 167 eligible", total)
		}
		if n := at(v, "eligible"); n != float64(167) {
			t.Errorf("eligible count of the run = %v", n)
		}
		for _, s := range at(v, "summaries").([]any) {
			ids = append(ids, fmt.Sprint(at(s, "provider_id")))
		}
		path, _ = at(v, "next").(string)
	}
	if pages != 2 || len(ids) != 167 || ids[0] != "hap-de-linde" || ids[1] != "p-000002" || ids[166] != "p-000249" {
		t.Errorf("%d pages, %d summaries (%v … %v)", pages, len(ids), ids[:2], ids[len(ids)-1])
	}
	resp, v := e.call(t, "GET", "/api/policies/"+testPolicy+"/assessments", "")
	if resp.StatusCode != http.StatusOK || len(at(v, "summaries").([]any)) != assessment.DefaultPageSize || at(v, "limit") != float64(100) {
		t.Errorf("without a limit: status %d, %d summaries, limit %v", resp.StatusCode, len(at(v, "summaries").([]any)), at(v, "limit"))
	}
}

func TestLatestRunFiltersByTheProvidersCareType(t *testing.T) {
	e := newEnv(t)
	saveBigRun(t, e, 20)
	resp, v := e.call(t, "GET", "/api/policies/"+testPolicy+"/assessments?care_type=huisarts", "")
	if resp.StatusCode != http.StatusOK || at(v, "total") != float64(2) || at(v, "next") != nil {
		t.Fatalf("status %d, total %v, next %v", resp.StatusCode, at(v, "total"), at(v, "next"))
	}
	if ko := at(v, "summaries.[provider_id=hap-failliet].outcome"); ko != "not_eligible" {
		t.Errorf("hap-failliet outcome %v", ko)
	}
}

func TestLatestRunRefusesUnknownFiltersAndLimitsByName(t *testing.T) {
	e := newEnv(t)
	saveBigRun(t, e, 5)
	for query, field := range map[string]string{
		"care_type=onzin":   "care_type",
		"care_type=ggz":     "care_type", // a care type, but not this policy's
		"outcome=geweldig":  "outcome",
		"limit=1001":        "limit",
		"limit=0":           "limit",
		"offset=-1":         "offset",
		"limit=veel":        "limit",
		"outcome=&limit=-5": "limit",
	} {
		resp, v := e.call(t, "GET", "/api/policies/"+testPolicy+"/assessments?"+query, "")
		if resp.StatusCode != http.StatusUnprocessableEntity || at(v, "errors.[field="+field+"].field") != field {
			t.Errorf("?%s: status %d, %v; want 422 naming %s", query, resp.StatusCode, v, field)
		}
	}
}
