package identity

import (
	"context"
	"slices"
)

// Principal is who is calling: a user of an organisation, or nobody (anonymous). Every
// service that reads or changes tenant data asks the principal. The zero Principal is
// anonymous.
type Principal struct {
	User *User
	Org  *Organisation
}

// Anonymous is the caller who is not logged in: they see only published data.
var Anonymous = Principal{}

// IsAnonymous reports whether nobody is logged in.
func (p Principal) IsAnonymous() bool { return p.User == nil || p.Org == nil }

// Has reports whether the principal holds one of roles.
func (p Principal) Has(roles ...Role) bool { return !p.IsAnonymous() && p.User.HasRole(roles...) }

// Kind is the principal's organisation kind, or "" when anonymous.
func (p Principal) Kind() OrgKind {
	if p.IsAnonymous() {
		return ""
	}
	return p.Org.Kind
}

// IsOperator reports whether the principal administers the platform.
func (p Principal) IsOperator() bool { return p.Kind() == Operator && p.Has(RoleAdmin) }

// ActsForInsurer reports whether the principal works for the insurer: a user of that
// insurer or of a purchasing party buying for it.
func (p Principal) ActsForInsurer(insurerID string) bool {
	k := p.Kind()
	return (k == Insurer || k == Purchaser) && slices.Contains(p.Org.Insurers, insurerID)
}

// ActsForProvider reports whether the principal works for the provider record.
func (p Principal) ActsForProvider(providerID string) bool {
	return p.Kind() == Provider && slices.Contains(p.Org.Providers, providerID)
}

// UserID and OrgID name the principal for the audit trail ("" when anonymous).
func (p Principal) UserID() string {
	if p.User == nil {
		return ""
	}
	return p.User.ID
}

func (p Principal) OrgID() string {
	if p.Org == nil {
		return ""
	}
	return p.Org.ID
}

// UserName is the display name for the audit trail.
func (p Principal) UserName() string {
	if p.User == nil {
		return "anoniem"
	}
	return p.User.Name
}

// MayViewAudit reports whether the principal may read the audit trail of the organisation
// (orgID "" is the whole log): the operator may read everything, an organisation's
// beheerder that organisation's trail.
func (p Principal) MayViewAudit(orgID string) bool {
	if p.IsOperator() {
		return true
	}
	return orgID != "" && p.Has(RoleAdmin) && p.OrgID() == orgID
}

type ctxKey struct{}

// WithPrincipal returns a context that carries p, for the HTTP layers; services take the
// principal as an argument.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// PrincipalFrom returns the principal in ctx, or Anonymous.
func PrincipalFrom(ctx context.Context) Principal {
	p, _ := ctx.Value(ctxKey{}).(Principal)
	return p
}

// HandlesDossiersOf reports whether p is of the insurer's staff who handle the dossiers of
// its purchasing rounds: its inkoper, contractbeheerder and medisch adviseur (also of a
// purchasing party buying for it). Every area of the round reads a dossier's insurer side
// by this one rule, so that a dossier, its questionnaire and its documents are visible to
// the same people.
func (p Principal) HandlesDossiersOf(insurer string) bool {
	return p.ActsForInsurer(insurer) && p.Has(RoleBuyer, RoleContractManager, RoleMedicalAdvisor)
}
