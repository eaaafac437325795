package storetest

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/provider"
	"zorginkoop/internal/store"
)

// RunProviders runs the provider register's suite: records with their parts, listing,
// streaming, facts, and ReplaceProviders.
func RunProviders(t *testing.T, open Opener) {
	run(t, open, []storeTest{
		{"provider with every part round-trips", testRoundTrip},
		{"replacing a provider replaces all its parts", testReplace},
		{"StoredFacts reads the matching facts of many providers, in the import's transaction", testStoredFacts},
		{"missing provider is NotFound", testNotFound},
		{"list filters by care type and query, pages, counts the total", testList},
		{"EachProvider streams by id with facts, filtered, freshly allocated", testEach},
		{"ReplaceProviders is all or nothing", testAllOrNothing},
		{"providers are listed within a scope; the zero scope lists none", testListInScope},
		{"DeleteProviders removes records with their parts, skips unknown ids, joins the transaction", testDelete},
	})
}

// full is a provider with every part filled in.
func full(id, name string) provider.Provider {
	return provider.Provider{
		ID:   id,
		Name: name,
		KvK:  "12345678",
		AGBCodes: []provider.AGBCode{
			{Code: "06010001", Kind: provider.AGBInstitution},
			{Code: "01123456", Kind: provider.AGBCaregiver},
		},
		CareTypes:   []string{"msz", "zbc"},
		Specialisms: []string{"orthopedie", "dermatologie"},
		Locations: []provider.Location{
			{Name: "Hoofdlocatie", Street: "Lange Nieuwstraat 1", Postcode: "3512 PA", City: "Utrecht"},
			{Name: "Buitenpoli", Street: "Stationsplein 9", Postcode: "1012 AB", City: "Amsterdam"},
		},
		Facts: []provider.Fact{
			{Key: "omzet_zvw", Value: "12500000", Source: provider.SourceProvider, Date: "2024-12-31", Evidence: "jaarrekening-2024.pdf"},
			{Key: "contract_vorig_jaar", Insurer: "cz", Value: "true", Source: provider.SourceInsurer, Date: "2025-01-02"},
			{Key: "contract_vorig_jaar", Insurer: "asr", Value: "false", Source: provider.SourceInsurer, Date: "2025-01-03"},
			{Key: "wtza_toelating", Value: "true", Source: provider.SourceRegister, Date: "2023-11-09", Evidence: "https://zoeken.zorgaanbieders/wtza/1"},
		},
	}
}

func replace(t *testing.T, db store.DB, ps ...provider.Provider) {
	t.Helper()
	if err := db.ReplaceProviders(context.Background(), ps, nil); err != nil {
		t.Fatalf("ReplaceProviders: %v", err)
	}
}

func get(t *testing.T, db store.DB, id string) *provider.Provider {
	t.Helper()
	p, err := db.Provider(context.Background(), id)
	if err != nil {
		t.Fatalf("Provider(%q): %v", id, err)
	}
	return p
}

