package claims

import (
	"context"
	"slices"
	"time"

	"zorginkoop/internal/claims/vektis"
	"zorginkoop/internal/nl"
	"zorginkoop/internal/policy"
)

func amsterdam() *time.Location { return nl.Amsterdam }

// adjudicateFile reads the file's claim lines from the Scanner (the opening record read)
// and adjudicates and stores them a batch at a time. The Scanner's error, found at any
// point up to the closing record, refuses the file: the caller's transaction rolls back.
func (s *Service) adjudicateFile(ctx context.Context, f *File, hdr Header, sc *vektis.Scanner, l *vektis.Layout) error {
	book, err := s.loadBook(ctx, f.Insurer, f.ProviderID)
	if err != nil {
		return err
	}
	book.Today, book.PeriodFrom, book.PeriodTo = s.today(), hdr.PeriodFrom, hdr.PeriodTo
	lr := newLineReader(sc, l)
	batch := make([]Line, 0, s.opt.BatchLines)
	no := 0
	var ln Line
	for lr.next(&ln) {
		no++
		ln.FileID, ln.No, ln.Insurer, ln.ProviderID = f.ID, no, f.Insurer, f.ProviderID
		batch = append(batch, ln)
		if len(batch) == s.opt.BatchLines {
			if err := s.adjudicateBatch(ctx, book, batch, true); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	if err := sc.Err(); err != nil {
		return s.structural(f.Name, err)
	}
	return s.adjudicateBatch(ctx, book, batch, true)
}

// adjudicateBatch loads what the batch's lines need into the book, adjudicates each, and
// stores them: added (intake) or updated (released).
func (s *Service) adjudicateBatch(ctx context.Context, book *Book, batch []Line, add bool) error {
	if len(batch) == 0 {
		return nil
	}
	if err := s.loadBatch(ctx, book, batch); err != nil {
		return err
	}
	for i := range batch {
		book.Adjudicate(&batch[i])
	}
	if add {
		return s.store.AddLines(ctx, batch)
	}
	return s.store.UpdateAdjudication(ctx, batch)
}

// loadBook loads what every batch of the provider's lines with the insurer shares: the
// insurer's labels, the provider's contracts and the percentages.
func (s *Service) loadBook(ctx context.Context, insurer, providerID string) (*Book, error) {
	b := NewBook(insurer, providerID)
	b.InsurerName = s.lib.InsurerName(insurer)
	if ins, ok := s.lib.Registry.Insurer(insurer); ok {
		for _, lb := range ins.Labels {
			if lb.UZOVI != "" {
				b.UZOVI[lb.UZOVI] = true
			}
		}
	}
	cs, err := s.store.ContractsOf(ctx, insurer, providerID)
	if err != nil {
		return nil, err
	}
	for i := range cs {
		b.AddContract(&cs[i], s.policyOf(cs[i].PolicyID))
	}
	if b.Percentages, err = s.store.Percentages(ctx, insurer); err != nil {
		return nil, err
	}
	if b.Percentages == nil {
		b.Percentages = map[string]int{}
	}
	return b, nil
}

// policyOf is the policy with id, nil when none or unknown.
func (s *Service) policyOf(id string) *policy.Policy {
	if id == "" {
		return nil
	}
	c, err := s.lib.Policy(id)
	if err != nil {
		return nil
	}
	return c.Policy
}

// loadBatch loads the batch's insured persons, authorisations, earlier lines by
// reference, the catalogue's parts of its codes, and the rules of its years.
func (s *Service) loadBatch(ctx context.Context, b *Book, batch []Line) error {
	b.ResetBatch()
	var bsns, refs, codes []string
	years := map[int]bool{}
	for i := range batch {
		l := &batch[i]
		bsns = append(bsns, l.BSN)
		if l.Reference != "" {
			refs = append(refs, l.Reference)
		}
		if l.PrevReference != "" {
			refs = append(refs, l.PrevReference)
		}
		for _, c := range []string{l.Code, l.ProductCode} {
			if _, known := b.PartOf[c]; c != "" && !known {
				codes = append(codes, c)
			}
		}
		years[l.Year()] = true
	}
	bsns, refs, codes = uniq(bsns), uniq(refs), uniq(codes)
	var err error
	if b.Insured, err = s.store.InsuredByBSN(ctx, b.Insurer, bsns); err != nil {
		return err
	}
	if b.Auths, err = s.store.AuthorisationsFor(ctx, b.Insurer, b.ProviderID, bsns); err != nil {
		return err
	}
	if b.Stored, err = s.store.LinesByReference(ctx, b.ProviderID, refs); err != nil {
		return err
	}
	if len(codes) > 0 {
		parts, err := s.store.PartsOfCodes(ctx, b.Insurer, codes)
		if err != nil {
			return err
		}
		for _, c := range codes {
			if p, ok := parts[c]; ok {
				b.PartOf[c] = p
			}
		}
	}
	for y := range years {
		if _, ok := b.Years[y]; !ok {
			yr, err := s.yearRules(ctx, b.Insurer, b.ProviderID, y)
			if err != nil {
				return err
			}
			b.Years[y] = yr
		}
	}
	return nil
}

func uniq(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}

// yearRules gathers what the insurer's published policies for the year say of claims,
// and whether purchasing with the provider for the year is still under way.
func (s *Service) yearRules(ctx context.Context, insurer, providerID string, year int) (*YearRules, error) {
	yr := &YearRules{}
	for _, c := range s.lib.Policies() {
		if c.Status != policy.Published || c.Insurer != insurer || !slices.Contains(c.ContractYears, year) {
			continue
		}
		pol := c.Policy
		if pol.Claims.HoldUntilSigned != nil && yr.Hold == nil {
			yr.Hold, yr.HoldPolicy = pol.Claims.HoldUntilSigned, pol
		}
		if pol.Claims.SupplementaryOutsideCeiling != nil && yr.Supplementary == nil {
			yr.Supplementary, yr.SupplementaryPolicy = pol.Claims.SupplementaryOutsideCeiling, pol
		}
		for i := range pol.Claims.Authorisations {
			yr.Rules = append(yr.Rules, PolicyRule{Policy: pol, Rule: &pol.Claims.Authorisations[i]})
		}
	}
	if yr.Hold != nil {
		if s.lookups.Purchasing == nil {
			return nil, missing("purchasing")
		}
		open, err := s.lookups.Purchasing(ctx, insurer, providerID, year)
		if err != nil {
			return nil, err
		}
		yr.Purchasing = open
	}
	return yr, nil
}
