package api

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"
)

// A bounded load generator: a fixed number of workers, each sending its share of the
// requests one after the other as fast as the server answers (a closed loop), so that at
// most that many requests are in flight. Every latency is recorded.

// shot is one request and the status it must get.
type shot struct {
	method, path, token string
	body                []byte
	want                int
}

// loadResult is what the workers saw: every latency, the failures, the wall time.
type loadResult struct {
	latencies []time.Duration
	errors    []string
	elapsed   time.Duration
}

func (r loadResult) requests() int { return len(r.latencies) }

// percentile is the latency below which q (0..1) of the requests stayed, in ms.
func (r loadResult) percentile(q float64) float64 {
	if len(r.latencies) == 0 {
		return 0
	}
	s := slices.Clone(r.latencies)
	slices.Sort(s)
	i := int(q*float64(len(s))+0.5) - 1
	i = max(0, min(i, len(s)-1))
	return float64(s[i].Microseconds()) / 1000
}

// perSecond is the throughput: requests answered per second of wall time.
func (r loadResult) perSecond() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.requests()) / r.elapsed.Seconds()
}

// fire sends shots to the server at base from workers workers; worker w sends shots w,
// w+workers, ...
func fire(base string, shots []shot, workers int) loadResult {
	client := &http.Client{Timeout: 2 * time.Minute, Transport: &http.Transport{
		MaxIdleConns: workers, MaxIdleConnsPerHost: workers, IdleConnTimeout: time.Minute}}
	defer client.CloseIdleConnections()
	lat := make([]time.Duration, len(shots))
	fails := make([]string, len(shots))
	var wg sync.WaitGroup
	start := time.Now()
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(shots); i += workers {
				lat[i], fails[i] = send(client, base, shots[i])
			}
		})
	}
	wg.Wait()
	r := loadResult{latencies: lat, elapsed: time.Since(start)}
	for _, f := range fails {
		if f != "" {
			r.errors = append(r.errors, f)
		}
	}
	return r
}

// send sends one shot and returns its latency (to the last byte of the answer) and a
// failure, or "".
func send(client *http.Client, base string, s shot) (time.Duration, string) {
	req, err := http.NewRequest(s.method, base+s.path, bytes.NewReader(s.body))
	if err != nil {
		return 0, err.Error()
	}
	req.Header.Set("Authorization", "Bearer "+s.token)
	if s.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return time.Since(start), fmt.Sprintf("%s %s: %v", s.method, s.path, err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	d := time.Since(start)
	switch {
	case err != nil:
		return d, fmt.Sprintf("%s %s: %v", s.method, s.path, err)
	case resp.StatusCode != s.want:
		return d, fmt.Sprintf("%s %s: %d, want %d: %s", s.method, s.path, resp.StatusCode, s.want, body)
	}
	return d, ""
}

// BenchmarkDeadlineDayRush runs the rush of rush_test.go on PostgreSQL with
// ZORGINKOOP_BENCH_PROVIDERS providers (1,000 by default) and 32 workers, once per
// iteration on a fresh database (run it with -benchtime 1x). It reports, per phase, the
// latencies and throughput, the errors (0, or the benchmark fails), and the ratios of
// the rushes to the read baseline of the same run (GET /api/dossiers/{id} of every
// dossier, before each rush).
func BenchmarkDeadlineDayRush(b *testing.B) {
	n := 1000
	if s := os.Getenv("ZORGINKOOP_BENCH_PROVIDERS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			b.Fatalf("ZORGINKOOP_BENCH_PROVIDERS: %v", err)
		}
	}
	const workers = 32
	for b.Loop() {
		b.StopTimer()
		e := newRushEnv(b, "postgres", n)
		e.pause, e.resume = b.StopTimer, b.StartTimer
		b.StartTimer()
		f := e.runRush(workers)
		report(b, f)
	}
}

func report(b *testing.B, f rushFigures) {
	b.ReportMetric(float64(f.submit.requests()+f.sign.requests()), "requests")
	b.ReportMetric(float64(len(f.submit.errors)+len(f.sign.errors)), "errors")
	for _, ph := range []struct {
		name    string
		r, read loadResult
	}{{"submit", f.submit, f.readBeforeSubmit}, {"sign", f.sign, f.readBeforeSign}} {
		b.ReportMetric(ph.r.percentile(0.50), ph.name+"-p50-ms")
		b.ReportMetric(ph.r.percentile(0.95), ph.name+"-p95-ms")
		b.ReportMetric(ph.r.percentile(0.99), ph.name+"-p99-ms")
		b.ReportMetric(ph.r.perSecond(), ph.name+"-req/s")
		b.ReportMetric(ph.r.elapsed.Seconds(), ph.name+"-s")
		b.ReportMetric(ph.read.percentile(0.50), ph.name+"-read-p50-ms")
		b.ReportMetric(ph.read.percentile(0.99), ph.name+"-read-p99-ms")
		b.ReportMetric(ph.read.perSecond(), ph.name+"-read-req/s")
		b.ReportMetric(ph.r.percentile(0.99)/ph.read.percentile(0.99), ph.name+"/read-p99")
		b.ReportMetric(ph.read.perSecond()/ph.r.perSecond(), "read/"+ph.name+"-req/s")
	}
}
