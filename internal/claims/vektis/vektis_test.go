package vektis

import (
	"bytes"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
)

func rec(t testing.TB, code string, v map[string]string) Record {
	t.Helper()
	r, err := NewRecord(ZH308v90(), code, v)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// validRecords builds a small valid ZH308 file: opening, two insured with
// claims (one with a credit tariff line, an activity and a comment), closing.
func validRecords(t testing.TB) []Record {
	l := ZH308v90()
	ins := func(id, bsn, name string) Record {
		return rec(t, "02", map[string]string{
			"IDENTIFICATIE DETAILRECORD": id, "BURGERSERVICENUMMER (BSN) VERZEKERDE": bsn,
			"UZOVI-NUMMER": "3311", "DATUM GEBOORTE VERZEKERDE": "19700101", "CODE GESLACHT VERZEKERDE": "1",
			"NAAMCODE/NAAMGEBRUIK (01)": "1", "NAAM VERZEKERDE (01)": name, "VOORLETTERS VERZEKERDE": "J",
			"INDICATIE CLIENT OVERLEDEN": "2", "POSTCODE (HUISADRES) VERZEKERDE": "1234AB",
		})
	}
	pres := func(id, bsn string) Record {
		return rec(t, "04", map[string]string{
			"IDENTIFICATIE DETAILRECORD": id, "BURGERSERVICENUMMER (BSN) VERZEKERDE": bsn, "UZOVI-NUMMER": "3311",
			"DOORSTUREN TOEGESTAAN": "1", "DATUM GEBOORTE VERZEKERDE": "19700101", "AANDUIDING PRESTATIECODELIJST": "020",
			"PRESTATIECODE/DBC DECLARATIECODE": "150000", "BEGINDATUM PRESTATIE": "20250110", "EINDDATUM PRESTATIE": "20250120",
			"PRESTATIEVOLGNUMMER": "1", "CODE (ZELF)VERWIJZER": "03", "AANTAL UITGEVOERDE PRESTATIES": "1",
			"CODE HERDECLARATIE": "0", "INDICATIE DEBET/CREDIT": "D", "REFERENTIENUMMER DIT PRESTATIERECORD": "P" + id,
		})
	}
	tar := func(id, bsn, amount, dc string) Record {
		return rec(t, "06", map[string]string{
			"IDENTIFICATIE DETAILRECORD": id, "BURGERSERVICENUMMER (BSN) VERZEKERDE": bsn, "UZOVI-NUMMER": "3311",
			"AANDUIDING PRESTATIECODELIJST (01)": "020", "PRESTATIECODE/DBC DECLARATIECODE": "150000",
			"BEGINDATUM PRESTATIE": "20250110", "PRESTATIEVOLGNUMMER": "1", "SOORT PRESTATIE/TARIEF": "02",
			"VERREKENPERCENTAGE": "10000", "INDICATIE DEBET/CREDIT (01)": dc, "DECLARATIEBEDRAG (INCL. BTW)": amount,
			"INDICATIE DEBET/CREDIT (02)": dc, "REFERENTIENUMMER DIT TARIEFRECORD": "T" + id,
		})
	}
	recs := []Record{
		rec(t, "01", map[string]string{
			"CODE EXTERNE-INTEGRATIEBERICHT": "101", "VERSIENUMMER BERICHTSTANDAARD": "9", "SOORT BERICHT": "P",
			"IDENTIFICATIECODE BETALING AAN": "03", "BEGINDATUM DECLARATIEPERIODE": "20250101",
			"EINDDATUM DECLARATIEPERIODE": "20250131", "FACTUURNUMMER DECLARANT": "F2025-0001",
			"DAGTEKENING FACTUUR": "20250205", "VALUTACODE": "EUR", "INSTELLINGSCODE": "06010101",
		}),
		ins("1", "999999990", "Müller"),
		pres("2", "999999990"),
		tar("3", "999999990", "123456", "D"),
		tar("4", "999999990", "1000", "C"),
		rec(t, "16", map[string]string{
			"IDENTIFICATIE DETAILRECORD": "5", "BURGERSERVICENUMMER (BSN) VERZEKERDE": "999999990", "UZOVI-NUMMER": "3311",
			"AANDUIDING PRESTATIECODELIJST (01)": "020", "PRESTATIECODE/DBC DECLARATIECODE": "150000",
			"BEGINDATUM PRESTATIE": "20250110", "PRESTATIEVOLGNUMMER": "1", "ZORGACTIVITEITNUMMER": "ZA1",
			"ZORGACTIVITEITCODE": "190013", "BEGINDATUM ZORGACTIVITEIT": "20250110", "EINDDATUM ZORGACTIVITEIT": "20250110",
			"AANTAL UITGEVOERDE PRESTATIES": "1", "INDICATIE DEBET/CREDIT": "D", "REFERENTIENUMMER DIT ZORGACTIVITEITRECORD": "Z5",
		}),
		rec(t, "98", map[string]string{"IDENTIFICATIE DETAILRECORD": "5", "REGELNUMMER VRIJE TEKST": "1", "VRIJE TEKST": "opmerking"}),
		ins("6", "123456782", "Jansen"),
		pres("7", "123456782"),
		tar("8", "123456782", "50000", "D"),
	}
	cl, err := ClosingRecord(l, recs[1:])
	if err != nil {
		t.Fatal(err)
	}
	return append(recs, cl)
}

func lines(t testing.TB) []string {
	var out []string
	for _, r := range validRecords(t) {
		out = append(out, r.Raw())
	}
	return out
}

func join(ls []string) []byte { return []byte(strings.Join(ls, "\r\n") + "\r\n") }

func set(s string, pos int, v string) string { return s[:pos-1] + v + s[pos-1+len(v):] }

func TestLayout(t *testing.T) {
	l := ZH308v90()
	if l.Standard != "ZH308" || l.RecordLength != 610 || len(l.Types) != 7 {
		t.Fatalf("layout %s len %d types %d", l.Standard, l.RecordLength, len(l.Types))
	}
	var codes []string
	for _, rt := range l.Types {
		codes = append(codes, rt.Code)
	}
	if got := strings.Join(codes, " "); got != "01 02 04 06 16 98 99" {
		t.Fatalf("codes %s", got)
	}
	f := l.Type("04").Field("AANDUIDING PRESTATIECODELIJST")
	if f == nil || f.Start != 67 || f.End != 69 || !f.Numeric || f.Obligation != Mandatory || f.CodeList != "COD367-VEKT" {
		t.Fatalf("field 0409: %+v", f)
	}
	if !l.Type("98").annot || l.Type("02").level != 0 || l.Type("16").level != 3 {
		t.Fatal("nesting not inferred")
	}
	if _, err := LoadLayout(strings.NewReader("a,b\n1,2\n")); err == nil {
		t.Fatal("LoadLayout accepted a table without header")
	}
	bad := strings.Replace(string(zh308v90CSV), "VOORLOOPRECORD,01,102,CODE EXTERNE-INTEGRATIEBERICHT,N,3,NNN,5", "VOORLOOPRECORD,01,102,CODE EXTERNE-INTEGRATIEBERICHT,N,3,NNN,6", 1)
	if _, err := LoadLayout(strings.NewReader(bad)); err == nil {
		t.Fatal("LoadLayout accepted overlapping positions")
	}
}

func TestRoundTrip(t *testing.T) {
	l := ZH308v90()
	recs := validRecords(t)
	var buf bytes.Buffer
	if err := Write(&buf, l, recs); err != nil {
		t.Fatal(err)
	}
	f, err := Parse(bytes.NewReader(buf.Bytes()), l, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Records) != len(recs) {
		t.Fatalf("%d records, want %d", len(f.Records), len(recs))
	}
	for i, r := range f.Records {
		if r.Raw() != recs[i].Raw() || r.Code() != recs[i].Code() || r.Line != i+1 {
			t.Fatalf("record %d differs", i+1)
		}
	}
	if got := f.Records[1].Field("NAAM VERZEKERDE (01)"); got != "Müller" {
		t.Fatalf("name %q", got)
	}
	if got := f.Closing().Field("TOTAAL DECLARATIEBEDRAG"); got != "00000172456" {
		t.Fatalf("total %q", got)
	}
	if got := f.Closing().Field("AANTAL TARIEFRECORDS"); got != "000003" {
		t.Fatalf("count %q", got)
	}
	var again bytes.Buffer
	if err := Write(&again, l, f.Records); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Fatal("write(parse(write(x))) != write(x)")
	}
	// LF endings and no final newline are accepted too.
	lf := strings.TrimSuffix(strings.ReplaceAll(buf.String(), "\r\n", "\n"), "\n")
	if _, err := Parse(strings.NewReader(lf), l, Options{}); err != nil {
		t.Fatal(err)
	}
}

