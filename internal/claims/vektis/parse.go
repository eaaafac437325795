package vektis

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Error is a structural error: the whole file is refused.
type Error struct {
	Line  int    // 1-based line number
	Pos   int    // 1-based position in the line (start of the field, where known)
	Field string // element name, or "" when the error concerns the whole line or file
	Msg   string // plain English
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("line %d, position %d, field %s: %s", e.Line, e.Pos, e.Field, e.Msg)
	}
	return fmt.Sprintf("line %d, position %d: %s", e.Line, e.Pos, e.Msg)
}

// DefaultMaxBytes caps a file when Options.MaxBytes is 0.
const DefaultMaxBytes = 256 << 20

// Options tune Parse.
type Options struct {
	// MaxBytes refuses files larger than this; 0 means DefaultMaxBytes,
	// negative means no limit.
	MaxBytes int64
}

// Record is one parsed record: its type and the raw ISO-8859-1 text.
type Record struct {
	Type *RecordType
	Line int // 1-based line in the file it came from (0 when built)
	raw  string
}

// Code returns the record-type code, e.g. "04".
func (r Record) Code() string { return r.Type.Code }

// Raw returns the record's 610 positions, unconverted (ISO-8859-1).
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
	f := r.Type.Field(name)
	if f == nil {
		return "", false
	}
	v := r.raw[f.Start-1 : f.End]
	if f.Numeric {
		v = strings.TrimSpace(v)
	} else {
		v = strings.TrimRight(v, " ")
	}
	return latin1ToUTF8(v), true
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

// Parse reads and checks a whole file against layout l. It returns either
// the whole file or an error (an *Error for structural problems, otherwise
// the reader's error); never part of a file.
func Parse(r io.Reader, l *Layout, opt Options) (*File, error) {
	max := opt.MaxBytes
	if max == 0 {
		max = DefaultMaxBytes
	}
	br := bufio.NewReaderSize(r, l.RecordLength+64)
	p := parser{l: l, counts: map[string]int{}, sums: map[string]int64{}}
	var total int64
	for {
		line, err := br.ReadSlice('\n')
		if len(line) == 0 && err == io.EOF {
			break
		}
		p.line++
		total += int64(len(line))
		if max > 0 && total > max {
			return nil, &Error{Line: p.line, Pos: 1, Msg: fmt.Sprintf("file is larger than the limit of %d bytes", max)}
		}
		if err == bufio.ErrBufferFull {
			return nil, &Error{Line: p.line, Pos: l.RecordLength + 1, Msg: fmt.Sprintf("line is longer than %d positions", l.RecordLength)}
		}
		if err != nil && err != io.EOF {
			return nil, err
		}
		line = bytes.TrimSuffix(line, []byte{'\n'})
		line = bytes.TrimSuffix(line, []byte{'\r'})
		if e := p.record(line); e != nil {
			return nil, e
		}
		if err == io.EOF {
			break
		}
	}
	if p.line == 0 {
		return nil, &Error{Line: 1, Pos: 1, Msg: "file is empty"}
	}
	if !p.closed {
		return nil, &Error{Line: p.line + 1, Pos: 1, Msg: fmt.Sprintf("file ends without closing record %s (truncated?)", l.Closing().Code)}
	}
	return &File{Layout: l, Records: p.recs}, nil
}

type parser struct {
	l      *Layout
	line   int
	recs   []Record
	closed bool
	level  int // nesting level of the last non-annotation detail record, -1 none
	counts map[string]int
	detail int
	sums   map[string]int64 // signed sums per field name
	tot    map[string]int
	refs   map[*RecordType][]sumRef
	lastID int64 // last IDENTIFICATIE DETAILRECORD of a non-annotation record
}

// seqField names the detail-record sequence number: non-annotation detail
// records number 1, 2, 3, ...; an annotation (comment) carries the number of
// the record it annotates.
const seqField = "IDENTIFICATIE DETAILRECORD"

func (p *parser) checkSeq(rec Record) *Error {
	f := rec.Type.Field(seqField)
	if f == nil {
		return nil
	}
	v := strings.TrimSpace(rec.raw[f.Start-1 : f.End])
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return p.errf(f.Start, f, "%q is not a sequence number", v)
	}
	if rec.Type.annot {
		if n != p.lastID {
			return p.errf(f.Start, f, "%s carries detail number %d, want %d (the record it comments on)", rec.Type.Name, n, p.lastID)
		}
		return nil
	}
	if n != p.lastID+1 {
		return p.errf(f.Start, f, "detail record number %d, want %d (numbers start at 1 and go up by 1)", n, p.lastID+1)
	}
	p.lastID = n
	return nil
}

func (p *parser) errf(pos int, f *Field, format string, a ...any) *Error {
	e := &Error{Line: p.line, Pos: pos, Msg: fmt.Sprintf(format, a...)}
	if f != nil {
		e.Field = f.Name
	}
	return e
}

