package claims

import (
	"bytes"
	"strconv"
	"syscall"
	"testing"
	"time"

	"zorginkoop/internal/claims/vektis"
	"zorginkoop/internal/policy"
)

// benchBook is a book as a batch of a file of a large hospital loads it: one contract
// of 200 codes, 100,000 insured, the provider's earlier references, percentages, and a
// policy authorisation rule that matches a share of the lines.
func benchBook(bsns []string) *Book {
	b := NewBook("caresq", "zbc-1")
	b.Today, b.PeriodFrom, b.PeriodTo = 20260301, 20260101, 20260131
	b.UZOVI["3311"] = true
	c := &Contract{ID: "c1", Reference: "C-1", Insurer: "caresq", ProviderID: "zbc-1", From: 20260101, To: 20261231,
		Parts: []string{"basis"}, Signed: true}
	for i := 0; i < 200; i++ {
		c.Lines = append(c.Lines, PriceLine{Part: "basis", Code: strconv.Itoa(150000 + i), TariffCents: 10000 + int64(i), Group: "fysio"})
	}
	pol := &policy.Policy{ID: "caresq-zbc-2026", Title: "Caresq ZBC 2026", Claims: policy.ClaimRules{
		Authorisations: []policy.ClaimAuthorisation{{ID: "msr-vervolg-dbc", Kind: "machtiging", Title: "Machtiging MSR vervolg-DBC",
			Text: "Voor het ingaan van een vervolg DBC moet toestemming worden aangevraagd.", Source: "p. 10",
			Zorgtypes: []string{"21"}, Specialisms: []string{"0327"}}}}}
	b.AddContract(c, pol)
	for i, bsn := range bsns {
		ins := Insured{Insurer: "caresq", PolicyNumber: "P" + bsn, BSN: bsn, PolicyType: "natura", From: 20250101}
		if i%10 == 0 {
			ins.Supplementary = []string{"fysio"}
		}
		b.Insured[bsn] = append(b.Insured[bsn], ins)
	}
	b.Percentages["natura"] = 75
	return b
}

// benchFile is a ZH308 file of n claim lines: one verzekerdenrecord per 3 lines, one
// tariefrecord per prestatierecord; amounts at, below and above the tariff.
func benchFile(b *testing.B, n int) ([]byte, []string) {
	var cs []zhClaim
	var bsns []string
	for i := 0; i < n; i++ {
		if i%3 == 0 {
			bsns = append(bsns, bsnAt(i/3))
		}
		code := 150000 + i%200
		c := zhClaim{BSN: bsns[len(bsns)-1], UZOVI: "3311", Code: strconv.Itoa(code), Begin: "20260115",
			Ref: "R" + strconv.Itoa(i), Qty: 1, Cents: 10000 + int64(i%200) + int64(i%3) - 1}
		if i%50 == 0 {
			c.Zorgtype, c.Specialism = "21", "0327"
		}
		cs = append(cs, c)
	}
	return buildZH308(b, zhHeader{Sender: "06010101", UZOVI: "3311", Invoice: "F1", From: "20260101", To: "20260131"}, cs), bsns
}

// cpuTime is the process's CPU time (user and system, all threads, GC included): on a
// shared machine, lines per CPU second is what one core does, whatever else runs.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// report adds lines per second of wall time and per CPU second.
func report(b *testing.B, lines int, cpu0 time.Duration) {
	b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
	if cpu := (cpuTime() - cpu0).Seconds(); cpu > 0 {
		b.ReportMetric(float64(lines)*float64(b.N)/cpu, "lines/cpu-s")
	}
}

// BenchmarkParseAndAdjudicate parses a ZH308 file held in memory with the vektis
// Scanner, groups its records into claim lines and adjudicates each against a preloaded
// book: no database. The issue asks for at least 1,000,000 lines per second per core.
//
//	go test ./internal/claims/ -run '^$' -bench ParseAndAdjudicate -cpu 1
func BenchmarkParseAndAdjudicate(b *testing.B) {
	const n = 100_000
	data, bsns := benchFile(b, n)
	book := benchBook(bsns)
	l := vektis.ZH308v90()
	var counts [4]int
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	cpu0 := cpuTime()
	for range b.N {
		clear(book.seen)
		s := vektis.NewScanner(bytes.NewReader(data), l, vektis.Options{MaxBytes: -1})
		lr := newLineReader(s, l)
		var ln Line
		got := 0
		for lr.next(&ln) {
			book.Adjudicate(&ln)
			counts[outcomeIndex(ln.Outcome)]++
			if got++; got%DefaultBatchLines == 0 {
				book.NextBatch() // as the service does: earlier batches are in the store
			}
		}
		if err := s.Err(); err != nil {
			b.Fatal(err)
		}
		if got != n {
			b.Fatalf("%d lines, want %d", got, n)
		}
	}
	report(b, n, cpu0)
	b.StopTimer()
	if counts[0] == 0 || counts[1] == 0 || counts[2] == 0 {
		b.Fatalf("outcomes %v: the benchmark must exercise approvals, reductions and rejections", counts)
	}
}

// BenchmarkScanOnly is the Scanner alone over the same file: what of
// BenchmarkParseAndAdjudicate is parsing.
func BenchmarkScanOnly(b *testing.B) {
	const n = 100_000
	data, _ := benchFile(b, n)
	l := vektis.ZH308v90()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	cpu0 := cpuTime()
	for range b.N {
		s := vektis.NewScanner(bytes.NewReader(data), l, vektis.Options{MaxBytes: -1})
		for s.Scan() {
		}
		if err := s.Err(); err != nil {
			b.Fatal(err)
		}
	}
	report(b, n, cpu0)
}

// BenchmarkAdjudicateOnly adjudicates lines already read: what of
// BenchmarkParseAndAdjudicate is the adjudicator.
func BenchmarkAdjudicateOnly(b *testing.B) {
	const n = 100_000
	data, bsns := benchFile(b, n)
	book := benchBook(bsns)
	l := vektis.ZH308v90()
	s := vektis.NewScanner(bytes.NewReader(data), l, vektis.Options{MaxBytes: -1})
	lr := newLineReader(s, l)
	lines := make([]Line, 0, n)
	var ln Line
	for lr.next(&ln) {
		lines = append(lines, ln)
	}
	b.ResetTimer()
	cpu0 := cpuTime()
	for range b.N {
		for i := range lines {
			book.Adjudicate(&lines[i])
			if (i+1)%DefaultBatchLines == 0 {
				book.NextBatch()
			}
		}
	}
	report(b, n, cpu0)
}

func outcomeIndex(o Outcome) int {
	switch o {
	case Approved:
		return 0
	case Reduced:
		return 1
	case Rejected:
		return 2
	}
	return 3
}
