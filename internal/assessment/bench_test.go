package assessment_test

import (
	"context"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"cel.dev/cel-go/cel"

	"zorginkoop/internal/assessment"
	"zorginkoop/internal/demo"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/provider"
	"zorginkoop/internal/store"
	"zorginkoop/internal/store/pgtest"
	"zorginkoop/policies"
)

// TestMain stops the throwaway PostgreSQL server the benchmarks start.
func TestMain(m *testing.M) { pgtest.Main(m) }

// benchProviders is the population size; ZORGINKOOP_BENCH_PROVIDERS overrides the 100,000.
func benchProviders() int {
	if n, err := strconv.Atoi(os.Getenv("ZORGINKOOP_BENCH_PROVIDERS")); err == nil && n > 0 {
		return n
	}
	return 100_000
}

var benchData struct {
	once sync.Once
	lib  *policy.Library
	ps   []provider.Provider
}

func benchPopulation(b *testing.B) (*policy.Library, []provider.Provider) {
	benchData.once.Do(func() {
		lib, err := policy.LoadLibrary(policies.FS)
		if err != nil {
			b.Fatal(err)
		}
		benchData.lib, benchData.ps = lib, demo.Generate(lib, benchProviders(), 1)
	})
	return benchData.lib, benchData.ps
}

// BenchmarkAssess judges the whole synthetic population against each seed policy, reading
// the providers from memory, SQLite and PostgreSQL. Each iteration first loads every
// provider's facts from the source into memory and then evaluates them on all cores, so
// the two phases are timed separately in the same run:
//
//	load-s/op   time to read all providers with their facts from the source
//	eval-s/op   time to evaluate every requirement for every provider (all cores)
//	ns/eval     eval time per requirement evaluation (wall time on all cores)
//	eval/load   the ratio of the two: evaluation must not dominate
//
// From the databases it reads twice, in the same run: facts=policy reads only the facts
// the policy refers to (what the service does), facts=all every fact (the baseline).
func BenchmarkAssess(b *testing.B) {
	lib, ps := benchPopulation(b)
	ctx := context.Background()
	sources := []struct {
		name string
		open func(b *testing.B) sourceFor
	}{
		{"memory", func(b *testing.B) sourceFor {
			return func(provider.Selection) assessment.Source { return assessment.Slice(ps) }
		}},
		{"sqlite", func(b *testing.B) sourceFor {
			return filledStore(b, "sqlite", func() (store.DB, error) {
				return store.Open(ctx, b.TempDir(), "", slog.New(slog.DiscardHandler))
			}, ps)
		}},
		{"postgres", func(b *testing.B) sourceFor {
			dsn := pgtest.DSN(b)
			return filledStore(b, "postgres", func() (store.DB, error) {
				return store.Open(ctx, "", dsn, slog.New(slog.DiscardHandler))
			}, ps)
		}},
	}
	b.Run("parts", func(b *testing.B) { benchParts(b, lib, ps) })
	b.Run("impact", func(b *testing.B) { benchImpact(b, lib, ps) })
	for _, src := range sources {
		b.Run("source="+src.name, func(b *testing.B) {
			source := src.open(b)
			for _, facts := range []string{"policy", "all"} {
				if src.name == "memory" && facts == "all" {
					continue // memory holds every fact either way
				}
				b.Run("facts="+facts, func(b *testing.B) {
					for _, pol := range lib.Policies() {
						sel := assessment.Selection(pol)
						if facts == "all" {
							sel.Facts = nil
						}
						b.Run("policy="+pol.ID, func(b *testing.B) { benchPolicy(b, lib, pol, source(sel)) })
					}
				})
			}
		})
	}
}

