package storetest

import (
	"context"
	"testing"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/round"
	"zorginkoop/internal/store"
)

// RunRounds runs the suite of the purchasing round's store: rounds, dossiers with their
// parts and quote, the version check, listing and counting, and extensions.
func RunRounds(t *testing.T, open Opener) {
	run(t, open, []storeTest{
		{"a round round-trips with the insurer's dates, and a second with the same id is a conflict", testRoundRoundTrip},
		{"a dossier round-trips with its parts, decision, quote and start date", testDossierRoundTrip},
		{"a second dossier of the same provider in a round is a conflict", testDossierUnique},
		{"an update with a stale version is a conflict and changes nothing", testDossierVersion},
		{"dossiers list by round, stage and providers, paged, with the total; open dossiers page by id", testDossierLists},
		{"an extension replaces the earlier one of its step, per dossier and for the whole round", testExtensions},
		{"a dossier read in a transaction sees the transaction's own writes", testDossierInTx},
	})
}

var roundNow = time.Date(2025, 8, 1, 10, 0, 0, 0, time.UTC)

func date(s string) policy.Date {
	d, err := policy.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func newRound(t *testing.T, db store.DB, id string) *round.Round {
	t.Helper()
	r := &round.Round{ID: id, PolicyID: "caresq-zbc-2026", Year: 2000 + int(id[len(id)-1]), Insurer: "eucare", OpenedAt: roundNow, OpenedBy: "u1",
		Dates: []round.RoundDate{{Step: policy.StepQuote, Date: date("2025-10-01"), Hard: true}}}
	if err := db.CreateRound(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	return r
}

func newDossier(id, roundID, providerID string, stage round.Stage, created time.Time) *round.Dossier {
	return &round.Dossier{ID: id, RoundID: roundID, PolicyID: "caresq-zbc-2026", Year: 2026, Insurer: "eucare", ProviderID: providerID,
		Kind: round.KindNew, Stage: stage, Parts: []round.DossierPart{{Part: "basis", Requested: true}}, CreatedAt: created, UpdatedAt: created, Version: 1}
}

func testRoundRoundTrip(t *testing.T, db store.DB) {
	ctx := context.Background()
	r := newRound(t, db, "caresq-zbc-2026-2026")
	got, err := db.Round(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.PolicyID != r.PolicyID || got.Year != r.Year || !got.OpenedAt.Equal(roundNow) || len(got.Dates) != 1 ||
		got.Dates[0].Step != policy.StepQuote || !got.Dates[0].Hard || got.Dates[0].Date.String() != "2025-10-01" {
		t.Errorf("round = %+v", got)
	}
	if err := db.CreateRound(ctx, r); apperr.CodeOf(err) != apperr.Conflict {
		t.Errorf("second round: %v, want conflict", err)
	}
	if _, err := db.Round(ctx, "nope"); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("missing round: %v, want not found", err)
	}
}

func testDossierRoundTrip(t *testing.T, db store.DB) {
	ctx := context.Background()
	r := newRound(t, db, "r1")
	d := newDossier("dos-0000000000000001", r.ID, "p1", round.Assessed, roundNow)
	d.Parts[0].Decision = &round.Decision{Outcome: round.RefusedIt, Reason: "Om moverende redenen", Discretionary: true, By: "u1", At: roundNow}
	d.Parts = append(d.Parts, round.DossierPart{Part: "extra", Offered: true, OfferSent: &round.Act{By: "u2", At: roundNow}})
	d.Quote = &round.Quote{Text: "Onze offerte", DocumentID: "doc-1", By: "u3", At: roundNow}
	d.Starts, d.Note, d.NextYear = date("2024-03-01"), "Tussentijdse aanvraag", true
	if err := db.CreateDossier(ctx, d); err != nil {
		t.Fatal(err)
	}
	got, err := db.Dossier(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Stage != round.Assessed || got.Kind != round.KindNew || len(got.Parts) != 2 || !got.Parts[0].Decision.Discretionary ||
		got.Parts[1].OfferSent == nil || got.Quote == nil || got.Quote.DocumentID != "doc-1" || got.Starts.String() != "2024-03-01" ||
		!got.NextYear || got.Note != d.Note || !got.CreatedAt.Equal(roundNow) {
		t.Errorf("dossier = %+v", got)
	}
	if of, err := db.DossierOf(ctx, r.ID, "p1"); err != nil || of.ID != d.ID {
		t.Errorf("DossierOf = %v, %v", of, err)
	}
	if _, err := db.Dossier(ctx, "dos-ffffffffffffffff"); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("missing dossier: %v, want not found", err)
	}
}

func testDossierUnique(t *testing.T, db store.DB) {
	ctx := context.Background()
	r := newRound(t, db, "r1")
	if err := db.CreateDossier(ctx, newDossier("dos-1", r.ID, "p1", round.Applied, roundNow)); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateDossier(ctx, newDossier("dos-2", r.ID, "p1", round.Applied, roundNow)); apperr.CodeOf(err) != apperr.Conflict {
		t.Errorf("second dossier: %v, want conflict", err)
	}
}

func testDossierVersion(t *testing.T, db store.DB) {
	ctx := context.Background()
	r := newRound(t, db, "r1")
	d := newDossier("dos-1", r.ID, "p1", round.Applied, roundNow)
	if err := db.CreateDossier(ctx, d); err != nil {
		t.Fatal(err)
	}
	d.Stage, d.Version = round.Assessed, 2
	if err := db.UpdateDossier(ctx, d, 1); err != nil {
		t.Fatal(err)
	}
	d.Stage, d.Version = round.Refused, 3
	if err := db.UpdateDossier(ctx, d, 1); apperr.CodeOf(err) != apperr.Conflict {
		t.Errorf("stale update: %v, want conflict", err)
	}
	got, _ := db.Dossier(ctx, d.ID)
	if got.Stage != round.Assessed || got.Version != 2 {
		t.Errorf("after stale update: %s v%d, want assessed v2", got.Stage, got.Version)
	}
}

func testDossierLists(t *testing.T, db store.DB) {
	ctx := context.Background()
	r1, r2 := newRound(t, db, "r1"), newRound(t, db, "r2")
	stages := []round.Stage{round.Applied, round.Applied, round.Refused, round.Published, round.Offered}
	for i, st := range stages {
		id := "dos-" + string(rune('a'+i))
		if err := db.CreateDossier(ctx, newDossier(id, r1.ID, "p"+string(rune('a'+i)), st, roundNow.Add(time.Duration(i)*time.Minute))); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.CreateDossier(ctx, newDossier("dos-z", r2.ID, "pa", round.Applied, roundNow)); err != nil {
		t.Fatal(err)
	}
	page, total, err := db.Dossiers(ctx, round.Filter{RoundID: r1.ID, Limit: 2, Offset: 1})
	if err != nil || total != 5 || len(page) != 2 || page[0].ID != "dos-b" || page[1].ID != "dos-c" {
		t.Errorf("page = %v, total %d, %v", ids(page), total, err)
	}
	page, total, _ = db.Dossiers(ctx, round.Filter{RoundID: r1.ID, Stage: round.Applied, Limit: 10})
	if total != 2 || len(page) != 2 {
		t.Errorf("applied = %v, total %d", ids(page), total)
	}
	page, total, _ = db.Dossiers(ctx, round.Filter{ProviderIDs: []string{"pa"}, Limit: 10})
	if total != 2 || len(page) != 2 {
		t.Errorf("provider pa = %v, total %d", ids(page), total)
	}
	if page, total, _ = db.Dossiers(ctx, round.Filter{ProviderIDs: []string{}, Limit: 10}); total != 0 || len(page) != 0 {
		t.Errorf("no providers = %v", ids(page))
	}
	counts, err := db.StageCounts(ctx, r1.ID)
	if err != nil || counts[round.Applied] != 2 || counts[round.Refused] != 1 || counts[round.Offered] != 1 {
		t.Errorf("counts = %v, %v", counts, err)
	}
	open1, _ := db.OpenDossiers(ctx, "", 2)
	open2, _ := db.OpenDossiers(ctx, open1[len(open1)-1].ID, 2)
	if got := append(ids(open1), ids(open2)...); len(got) != 4 || got[0] != "dos-a" || got[3] != "dos-z" {
		t.Errorf("open dossiers = %v, want dos-a, dos-b, dos-e, dos-z", got)
	}
}

func ids(ds []round.Dossier) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.ID)
	}
	return out
}

