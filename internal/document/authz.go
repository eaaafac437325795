package document

import "zorginkoop/internal/identity"

// The authorisation rules of documents, built on identity's primitives. A document of a
// dossier the principal may not read does not exist for it (NotFound).

// MayRead reports whether p may see the dossier's documents: its parties (the insurer's
// side and the provider) and the operator.
func MayRead(p identity.Principal, d Dossier) bool {
	return p.IsOperator() || p.ActsForProvider(d.ProviderID) || p.HandlesDossiersOf(d.Insurer)
}

// UploadSide returns the side p uploads for in the dossier, and false when p may not
// upload: the provider's beheerder, contractmanager and invuller; the insurer's inkoper,
// contractbeheerder and medisch adviseur (also of a purchasing party buying for it).
func UploadSide(p identity.Principal, d Dossier) (Side, bool) {
	switch {
	case p.ActsForProvider(d.ProviderID) && p.Has(identity.RoleAdmin, identity.RoleProviderContractManager, identity.RoleFiller):
		return SideProvider, true
	case p.ActsForInsurer(d.Insurer) && p.Has(identity.RoleBuyer, identity.RoleContractManager, identity.RoleMedicalAdvisor):
		return SideInsurer, true
	}
	return "", false
}
