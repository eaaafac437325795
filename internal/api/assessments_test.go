package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"
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

func TestAssessmentsShowTheOutcomeOfEveryPartOfTheContract(t *testing.T) {
	e := newEnv(t)
	e.app.InstallPartsPolicy(t)
	base := "/api/policies/" + apptest.PartsPolicy + "/assessments"
	if resp, v := e.call(t, "POST", base, ""); resp.StatusCode != http.StatusCreated || at(v, "part_counts.0.part") != "praktijkmanagement" ||
		at(v, "part_counts.0.not_eligible") != float64(1) || at(v, "part_counts.1.not_requested") != float64(2) {
		t.Fatalf("POST %s: %d %v", base, resp.StatusCode, v)
	}

	t.Run("a run's summary has the outcome per part, by part id", func(t *testing.T) {
		resp, v := e.call(t, "GET", base, "")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET: %d %v", resp.StatusCode, v)
		}
		s := at(v, "summaries.[provider_id=hap-failliet]")
		if at(s, "parts.praktijkmanagement") != "not_eligible" || at(s, "parts.stoppen-met-roken") != "not_requested" {
			t.Errorf("hap-failliet parts = %v", at(s, "parts"))
		}
		if at(v, "policy_version") == float64(0) {
			t.Errorf("the run does not say which policy version it judged against: %v", v)
		}
	})
	t.Run("the run filters by a part's outcome", func(t *testing.T) {
		resp, v := e.call(t, "GET", base+"?part=praktijkmanagement&part_outcome=not_eligible", "")
		if resp.StatusCode != http.StatusOK || at(v, "total") != float64(1) || at(v, "summaries.0.provider_id") != "hap-failliet" {
			t.Errorf("filtered: %d %v", resp.StatusCode, v)
		}
		for query, field := range map[string]string{
			"part=telemonitoring&part_outcome=eligible":  "part",
			"part=praktijkmanagement&part_outcome=prima": "part_outcome",
			"part_outcome=eligible":                      "part",
		} {
			resp, v := e.call(t, "GET", base+"?"+query, "")
			if resp.StatusCode != http.StatusUnprocessableEntity || at(v, "errors.[field="+field+"].field") != field {
				t.Errorf("?%s: status %d, %v; want 422 naming %s", query, resp.StatusCode, v, field)
			}
		}
	})
	t.Run("one provider's result explains the base contract and every part", func(t *testing.T) {
		resp, v := e.call(t, "GET", base+"/hap-failliet", "")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET: %d %v", resp.StatusCode, v)
		}
		if at(v, "contract.0.base") != true || at(v, "contract.0.part") != "praktijkovereenkomst" {
			t.Errorf("base contract first: %v", at(v, "contract"))
		}
		pm := at(v, "contract.[part=praktijkmanagement]")
		if at(pm, "outcome") != "not_eligible" || at(pm, "outcome_text") != "komt niet in aanmerking" ||
			!strings.Contains(fmt.Sprint(at(pm, "explanation")), "Geen faillissement voor praktijkmanagement") {
			t.Errorf("praktijkmanagement = %v", pm)
		}
		if smr := at(v, "contract.[part=stoppen-met-roken]"); at(smr, "outcome_text") != "niet aangevraagd" {
			t.Errorf("stoppen-met-roken = %v", smr)
		}
	})
}
