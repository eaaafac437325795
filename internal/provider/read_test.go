package provider

import (
	"fmt"
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
			{4, "provider kliniek-c: facts[0].value"},
			{5, ""},
		}},
		{"JSON", "json", jsonFile, []lineField{
			{2, "providers[0].name"},
			{4, "providers[1].facts[0].value"},
			{3, "provider kliniek-b: kvk"},
			{5, "provider kliniek-c: facts[0].value"},
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
