package assessment_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/apptest"
	"zorginkoop/internal/assessment"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/identity"
)

// The rules of assessments, on the tenants of the authorisation tests
// (apptest.NewTenants): PolicyA is A's, PolicyB B's, both assessed once by the operator.

func tenants(t *testing.T) *apptest.Tenants {
	t.Helper()
	return apptest.NewTenants(t, apptest.New(t))
}

func who(ts *apptest.Tenants, key string) identity.Principal { return ts.Actor(key).Principal }

func TestRunningAssessmentsIsForTheInsurersStaff(t *testing.T) {
	ts := tenants(t)
	ctx := context.Background()
	tests := []struct {
		actor  string
		policy string
		code   apperr.Code // "" for allowed
	}{
		{"anoniem", apptest.PolicyA, apperr.Unauthenticated},
		{"a-inkoper", apptest.PolicyA, ""},
		{"a-contractbeheerder", apptest.PolicyA, ""},
		{"a-medisch-adviseur", apptest.PolicyA, ""},
		{"a-beheerder", apptest.PolicyA, ""},
		{"a-inkooporganisatie", apptest.PolicyA, ""},
		{"a-inkoper", apptest.DraftA, ""}, // its own draft, before publishing it
		{"a-zorgbemiddelaar", apptest.PolicyA, apperr.Forbidden},
		{"a-declaratiebeoordelaar", apptest.PolicyA, apperr.Forbidden},
		{"a-inkoper", apptest.PolicyB, apperr.NotFound},
		{"b-inkoper", apptest.PolicyA, apperr.NotFound},
		{"b-inkoper", apptest.DraftA, apperr.NotFound},
		{"x-beheerder", apptest.PolicyA, apperr.NotFound},
		{"operator", apptest.DraftB, ""},
	}
	for _, tc := range tests {
		t.Run(tc.actor+" runs "+tc.policy, func(t *testing.T) {
			run, err := ts.Env.Assessments.AssessAll(ctx, who(ts, tc.actor), tc.policy, nil)
			if tc.code == "" && err != nil || tc.code != "" && apperr.CodeOf(err) != tc.code {
				t.Fatalf("AssessAll = %v, want %q", err, tc.code)
			}
			if tc.code == "" && run.ID == 0 {
				t.Fatal("the run was not stored")
			}
			entries, err := ts.Env.DB.AuditEntries(ctx, audit.Filter{Subject: "policy:" + tc.policy, Limit: 1})
			if err != nil || len(entries) != 1 {
				t.Fatalf("audit: %v %v", entries, err)
			}
			e := entries[0]
			insurer := apptest.InsurerA
			if tc.policy == apptest.PolicyB || tc.policy == apptest.DraftB {
				insurer = apptest.InsurerB
			}
			if e.Action != "assessment.run" || e.Denied != (tc.code != "") || e.UserID != who(ts, tc.actor).UserID() ||
				e.OrgID != who(ts, tc.actor).OrgID() || e.Scope != insurer {
				t.Errorf("audit entry %+v", e)
			}
		})
	}
}

func TestBBuyerCannotRunAsAssessmentAndNothingIsStored(t *testing.T) {
	ts := tenants(t)
	ctx := context.Background()
	before, err := ts.Env.Assessments.LatestRun(ctx, who(ts, "a-inkoper"), apptest.PolicyA)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.Env.Assessments.AssessAll(ctx, who(ts, "b-inkoper"), apptest.PolicyA, nil); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("AssessAll by B = %v, want NotFound", err)
	}
	after, err := ts.Env.Assessments.LatestRun(ctx, who(ts, "a-inkoper"), apptest.PolicyA)
	if err != nil || after.ID != before.ID {
		t.Errorf("latest run moved from %d to %d", before.ID, after.ID)
	}
	entries, _ := ts.Env.DB.AuditEntries(ctx, audit.Filter{OrgID: apptest.OrgB, Limit: 1})
	if len(entries) != 1 || !entries[0].Denied || entries[0].Action != "assessment.run" || entries[0].Scope != apptest.InsurerA {
		t.Errorf("refusal not audited: %+v", entries)
	}
}

func TestRunIsAuditedWithActingOrganisationAndInsurerScope(t *testing.T) {
	ts := tenants(t)
	ctx := context.Background()
	run, err := ts.Env.Assessments.AssessAll(ctx, who(ts, "a-inkooporganisatie"), apptest.PolicyA, nil)
	if err != nil {
		t.Fatal(err)
	}
	entries, _ := ts.Env.DB.AuditEntries(ctx, audit.Filter{Subject: "policy:" + apptest.PolicyA, Limit: 1})
	e := entries[0]
	if e.Denied || e.OrgID != apptest.OrgPurchaserA || e.Scope != apptest.InsurerA ||
		!strings.Contains(string(e.After), `"providers":3`) || strings.Contains(string(e.After), apptest.ProviderY) {
		t.Errorf("run %d audited as %+v", run.ID, e)
	}
}