// benchParts measures what judging per contract part costs, from memory on all cores, for
// every policy with parts: engine parts judges the base contract and every part apart (every
// provider has asked for every part, so every requirement is judged); engine flat is the
// baseline, the same policy with one outcome for everything, as before parts existed. Each
// iteration runs both, in alternating order, so that the ratio parts/flat compares like
// with like on a noisy machine.
func benchParts(b *testing.B, lib *policy.Library, ps []provider.Provider) {
	for _, pol := range lib.Policies() {
		if len(pol.Parts) == 0 {
			continue
		}
		all := slices.Clone(ps)
		for i := range all {
			all[i].Parts = nil
			for _, pt := range pol.Parts {
				all[i].Parts = append(all[i].Parts, provider.PartChoice{Policy: pol.ID, Part: pt.ID, By: provider.SourceProvider})
			}
		}
		b.Run("policy="+pol.ID, func(b *testing.B) {
			engines := [2]*assessment.Assessor{assessment.New(lib, flatten(pol)), assessment.New(lib, pol)}
			var spent [2]time.Duration
			n := 0
			for b.Loop() {
				for k := range 2 {
					e := (k + n) % 2 // alternate which goes first
					start := time.Now()
					if _, err := engines[e].Run(context.Background(), assessment.Slice(all), 0, nil); err != nil {
						b.Fatal(err)
					}
					spent[e] += time.Since(start)
				}
				n++
			}
			providers := float64(n * len(all))
			b.ReportMetric(float64(spent[0].Nanoseconds())/providers, "flat-ns/provider")
			b.ReportMetric(float64(spent[1].Nanoseconds())/providers, "parts-ns/provider")
			b.ReportMetric(spent[1].Seconds()/spent[0].Seconds(), "parts/flat")
		})
	}
}

