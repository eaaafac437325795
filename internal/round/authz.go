package round

import "zorginkoop/internal/identity"

// The authorisation rules of the round, built on identity's primitives. A principal that
// may not read a dossier gets NotFound; one that may read it but not act, Forbidden.

// MayReadDossier reports whether p may read the dossier: the insurer's inkoper,
// contractbeheerder and medisch adviseur, the provider's users, and the operator.
func MayReadDossier(p identity.Principal, insurer, providerID string) bool {
	return p.IsOperator() || MayReadAsInsurer(p, insurer) ||
		p.ActsForProvider(providerID) && p.Has(identity.RoleAdmin, identity.RoleProviderContractManager, identity.RoleFiller, identity.RoleSignatory)
}

// MayReadAsInsurer reports whether p reads the insurer's rounds and dossiers.
func MayReadAsInsurer(p identity.Principal, insurer string) bool {
	return p.HandlesDossiersOf(insurer)
}

// MayRunRound reports whether p opens rounds, decides, offers and extends deadlines for
// the insurer: its inkoper.
func MayRunRound(p identity.Principal, insurer string) bool {
	return p.ActsForInsurer(insurer) && p.Has(identity.RoleBuyer)
}

// MayApply reports whether p applies and submits quotes for the provider: its beheerder
// or contractmanager.
func MayApply(p identity.Principal, providerID string) bool {
	return p.ActsForProvider(providerID) && p.Has(identity.RoleAdmin, identity.RoleProviderContractManager)
}

// MayReadRound reports whether p sees a round's dates: the insurer's side, the operator,
// and every provider user (a round of a published policy is open to apply to).
func MayReadRound(p identity.Principal, insurer string) bool {
	return p.IsOperator() || MayReadAsInsurer(p, insurer) || p.Kind() == identity.Provider
}
