package provider

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"zorginkoop/internal/apperr"
)

type lineField struct {
	line  int
	field string
}

func problems(err error) []lineField {
	var out []lineField
	for _, e := range apperr.Errors(err) {
		out = append(out, lineField{e.Line, e.Field})
	}
	return out
}

// A missing facts_date on one line hid the problems of the next lines: ReadFile reports
// every problem of every line, of the file's shape and of the rules, in line order.
func TestReadFileReportsEveryProblemOfEveryLine(t *testing.T) {
	csvFile := `id,name,kvk,agb,care_types,location_name,street,postcode,city,facts_source,facts_date,zkn_lid,kleur
kliniek-a,Kliniek A,12345678,22012345,zbc,Hoofd,Straat 1,3011 TB,Rotterdam,aanbieder,,ja,rood
kliniek-b,Kliniek B,1234,22012346,zbc,Hoofd,Straat 2,3011 TB,Rotterdam,,,,
kliniek-c,Kliniek C,12345679,22012347,tandarts,Hoofd,Straat 3,3011 TB,Rotterdam,aanbieder,2025-06-30,misschien,
kliniek-d,Kliniek D,12345670,22012348,zbc,Hoofd,Straat 4,3011 TB,Rotterdam
`
	jsonFile := `{"providers": [
  {"id": "kliniek-a", "name": 12},
  {"id": "kliniek-b", "name": "Kliniek B", "kvk": "1234", "agb_codes": [{"code": "22012346", "kind": "instelling"}], "care_types": ["zbc"],
   "facts": [{"key": "zkn_lid", "value": {}, "date": "2025-06-30"}]},
  {"id": "kliniek-c", "name": "Kliniek C", "kvk": "12345679", "agb_codes": [{"code": "22012347", "kind": "instelling"}], "care_types": ["zbc"],
   "facts": [{"key": "zkn_lid", "value": "misschien", "date": "2025-06-30"}]}
]}`
	tests := []struct {
		name, format, file string
		want               []lineField
	}{
		{"CSV", "csv", csvFile, []lineField{
			{1, "column kleur"},
			{2, "column facts_date"},
			{3, "provider kliniek-b: kvk"},
			{4, "provider kliniek-c: care_types[0]"},
			{4, `provider kliniek-c: column "zkn_lid"`}, // the cell, not a JSON path
			{5, ""},
		}},
		{"JSON", "json", jsonFile, []lineField{
			{2, "providers[0].name"},
			{4, "providers[1].facts[0].value"},
			{3, "provider kliniek-b: kvk"},
			{6, "provider kliniek-c: facts[0].value"}, // the fact's line, not the provider's
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := testReference(t).ReadFile(strings.NewReader(tc.file), tc.format)
			got := problems(err)
			for _, w := range tc.want {
				found := false
				for _, g := range got {
					found = found || g == w
				}
				if !found {
					t.Errorf("missing problem %+v; got %+v", w, got)
				}
			}
			if len(got) != len(tc.want) {
				t.Errorf("%d problems, want %d: %v", len(got), len(tc.want), err)
			}
			for i := 1; i < len(got); i++ {
				if got[i].line < got[i-1].line {
					t.Errorf("problems not in line order: %+v", got)
				}
			}
		})
	}
}

// A Dutch spreadsheet saves CSV with semicolons (the comma is its decimal sign), a
// byte-order mark and decimal commas; it was refused with an "unknown column" per column.
func TestReadFileReadsASpreadsheetsSemicolonCSV(t *testing.T) {
	want := []Fact{
		{Key: "omzet_verzekeraar", Insurer: "eucare", Value: "8000050", Source: SourceInsurer, Date: "2025-06-30"},
		{Key: "zkn_lid", Value: "true", Source: SourceInsurer, Date: "2025-06-30"},
		{Key: "zorgkaart_score", Value: "8.1", Source: SourceInsurer, Date: "2025-06-30"},
		{Key: "omzet_totaal", Value: "125000050", Source: SourceInsurer, Date: "2025-06-30"},
	}
	for _, tc := range []struct{ name, file string }{
		{"semicolons, BOM, decimal commas, CRLF", "\ufeffid;name;kvk;agb;care_types;facts_source;facts_date;omzet_verzekeraar@eucare;zkn_lid;zorgkaart_score;omzet_totaal\r\n" +
			"kliniek-a;Kliniek A;12345678;\"22012345;23012345\";zbc;verzekeraar;2025-06-30;80.000,50;ja;8,1;\"€ 1.250.000,50\"\r\n"},
		{"a quoted header cell after the BOM", "\ufeff\"id\";\"name\";kvk;agb;care_types;facts_source;facts_date;omzet_verzekeraar@eucare;zkn_lid;zorgkaart_score;omzet_totaal\n" +
			"kliniek-a;Kliniek A;12345678;22012345;zbc;verzekeraar;2025-06-30;80000,50;ja;8,1;1250000,50\n"},
		{"tabs", "id\tname\tkvk\tagb\tcare_types\tfacts_source\tfacts_date\tomzet_verzekeraar@eucare\tzkn_lid\tzorgkaart_score\tomzet_totaal\n" +
			"kliniek-a\tKliniek A\t12345678\t22012345\tzbc\tverzekeraar\t2025-06-30\t80.000,50\tja\t8,1\t1.250.000,50\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ps, lines, err := testReference(t).ReadFile(strings.NewReader(tc.file), "csv")
			if err != nil {
				t.Fatalf("ReadFile: %v", err)
			}
			if len(ps) != 1 || ps[0].ID != "kliniek-a" || ps[0].Name != "Kliniek A" || lines[0] != 2 {
				t.Fatalf("providers %+v at lines %v", ps, lines)
			}
			if !slices.Equal(ps[0].Facts, want) {
				t.Errorf("facts = %+v\nwant %+v", ps[0].Facts, want)
			}
		})
	}
}

