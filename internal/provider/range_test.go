package provider

import (
	"strings"
	"testing"
)

func TestFactValuesOutsideTheirRangeAreRefused(t *testing.T) {
	ten, zero := 10.0, 0.0
	cat, err := NewCatalogue([]FactDef{
		{Key: "zorgkaart_score", Type: Number, Label: "Score", Min: &zero, Max: &ten},
		{Key: "aantal", Type: Int, Label: "Aantal", Min: &zero},
		{Key: "omzet", Type: Money, Label: "Omzet", Min: &zero},
		{Key: "aandeel", Type: Percent, Label: "Aandeel"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ key, value, want string }{
		{"zorgkaart_score", "11", "11 is more than 10, the highest possible value"},
		{"zorgkaart_score", "-1", "-1 is less than 0, the lowest possible value"},
		{"aantal", "-3", "-3 is less than 0"},
		{"omzet", "-0,50", "-0.5 is less than 0"},
		{"aandeel", "0.95", `"0.95" looks like a fraction: write 95 for 95%`},
		{"aandeel", "101", "not a percentage between 0 and 100"},
	} {
		f := Fact{Key: tc.key, Value: tc.value}
		err := f.Normalize(cat)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "value") {
			t.Errorf("%s = %s: err = %v, want %q naming the field", tc.key, tc.value, err, tc.want)
		}
	}
	for _, tc := range []struct{ key, value, want string }{
		{"zorgkaart_score", "8,7", "8.7"},
		{"zorgkaart_score", "10", "10"},
		{"aandeel", "95", "95"},
		{"aandeel", "0,5%", "0.5"},
		{"aandeel", "0", "0"},
		{"omzet", "0", "0"},
	} {
		f := Fact{Key: tc.key, Value: tc.value}
		if err := f.Normalize(cat); err != nil || f.Value != tc.want {
			t.Errorf("%s = %s: got %q, %v; want %q", tc.key, tc.value, f.Value, err, tc.want)
		}
	}
	// A stored value outside the range (written before the range existed) is refused by
	// Validate too, so that an API write of canonical values cannot slip past.
	f := Fact{Key: "zorgkaart_score", Value: "11", Source: SourceProvider, Date: "2024-01-01"}
	if err := f.Validate(cat, nil); err == nil || !strings.Contains(err.Error(), "more than 10") {
		t.Errorf("Validate(11) = %v", err)
	}
}

func TestDatesInTheDutchSpreadsheetNotation(t *testing.T) {
	for raw, want := range map[string]string{"2025-06-30": "2025-06-30", "30-6-2025": "2025-06-30", "30-06-2025": "2025-06-30", "1-1-2024": "2024-01-01"} {
		if got, err := Canonical(Date, raw); err != nil || got != want {
			t.Errorf("Canonical(date, %q) = %q, %v; want %q", raw, got, err, want)
		}
	}
	for _, raw := range []string{"31-2-2025", "6/30/2025", "2025-13-01", "30-6-25"} {
		if got, err := Canonical(Date, raw); err == nil {
			t.Errorf("Canonical(date, %q) = %q, want an error", raw, got)
		}
	}
}

func TestAFactsDateInTheDutchNotationIsNormalized(t *testing.T) {
	cat, err := NewCatalogue([]FactDef{{Key: "zkn_lid", Type: Bool, Label: "ZKN"}})
	if err != nil {
		t.Fatal(err)
	}
	f := Fact{Key: "zkn_lid", Value: "ja", Date: "30-6-2025"}
	if err := f.Normalize(cat); err != nil || f.Date != "2025-06-30" {
		t.Fatalf("date %q, %v; want 2025-06-30", f.Date, err)
	}
	if err := f.Validate(cat, nil); err != nil {
		t.Fatal(err)
	}
}
