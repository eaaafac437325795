package policy

import "zorginkoop/internal/identity"

// The authorisation rules of policies, built on identity's primitives. A draft the
// principal may not read is a NotFound (see NotFound), so that another tenant's drafts do
// not leak.

// MayRead reports whether actor may see c.
func MayRead(actor identity.Principal, c *Compiled) bool {
	return c.Status == Published || MayReadDraft(actor, c.Insurer)
}

// MayReadDraft reports whether p may see the insurer's policies that are still in draft:
// the insurer's side (its users and those of purchasing parties buying for it, whatever
// their role) and the operator. Published policies are public.
func MayReadDraft(p identity.Principal, insurerID string) bool {
	return p.IsOperator() || p.ActsForInsurer(insurerID)
}

// MayWrite reports whether p may upload, change and publish the insurer's policies: the
// inkoper and beheerder of the insurer or of a purchasing party buying for it, and the
// operator (who installs the shipped policies).
func MayWrite(p identity.Principal, insurerID string) bool {
	return p.IsOperator() || p.ActsForInsurer(insurerID) && p.Has(identity.RoleBuyer, identity.RoleAdmin)
}

// MayWriteSome reports whether p may write the policies of at least one insurer, so that
// others are refused before their file is even read.
func MayWriteSome(p identity.Principal) bool {
	return p.ForSomeInsurer(func(insurerID string) bool { return MayWrite(p, insurerID) })
}
