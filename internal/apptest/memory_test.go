package apptest_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/debug"
	"sync"
	"testing"
	"time"

	"zorginkoop/internal/api"
	"zorginkoop/internal/apptest"
	"zorginkoop/internal/assessment"
	"zorginkoop/internal/httpauth"
	"zorginkoop/internal/web"
)

// memoryProviders is the size of the run of the memory test: the probe's 50,000
// providers, whose run took the server from 310 MB to 6 GB when it was read whole.
const memoryProviders = 50_000

// memoryLimit is how far the heap in use may grow above its level before the reads: a
// page of 1000 summaries, a 64 kB CSV buffer and the xlsx export's 16 MB sheet buffer
// plus its zipped workbook fit many times; one whole run (281 MB of JSON) does not.
const memoryLimit = 64 << 20

// TestReadingA50kRunKeepsTheHeapFlat reads a stored run of 50,000 providers through the
// HTTP handlers as a client would (the API page by page, the CSV and the xlsx exports)
// and fails when the heap in use grows more than memoryLimit above where it started.
func TestReadingA50kRunKeepsTheHeapFlat(t *testing.T) {
	if testing.Short() && os.Getenv("CI") != "true" {
		t.Skip("seeds 50,000 summaries (never skipped under CI=true)")
	}
	for _, engine := range apptest.Engines {
		t.Run(engine, func(t *testing.T) { memoryTest(t, engine) })
	}
}

func memoryTest(t *testing.T, engine string) {
	env := apptest.Open(t, engine)
	ids := env.NewIdentity(t, apptest.NewClock(), nil, "")
	ids.Seed(t)
	ctx := context.Background()
	seedBigRun(t, env)
	buyer := ids.User(t, apptest.CZBuyerEmail)
	token, err := ids.Service.CreateAPIToken(ctx, ids.Principal(t, buyer), "memory test")
	if err != nil {
		t.Fatal(err)
	}
	_, session, _, err := ids.Service.StartSession(ctx, buyer, "memory test")
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	pages, err := web.New(ids.Services, web.Options{Log: log})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", api.New(ids.Services, api.Options{Log: log}))
	mux.Handle("/", pages)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	get := func(path string, auth func(*http.Request)) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		auth(req)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK {
			resp.Body.Close()
			t.Fatalf("GET %s: status %d", path, resp.StatusCode)
		}
		return resp
	}
	bearer := func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) }
	cookie := func(r *http.Request) { r.AddCookie(&http.Cookie{Name: httpauth.SessionCookie, Value: session}) }

	// Less garbage between collections, so the heap in use is close to what is live.
	defer debug.SetGCPercent(debug.SetGCPercent(25))
	peak := sampleHeap(t)
	start := time.Now()

	n, pagesRead := 0, 0
	for path := "/api/policies/" + apptest.Policy + "/assessments?limit=1000"; path != ""; pagesRead++ {
		var page struct {
			Summaries []json.RawMessage `json:"summaries"`
			Next      string            `json:"next"`
		}
		resp := get(path, bearer)
		err := json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.Summaries)
		path = page.Next
	}
	if n != memoryProviders || pagesRead != memoryProviders/1000 {
		t.Fatalf("API: %d summaries in %d pages, want %d in %d", n, pagesRead, memoryProviders, memoryProviders/1000)
	}

	apiTime := time.Since(start)
	resp := get("/beleid/"+apptest.Policy+"/beoordeling.csv", cookie)
	lines := 0
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		lines++
	}
	resp.Body.Close()
	if err := sc.Err(); err != nil || lines != memoryProviders+1 {
		t.Fatalf("CSV: %d lines (%v), want %d", lines, err, memoryProviders+1)
	}

	csvTime := time.Since(start) - apiTime
	resp = get("/beleid/"+apptest.Policy+"/beoordeling.xlsx", cookie)
	size, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil || size < 1<<20 {
		t.Fatalf("xlsx: %d bytes, %v", size, err)
	}

	base, top := peak()
	t.Logf("%s: heap in use %d MB before, peak %d MB (+%d MB) reading %d providers: 50 API pages (%s), CSV (%s), xlsx of %d kB (%s)",
		engine, base>>20, top>>20, (top-base)>>20, memoryProviders, apiTime.Round(time.Millisecond), csvTime.Round(time.Millisecond),
		size>>10, (time.Since(start) - apiTime - csvTime).Round(time.Millisecond))
	if top-base > memoryLimit {
		t.Errorf("heap in use grew by %d MB, more than the %d MB allowed", (top-base)>>20, memoryLimit>>20)
	}
}

