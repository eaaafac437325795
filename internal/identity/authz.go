package identity

import "slices"

// The primitives the areas build their authorisation rules on (each area keeps its rules in
// its own authz.go: provider.MayRead, policy.MayWrite, assessment.MayAssess, ...), and
// identity's own rules about users and organisations (MayViewAudit is in principal.go). A
// service checks the rule for what it is about to do; a refusal of something the principal
// may not even know exists is a NotFound (see Hide), so that another tenant's objects do
// not leak.

// ForSomeInsurer reports whether rule holds for one of the insurers the principal acts
// for; the operator acts for all. It turns a rule about one insurer into "for at least
// one", for the navigation and for refusing early.
func (p Principal) ForSomeInsurer(rule func(insurerID string) bool) bool {
	if p.IsOperator() {
		return true
	}
	if p.IsAnonymous() {
		return false
	}
	return slices.ContainsFunc(p.Org.Insurers, rule)
}

// MayManageUsers reports whether the principal may add users to, and change the users of,
// the organisation: its beheerder, or the operator.
func (p Principal) MayManageUsers(orgID string) bool {
	return p.IsOperator() || p.OrgID() == orgID && p.Has(RoleAdmin)
}
