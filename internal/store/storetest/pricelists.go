package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/pricelist"
	"zorginkoop/internal/store"
)

// RunPriceLists runs the suite of price lists and their rounds: stored and read back,
// a round added only on the version it was based on, an agreement recorded once.
func RunPriceLists(t *testing.T, open Opener) {
	run(t, open, []storeTest{
		{"a price list and its rounds round-trip, the latest version's lines with the list", testPriceListRoundTrip},
		{"a second price list for the same part is a conflict", testPriceListTwice},
		{"a round on a stale version or an agreed list is a conflict and changes nothing", testPriceListStale},
		{"reads inside a transaction see its writes", testPriceListInTx},
		{"an unknown price list is not found", testPriceListNotFound},
	})
}

var plAt = time.Date(2026, 10, 1, 8, 30, 0, 123456000, time.UTC)

func plLines(tariff int64) []pricelist.Line {
	return []pricelist.Line{
		{Code: "13000", Description: "Consult – huisarts", Tariff: tariff, Volume: 1200},
		{Code: "13001", Description: "Visite", Tariff: 2000, Volume: 0, Category: 2, Ceiling: 500_000_00},
	}
}

func plParty(side pricelist.Side, user string, at time.Time) pricelist.Party {
	return pricelist.Party{Side: side, UserID: user, UserName: "Gebruiker " + user, OrgID: "org-" + user, At: at}
}

func newPriceList(t *testing.T, db store.DB, part string) pricelist.PriceList {
	t.Helper()
	by := plParty(pricelist.SideInsurer, "inkoper", plAt)
	pl := pricelist.PriceList{DossierID: "dos-1", Part: part, Insurer: "cz-groep", ProviderID: "hap-de-linde", PriceListOnly: part == "s3",
		Status: pricelist.Proposed, Version: 1, Lines: plLines(1250), By: by, UpdatedAt: plAt}
	if err := db.CreatePriceList(context.Background(), pl, pricelist.Round{Version: 1, By: by, Note: "voorstel", Lines: pl.Lines}); err != nil {
		t.Fatalf("CreatePriceList: %v", err)
	}
	return pl
}

func counter(pl pricelist.PriceList, tariff int64, at time.Time) (pricelist.PriceList, pricelist.Round) {
	by := plParty(pricelist.SideProvider, "contractmanager", at)
	pl.Status, pl.Version, pl.Lines, pl.By, pl.UpdatedAt = pricelist.Countered, pl.Version+1, plLines(tariff), by, at
	return pl, pricelist.Round{Version: pl.Version, By: by, Note: "tegenvoorstel", Lines: pl.Lines}
}

func testPriceListRoundTrip(t *testing.T, db store.DB) {
	ctx := context.Background()
	first := newPriceList(t, db, "basis")
	newPriceList(t, db, "s3")
	second, r := counter(first, 1375, plAt.Add(time.Hour))
	if err := db.AddPriceListRound(ctx, second, 1, r); err != nil {
		t.Fatalf("AddPriceListRound: %v", err)
	}
	acc := plParty(pricelist.SideInsurer, "contractbeheerder", plAt.Add(2*time.Hour))
	if err := db.AgreePriceList(ctx, "dos-1", "basis", 2, acc); err != nil {
		t.Fatalf("AgreePriceList: %v", err)
	}
	got, err := db.PriceList(ctx, "dos-1", "basis")
	if err != nil {
		t.Fatal(err)
	}
	want := second
	want.Status, want.AgreedAt, want.UpdatedAt = pricelist.Agreed, acc.At, acc.At
	same(t, "price list", *got, want)
	rs, err := db.PriceListRounds(ctx, "dos-1", "basis")
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2 || rs[0].Note != "voorstel" || rs[0].Accepted != nil || !slices.Equal(rs[1].Lines, plLines(1375)) {
		t.Fatalf("rounds: %+v", rs)
	}
	same(t, "acceptance", *rs[1].Accepted, acc)
	all, err := db.PriceLists(ctx, "dos-1")
	if err != nil || len(all) != 2 || all[0].Part != "basis" || all[1].Part != "s3" || !all[1].PriceListOnly {
		t.Fatalf("PriceLists = %+v, %v", all, err)
	}
}