// seedBigRun saves a run of the test policy with memoryProviders summaries straight into
// the store (assessing 50,000 providers would take far longer and prove nothing more
// here). Some names start with a formula character, as a hostile provider's might.
func seedBigRun(t *testing.T, env *apptest.Env) {
	t.Helper()
	pol, err := env.Library.Policy(apptest.Policy)
	if err != nil {
		t.Fatal(err)
	}
	outcomes := []assessment.Outcome{assessment.Eligible, assessment.NotEligible, assessment.Incomplete}
	statuses := []assessment.Status{assessment.Met, assessment.NotMet, assessment.Unknown, assessment.Review}
	run := &assessment.Run{RunCounts: assessment.RunCounts{PolicyID: pol.ID, StartedAt: apptest.Now, FinishedAt: apptest.Now,
		Providers: memoryProviders}}
	for i := range memoryProviders {
		s := assessment.Summary{ProviderID: fmt.Sprintf("p-%06d", i), ProviderName: fmt.Sprintf("Huisartsenpraktijk %06d", i),
			Outcome: outcomes[i%3], Score: i % 10, MaxScore: 10, Statuses: make([]assessment.Status, len(pol.Requirements))}
		if i%1000 == 0 {
			s.ProviderName = "=HYPERLINK(\"http://x.example\")"
		}
		for j := range s.Statuses {
			s.Statuses[j] = statuses[(i+j)%len(statuses)]
		}
		// An outcome for every part of the contract: the exports get a column per part.
		s.PartOutcomes = make([]assessment.Outcome, len(pol.Parts))
		for k := range s.PartOutcomes {
			s.PartOutcomes[k] = assessment.PartOutcomes[(i+k)%len(assessment.PartOutcomes)]
		}
		run.Summaries = append(run.Summaries, s)
	}
	for k := range pol.Parts {
		pc := assessment.PartCounts{Part: pol.Parts[k].ID}
		for i := range run.Summaries {
			switch run.Summaries[i].PartOutcomes[k] {
			case assessment.Eligible:
				pc.Eligible++
			case assessment.NotEligible:
				pc.NotEligible++
			case assessment.Incomplete:
				pc.Incomplete++
			case assessment.OutOfScope:
				pc.OutOfScope++
			case assessment.NotRequested:
				pc.NotRequested++
			}
		}
		run.Parts = append(run.Parts, pc)
	}
	run.Eligible, run.NotEligible, run.Incomplete = 16667, 16667, 16666
	if err := env.DB.SaveRun(context.Background(), run); err != nil {
		t.Fatal(err)
	}
}

// sampleHeap starts from a collected heap and samples the heap in use every 2 ms until
// the returned function is called, which gives the level at the start and the peak.
func sampleHeap(t *testing.T) func() (base, peak uint64) {
	t.Helper()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var (
		mu   sync.Mutex
		top  = base
		stop = make(chan struct{})
		done = make(chan struct{})
	)
	go func() {
		defer close(done)
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		var ms runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				runtime.ReadMemStats(&ms)
				mu.Lock()
				top = max(top, ms.HeapInuse)
				mu.Unlock()
			}
		}
	}()
	return func() (uint64, uint64) {
		close(stop)
		<-done
		mu.Lock()
		defer mu.Unlock()
		return base, top
	}
}
