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

// Validate checks providers and their facts; errors name the provider and field. line
// gives the input line of provider i, for error messages (nil when unknown).
func (s *Service) Validate(ps []Provider, line func(i int) int) error {
	var errs apperr.List
	seen := map[string]int{}
	for i := range ps {
		p := &ps[i]
		where := func(e *apperr.Error, field string) {
			if line != nil {
				e.Line = line(i)
			}
			if p.ID != "" {
				field = "provider " + p.ID + ": " + field
			}
			e.Field = field
			errs = append(errs, e)
		}
		if j, dup := seen[p.ID]; dup && p.ID != "" {
			where(apperr.Invalidf("", "id %q is used twice (also provider %d)", p.ID, j+1), "id")
		}
		seen[p.ID] = i
		for _, e := range apperr.Errors(p.Validate(s.CareTypes)) {
			where(e, e.Field)
		}
		for k := range p.Facts {
			if err := p.Facts[k].Validate(s.Catalogue, s.Insurers); err != nil {
				e := err.(*apperr.Error)
				where(e, "facts["+strconv.Itoa(k)+"]."+e.Field)
			}
		}
	}
	return errs.Err()
}

// Import validates all providers and, only if every one is valid, stores them in one
// transaction. Nothing is written when anything is wrong.
func (s *Service) Import(ctx context.Context, ps []Provider, line func(int) int, progress func(done int)) error {
	if err := s.Validate(ps, line); err != nil {
		return err
	}
	return s.Store.ReplaceProviders(ctx, ps, progress)
}