func (p *parser) record(line []byte) *Error {
	l := p.l
	if p.line == 1 && bytes.HasPrefix(line, []byte("\xef\xbb\xbf")) {
		return p.errf(1, nil, "file starts with a UTF-8 byte order mark; Vektis files are ISO-8859-1 without one")
	}
	for i, c := range line {
		if c < 0x20 || (c >= 0x7f && c <= 0x9f) {
			return p.errf(i+1, nil, "invalid byte 0x%02X: not a printable ISO-8859-1 character (wrong encoding or binary data?)", c)
		}
	}
	if len(line) > l.RecordLength {
		return p.errf(l.RecordLength+1, nil, "line is %d positions, longer than the record length %d", len(line), l.RecordLength)
	}
	if len(line) < l.CodeStart-1+l.CodeLength {
		return p.errf(len(line)+1, nil, "line is %d positions, shorter than the record length %d (truncated or wrongly padded)", len(line), l.RecordLength)
	}
	code := string(line[l.CodeStart-1 : l.CodeStart-1+l.CodeLength])
	rt := l.byCode[code]
	if rt == nil {
		return p.errf(l.CodeStart, &l.Types[0].Fields[0], "unknown record type %q", code)
	}
	if len(line) < l.RecordLength {
		var f *Field
		for i := range rt.Fields {
			if rt.Fields[i].End > len(line) {
				f = &rt.Fields[i]
				break
			}
		}
		return p.errf(len(line)+1, f, "%s is %d positions, shorter than the record length %d (truncated or wrongly padded)", rt.Name, len(line), l.RecordLength)
	}
	if e := p.order(rt); e != nil {
		return e
	}
	raw := string(line)
	for i := range rt.Fields {
		if e := p.field(&rt.Fields[i], raw); e != nil {
			return e
		}
	}
	rec := Record{Type: rt, Line: p.line, raw: raw}
	if rt == l.Closing() {
		if e := p.checkClosing(rec); e != nil {
			return e
		}
		p.closed = true
	} else if rt != l.Opening() {
		if e := p.checkSeq(rec); e != nil {
			return e
		}
		p.counts[rt.Code]++
		p.detail++
		if e := p.addSums(rec); e != nil {
			return e
		}
	}
	p.recs = append(p.recs, rec)
	return nil
}

func (p *parser) order(rt *RecordType) *Error {
	l := p.l
	codeField := &rt.Fields[0]
	switch {
	case p.closed:
		return p.errf(l.CodeStart, codeField, "record %s after the closing record %s", rt.Code, l.Closing().Code)
	case len(p.recs) == 0:
		if rt != l.Opening() {
			return p.errf(l.CodeStart, codeField, "file must start with opening record %s, found %s", l.Opening().Code, rt.Code)
		}
		p.level = -1
	case rt == l.Opening():
		return p.errf(l.CodeStart, codeField, "second opening record %s", rt.Code)
	case rt == l.Closing():
	case rt.annot:
		if p.level < 0 {
			return p.errf(l.CodeStart, codeField, "%s %s before any detail record", rt.Name, rt.Code)
		}
	default:
		if rt.level > p.level+1 {
			want := ""
			for _, t := range l.Types {
				if t.level == rt.level-1 && !t.annot && t != l.Opening() && t != l.Closing() {
					want = t.Code
				}
			}
			return p.errf(l.CodeStart, codeField, "%s %s must follow a record %s it belongs to", rt.Name, rt.Code, want)
		}
		p.level = rt.level
	}
	return nil
}

func (p *parser) field(f *Field, raw string) *Error {
	v := raw[f.Start-1 : f.End]
	blank := strings.Trim(v, " ") == ""
	if blank {
		if f.Obligation == Mandatory {
			return p.errf(f.Start, f, "mandatory field is empty")
		}
		return nil
	}
	if f.Numeric {
		for i := 0; i < len(v); i++ {
			if v[i] < '0' || v[i] > '9' {
				return p.errf(f.Start, f, "numeric field %q holds a non-digit at position %d", v, f.Start+i)
			}
		}
	}
	switch {
	case isDatePattern(f.Pattern):
		if f.Obligation != Mandatory && strings.Trim(v, "0") == "" {
			return nil
		}
		if !validDate(v, f.Pattern) {
			return p.errf(f.Start, f, "%q is not a valid date (%s)", v, f.Pattern)
		}
	case f.Pattern != "":
		for i := 0; i < len(v); i++ {
			c := v[i]
			switch f.Pattern[i] {
			case 'N':
				if c < '0' || c > '9' {
					return p.errf(f.Start, f, "%q does not match pattern %s at position %d", v, f.Pattern, f.Start+i)
				}
			case 'A':
				if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
					return p.errf(f.Start, f, "%q does not match pattern %s at position %d", v, f.Pattern, f.Start+i)
				}
			}
		}
	}
	return nil
}

