package vektis

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// badInputs are files with one defect each, for TestBadInputKinds and the fuzz seeds.
func badInputs(t testing.TB) []struct {
	name  string
	in    []byte
	line  int
	field string
	msg   string
} {
	base := lines(t)
	n := len(base)
	mod := func(f func(ls []string) []string) []byte {
		return join(f(append([]string(nil), base...)))
	}
	nameAt := ZH308v90().Type("02").Field("NAAM VERZEKERDE (01)").Start
	qty := ZH308v90().Type("04").Field("AANTAL UITGEVOERDE PRESTATIES")
	return []struct {
		name  string
		in    []byte
		line  int
		field string
		msg   string
	}{
		{"empty", nil, 1, "", "empty"},
		{"only line endings", []byte("\r\n\r\n"), 1, "", "shorter"},
		{"truncated: no closing record", mod(func(ls []string) []string { return ls[:n-1] }), n, "", "without closing"},
		{"truncated: short last record", []byte(strings.Join(base, "\r\n")[:len(strings.Join(base, "\r\n"))-10]), n, "RESERVE", "shorter"},
		{"numeric field space-padded", mod(func(ls []string) []string {
			ls[2] = set(ls[2], qty.Start, "   1")
			return ls
		}), 3, qty.Name, "non-digit"},
		{"trailing spaces stripped", mod(func(ls []string) []string { ls[1] = strings.TrimRight(ls[1], " "); return ls }), 2, "RESERVE", "shorter"},
		{"record order: 06 before its 04", mod(func(ls []string) []string { ls[2], ls[3] = ls[3], ls[2]; return ls }), 3, "KENMERK RECORD", "must follow"},
		{"closing total off by a cent", mod(func(ls []string) []string { ls[n-1] = set(ls[n-1], 46, "00000172457"); return ls }), n, "TOTAAL DECLARATIEBEDRAG", "add up"},
		{"unknown record code", mod(func(ls []string) []string { ls[3] = set(ls[3], 1, "07"); return ls }), 4, "KENMERK RECORD", "unknown record type"},
		{"UTF-8 é in a name", mod(func(ls []string) []string {
			ls[1] = set(ls[1], nameAt, "Ren\xc3\xa9 ")
			return ls
		}), 2, "", "UTF-8"},
		{"UTF-8 € (C1 control byte)", mod(func(ls []string) []string { ls[1] = set(ls[1], nameAt, "\xe2\x82\xac"); return ls }), 2, "", "UTF-8"},
		{"UTF-8 byte order mark", append([]byte("\xef\xbb\xbf"), join(base)...), 1, "", "byte order mark"},
		{"tab", mod(func(ls []string) []string { ls[1] = set(ls[1], nameAt, "\t"); return ls }), 2, "", "0x09"},
		{"C1 control NEL", mod(func(ls []string) []string { ls[1] = set(ls[1], nameAt, "\x85"); return ls }), 2, "", "0x85"},
		{"UTF-16", utf16(join(base[:1])), 1, "", "invalid byte"},
		{"a JSON file", []byte(`{"declaratie": []}`), 1, "KENMERK RECORD", "unknown record type"},
	}
}

func utf16(b []byte) []byte {
	out := []byte{0xff, 0xfe}
	for _, c := range b {
		out = append(out, c, 0)
	}
	return out
}

func TestBadInputKinds(t *testing.T) {
	for _, c := range badInputs(t) {
		t.Run(c.name, func(t *testing.T) {
			f, err := Parse(bytes.NewReader(c.in), ZH308v90(), Options{})
			var e *Error
			if f != nil || !errors.As(err, &e) {
				t.Fatalf("file %v, error %v", f != nil, err)
			}
			if e.Line != c.line || e.Field != c.field || !strings.Contains(e.Msg, c.msg) || e.Pos < 1 {
				t.Fatalf("got %v, want line %d field %q msg ~%q", e, c.line, c.field, c.msg)
			}
		})
	}
}

