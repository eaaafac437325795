package pricelist

import "zorginkoop/internal/identity"

// The authorisation rules of price lists. Prices are competition-sensitive: of the
// parties of a dossier only the staff who negotiate or sign see them.
//
//   - Who is no party of the dossier (another insurer, another provider, anyone else) does
//     not learn that it exists: NotFound. The operator is no party either, but may read.
//   - Insurer side: the inkoper and the contractbeheerder read, propose, counter and
//     accept. The medisch adviseur, zorgbemiddelaar, declaratiebeoordelaar and the
//     insurer's beheerder are parties but see no prices: Forbidden.
//   - Provider side: the beheerder and the contractmanager read, counter and accept; the
//     tekenbevoegde reads (they sign the contract with the agreed prices) but does not
//     negotiate. The invuller sees no prices: Forbidden.

// IsParty reports whether p works for a party of the dossier (or is the operator): for
// anyone else the dossier's price lists do not exist.
func IsParty(p identity.Principal, d Dossier) bool {
	return p.IsOperator() || p.ActsForInsurer(d.Insurer) || p.ActsForProvider(d.ProviderID)
}

// MayRead reports whether p may see the dossier's price lists, their history and
// download them.
func MayRead(p identity.Principal, d Dossier) bool {
	switch {
	case p.IsOperator():
		return true
	case p.ActsForInsurer(d.Insurer):
		return p.Has(identity.RoleBuyer, identity.RoleContractManager)
	case p.ActsForProvider(d.ProviderID):
		return p.Has(identity.RoleAdmin, identity.RoleProviderContractManager, identity.RoleSignatory)
	}
	return false
}

// MayPropose reports whether p may make the first proposal of a price list: the insurer's
// inkoper or contractbeheerder.
func MayPropose(p identity.Principal, d Dossier) bool {
	return p.ActsForInsurer(d.Insurer) && p.Has(identity.RoleBuyer, identity.RoleContractManager)
}

// MayNegotiate reports whether p may counter or accept, and for which side: the insurer's
// inkoper or contractbeheerder, the provider's beheerder or contractmanager. The operator
// does not negotiate for a party.
func MayNegotiate(p identity.Principal, d Dossier) (Side, bool) {
	switch {
	case MayPropose(p, d):
		return SideInsurer, true
	case p.ActsForProvider(d.ProviderID) && p.Has(identity.RoleAdmin, identity.RoleProviderContractManager):
		return SideProvider, true
	}
	return "", false
}
