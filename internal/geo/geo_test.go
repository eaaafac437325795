package geo

import "testing"

func TestLookup(t *testing.T) {
	tests := []struct {
		name, postcode, place string
		found                 bool
	}{
		{"a bare PC4 finds its place", "1011", "Amsterdam", true},
		{"a full postcode with a space finds its PC4", "1012 AB", "Amsterdam", true},
		{"a full postcode without a space finds its PC4", "1012AB", "Amsterdam", true},
		{"a PC4 that does not exist is not found", "0000", "", false},
		{"too short is not found", "101", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Lookup(tt.postcode)
			if ok != tt.found || got.Place != tt.place {
				t.Fatalf("Lookup(%q) = %+v, %v; want place %q, found %v", tt.postcode, got, ok, tt.place, tt.found)
			}
			if ok && (got.Lat < 50.7 || got.Lat > 53.6 || got.Lon < 3.3 || got.Lon > 7.3) {
				t.Errorf("Lookup(%q) = %+v lies outside the Netherlands", tt.postcode, got)
			}
		})
	}
}

func TestAllHoldsEveryPostcodeInOrder(t *testing.T) {
	a := All()
	if len(a) != 4064 {
		t.Fatalf("len(All()) = %d, want 4064", len(a))
	}
	for i := 1; i < len(a); i++ {
		if a[i-1].Code >= a[i].Code {
			t.Fatalf("All() not ordered at %d: %s before %s", i, a[i-1].Code, a[i].Code)
		}
	}
}

func TestDistanceAmsterdamUtrechtIsAboutFortyKilometres(t *testing.T) {
	ams, _ := Lookup("1012")
	utr, _ := Lookup("3511")
	if d := DistanceKm(ams, utr); d < 30 || d > 45 {
		t.Errorf("DistanceKm(1012, 3511) = %.1f km, want about 35", d)
	}
	if d := DistanceKm(ams, ams); d != 0 {
		t.Errorf("distance to itself = %v, want 0", d)
	}
}
