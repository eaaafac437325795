package questionnaire_test

import (
	"context"
	"strings"
	"testing"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/assessment"
	"zorginkoop/internal/provider"
	"zorginkoop/internal/questionnaire"
)

func TestAnswersAreCheckedPerFactAndARejectedSaveChangesNothing(t *testing.T) {
	engines(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		x := f.who("x-invuller")
		tests := []struct {
			name   string
			fact   string
			value  string
			dutch  string // in the Dutch message
			reason string
		}{
			{"a score above the catalogue's range", "zorgkaart_score", "11", "Score ZorgkaartNederland", "tussen 1 en 10"},
			{"a yes/no answer that is neither", "vecozo_aansluiting", "misschien", "vecozo_aansluiting", "geen ja of nee"},
			{"a date that does not exist", "passend_kwaliteitskeurmerk_geldig_tot", "31-13-2026", "geldig tot", "geen datum"},
			{"a fact the questionnaire does not ask", "kleur", "rood", "kleur", "niet gevraagd"},
			{"a fact the insurer keeps", "zorgovereenkomst_zbc_vorig_jaar", "ja", "zorgovereenkomst_zbc_vorig_jaar", "niet gevraagd"},
			{"a fact the register keeps", "agb_geregistreerd", "ja", "agb_geregistreerd", "bron register"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				// One good answer beside the bad one: the save is all or nothing.
				err := f.svc.SaveAnswers(ctx, x, dossierX, map[string]string{"vermoeden_fraude": "nee", tc.fact: tc.value})
				wantCode(t, "SaveAnswers", err, apperr.Invalid)
				es := apperr.Errors(err)
				if len(es) != 1 || es[0].Field != tc.fact || !strings.Contains(es[0].Dutch, tc.dutch) ||
					!strings.Contains(es[0].Dutch, tc.reason) || !strings.Contains(es[0].Message, tc.fact) {
					t.Fatalf("errors %+v, want one naming %s in English and Dutch (%q, %q)", es, tc.fact, tc.dutch, tc.reason)
				}
				form, err := f.svc.Form(ctx, x, dossierX)
				if err != nil || len(form.Answers) != 0 {
					t.Fatalf("after a refused save: answers %v (%v)", form.Answers, err)
				}
			})
		}
		t.Run("Dutch notation is stored canonically and onbekend is an answer", func(t *testing.T) {
			err := f.svc.SaveAnswers(ctx, x, dossierX, map[string]string{"zorgkaart_score": "8,1",
				"passend_kwaliteitskeurmerk_geldig_tot": "31-12-2026", "vecozo_aansluiting": "Ja", "zkn_lid": "onbekend", "prem_gebruikt": ""})
			wantCode(t, "SaveAnswers", err, "")
			form, _ := f.svc.Form(ctx, x, dossierX)
			want := map[string]string{"zorgkaart_score": "8.1", "passend_kwaliteitskeurmerk_geldig_tot": "2026-12-31", "vecozo_aansluiting": "true", "zkn_lid": ""}
			if len(form.Answers) != len(want) {
				t.Fatalf("answers %v, want %v", form.Answers, want)
			}
			for k, v := range want {
				if a := form.Answers[k]; a.Value != v || a.Unknown != (k == "zkn_lid") || a.SavedBy != x.UserID() {
					t.Errorf("answer %s = %+v, want %q", k, a, v)
				}
			}
			if n := countEntries(f.entries(t, dossierX), questionnaire.ActionAnswers, false); n != 1 {
				t.Errorf("%d audit entries of saved answers, want 1", n)
			}
			if form, err := f.svc.Form(ctx, f.who("eucare-inkoper"), dossierX); err != nil || len(form.Answers) != 0 {
				t.Errorf("the insurer sees draft answers: %v %v", form, err)
			}
		})
	})
}

