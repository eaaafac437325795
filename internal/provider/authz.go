package provider

import "zorginkoop/internal/identity"

// The authorisation rules of the provider register, built on identity's primitives. A
// refusal of a record the principal may not read is a NotFound, so that it does not leak.

// MayReadRegister reports whether p may list and read every provider record: insurer and
// purchasing-party users (who see only their own insurers' per-insurer facts, see
// MayReadFact) and the operator.
func MayReadRegister(p identity.Principal) bool {
	k := p.Kind()
	return k == identity.Insurer || k == identity.Purchaser || p.IsOperator()
}

// MayRead reports whether p may read the provider record.
func MayRead(p identity.Principal, providerID string) bool {
	return MayReadRegister(p) || p.ActsForProvider(providerID)
}

// MayReadFact reports whether p may see a fact about a provider it may read: facts kept
// per insurer (revenue, market share, contract history with that insurer) are
// competition-sensitive and visible only to that insurer's side, the provider and the
// operator.
func MayReadFact(p identity.Principal, providerID, factInsurer string) bool {
	return factInsurer == "" || p.IsOperator() || p.ActsForProvider(providerID) || p.ActsForInsurer(factInsurer)
}

// MayWrite reports whether p may import or replace the provider record: the operator, or
// the provider organisation's beheerder for its own records.
func MayWrite(p identity.Principal, providerID string) bool {
	return p.IsOperator() || p.ActsForProvider(providerID) && p.Has(identity.RoleAdmin)
}

// MayWriteFact reports whether p may write (add, change or remove) a fact about the
// provider with the given source, kept for factInsurer ("" for a fact not kept per
// insurer):
//   - the operator writes every fact; it alone writes facts from the register (KvK, AGB,
//     BIG, IGJ imports) and facts from insurers' shared data that are not kept per insurer
//     (e.g. the fraud register), since those are read by every insurer;
//   - the provider's beheerder writes its own declarations: source "aanbieder", not kept
//     per insurer;
//   - a fact kept per insurer (revenue, market share, contract history, that insurer's
//     judgements) is the insurer's: its purchasing staff and those of purchasing parties
//     buying for it write it, with source "verzekeraar". A provider never writes one, not
//     even for itself: it would change what another party's assessment rests on.
func MayWriteFact(p identity.Principal, providerID, factInsurer string, source Source) bool {
	switch {
	case p.IsOperator():
		return true
	case factInsurer != "":
		return source == SourceInsurer && mayWriteForInsurer(p, factInsurer)
	}
	return source == SourceProvider && p.ActsForProvider(providerID) && p.Has(identity.RoleAdmin)
}

// MayReadDealing reports whether p may see a provider's part choice or contract with an
// insurer (for a part choice: the insurer of its policy): the provider itself, that
// insurer's side and the operator. Which parts a provider asked another insurer for, and
// its contracts with another insurer, are competition-sensitive like that insurer's facts.
func MayReadDealing(p identity.Principal, providerID, insurer string) bool {
	return p.IsOperator() || p.ActsForProvider(providerID) || insurer != "" && p.ActsForInsurer(insurer)
}

// MayWritePart reports whether p may write (add, change or remove) a provider's choice of a
// part of a policy of insurer, made by by:
//   - the operator writes every choice;
//   - a part the provider asks for (by aanbieder) is the provider's own declaration: its
//     beheerder writes it, as its own facts;
//   - a part the insurer offers (by verzekeraar) is the insurer's: the staff of that
//     insurer who write its facts (buyers, contract managers, beheerders, also of a
//     purchasing party buying for it) write it. A provider never offers itself a part.
func MayWritePart(p identity.Principal, providerID, insurer string, by Source) bool {
	switch {
	case p.IsOperator():
		return true
	case by == SourceProvider:
		return p.ActsForProvider(providerID) && p.Has(identity.RoleAdmin)
	case by == SourceInsurer:
		return mayWriteForInsurer(p, insurer)
	}
	return false
}

// MayWriteContract reports whether p may write a provider's contract with insurer: that
// insurer's side (as MayWritePart for an offered part) and the operator, never the
// provider: a running contract exempts it from a policy's conditions for newcomers.
func MayWriteContract(p identity.Principal, insurer string) bool {
	return p.IsOperator() || mayWriteForInsurer(p, insurer)
}

// mayWriteForInsurer: the insurer's staff who write what it keeps about providers.
func mayWriteForInsurer(p identity.Principal, insurer string) bool {
	return insurer != "" && p.ActsForInsurer(insurer) &&
		p.Has(identity.RoleBuyer, identity.RoleContractManager, identity.RoleAdmin)
}

// MayDelete reports whether p may remove provider records from the register: the operator
// only. A provider's own beheerder replaces its records but does not remove them, since
// insurers' facts and assessments refer to them.
func MayDelete(p identity.Principal) bool {
	return p.IsOperator()
}
