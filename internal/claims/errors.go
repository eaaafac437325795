package claims

import (
	"fmt"
	"strings"

	"zorginkoop/internal/apperr"
)

// ImportError is the refusal of a whole import (contracts xlsx, insured CSV): every
// problem found, each with where it is. Nothing is stored when there is one.
type ImportError struct{ Problems []Problem }

// Problem is one error of an import: the sheet (xlsx; "" for CSV), the row (1-based, the
// header is row 1), the column letter (xlsx) or name (CSV), the field, and the message in
// English and Dutch.
type Problem struct {
	Sheet   string `json:"sheet,omitempty"`
	Row     int    `json:"row,omitempty"`
	Column  string `json:"column,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
	Dutch   string `json:"dutch"`
}

func (e *ImportError) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// String places the problem: "Contracten!C4: ...", "regel 4, kolom bsn: ...".
func (p Problem) String() string {
	switch {
	case p.Sheet != "" && p.Column != "":
		return fmt.Sprintf("%s!%s%d: %s", p.Sheet, p.Column, p.Row, p.Message)
	case p.Sheet != "":
		return fmt.Sprintf("%s row %d: %s", p.Sheet, p.Row, p.Message)
	case p.Column != "":
		return fmt.Sprintf("line %d, column %s: %s", p.Row, p.Column, p.Message)
	case p.Row > 0:
		return fmt.Sprintf("line %d: %s", p.Row, p.Message)
	}
	return p.Message
}

// invalidImport is an *ImportError as an apperr Invalid error (errors.As finds both).
type invalidImport struct {
	ie    *ImportError
	dutch string
}

func (e *invalidImport) Error() string { return e.ie.Error() }

// Unwrap gives the apperr error (for the code and the Dutch text) and the ImportError.
func (e *invalidImport) Unwrap() []error {
	return []error{&apperr.Error{Code: apperr.Invalid, Field: "file", Message: e.ie.Error(), Dutch: e.dutch}, e.ie}
}