func TestWhoAnswersTheQuestionnaire(t *testing.T) {
	engines(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		for _, tc := range []struct {
			actor string
			code  apperr.Code
		}{
			{"x-invuller", ""}, {"x-beheerder", ""}, {"x-contractmanager", ""},
			{"x-tekenbevoegde", apperr.Forbidden}, {"eucare-inkoper", apperr.Forbidden},
			{"y-beheerder", apperr.NotFound}, {"cz-adviseur", apperr.NotFound}, {"anoniem", apperr.Unauthenticated},
			{"operator", apperr.Forbidden},
		} {
			t.Run(tc.actor, func(t *testing.T) {
				err := f.svc.SaveAnswers(ctx, f.who(tc.actor), dossierX, map[string]string{"vermoeden_fraude": "nee"})
				wantCode(t, "SaveAnswers", err, tc.code)
				_, err = f.svc.Form(ctx, f.who(tc.actor), dossierX)
				if tc.code == apperr.NotFound || tc.code == apperr.Unauthenticated {
					wantCode(t, "Form", err, tc.code)
				} else {
					wantCode(t, "Form", err, "")
				}
			})
		}
	})
}

func TestEvidenceMustBeADocumentOfTheSameDossierForARequirementAskingForIt(t *testing.T) {
	engines(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		x := f.who("x-invuller")
		f.docs["doc-x"] = questionnaire.DocumentRef{ID: "doc-x", DossierID: dossierX, Name: "keurmerk.pdf", SHA256: "aa"}
		f.docs["doc-y"] = questionnaire.DocumentRef{ID: "doc-y", DossierID: dossierY, Name: "y.pdf", SHA256: "bb"}
		wantCode(t, "another dossier's document", f.svc.AttachEvidence(ctx, x, dossierX, "kwaliteitskeurmerk-accreditatie", "doc-y"), apperr.NotFound)
		wantCode(t, "no such document", f.svc.AttachEvidence(ctx, x, dossierX, "kwaliteitskeurmerk-accreditatie", "doc-z"), apperr.NotFound)
		wantCode(t, "a requirement without evidence", f.svc.AttachEvidence(ctx, x, dossierX, "digitale-zorg-inzetten", "doc-x"), apperr.Invalid)
		wantCode(t, "by the signatory", f.svc.AttachEvidence(ctx, f.who("x-tekenbevoegde"), dossierX, "kwaliteitskeurmerk-accreditatie", "doc-x"), apperr.Forbidden)
		wantCode(t, "by another provider", f.svc.AttachEvidence(ctx, f.who("y-beheerder"), dossierX, "kwaliteitskeurmerk-accreditatie", "doc-x"), apperr.NotFound)
		wantCode(t, "attach", f.svc.AttachEvidence(ctx, x, dossierX, "kwaliteitskeurmerk-accreditatie", "doc-x"), "")
		form, _ := f.svc.Form(ctx, x, dossierX)
		if len(form.Evidence) != 1 || form.Evidence[0].DocumentID != "doc-x" || form.Evidence[0].Name != "keurmerk.pdf" {
			t.Fatalf("evidence %+v", form.Evidence)
		}
	})
}