func TestBadInput(t *testing.T) {
	base := lines(t)
	n := len(base)
	mod := func(f func(ls []string) []string) []byte {
		ls := append([]string(nil), base...)
		return join(f(ls))
	}
	cases := []struct {
		name  string
		in    []byte
		opt   Options
		line  int
		pos   int
		field string
		msg   string
	}{
		{"empty file", nil, Options{}, 1, 1, "", "empty"},
		{"truncated: closing record missing", mod(func(ls []string) []string { return ls[:n-1] }), Options{}, n, 1, "", "without closing"},
		{"truncated mid-record", []byte(strings.Join(base[:n-1], "\r\n") + "\r\n" + base[n-1][:300]), Options{}, n, 301, "RESERVE", "shorter"},
		{"wrongly padded (trailing spaces stripped)", mod(func(ls []string) []string { ls[1] = strings.TrimRight(ls[1], " "); return ls }), Options{}, 2, 182, "RESERVE", "shorter"},
		{"over-long line", mod(func(ls []string) []string { ls[2] += "X"; return ls }), Options{}, 3, 611, "", "longer"},
		{"huge line without newline", append(join(base[:1]), bytes.Repeat([]byte("9"), 1<<20)...), Options{}, 2, 611, "", "longer"},
		{"wrong order: prestatie before verzekerde", mod(func(ls []string) []string { ls[1], ls[2] = ls[2], ls[1]; return ls }), Options{}, 2, 1, "KENMERK RECORD", "must follow a record 02"},
		{"wrong order: closing not last", mod(func(ls []string) []string { return append(ls, ls[1]) }), Options{}, n + 1, 1, "KENMERK RECORD", "after the closing"},
		{"wrong order: opening not first", mod(func(ls []string) []string { return ls[1:] }), Options{}, 1, 1, "KENMERK RECORD", "must start with opening"},
		{"wrong closing total", mod(func(ls []string) []string { ls[n-1] = set(ls[n-1], 46, "00000172457"); return ls }), Options{}, n, 46, "TOTAAL DECLARATIEBEDRAG", "add up to 172456"},
		{"wrong closing sign", mod(func(ls []string) []string { ls[n-1] = set(ls[n-1], 57, "C"); return ls }), Options{}, n, 46, "TOTAAL DECLARATIEBEDRAG", "add up"},
		{"wrong closing count", mod(func(ls []string) []string { ls[n-1] = set(ls[n-1], 21, "000004"); return ls }), Options{}, n, 21, "AANTAL TARIEFRECORDS", "says 4, the file has 3"},
		{"wrong closing detail total", mod(func(ls []string) []string { ls[n-1] = set(ls[n-1], 39, "0000001"); return ls }), Options{}, n, 39, "TOTAAL AANTAL DETAILRECORDS", "has 9"},
		{"unknown record code", mod(func(ls []string) []string { ls[3] = set(ls[3], 1, "05"); return ls }), Options{}, 4, 1, "KENMERK RECORD", "unknown record type"},
		{"non-digit in N field", mod(func(ls []string) []string { ls[1] = set(ls[1], 20, "X"); return ls }), Options{}, 2, 15, "BURGERSERVICENUMMER (BSN) VERZEKERDE", "non-digit at position 20"},
		{"invalid date", mod(func(ls []string) []string { ls[1] = set(ls[1], 54, "19700231"); return ls }), Options{}, 2, 54, "DATUM GEBOORTE VERZEKERDE", "not a valid date"},
		{"mandatory field empty", mod(func(ls []string) []string { ls[0] = set(ls[0], 81, strings.Repeat(" ", 12)); return ls }), Options{}, 1, 81, "FACTUURNUMMER DECLARANT", "mandatory"},
		{"pattern NNNNAA", mod(func(ls []string) []string { ls[1] = set(ls[1], 142, "12345B"); return ls }), Options{}, 2, 142, "POSTCODE (HUISADRES) VERZEKERDE", "pattern NNNNAA"},
		{"bad debit/credit", mod(func(ls []string) []string { ls[3] = set(ls[3], 115, "X"); return ls }), Options{}, 4, 115, "INDICATIE DEBET/CREDIT (02)", "not D or C"},
		{"comment before any detail", mod(func(ls []string) []string { ls[1], ls[6] = ls[6], ls[1]; return ls }), Options{}, 2, 1, "KENMERK RECORD", "before any detail"},
		{"detail number gap", mod(func(ls []string) []string { ls[2] = set(ls[2], 3, "000000000009"); return ls }), Options{}, 3, 3, "IDENTIFICATIE DETAILRECORD", "want 2"},
		{"comment number wrong", mod(func(ls []string) []string { ls[6] = set(ls[6], 3, "000000000004"); return ls }), Options{}, 7, 3, "IDENTIFICATIE DETAILRECORD", "want 5"},
		{"UTF-8 BOM", append([]byte("\xef\xbb\xbf"), join(base)...), Options{}, 1, 1, "", "byte order mark"},
		{"NUL byte", mod(func(ls []string) []string { ls[3] = set(ls[3], 300, "\x00"); return ls }), Options{}, 4, 300, "", "invalid byte 0x00"},
		{"size cap", join(base), Options{MaxBytes: 2000}, 4, 1, "", "larger than the limit"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := Parse(bytes.NewReader(c.in), ZH308v90(), c.opt)
			if f != nil {
				t.Fatal("got a file despite the error")
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is not *Error", err)
			}
			if e.Line != c.line || e.Pos != c.pos || e.Field != c.field || !strings.Contains(e.Msg, c.msg) {
				t.Fatalf("got %v (line %d pos %d field %q), want line %d pos %d field %q msg ~%q", e, e.Line, e.Pos, e.Field, c.line, c.pos, c.field, c.msg)
			}
		})
	}
}

