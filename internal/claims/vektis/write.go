package vektis

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
)

// NewRecord builds a record of the type with the given code from field
// values (UTF-8, restricted to ISO-8859-1 characters). N values are
// right-aligned and zero-padded, AN values left-aligned and space-padded;
// fields not given are zeros (N) or spaces (AN). The record-type code is
// filled in. Values are formatted, not validated: Parse checks structure.
func NewRecord(l *Layout, code string, values map[string]string) (Record, error) {
	rt := l.Type(code)
	if rt == nil {
		return Record{}, fmt.Errorf("vektis: unknown record type %q", code)
	}
	for name := range values {
		if rt.Field(name) == nil {
			return Record{}, fmt.Errorf("vektis: record %s has no field %q", code, name)
		}
	}
	b := make([]byte, l.RecordLength)
	for i, f := range rt.Fields {
		v, ok := values[f.Name]
		if i == 0 {
			v, ok = code, true
		}
		if err := put(b, rt, i, v, ok); err != nil {
			return Record{}, err
		}
	}
	return Record{Type: rt, raw: string(b)}, nil
}

// put formats v into field i of record b as NewRecord does; given tells
// whether a value was given at all.
func put(b []byte, rt *RecordType, i int, v string, given bool) error {
	f := &rt.Fields[i]
	dst := b[f.Start-1 : f.End]
	n := 0
	for _, r := range v {
		if r > 0xff {
			return fmt.Errorf("vektis: record %s field %s: %q: %w", rt.Code, f.Name, r, errNotLatin1)
		}
		n++
	}
	if n > f.Length {
		return fmt.Errorf("vektis: record %s field %s: %q is longer than %d positions", rt.Code, f.Name, v, f.Length)
	}
	fill := byte(' ')
	at := 0 // where the value starts
	if f.Numeric && (given && v != "" || f.Obligation != Spare) {
		if v == "" && f.Obligation != Mandatory {
			for j := range dst {
				dst[j] = ' '
			}
			return nil
		}
		fill, at = '0', f.Length-n
	}
	for j := range dst {
		dst[j] = fill
	}
	for _, r := range v {
		dst[at] = byte(r)
		at++
	}
	return nil
}

// Builder fills records of one type quickly, for generators: a template
// (the record NewRecord builds without values) and setters by field index.
type Builder struct {
	rt   *RecordType
	tmpl []byte
	buf  []byte
}

// NewBuilder returns a Builder for record type code of l.
func NewBuilder(l *Layout, code string) (*Builder, error) {
	r, err := NewRecord(l, code, nil)
	if err != nil {
		return nil, err
	}
	return &Builder{rt: r.Type, tmpl: []byte(r.raw), buf: []byte(r.raw)}, nil
}

// Type returns the builder's record type (for RecordType.Index).
func (b *Builder) Type() *RecordType { return b.rt }

// Reset sets every field back to the template.
func (b *Builder) Reset() { copy(b.buf, b.tmpl) }

// Set formats v into field i as NewRecord does.
func (b *Builder) Set(i int, v string) error { return put(b.buf, b.rt, i, v, true) }

// SetNum writes n (>= 0) into numeric field i, zero-padded, without
// allocating. A number too long for the field is an error.
func (b *Builder) SetNum(i int, n int64) error {
	f := &b.rt.Fields[i]
	if n < 0 {
		return fmt.Errorf("vektis: record %s field %s: negative %d", b.rt.Code, f.Name, n)
	}
	dst := b.buf[f.Start-1 : f.End]
	for j := len(dst) - 1; j >= 0; j-- {
		dst[j] = byte('0' + n%10)
		n /= 10
	}
	if n != 0 {
		return fmt.Errorf("vektis: record %s field %s: number longer than %d positions", b.rt.Code, f.Name, f.Length)
	}
	return nil
}

// Record returns the record built so far (a copy).
func (b *Builder) Record() Record { return Record{Type: b.rt, raw: string(b.buf)} }