func TestSubmittingDeclaresTheAnswersAndAssessesAtOnce(t *testing.T) {
	engines(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		sub := f.submitted(t)
		rec := f.record(t, providerX)
		if len(sub.Facts) == 0 {
			t.Fatal("no facts declared")
		}
		for _, key := range sub.Facts {
			fa := rec[key]
			if fa.Source != provider.SourceProvider || fa.Date != today {
				t.Errorf("fact %s = %+v, want source aanbieder and date %s", key, fa, today)
			}
		}
		if fa := rec["passend_kwaliteitskeurmerk_geldig_tot"]; fa.Evidence != "document:doc-kwaliteitskeurmerk-accreditatie" || fa.Value != "2027-12-31" {
			t.Errorf("evidence fact %+v, want the attached document as its evidence", fa)
		}
		if fa := rec["agb_geregistreerd"]; fa.Source != provider.SourceRegister {
			t.Errorf("the register's fact became %+v", fa)
		}
		// The outcome per part of the dossier, explained.
		if len(sub.Outcome.Parts) != 2 || sub.Outcome.Parts[0].Part != caresqBase || sub.Outcome.Parts[1].Part != drugsPart {
			t.Fatalf("outcome parts %+v", sub.Outcome.Parts)
		}
		for _, p := range sub.Outcome.Parts {
			if p.Outcome != assessment.Eligible || p.Explanation == "" || len(p.Items) == 0 {
				t.Errorf("part %s: %s (%s), want eligible with an explanation and items", p.Part, p.Outcome, p.Explanation)
			}
		}
		if got := f.stages[dossierX]; strings.Join(got, ",") != "applied,assessed" {
			t.Errorf("hooks %v, want applied then assessed", got)
		}
		es := f.entries(t, dossierX)
		if countEntries(es, questionnaire.ActionSubmit, false) != 1 {
			t.Errorf("no audit entry of the submission")
		}
		for _, actor := range []string{"x-beheerder", "x-invuller", "eucare-inkoper", "operator"} {
			res, err := f.svc.Result(ctx, f.who(actor), dossierX)
			if err != nil || len(res.Parts) != 2 || res.Parts[0].OutcomeText != "komt in aanmerking" {
				t.Errorf("Result for %s = %+v, %v", actor, res, err)
			}
		}
		if form, err := f.svc.Form(ctx, f.who("eucare-inkoper"), dossierX); err != nil || len(form.Answers) == 0 || len(form.Evidence) == 0 || form.Submitted == nil {
			t.Errorf("after submission the insurer does not see the answers and evidence: %v", err)
		}
		_, err := f.svc.Result(ctx, f.who("y-beheerder"), dossierX)
		wantCode(t, "Result for another provider", err, apperr.NotFound)
		_, err = f.svc.Result(ctx, f.who("x-beheerder"), dossierY)
		wantCode(t, "Result of a dossier of another provider", err, apperr.NotFound)
		_, err = f.svc.Submit(ctx, f.who("x-beheerder"), dossierX)
		wantCode(t, "a second submission", err, apperr.Conflict)
		err = f.svc.SaveAnswers(ctx, f.who("x-invuller"), dossierX, map[string]string{"vermoeden_fraude": "ja"})
		wantCode(t, "answers after submission", err, apperr.Conflict)
	})
}

func TestTheAnswersDecideTheOutcome(t *testing.T) {
	engines(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		answers := f.fullAnswers(t, dossierX)
		answers["vermoeden_fraude"] = "ja" // an exclusion ground of the base contract
		if err := f.svc.SaveAnswers(ctx, f.who("x-invuller"), dossierX, answers); err != nil {
			t.Fatal(err)
		}
		sub, err := f.svc.Submit(ctx, f.who("x-beheerder"), dossierX) // no evidence attached either
		if err != nil {
			t.Fatal(err)
		}
		if o := sub.Outcome.Parts[0].Outcome; o != assessment.NotEligible {
			t.Errorf("base contract %s, want not eligible", o)
		}
		if o := sub.Outcome.Parts[1].Outcome; o != assessment.NotEligible {
			t.Errorf("the drugs part, which requires the base contract: %s, want not eligible", o)
		}
	})
}

