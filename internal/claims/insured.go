package claims

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"zorginkoop/internal/identity"
)

// InsuredHeader is the header of the insured persons' CSV.
var InsuredHeader = []string{"polisnummer", "bsn", "label", "polissoort", "begindatum", "einddatum", "aanvullend"}

// MaxInsuredBytes bounds an insured CSV; maxProblems the problems an import lists.
const (
	MaxInsuredBytes = 1 << 30
	maxProblems     = 200
	insuredBatch    = 5000
)

// ImportInsured reads the insurer's insured persons from CSV (header InsuredHeader, ";"
// or "," separated, UTF-8, dates YYYY-MM-DD or DD-MM-YYYY, aanvullend = product groups
// separated by "|") and stores them in one transaction: all or nothing, every problem
// with its line and column (an *ImportError). The insurer's declaratiebeoordelaar.
func (s *Service) ImportInsured(ctx context.Context, actor identity.Principal, insurer string, r io.Reader) (int, error) {
	if !MayUploadForInsurer(actor, insurer) && !actor.IsOperator() {
		return 0, s.refuse(ctx, actor, insurer, "", ActionInsuredImport, "insured:"+insurer, "insurer "+insurer,
			"only the insurer's declaratiebeoordelaar imports insured persons",
			"Alleen de declaratiebeoordelaar van de zorgverzekeraar importeert verzekerden.")
	}
	ir, err := s.newInsuredReader(insurer, r)
	if err != nil {
		return 0, err
	}
	n := 0
	err = identity.InTx(ctx, s.tx, func(ctx context.Context) error {
		batch := make([]Insured, 0, insuredBatch)
		for {
			p, ok := ir.next()
			if !ok {
				break
			}
			if len(ir.problems) > 0 {
				continue // keep checking, store no more
			}
			batch = append(batch, p)
			if len(batch) == insuredBatch {
				if err := s.store.SaveInsured(ctx, batch); err != nil {
					return err
				}
				n += len(batch)
				batch = batch[:0]
			}
		}
		if ir.err != nil {
			return ir.err
		}
		if len(ir.problems) > 0 {
			return &ImportError{Problems: ir.problems}
		}
		if err := s.store.SaveInsured(ctx, batch); err != nil {
			return err
		}
		n += len(batch)
		return s.record(ctx, actor, ActionInsuredImport, "insured:"+insurer, insurer, map[string]int{"rows": n}, "", false)
	})
	if err != nil {
		return 0, importErr(err)
	}
	return n, nil
}

// importErr wraps an *ImportError as an apperr Invalid with the first problem's Dutch.
func importErr(err error) error {
	var ie *ImportError
	if !errors.As(err, &ie) {
		return err
	}
	first := ie.Problems[0]
	dutch := first.Dutch
	if len(ie.Problems) > 1 {
		dutch = fmt.Sprintf("%s (en nog %d andere fouten). Er is niets opgeslagen.", dutch, len(ie.Problems)-1)
	} else {
		dutch += " Er is niets opgeslagen."
	}
	return &invalidImport{ie: ie, dutch: dutch}
}

type insuredReader struct {
	cr       *csv.Reader
	insurer  string
	labels   map[string]bool
	types    []string
	col      map[string]int
	row      int
	problems []Problem
	err      error
}

func (s *Service) newInsuredReader(insurer string, r io.Reader) (*insuredReader, error) {
	br := bufio.NewReader(io.LimitReader(r, MaxInsuredBytes))
	head, err := br.Peek(4096)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, readErr(err)
	}
	if bytes.HasPrefix(head, []byte("\ufeff")) {
		head = head[3:]
		br.Discard(3)
	}
	sep := ';'
	line, _, _ := bytes.Cut(head, []byte("\n"))
	if !bytes.ContainsRune(line, ';') && bytes.ContainsRune(line, ',') {
		sep = ','
	}
	cr := csv.NewReader(br)
	cr.Comma, cr.FieldsPerRecord, cr.ReuseRecord = sep, -1, true
	ir := &insuredReader{cr: cr, insurer: insurer, labels: map[string]bool{}, types: s.PolicyTypes(insurer), col: map[string]int{}}
	if ins, ok := s.lib.Registry.Insurer(insurer); ok {
		for _, l := range ins.Labels {
			ir.labels[l.ID] = true
		}
	}
	hdr, err := cr.Read()
	if err != nil {
		return nil, &invalidImport{ie: &ImportError{Problems: []Problem{{Row: 1, Message: "no header row", Dutch: "Het bestand heeft geen kopregel."}}},
			dutch: "Het bestand heeft geen kopregel (" + strings.Join(InsuredHeader, ";") + ")."}
	}
	ir.row = 1
	for i, h := range hdr {
		ir.col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	for _, want := range InsuredHeader {
		if _, ok := ir.col[want]; !ok && want != "einddatum" && want != "aanvullend" {
			ir.bad(want, "missing column", "de kolom "+want+" ontbreekt in de kopregel.")
		}
	}
	if len(ir.problems) > 0 {
		return nil, importErr(&ImportError{Problems: ir.problems})
	}
	return ir, nil
}