// Columns separated by something else are one line, not one error per column.
func TestReadFileSaysInOneLineThatItFindsNoColumns(t *testing.T) {
	file := "id|name|kvk|agb|care_types|zkn_lid\nkliniek-a|Kliniek A|12345678|22012345|zbc|ja\n"
	_, _, err := testReference(t).ReadFile(strings.NewReader(file), "csv")
	errs := apperr.Errors(err)
	if len(errs) != 1 || errs[0].Line != 1 || !strings.Contains(errs[0].Message, "separate the columns with commas, semicolons or tabs") {
		t.Fatalf("errors = %v", err)
	}
}

// Errors of a CSV file name the column (and the line), never a JSON path: the fact's own
// column for its value, facts_date, facts_source or its evidence column for those.
func TestReadFileNamesTheColumnOfACSVCell(t *testing.T) {
	file := "id;name;kvk;agb;care_types;facts_source;facts_date;omzet_verzekeraar@eucare;zorgkaart_score;evidence:zorgkaart_score\n" +
		"kliniek-a;Kliniek A;12345678;22012345;zbc;verzekeraar;2025-06-30;80.000,50;8,1;\n" +
		"kliniek-b;Kliniek B;12345679;22012346;zbc;verzekeraar;31-06-2025;veel;8,1;\n" +
		"kliniek-c;Kliniek C;12345670;22012347;zbc;iemand;2025-06-30;;8;\n" +
		"kliniek-d;Kliniek D;12345671;22012348;zbc;aanbieder;2025-06-30;;acht;\n"
	_, _, err := testReference(t).ReadFile(strings.NewReader(file), "csv")
	got := problems(err)
	want := []lineField{
		{3, `provider kliniek-b: column "facts_date"`},
		{3, `provider kliniek-b: column "omzet_verzekeraar@eucare"`},
		{4, `provider kliniek-c: column "facts_source"`},
		{5, `provider kliniek-d: column "zorgkaart_score"`},
	}
	if len(got) != len(want) {
		t.Errorf("%d problems, want %d: %v", len(got), len(want), err)
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("missing problem %+v; got %+v", w, got)
		}
	}
	for _, e := range apperr.Errors(err) {
		if strings.Contains(e.Error(), "facts[") {
			t.Errorf("a CSV error names a JSON path: %v", e)
		}
	}
	if e := apperr.Errors(err); len(e) > 0 && !strings.HasPrefix(e[len(e)-1].Error(), `line 5: provider kliniek-d: column "zorgkaart_score": `) {
		t.Errorf("last error reads %q", e[len(e)-1].Error())
	}
}

// A bad fact in a JSON file is reported at the fact's own line, by its place in the file,
// also when a fact before it was left out for a value of the wrong type.
func TestReadFileReportsAJSONFactAtItsLine(t *testing.T) {
	file := `[
  {"id": "kliniek-a", "name": "Kliniek A", "kvk": "12345678", "agb_codes": [{"code": "22012345", "kind": "instelling"}], "care_types": ["zbc"],
   "facts": [
     {"key": "zkn_lid", "value": [1], "date": "2025-06-30"},
     {"key": "zorgkaart_score", "value": "8,1", "date": "2025-06-30"},
     {"key": "zkn_lid",
      "value": "misschien", "date": "2025-06-30"},
     {"key": "omzet_totaal", "value": 100, "date": "2025-06-30", "kleur": "rood"}
   ]}
]`
	_, _, err := testReference(t).ReadFile(strings.NewReader(file), "json")
	got := problems(err)
	want := []lineField{
		{4, "providers[0].facts[0].value"},
		{6, "provider kliniek-a: facts[2].value"},
		{8, "providers[0].facts[3].kleur"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems = %+v\nwant %+v\n%v", got, want, err)
	}
}

func TestReadFileStopsListingAfterMaxFileErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,name,kvk,agb,care_types\n")
	n := MaxFileErrors + 500
	for i := range n {
		fmt.Fprintf(&b, "p-%d,Praktijk %d,1234,22012345,zbc\n", i, i)
	}
	_, _, err := testReference(t).ReadFile(strings.NewReader(b.String()), "csv")
	errs := apperr.Errors(err)
	if len(errs) != MaxFileErrors+1 || !strings.Contains(errs[MaxFileErrors].Message, "and 500 more problems") {
		t.Fatalf("%d errors, last %v", len(errs), errs[len(errs)-1])
	}
	short := "id,name,kvk,agb,care_types\n" + strings.Repeat("p,kort\n", n)
	if _, _, err := ParseCSV(strings.NewReader(short), nil); len(apperr.Errors(err)) != MaxFileErrors+1 {
		t.Errorf("ParseCSV is not capped: %d errors", len(apperr.Errors(err)))
	}
}