func testPriceListTwice(t *testing.T, db store.DB) {
	newPriceList(t, db, "basis")
	by := plParty(pricelist.SideInsurer, "ander", plAt)
	pl := pricelist.PriceList{DossierID: "dos-1", Part: "basis", Insurer: "cz-groep", ProviderID: "x", Status: pricelist.Proposed, Version: 1, UpdatedAt: plAt}
	err := db.CreatePriceList(context.Background(), pl, pricelist.Round{Version: 1, By: by, Lines: plLines(1)})
	if apperr.CodeOf(err) != apperr.Conflict {
		t.Fatalf("second CreatePriceList = %v, want Conflict", err)
	}
	if got, _ := db.PriceList(context.Background(), "dos-1", "basis"); got.Lines[0].Tariff != 1250 {
		t.Fatalf("the first price list changed: %+v", got)
	}
}

func testPriceListStale(t *testing.T, db store.DB) {
	ctx := context.Background()
	first := newPriceList(t, db, "basis")
	second, r := counter(first, 1375, plAt.Add(time.Hour))
	if err := db.AddPriceListRound(ctx, second, 1, r); err != nil {
		t.Fatal(err)
	}
	stale, r := counter(first, 9999, plAt.Add(2*time.Hour))
	if err := db.AddPriceListRound(ctx, stale, 1, r); apperr.CodeOf(err) != apperr.Conflict {
		t.Fatalf("AddPriceListRound on version 1 = %v, want Conflict", err)
	}
	if err := db.AgreePriceList(ctx, "dos-1", "basis", 1, plParty(pricelist.SideProvider, "x", plAt)); apperr.CodeOf(err) != apperr.Conflict {
		t.Fatalf("AgreePriceList of version 1 = %v, want Conflict", err)
	}
	if err := db.AgreePriceList(ctx, "dos-1", "basis", 2, plParty(pricelist.SideInsurer, "y", plAt)); err != nil {
		t.Fatal(err)
	}
	third, r := counter(second, 1, plAt.Add(3*time.Hour))
	if err := db.AddPriceListRound(ctx, third, 2, r); apperr.CodeOf(err) != apperr.Conflict {
		t.Fatalf("AddPriceListRound on an agreed list = %v, want Conflict", err)
	}
	rs, _ := db.PriceListRounds(ctx, "dos-1", "basis")
	got, _ := db.PriceList(ctx, "dos-1", "basis")
	if len(rs) != 2 || got.Version != 2 || got.Status != pricelist.Agreed || got.Lines[0].Tariff != 1375 {
		t.Fatalf("after refused writes: %+v, %d rounds", got, len(rs))
	}
}

func testPriceListInTx(t *testing.T, db store.DB) {
	ctx := context.Background()
	first := newPriceList(t, db, "basis")
	err := db.InTx(ctx, func(ctx context.Context) error {
		pl, err := db.PriceList(ctx, "dos-1", "basis")
		if err != nil {
			return err
		}
		if err := db.AgreePriceList(ctx, "dos-1", "basis", pl.Version, plParty(pricelist.SideProvider, "x", plAt)); err != nil {
			return err
		}
		all, err := db.PriceLists(ctx, "dos-1")
		if err != nil {
			return err
		}
		if len(all) != 1 || all[0].Status != pricelist.Agreed {
			t.Errorf("inside the transaction: %+v", all)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := db.PriceList(ctx, "dos-1", first.Part); got.Status != pricelist.Agreed {
		t.Fatalf("after commit: %+v", got)
	}
}

func testPriceListNotFound(t *testing.T, db store.DB) {
	ctx := context.Background()
	if _, err := db.PriceList(ctx, "dos-1", "basis"); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("PriceList = %v, want NotFound", err)
	}
	if pls, err := db.PriceLists(ctx, "dos-1"); err != nil || len(pls) != 0 {
		t.Fatalf("PriceLists = %v, %v", pls, err)
	}
}
