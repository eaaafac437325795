package vektis

import (
	"bytes"
	"syscall"
	"testing"
	"time"
)

// cpuTime is the process's CPU time (user and system, all threads, GC included): on a
// shared machine, throughput per CPU second is what one core does, whatever else runs.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchFile is a valid file of about n records in the mix of a claim file:
// per patient a 02 and 1-4 claim lines (04 + 06), 2.4 records per claim
// line, renumbered.
func benchFile(b testing.TB, n int) (data []byte, records, claims int) {
	l := ZH308v90()
	base := validRecords(b)
	recs := []Record{base[0]}
	id := 0
	add := func(r Record) {
		id++
		recs = append(recs, setID(b, r, id))
	}
	for k := 0; len(recs) < n; k++ {
		add(base[1])
		for range k%4 + 1 {
			add(base[2])
			add(base[3])
			claims++
		}
	}
	cl, err := ClosingRecord(l, recs[1:])
	if err != nil {
		b.Fatal(err)
	}
	recs = append(recs, cl)
	var buf bytes.Buffer
	if err := Write(&buf, l, recs); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes(), len(recs), claims
}

// BenchmarkScan streams a file of 100,000 records through the Scanner and
// reads the fields a claim line needs from each 04 and 06 record:
//
//	go test ./internal/claims/vektis -run '^$' -bench Scan -benchtime 20x
func BenchmarkScan(b *testing.B) {
	l := ZH308v90()
	data, n, claims := benchFile(b, 100000)
	p, t := l.Type("04"), l.Type("06")
	iRef, iBegin, iQty := p.Index("REFERENTIENUMMER DIT PRESTATIERECORD"), p.Index("BEGINDATUM PRESTATIE"), p.Index("AANTAL UITGEVOERDE PRESTATIES")
	iAmount := t.Index("DECLARATIEBEDRAG (INCL. BTW)")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var sum int64
	cpu0 := cpuTime()
	for b.Loop() {
		s := NewScanner(bytes.NewReader(data), l, Options{})
		for s.Scan() {
			r := s.Record()
			switch r.Type {
			case p:
				d, _ := r.Num(iBegin)
				q, _ := r.Num(iQty)
				sum += d + q + int64(len(r.Raw()[p.Fields[iRef].Start-1:]))
			case t:
				a, _ := r.Num(iAmount)
				sum += a
			}
		}
		if err := s.Err(); err != nil {
			b.Fatal(err)
		}
	}
	cpu := (cpuTime() - cpu0).Seconds()
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(n*b.N)/sec, "records/s")
	b.ReportMetric(float64(claims*b.N)/sec, "claimlines/s")
	if cpu > 0 {
		b.ReportMetric(float64(claims*b.N)/cpu, "claimlines/cpu-s")
		b.ReportMetric(float64(len(data)*b.N)/cpu/1e6, "MB/cpu-s")
	}
	_ = sum
}

// BenchmarkRecordChecks: the two halves of checking a prestatierecord, for profiling:
// the byte check of the whole line (encoding, control bytes) and the field checks.
//
//	go test ./internal/claims/vektis -run '^$' -bench RecordChecks
func BenchmarkRecordChecks(b *testing.B) {
	line := []byte(lines(b)[2])
	rt := ZH308v90().Type("04")
	b.Run("bytes", func(b *testing.B) {
		b.SetBytes(int64(len(line)))
		for b.Loop() {
			if i, _ := badByte(line); i >= 0 {
				b.Fatal(i)
			}
		}
	})
	b.Run("fields", func(b *testing.B) {
		b.SetBytes(int64(len(line)))
		for b.Loop() {
			if _, e := checkFields(rt, line); e != nil {
				b.Fatal(e)
			}
		}
	})
}