func testExtensions(t *testing.T, db store.DB) {
	ctx := context.Background()
	r := newRound(t, db, "r1")
	save := func(dossier, d string) {
		t.Helper()
		if err := db.SaveExtension(ctx, r.ID, dossier, policy.StepSigning, round.Extension{Date: date(d), Reason: "Storing", By: "u1", At: roundNow}); err != nil {
			t.Fatal(err)
		}
	}
	save("", "2025-11-13")
	save("", "2025-11-14")
	save("dos-1", "2025-11-20")
	ext, err := db.Extensions(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := ext[""][policy.StepSigning]; got.Date.String() != "2025-11-14" || got.Reason != "Storing" || !got.At.Equal(roundNow) {
		t.Errorf("round extension = %+v", got)
	}
	if got := ext["dos-1"][policy.StepSigning]; got.Date.String() != "2025-11-20" {
		t.Errorf("dossier extension = %+v", got)
	}
}

func testDossierInTx(t *testing.T, db store.DB) {
	ctx := context.Background()
	r := newRound(t, db, "r1")
	d := newDossier("dos-1", r.ID, "p1", round.Applied, roundNow)
	err := db.InTx(ctx, func(ctx context.Context) error {
		if err := db.CreateDossier(ctx, d); err != nil {
			return err
		}
		got, err := db.Dossier(ctx, d.ID)
		if err != nil {
			return err
		}
		if got.ProviderID != "p1" {
			t.Errorf("read in tx = %+v", got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
