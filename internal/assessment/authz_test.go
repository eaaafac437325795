package assessment_test

import (
	"testing"

	"zorginkoop/internal/assessment"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/identity/principaltest"
)

var principal = principaltest.Of

func TestAuthorisationRules(t *testing.T) {
	var (
		anon        = identity.Anonymous
		czBuyer     = principal(identity.Insurer, identity.RoleBuyer)
		czMediator  = principal(identity.Insurer, identity.RoleCareMediator)
		caresqBuyer = principal(identity.Purchaser, identity.RoleBuyer)
		xFiller     = principal(identity.Provider, identity.RoleFiller)
		operator    = principal(identity.Operator, identity.RoleAdmin)
	)
	tests := []struct {
		rule string
		got  bool
		want bool
	}{
		{"a buyer assesses for its own insurer", assessment.MayAssess(czBuyer, "cz-groep"), true},
		{"a buyer does not assess for another insurer", assessment.MayAssess(czBuyer, "zorg-en-zekerheid"), false},
		{"a zorgbemiddelaar does not run assessments", assessment.MayAssess(czMediator, "cz-groep"), false},
		{"a purchasing party assesses for the insurers it buys for", assessment.MayAssess(caresqBuyer, "eucare"), true},
		{"a purchasing party does not assess for other insurers", assessment.MayAssess(caresqBuyer, "cz-groep"), false},
		{"the operator assesses for every insurer", assessment.MayAssess(operator, "cz-groep"), true},
		{"a buyer assesses for some insurer", assessment.MayAssessSome(czBuyer), true},
		{"a zorgbemiddelaar assesses for no insurer", assessment.MayAssessSome(czMediator), false},
		{"a provider assesses for no insurer", assessment.MayAssessSome(xFiller), false},
		{"a provider reads its own assessment", assessment.MayReadOf(xFiller, "cz-groep", "kvk-x"), true},
		{"a provider does not read another provider's assessment", assessment.MayReadOf(xFiller, "cz-groep", "kvk-y"), false},
		{"anonymous reads no assessment", assessment.MayReadOf(anon, "cz-groep", "kvk-x"), false},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %v", tc.rule, tc.got)
		}
	}
}
