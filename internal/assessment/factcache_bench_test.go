package assessment_test

import (
	"context"
	"fmt"
	"log/slog"
	"runtime"
	"slices"
	"testing"
	"time"

	"zorginkoop/internal/assessment"
	"zorginkoop/internal/provider"
	"zorginkoop/internal/store"
	"zorginkoop/internal/store/pgtest"
)

// BenchmarkFactCache measures assessing from a database through assessment.FactCache
// against assessing from memory, per seed policy, in the same run (the population of
// BenchmarkAssess, ZORGINKOOP_BENCH_PROVIDERS to change its size):
//
//	load-s          start-up: the cache's first read of the policy's providers
//	held-MB         memory the cache holds for the policy, by its own accounting
//	heap-MB         the same measured: live heap after the load minus before (after GC)
//	mem-s/run       one assessment run from a slice in memory holding the same providers
//	                and facts (the baseline)
//	db-s/run        one run through the cache: the change check, then the same run
//	db/mem          the ratio of the two (goal: at most 2)
//	write-to-run-s  from the start of a fact write (ReplaceProviders of one provider) to the
//	                end of the first run, which must see the new value
//
// Each iteration runs the memory baseline and the cached run in alternating order.
func BenchmarkFactCache(b *testing.B) {
	lib, ps := benchPopulation(b)
	ctx := context.Background()
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run("source="+engine, func(b *testing.B) {
			db := benchStore(b, engine, ps)
			for _, pol := range lib.Policies() {
				b.Run("policy="+pol.ID, func(b *testing.B) {
					as := assessment.New(lib, pol)
					sel := assessment.Selection(pol)
					// The baseline holds what the cache holds: the providers in scope, with
					// only the facts the policy refers to.
					var inScope []provider.Provider
					for i := range ps {
						if as.InScope(&ps[i]) {
							p := ps[i]
							p.Facts = slices.DeleteFunc(slices.Clone(p.Facts), func(f provider.Fact) bool { return !slices.Contains(sel.Facts, f.Key) })
							inScope = append(inScope, p)
						}
					}
					if engine == "postgres" && pol.ID == "zz-msz-2024" {
						logPlan(b, db, sel)
					}
					cache := assessment.NewFactCache(db, db, 8<<30, slog.New(slog.DiscardHandler))
					before := heap()
					start := time.Now()
					if _, err := cache.Source(ctx, sel); err != nil {
						b.Fatal(err)
					}
					load := time.Since(start)
					heapDelta := heap() - before
					runtime.KeepAlive(cache)

					fromMemory := func() int {
						sums, err := as.Run(ctx, assessment.Slice(inScope), 0, nil)
						if err != nil {
							b.Fatal(err)
						}
						return len(sums)
					}
					fromCache := func() int {
						src, err := cache.Source(ctx, sel)
						if err != nil {
							b.Fatal(err)
						}
						sums, err := as.Run(ctx, src, 0, nil)
						if err != nil {
							b.Fatal(err)
						}
						return len(sums)
					}
					var spent [2]time.Duration
					n := 0
					for b.Loop() {
						for k := range 2 {
							e := (k + n) % 2
							t0 := time.Now()
							got := []func() int{fromMemory, fromCache}[e]()
							spent[e] += time.Since(t0)
							if got != len(inScope) {
								b.Fatalf("run %d judged %d providers, want %d", e, got, len(inScope))
							}
						}
						n++
					}
					writeToRun := writeAndRun(b, db, cache, sel, inScope[len(inScope)/2].ID, fromCache)
					b.ReportMetric(load.Seconds(), "load-s")
					b.ReportMetric(float64(cache.Bytes())/(1<<20), "held-MB")
					b.ReportMetric(float64(heapDelta)/(1<<20), "heap-MB")
					b.ReportMetric(spent[0].Seconds()/float64(n), "mem-s/run")
					b.ReportMetric(spent[1].Seconds()/float64(n), "db-s/run")
					b.ReportMetric(spent[1].Seconds()/spent[0].Seconds(), "db/mem")
					b.ReportMetric(writeToRun.Seconds(), "write-to-run-s")
					b.ReportMetric(float64(len(inScope)), "providers")
				})
			}
		})
	}
}

// benchStore is the population stored in engine's database, filled once per process.
func benchStore(b *testing.B, engine string, ps []provider.Provider) store.DB {
	ctx := context.Background()
	if _, ok := storeDBs.Load(engine); !ok {
		open := func() (store.DB, error) { return store.Open(ctx, b.TempDir(), "", slog.New(slog.DiscardHandler)) }
		if engine == "postgres" {
			dsn := pgtest.DSN(b)
			open = func() (store.DB, error) { return store.Open(ctx, "", dsn, slog.New(slog.DiscardHandler)) }
		}
		filledStore(b, engine, open, ps)
	}
	db, _ := storeDBs.Load(engine)
	return db.(store.DB)
}

// writeAndRun changes one fact of provider id in the database and returns the time from the
// start of the write to the end of the first run through the cache, checking that this run
// reads the new value.
func writeAndRun(b *testing.B, db store.DB, cache *assessment.FactCache, sel provider.Selection, id string, run func() int) time.Duration {
	ctx := context.Background()
	p, err := db.Provider(ctx, id)
	if err != nil {
		b.Fatal(err)
	}
	k := slices.IndexFunc(p.Facts, func(f provider.Fact) bool { return slices.Contains(sel.Facts, f.Key) })
	if k < 0 {
		b.Fatalf("provider %s has none of the policy's facts", id)
	}
	p.Facts[k].Evidence = fmt.Sprintf("bench-%d", time.Now().UnixNano()) // a change every rule ignores
	start := time.Now()
	if err := db.ReplaceProviders(ctx, []provider.Provider{*p}, nil); err != nil {
		b.Fatal(err)
	}
	run()
	took := time.Since(start)
	src, err := cache.Source(ctx, sel)
	if err != nil {
		b.Fatal(err)
	}
	seen := false
	src(func(q *provider.Provider) error {
		if q.ID == id {
			seen = slices.ContainsFunc(q.Facts, func(f provider.Fact) bool { return f.Evidence == p.Facts[k].Evidence })
		}
		return nil
	})
	if !seen {
		b.Fatalf("the run after the write did not read the new fact of %s", id)
	}
	return took
}

func heap() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

// logPlan logs PostgreSQL's plan of the stream of sel, for docs/performance.md.
func logPlan(b *testing.B, db store.DB, sel provider.Selection) {
	ex, ok := db.(interface {
		ExplainStream(context.Context, provider.Selection) (string, error)
	})
	if !ok {
		return
	}
	plan, err := ex.ExplainStream(context.Background(), sel)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("plan of the provider stream of %s:\n%s", sel.Policy, plan)
}
