package storetest

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/assessment"
	"zorginkoop/internal/questionnaire"
	"zorginkoop/internal/store"
)

// RunQuestionnaire runs the suite of the questionnaire's store: draft answers, evidence,
// the submission and the review decisions of dossiers.
func RunQuestionnaire(t *testing.T, open Opener) {
	run(t, open, []storeTest{
		{"answers round-trip per dossier, ordered by fact, and a second save replaces the first", testAnswersRoundTrip},
		{"evidence round-trips, and attaching the same document again replaces it", testEvidenceRoundTrip},
		{"a submission round-trips with its outcome, and a second one of the dossier is a conflict", testSubmissionOnce},
		{"review decisions round-trip and a second decision replaces the first", testReviewsRoundTrip},
		{"inside a transaction reads see its writes, and a rollback leaves nothing", testQuestionnaireInTx},
	})
}

var qAt = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

func testAnswersRoundTrip(t *testing.T, db store.DB) {
	ctx := context.Background()
	a := []questionnaire.Answer{
		{DossierID: "dos-1", Fact: "zkn_lid", Value: "true", SavedBy: "u1", SavedAt: qAt},
		{DossierID: "dos-1", Fact: "asa_max", Unknown: true, SavedBy: "u1", SavedAt: qAt},
		{DossierID: "dos-2", Fact: "zkn_lid", Value: "false", SavedBy: "u2", SavedAt: qAt},
	}
	if err := db.SaveAnswers(ctx, a); err != nil {
		t.Fatal(err)
	}
	changed := a[0]
	changed.Value, changed.SavedBy, changed.SavedAt = "false", "u3", qAt.Add(time.Hour)
	if err := db.SaveAnswers(ctx, []questionnaire.Answer{changed}); err != nil {
		t.Fatal(err)
	}
	got, err := db.Answers(ctx, "dos-1")
	if err != nil {
		t.Fatal(err)
	}
	want := []questionnaire.Answer{a[1], changed}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("answers\n got %+v\nwant %+v", got, want)
	}
	if none, _ := db.Answers(ctx, "dos-9"); len(none) != 0 {
		t.Errorf("answers of an unknown dossier: %v", none)
	}
}

func testEvidenceRoundTrip(t *testing.T, db store.DB) {
	ctx := context.Background()
	e1 := questionnaire.Evidence{DossierID: "dos-1", RequirementID: "b-req", DocumentID: "doc-1", Name: "a.pdf", SHA256: "aa", AttachedBy: "u1", AttachedAt: qAt}
	e2 := questionnaire.Evidence{DossierID: "dos-1", RequirementID: "a-req", DocumentID: "doc-2", Name: "b.pdf", SHA256: "bb", AttachedBy: "u1", AttachedAt: qAt.Add(time.Minute)}
	for _, e := range []questionnaire.Evidence{e1, e2} {
		if err := db.AttachEvidence(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	e1.Name = "a-v2.pdf"
	if err := db.AttachEvidence(ctx, e1); err != nil {
		t.Fatal(err)
	}
	got, err := db.Evidence(ctx, "dos-1")
	if err != nil {
		t.Fatal(err)
	}
	if want := []questionnaire.Evidence{e2, e1}; !reflect.DeepEqual(got, want) {
		t.Errorf("evidence\n got %+v\nwant %+v", got, want)
	}
}

func testSubmissionOnce(t *testing.T, db store.DB) {
	ctx := context.Background()
	if _, err := db.Submission(ctx, "dos-1"); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("Submission before saving = %v, want NotFound", err)
	}
	s := questionnaire.Submission{DossierID: "dos-1", PolicyID: "caresq-zbc-2026", ProviderID: "p", Insurer: "eucare",
		SubmittedBy: "u1", SubmittedAt: qAt, FactDate: "2026-03-01", Facts: []string{"zkn_lid"}, Warning: "laat",
		Outcome: questionnaire.Outcome{PolicyID: "caresq-zbc-2026", Parts: []questionnaire.PartOutcome{{
			PartResult: assessment.PartResult{Part: "zorgovereenkomst-zbc", Title: "Basis", Base: true, Outcome: assessment.Eligible,
				OutcomeText: "komt in aanmerking", Explanation: "Voldoet."},
			Items: []questionnaire.ItemOutcome{{Item: assessment.Item{RequirementID: "r1", Status: assessment.Review, Title: "R"}}},
		}}}}
	if err := db.SaveSubmission(ctx, s); err != nil {
		t.Fatal(err)
	}
	got, err := db.Submission(ctx, "dos-1")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*got, s) {
		t.Errorf("submission\n got %+v\nwant %+v", *got, s)
	}
	if err := db.SaveSubmission(ctx, s); apperr.CodeOf(err) != apperr.Conflict {
		t.Errorf("a second submission = %v, want Conflict", err)
	}
}

func testReviewsRoundTrip(t *testing.T, db store.DB) {
	ctx := context.Background()
	r := questionnaire.Review{DossierID: "dos-1", RequirementID: "r2", Verdict: questionnaire.VerdictMet, Reason: "Goed",
		DecidedBy: "u1", DecidedByName: "Adviseur", DecidedAt: qAt}
	r1 := r
	r1.RequirementID = "r1"
	for _, x := range []questionnaire.Review{r, r1} {
		if err := db.SaveReview(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	r.Verdict, r.Reason = questionnaire.VerdictNotMet, "Toch niet"
	if err := db.SaveReview(ctx, r); err != nil {
		t.Fatal(err)
	}
	got, err := db.Reviews(ctx, "dos-1")
	if err != nil {
		t.Fatal(err)
	}
	if want := []questionnaire.Review{r1, r}; !reflect.DeepEqual(got, want) {
		t.Errorf("reviews\n got %+v\nwant %+v", got, want)
	}
}

func testQuestionnaireInTx(t *testing.T, db store.DB) {
	ctx := context.Background()
	rollback := errors.New("roll back")
	err := db.InTx(ctx, func(ctx context.Context) error {
		if err := db.SaveAnswers(ctx, []questionnaire.Answer{{DossierID: "dos-1", Fact: "zkn_lid", Value: "true", SavedBy: "u", SavedAt: qAt}}); err != nil {
			return err
		}
		if err := db.SaveSubmission(ctx, questionnaire.Submission{DossierID: "dos-1", SubmittedAt: qAt}); err != nil {
			return err
		}
		a, err := db.Answers(ctx, "dos-1")
		if err != nil || len(a) != 1 {
			t.Errorf("inside the transaction: answers %v %v", a, err)
		}
		if _, err := db.Submission(ctx, "dos-1"); err != nil {
			t.Errorf("inside the transaction: submission %v", err)
		}
		return rollback
	})
	if !errors.Is(err, rollback) {
		t.Fatal(err)
	}
	if a, _ := db.Answers(ctx, "dos-1"); len(a) != 0 {
		t.Errorf("after the rollback: answers %v", a)
	}
	if _, err := db.Submission(ctx, "dos-1"); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("after the rollback: submission %v", err)
	}
}
