// Package vektis reads and writes Vektis EI fixed-width claim files (ZH308
// and relatives), driven by the Vektis record-layout table (the GIS027-028
// CSV export of the specification spreadsheet). A new version of the
// standard is a new table, not new code.
//
// A Scanner reads a file record by record with flat memory (one read
// buffer, no copy per record) and checks each record as it comes; Parse
// keeps the records of a whole file and is built on the Scanner, so there is
// one validation path. The checks are planned once per record type when the
// layout is loaded (the fields that need a check, the amount fields that add
// up to a closing total, the closing record's counts), and run on words of
// eight bytes where they can.
//
// What the Scanner enforces (structure only; content rules such as code-list
// membership, AGB/UZOVI validity or per-claim checks belong to adjudication):
//
//   - the input is ISO-8859-1 (ASCII is a subset): no UTF-8 byte order mark,
//     no control characters (bytes 0x00-0x1F, 0x7F-0x9F) other than the line
//     ending (LF or CRLF; the last line may lack one). UTF-8 text is refused
//     too: most multi-byte sequences contain a byte 0x80-0x9F (a C1 control),
//     and the others (a lead byte 0xC2-0xDF followed by 0xA0-0xBF, or
//     0xE0-0xEF followed by two continuation bytes, e.g. "é" as C3 A9) are
//     refused as UTF-8 although each byte is a Latin-1 letter: "Ã©" or "Ã¼"
//     does not occur in Dutch names, addresses or codes, UTF-8 does;
//   - every record has exactly the layout's record length (610 for ZH308);
//     a longer line is rejected after reading at most one buffer, so memory
//     stays flat whatever the input;
//   - the record-type code (the first field of every record type) is known;
//   - order: the first record type in the table (01, opening) comes first and
//     once, the last one (99, closing) last and once; the record types in
//     between are detail records nested in table order: the first detail type
//     (02) opens a group and a detail type may only follow a record of the
//     type just above it in the table or a deeper/equal one (02 → 04 → 06 →
//     16; so no 04 before a 02, no 06 or 16 before a 04). A detail type that
//     carries no "L" (logical) key field in the table (98, the comment record)
//     is an annotation: it may follow any detail record and does not change
//     the nesting level;
//   - mandatory (M) fields are not blank; N fields hold digits only (a
//     non-mandatory N field may be entirely blank), so a numeric field padded
//     with spaces instead of zeros is refused. An AN field right-aligned
//     instead of left-aligned is not detectable: leading spaces are part of
//     its value as far as the layout can tell; pattern EEJJMMDD fields
//     hold a real calendar date (a non-mandatory one may be blank or all
//     zeros); N/A patterns (e.g. NNNNAA) are checked per position when filled;
//   - detail records are numbered 1, 2, 3, ... in "IDENTIFICATIE
//     DETAILRECORD"; an annotation carries the number of the record before it;
//   - the closing record: every "AANTAL <NAME>S" field equals the number of
//     records of the type named <NAME> (0 for types absent from the table),
//     "TOTAAL AANTAL DETAILRECORDS" equals all records except opening and
//     closing, and every other "TOTAAL <X>" field equals the signed sum of the
//     detail fields named <X> (or "<X> (...)"), each signed by the
//     "INDICATIE DEBET/CREDIT" field that follows it, with the closing sign
//     in the field that follows the total.
//
// Parse returns either the whole file or an *Error; nothing is handed out
// half. A Scanner hands out records as they come, and its Err says at the
// end whether the file as a whole is valid: a consumer that stores records
// must undo them on an error. Both are capped by Options.MaxBytes (the
// Scanner reads at most MaxBytes+1 bytes; the error wraps ErrTooLarge).
package vektis

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
)

//go:embed layouts/zh308-v9.0.csv
var zh308v90CSV []byte

var (
	zh308Once   sync.Once
	zh308Layout *Layout
)

// ZH308v90 returns the embedded ZH308 version 9.0 layout. The result is
// shared and must not be modified.
func ZH308v90() *Layout {
	zh308Once.Do(func() {
		l, err := LoadLayout(bytes.NewReader(zh308v90CSV))
		if err != nil {
			panic("vektis: embedded ZH308 v9.0 layout: " + err.Error())
		}
		zh308Layout = l
	})
	return zh308Layout
}

// Obligation of a field: M mandatory, C conditional, O optional, S spare.
type Obligation byte

