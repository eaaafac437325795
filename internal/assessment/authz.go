package assessment

import "zorginkoop/internal/identity"

// The authorisation rules of assessments, built on identity's primitives.

// insurerStaff are the insurer roles that work on purchasing and its assessments.
var insurerStaff = []identity.Role{identity.RoleBuyer, identity.RoleContractManager, identity.RoleMedicalAdvisor, identity.RoleAdmin}

// MayAssess reports whether p may run and read assessments of the insurer's policies: its
// buyers, contract managers, medical advisers and administrators, and the operator (who
// runs them from the command line and supports insurers; it may read every fact already,
// see provider.MayReadFact).
func MayAssess(p identity.Principal, insurerID string) bool {
	return p.IsOperator() || p.ActsForInsurer(insurerID) && p.Has(insurerStaff...)
}

// MayAssessSome reports whether p may assess the policies of at least one insurer: what
// the navigation asks to show "Beoordelingen".
func MayAssessSome(p identity.Principal) bool {
	return p.ForSomeInsurer(func(insurerID string) bool { return MayAssess(p, insurerID) })
}

// MayReadOf reports whether p may read the assessment of one provider under the insurer's
// policy: the insurer's staff, or the provider itself.
func MayReadOf(p identity.Principal, insurerID, providerID string) bool {
	return MayAssess(p, insurerID) || p.ActsForProvider(providerID)
}
