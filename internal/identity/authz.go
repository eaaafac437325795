package identity

import "slices"

// The authorisation rules of the areas built so far, in one place. A service checks the
// rule for what it is about to do; a refusal of something the principal may not even know
// exists is a NotFound (see Hide), so that another tenant's objects do not leak.

// insurerStaff are the insurer roles that work on purchasing and its assessments.
var insurerStaff = []Role{RoleBuyer, RoleContractManager, RoleMedicalAdvisor, RoleAdmin}

// MayAssess reports whether the principal may run and read assessments of the insurer's
// policies: its buyers, contract managers, medical advisers and administrators, and the
// operator (who runs them from the command line and supports insurers; it may read every
// fact already, see MayReadFact).
func (p Principal) MayAssess(insurerID string) bool {
	return p.IsOperator() || p.ActsForInsurer(insurerID) && p.Has(insurerStaff...)
}

// MayAssessSome reports whether the principal may assess the policies of at least one
// insurer: what the navigation asks to show "Beoordelingen".
func (p Principal) MayAssessSome() bool { return p.forSomeInsurer(p.MayAssess) }

// MayWriteSomePolicy reports whether the principal may write the policies of at least one
// insurer, so that others are refused before their file is even read.
func (p Principal) MayWriteSomePolicy() bool { return p.forSomeInsurer(p.MayWritePolicy) }

// forSomeInsurer reports whether rule holds for one of the insurers the principal acts
// for; the operator acts for all.
func (p Principal) forSomeInsurer(rule func(insurerID string) bool) bool {
	if p.IsOperator() {
		return true
	}
	if p.IsAnonymous() {
		return false
	}
	return slices.ContainsFunc(p.Org.Insurers, rule)
}

// MayReadAssessmentOf reports whether the principal may read the assessment of one
// provider under the insurer's policy: the insurer's staff, or the provider itself.
func (p Principal) MayReadAssessmentOf(insurerID, providerID string) bool {
	return p.MayAssess(insurerID) || p.ActsForProvider(providerID)
}

// MayReadProviderRegister reports whether the principal may list and read every provider
// record: insurer and purchasing-party users (who see only their own insurers' per-insurer
// facts, see MayReadFact) and the operator.
func (p Principal) MayReadProviderRegister() bool {
	k := p.Kind()
	return k == Insurer || k == Purchaser || p.IsOperator()
}

// MayReadProvider reports whether the principal may read the provider record.
func (p Principal) MayReadProvider(providerID string) bool {
	return p.MayReadProviderRegister() || p.ActsForProvider(providerID)
}

// MayReadFact reports whether the principal may see a fact about a provider it may read:
// facts kept per insurer (revenue, market share, contract history with that insurer) are
// competition-sensitive and visible only to that insurer's side, the provider and the
// operator.
func (p Principal) MayReadFact(providerID, factInsurer string) bool {
	return factInsurer == "" || p.IsOperator() || p.ActsForProvider(providerID) || p.ActsForInsurer(factInsurer)
}

// MayWriteProvider reports whether the principal may import or replace the provider record:
// the operator, or the provider organisation's beheerder for its own records.
func (p Principal) MayWriteProvider(providerID string) bool {
	return p.IsOperator() || p.ActsForProvider(providerID) && p.Has(RoleAdmin)
}

// MayManageUsers reports whether the principal may add users to, and change the users of,
// the organisation: its beheerder, or the operator.
func (p Principal) MayManageUsers(orgID string) bool {
	return p.IsOperator() || p.OrgID() == orgID && p.Has(RoleAdmin)
}

// MayDecideOnContract reports whether the principal may accept, reject or sign a contract
// proposal for the provider: only its tekenbevoegde, as registered in the KvK.
func (p Principal) MayDecideOnContract(providerID string) bool {
	return p.ActsForProvider(providerID) && p.Has(RoleSignatory)
}

// MayReadDraftPolicy reports whether the principal may see the insurer's policies that are
// still in draft: the insurer's side (its users and those of purchasing parties buying for
// it, whatever their role) and the operator. Published policies are public.
func (p Principal) MayReadDraftPolicy(insurerID string) bool {
	return p.IsOperator() || p.ActsForInsurer(insurerID)
}

// MayWritePolicy reports whether the principal may upload, change and publish the insurer's
// policies: the inkoper and beheerder of the insurer or of a purchasing party buying for it,
// and the operator (who installs the shipped policies).
func (p Principal) MayWritePolicy(insurerID string) bool {
	return p.IsOperator() || p.ActsForInsurer(insurerID) && p.Has(RoleBuyer, RoleAdmin)
}

// Fact sources as MayWriteFact takes them; provider.Source has the same values.
const (
	FactFromProvider = "aanbieder"
	FactFromRegister = "register"
	FactFromInsurer  = "verzekeraar"
)

// MayWriteFact reports whether the principal may write (add, change or remove) a fact
// about the provider with the given source, kept for factInsurer ("" for a fact not kept
// per insurer):
//   - the operator writes every fact; it alone writes facts from the register (KvK, AGB,
//     BIG, IGJ imports) and facts from insurers' shared data that are not kept per insurer
//     (e.g. the fraud register), since those are read by every insurer;
//   - the provider's beheerder writes its own declarations: source "aanbieder", not kept
//     per insurer;
//   - a fact kept per insurer (revenue, market share, contract history, that insurer's
//     judgements) is the insurer's: its purchasing staff and those of purchasing parties
//     buying for it write it, with source "verzekeraar". A provider never writes one, not
//     even for itself: it would change what another party's assessment rests on.
func (p Principal) MayWriteFact(providerID, factInsurer, source string) bool {
	switch {
	case p.IsOperator():
		return true
	case factInsurer != "":
		return source == FactFromInsurer && p.ActsForInsurer(factInsurer) && p.Has(RoleBuyer, RoleContractManager, RoleAdmin)
	}
	return source == FactFromProvider && p.ActsForProvider(providerID) && p.Has(RoleAdmin)
}
