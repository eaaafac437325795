package assessment_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"zorginkoop/internal/app"
	"zorginkoop/internal/apptest"
	"zorginkoop/internal/assessment"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/provider"
	"zorginkoop/internal/store"
)

// The fact cache against the database it keeps: on both engines, after every kind of write,
// through this instance or another on the same database, a run with the cache judges
// exactly as a run that streams every provider from the database.

// instance is one application over its own connection to the database.
type instance struct {
	name string
	db   store.DB
	svc  *app.Services
}

func wire(db store.DB, lib *policy.Library, cacheBytes int64, log *slog.Logger) *app.Services {
	return app.New(db, lib, app.Config{Now: func() time.Time { return apptest.Now }, FactCacheBytes: cacheBytes, Log: log})
}

// judged is the run of the policy through svc, summaries only, by provider id.
func judged(t *testing.T, svc *app.Services) []assessment.Summary {
	t.Helper()
	run, err := svc.Assessments.Judge(context.Background(), identity.System(), apptest.Policy, nil)
	if err != nil {
		t.Fatal(err)
	}
	return run.Summaries
}

func outcomeOf(sums []assessment.Summary, id string) assessment.Outcome {
	for _, s := range sums {
		if s.ProviderID == id {
			return s.Outcome
		}
	}
	return "absent"
}

// importProviders imports ps through svc, in file notation, as the CLI does.
func importProviders(t *testing.T, svc *app.Services, ps []provider.Provider) {
	t.Helper()
	if err := svc.Providers.Normalize(ps, nil); err != nil {
		t.Fatal(err)
	}
	if err := svc.Providers.Import(context.Background(), identity.System(), ps, nil, nil); err != nil {
		t.Fatal(err)
	}
}

func withFact(p provider.Provider, key, value string) provider.Provider {
	p.Facts = slices.Clone(p.Facts)
	for i := range p.Facts {
		if p.Facts[i].Key == key {
			p.Facts[i].Value = value
			return p
		}
	}
	p.Facts = append(p.Facts, provider.Fact{Key: key, Value: value, Source: provider.SourceProvider, Date: "2021-06-01"})
	return p
}

func TestFactCacheSeesEveryWrite(t *testing.T) {
	for _, engine := range apptest.Engines {
		t.Run(engine, func(t *testing.T) {
			env := apptest.Open(t, engine)
			db2, lib2 := env.OpenSecond(t)
			one := instance{"instance 1", env.DB, wire(env.DB, env.Library, 0, nil)}
			two := instance{"instance 2", db2, wire(db2, lib2, 0, nil)}
			streamed := wire(env.DB, env.Library, -1, nil) // no cache: the truth
			// Both caches loaded before any write.
			for _, in := range []instance{one, two} {
				if got := outcomeOf(judged(t, in.svc), "hap-de-linde"); got == "absent" || got == assessment.NotEligible {
					t.Fatalf("%s: hap-de-linde is %s before the writes", in.name, got)
				}
			}
			same := func(t *testing.T, step string) []assessment.Summary {
				t.Helper()
				want := judged(t, streamed)
				for _, in := range []instance{one, two} {
					if got := judged(t, in.svc); !reflect.DeepEqual(got, want) {
						t.Fatalf("after %s, %s judges from its cache\n%v\nwant (streamed)\n%v", step, in.name, got, want)
					}
				}
				return want
			}
			ps := apptest.Providers()

			importProviders(t, one.svc, []provider.Provider{withFact(ps[0], "in_faillissement", "ja")})
			if got := outcomeOf(same(t, "a fact change through instance 1"), "hap-de-linde"); got != assessment.NotEligible {
				t.Errorf("after the fact change hap-de-linde is %s, want not eligible", got)
			}

			importProviders(t, two.svc, []provider.Provider{withFact(ps[0], "in_faillissement", "nee")})
			if got := outcomeOf(same(t, "a fact change through instance 2"), "hap-de-linde"); got == assessment.NotEligible {
				t.Errorf("after the correction hap-de-linde is still not eligible")
			}

			added := ps[1]
			added.ID, added.KvK, added.Name = "hap-nieuw", "45678901", "Huisartsenpraktijk Nieuw"
			added.AGBCodes = []provider.AGBCode{{Code: "01034567", Kind: provider.AGBPractice}}
			importProviders(t, two.svc, []provider.Provider{added})
			if got := outcomeOf(same(t, "an import of a new provider through instance 2"), "hap-nieuw"); got == "absent" {
				t.Errorf("the new provider is not judged")
			}

			if _, err := one.svc.Providers.Delete(context.Background(), identity.System(), []string{"hap-failliet"}); err != nil {
				t.Fatal(err)
			}
			if got := outcomeOf(same(t, "a delete through instance 1"), "hap-failliet"); got != "absent" {
				t.Errorf("the deleted provider is still judged: %s", got)
			}
		})
	}
}