func TestProviderReadsItsOwnAssessmentOnly(t *testing.T) {
	ts := tenants(t)
	ctx := context.Background()
	res, err := ts.Env.Assessments.AssessProvider(ctx, who(ts, "x-invuller"), apptest.PolicyA, apptest.ProviderX)
	if err != nil || res.ProviderID != apptest.ProviderX {
		t.Fatalf("X's own assessment: %v", err)
	}
	_, err = ts.Env.Assessments.AssessProvider(ctx, who(ts, "x-invuller"), apptest.PolicyA, apptest.ProviderY)
	_, missing := ts.Env.Assessments.AssessProvider(ctx, who(ts, "a-inkoper"), apptest.PolicyA, "bestaat-niet")
	if apperr.CodeOf(err) != apperr.NotFound ||
		strings.ReplaceAll(err.Error(), apptest.ProviderY, "ID") != strings.ReplaceAll(missing.Error(), "bestaat-niet", "ID") {
		t.Errorf("X reading A's assessment of Y: %v; a missing provider: %v", err, missing)
	}
	if _, err := ts.Env.Assessments.LatestRun(ctx, who(ts, "x-invuller"), apptest.PolicyA); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("X reading A's run: %v, want NotFound", err)
	}
	if _, err := ts.Env.Assessments.AssessProvider(ctx, who(ts, "x-invuller"), apptest.DraftA, apptest.ProviderX); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("X's assessment under A's draft: %v, want NotFound", err)
	}
	if _, err := ts.Env.Assessments.AssessProvider(ctx, identity.Anonymous, apptest.PolicyA, apptest.ProviderX); apperr.CodeOf(err) != apperr.Unauthenticated {
		t.Errorf("anonymous: %v, want Unauthenticated", err)
	}
}

func TestNotAssessedYetIsToldApartFromHidden(t *testing.T) {
	ts := tenants(t)
	ctx := context.Background()
	_, err := ts.Env.Assessments.LatestRun(ctx, who(ts, "a-inkoper"), apptest.DraftA)
	if !errors.Is(err, assessment.ErrNotAssessed) || apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("A's unassessed draft: %v, want ErrNotAssessed", err)
	}
	_, err = ts.Env.Assessments.LatestRun(ctx, who(ts, "b-inkoper"), apptest.PolicyA)
	if errors.Is(err, assessment.ErrNotAssessed) || apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("B reading A's run: %v, want a plain NotFound", err)
	}
}

// Looking is not storing: Judge and Explain answer the callers AssessAll answers, and
// leave the latest run and the audit trail as they were; only a refusal is recorded.
func TestJudgeAndExplainStoreNothingAndAreForTheInsurersStaff(t *testing.T) {
	ts := tenants(t)
	ctx := context.Background()
	op := who(ts, "operator")
	before, err := ts.Env.Assessments.LatestRun(ctx, op, apptest.PolicyA)
	if err != nil {
		t.Fatal(err)
	}
	head := func() int64 {
		es, err := ts.Env.DB.AuditEntries(ctx, audit.Filter{Limit: 1})
		if err != nil || len(es) != 1 {
			t.Fatalf("audit: %v %v", es, err)
		}
		return es[0].Seq
	}
	for _, tc := range []struct {
		actor string
		code  apperr.Code // "" for allowed
	}{
		{"a-inkoper", ""}, {"operator", ""}, {"a-zorgbemiddelaar", apperr.Forbidden}, {"b-inkoper", apperr.NotFound}, {"anoniem", apperr.Unauthenticated},
	} {
		t.Run(tc.actor, func(t *testing.T) {
			seq := head()
			run, err := ts.Env.Assessments.Judge(ctx, who(ts, tc.actor), apptest.PolicyA, nil)
			if tc.code != "" {
				if apperr.CodeOf(err) != tc.code {
					t.Fatalf("Judge = %v, want %q", err, tc.code)
				}
				if err := ts.Env.Assessments.Explain(ctx, who(ts, tc.actor), apptest.PolicyA, nil); apperr.CodeOf(err) != tc.code {
					t.Fatalf("Explain = %v, want %q", err, tc.code)
				}
				return
			}
			if err != nil || run.ID != 0 || run.Providers != before.Providers || len(run.Summaries) != run.Providers {
				t.Fatalf("Judge = %+v, %v; want an unsaved run of %d providers", run, err, before.Providers)
			}
			n := 0
			err = ts.Env.Assessments.Explain(ctx, who(ts, tc.actor), apptest.PolicyA, func(r *assessment.Result) error {
				if r.ProviderID != run.Summaries[n].ProviderID || r.Outcome != run.Summaries[n].Outcome {
					t.Errorf("Explain's result %d = %s %s, Judge's %s %s", n, r.ProviderID, r.Outcome, run.Summaries[n].ProviderID, run.Summaries[n].Outcome)
				}
				n++
				return nil
			})
			if err != nil || n != run.Providers {
				t.Fatalf("Explain gave %d results, %v; want %d", n, err, run.Providers)
			}
			if after := head(); after != seq {
				t.Errorf("the audit trail grew from %d to %d", seq, after)
			}
			latest, err := ts.Env.Assessments.LatestRun(ctx, op, apptest.PolicyA)
			if err != nil || latest.ID != before.ID {
				t.Errorf("latest run = %+v, %v; want run %d still", latest, err, before.ID)
			}
		})
	}
}
