package policy_test

import (
	"testing"

	"zorginkoop/internal/identity"
	"zorginkoop/internal/identity/principaltest"
	"zorginkoop/internal/policy"
)

var principal = principaltest.Of

func TestAuthorisationRules(t *testing.T) {
	var (
		anon        = identity.Anonymous
		czBuyer     = principal(identity.Insurer, identity.RoleBuyer)
		czMediator  = principal(identity.Insurer, identity.RoleCareMediator)
		caresqAdmin = principal(identity.Purchaser, identity.RoleAdmin)
		xAdmin      = principal(identity.Provider, identity.RoleAdmin)
		operator    = principal(identity.Operator, identity.RoleAdmin)
		draft       = &policy.Compiled{Policy: &policy.Policy{Insurer: "cz-groep"}, Status: policy.Draft}
		published   = &policy.Compiled{Policy: &policy.Policy{Insurer: "cz-groep"}, Status: policy.Published}
	)
	tests := []struct {
		rule string
		got  bool
		want bool
	}{
		{"anyone reads a published policy", policy.MayRead(anon, published), true},
		{"anonymous reads no draft", policy.MayRead(anon, draft), false},
		{"a provider reads no draft", policy.MayRead(xAdmin, draft), false},
		{"the insurer's side reads its drafts, whatever its role", policy.MayRead(czMediator, draft), true},
		{"a purchasing party does not read the drafts of an insurer it does not buy for", policy.MayReadDraft(caresqAdmin, "cz-groep"), false},
		{"the operator reads every draft", policy.MayReadDraft(operator, "cz-groep"), true},
		{"a buyer writes its insurer's policies", policy.MayWrite(czBuyer, "cz-groep"), true},
		{"a buyer does not write another insurer's policies", policy.MayWrite(czBuyer, "eucare"), false},
		{"a zorgbemiddelaar does not write policies", policy.MayWrite(czMediator, "cz-groep"), false},
		{"a purchasing party's beheerder writes for the insurers it buys for", policy.MayWrite(caresqAdmin, "eucare"), true},
		{"the operator writes every insurer's policies", policy.MayWrite(operator, "cz-groep"), true},
		{"a buyer writes some insurer's policies", policy.MayWriteSome(czBuyer), true},
		{"a zorgbemiddelaar writes no insurer's policies", policy.MayWriteSome(czMediator), false},
		{"a provider writes no insurer's policies", policy.MayWriteSome(xAdmin), false},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %v", tc.rule, tc.got)
		}
	}
}