func validDate(v, pattern string) bool {
	var layout string
	switch pattern {
	case "EEJJMMDD":
		layout = "20060102"
	case "EEJJMM":
		layout = "200601"
	case "EEJJ":
		layout = "2006"
	}
	t, err := time.Parse(layout, v)
	return err == nil && t.Format(layout) == v
}

// Sign convention: an amount field is signed by the nearest following field
// whose name starts with "INDICATIE DEBET/CREDIT".
const dcPrefix = "INDICATIE DEBET/CREDIT"

func signOf(rt *RecordType, i int) *Field {
	for j := i + 1; j < len(rt.Fields); j++ {
		if strings.HasPrefix(rt.Fields[j].Name, dcPrefix) {
			return &rt.Fields[j]
		}
	}
	return nil
}

// totals returns the closing record's "TOTAAL <X>" amount fields (not the
// record counts) as X → field index.
func totals(l *Layout) map[string]int {
	m := map[string]int{}
	for i, f := range l.Closing().Fields {
		if strings.HasPrefix(f.Name, "TOTAAL ") && !strings.HasPrefix(f.Name, "TOTAAL AANTAL ") {
			m[strings.TrimPrefix(f.Name, "TOTAAL ")] = i
		}
	}
	return m
}

func matchTotal(name, x string) bool { return name == x || strings.HasPrefix(name, x+" (") }

type sumRef struct {
	key  string // the X of the closing record's "TOTAAL X"
	f    *Field
	sign *Field // may be nil
}

// sumRefs returns, per record type, the amount fields that add up to a
// closing total (computed once per parse and type).
func (p *parser) sumRefs(rt *RecordType) []sumRef {
	if p.tot == nil {
		p.tot = totals(p.l)
		p.refs = map[*RecordType][]sumRef{}
	}
	if refs, ok := p.refs[rt]; ok {
		return refs
	}
	var refs []sumRef
	for i := range rt.Fields { // field order, so errors are deterministic
		for x := range p.tot {
			if f := &rt.Fields[i]; f.Numeric && matchTotal(f.Name, x) {
				refs = append(refs, sumRef{key: x, f: f, sign: signOf(rt, i)})
			}
		}
	}
	p.refs[rt] = refs
	return refs
}

func (p *parser) addSums(rec Record) *Error {
	for _, ref := range p.sumRefs(rec.Type) {
		f := ref.f
		v := strings.TrimSpace(rec.raw[f.Start-1 : f.End])
		if v == "" {
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return p.errf(f.Start, f, "amount %q is not a number", v)
		}
		if s := ref.sign; s != nil {
			switch rec.raw[s.Start-1 : s.End] {
			case "D":
			case "C":
				n = -n
			default:
				return p.errf(s.Start, s, "debit/credit indicator %q is not D or C", rec.raw[s.Start-1:s.End])
			}
		}
		p.sums[ref.key] += n
	}
	return nil
}

func (p *parser) checkClosing(rec Record) *Error {
	rt := rec.Type
	num := func(f *Field) (int64, *Error) {
		v := strings.TrimSpace(rec.raw[f.Start-1 : f.End])
		if v == "" {
			return 0, nil
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, p.errf(f.Start, f, "%q is not a number", v)
		}
		return n, nil
	}
	tot := totals(p.l)
	for i := range rt.Fields {
		f := &rt.Fields[i]
		var want int64
		switch {
		case f.Name == "TOTAAL AANTAL DETAILRECORDS":
			want = int64(p.detail)
		case strings.HasPrefix(f.Name, "AANTAL ") && strings.HasSuffix(f.Name, "RECORDS"):
			name := strings.TrimSuffix(strings.TrimPrefix(f.Name, "AANTAL "), "S")
			for _, t := range p.l.Types {
				if t.Name == name {
					want = int64(p.counts[t.Code])
				}
			}
		case strings.HasPrefix(f.Name, "TOTAAL "):
			x := strings.TrimPrefix(f.Name, "TOTAAL ")
			if _, ok := tot[x]; !ok {
				continue
			}
			got, e := num(f)
			if e != nil {
				return e
			}
			sum := p.sums[x]
			sign := "D"
			if s := signOf(rt, i); s != nil {
				sign = rec.raw[s.Start-1 : s.End]
				switch sign {
				case "D":
				case "C":
					got = -got
				default:
					return p.errf(s.Start, s, "debit/credit indicator %q is not D or C", sign)
				}
			}
			if got != sum {
				return p.errf(f.Start, f, "closing total is %d cents, the records add up to %d", got, sum)
			}
			continue
		default:
			continue
		}
		got, e := num(f)
		if e != nil {
			return e
		}
		if got != want {
			return p.errf(f.Start, f, "closing record says %d, the file has %d", got, want)
		}
	}
	return nil
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
	return s
}

var errNotLatin1 = errors.New("character outside ISO-8859-1")
