package provider

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"zorginkoop/internal/apperr"
)

// Fuzz targets for the provider file parsers, through Service.ReadFile (parse and check).
// Invariants: no panic; on success every provider passes validation again, unchanged,
// with a line each, in order (not strictly: JSON may hold several providers on a line); on failure every problem is an apperr error with a line
// (the last one of a capped list, "and N more", excepted). Seeds: testdata/fuzz/ and the
// example files.
//
//	go test -run '^$' -fuzz FuzzReadCSV -fuzztime 60s ./internal/provider

func FuzzReadCSV(f *testing.F) {
	addSeedFile(f, "testdata/providers.csv")
	f.Fuzz(func(t *testing.T, data []byte) { checkRead(t, data, "csv") })
}

func FuzzReadJSON(f *testing.F) {
	addSeedFile(f, "testdata/providers.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		ps := checkRead(t, data, "json")
		if ps == nil {
			return
		}
		// What was read, written out in file notation, reads back the same.
		out, err := json.Marshal(map[string]any{"providers": FileForm(fuzzReference.Catalogue, ps)})
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		again, _, err := fuzzReference.ReadFile(bytes.NewReader(out), "json")
		if err != nil {
			t.Fatalf("written out, the providers do not read back: %v\n%s", err, out)
		}
		// Compared as JSON: an empty list and a missing one are the same provider.
		if a, b := mustJSON(t, again), mustJSON(t, ps); a != b {
			t.Fatalf("read back differently:\n%s\nwant\n%s", a, b)
		}
	})
}

var fuzzReference = func() Reference {
	cat, err := NewCatalogue([]FactDef{
		{Key: "omzet_verzekeraar", Type: Money, PerInsurer: true, Label: "Omzet {verzekeraar}"},
		{Key: "omzet_totaal", Type: Money, Label: "Omzet"},
		{Key: "zkn_lid", Type: Bool, Label: "ZKN-lid"},
		{Key: "zorgkaart_score", Type: Number, Label: "Score"},
		{Key: "marktaandeel", Type: Percent, Label: "Marktaandeel"},
		{Key: "aantal", Type: Int, Label: "Aantal"},
		{Key: "hkz_certificaat_geldig_tot", Type: Date, Label: "HKZ tot"},
		{Key: "toelichting", Type: Text, Label: "Toelichting"},
		{Key: "labels", Type: List, Label: "Labels"},
	})
	if err != nil {
		panic(err)
	}
	return Reference{Catalogue: cat, CareTypes: map[string]bool{"zbc": true, "huisarts": true},
		Insurers: map[string]bool{"eucare": true, "zorg-en-zekerheid": true}, Parts: testParts}
}()

func addSeedFile(f *testing.F, name string) {
	data, err := os.ReadFile(name)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
}

// checkRead reads data and checks the invariants; it returns the providers read, or nil.
func checkRead(t *testing.T, data []byte, format string) []Provider {
	ps, lines, err := fuzzReference.ReadFile(bytes.NewReader(data), format)
	if err != nil {
		var list apperr.List
		var one *apperr.Error
		if !errors.As(err, &list) && !errors.As(err, &one) {
			t.Fatalf("error is not an apperr error: %T %v", err, err)
		}
		errs := apperr.Errors(err)
		for i, e := range errs {
			if e.Line < 1 && !(i == MaxFileErrors && len(errs) == MaxFileErrors+1) {
				t.Fatalf("error without a line: %v", e)
			}
			if e.Code != apperr.Invalid {
				t.Fatalf("error with code %s: %v", e.Code, e)
			}
		}
		if ps != nil {
			t.Fatalf("providers returned with an error")
		}
		return nil
	}
	if len(ps) == 0 || len(lines) != len(ps) {
		t.Fatalf("%d providers with %d lines", len(ps), len(lines))
	}
	for i := 1; i < len(lines); i++ {
		// Not strictly: JSON may hold several providers on one line.
		if lines[i] < lines[i-1] || lines[0] < 1 {
			t.Fatalf("lines not in order: %v", lines)
		}
	}
	again := make([]Provider, len(ps))
	for i, p := range ps {
		p.Facts = append([]Fact(nil), p.Facts...)
		p.Locations = append([]Location(nil), p.Locations...)
		p.Parts = append([]PartChoice(nil), p.Parts...)
		p.Contracts = append([]Contract(nil), p.Contracts...)
		for k := range p.Parts {
			p.Parts[k].Insurer = "" // set again by Validate
		}
		again[i] = p
	}
	if err := fuzzReference.Validate(again, nil); err != nil {
		t.Fatalf("a provider read does not validate: %v", err)
	}
	if !reflect.DeepEqual(again, ps) {
		t.Fatalf("validating again changed the providers")
	}
	// Nothing PostgreSQL refuses or a rule cannot compare gets through: no NUL, not even
	// inside a list value; numbers are finite.
	if js := mustJSON(t, ps); strings.Contains(js, `\u0000`) {
		t.Fatalf("a NUL got through: %s", js)
	}
	for _, p := range ps {
		for _, f := range p.Facts {
			if def, _ := fuzzReference.Catalogue.Lookup(f.Key); def.Type == Number || def.Type == Percent {
				if v, err := strconv.ParseFloat(f.Value, 64); err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("fact %s: %q is no finite number", f.Key, f.Value)
				}
			}
		}
	}
	return ps
}

func mustJSON(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
