package app

import (
	"context"
	"slices"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/claims"
	"zorginkoop/internal/contract"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/round"
)

// claimsLookups give the claims area what it needs of the purchasing round and the
// contracts: whether purchasing with a provider for a year is still under way, and a
// signed round contract as an execution contract.
func (l roundLinks) claimsLookups(contracts contract.Store) claims.Lookups {
	return claims.Lookups{
		Purchasing: l.purchasing,
		RoundContract: func(ctx context.Context, id string) (claims.Contract, error) {
			c, err := contracts.Contract(ctx, id)
			if err != nil {
				return claims.Contract{}, err
			}
			return l.executionContract(ctx, c)
		},
	}
}

// purchasing reports whether a dossier of the provider in a round of one of the
// insurer's policies for the year exists and is not yet signed, published or refused.
func (l roundLinks) purchasing(ctx context.Context, insurer, providerID string, year int) (bool, error) {
	for _, c := range l.lib.Policies() {
		if c.Insurer != insurer || c.Status != policy.Published || !slices.Contains(c.ContractYears, year) {
			continue
		}
		d, err := l.rounds.Store.DossierOf(ctx, round.RoundID(c.ID, year), providerID)
		if apperr.CodeOf(err) == apperr.NotFound {
			continue
		}
		if err != nil {
			return false, err
		}
		if d.Stage != round.Signed && d.Stage != round.Published && d.Stage != round.Refused {
			return true, nil
		}
	}
	return false, nil
}

// executionContract is a round contract as claims execute it: its years (from the
// dossier's start for a mid-year contract), its agreed parts and their price lists.
func (l roundLinks) executionContract(ctx context.Context, c *contract.Contract) (claims.Contract, error) {
	years := c.Content.Years
	if len(years) == 0 {
		years = []int{c.Year}
	}
	from := claims.Day(slices.Min(years)*10000 + 101)
	to := claims.Day(slices.Max(years)*10000 + 1231)
	if d, err := l.rounds.Lookup(ctx, c.DossierID); err == nil && !d.Starts.IsZero() {
		from = claims.DayOf(d.Starts.Time)
	}
	ec := claims.Contract{ID: c.ID, Source: claims.FromRound, Reference: c.ID, Insurer: c.Insurer, ProviderID: c.ProviderID,
		PolicyID: c.PolicyID, From: from, To: to, Signed: true}
	for _, p := range c.Content.Parts {
		ec.Parts = append(ec.Parts, p.ID)
		for _, ln := range p.Lines {
			ec.Lines = append(ec.Lines, claims.PriceLine{Part: p.ID, Code: ln.Code, Description: ln.Description,
				TariffCents: ln.TariffCents, Volume: ln.Volume, Category: ln.Category})
		}
	}
	return ec, nil
}
