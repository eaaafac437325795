package provider

import (
	"os"
	"slices"
	"strings"
	"testing"

	"zorginkoop/internal/apperr"
)

func testCatalogue(t *testing.T) *Catalogue {
	t.Helper()
	cat, err := NewCatalogue([]FactDef{
		{Key: "omzet_verzekeraar", Type: Money, PerInsurer: true, Label: "Omzet {verzekeraar}"},
		{Key: "omzet_totaal", Type: Money, Label: "Omzet"},
		{Key: "zkn_lid", Type: Bool, Label: "ZKN-lid"},
		{Key: "zorgkaart_score", Type: Number, Label: "Score"},
		{Key: "hkz_certificaat_geldig_tot", Type: Date, Label: "HKZ tot"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func testReference(t *testing.T) Reference {
	return Reference{
		Catalogue: testCatalogue(t),
		CareTypes: map[string]bool{"zbc": true, "huisarts": true},
		Insurers:  map[string]bool{"eucare": true, "zorg-en-zekerheid": true},
		Parts:     testParts,
	}
}

// testParts knows two policies with parts.
func testParts(id string) (string, []string, bool) {
	switch id {
	case "zz-hz-2025":
		return "zorg-en-zekerheid", []string{"s3-prestatie", "voetzorg"}, true
	case "eucare-zbc-2026":
		return "eucare", []string{"oncologie"}, true
	}
	return "", nil, false
}

func openTestdata(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func factValue(p Provider, key, insurer string) (Fact, bool) {
	for _, f := range p.Facts {
		if f.Key == key && f.Insurer == insurer {
			return f, true
		}
	}
	return Fact{}, false
}

// Both example files describe the same two providers; after validation the facts are in
// canonical form whatever notation the file used.
func TestParseGoodFiles(t *testing.T) {
	tests := []struct {
		name      string
		parse     func(t *testing.T) ([]Provider, []int, error)
		lines     []int
		locations int
	}{
		{"JSON with string, number and boolean fact values", func(t *testing.T) ([]Provider, []int, error) {
			return ParseJSON(openTestdata(t, "providers.json"))
		}, []int{3, 21}, 1},
		{"CSV where a second row with the same id adds a location", func(t *testing.T) ([]Provider, []int, error) {
			return ParseCSV(openTestdata(t, "providers.csv"), testCatalogue(t))
		}, []int{2, 4}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, lines, err := tt.parse(t)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if len(ps) != 2 || ps[0].ID != "kliniek-de-maasoever" || ps[1].ID != "huisartsenpraktijk-oosterpark" {
				t.Fatalf("providers = %+v", ps)
			}
			if !slices.Equal(lines, tt.lines) {
				t.Errorf("lines = %v, want %v", lines, tt.lines)
			}
			svc := testReference(t)
			if err := svc.Normalize(ps, func(i int) int { return lines[i] }); err != nil {
				t.Fatalf("normalize: %v", err)
			}
			// Validating the canonical values again (as Import does) changes nothing.
			if err := svc.Validate(ps, nil); err != nil {
				t.Fatalf("validate canonical values: %v", err)
			}
			p := ps[0]
			if len(p.Locations) != tt.locations || p.Locations[0].Postcode != "3011 TB" {
				t.Errorf("locations = %+v, want %d with postcode 3011 TB", p.Locations, tt.locations)
			}
			if len(p.Specialisms) != 2 || p.Specialisms[1] != "dermatologie" {
				t.Errorf("specialisms = %v", p.Specialisms)
			}
			want := map[string]string{"omzet_verzekeraar@eucare": "8000000", "omzet_totaal@": "125000050", "zkn_lid@": "true", "zorgkaart_score@": "8.1"}
			for k, v := range want {
				key, ins, _ := strings.Cut(k, "@")
				f, ok := factValue(p, key, ins)
				if !ok || f.Value != v {
					t.Errorf("fact %s = %+v, want value %s", k, f, v)
				}
			}
			if f, _ := factValue(p, "zkn_lid", ""); f.Evidence != "zkn-ledenlijst-2025.pdf" || f.Date != "2025-06-30" {
				t.Errorf("zkn_lid evidence/date = %q/%q", f.Evidence, f.Date)
			}
			h := ps[1]
			if len(h.AGBCodes) != 2 || h.AGBCodes[0].Kind != AGBPractice || h.AGBCodes[1].Kind != AGBCaregiver {
				t.Errorf("AGB codes = %+v", h.AGBCodes)
			}
			wantParts := []PartChoice{{Policy: "zz-hz-2025", Part: "s3-prestatie", By: SourceProvider, Insurer: "zorg-en-zekerheid"},
				{Policy: "zz-hz-2025", Part: "voetzorg", By: SourceInsurer, Insurer: "zorg-en-zekerheid"}}
			if !slices.Equal(h.Parts, wantParts) {
				t.Errorf("parts = %+v, want %+v", h.Parts, wantParts)
			}
			if len(h.Contracts) != 1 || !contractsEqual(h.Contracts[0], Contract{Insurer: "zorg-en-zekerheid", Policy: "zz-hz-2023",
				Parts: []string{"voetzorg"}, FirstYear: 2023, LastYear: 2024}) {
				t.Errorf("contracts = %+v", h.Contracts)
			}
		})
	}
}

func TestParseJSONBareArray(t *testing.T) {
	in := `[
  {"id": "a", "name": "A", "kvk": "12345678", "agb_codes": [{"code": "22012345", "kind": "instelling"}], "care_types": ["zbc"]},

  {"id": "b", "name": "B", "kvk": "12345679", "agb_codes": [{"code": "22012346", "kind": "instelling"}], "care_types": ["zbc"]}
]`
	ps, lines, err := ParseJSON(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 2 || lines[0] != 2 || lines[1] != 4 {
		t.Fatalf("got %d providers on lines %v, want 2 on lines [2 4]", len(ps), lines)
	}
}

// wantErr is an error the parser must report: its line and a field (or text) naming it.
type wantErr struct {
	line  int
	field string // substring of Field
	msg   string // substring of Message
}

func checkErrors(t *testing.T, err error, want []wantErr) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %+v", want)
	}
	got := apperr.Errors(err)
	for _, w := range want {
		found := false
		for _, e := range got {
			if e.Line == w.line && strings.Contains(e.Field, w.field) && strings.Contains(e.Message, w.msg) && e.Code == apperr.Invalid {
				found = true
			}
		}
		if !found {
			t.Errorf("missing error at line %d field %q message %q; got:\n%v", w.line, w.field, w.msg, err)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d errors, want %d:\n%v", len(got), len(want), err)
	}
}

const okJSON = `{"id": "a", "name": "A", "kvk": "12345678", "agb_codes": [{"code": "22012345", "kind": "instelling"}], "care_types": ["zbc"]}`

func TestParseJSONBadInputNamesLineAndField(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []wantErr
	}{
		{"a missing comma is malformed JSON on its line", "{\"providers\": [\n" + okJSON + ",\n{\"id\": \"b\"\n \"name\": \"B\"}\n]}",
			[]wantErr{{4, "", "malformed JSON"}}},
		{"an unknown provider field is refused by name on its line", "{\"providers\": [\n" + okJSON + ",\n{\"id\": \"b\",\n \"naam\": \"B\"}\n]}",
			[]wantErr{{4, "providers[1].naam", "unknown field \"naam\""}}},
		{"an unknown fact field is refused by name", "[\n{\"id\": \"b\", \"facts\": [\n {\"key\": \"zkn_lid\", \"value\": true, \"bron\": \"x\"}]}\n]",
			[]wantErr{{3, "bron", "unknown field"}}},
		{"an unknown top-level field is refused", "{\"aanbieders\": []}",
			[]wantErr{{1, "aanbieders", "unknown field"}}},
		{"a KvK number written as a number names the field", "[\n" + okJSON + ",\n{\"id\": \"b\",\n \"kvk\": 12345678}\n]",
			[]wantErr{{4, "kvk", "must be a text"}}},
		{"a fact value that is an object is refused on its line", "[\n{\"id\": \"b\", \"facts\": [\n {\"key\": \"zkn_lid\",\n \"value\": {\"x\": 1}}]}\n]",
			[]wantErr{{4, "providers[0].facts[0].value", "not an object"}}},
		{"a fact without a value is refused", "[{\"id\": \"b\", \"facts\": [{\"key\": \"zkn_lid\"}]}]",
			[]wantErr{{1, "facts[0].value", "missing"}}},
		{"a file cut short is reported", "{\"providers\": [\n" + okJSON + ",\n{\"id\": \"b\"",
			[]wantErr{{3, "", "malformed JSON"}}},
		{"an empty file is reported", "  \n", []wantErr{{2, "", "empty"}}},
		{"providers that is not a list is reported", "{\n\"providers\": {}}", []wantErr{{2, "providers", "must be a list"}}},
		{"an object without providers is reported", "{}", []wantErr{{1, "providers", "no \"providers\" list"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, _, err := ParseJSON(strings.NewReader(tt.in))
			if ps != nil {
				t.Errorf("providers returned with an error: %+v", ps)
			}
			checkErrors(t, err, tt.want)
		})
	}
}

const csvHead = "id,name,kvk,agb,care_types,specialisms,location_name,street,postcode,city,facts_date,zkn_lid,omzet_verzekeraar@eucare,evidence:zkn_lid\n"
const csvRow = "a,A,12345678,22012345,zbc,,Hoofdlocatie,Straat 1,1011 AB,Amsterdam,2025-06-30,ja,\"1.000,00\",lid.pdf\n"

func TestParseCSVBadInputNamesLineAndField(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []wantErr
	}{
		{"a row with too few cells names its line", csvHead + csvRow + "b,B,12345679\n",
			[]wantErr{{3, "", "row has 3 cells, the header has 14"}}},
		{"an unknown column is refused by name", "id,name,kvk,agb,care_types,kleur\n",
			[]wantErr{{1, "column kleur", "unknown column \"kleur\""}}},
		{"an unknown evidence column is refused by name", "id,name,kvk,agb,care_types,evidence:kleur\n",
			[]wantErr{{1, "column evidence:kleur", "not a known fact"}}},
		{"a per-insurer fact without an insurer is refused", "id,name,kvk,agb,care_types,omzet_verzekeraar\n",
			[]wantErr{{1, "column omzet_verzekeraar", "kept per insurer"}}},
		{"a fact that is not per insurer with an insurer is refused", "id,name,kvk,agb,care_types,zkn_lid@eucare\n",
			[]wantErr{{1, "column zkn_lid@eucare", "not kept per insurer"}}},
		{"a missing required column is named", "id,name,agb,care_types\n",
			[]wantErr{{1, "header", "\"kvk\" is missing"}}},
		{"id must be the first column", "name,id,kvk,agb,care_types\n",
			[]wantErr{{1, "column name", "first column must be id"}}},
		{"a column named twice is refused", "id,name,kvk,agb,care_types,zkn_lid,zkn_lid\n",
			[]wantErr{{1, "column zkn_lid", "twice"}}},
		{"facts without facts_date name the column on the row's line", csvHead + strings.Replace(csvRow, "2025-06-30", "", 1),
			[]wantErr{{2, "column facts_date", "required"}}},
		{"evidence without a fact value is refused", csvHead + strings.Replace(csvRow, ",ja,", ",,", 1),
			[]wantErr{{2, "column evidence:zkn_lid", "no value"}}},
		{"a further row with a different name is refused", csvHead + csvRow + "a,Ander,,,,,Tweede,Straat 2,1012 AB,Amsterdam,,,,\n",
			[]wantErr{{3, "column name", "differs from its first row (line 2)"}}},
		{"a further row without a location is refused", csvHead + csvRow + "a,,,,,,,,,,,,,\n",
			[]wantErr{{3, "column location_name", "must give a location"}}},
		{"broken quoting is malformed CSV on its line", csvHead + csvRow + "b,\"B,12345679\n",
			[]wantErr{{3, "", "malformed CSV"}}},
		{"an empty file is reported", "", []wantErr{{1, "", "empty"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, _, err := ParseCSV(strings.NewReader(tt.in), testCatalogue(t))
			if ps != nil {
				t.Errorf("providers returned with an error: %+v", ps)
			}
			checkErrors(t, err, tt.want)
		})
	}
}

// Values are checked by Reference.Normalize; with the parser's lines every error names the row.
func TestValidateNamesTheCSVLineOfABadValue(t *testing.T) {
	in := csvHead + csvRow +
		"b,B,1234,22012346,zbc,,Hoofdlocatie,Straat 1,1011 AB,Amsterdam,2025-06-30,misschien,,\n" +
		"c,C,12345670,22012347:kliniek,zbc,,Hoofdlocatie,Straat 1,1011 AB,Amsterdam,2025-06-30,,veel,\n"
	ps, lines, err := ParseCSV(strings.NewReader(in), testCatalogue(t))
	if err != nil {
		t.Fatal(err)
	}
	err = testReference(t).Normalize(ps, func(i int) int { return lines[i] })
	checkErrors(t, err, []wantErr{
		{3, "provider b: kvk", "8 digits"},
		{3, "provider b: facts[0].value", "ja/nee"},
		{4, "provider c: agb_codes[0]", "kliniek"},
		{4, "provider c: facts[0].value", "not an amount in euros"},
	})
}

func TestParseCSVWithoutCatalogueLeavesFactKeysToValidate(t *testing.T) {
	in := "id,name,kvk,agb,care_types,facts_date,kleur\na,A,12345678,22012345,zbc,2025-06-30,blauw\n"
	ps, lines, err := ParseCSV(strings.NewReader(in), nil)
	if err != nil {
		t.Fatal(err)
	}
	err = testReference(t).Normalize(ps, func(i int) int { return lines[i] })
	checkErrors(t, err, []wantErr{{2, "facts[0].key", "unknown fact \"kleur\""}})
}

func TestFileValueRoundTripsThroughCanonical(t *testing.T) {
	tests := []struct {
		name      string
		typ       FactType
		canonical string
		file      string
	}{
		{"money in cents is written in euros", Money, "9999999", "99999.99"},
		{"whole euros keep two decimals", Money, "10000000", "100000.00"},
		{"a negative amount keeps its sign", Money, "-5", "-0.05"},
		{"a date is written as is", Date, "2026-01-01", "2026-01-01"},
		{"a percentage is written as is", Percent, "12.5", "12.5"},
		{"a list is written as is", List, `["a","b"]`, `["a","b"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FileValue(tt.typ, tt.canonical)
			if got != tt.file {
				t.Fatalf("FileValue = %q, want %q", got, tt.file)
			}
			back, err := Canonical(tt.typ, got)
			if err != nil || back != tt.canonical {
				t.Fatalf("Canonical(%q) = %q, %v; want %q", got, back, err, tt.canonical)
			}
		})
	}
}