func TestFactCacheKeepsWhatAFailedWriteRolledBack(t *testing.T) {
	for _, engine := range apptest.Engines {
		t.Run(engine, func(t *testing.T) {
			env := apptest.Open(t, engine)
			cached := wire(env.DB, env.Library, 0, nil)
			before := judged(t, cached)
			bankrupt := withFact(apptest.Providers()[0], "in_faillissement", "true")
			failed := errors.New("the audit entry could not be written")
			err := env.DB.InTx(context.Background(), func(ctx context.Context) error {
				if err := env.DB.ReplaceProviders(ctx, []provider.Provider{bankrupt}, nil); err != nil {
					return err
				}
				if _, err := env.DB.DeleteProviders(ctx, []string{"hap-failliet"}); err != nil {
					return err
				}
				return failed // rolls both writes back
			})
			if !errors.Is(err, failed) {
				t.Fatalf("the write returned %v, want the failure", err)
			}
			after := judged(t, cached)
			if !reflect.DeepEqual(after, before) {
				t.Errorf("after a rolled-back write the cache judges\n%v\nwant as before\n%v", after, before)
			}
			if want := judged(t, wire(env.DB, env.Library, -1, nil)); !reflect.DeepEqual(after, want) {
				t.Errorf("the cache judges\n%v\nthe database\n%v", after, want)
			}
		})
	}
}

// syncBuffer is a log destination safe for the concurrent writers of a run.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestFactCacheOverItsLimitStreamsTheSameResults(t *testing.T) {
	for _, engine := range apptest.Engines {
		t.Run(engine, func(t *testing.T) {
			env := apptest.Open(t, engine)
			var logged syncBuffer
			small := wire(env.DB, env.Library, 1, slog.New(slog.NewTextHandler(&logged, nil))) // 1 byte: nothing fits
			want := judged(t, wire(env.DB, env.Library, -1, nil))
			for range 2 { // and again, after a write
				if got := judged(t, small); !reflect.DeepEqual(got, want) {
					t.Errorf("over the limit the run judges\n%v\nwant\n%v", got, want)
				}
				if !strings.Contains(logged.String(), "streaming them from the database") {
					t.Errorf("no log line says the run streams from the database; log:\n%s", logged.String())
				}
				importProviders(t, env.Services, []provider.Provider{withFact(apptest.Providers()[0], "in_faillissement", "ja")})
				want = judged(t, wire(env.DB, env.Library, -1, nil))
			}
			if got := small.Assessments.Facts.Bytes(); got > 1<<16 {
				t.Errorf("the cache over its limit holds %d bytes", got)
			}
		})
	}
}

// A value stored that cannot be read (here written past the service's checks) is judged
// unknown with the reason, from the cache as when streamed; it is never guessed.
func TestFactCacheReportsAnUnreadableValue(t *testing.T) {
	for _, engine := range apptest.Engines {
		t.Run(engine, func(t *testing.T) {
			env := apptest.Open(t, engine)
			cached := wire(env.DB, env.Library, 0, nil)
			judged(t, cached) // load the cache first: the write must reach it
			ps := apptest.Providers()[:1]
			if err := env.Services.Providers.Normalize(ps, nil); err != nil {
				t.Fatal(err)
			}
			p := withFact(ps[0], "in_faillissement", "misschien")
			if err := env.DB.ReplaceProviders(context.Background(), []provider.Provider{p}, nil); err != nil {
				t.Fatal(err)
			}
			explained := func(svc *app.Services) []assessment.Item {
				var items []assessment.Item
				err := svc.Assessments.Explain(context.Background(), identity.System(), apptest.Policy, func(r *assessment.Result) error {
					if r.ProviderID == p.ID {
						items = r.Items
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				return items
			}
			got := explained(cached)
			found := false
			for _, it := range got {
				if it.RequirementID != "uitsluiting-faillissement-liquidatie" { // !in_faillissement && ...
					continue
				}
				found = true
				if it.Status != assessment.Unknown || !strings.Contains(it.Explanation, "Onleesbare waarde voor in_faillissement") {
					t.Errorf("the requirement on an unreadable value is %s (%q), want unknown with the reason", it.Status, it.Explanation)
				}
			}
			if !found {
				t.Errorf("the requirement on in_faillissement is not judged: %+v", got)
			}
			if want := explained(wire(env.DB, env.Library, -1, nil)); !reflect.DeepEqual(got, want) {
				t.Errorf("from the cache\n%+v\nstreamed\n%+v", got, want)
			}
		})
	}
}
