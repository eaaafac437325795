package storetest

import (
	"context"
	"fmt"
	"testing"

	"zorginkoop/internal/provider"
	"zorginkoop/internal/store"
)

// RunProviderDealings runs the suite of a provider's part choices and contracts: written
// with the record, read back with it, and per Selection only those of one policy and one
// insurer.
func RunProviderDealings(t *testing.T, open Opener) {
	run(t, open, []storeTest{
		{"part choices and contracts round-trip with the provider, and a replace replaces them", testDealingsRoundTrip},
		{"EachProvider reads only the selection's policy's part choices and its insurer's contracts", testDealingsSelection},
		{"StoredDealings reads the part choices and contracts of many providers, in the import's transaction", testStoredDealings},
		{"a listing holds no part choices or contracts", testDealingsNotListed},
		{"a staged import that fails on a duplicate contract leaves the live providers unchanged", testDealingsAllOrNothing},
	})
}

// dealing is full with part choices of two policies of two insurers and contracts with both.
func dealing(id string) provider.Provider {
	p := full(id, "Kliniek "+id)
	p.Parts = []provider.PartChoice{
		{Policy: "cz-msz-2024", Part: "selectief-borstkankerzorg", By: provider.SourceProvider, Insurer: "cz"},
		{Policy: "zz-msz-2024", Part: "bijcontractering", By: provider.SourceInsurer, Insurer: "zz"},
		{Policy: "cz-msz-2024", Part: "selectief-borstkankerzorg", By: provider.SourceInsurer, Insurer: "cz"},
	}
	p.Contracts = []provider.Contract{
		{Insurer: "zz", Policy: "zz-msz-2023", FirstYear: 2023, LastYear: 2025},
		{Insurer: "cz", Policy: "cz-hz-mdz-2021", Parts: []string{"rsv-voetzorg", "s3"}, FirstYear: 2021, LastYear: 2022},
		{Insurer: "cz", Policy: "cz-msz-2024", FirstYear: 2024, LastYear: 2024},
	}
	return p
}

func testDealingsRoundTrip(t *testing.T, db store.DB) {
	want := dealing("kliniek")
	replace(t, db, want)
	same(t, "provider", *get(t, db, want.ID), want)
	second := dealing("kliniek")
	second.Parts = second.Parts[1:2]
	second.Contracts = nil
	replace(t, db, second)
	same(t, "replaced provider", *get(t, db, want.ID), second)
}

func testDealingsSelection(t *testing.T, db store.DB) {
	a, b, c := dealing("a"), dealing("b"), full("c", "Zonder")
	replace(t, db, a, b, c)
	got := map[string]provider.Provider{}
	sel := provider.Selection{Facts: []string{"omzet_zvw"}, Policy: "cz-msz-2024", Insurer: "cz"}
	err := db.EachProvider(context.Background(), sel, func(p *provider.Provider) error {
		got[p.ID] = *p
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	wantParts := []provider.PartChoice{a.Parts[0], a.Parts[2]}
	wantContracts := a.Contracts[1:]
	for _, id := range []string{"a", "b"} {
		same(t, id+": part choices of cz-msz-2024", got[id].Parts, wantParts)
		same(t, id+": contracts with cz", got[id].Contracts, wantContracts)
		same(t, id+": facts", got[id].Facts, a.Facts[:1])
	}
	if p := got["c"]; p.Parts != nil || p.Contracts != nil {
		t.Errorf("c has no part choices or contracts, got %+v %+v", p.Parts, p.Contracts)
	}
	all := map[string]provider.Provider{}
	db.EachProvider(context.Background(), provider.Selection{}, func(p *provider.Provider) error {
		all[p.ID] = *p
		return nil
	})
	same(t, "an empty selection: every part choice", all["b"].Parts, b.Parts)
	same(t, "an empty selection: every contract", all["b"].Contracts, b.Contracts)
}

func testStoredDealings(t *testing.T, db store.DB) {
	ctx := context.Background()
	ps := Synthetic(2500, 1) // more ids than one query takes
	ps[2400].Parts, ps[2400].Contracts = dealing("x").Parts, dealing("x").Contracts
	ps[3].Contracts = dealing("x").Contracts[:1]
	replace(t, db, ps...)
	ids := []string{"bestaat-niet"}
	for _, p := range ps {
		ids = append(ids, p.ID)
	}
	err := db.InTx(ctx, func(ctx context.Context) error {
		got, err := db.StoredDealings(ctx, ids)
		if err != nil {
			return err
		}
		if len(got) != 2 {
			t.Errorf("part choices or contracts of %d providers, want 2", len(got))
		}
		same(t, "dealings of the last but hundred", got[ps[2400].ID], provider.Dealings{Parts: ps[2400].Parts, Contracts: ps[2400].Contracts})
		same(t, "dealings of the fourth", got[ps[3].ID], provider.Dealings{Contracts: ps[3].Contracts})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := db.StoredDealings(ctx, ids[:10]); err != nil || len(got) != 1 {
		t.Errorf("outside a transaction: %d providers (err %v), want 1", len(got), err)
	}
}

func testDealingsNotListed(t *testing.T, db store.DB) {
	replace(t, db, dealing("a"))
	ps, _, err := db.Providers(context.Background(), provider.AllProviders(), provider.Filter{})
	if err != nil || len(ps) != 1 {
		t.Fatalf("Providers: %d, %v", len(ps), err)
	}
	if ps[0].Parts != nil || ps[0].Contracts != nil {
		t.Errorf("the listing holds %+v and %+v", ps[0].Parts, ps[0].Contracts)
	}
}

func testDealingsAllOrNothing(t *testing.T, db store.DB) {
	old := dealing("p-000001")
	replace(t, db, old)
	ps := Synthetic(600, 1) // more than one staging chunk on SQLite
	for i := range ps {
		ps[i].Contracts = dealing("x").Contracts[:1]
	}
	ps[599].Contracts = append(ps[599].Contracts, ps[599].Contracts[0]) // the same contract twice
	if err := db.ReplaceProviders(context.Background(), ps, nil); err == nil {
		t.Fatal("ReplaceProviders succeeded, want an error for the duplicate contract")
	}
	same(t, "the provider it would replace", *get(t, db, old.ID), old)
	if got, err := db.StoredDealings(context.Background(), []string{"p-000002", fmt.Sprintf("p-%06d", 600)}); err != nil || len(got) != 0 {
		t.Errorf("contracts of a failed import are stored: %+v, %v", got, err)
	}
}
