package claims

import (
	"fmt"
	"strings"
	"unsafe"

	"zorginkoop/internal/claims/vektis"
)

// Header is what the opening record of a claim file says.
type Header struct {
	Sender     string // AGB code: INSTELLINGSCODE, else PRAKTIJKCODE, else ZORGVERLENERSCODE
	SenderKind string // the field it came from
	UZOVI      string // the addressed insurer's UZOVI number ("" when not given)
	Invoice    string // FACTUURNUMMER DECLARANT
	PeriodFrom Day
	PeriodTo   Day
}

// fieldIndex looks a field up once; a missing field is a layout that cannot be read.
func fieldIndex(rt *vektis.RecordType, name string) int {
	i := rt.Index(name)
	if i < 0 {
		panic(fmt.Sprintf("claims: layout record %s has no field %q", rt.Code, name))
	}
	return i
}

// readHeader reads the opening record.
func readHeader(r vektis.Record) (Header, error) {
	rt := r.Type
	var h Header
	for _, f := range []string{"INSTELLINGSCODE", "PRAKTIJKCODE", "ZORGVERLENERSCODE"} {
		if v := r.At(fieldIndex(rt, f)); v != "" && !allZeros(v) {
			h.Sender, h.SenderKind = v, f
			break
		}
	}
	if h.Sender == "" {
		return h, &vektis.Error{Line: 1, Pos: rt.Fields[fieldIndex(rt, "INSTELLINGSCODE")].Start, Field: "INSTELLINGSCODE",
			Msg: "the opening record names no sender: INSTELLINGSCODE, PRAKTIJKCODE and ZORGVERLENERSCODE are all empty"}
	}
	h.UZOVI = r.At(fieldIndex(rt, "UZOVI-NUMMER"))
	if allZeros(h.UZOVI) {
		h.UZOVI = ""
	}
	h.Invoice = r.At(fieldIndex(rt, "FACTUURNUMMER DECLARANT"))
	from, _ := r.Num(fieldIndex(rt, "BEGINDATUM DECLARATIEPERIODE"))
	to, _ := r.Num(fieldIndex(rt, "EINDDATUM DECLARATIEPERIODE"))
	h.PeriodFrom, h.PeriodTo = Day(from), Day(to)
	return h, nil
}

func allZeros(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] != '0' {
			return false
		}
	}
	return true
}

// lineReader groups a file's records into claim lines: a prestatierecord (04) with the
// tariefrecords (06) that follow it, until the next 04, 02 or the closing record.
type lineReader struct {
	s    *vektis.Scanner
	p    prestatieFields
	t    tariefFields
	cur  Line // the open line
	open bool // whether cur is open
	// last values of the fields that repeat from line to line: a value equal to the
	// last is taken over without a copy.
	lastUZOVI, lastList, lastType, lastSpec, lastBSN, lastPolicy memo
	// codes interns the declaration and product codes: a file has few distinct ones.
	codes map[string]string
	// arena holds the copies of the fields that differ on every line (the references):
	// one allocation per arenaSize bytes instead of one per value.
	arena []byte
}

const arenaSize = 64 << 10

// at returns field i's value as At does, an ASCII value copied into the arena.
func (lr *lineReader) at(r vektis.Record, i int) string {
	f := &r.Type.Fields[i]
	v := r.Raw()[f.Start-1 : f.End]
	if f.Numeric {
		v = strings.TrimLeft(v, " ")
	}
	v = strings.TrimRight(v, " ")
	if v == "" {
		return ""
	}
	for j := 0; j < len(v); j++ {
		if v[j] >= 0x80 {
			return r.At(i) // Latin-1: converted
		}
	}
	if len(lr.arena)+len(v) > cap(lr.arena) {
		lr.arena = make([]byte, 0, arenaSize)
	}
	start := len(lr.arena)
	lr.arena = append(lr.arena, v...)
	return unsafe.String(&lr.arena[start], len(v))
}

// maxInterned bounds the interned codes of a file.
const maxInterned = 50_000

// code returns field i's value, interned.
func (lr *lineReader) code(r vektis.Record, i int) string {
	f := &r.Type.Fields[i]
	raw := strings.TrimRight(r.Raw()[f.Start-1:f.End], " ")
	if raw == "" {
		return ""
	}
	if v, ok := lr.codes[raw]; ok {
		return v
	}
	v := r.At(i)
	if len(lr.codes) < maxInterned && v == raw {
		lr.codes[v] = v
	}
	return v
}

type prestatieFields struct {
	rt                                                                   *vektis.RecordType
	bsn, uzovi, polnr, auth, list, code, begin, end, product, qty, ztype int
	spec, dc, ref, prev                                                  int
}

