package provider

import (
	"context"
	"strconv"

	"zorginkoop/internal/apperr"
)

// Filter selects providers in a listing.
type Filter struct {
	CareType string // registry id; empty for all
	Query    string // part of the name, KvK or AGB code
	Offset   int
	Limit    int // 0 means no limit
}

// Store keeps providers and their facts. Implementations: store/sqlite, store/postgres.
type Store interface {
	// ReplaceProviders writes the providers (with locations, AGB codes and facts) in one
	// transaction, replacing any provider with the same id. All or nothing. progress, if not
	// nil, is called after each provider written.
	ReplaceProviders(ctx context.Context, ps []Provider, progress func(done int)) error
	// Provider returns one provider with its facts, or an apperr NotFound error.
	Provider(ctx context.Context, id string) (*Provider, error)
	// Providers lists providers without facts, ordered by name, and the total matching.
	Providers(ctx context.Context, f Filter) ([]Provider, int, error)
	// EachProvider streams every provider with its facts (ordered by id), for assessing
	// many providers without holding them all in memory. careTypes, if not empty, limits it
	// to providers with one of those care types.
	EachProvider(ctx context.Context, careTypes []string, fn func(*Provider) error) error
}

// Service applies the rules for providers above a Store.
type Service struct {
	Store     Store
	Catalogue *Catalogue
	CareTypes map[string]bool
	Insurers  map[string]bool
}

// Normalize checks providers read from a file or an API body, whose fact values are in a
// person's notation, and puts those values into canonical form (see Fact.Normalize). It
// reports every problem at once; errors name the provider, field and line. line gives the
// input line of provider i (nil when unknown).
func (s *Service) Normalize(ps []Provider, line func(i int) int) error {
	return s.check(ps, line, true)
}

// Validate checks providers whose fact values are already canonical; errors name the
// provider, field and line.
func (s *Service) Validate(ps []Provider, line func(i int) int) error {
	return s.check(ps, line, false)
}

func (s *Service) check(ps []Provider, line func(i int) int, normalize bool) error {
	var errs apperr.List
	seen := map[string]int{}
	for i := range ps {
		p := &ps[i]
		if j, dup := seen[p.ID]; dup && p.ID != "" {
			errs = append(errs, located(apperr.Invalidf("id", "id %q is used twice (also provider %d)", p.ID, j+1), p, i, "", line))
		}
		seen[p.ID] = i
		for _, e := range apperr.Errors(p.Validate(s.CareTypes)) {
			errs = append(errs, located(e, p, i, "", line))
		}
		for k := range p.Facts {
			f := &p.Facts[k]
			var err error
			if normalize {
				err = f.Normalize(s.Catalogue)
			}
			if err == nil {
				err = f.Validate(s.Catalogue, s.Insurers)
			}
			if err != nil {
				errs = append(errs, located(err.(*apperr.Error), p, i, "facts["+strconv.Itoa(k)+"].", line))
			}
		}
	}
	return errs.Err()
}

// located sets the line of provider i on e and prefixes its field with the provider id.
func located(e *apperr.Error, p *Provider, i int, prefix string, line func(int) int) *apperr.Error {
	if line != nil {
		e.Line = line(i)
	}
	e.Field = prefix + e.Field
	if p.ID != "" {
		e.Field = "provider " + p.ID + ": " + e.Field
	}
	return e
}

// Import validates all providers and, only if every one is valid, stores them in one
// transaction. Nothing is written when anything is wrong.
func (s *Service) Import(ctx context.Context, ps []Provider, line func(int) int, progress func(done int)) error {
	if err := s.Validate(ps, line); err != nil {
		return err
	}
	return s.Store.ReplaceProviders(ctx, ps, progress)
}
