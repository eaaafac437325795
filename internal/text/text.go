// Package text is the one validation every free-text input field passes, on both engines:
// valid UTF-8, no NUL or other control characters (tab and newlines only where a field
// allows several lines), and a length limit per kind of field. SQLite stores a NUL byte that
// PostgreSQL refuses with an internal error, and neither limits a length: the rule lives
// here, above the stores, so the answer is the same on both.
package text

import (
	"fmt"
	"unicode/utf8"

	"zorginkoop/internal/apperr"
)

// Limits in characters (runes), per kind of field. docs/security.md lists them.
const (
	Code     = 64    // identifiers, codes, slugs, e-mail local parts
	Email    = 254   // an e-mail address (RFC 5321's path limit)
	Name     = 200   // names of people, organisations, providers, locations, tokens
	Line     = 500   // one line of free text: a title, a reason, a fact's evidence reference
	Long     = 10000 // several lines of free text: a note, an explanation
	Password = 1024  // a password (hashed, never stored as text)
)

// Check returns an Invalid error naming field when value is not valid UTF-8, holds a NUL or
// another control character, or is longer than max characters. Newlines and tabs are
// allowed only when max is Long.
func Check(field, value string, max int) *apperr.Error {
	if !utf8.ValidString(value) {
		return invalid(field, "is not valid UTF-8 text", "bevat tekens die geen geldige tekst zijn (geen UTF-8)")
	}
	n := 0
	for _, r := range value {
		n++
		if r == 0 {
			return invalid(field, "contains a NUL character", "bevat een ongeldig teken (NUL)")
		}
		if isControl(r) && !(max >= Long && (r == '\n' || r == '\r' || r == '\t')) {
			return invalid(field, fmt.Sprintf("contains a control character (U+%04X)", r), "bevat een ongeldig stuurteken")
		}
	}
	if n > max {
		return invalid(field, fmt.Sprintf("is %d characters long; at most %d are allowed", n, max),
			fmt.Sprintf("is %d tekens lang; er zijn er hoogstens %d toegestaan", n, max))
	}
	return nil
}

// CheckAll checks every value under its field name and returns every problem.
func CheckAll(fields ...Field) apperr.List {
	var errs apperr.List
	for _, f := range fields {
		if e := Check(f.Name, f.Value, f.Max); e != nil {
			errs = append(errs, e)
		}
	}
	return errs
}

// Field is one value to check with CheckAll.
type Field struct {
	Name  string
	Value string
	Max   int
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }

func invalid(field, msg, dutch string) *apperr.Error {
	return &apperr.Error{Code: apperr.Invalid, Field: field, Message: msg, Dutch: "Het veld " + field + " " + dutch + "."}
}
