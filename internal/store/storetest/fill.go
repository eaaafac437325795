// Package storetest is the one test suite every store engine must pass, one Run per area
// (see suite.go), and helpers for tests and benchmarks that need a filled database.
package storetest

import (
	"context"
	"fmt"
	"testing"

	"zorginkoop/internal/provider"
	"zorginkoop/internal/store"
)

// Fill stores ps in db, failing tb on error.
func Fill(tb testing.TB, db store.DB, ps []provider.Provider) {
	tb.Helper()
	if err := db.ReplaceProviders(context.Background(), ps, nil); err != nil {
		tb.Fatalf("fill %s database with %d providers: %v", db.Engine(), len(ps), err)
	}
}

// Synthetic returns n providers with facts facts each, deterministic, for benchmarks.
// Ids are "p-000001"...; care types alternate between "msz" and "huisartsenzorg".
func Synthetic(n, facts int) []provider.Provider {
	ps := make([]provider.Provider, n)
	careTypes := []string{"msz", "huisartsenzorg"}
	for i := range ps {
		id := fmt.Sprintf("p-%06d", i+1)
		p := provider.Provider{
			ID:        id,
			Name:      fmt.Sprintf("Zorgaanbieder %06d", i+1),
			KvK:       fmt.Sprintf("%08d", 10000000+i),
			AGBCodes:  []provider.AGBCode{{Code: fmt.Sprintf("06%06d", i%1000000), Kind: provider.AGBInstitution}},
			CareTypes: []string{careTypes[i%2]},
			Locations: []provider.Location{{Name: "Hoofdlocatie", Street: "Dorpsstraat 1", Postcode: "1234 AB", City: "Utrecht"}},
			Facts:     make([]provider.Fact, facts),
		}
		for j := range p.Facts {
			p.Facts[j] = provider.Fact{
				Key: fmt.Sprintf("fact_%02d", j), Value: fmt.Sprint((i + j) % 97),
				Source: provider.SourceProvider, Date: "2025-01-15",
			}
		}
		ps[i] = p
	}
	return ps
}
