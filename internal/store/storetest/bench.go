package storetest

import (
	"context"
	"testing"

	"zorginkoop/internal/provider"
	"zorginkoop/internal/store"
)

// Benchmark measures ReplaceProviders and EachProvider on n synthetic providers with
// facts facts each, in the database db (which it fills).
func Benchmark(b *testing.B, db store.DB, n, facts int) {
	ps := Synthetic(n, facts)
	ctx := context.Background()
	b.Run("ReplaceProviders", func(b *testing.B) {
		for b.Loop() {
			if err := db.ReplaceProviders(ctx, ps, nil); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n), "providers")
	})
	b.Run("EachProvider", func(b *testing.B) {
		for b.Loop() {
			got, fs := 0, 0
			err := db.EachProvider(ctx, provider.Selection{}, func(p *provider.Provider) error {
				got++
				fs += len(p.Facts)
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			if got != n || fs != n*facts {
				b.Fatalf("streamed %d providers with %d facts, want %d with %d", got, fs, n, n*facts)
			}
		}
		b.ReportMetric(float64(n), "providers")
	})
}
