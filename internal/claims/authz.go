package claims

import "zorginkoop/internal/identity"

// The permission rules of claims, on identity's primitives. Claim files, claim lines,
// returns and insured persons are personal health data: on the insurer's side only its
// declaratiebeoordelaar and medisch adviseur read them. A principal that may not read
// something gets NotFound; one of the party that may read it but not do this, Forbidden.

// MayReadPersonal: the insurer's declaratiebeoordelaar and medisch adviseur, and the
// operator, read the insurer's insured persons, files, lines and returns.
func MayReadPersonal(p identity.Principal, insurer string) bool {
	return p.IsOperator() || p.ActsForInsurer(insurer) && p.Has(identity.RoleClaimsAssessor, identity.RoleMedicalAdvisor)
}

// MayUploadForInsurer: the insurer's declaratiebeoordelaar uploads claim files on its
// behalf (a batch from VECOZO) and imports insured persons.
func MayUploadForInsurer(p identity.Principal, insurer string) bool {
	return p.ActsForInsurer(insurer) && p.Has(identity.RoleClaimsAssessor)
}

// MayManageContracts: the insurer's contractbeheerder imports existing contracts and
// sets the percentages for non-contracted care.
func MayManageContracts(p identity.Principal, insurer string) bool {
	return p.ActsForInsurer(insurer) && p.Has(identity.RoleContractManager)
}

// MayDecide: the insurer's medisch adviseur decides authorisations.
func MayDecide(p identity.Principal, insurer string) bool {
	return p.ActsForInsurer(insurer) && p.Has(identity.RoleMedicalAdvisor)
}

// MayReadOverview: the insurer's inkoper, contractbeheerder, declaratiebeoordelaar and
// medisch adviseur, and the operator, read the aggregates (no persons).
func MayReadOverview(p identity.Principal, insurer string) bool {
	return p.IsOperator() || p.ActsForInsurer(insurer) && p.Has(identity.RoleBuyer, identity.RoleContractManager,
		identity.RoleClaimsAssessor, identity.RoleMedicalAdvisor)
}

// MayReadContracts: the execution contracts with their prices: the insurer's inkoper,
// contractbeheerder and declaratiebeoordelaar, and the operator.
func MayReadContracts(p identity.Principal, insurer string) bool {
	return p.IsOperator() || p.ActsForInsurer(insurer) && p.Has(identity.RoleBuyer, identity.RoleContractManager,
		identity.RoleClaimsAssessor)
}

// MayClaimFor: the provider's beheerder and contractmanager upload its claim files,
// read its files, lines, returns, authorisations and overview rows, and request
// authorisations.
func MayClaimFor(p identity.Principal, providerID string) bool {
	return p.ActsForProvider(providerID) && p.Has(identity.RoleAdmin, identity.RoleProviderContractManager)
}

// MayReadAuthorisations: the provider's claimers, the insurer's medisch adviseur and
// declaratiebeoordelaar, and the operator.
func MayReadAuthorisations(p identity.Principal, insurer, providerID string) bool {
	return MayClaimFor(p, providerID) || MayReadPersonal(p, insurer)
}

// isParty reports whether p works for the insurer or the provider (so a refusal is
// Forbidden rather than NotFound).
func isParty(p identity.Principal, insurer, providerID string) bool {
	return p.ActsForInsurer(insurer) || providerID != "" && p.ActsForProvider(providerID)
}
