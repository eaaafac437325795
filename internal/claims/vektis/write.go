package vektis

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
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
	b := make([]byte, 0, l.RecordLength)
	for i, f := range rt.Fields {
		v, ok := values[f.Name]
		if i == 0 {
			v, ok = code, true
		}
		enc, err := toLatin1(v)
		if err != nil {
			return Record{}, fmt.Errorf("vektis: record %s field %s: %w", code, f.Name, err)
		}
		if len(enc) > f.Length {
			return Record{}, fmt.Errorf("vektis: record %s field %s: %q is longer than %d positions", code, f.Name, v, f.Length)
		}
		pad := f.Length - len(enc)
		switch {
		case f.Numeric && (ok && v != "" || f.Obligation != Spare):
			if v == "" && f.Obligation != Mandatory {
				b = append(b, strings.Repeat(" ", f.Length)...)
				continue
			}
			b = append(b, strings.Repeat("0", pad)...)
			b = append(b, enc...)
		default:
			b = append(b, enc...)
			b = append(b, strings.Repeat(" ", pad)...)
		}
	}
	return Record{Type: rt, raw: string(b)}, nil
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

func toLatin1(s string) ([]byte, error) {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		if r > 0xff {
			return nil, fmt.Errorf("%q: %w", r, errNotLatin1)
		}
		b = append(b, byte(r))
	}
	return b, nil
}
