package assessment

import (
	"context"
	"runtime"
	"sync"

	"zorginkoop/internal/policy"
	"zorginkoop/internal/provider"
)

// Source yields providers one by one, as provider.Store.EachProvider does. Each call of fn
// must get a provider of its own: it is handed to another goroutine.
type Source func(fn func(*provider.Provider) error) error

// Run judges every provider from src on `workers` goroutines (all cores when 0) and returns
// the summaries in the order src yielded them. Reading src and evaluating overlap. progress,
// if not nil, is called from one goroutine with the number judged so far.
func (as *Assessor) Run(ctx context.Context, src Source, workers int, progress func(done int)) ([]Summary, error) {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	type job struct {
		i int
		p *provider.Provider
	}
	jobs := make(chan job, 256)
	var (
		mu      sync.Mutex
		results []Summary
		done    int
	)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := as.NewSubject()
			for j := range jobs {
				var sum Summary
				as.Bind(s, j.p)
				as.Summarize(s, &sum)
				mu.Lock()
				for len(results) <= j.i {
					results = append(results, Summary{})
				}
				results[j.i] = sum
				done++
				if progress != nil && done%1000 == 0 {
					progress(done)
				}
				mu.Unlock()
			}
		}()
	}
	n := 0
	err := src(func(p *provider.Provider) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		jobs <- job{n, p}
		n++
		return nil
	})
	close(jobs)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	if progress != nil {
		progress(done)
	}
	return results, nil
}

// Selection is what to read from the store to assess providers against pol: the providers
// of its care types, with only the facts it refers to, their choices of its parts and
// their contracts with its insurer.
func Selection(pol *policy.Compiled) provider.Selection {
	return provider.Selection{CareTypes: pol.CareTypes, Facts: pol.FactKeys(), Policy: pol.ID, Insurer: pol.Insurer}
}

// Slice is a Source over providers held in memory.
func Slice(ps []provider.Provider) Source {
	return func(fn func(*provider.Provider) error) error {
		for i := range ps {
			if err := fn(&ps[i]); err != nil {
				return err
			}
		}
		return nil
	}
}
