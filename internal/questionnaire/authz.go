package questionnaire

import "zorginkoop/internal/identity"

// The authorisation rules of the questionnaire, built on identity's primitives. The
// parties of a dossier are its insurer's side and its provider; for anyone else (but the
// operator, who reads) the dossier does not exist: NotFound, not Forbidden.

// MayRead reports whether p may read the dossier's questionnaire, answers and outcome:
// the provider, the insurer's staff who handle dossiers (HandlesDossiersOf) and the operator.
func MayRead(p identity.Principal, d Dossier) bool {
	return p.IsOperator() || p.ActsForProvider(d.ProviderID) || p.HandlesDossiersOf(d.Insurer)
}

// MayAnswer reports whether p may save draft answers and attach evidence: the provider's
// invuller, beheerder and contractmanager.
func MayAnswer(p identity.Principal, d Dossier) bool {
	return p.ActsForProvider(d.ProviderID) &&
		p.Has(identity.RoleFiller, identity.RoleAdmin, identity.RoleProviderContractManager)
}

// MaySubmit reports whether p may submit the questionnaire, declaring its answers as the
// provider's facts: the provider's beheerder only (who alone writes its declarations, see
// provider.MayWriteFact).
func MaySubmit(p identity.Principal, d Dossier) bool {
	return p.ActsForProvider(d.ProviderID) && p.Has(identity.RoleAdmin)
}

// MayReadReviews reports whether p may list the review items with their state: the
// insurer's side and the operator. The provider sees the handled outcome in the result.
func MayReadReviews(p identity.Principal, d Dossier) bool {
	return p.IsOperator() || p.HandlesDossiersOf(d.Insurer)
}

// MayHandleReview reports whether p may decide a review item: the insurer's medisch
// adviseur.
func MayHandleReview(p identity.Principal, d Dossier) bool {
	return p.ActsForInsurer(d.Insurer) && p.Has(identity.RoleMedicalAdvisor)
}
