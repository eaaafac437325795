package assessment

import (
	"context"
	"fmt"

	"zorginkoop/internal/identity"
	"zorginkoop/internal/provider"
)

// AssessRecord judges the provider record p with explanations, as AssessProvider judges a
// stored one and for the same callers: for a record that is being written in the
// caller's transaction (a submitted questionnaire), which the store's readers do not see
// until it commits.
func (s *Service) AssessRecord(ctx context.Context, actor identity.Principal, policyID string, p *provider.Provider) (*Result, error) {
	pol, err := s.visible(ctx, actor, policyID)
	if err != nil {
		return nil, err
	}
	if !MayReadOf(actor, pol.Insurer, p.ID) {
		return nil, deny(actor, pol.Insurer, fmt.Sprintf("provider %q does not exist", p.ID))
	}
	r := New(s.Library, pol).Assess(p)
	return &r, nil
}
