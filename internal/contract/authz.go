package contract

import "zorginkoop/internal/identity"

// The permission rules of contracts, on identity's primitives.

// mayRead: the parties of the contract and the operator. Others get NotFound.
func mayRead(p identity.Principal, insurer, providerID string) bool {
	return p.IsOperator() || p.ActsForInsurer(insurer) || p.ActsForProvider(providerID)
}

// mayReadTerms: of the parties, those who may see the contract's prices, as for its price
// lists (pricelist.MayRead): the insurer's inkoper and contractbeheerder, the provider's
// beheerder, contractmanager and tekenbevoegde (who reads what it signs), and the
// operator. The contract carries the agreed tariffs, which are competition-sensitive.
func mayReadTerms(p identity.Principal, insurer, providerID string) bool {
	switch {
	case p.IsOperator():
		return true
	case p.ActsForInsurer(insurer):
		return p.Has(identity.RoleBuyer, identity.RoleContractManager)
	case p.ActsForProvider(providerID):
		return p.Has(identity.RoleAdmin, identity.RoleProviderContractManager, identity.RoleSignatory)
	}
	return false
}

// mayGenerate: the insurer's inkoper or contractbeheerder.
func mayGenerate(p identity.Principal, insurer string) bool {
	return p.ActsForInsurer(insurer) && p.Has(identity.RoleBuyer, identity.RoleContractManager)
}

// signingSide is the side the principal signs for, and whether it holds the role that
// may sign: for the provider only its tekenbevoegde, for the insurer its
// contractbeheerder (insurer organisations have no tekenbevoegde role; the
// contractbeheerder is the role that manages and concludes contracts). ok is false for a
// principal of neither party.
func signingSide(p identity.Principal, c *Contract) (side Side, allowed, ok bool) {
	switch {
	case p.ActsForProvider(c.ProviderID):
		return ProviderSide, p.Has(identity.RoleSignatory), true
	case p.ActsForInsurer(c.Insurer):
		return InsurerSide, p.Has(identity.RoleContractManager), true
	}
	return "", false, false
}
