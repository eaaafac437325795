package questionnaire_test

import (
	"context"
	"slices"
	"testing"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/assessment"
	"zorginkoop/internal/questionnaire"
)

func TestTheMedischAdviseurHandlesEveryReviewItemWithAReason(t *testing.T) {
	engines(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		_, err := f.svc.ReviewItems(ctx, f.who("eucare-inkoper"), dossierX)
		wantCode(t, "ReviewItems before submission", err, "")
		f.submitted(t)
		items, err := f.svc.ReviewItems(ctx, f.who("eucare-inkoper"), dossierX)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, it := range items {
			if it.Status != assessment.Review || it.Review != nil {
				t.Errorf("item %+v", it)
			}
			ids = append(ids, it.RequirementID)
		}
		if !slices.Contains(ids, "dure-geneesmiddelen-inkoop") || !slices.Contains(ids, "deel-van-zorgaanbod") {
			t.Fatalf("review items %v, want the base contract's and the drugs part's", ids)
		}
		for _, tc := range []struct {
			actor string
			code  apperr.Code
		}{
			{"x-beheerder", apperr.Forbidden}, {"cz-adviseur", apperr.NotFound}, {"y-beheerder", apperr.NotFound},
			{"operator", ""}, {"caresq-adviseur", ""},
		} {
			_, err := f.svc.ReviewItems(ctx, f.who(tc.actor), dossierX)
			wantCode(t, "ReviewItems by "+tc.actor, err, tc.code)
		}

		const req = "dure-geneesmiddelen-inkoop"
		for _, tc := range []struct {
			name    string
			actor   string
			req     string
			verdict questionnaire.Verdict
			reason  string
			code    apperr.Code
			field   string
		}{
			{"the inkoper", "eucare-inkoper", req, questionnaire.VerdictMet, "Goed", apperr.Forbidden, ""},
			{"the provider", "x-beheerder", req, questionnaire.VerdictMet, "Goed", apperr.Forbidden, ""},
			{"another insurer's adviser", "cz-adviseur", req, questionnaire.VerdictMet, "Goed", apperr.NotFound, ""},
			{"without a reason", "eucare-adviseur", req, questionnaire.VerdictNotMet, "  ", apperr.Invalid, "reason"},
			{"an unknown verdict", "eucare-adviseur", req, "misschien", "Goed", apperr.Invalid, "verdict"},
			{"a requirement that is not ter beoordeling", "eucare-adviseur", "digitale-zorg-inzetten", questionnaire.VerdictMet, "Goed", apperr.Invalid, "requirement"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := f.svc.HandleReview(ctx, f.who(tc.actor), dossierX, tc.req, tc.verdict, tc.reason)
				wantCode(t, "HandleReview", err, tc.code)
				if tc.field != "" && apperr.Errors(err)[0].Field != tc.field {
					t.Errorf("error %v, want field %s", err, tc.field)
				}
				if n := countEntries(f.entries(t, dossierX), questionnaire.ActionReview, false); n != 0 {
					t.Errorf("%d review entries after a refusal", n)
				}
			})
		}
		if n := countEntries(f.entries(t, dossierX), questionnaire.ActionReview, true); n != 2 {
			t.Errorf("%d refused review attempts in the trail, want 2 (inkoper, provider)", n)
		}

		r, err := f.svc.HandleReview(ctx, f.who("eucare-adviseur"), dossierX, req, questionnaire.VerdictNotMet,
			"Geen inkoopverband voor dure geneesmiddelen aangetoond.")
		if err != nil {
			t.Fatal(err)
		}
		if r.DecidedBy != f.who("eucare-adviseur").UserID() || r.DecidedAt.IsZero() {
			t.Errorf("review %+v lacks who or when", r)
		}
		if n := countEntries(f.entries(t, dossierX), questionnaire.ActionReview, false); n != 1 {
			t.Errorf("%d review entries, want 1", n)
		}
		items, _ = f.svc.ReviewItems(ctx, f.who("eucare-inkoper"), dossierX)
		for _, it := range items {
			if it.RequirementID == req && (it.Review == nil || it.Review.Verdict != questionnaire.VerdictNotMet) {
				t.Errorf("handled item %+v", it)
			}
		}
		// The provider sees the decision and its reason, not who decided.
		res, err := f.svc.Result(ctx, f.who("x-beheerder"), dossierX)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, p := range res.Parts {
			for _, it := range p.Items {
				if it.RequirementID == req {
					found = it.Review != nil && it.Review.Reason != "" && it.Review.DecidedBy == "" && it.Review.DecidedByName == ""
				}
			}
		}
		if !found {
			t.Error("the provider does not see the handled item, or sees who handled it")
		}
	})
}