func TestWriteRejects(t *testing.T) {
	l := ZH308v90()
	if _, err := NewRecord(l, "03", nil); err == nil {
		t.Fatal("unknown code accepted")
	}
	if _, err := NewRecord(l, "02", map[string]string{"NAAM VERZEKERDE (01)": strings.Repeat("x", 26)}); err == nil {
		t.Fatal("too long value accepted")
	}
	if _, err := NewRecord(l, "02", map[string]string{"NAAM VERZEKERDE (01)": "€"}); err == nil {
		t.Fatal("non-Latin-1 accepted")
	}
	if err := Write(&bytes.Buffer{}, l, []Record{{}}); err == nil {
		t.Fatal("empty record written")
	}
}

func FuzzParse(f *testing.F) {
	var buf bytes.Buffer
	if err := Write(&buf, ZH308v90(), validRecords(f)); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte{})
	if os.Getenv("VEKTIS_WRITE_SEED") != "" {
		_ = os.WriteFile(os.Getenv("VEKTIS_WRITE_SEED"), buf.Bytes(), 0o644)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse(bytes.NewReader(data), ZH308v90(), Options{MaxBytes: 1 << 20})
		if (file == nil) == (err == nil) {
			t.Fatalf("file %v err %v", file != nil, err)
		}
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := Write(&out, file.Layout, file.Records); err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(&out, file.Layout, Options{}); err != nil {
			t.Fatalf("re-parse of written file: %v", err)
		}
		for _, r := range file.Records {
			for _, fd := range r.Type.Fields {
				_ = r.Field(fd.Name)
			}
		}
	})
}

func BenchmarkParse(b *testing.B) {
	l := ZH308v90()
	base := validRecords(b)
	// Repeat the claim groups to a file of about 10,000 records.
	var recs []Record
	recs = append(recs, base[0])
	id := 0
	for len(recs) < 10000 {
		for _, r := range base[1 : len(base)-1] {
			if r.Type.annot {
				recs = append(recs, setID(b, r, id))
				continue
			}
			id++
			recs = append(recs, setID(b, r, id))
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
	b.SetBytes(int64(buf.Len()))
	b.ResetTimer()
	for b.Loop() {
		if _, err := Parse(bytes.NewReader(buf.Bytes()), l, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(recs)*b.N)/b.Elapsed().Seconds(), "records/s")
}

func setID(tb testing.TB, r Record, id int) Record {
	f := r.Type.Field(seqField)
	v := strconv.Itoa(id)
	v = strings.Repeat("0", f.Length-len(v)) + v
	r.raw = r.raw[:f.Start-1] + v + r.raw[f.End:]
	return r
}
