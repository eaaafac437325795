package vektis

import "strings"

// The per-record-type plans LoadLayout computes once, so that checking a
// record walks short slices instead of names, maps or the whole field list.

// check kinds
const (
	ckMandatory uint8 = iota // only "not blank" (a mandatory AN field without pattern)
	ckDigits                 // N field: digits only (blank allowed unless mandatory)
	ckDate                   // date pattern EEJJMMDD, EEJJMM or EEJJ
	ckPattern                // N/A/X pattern per position
)

type check struct {
	off, end int // 0-based [off, end) in the record
	field    int // index in RecordType.Fields
	kind     uint8
	numeric  bool
	mand     bool
	pat      string

	// Word form for fields of up to 8 positions: the field is
	// load64(record[lo:]) >> sh & mask; blank, d30, d06 and hi are the
	// spaces, 0x30s, 0x06s and 0xF0s under the mask.
	digits                bool // filled means all digits (N without pattern, or an all-N pattern)
	n                     int
	lo                    int
	sh                    uint
	mask, blank, d30, d06 uint64
	hi                    uint64
}

// step is what checkFields does next: one check, or a run of adjacent mandatory
// digit fields (dates among them) checked as one span.
type step struct {
	run      bool
	k        int // the check (not a run), or the run's first check
	off, end int // the run's span
	dates    []int
}

type sumRef struct {
	slot int // index in Layout.totals
	f    int // amount field
	sign int // the INDICATIE DEBET/CREDIT field that signs it, -1 if none
}

// closing-record checks
const (
	clDetails uint8 = iota // TOTAAL AANTAL DETAILRECORDS
	clCount                // AANTAL <NAME>S: records of one type (typ -1: absent from the table, 0)
	clTotal                // TOTAAL <X>: signed sum
)

type closeCheck struct {
	field int
	kind  uint8
	typ   int // clCount: order of the record type, -1 for none
	slot  int // clTotal: index in Layout.totals
	sign  int // clTotal: sign field, -1 if none
}

// seqField names the detail-record sequence number: non-annotation detail
// records number 1, 2, 3, ...; an annotation (comment) carries the number of
// the record it annotates.
const seqField = "IDENTIFICATIE DETAILRECORD"

// Sign convention: an amount field is signed by the nearest following field
// whose name starts with "INDICATIE DEBET/CREDIT".
const dcPrefix = "INDICATIE DEBET/CREDIT"

func signOf(rt *RecordType, i int) int {
	for j := i + 1; j < len(rt.Fields); j++ {
		if strings.HasPrefix(rt.Fields[j].Name, dcPrefix) {
			return j
		}
	}
	return -1
}

func matchTotal(name, x string) bool { return name == x || strings.HasPrefix(name, x+" (") }

func (l *Layout) plan() {
	cl := l.Closing()
	l.totals = nil
	for _, f := range cl.Fields {
		if strings.HasPrefix(f.Name, "TOTAAL ") && !strings.HasPrefix(f.Name, "TOTAAL AANTAL ") {
			l.totals = append(l.totals, strings.TrimPrefix(f.Name, "TOTAAL "))
		}
	}
	for _, rt := range l.Types {
		rt.checks, rt.sums, rt.closes = nil, nil, nil
		rt.seq = -1
		if i, ok := rt.index[seqField]; ok {
			rt.seq = i
		}
		for i, f := range rt.Fields {
			c := check{off: f.Start - 1, end: f.End, field: i, numeric: f.Numeric, mand: f.Obligation == Mandatory, pat: f.Pattern}
			switch {
			case isDatePattern(f.Pattern):
				c.kind = ckDate
			case f.Pattern != "":
				c.kind = ckPattern
			case f.Numeric:
				c.kind = ckDigits
			case c.mand:
				c.kind = ckMandatory
			default:
				continue
			}
			c.n = f.Length
			c.digits = c.kind == ckDigits || c.kind == ckPattern && strings.Trim(f.Pattern, "N") == ""
			if c.n <= 8 && l.RecordLength >= 8 {
				c.lo = min(c.off, l.RecordLength-8)
				c.sh = uint(c.off-c.lo) * 8
				c.mask = ^uint64(0) >> (64 - 8*c.n)
				c.blank, c.d30, c.d06, c.hi = lsb*0x20&c.mask, lsb*0x30&c.mask, lsb*0x06&c.mask, lsb*0xf0&c.mask
			}
			rt.checks = append(rt.checks, c)
		}
		rt.steps = planSteps(rt.checks)
		if rt != cl && rt != l.Opening() {
			for i, f := range rt.Fields {
				if !f.Numeric {
					continue
				}
				for slot, x := range l.totals {
					if matchTotal(f.Name, x) {
						rt.sums = append(rt.sums, sumRef{slot: slot, f: i, sign: signOf(rt, i)})
					}
				}
			}
		}
	}
	for i, f := range cl.Fields {
		switch {
		case f.Name == "TOTAAL AANTAL DETAILRECORDS":
			cl.closes = append(cl.closes, closeCheck{field: i, kind: clDetails})
		case strings.HasPrefix(f.Name, "AANTAL ") && strings.HasSuffix(f.Name, "RECORDS"):
			name := strings.TrimSuffix(strings.TrimPrefix(f.Name, "AANTAL "), "S")
			typ := -1
			for _, t := range l.Types {
				if t.Name == name {
					typ = t.order
				}
			}
			cl.closes = append(cl.closes, closeCheck{field: i, kind: clCount, typ: typ})
		case strings.HasPrefix(f.Name, "TOTAAL "):
			x := strings.TrimPrefix(f.Name, "TOTAAL ")
			for slot, t := range l.totals {
				if t == x {
					cl.closes = append(cl.closes, closeCheck{field: i, kind: clTotal, slot: slot, sign: signOf(cl, i)})
				}
			}
		}
	}
}

// planSteps merges adjacent mandatory digit fields (dates included) into runs: a run
// that is all digits (and whose dates are valid) passes every check in it at once;
// otherwise its checks run one by one from its first, for the exact error.
func planSteps(cs []check) []step {
	runnable := func(c *check) bool { return c.mand && (c.digits || c.kind == ckDate && c.numeric) }
	var out []step
	for k := 0; k < len(cs); {
		c := &cs[k]
		j := k + 1
		if runnable(c) {
			for j < len(cs) && runnable(&cs[j]) && cs[j].off == cs[j-1].end {
				j++
			}
		}
		if j-k < 2 {
			out = append(out, step{k: k})
			k++
			continue
		}
		st := step{run: true, k: k, off: cs[k].off, end: cs[j-1].end}
		for m := k; m < j; m++ {
			if cs[m].kind == ckDate {
				st.dates = append(st.dates, m)
			}
		}
		out = append(out, st)
		k = j
	}
	return out
}
