package text

import (
	"net/http/httptest"
	"strings"
	"testing"

	"zorginkoop/internal/apperr"
)

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		name, value string
		max         int
		bad         string // part of the message; empty when valid
	}{
		{"plain name is fine", "Ziekenhuis Zwolle", Name, ""},
		{"accents are fine", "Isala Klinieken – Zwolle ë", Name, ""},
		{"NUL byte is refused", "Zwolle\x00", Name, "NUL"},
		{"invalid UTF-8 is refused", "Zwolle\xff", Name, "UTF-8"},
		{"newline in a one-line field is refused", "a\nb", Line, "control character"},
		{"newline in long text is fine", "a\nb\tc", Long, ""},
		{"exactly at the limit is fine", strings.Repeat("é", Name), Name, ""},
		{"one over the limit is refused", strings.Repeat("a", Name+1), Name, "at most 200"},
		{"a million characters is refused", strings.Repeat("a", 1_000_000), Name, "1000000 characters"},
		{"C1 control is refused", "a\u0085b", Line, "control character"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Check("name", tc.value, tc.max)
			if tc.bad == "" {
				if err != nil {
					t.Fatalf("Check(%q) = %v, want nil", tc.value[:min(len(tc.value), 40)], err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Message, tc.bad) || err.Field != "name" || err.Code != apperr.Invalid || err.Dutch == "" {
				t.Fatalf("Check = %#v, want an Invalid error on field name saying %q with Dutch text", err, tc.bad)
			}
		})
	}
}

func TestCheckAllReportsEveryField(t *testing.T) {
	errs := CheckAll(Field{"a", "x\x00", Name}, Field{"b", "ok", Name}, Field{"c", strings.Repeat("x", 65), Code})
	if len(errs) != 2 || errs[0].Field != "a" || errs[1].Field != "c" {
		t.Fatalf("CheckAll = %v, want errors on a and c", errs)
	}
}

func TestCheckRequest(t *testing.T) {
	for _, tc := range []struct {
		name, target string
		bad          string // field named; empty when valid
	}{
		{"plain search", "/api/providers?q=Zwolle&limit=10", ""},
		{"NUL in a search term", "/api/providers?q=Zw%00olle", "q"},
		{"invalid UTF-8 in a filter", "/beleid/x/beoordeling?uitkomst=%ff", "uitkomst"},
		{"NUL in a path id", "/api/providers/p%00x", "path"},
		{"invalid UTF-8 in a path id", "/api/policies/%c3%28", "path"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", tc.target, nil)
			err := CheckRequest(r)
			if tc.bad == "" {
				if err != nil {
					t.Fatalf("CheckRequest(%s) = %v", tc.target, err)
				}
				return
			}
			errs := apperr.Errors(err)
			if len(errs) == 0 || errs[0].Field != tc.bad || errs[0].Code != apperr.Invalid {
				t.Fatalf("CheckRequest(%s) = %v, want an Invalid error on %q", tc.target, err, tc.bad)
			}
		})
	}
}

func TestCheckRequestChecksAParsedForm(t *testing.T) {
	r := httptest.NewRequest("POST", "/inloggen", strings.NewReader("email=a%00b%40x.nl&password=x"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if err := r.ParseForm(); err != nil {
		t.Fatal(err)
	}
	if errs := apperr.Errors(CheckRequest(r)); len(errs) != 1 || errs[0].Field != "email" {
		t.Fatalf("CheckRequest = %v, want an error on email", errs)
	}
}