type tariefFields struct {
	rt         *vektis.RecordType
	amount, dc int
}

func newLineReader(s *vektis.Scanner, l *vektis.Layout) *lineReader {
	p := l.Type("04")
	t := l.Type("06")
	return &lineReader{s: s, codes: map[string]string{},
		p: prestatieFields{rt: p, bsn: fieldIndex(p, "BURGERSERVICENUMMER (BSN) VERZEKERDE"), uzovi: fieldIndex(p, "UZOVI-NUMMER"),
			polnr: fieldIndex(p, "VERZEKERDENNUMMER (INSCHRIJVINGSNUMMER, RELATIENUMMER)"), auth: fieldIndex(p, "MACHTIGINGSNUMMER"),
			list: fieldIndex(p, "AANDUIDING PRESTATIECODELIJST"), code: fieldIndex(p, "PRESTATIECODE/DBC DECLARATIECODE"),
			begin: fieldIndex(p, "BEGINDATUM PRESTATIE"), end: fieldIndex(p, "EINDDATUM PRESTATIE"),
			product: fieldIndex(p, "ZORGPRODUCTCODE"), qty: fieldIndex(p, "AANTAL UITGEVOERDE PRESTATIES"),
			ztype: fieldIndex(p, "ZORGTYPECODE"), spec: fieldIndex(p, "ZORGVERLENERSSPECIFICATIE BEHANDELAAR/UITVOERDER (SUBBEROEPSGROEP)"),
			dc: fieldIndex(p, "INDICATIE DEBET/CREDIT"), ref: fieldIndex(p, "REFERENTIENUMMER DIT PRESTATIERECORD"),
			prev: fieldIndex(p, "REFERENTIENUMMER VOORGAANDE GERELATEERDE PRESTATIERECORD")},
		t: tariefFields{rt: t, amount: fieldIndex(t, "DECLARATIEBEDRAG (INCL. BTW)"), dc: fieldIndex(t, "INDICATIE DEBET/CREDIT (02)")},
	}
}

// memo is the last value of a field that often repeats from line to line, with its raw
// positions.
type memo struct{ raw, val string }

// same returns field i's value: the last one without a copy when the raw positions are
// the same, else a copy.
func same(r vektis.Record, i int, m *memo) string {
	f := &r.Type.Fields[i]
	raw := r.Raw()[f.Start-1 : f.End]
	if raw == m.raw {
		return m.val
	}
	m.val = r.At(i)
	if m.val == raw {
		m.raw = m.val // the value is the positions themselves: one copy serves both
	} else {
		m.raw = strings.Clone(raw) // raw is the Scanner's buffer
	}
	return m.val
}

// next reads records until a claim line is complete and fills *l with it; false at the
// end of the file or on an error (the Scanner's Err tells).
func (lr *lineReader) next(l *Line) bool {
	for lr.s.Scan() {
		r := lr.s.Record()
		switch r.Type {
		case lr.p.rt:
			done := lr.open
			if done {
				*l = lr.cur
			}
			lr.start(r)
			if done {
				return true
			}
		case lr.t.rt:
			if lr.open {
				n, _ := r.Num(lr.t.amount)
				if r.Is(lr.t.dc, "C") {
					n = -n
				}
				lr.cur.ClaimedCents += n
			}
		default:
			if r.Type.Code == "02" || r.Type.Code == "99" {
				if lr.open {
					*l = lr.cur
					lr.open = false
					return true
				}
			}
		}
	}
	return false
}

// start opens a line from a prestatierecord.
func (lr *lineReader) start(r vektis.Record) {
	lr.open = true
	f := &lr.p
	begin, _ := r.Num(f.begin)
	end, _ := r.Num(f.end)
	qty, _ := r.Num(f.qty)
	lr.cur = Line{
		Record:        lr.s.Line(),
		BSN:           same(r, f.bsn, &lr.lastBSN),
		UZOVI:         same(r, f.uzovi, &lr.lastUZOVI),
		PolicyNumber:  same(r, f.polnr, &lr.lastPolicy),
		AuthNumber:    lr.at(r, f.auth),
		CodeList:      same(r, f.list, &lr.lastList),
		Code:          lr.code(r, f.code),
		ProductCode:   lr.code(r, f.product),
		Zorgtype:      same(r, f.ztype, &lr.lastType),
		Specialism:    same(r, f.spec, &lr.lastSpec),
		Begin:         Day(begin),
		End:           Day(end),
		Quantity:      int(qty),
		Credit:        r.Is(f.dc, "C"),
		Reference:     lr.at(r, f.ref),
		PrevReference: lr.at(r, f.prev),
	}
}
