package vektis

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestScannerHandsOutCheckedRecordsAndValuesThatOutliveTheBuffer(t *testing.T) {
	l := ZH308v90()
	var buf bytes.Buffer
	if err := Write(&buf, l, validRecords(t)); err != nil {
		t.Fatal(err)
	}
	p := l.Type("04")
	iCode, iRef, iBegin := p.Index("PRESTATIECODE/DBC DECLARATIECODE"), p.Index("REFERENTIENUMMER DIT PRESTATIERECORD"), p.Index("BEGINDATUM PRESTATIE")
	if iCode < 0 || iRef < 0 || iBegin < 0 || p.Index("NO SUCH FIELD") != -1 {
		t.Fatalf("Index: %d %d %d", iCode, iRef, iBegin)
	}
	s := NewScanner(&buf, l, Options{})
	var codes, refs []string
	var names []string
	for s.Scan() {
		r := s.Record()
		if r.Line != s.Line() {
			t.Fatalf("record line %d, scanner line %d", r.Line, s.Line())
		}
		codes = append(codes, r.Code())
		switch r.Code() {
		case "04":
			refs = append(refs, r.At(iRef))
			if d, ok := r.Num(iBegin); !ok || d != 20250110 {
				t.Fatalf("Num(begin) = %d %v", d, ok)
			}
			if !r.Is(iCode, "150000") {
				t.Fatal("Is(code)")
			}
		case "02":
			names = append(names, r.Field("NAAM VERZEKERDE (01)"))
		}
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(codes, " "); got != "01 02 04 06 06 16 98 02 04 06 99" {
		t.Fatalf("codes %s", got)
	}
	if strings.Join(refs, ",") != "P2,P7" || strings.Join(names, ",") != "Müller,Jansen" {
		t.Fatalf("refs %v names %v", refs, names)
	}
	if s.Scan() {
		t.Fatal("Scan after the end returned true")
	}
}

func TestScannerReportsTheErrorAfterTheRecordsBeforeIt(t *testing.T) {
	ls := lines(t)
	ls[len(ls)-1] = set(ls[len(ls)-1], 46, "00000172457") // wrong closing total
	s := NewScanner(bytes.NewReader(join(ls)), ZH308v90(), Options{})
	n := 0
	for s.Scan() {
		n++
	}
	var e *Error
	if !errors.As(s.Err(), &e) || e.Line != len(ls) || e.Field != "TOTAAL DECLARATIEBEDRAG" {
		t.Fatalf("err %v", s.Err())
	}
	if n != len(ls)-1 {
		t.Fatalf("%d records before the error, want %d", n, len(ls)-1)
	}
}

func TestScannerTooLargeIsErrTooLarge(t *testing.T) {
	s := NewScanner(bytes.NewReader(join(lines(t))), ZH308v90(), Options{MaxBytes: 2000})
	for s.Scan() {
	}
	if !errors.Is(s.Err(), ErrTooLarge) {
		t.Fatalf("err %v is not ErrTooLarge", s.Err())
	}
}
