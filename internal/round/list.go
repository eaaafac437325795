package round

import (
	"context"
	"sort"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/policy"
)

// RoundPage is one page of the rounds a principal sees.
type RoundPage struct {
	Items []Round `json:"items"`
	Total int     `json:"total"`
	Page  Page    `json:"page"`
}

// Rounds lists the opened rounds p may see (MayReadRound), newest contract year first,
// page by page. A round exists per published policy and contract year, so it looks the
// few candidates up by id instead of keeping a list of its own.
func (s *Service) Rounds(ctx context.Context, p identity.Principal, page Page) (*RoundPage, error) {
	page = page.normal()
	var all []Round
	for _, c := range s.Library.Policies() {
		if c.Status != policy.Published || !MayReadRound(p, c.Insurer) {
			continue
		}
		for _, year := range c.ContractYears {
			r, err := s.Store.Round(ctx, RoundID(c.ID, year))
			if apperr.CodeOf(err) == apperr.NotFound {
				continue
			}
			if err != nil {
				return nil, err
			}
			all = append(all, *r)
		}
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].Year != all[j].Year {
			return all[i].Year > all[j].Year
		}
		return all[i].ID < all[j].ID
	})
	out := &RoundPage{Items: []Round{}, Total: len(all), Page: page}
	if page.Offset < len(all) {
		out.Items = all[page.Offset:min(len(all), page.Offset+page.Limit)]
	}
	return out, nil
}

// Round returns a round to whoever may see its dates (MayReadRound); NotFound for others.
func (s *Service) Round(ctx context.Context, p identity.Principal, id string) (*Round, error) {
	r, _, err := s.readRound(ctx, p, id)
	return r, err
}
