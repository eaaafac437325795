package assessment_test

import (
	"context"
	"testing"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/apptest"
	"zorginkoop/internal/assessment"
)

// The impact of a draft is for the insurer's staff who may assess; to another insurer (and
// to a provider) the draft does not exist.
func TestImpactIsForTheInsurersStaff(t *testing.T) {
	ts := tenants(t)
	ctx := context.Background()
	tests := []struct {
		actor, policy string
		code          apperr.Code // "" for allowed
	}{
		{"anoniem", apptest.DraftA, apperr.Unauthenticated},
		{"a-inkoper", apptest.DraftA, ""},
		{"a-beheerder", apptest.DraftA, ""},
		{"a-inkooporganisatie", apptest.DraftA, ""},
		{"a-zorgbemiddelaar", apptest.DraftA, apperr.Forbidden},
		{"b-inkoper", apptest.DraftA, apperr.NotFound},
		{"b-inkoper", apptest.PolicyA, apperr.NotFound}, // another insurer's desk, published or not
		{"x-beheerder", apptest.DraftA, apperr.NotFound},
		{"a-inkoper", "cz-bestaat-niet", apperr.NotFound},
		{"operator", apptest.DraftB, ""},
	}
	for _, tc := range tests {
		t.Run(tc.actor+" on "+tc.policy, func(t *testing.T) {
			n := 0
			_, err := ts.Env.Assessments.Impact(ctx, who(ts, tc.actor), tc.policy, func(*assessment.Change) error { n++; return nil })
			if tc.code == "" && err != nil || tc.code != "" && apperr.CodeOf(err) != tc.code {
				t.Fatalf("Impact = %v, want %q", err, tc.code)
			}
			if tc.code != "" && n > 0 {
				t.Errorf("a refused impact reported %d changes", n)
			}
		})
	}
}

// Lowering the ZBC revenue threshold from € 100.000 to € 75.000 changes the outcome of a
// ZBC with € 80.000 revenue, and names the requirement that made the difference; the
// providers whose outcome stays are not reported.
func TestImpactListsTheProvidersWhoseOutcomeChanges(t *testing.T) {
	e := apptest.New(t)
	ids := e.NewIdentity(t, apptest.NewClock(), nil, "")
	ids.Seed(t)
	apptest.ImportZBC(t, e)
	ctx := context.Background()
	buyer := ids.Principal(t, ids.User(t, apptest.ZZBuyerEmail))
	if _, _, err := e.Policies.SaveDraft(ctx, buyer, "zz.yaml", apptest.ZBCDraftYAML(t, "zz-msz-2025", "Concept 2025")); err != nil {
		t.Fatal(err)
	}
	var changes []assessment.Change
	totals, err := e.Assessments.Impact(ctx, buyer, "zz-msz-2025", func(c *assessment.Change) error {
		cp := *c
		cp.Requirements = append([]assessment.StatusChange(nil), c.Requirements...)
		changes = append(changes, cp)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if totals.InForce != apptest.PolicyB || totals.Draft != "zz-msz-2025" || totals.Changed != 1 || len(changes) != 1 {
		t.Fatalf("totals %+v, changes %+v", totals, changes)
	}
	c := changes[0]
	if c.ProviderID != apptest.ZBCID || c.Old != assessment.NotEligible || c.New == assessment.NotEligible || c.Part != "" {
		t.Errorf("change %+v", c)
	}
	if len(c.Requirements) != 1 || c.Requirements[0].ID != "zbc-minimale-omzet" ||
		c.Requirements[0].Old != assessment.NotMet || c.Requirements[0].New != assessment.Met {
		t.Errorf("requirements that made the difference: %+v", c.Requirements)
	}
	if p := totals.Parts[0]; p.Title != assessment.BaseContractTitle || p.Eligible+p.Incomplete != 1 || p.NotEligible != 0 {
		t.Errorf("totals of the base contract: %+v", p)
	}
	if totals.Providers < 2 {
		t.Errorf("providers judged: %d; the hospital counts too", totals.Providers)
	}
}
