package identity_test

import (
	"testing"

	"zorginkoop/internal/identity"
	"zorginkoop/internal/identity/principaltest"
)

var principal = principaltest.Of

func TestAuthorisationRules(t *testing.T) {
	var (
		anon        = identity.Anonymous
		czBuyer     = principal(identity.Insurer, identity.RoleBuyer)
		caresqBuyer = principal(identity.Purchaser, identity.RoleBuyer)
		xAdmin      = principal(identity.Provider, identity.RoleAdmin)
		xFiller     = principal(identity.Provider, identity.RoleFiller)
		operator    = principal(identity.Operator, identity.RoleAdmin)
		isEucare    = func(insurerID string) bool { return insurerID == "eucare" }
	)
	tests := []struct {
		rule string
		got  bool
		want bool
	}{
		{"a beheerder views its organisation's audit trail", xAdmin.MayViewAudit("provider-org"), true},
		{"a beheerder does not view another's trail", xAdmin.MayViewAudit("insurer-org"), false},
		{"only the operator views the whole trail", operator.MayViewAudit(""), true},
		{"a beheerder does not view the whole trail", xAdmin.MayViewAudit(""), false},
		{"a beheerder manages its organisation's users", xAdmin.MayManageUsers("provider-org"), true},
		{"an invuller does not manage users", xFiller.MayManageUsers("provider-org"), false},
		{"a beheerder does not manage another organisation's users", xAdmin.MayManageUsers("insurer-org"), false},
		{"the operator manages every organisation's users", operator.MayManageUsers("insurer-org"), true},
		{"a rule holds for some insurer when it holds for one the principal buys for", caresqBuyer.ForSomeInsurer(isEucare), true},
		{"a rule holds for some insurer only among those the principal acts for", czBuyer.ForSomeInsurer(isEucare), false},
		{"the operator acts for every insurer", operator.ForSomeInsurer(isEucare), true},
		{"anonymous acts for no insurer", anon.ForSomeInsurer(isEucare), false},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %v", tc.rule, tc.got)
		}
	}
}