func TestOnlyTheBeheerderSubmitsAndARefusedSubmissionChangesNothing(t *testing.T) {
	engines(t, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		before := f.record(t, providerX)
		nothingChanged := func(t *testing.T) {
			t.Helper()
			after := f.record(t, providerX)
			if len(after) != len(before) {
				t.Errorf("facts changed: %d, were %d", len(after), len(before))
			}
			if len(f.stages[dossierX]) != 0 {
				t.Errorf("stage hooks called: %v", f.stages[dossierX])
			}
			if countEntries(f.entries(t, dossierX), questionnaire.ActionSubmit, false) != 0 {
				t.Error("a submission is in the audit trail")
			}
			if _, err := f.svc.Result(ctx, f.who("x-beheerder"), dossierX); apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("a result after a refused submission: %v", err)
			}
		}

		t.Run("unanswered questions are listed", func(t *testing.T) {
			_, err := f.svc.Submit(ctx, f.who("x-beheerder"), dossierX)
			wantCode(t, "Submit", err, apperr.Invalid)
			e := apperr.Errors(err)[0]
			if !strings.Contains(e.Field, "vermoeden_fraude") || !strings.Contains(e.Dutch, "Nog niet beantwoord") {
				t.Errorf("error %+v, want the unanswered facts named", e)
			}
			nothingChanged(t)
		})
		if err := f.svc.SaveAnswers(ctx, f.who("x-invuller"), dossierX, f.fullAnswers(t, dossierX)); err != nil {
			t.Fatal(err)
		}
		for _, actor := range []string{"x-invuller", "x-contractmanager", "eucare-inkoper"} {
			t.Run(actor+" may not submit", func(t *testing.T) {
				_, err := f.svc.Submit(ctx, f.who(actor), dossierX)
				wantCode(t, "Submit", err, apperr.Forbidden)
				nothingChanged(t)
			})
		}
		if n := countEntries(f.entries(t, dossierX), questionnaire.ActionSubmit, true); n != 3 {
			t.Errorf("%d refused submissions in the trail, want 3", n)
		}
		t.Run("another provider", func(t *testing.T) {
			_, err := f.svc.Submit(ctx, f.who("y-beheerder"), dossierX)
			wantCode(t, "Submit", err, apperr.NotFound)
		})
		t.Run("a failing stage change rolls the declared facts back", func(t *testing.T) {
			f.failHook = &apperr.Error{Code: apperr.Conflict, Message: "stage"}
			defer func() { f.failHook = nil }()
			_, err := f.svc.Submit(ctx, f.who("x-beheerder"), dossierX)
			wantCode(t, "Submit", err, apperr.Conflict)
			nothingChanged(t)
		})
		t.Run("after a hard deadline", func(t *testing.T) {
			f.deadline = &apperr.Error{Code: apperr.Forbidden, Message: "the deadline of 1 September 2025 has passed",
				Dutch: "De uiterste datum 1 september 2025 is verstreken."}
			defer func() { f.deadline = nil }()
			_, err := f.svc.Submit(ctx, f.who("x-beheerder"), dossierX)
			wantCode(t, "Submit", err, apperr.Forbidden)
			nothingChanged(t)
			if n := countEntries(f.entries(t, dossierX), questionnaire.ActionSubmit, true); n != 4 {
				t.Errorf("the late submission is not recorded as refused (%d refused)", n)
			}
		})
		t.Run("a soft deadline warns", func(t *testing.T) {
			f.warnLate = "De uiterste datum is verstreken."
			sub, err := f.svc.Submit(ctx, f.who("x-beheerder"), dossierX)
			wantCode(t, "Submit", err, "")
			if sub.Warning != f.warnLate {
				t.Errorf("warning %q", sub.Warning)
			}
		})
	})
}

func TestAnUnknownDossierIsNotFoundAndAnUnwiredServiceSaysSo(t *testing.T) {
	f := newFixture(t, "sqlite")
	ctx := context.Background()
	_, err := f.svc.Form(ctx, f.who("x-beheerder"), "dos-ffffffffffffffff")
	wantCode(t, "Form of an unknown dossier", err, apperr.NotFound)
	f.svc.SetLinks(questionnaire.Links{})
	_, err = f.svc.Form(ctx, f.who("x-beheerder"), dossierX)
	wantCode(t, "Form without the dossier lookup", err, apperr.Internal)
	if !strings.Contains(err.Error(), "not wired") {
		t.Errorf("error %v does not say what is missing", err)
	}
}