const (
	Mandatory   Obligation = 'M'
	Conditional Obligation = 'C'
	Optional    Obligation = 'O'
	Spare       Obligation = 'S'
)

// Field is one data element of a record type.
type Field struct {
	Seq        string // Vektis sequence number (Volgnummer), e.g. "403"
	Name       string // element name, e.g. "BURGERSERVICENUMMER (BSN) VERZEKERDE"
	Numeric    bool   // type N (else AN)
	Length     int
	Start, End int // 1-based, inclusive
	Pattern    string
	Obligation Obligation
	Key        string // Sleutel column: T technical, L logical, or empty
	CodeList   string // e.g. "COD043-VEKT"
	CodeName   string // e.g. "D/C"
}

// RecordType is one record kind of the standard.
type RecordType struct {
	Code   string // e.g. "04"
	Name   string // e.g. "PRESTATIERECORD"
	Fields []Field
	index  map[string]int
	level  int  // nesting level among detail records, -1 for opening/closing
	annot  bool // annotation (comment) record
	order  int  // position in the table

	// Precomputed by LoadLayout for the scanner's hot path.
	checks []check  // the fields that need a check, in field order
	steps  []step   // the checks, adjacent mandatory digit fields merged into runs
	seq    int      // index of IDENTIFICATIE DETAILRECORD, -1 if none
	sums   []sumRef // amount fields that add up to a closing total
	closes []closeCheck
}

// Index returns the index in rt.Fields of the field with the given name, -1
// if the record type has none. Look it up once, then use Record.At.
func (rt *RecordType) Index(name string) int {
	if i, ok := rt.index[name]; ok {
		return i
	}
	return -1
}

// Field returns the field with the given name, or nil.
func (rt *RecordType) Field(name string) *Field {
	if i, ok := rt.index[name]; ok {
		return &rt.Fields[i]
	}
	return nil
}

// Layout is a parsed record-layout table of one standard version.
type Layout struct {
	Standard     string // e.g. "ZH308"
	RecordLength int
	CodeStart    int // 1-based start of the record-type code
	CodeLength   int
	Types        []*RecordType // in table order
	byCode       map[string]*RecordType
	totals       []string // the X of the closing record's "TOTAAL X" amount fields, in field order
}

// Type returns the record type with the given code, or nil.
func (l *Layout) Type(code string) *RecordType { return l.byCode[code] }

// Opening and Closing return the first and last record types of the table.
func (l *Layout) Opening() *RecordType { return l.Types[0] }

// Closing returns the closing (last) record type.
func (l *Layout) Closing() *RecordType { return l.Types[len(l.Types)-1] }

