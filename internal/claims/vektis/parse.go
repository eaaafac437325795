package vektis

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Error is a structural error: the whole file is refused.
type Error struct {
	Line  int    // 1-based line number
	Pos   int    // 1-based position in the line (start of the field, where known)
	Field string // element name, or "" when the error concerns the whole line or file
	Msg   string // plain English
	Err   error  // cause, if any (ErrTooLarge)
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("line %d, position %d, field %s: %s", e.Line, e.Pos, e.Field, e.Msg)
	}
	return fmt.Sprintf("line %d, position %d: %s", e.Line, e.Pos, e.Msg)
}

// Unwrap returns the cause (ErrTooLarge for a file over the limit).
func (e *Error) Unwrap() error { return e.Err }

// DefaultMaxBytes caps a file when Options.MaxBytes is 0.
const DefaultMaxBytes = 256 << 20

// Options tune Parse and the Scanner.
type Options struct {
	// MaxBytes refuses files larger than this; 0 means DefaultMaxBytes,
	// negative means no limit.
	MaxBytes int64
}

// Record is one record: its type and the raw ISO-8859-1 text.
type Record struct {
	Type *RecordType
	Line int // 1-based line in the file it came from (0 when built)
	raw  string
}

// Code returns the record-type code, e.g. "04".
func (r Record) Code() string { return r.Type.Code }

// Raw returns the record's 610 positions, unconverted (ISO-8859-1). For a
// record from a Scanner it is valid only until the next Scan.
func (r Record) Raw() string { return r.raw }

// Field returns the value of the named field, trailing (AN) or surrounding
// (N) spaces removed and converted from ISO-8859-1 to UTF-8. An unknown name
// gives "".
func (r Record) Field(name string) string {
	v, _ := r.Lookup(name)
	return v
}

// Lookup is Field that also reports whether the record type has the field.
func (r Record) Lookup(name string) (string, bool) {
	i := r.Type.Index(name)
	if i < 0 {
		return "", false
	}
	return r.At(i), true
}

// At returns the value of field i (an index in r.Type.Fields, see
// RecordType.Index): trailing (AN) or surrounding (N) spaces removed,
// converted from ISO-8859-1 to UTF-8. It is a copy: it stays valid after the
// Scanner moves on.
func (r Record) At(i int) string {
	f := &r.Type.Fields[i]
	v := r.raw[f.Start-1 : f.End]
	if f.Numeric {
		v = strings.Trim(v, " ")
	} else {
		v = strings.TrimRight(v, " ")
	}
	return latin1ToUTF8(v)
}

// Num returns the value of field i as a number without allocating: digits
// with optional surrounding spaces (at most 18 digits). ok is false for a
// blank field or anything else. Dates (EEJJMMDD) come out as YYYYMMDD.
func (r Record) Num(i int) (n int64, ok bool) {
	f := &r.Type.Fields[i]
	v := r.raw[f.Start-1 : f.End]
	for len(v) > 0 && v[0] == ' ' {
		v = v[1:]
	}
	for len(v) > 0 && v[len(v)-1] == ' ' {
		v = v[:len(v)-1]
	}
	if len(v) == 0 || len(v) > 18 {
		return 0, false
	}
	for j := 0; j < len(v); j++ {
		c := v[j]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// Is reports whether field i, trimmed as At trims it, equals v (ASCII),
// without allocating.
func (r Record) Is(i int, v string) bool {
	f := &r.Type.Fields[i]
	w := r.raw[f.Start-1 : f.End]
	if f.Numeric {
		w = strings.Trim(w, " ")
	} else {
		w = strings.TrimRight(w, " ")
	}
	return w == v
}

// File is a whole parsed file.
type File struct {
	Layout  *Layout
	Records []Record // opening first, closing last
}

// Opening returns the opening record; Closing the closing one.
func (f *File) Opening() Record { return f.Records[0] }

// Closing returns the closing record.
func (f *File) Closing() Record { return f.Records[len(f.Records)-1] }

// Parse reads and checks a whole file against layout l with a Scanner and
// keeps its records. It returns either the whole file or an error (an
// *Error for structural problems, otherwise the reader's error); never part
// of a file.
func Parse(r io.Reader, l *Layout, opt Options) (*File, error) {
	s := NewScanner(r, l, opt)
	var recs []Record
	for s.Scan() {
		rec := s.Record()
		rec.raw = strings.Clone(rec.raw)
		recs = append(recs, rec)
	}
	if err := s.Err(); err != nil {
		return nil, err
	}
	return &File{Layout: l, Records: recs}, nil
}

func latin1ToUTF8(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			b := make([]byte, 0, len(s)+8)
			for j := 0; j < len(s); j++ {
				b = utf8.AppendRune(b, rune(s[j]))
			}
			return string(b)
		}
	}
	return strings.Clone(s)
}

var errNotLatin1 = errors.New("character outside ISO-8859-1")