func same(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

func testRoundTrip(t *testing.T, db store.DB) {
	want := full("zbc-kliniek", "Kliniek Utrecht")
	replace(t, db, want)
	same(t, "provider", *get(t, db, want.ID), want)
}

func testReplace(t *testing.T, db store.DB) {
	other := full("other", "Andere Kliniek")
	replace(t, db, full("kliniek", "Kliniek"), other)
	second := provider.Provider{
		ID: "kliniek", Name: "Kliniek (nieuwe naam)", KvK: "87654321",
		AGBCodes:  []provider.AGBCode{{Code: "06019999", Kind: provider.AGBPractice}},
		CareTypes: []string{"huisartsenzorg"},
		Facts:     []provider.Fact{{Key: "omzet_zvw", Value: "1", Source: provider.SourceRegister, Date: "2025-06-01"}},
	}
	replace(t, db, second)
	same(t, "replaced provider", *get(t, db, "kliniek"), second)
	same(t, "untouched provider", *get(t, db, "other"), other)
}

func testStoredFacts(t *testing.T, db store.DB) {
	ctx := context.Background()
	ps := Synthetic(2500, 1) // more ids than one query takes
	ps[2400].Facts = full("x", "x").Facts
	replace(t, db, ps...)
	ids := make([]string, 0, len(ps)+1)
	for _, p := range ps {
		ids = append(ids, p.ID)
	}
	ids = append(ids, "bestaat-niet")
	want := full("x", "x").Facts
	tests := []struct {
		name string
		m    provider.FactMatch
		want []provider.Fact
	}{
		{"kept per insurer", provider.FactMatch{PerInsurer: true}, want[1:3]},
		{"kept per insurer or from the register", provider.FactMatch{PerInsurer: true, Sources: []provider.Source{provider.SourceRegister}},
			want[1:4]},
		{"from the provider", provider.FactMatch{Sources: []provider.Source{provider.SourceProvider}}, want[:1]},
	}
	for _, tc := range tests {
		err := db.InTx(ctx, func(ctx context.Context) error {
			got, err := db.StoredFacts(ctx, ids, tc.m)
			if err != nil {
				return err
			}
			if tc.m.Sources == nil && len(got) != 1 {
				t.Errorf("%s: facts of %d providers, want 1", tc.name, len(got))
			}
			if !reflect.DeepEqual(got[ps[2400].ID], tc.want) {
				t.Errorf("%s: %+v, want %+v", tc.name, got[ps[2400].ID], tc.want)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
	}
	if got, _ := db.StoredFacts(ctx, ids[:5], provider.FactMatch{Sources: []provider.Source{provider.SourceProvider}}); len(got) != 5 {
		t.Errorf("outside a transaction: facts of %d providers, want 5", len(got))
	}
}

func testNotFound(t *testing.T, db store.DB) {
	replace(t, db, full("er-is", "Er is"))
	_, err := db.Provider(context.Background(), "bestaat-niet")
	var ae *apperr.Error
	if !errors.As(err, &ae) || ae.Code != apperr.NotFound {
		t.Fatalf("Provider(missing) = %v, want *apperr.Error with code NotFound", err)
	}
}

func listed(ps []provider.Provider) []string {
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	return ids
}

func testList(t *testing.T, db store.DB) {
	mk := func(id, name, kvk, agb string, careTypes ...string) provider.Provider {
		return provider.Provider{ID: id, Name: name, KvK: kvk, CareTypes: careTypes,
			AGBCodes:  []provider.AGBCode{{Code: agb, Kind: provider.AGBInstitution}},
			Locations: []provider.Location{{Name: "L", Street: "S", Postcode: "1234 AB", City: "C"}},
			Facts:     []provider.Fact{{Key: "k", Value: "v", Source: provider.SourceProvider, Date: "2025-01-01"}}}
	}
	replace(t, db,
		mk("c", "Centrum Oost", "30000003", "06030003", "msz"),
		mk("a", "Apotheek_West", "10000001", "01010001", "huisartsenzorg"),
		mk("d", "De Huisarts", "40000004", "01040004", "huisartsenzorg", "msz"),
		mk("b", "Beter Kliniek", "20000002", "06020002", "msz"),
	)
	tests := []struct {
		name      string
		filter    provider.Filter
		wantIDs   []string
		wantTotal int
	}{
		{"no filter lists all by name", provider.Filter{}, []string{"a", "b", "c", "d"}, 4},
		{"care type keeps providers with that care type", provider.Filter{CareType: "msz"}, []string{"b", "c", "d"}, 3},
		{"query matches part of the name, any case", provider.Filter{Query: "KLINIEK"}, []string{"b"}, 1},
		{"query matches the KvK number", provider.Filter{Query: "30000003"}, []string{"c"}, 1},
		{"query matches the AGB code", provider.Filter{Query: "01040004"}, []string{"d"}, 1},
		{"underscore in the query is literal", provider.Filter{Query: "k_w"}, []string{"a"}, 1},
		{"percent in the query is literal", provider.Filter{Query: "%"}, nil, 0},
		{"care type and query combine", provider.Filter{CareType: "huisartsenzorg", Query: "huis"}, []string{"d"}, 1},
		{"limit gives the first page, total counts all", provider.Filter{Limit: 2}, []string{"a", "b"}, 4},
		{"offset and limit give a later page", provider.Filter{Offset: 2, Limit: 1}, []string{"c"}, 4},
		{"offset past the end gives nothing", provider.Filter{Offset: 10, Limit: 5}, nil, 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ps, total, err := db.Providers(context.Background(), provider.AllProviders(), tc.filter)
			if err != nil {
				t.Fatalf("Providers: %v", err)
			}
			same(t, "ids", listed(ps), append([]string{}, tc.wantIDs...))
			if total != tc.wantTotal {
				t.Errorf("total = %d, want %d", total, tc.wantTotal)
			}
			for _, p := range ps {
				if len(p.Facts) != 0 {
					t.Errorf("%s: listed with %d facts, want none", p.ID, len(p.Facts))
				}
				if len(p.AGBCodes) != 1 || len(p.CareTypes) == 0 || len(p.Locations) != 1 {
					t.Errorf("%s: listed without its parts: %+v", p.ID, p)
				}
			}
		})
	}
}

func testEach(t *testing.T, db store.DB) {
	ps := Synthetic(30, 5)
	// Store out of order: the stream must come back by id.
	shuffled := append([]provider.Provider{}, ps[15:]...)
	shuffled = append(shuffled, ps[:15]...)
	replace(t, db, shuffled...)

	t.Run("all providers by id with facts, each allocated afresh", func(t *testing.T) {
		var got []*provider.Provider
		err := db.EachProvider(context.Background(), provider.Selection{}, func(p *provider.Provider) error {
			got = append(got, p)
			return nil
		})
		if err != nil {
			t.Fatalf("EachProvider: %v", err)
		}
		if len(got) != len(ps) {
			t.Fatalf("got %d providers, want %d", len(got), len(ps))
		}
		seen := map[*provider.Provider]bool{}
		for i, p := range got {
			same(t, "provider "+ps[i].ID, *p, ps[i])
			if seen[p] {
				t.Fatalf("provider %s was handed out in an already used *Provider", p.ID)
			}
			seen[p] = true
		}
		// Changing one provider's facts must not change another's.
		got[0].Facts[0].Value = "changed"
		if got[1].Facts[0].Value == "changed" {
			t.Errorf("providers share their facts slice")
		}
	})
	t.Run("care types limit the stream", func(t *testing.T) {
		var ids []string
		err := db.EachProvider(context.Background(), provider.Selection{CareTypes: []string{"huisartsenzorg", "geen-zorg"}}, func(p *provider.Provider) error {
			ids = append(ids, p.ID)
			if len(p.Facts) != 5 {
				t.Errorf("%s: %d facts, want 5", p.ID, len(p.Facts))
			}
			return nil
		})
		if err != nil {
			t.Fatalf("EachProvider: %v", err)
		}
		var want []string
		for _, p := range ps {
			if p.CareTypes[0] == "huisartsenzorg" {
				want = append(want, p.ID)
			}
		}
		same(t, "ids", ids, want)
	})
	t.Run("only the selected facts are read, in their order", func(t *testing.T) {
		for _, keys := range [][]string{{"fact_03", "fact_01"}, {}} {
			n := 0
			err := db.EachProvider(context.Background(), provider.Selection{Facts: keys}, func(p *provider.Provider) error {
				want := slices.DeleteFunc(slices.Clone(ps[n].Facts), func(f provider.Fact) bool { return !slices.Contains(keys, f.Key) })
				if len(want) == 0 {
					want = nil // no fact rows: no facts slice
				}
				same(t, "facts of "+p.ID, p.Facts, want)
				n++
				return nil
			})
			if err != nil || n != len(ps) {
				t.Fatalf("EachProvider(facts %v) = %v after %d providers", keys, err, n)
			}
		}
	})
	t.Run("an error from the callback stops the stream", func(t *testing.T) {
		stop := errors.New("stop")
		n := 0
		err := db.EachProvider(context.Background(), provider.Selection{}, func(*provider.Provider) error {
			n++
			return stop
		})
		if !errors.Is(err, stop) || n != 1 {
			t.Errorf("EachProvider = %v after %d calls, want the callback's error after 1", err, n)
		}
	})
}

func testAllOrNothing(t *testing.T, db store.DB) {
	old := full("bestaand", "Bestaand (oud)")
	replace(t, db, old)

	first := full("eerste", "Eerste")
	changed := full("bestaand", "Bestaand (nieuw)")
	dupFact := full("tweede", "Tweede")
	dupFact.Facts = append(dupFact.Facts, dupFact.Facts[1]) // same key and insurer twice
	longKey := full("tweede", "Tweede")
	longKey.Facts[0].Key = strings.Repeat("k", 101)

	tests := []struct {
		name     string
		ps       []provider.Provider
		progress func(cancel context.CancelFunc) func(int)
	}{
		{"a duplicate fact in the last provider stores nothing", []provider.Provider{first, changed, dupFact}, nil},
		{"a fact key longer than 100 characters stores nothing", []provider.Provider{first, changed, longKey}, nil},
		{"cancelling after the first provider stores nothing", []provider.Provider{first, changed, full("tweede", "Tweede")},
			func(cancel context.CancelFunc) func(int) {
				return func(done int) {
					if done == 1 {
						cancel()
					}
				}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var progress func(int)
			if tc.progress != nil {
				progress = tc.progress(cancel)
			}
			if err := db.ReplaceProviders(ctx, tc.ps, progress); err == nil {
				t.Fatalf("ReplaceProviders succeeded, want an error")
			}
			for _, id := range []string{"eerste", "tweede"} {
				if _, err := db.Provider(context.Background(), id); apperr.CodeOf(err) != apperr.NotFound {
					t.Errorf("provider %s after a failed import: err = %v, want NotFound", id, err)
				}
			}
			same(t, "provider replaced by the failed import", *get(t, db, "bestaand"), old)
		})
	}
}

func testDelete(t *testing.T, db store.DB) {
	ctx := context.Background()
	replace(t, db, dealing("weg-1"), full("weg-2", "Weg twee"), full("blijft", "Blijft"))
	n, err := db.DeleteProviders(ctx, []string{"weg-1", "bestaat-niet"})
	if err != nil || n != 1 {
		t.Fatalf("DeleteProviders = %d, %v; want 1", n, err)
	}
	if _, err := db.Provider(ctx, "weg-1"); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("weg-1 after DeleteProviders: %v, want NotFound", err)
	}
	// Its parts went with it, not left behind for a later record with the same id.
	facts, err := db.StoredFacts(ctx, []string{"weg-1"}, provider.FactMatch{PerInsurer: true,
		Sources: []provider.Source{provider.SourceProvider, provider.SourceRegister, provider.SourceInsurer}})
	if err != nil || len(facts["weg-1"]) != 0 {
		t.Errorf("facts of weg-1 after its removal: %v, %v", facts, err)
	}
	dealings, err := db.StoredDealings(ctx, []string{"weg-1"})
	if d := dealings["weg-1"]; err != nil || len(d.Parts)+len(d.Contracts) != 0 {
		t.Errorf("part choices and contracts of weg-1 after its removal: %+v, %v", dealings, err)
	}
	bare := provider.Provider{ID: "weg-1", Name: "Weer terug", KvK: "12345678", CareTypes: []string{"zbc"}}
	replace(t, db, bare)
	if p, err := db.Provider(ctx, "weg-1"); err != nil || len(p.Facts)+len(p.Locations)+len(p.AGBCodes)+len(p.Specialisms)+len(p.Parts)+len(p.Contracts) != 0 || len(p.CareTypes) != 1 {
		t.Fatalf("weg-1 added again after its removal: %+v, %v; want none of the old parts", p, err)
	}
	if n, err := db.DeleteProviders(ctx, []string{"weg-1"}); err != nil || n != 1 {
		t.Fatalf("DeleteProviders again = %d, %v", n, err)
	}
	// In a transaction that fails, nothing is removed.
	boom := errors.New("boom")
	err = db.InTx(ctx, func(ctx context.Context) error {
		if n, err := db.DeleteProviders(ctx, []string{"weg-2"}); err != nil || n != 1 {
			t.Errorf("DeleteProviders in a transaction = %d, %v; want 1", n, err)
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("InTx = %v", err)
	}
	ps, total, err := db.Providers(ctx, provider.AllProviders(), provider.Filter{})
	if err != nil || total != 2 {
		t.Fatalf("Providers after the rolled back removal = %d, %v; want weg-2 and blijft", total, err)
	}
	if got := ps[0].ID + "," + ps[1].ID; got != "blijft,weg-2" {
		t.Errorf("providers left = %s, want blijft,weg-2", got)
	}
	p, err := db.Provider(ctx, "blijft")
	if err != nil || len(p.Facts) != len(full("", "").Facts) || len(p.Locations) != 2 {
		t.Errorf("the provider left keeps its parts: %+v, %v", p, err)
	}
}