func (ir *insuredReader) bad(column, msg, dutch string) {
	if len(ir.problems) < maxProblems {
		ir.problems = append(ir.problems, Problem{Row: ir.row, Column: column, Field: column, Message: msg,
			Dutch: fmt.Sprintf("Regel %d, kolom %s: %s", ir.row, column, dutch)})
	}
}

func (ir *insuredReader) cell(rec []string, name string) string {
	i, ok := ir.col[name]
	if !ok || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

// next reads the next row; problems are collected, ok is false at the end.
func (ir *insuredReader) next() (Insured, bool) {
	for {
		rec, err := ir.cr.Read()
		if err == io.EOF {
			return Insured{}, false
		}
		ir.row++
		if err != nil {
			ir.bad("", "unreadable CSV: "+err.Error(), "de regel is geen geldige CSV.")
			if len(ir.problems) >= maxProblems {
				return Insured{}, false
			}
			continue
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		return ir.parse(rec), true
	}
}

func (ir *insuredReader) parse(rec []string) Insured {
	p := Insured{Insurer: ir.insurer, PolicyNumber: ir.cell(rec, "polisnummer"), BSN: ir.cell(rec, "bsn"),
		Label: ir.cell(rec, "label"), PolicyType: ir.cell(rec, "polissoort")}
	if p.PolicyNumber == "" {
		ir.bad("polisnummer", "missing policy number", "het polisnummer ontbreekt.")
	}
	if !ElevenTest(p.BSN) {
		ir.bad("bsn", fmt.Sprintf("%q fails the eleven test", p.BSN), fmt.Sprintf("burgerservicenummer '%s' voldoet niet aan de elfproef.", p.BSN))
	}
	if !ir.labels[p.Label] {
		ir.bad("label", fmt.Sprintf("%q is not a label of the insurer", p.Label), fmt.Sprintf("'%s' is geen label van deze zorgverzekeraar.", p.Label))
	}
	if !slices.Contains(ir.types, p.PolicyType) {
		ir.bad("polissoort", fmt.Sprintf("%q is not a policy type of the insurer", p.PolicyType),
			fmt.Sprintf("'%s' is geen polissoort van deze zorgverzekeraar (%s).", p.PolicyType, strings.Join(ir.types, ", ")))
	}
	p.From = ir.date(rec, "begindatum", true)
	p.To = ir.date(rec, "einddatum", false)
	if p.To != 0 && p.From != 0 && p.To < p.From {
		ir.bad("einddatum", "the end is before the start", "de einddatum ligt voor de begindatum.")
	}
	if a := ir.cell(rec, "aanvullend"); a != "" {
		for _, g := range strings.Split(a, "|") {
			if g = strings.TrimSpace(g); g != "" {
				p.Supplementary = append(p.Supplementary, g)
			}
		}
	}
	return p
}

func (ir *insuredReader) date(rec []string, name string, required bool) Day {
	v := ir.cell(rec, name)
	if v == "" {
		if required {
			ir.bad(name, "missing date", "de datum ontbreekt.")
		}
		return 0
	}
	d, ok := ParseDay(v)
	if !ok {
		ir.bad(name, fmt.Sprintf("%q is not a date", v), fmt.Sprintf("'%s' is geen datum (schrijf 2026-01-31 of 31-01-2026).", v))
	}
	return d
}

// ParseDay reads a date as YYYY-MM-DD or DD-MM-YYYY (also with "/").
func ParseDay(v string) (Day, bool) {
	for _, layout := range []string{"2006-01-02", "02-01-2006", "2-1-2006", "02/01/2006", "2/1/2006", "2006/01/02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return DayOf(t), true
		}
	}
	return 0, false
}

// InsuredList returns a page of the insurer's insured persons; audited.
func (s *Service) InsuredList(ctx context.Context, actor identity.Principal, insurer string, p Page) ([]Insured, int, error) {
	if err := s.mayReadPersons(ctx, actor, insurer); err != nil {
		return nil, 0, err
	}
	p = p.normal()
	err := identity.InTx(ctx, s.tx, func(ctx context.Context) error {
		return s.record(ctx, actor, ActionInsuredRead, "insured:"+insurer, insurer,
			map[string]int{"offset": p.Offset, "limit": p.Limit}, "", false)
	})
	if err != nil {
		return nil, 0, err
	}
	return s.store.ListInsured(ctx, insurer, p)
}