// LoadLayout reads a Vektis layout table (CSV, as exported from the
// "GIS027-028" sheet): a header row naming the columns Standaardcode,
// Recordnaam, Recordcode, Volgnummer, Naam gegevenselement, Type, Lengte,
// Patroon, Eindpositie, Verplichting and optionally Sleutel, Naam codelijst
// and Code codelijst, followed by one row per field.
func LoadLayout(r io.Reader) (*Layout, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("vektis layout: %w", err)
	}
	need := []string{"Standaardcode", "Recordnaam", "Recordcode", "Volgnummer", "Naam gegevenselement", "Type", "Lengte", "Patroon", "Eindpositie", "Verplichting"}
	col := map[string]int{}
	hdr := -1
	for i, row := range rows {
		m := map[string]int{}
		for j, c := range row {
			c = strings.TrimSpace(c)
			if _, dup := m[c]; !dup && c != "" {
				m[c] = j
			}
		}
		ok := true
		for _, n := range need {
			if _, has := m[n]; !has {
				ok = false
				break
			}
		}
		if ok {
			hdr, col = i, m
			break
		}
	}
	if hdr < 0 {
		return nil, fmt.Errorf("vektis layout: no header row with columns %s", strings.Join(need, ", "))
	}
	get := func(row []string, name string) string {
		j, ok := col[name]
		if !ok || j >= len(row) {
			return ""
		}
		return strings.TrimSpace(row[j])
	}
	l := &Layout{byCode: map[string]*RecordType{}}
	for i, row := range rows[hdr+1:] {
		ln := hdr + 2 + i
		code := get(row, "Recordcode")
		if get(row, "Standaardcode") == "" || code == "" {
			continue
		}
		if l.Standard == "" {
			l.Standard = get(row, "Standaardcode")
		}
		rt := l.byCode[code]
		if rt == nil {
			rt = &RecordType{Code: code, Name: get(row, "Recordnaam"), index: map[string]int{}, order: len(l.Types)}
			l.byCode[code] = rt
			l.Types = append(l.Types, rt)
		} else if rt != l.Types[len(l.Types)-1] {
			return nil, fmt.Errorf("vektis layout: row %d: rows of record %s are not contiguous", ln, code)
		}
		f := Field{
			Seq: get(row, "Volgnummer"), Name: get(row, "Naam gegevenselement"),
			Pattern: get(row, "Patroon"), Key: get(row, "Sleutel"),
			CodeList: get(row, "Code codelijst"), CodeName: get(row, "Naam codelijst"),
		}
		switch get(row, "Type") {
		case "N":
			f.Numeric = true
		case "AN":
		default:
			return nil, fmt.Errorf("vektis layout: row %d: type %q is not N or AN", ln, get(row, "Type"))
		}
		if f.Length, err = strconv.Atoi(get(row, "Lengte")); err != nil || f.Length <= 0 {
			return nil, fmt.Errorf("vektis layout: row %d: bad length %q", ln, get(row, "Lengte"))
		}
		if f.End, err = strconv.Atoi(get(row, "Eindpositie")); err != nil {
			return nil, fmt.Errorf("vektis layout: row %d: bad end position %q", ln, get(row, "Eindpositie"))
		}
		f.Start = f.End - f.Length + 1
		prev := 0
		if n := len(rt.Fields); n > 0 {
			prev = rt.Fields[n-1].End
		}
		if f.Start != prev+1 {
			return nil, fmt.Errorf("vektis layout: row %d: field %s starts at %d, want %d", ln, f.Seq, f.Start, prev+1)
		}
		switch o := get(row, "Verplichting"); o {
		case "M", "C", "O", "S":
			f.Obligation = Obligation(o[0])
		default:
			return nil, fmt.Errorf("vektis layout: row %d: obligation %q is not M, C, O or S", ln, o)
		}
		if err := checkPattern(f); err != nil {
			return nil, fmt.Errorf("vektis layout: row %d: %v", ln, err)
		}
		if _, dup := rt.index[f.Name]; dup {
			return nil, fmt.Errorf("vektis layout: row %d: field name %q twice in record %s", ln, f.Name, code)
		}
		rt.index[f.Name] = len(rt.Fields)
		rt.Fields = append(rt.Fields, f)
	}
	if len(l.Types) < 2 {
		return nil, fmt.Errorf("vektis layout: need at least an opening and a closing record, found %d record types", len(l.Types))
	}
	for i, rt := range l.Types {
		end := rt.Fields[len(rt.Fields)-1].End
		if i == 0 {
			l.RecordLength = end
			l.CodeStart, l.CodeLength = rt.Fields[0].Start, rt.Fields[0].Length
		}
		if end != l.RecordLength {
			return nil, fmt.Errorf("vektis layout: record %s is %d positions, record %s is %d", rt.Code, end, l.Types[0].Code, l.RecordLength)
		}
		if f := rt.Fields[0]; f.Start != l.CodeStart || f.Length != l.CodeLength || len(rt.Code) != l.CodeLength {
			return nil, fmt.Errorf("vektis layout: record %s: first field is not the %d-position record code", rt.Code, l.CodeLength)
		}
	}
	level := 0
	for i, rt := range l.Types {
		switch {
		case i == 0 || i == len(l.Types)-1:
			rt.level = -1
		default:
			rt.annot = true
			for _, f := range rt.Fields {
				if f.Key == "L" {
					rt.annot = false
				}
			}
			if !rt.annot {
				rt.level = level
				level++
			}
		}
	}
	l.plan()
	return l, nil
}

func checkPattern(f Field) error {
	p := f.Pattern
	if p == "" || isDatePattern(p) {
		if isDatePattern(p) && len(p) != f.Length {
			return fmt.Errorf("field %s: date pattern %q does not fit length %d", f.Seq, p, f.Length)
		}
		return nil
	}
	if len(p) != f.Length {
		return fmt.Errorf("field %s: pattern %q does not fit length %d", f.Seq, p, f.Length)
	}
	for i := 0; i < len(p); i++ {
		if p[i] != 'N' && p[i] != 'A' && p[i] != 'X' {
			return fmt.Errorf("field %s: unsupported pattern %q", f.Seq, p)
		}
	}
	return nil
}

func isDatePattern(p string) bool { return p == "EEJJMMDD" || p == "EEJJMM" || p == "EEJJ" }