// NaN and infinities parse as floats but are no numbers a rule can compare; a JSON list hid
// a NUL (written \u0000) from the text check, which PostgreSQL then refused with a 500.
func TestCanonicalRefusesWhatIsNoNumberOrNoText(t *testing.T) {
	tests := []struct {
		typ FactType
		raw string
	}{
		{Number, "NaN"}, {Number, "Inf"}, {Percent, "nan"}, {Number, "-infinity"},
		{List, `["goed", "\u0000"]`}, {List, `["\u001b[31m"]`},
	}
	for _, tc := range tests {
		if got, err := Canonical(tc.typ, tc.raw); err == nil {
			t.Errorf("Canonical(%s, %q) = %q, want an error", tc.typ, tc.raw, got)
		}
	}
}

// A part or contract that is wrong is reported with the line of its entry in JSON (not the
// line where the provider starts), and in CSV with the row, the column and the item.
func TestPartAndContractErrorsNameTheirEntry(t *testing.T) {
	jsonFile := `{"providers": [
  {"id": "kliniek-a", "name": "Kliniek A", "kvk": "12345678", "agb_codes": [{"code": "22012345", "kind": "instelling"}], "care_types": ["zbc"],
   "parts": [
     {"policy": "zz-hz-2025", "part": "voetzorg", "by": "aanbieder"},
     {"policy": "zz-hz-2025", "part": "x", "by": "aanbieder"},
     {"policy": "zz-hz-2025", "part": "voetzorg", "by": "zorgverzekeraar"},
     {"policy": "onbekend", "part": "voetzorg", "by": "aanbieder"},
     {"policy": "zz-hz-2025", "part": "voetzorg", "by": "aanbieder"},
     {"policy": "zz-hz-2025", "part": "s3-prestatie", "by": "aanbieder", "insurer": "eucare"}
   ],
   "contracts": [
     {"insurer": "cz", "policy": "cz-hz-2021", "first_year": 2021, "last_year": 2022},
     {"insurer": "eucare", "policy": "eucare-zbc-2026", "first_year": 2027, "last_year": 2026},
     {"insurer": "eucare", "policy": "", "first_year": 1999, "last_year": 2026},
     {"insurer": "eucare", "policy": "eucare-zbc-2026", "first_year": "2026", "last_year": 2026}
   ]}
]}`
	csvFile := `id,name,kvk,agb,care_types,parts_requested,parts_offered,contracts
kliniek-a,Kliniek A,12345678,22012345,zbc,zz-hz-2025:voetzorg;zz-hz-2025:x,zz-hz-2025,eucare:eucare-zbc-2026:2026-2027;eucare:oud:2101
`
	tests := []struct {
		name, format, file string
		want               []lineField
	}{
		{"JSON", "json", jsonFile, []lineField{
			{5, "provider kliniek-a: parts[1].part"},
			{6, "provider kliniek-a: parts[2].by"},
			{7, "provider kliniek-a: parts[3].policy"},
			{8, "provider kliniek-a: parts[4].part"},
			{9, "providers[0].parts[5].insurer"},
			{12, "provider kliniek-a: contracts[0].insurer"},
			{13, "provider kliniek-a: contracts[1].last_year"},
			{14, "provider kliniek-a: contracts[2].policy"},
			{14, "provider kliniek-a: contracts[2].first_year"},
			{15, "providers[0].contracts[3].first_year"},
		}},
		{"CSV", "csv", csvFile, []lineField{
			{2, "column parts_offered, item 1"},
			{2, "provider kliniek-a: column parts_requested, item 2: part"},
			{2, "provider kliniek-a: column contracts, item 2: first_year"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := testReference(t).ReadFile(strings.NewReader(tc.file), tc.format)
			got := problems(err)
			for _, w := range tc.want {
				if !slices.Contains(got, w) {
					t.Errorf("missing problem %+v; got %v", w, err)
				}
			}
			if len(got) != len(tc.want) {
				t.Errorf("%d problems, want %d: %v", len(got), len(tc.want), err)
			}
		})
	}
	_, _, err := testReference(t).ReadFile(strings.NewReader(jsonFile), "json")
	if msg := err.Error(); !strings.Contains(msg, `line 5: provider kliniek-a: parts[1].part: policy "zz-hz-2025" has no part "x"`) {
		t.Errorf("the message does not name the policy and the part:\n%s", msg)
	}
}
