package text

import (
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