// benchImpact measures the policy desk's impact view from memory: every provider judged
// under the version in force and under the new version in one pass, reporting the changes
// (impact), against the baseline of judging the same providers once under the new version
// on the same single goroutine (single). Each iteration runs both, in alternating order.
// impact/single is the figure to read: about 2 means the comparison costs no more than its
// two assessments.
func benchImpact(b *testing.B, lib *policy.Library, ps []provider.Provider) {
	ctx := context.Background()
	for _, pol := range lib.Policies() {
		if pol.Previous == "" {
			continue
		}
		old, err := lib.Policy(pol.Previous)
		if err != nil {
			b.Fatal(err)
		}
		b.Run("policy="+pol.ID, func(b *testing.B) {
			as := assessment.New(lib, pol)
			s := as.NewSubject()
			var sum assessment.Summary
			single := func() {
				for i := range ps {
					as.Bind(s, &ps[i])
					as.Summarize(s, &sum)
				}
			}
			changes := 0
			impact := func() {
				_, err := assessment.Compare(ctx, lib, old, pol, assessment.Slice(ps), func(*assessment.Change) error {
					changes++
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			var spent [2]time.Duration
			n := 0
			for b.Loop() {
				for k := range 2 {
					e := (k + n) % 2
					start := time.Now()
					[]func(){single, impact}[e]()
					spent[e] += time.Since(start)
				}
				n++
			}
			providers := float64(n * len(ps))
			b.ReportMetric(float64(spent[0].Nanoseconds())/providers, "single-ns/provider")
			b.ReportMetric(float64(spent[1].Nanoseconds())/providers, "impact-ns/provider")
			b.ReportMetric(float64(changes)/float64(n), "changes/op")
			b.ReportMetric(spent[1].Seconds()/spent[0].Seconds(), "impact/single")
		})
	}
}

// flatten returns pol with its parts dissolved into the base contract: one outcome for all.
func flatten(pol *policy.Compiled) *policy.Compiled {
	flat := *pol
	p := *pol.Policy
	p.Parts = nil
	flat.Policy = &p
	flat.PartOf = make([]int, len(pol.PartOf))
	for i := range flat.PartOf {
		flat.PartOf[i] = -1
	}
	return &flat
}

// sourceFor gives the selected providers, as the assessment service asks the store.
type sourceFor func(sel provider.Selection) assessment.Source

var (
	stores   sync.Map // engine name → sourceFor over a filled store
	storeDBs sync.Map // engine name → the filled store.DB
)

func filledStore(b *testing.B, engine string, open func() (store.DB, error), ps []provider.Provider) sourceFor {
	if s, ok := stores.Load(engine); ok {
		return s.(sourceFor)
	}
	db, err := open()
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if err := db.ReplaceProviders(context.Background(), ps, nil); err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: stored %d providers in %s", engine, len(ps), time.Since(start).Round(time.Millisecond))
	src := sourceFor(func(sel provider.Selection) assessment.Source {
		return func(fn func(*provider.Provider) error) error {
			return db.EachProvider(context.Background(), sel, fn)
		}
	})
	stores.Store(engine, src)
	storeDBs.Store(engine, db)
	return src
}

func benchPolicy(b *testing.B, lib *policy.Library, pol *policy.Compiled, src assessment.Source) {
	as := assessment.New(lib, pol)
	ctx := context.Background()
	var load, eval time.Duration
	var providers, evals int
	for b.Loop() {
		start := time.Now()
		var loaded []provider.Provider
		err := src(func(p *provider.Provider) error {
			if as.InScope(p) {
				loaded = append(loaded, *p)
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		mid := time.Now()
		sums, err := as.Run(ctx, assessment.Slice(loaded), 0, nil)
		if err != nil {
			b.Fatal(err)
		}
		load += mid.Sub(start)
		eval += time.Since(mid)
		providers += len(sums)
		for i := range sums {
			evals += len(sums[i].Statuses) - sums[i].Count(assessment.NotApplicable)
		}
	}
	n := float64(b.N)
	b.ReportMetric(load.Seconds()/n, "load-s/op")
	b.ReportMetric(eval.Seconds()/n, "eval-s/op")
	b.ReportMetric(float64(providers)/n, "providers/op")
	if evals > 0 {
		b.ReportMetric(float64(eval.Nanoseconds())/float64(evals), "ns/eval")
	}
	if load > 0 {
		b.ReportMetric(eval.Seconds()/load.Seconds(), "eval/load")
	}
}

// BenchmarkRuleEvaluation compares, on one core, the engine's way of evaluating a rule with
// the naive baseline, per step:
//
//	step=bind: turning one provider's facts into rule inputs, once per provider: the
//	  engine converts them into a reused slot slice; the baseline builds a fresh
//	  map[string]any.
//	step=eval: one rule evaluation, done once per requirement: the engine resolves
//	  variables from the slots (values already CEL values); the baseline uses CEL's map
//	  activation, which converts each Go value it reads.
func BenchmarkRuleEvaluation(b *testing.B) {
	lib, err := policy.LoadBase(policies.FS)
	if err != nil {
		b.Fatal(err)
	}
	const expr = "omzet_verzekeraar >= eur(100000) || marktaandeel_verzekeraar >= 25 || jaren_volwaardig_in_bedrijf >= 2"
	rule, err := lib.Env.Compile(expr)
	if err != nil {
		b.Fatal(err)
	}
	p := zbc(complete(zzFact("omzet_verzekeraar", "8000000"), zzFact("marktaandeel_verzekeraar", "12"))...)
	c, err := lib.Parse("test.yaml", []byte(testPolicy))
	if err != nil {
		b.Fatal(err)
	}
	as := assessment.New(lib, c)
	s := as.NewSubject()

	env, err := cel.NewEnv(cel.Variable("omzet_verzekeraar", cel.IntType), cel.Variable("marktaandeel_verzekeraar", cel.DoubleType),
		cel.Variable("jaren_volwaardig_in_bedrijf", cel.IntType), cel.CrossTypeNumericComparisons(true))
	if err != nil {
		b.Fatal(err)
	}
	ast, iss := env.Compile("omzet_verzekeraar >= 10000000 || marktaandeel_verzekeraar >= 25 || jaren_volwaardig_in_bedrijf >= 2")
	if iss.Err() != nil {
		b.Fatal(iss.Err())
	}
	prg, err := env.Program(ast)
	if err != nil {
		b.Fatal(err)
	}
	mapOf := func() map[string]any {
		vars := map[string]any{}
		for _, f := range p.Facts {
			def, _ := lib.Facts.Lookup(f.Key)
			if def.PerInsurer && f.Insurer != "zorg-en-zekerheid" {
				continue
			}
			v, _ := policy.Value(def.Type, f.Value)
			vars[f.Key] = v.Value()
		}
		return vars
	}

	b.Run("step=bind/engine=slots", func(b *testing.B) {
		for b.Loop() {
			as.Bind(s, p)
		}
	})
	b.Run("step=bind/engine=baseline-map", func(b *testing.B) {
		for b.Loop() {
			mapOf()
		}
	})
	b.Run("step=eval/engine=slots", func(b *testing.B) {
		as.Bind(s, p)
		for b.Loop() {
			if rule.Eval(s.Activation()) != policy.False {
				b.Fatal("wrong result")
			}
		}
	})
	b.Run("step=eval/engine=baseline-map", func(b *testing.B) {
		vars := mapOf()
		for b.Loop() {
			if out, _, err := prg.Eval(vars); err != nil || out.Value() != false {
				b.Fatal("wrong result", out, err)
			}
		}
	})
}
