package api

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// POST /api/providers takes fact values in the notations of the provider file format:
// JSON true/false, numbers and texts. It refused booleans and numbers and named a Go type.
func TestImportTakesTheFileFormatsValueNotations(t *testing.T) {
	e := newEnv(t)
	body := `{"providers": [{"id": "gc-noord", "name": "Gezondheidscentrum Noord", "kvk": "45678901",
		"agb_codes": [{"code": "01034567", "kind": "praktijk"}], "care_types": ["gezondheidscentrum"],
		"locations": [{"name": "Noord", "street": "Plein 2", "postcode": "9712ab", "city": "Groningen"}],
		"facts": [{"key": "omzet_totaal", "value": 250000.5, "date": "2021-01-01"},
		          {"key": "in_faillissement", "value": false, "date": "2021-01-01"},
		          {"key": "agb_geregistreerd", "value": "ja", "date": "2021-01-01"}]}]}`
	resp, v := e.call(t, "POST", "/api/providers", body)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("status %d: %v", resp.StatusCode, v)
	}
	p, err := e.db.Provider(context.Background(), "gc-noord")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range p.Facts {
		got[f.Key] = f.Value
	}
	if got["omzet_totaal"] != "25000050" || got["in_faillissement"] != "false" || got["agb_geregistreerd"] != "true" {
		t.Errorf("stored facts %v", got)
	}
}

func TestImportErrorsNameTheFieldInPlainWords(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name, value string
		status      int
		field, want string
	}{
		{"an object", `{"euro": 1}`, 400, "providers[0].facts[1].value", "must be a text, number, true/false or a list of texts"},
		{"a list of numbers", `[1, 2]`, 400, "providers[0].facts[1].value", "a list value must hold texts only"},
		{"null", `null`, 400, "providers[0].facts[1].value", "value is missing"},
		{"a word for a yes/no fact", `"misschien"`, 422, "provider gc-noord: facts[1].value", "is not ja/nee"},
		{"a number for a yes/no fact", `7`, 422, "provider gc-noord: facts[1].value", "is not ja/nee"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := `{"providers": [{"id": "gc-noord", "name": "Gezondheidscentrum Noord", "kvk": "45678901",
				"agb_codes": [{"code": "01034567", "kind": "praktijk"}], "care_types": ["gezondheidscentrum"], "locations": [],
				"facts": [{"key": "omzet_totaal", "value": 1, "date": "2021-01-01"},
				          {"key": "in_faillissement", "value": ` + tc.value + `, "date": "2021-01-01"}]}]}`
			resp, v := e.call(t, "POST", "/api/providers", body)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %v", resp.StatusCode, tc.status, v)
			}
			msg, _ := at(v, "errors.0.message").(string)
			if at(v, "errors.0.field") != tc.field || !strings.Contains(msg, tc.want) {
				t.Errorf("error %v, want field %s and %q", at(v, "errors.0"), tc.field, tc.want)
			}
			for _, goType := range []string{"string", "int", "float64", "bool", "struct", "map[", "[]"} {
				if strings.Contains(msg, goType) {
					t.Errorf("the message names a Go type (%s): %q", goType, msg)
				}
			}
		})
	}
}