// Encoder writes a file record by record with CRLF line endings and ends it
// with the closing record computed from the detail records written: a
// generator streams a file of any size without holding it.
type Encoder struct {
	l  *Layout
	bw *bufio.Writer
	t  tally
}

// NewEncoder returns an Encoder writing to w.
func NewEncoder(w io.Writer, l *Layout) *Encoder {
	return &Encoder{l: l, bw: bufio.NewWriterSize(w, 64<<10), t: newTally(l)}
}

// Encode writes r (the opening record first, then detail records; not the
// closing record: Close writes it).
func (e *Encoder) Encode(r Record) error {
	l := e.l
	if r.Type == nil || l.Type(r.Type.Code) != r.Type || len(r.raw) != l.RecordLength || r.Type == l.Closing() {
		return fmt.Errorf("vektis: record is not a %s opening or detail record of %d positions", l.Standard, l.RecordLength)
	}
	if r.Type != l.Opening() {
		if fe := e.t.add(r.Type, []byte(r.raw)); fe != nil {
			return fmt.Errorf("vektis: record %s field %s: %s", r.Type.Code, r.Type.Fields[fe.field].Name, fe.msg)
		}
	}
	e.bw.WriteString(r.raw)
	_, err := e.bw.WriteString("\r\n")
	return err
}

// Close writes the closing record and flushes.
func (e *Encoder) Close() error {
	cl, err := closing(e.l, &e.t)
	if err != nil {
		return err
	}
	e.bw.WriteString(cl.raw)
	e.bw.WriteString("\r\n")
	return e.bw.Flush()
}

// ClosingRecord builds the closing record for the given detail records
// (everything between opening and closing): counts per record type, total
// detail records and the signed totals, as the Scanner checks them.
func ClosingRecord(l *Layout, details []Record) (Record, error) {
	t := newTally(l)
	for _, r := range details {
		if r.Type == nil || l.Type(r.Type.Code) != r.Type || len(r.raw) != l.RecordLength {
			return Record{}, fmt.Errorf("vektis: detail record is not a %s record of %d positions", l.Standard, l.RecordLength)
		}
		if e := t.add(r.Type, []byte(r.raw)); e != nil {
			return Record{}, fmt.Errorf("vektis: record %s field %s: %s", r.Type.Code, r.Type.Fields[e.field].Name, e.msg)
		}
	}
	return closing(l, &t)
}

func closing(l *Layout, t *tally) (Record, error) {
	rt := l.Closing()
	vals := map[string]string{}
	for _, c := range rt.closes {
		f := rt.Fields[c.field]
		switch c.kind {
		case clDetails:
			vals[f.Name] = strconv.Itoa(t.detail)
		case clCount:
			n := 0
			if c.typ >= 0 {
				n = t.counts[c.typ]
			}
			vals[f.Name] = strconv.Itoa(n)
		case clTotal:
			s := t.sums[c.slot]
			sign := "D"
			if s < 0 {
				s, sign = -s, "C"
			}
			vals[f.Name] = strconv.FormatInt(s, 10)
			if c.sign >= 0 {
				vals[rt.Fields[c.sign].Name] = sign
			}
		}
	}
	return NewRecord(l, rt.Code, vals)
}

// Write writes records as fixed-width lines ending in CRLF, in the given
// order. Every record must be of layout l and have its record length.
func Write(w io.Writer, l *Layout, records []Record) error {
	bw := bufio.NewWriter(w)
	for i, r := range records {
		if r.Type == nil || l.Type(r.Type.Code) != r.Type || len(r.raw) != l.RecordLength {
			return fmt.Errorf("vektis: record %d is not a %s record of %d positions", i+1, l.Standard, l.RecordLength)
		}
		bw.WriteString(r.raw)
		bw.WriteString("\r\n")
	}
	return bw.Flush()
}
