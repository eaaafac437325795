package contract

import (
	"context"
	"fmt"
	"slices"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/identity"
)

// Publish publishes every contract signed by both parties whose publication date has
// come (at 0:00 in Amsterdam on that date): it records the insurer, its labels and policy
// types, the parts, the provider's locations and the contract years, audited, and calls
// OnPublished, each contract in its own transaction. A job: no actor; running it again
// publishes nothing twice. It returns how many it published.
func (s *Service) Publish(ctx context.Context, now time.Time) (int, error) {
	signed, err := s.store.ContractsWithStatus(ctx, Signed)
	if err != nil {
		return 0, err
	}
	n := 0
	for i := range signed {
		c := &signed[i]
		d, ok, err := s.deadline(ctx, c.DossierID, StepPublication)
		if err != nil {
			return n, err
		}
		if !ok || now.Before(d.Date.Begins()) {
			continue
		}
		err = s.publish(ctx, c, now)
		if apperr.CodeOf(err) == apperr.Conflict {
			continue // published meanwhile by another run of the job
		}
		if err != nil {
			return n, fmt.Errorf("publish contract %s: %w", c.ID, err)
		}
		n++
	}
	return n, nil
}

func (s *Service) publish(ctx context.Context, c *Contract, now time.Time) error {
	pol, err := s.lib.Policy(c.PolicyID)
	if err != nil {
		return err
	}
	prov, err := s.providers.Provider(ctx, c.ProviderID)
	if err != nil {
		return err
	}
	p := PublishedContract{ContractID: c.ID, Insurer: c.Insurer, Labels: nonNil(pol.Labels),
		PolicyTypes: nonNil(pol.PolicyTypes), PolicyID: c.PolicyID, ProviderID: c.ProviderID, ProviderName: prov.Name,
		Years: c.Content.Years, PublishedAt: now, Locations: []Location{}}
	for _, pt := range c.Content.Parts {
		p.Parts = append(p.Parts, pt.ID)
	}
	for _, l := range prov.Locations {
		p.Locations = append(p.Locations, Location{Name: l.Name, Street: l.Street, Postcode: l.Postcode, City: l.City})
	}
	if len(p.Years) == 0 {
		p.Years = []int{c.Year}
	}
	return identity.InTx(ctx, s.tx, func(ctx context.Context) error {
		if err := s.store.SavePublished(ctx, p); err != nil {
			return err
		}
		if err := s.record(ctx, identity.System(), ActionPublish, c, c.Insurer, p, "", false); err != nil {
			return err
		}
		return s.hook(ctx, s.lookups.OnPublished, c.DossierID)
	})
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return slices.Clone(s)
}

// PublishedContracts returns a page of published contracts that f selects, and how many
// it selects in all: public data, without prices, for anyone.
func (s *Service) PublishedContracts(ctx context.Context, f PublishedFilter, page Page) ([]PublishedContract, int, error) {
	if page.Limit <= 0 {
		page.Limit = DefaultPage
	}
	page.Limit = min(page.Limit, MaxPage)
	page.Offset = max(page.Offset, 0)
	return s.store.PublishedContracts(ctx, f, page)
}
