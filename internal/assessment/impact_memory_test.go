package assessment_test

import (
	"context"
	"io/fs"
	"runtime"
	"strings"
	"testing"
	"time"

	"zorginkoop/internal/assessment"
	"zorginkoop/internal/demo"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/provider"
	"zorginkoop/policies"
)

// generatedStore streams n synthetic providers, made 1,000 at a time as it goes, so that
// the store itself holds no population: what grows while streaming is the caller's.
type generatedStore struct {
	provider.Store // only EachProvider is used
	lib            *policy.Library
	n              int
	every          func() // called after each batch: to measure the caller's heap
}

func (g generatedStore) EachProvider(ctx context.Context, _ provider.Selection, fn func(*provider.Provider) error) error {
	for done, seed := 0, int64(1); done < g.n; seed++ {
		batch := demo.Generate(g.lib, min(1000, g.n-done), seed)
		for i := range batch {
			if err := fn(&batch[i]); err != nil {
				return err
			}
		}
		done += len(batch)
		g.every()
	}
	return nil
}

type noRuns struct{ assessment.Store }

// The impact keeps only the changes it reports: over 30,000 providers the heap stays flat
// (within 32 MB of where it started), however many of them change.
func TestImpactKeepsTheHeapFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("judges 30,000 providers twice")
	}
	lib, err := policy.LoadLibrary(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := fs.ReadFile(policies.FS, "zz-msz-2024.yaml")
	src := strings.Replace(string(raw), "id: zz-msz-2024\n", "id: zz-msz-2025\n", 1)
	src = strings.Replace(src, "previous: zz-msz-2023\n", "previous: zz-msz-2024\n", 1)
	src = strings.ReplaceAll(src, "eur(100000)", "eur(75000)")
	draft, err := lib.Parse("zz.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	draft.Status = policy.Draft
	lib.Add(draft)
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base, peak := ms.HeapInuse, ms.HeapInuse
	measure := func() {
		runtime.GC() // what is live, not what waits for collection
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
	}
	store := generatedStore{lib: lib, n: 30_000, every: measure}
	svc := assessment.NewService(lib, store, noRuns{}, identity.NoAudit, identity.NoTx, time.Now, assessment.Options{})
	seen := 0
	totals, err := svc.Impact(context.Background(), identity.System(), draft.ID, func(*assessment.Change) error {
		seen++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if totals.Providers < 10_000 || totals.Changed == 0 {
		t.Fatalf("totals %+v: the population should be judged and some outcomes change", totals)
	}
	grew := int64(peak) - int64(base)
	t.Logf("%d providers, %d changed, %d changes reported; heap in use grew %d kB at most", totals.Providers, totals.Changed, seen, grew>>10)
	if grew > 32<<20 {
		t.Errorf("the heap grew %d MB while judging the impact; it must stay flat", grew>>20)
	}
}
