package policy

import (
	"context"

	"zorginkoop/internal/identity"
)

// Comparison is a policy beside the published version it replaces, and what changed:
// what the insurer's desk shows of a draft before it is published.
type Comparison struct {
	Policy  *Compiled
	InForce *Compiled // nil when the insurer has no published policy of the sector
	Diff    *Diff     // nil without InForce
}

// Compare returns the policy with id beside the version in force (Library.InForce), for
// the insurer's side and the operator (MayReadDraft) only: to anyone else it does not
// exist, published or not, so that the desk of one insurer is not another's.
func (s *Service) Compare(ctx context.Context, actor identity.Principal, id string) (*Comparison, error) {
	if actor.IsAnonymous() {
		return nil, identity.LoginRequired("see the insurer's policy desk")
	}
	if err := s.Sync(ctx); err != nil {
		return nil, err
	}
	c, err := s.Library.Policy(id)
	if err != nil {
		return nil, err
	}
	if !MayReadDraft(actor, c.Insurer) {
		return nil, NotFound(id)
	}
	cmp := &Comparison{Policy: c, InForce: s.Library.InForce(c)}
	if cmp.InForce != nil {
		d := s.Library.Compare(cmp.InForce, c)
		cmp.Diff = &d
	}
	return cmp, nil
}

// MayUpload answers whether actor may upload policy drafts at all: LoginRequired when
// anonymous, the refusal of SaveDraft when it writes no insurer's policies, nil otherwise.
// The page with the upload form asks it before showing the form.
func MayUpload(actor identity.Principal) error {
	if actor.IsAnonymous() {
		return identity.LoginRequired("upload a policy")
	}
	if !MayWriteSome(actor) {
		return errMayNotWrite
	}
	return nil
}