func TestLatin1TextIsReadAsUTF8(t *testing.T) {
	ls := lines(t)
	at := ZH308v90().Type("02").Field("NAAM VERZEKERDE (01)").Start
	ls[1] = set(ls[1], at, "Ren\xe9 \xc7elik")
	f, err := Parse(bytes.NewReader(join(ls)), ZH308v90(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Records[1].Field("NAAM VERZEKERDE (01)"); got != "René Çelik" {
		t.Fatalf("name %q", got)
	}
}

// AN fields are left-aligned and space-padded; a right-aligned value is still a
// value with leading spaces, which the layout cannot tell from a deliberate one.
func TestRightAlignedAlphanumericIsNotAStructuralError(t *testing.T) {
	ls := lines(t)
	f := ZH308v90().Type("02").Field("NAAM VERZEKERDE (01)")
	ls[1] = set(ls[1], f.Start, strings.Repeat(" ", f.Length-6)+"Jansen")
	p, err := Parse(bytes.NewReader(join(ls)), ZH308v90(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Records[1].Field(f.Name); got != strings.Repeat(" ", f.Length-6)+"Jansen" {
		t.Fatalf("value %q", got)
	}
}

// genReader streams a valid ZH308 file of groups × (02, 04, 06) without holding it:
// the records of validRecords renumbered on the fly.
type genReader struct {
	recs    [][]byte // opening, 02, 04, 06, closing
	groups  int
	g, k    int // group, record in group
	stage   int // 0 opening, 1 details, 2 closing, 3 done
	cur     []byte
	read    int64
	idStart int
}

func newGenReader(t testing.TB, groups int) *genReader {
	l := ZH308v90()
	base := validRecords(t)
	amount := int64(123456) // base[3], a debit tariff record
	closing, err := NewRecord(l, "99", map[string]string{
		"AANTAL VERZEKERDENRECORDS": strconv.Itoa(groups), "AANTAL PRESTATIERECORDS": strconv.Itoa(groups),
		"AANTAL TARIEFRECORDS": strconv.Itoa(groups), "TOTAAL AANTAL DETAILRECORDS": strconv.Itoa(3 * groups),
		"TOTAAL DECLARATIEBEDRAG": strconv.FormatInt(amount*int64(groups), 10), "INDICATIE DEBET/CREDIT": "D",
		"AANTAL ZORGACTIVITEITRECORDS": "0", "AANTAL COMMENTAARRECORDS": "0", "AANTAL DEBITEURRECORDS": "0",
	})
	if err != nil {
		t.Fatal(err)
	}
	crlf := func(r Record) []byte { return []byte(r.Raw() + "\r\n") }
	return &genReader{recs: [][]byte{crlf(base[0]), crlf(base[1]), crlf(base[2]), crlf(base[3]), crlf(closing)},
		groups: groups, idStart: l.Type("02").Field(seqField).Start - 1}
}

func (r *genReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(r.cur) == 0 {
			switch r.stage {
			case 0:
				r.cur = r.recs[0]
				r.stage = 1
			case 1:
				if r.g == r.groups {
					r.stage = 2
					continue
				}
				rec := r.recs[1+r.k]
				id := 3*r.g + r.k + 1
				for i := r.idStart + 11; i >= r.idStart; i-- { // IDENTIFICATIE DETAILRECORD, 12 digits
					rec[i] = byte('0' + id%10)
					id /= 10
				}
				r.cur = rec
				if r.k++; r.k == 3 {
					r.k, r.g = 0, r.g+1
				}
			case 2:
				r.cur = r.recs[4]
				r.stage = 3
			default:
				r.read += int64(n)
				if n == 0 {
					return 0, io.EOF
				}
				return n, nil
			}
		}
		c := copy(p[n:], r.cur)
		r.cur = r.cur[c:]
		n += c
	}
	r.read += int64(n)
	return n, nil
}

// gigabyte is the number of groups of 3 records (612 bytes each) in about 1 GB.
const gigabyte = (1 << 30) / (3 * 612)

func TestGigabyteOverTheLimitStopsAtTheLimitWithFlatMemory(t *testing.T) {
	r := newGenReader(t, gigabyte)
	const limit = 100 << 20
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	s := NewScanner(r, ZH308v90(), Options{MaxBytes: limit})
	n := 0
	for s.Scan() {
		n++
	}
	runtime.ReadMemStats(&after)
	var e *Error
	if !errors.Is(s.Err(), ErrTooLarge) || !errors.As(s.Err(), &e) {
		t.Fatalf("err %v, want ErrTooLarge", s.Err())
	}
	if r.read > limit+1 {
		t.Fatalf("read %d bytes, limit %d", r.read, limit)
	}
	if e.Line != n+1 || n != limit/612 {
		t.Fatalf("error on line %d after %d records", e.Line, n)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
		t.Fatalf("allocated %d bytes scanning %d bytes", alloc, r.read)
	}
}

func TestGigabyteValidFileStreamsWithFlatMemory(t *testing.T) {
	r := newGenReader(t, gigabyte)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	s := NewScanner(r, ZH308v90(), Options{MaxBytes: -1})
	n := 0
	for s.Scan() {
		n++
	}
	runtime.ReadMemStats(&after)
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	if n != 3*gigabyte+2 || r.read < 1<<30-3*612 {
		t.Fatalf("%d records, %d bytes", n, r.read)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
		t.Fatalf("allocated %d bytes streaming %d bytes", alloc, r.read)
	}
	t.Logf("%d records, %d bytes, allocated %d bytes", n, r.read, after.TotalAlloc-before.TotalAlloc)
}

// FuzzScan: whatever the input, the Scanner either ends with Err nil after a closing
// record and agrees with Parse record for record, or reports an *Error (or, over the
// limit, ErrTooLarge) with a line and position; it never panics.
//
//	go test ./internal/claims/vektis -run '^$' -fuzz FuzzScan -fuzztime 60s
func FuzzScan(f *testing.F) {
	var buf bytes.Buffer
	if err := Write(&buf, ZH308v90(), validRecords(f)); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	for _, c := range badInputs(f) {
		f.Add(c.in)
	}
	l := ZH308v90()
	f.Fuzz(func(t *testing.T, data []byte) {
		s := NewScanner(bytes.NewReader(data), l, Options{MaxBytes: 1 << 20})
		var raws []string
		last := 0
		for s.Scan() {
			r := s.Record()
			if s.Line() != last+1 || r.Line != s.Line() || len(r.Raw()) != l.RecordLength {
				t.Fatalf("line %d after %d, record line %d, %d positions", s.Line(), last, r.Line, len(r.Raw()))
			}
			last = s.Line()
			for i := range r.Type.Fields {
				_ = r.At(i)
				_, _ = r.Num(i)
			}
			raws = append(raws, strings.Clone(r.Raw()))
		}
		err := s.Err()
		file, perr := Parse(bytes.NewReader(data), l, Options{MaxBytes: 1 << 20})
		if (err == nil) != (perr == nil) || (file == nil) == (perr == nil) {
			t.Fatalf("scanner %v, parse %v", err, perr)
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Line < 1 || e.Pos < 1 || e.Msg == "" {
				t.Fatalf("error %#v", err)
			}
			if e.Line != last+1 {
				t.Fatalf("error on line %d after record line %d", e.Line, last)
			}
			if err.Error() != perr.Error() {
				t.Fatalf("scanner %v, parse %v", err, perr)
			}
			return
		}
		if len(raws) != len(file.Records) || raws[len(raws)-1][:2] != l.Closing().Code {
			t.Fatalf("%d records scanned, %d parsed", len(raws), len(file.Records))
		}
		for i, r := range file.Records {
			if r.Raw() != raws[i] {
				t.Fatalf("record %d differs", i+1)
			}
		}
	})
}
