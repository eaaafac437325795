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
