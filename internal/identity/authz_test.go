package identity_test

import (
	"testing"

	"zorginkoop/internal/identity"
)

func principal(kind identity.OrgKind, roles ...identity.Role) identity.Principal {
	o := &identity.Organisation{ID: string(kind) + "-org", Kind: kind}
	switch kind {
	case identity.Insurer:
		o.Insurers = []string{"cz-groep"}
	case identity.Purchaser:
		o.Insurers = []string{"eucare", "aevitae"}
	case identity.Provider:
		o.Providers = []string{"kvk-x"}
	}
	return identity.Principal{User: &identity.User{ID: "u", OrgID: o.ID, Roles: roles}, Org: o}
}

func TestAuthorisationRules(t *testing.T) {
	var (
		anon        = identity.Anonymous
		czBuyer     = principal(identity.Insurer, identity.RoleBuyer)
		czMediator  = principal(identity.Insurer, identity.RoleCareMediator)
		caresqBuyer = principal(identity.Purchaser, identity.RoleBuyer)
		xAdmin      = principal(identity.Provider, identity.RoleAdmin)
		xFiller     = principal(identity.Provider, identity.RoleFiller)
		xSignatory  = principal(identity.Provider, identity.RoleSignatory, identity.RoleFiller)
		operator    = principal(identity.Operator, identity.RoleAdmin)
	)
	tests := []struct {
		rule string
		got  bool
		want bool
	}{
		{"a buyer assesses for its own insurer", czBuyer.MayAssess("cz-groep"), true},
		{"a buyer does not assess for another insurer", czBuyer.MayAssess("zorg-en-zekerheid"), false},
		{"a zorgbemiddelaar does not run assessments", czMediator.MayAssess("cz-groep"), false},
		{"a purchasing party assesses for the insurers it buys for", caresqBuyer.MayAssess("eucare"), true},
		{"a purchasing party does not assess for other insurers", caresqBuyer.MayAssess("cz-groep"), false},
		{"a provider reads its own assessment", xFiller.MayReadAssessmentOf("cz-groep", "kvk-x"), true},
		{"a provider does not read another provider's assessment", xFiller.MayReadAssessmentOf("cz-groep", "kvk-y"), false},
		{"anonymous reads no assessment", anon.MayReadAssessmentOf("cz-groep", "kvk-x"), false},
		{"insurer staff read the provider register", czMediator.MayReadProviderRegister(), true},
		{"a provider does not read the register", xAdmin.MayReadProviderRegister(), false},
		{"a provider reads its own record", xAdmin.MayReadProvider("kvk-x"), true},
		{"a provider does not read another record", xAdmin.MayReadProvider("kvk-y"), false},
		{"anonymous reads no provider record", anon.MayReadProvider("kvk-x"), false},
		{"an insurer reads facts kept for it", czBuyer.MayReadFact("kvk-y", "cz-groep"), true},
		{"an insurer does not read another insurer's revenue fact", czBuyer.MayReadFact("kvk-y", "zorg-en-zekerheid"), false},
		{"an insurer reads facts not kept per insurer", czBuyer.MayReadFact("kvk-y", ""), true},
		{"a provider reads every fact about itself", xFiller.MayReadFact("kvk-x", "zorg-en-zekerheid"), true},
		{"the provider's beheerder writes its record", xAdmin.MayWriteProvider("kvk-x"), true},
		{"an invuller does not write the record", xFiller.MayWriteProvider("kvk-x"), false},
		{"an insurer does not write provider records", czBuyer.MayWriteProvider("kvk-x"), false},
		{"the operator writes provider records", operator.MayWriteProvider("kvk-x"), true},
		{"a provider's beheerder writes its own declarations", xAdmin.MayWriteFact("kvk-x", "", identity.FactFromProvider), true},
		{"a provider does not write a fact for another provider", xAdmin.MayWriteFact("kvk-y", "", identity.FactFromProvider), false},
		{"an invuller does not write facts", xFiller.MayWriteFact("kvk-x", "", identity.FactFromProvider), false},
		{"a provider does not forge an insurer's fact", xAdmin.MayWriteFact("kvk-x", "", identity.FactFromInsurer), false},
		{"a provider does not forge a register fact", xAdmin.MayWriteFact("kvk-x", "", identity.FactFromRegister), false},
		{"a provider does not write a fact kept per insurer", xAdmin.MayWriteFact("kvk-x", "cz-groep", identity.FactFromProvider), false},
		{"an insurer's buyer writes the facts kept for it", czBuyer.MayWriteFact("kvk-x", "cz-groep", identity.FactFromInsurer), true},
		{"a purchasing party writes facts kept for the insurers it buys for", caresqBuyer.MayWriteFact("kvk-x", "aevitae", identity.FactFromInsurer), true},
		{"an insurer does not write another insurer's facts", czBuyer.MayWriteFact("kvk-x", "zorg-en-zekerheid", identity.FactFromInsurer), false},
		{"an insurer does not write facts shared by all insurers", czBuyer.MayWriteFact("kvk-x", "", identity.FactFromInsurer), false},
		{"a zorgbemiddelaar does not write insurer facts", czMediator.MayWriteFact("kvk-x", "cz-groep", identity.FactFromInsurer), false},
		{"the operator writes register facts", operator.MayWriteFact("kvk-x", "", identity.FactFromRegister), true},
		{"the operator writes facts kept per insurer", operator.MayWriteFact("kvk-x", "cz-groep", identity.FactFromProvider), true},
		{"only the tekenbevoegde decides on a contract", xSignatory.MayDecideOnContract("kvk-x"), true},
		{"the beheerder does not sign", xAdmin.MayDecideOnContract("kvk-x"), false},
		{"the tekenbevoegde does not sign for another provider", xSignatory.MayDecideOnContract("kvk-y"), false},
		{"a beheerder views its organisation's audit trail", xAdmin.MayViewAudit("provider-org"), true},
		{"a beheerder does not view another's trail", xAdmin.MayViewAudit("insurer-org"), false},
		{"only the operator views the whole trail", operator.MayViewAudit(""), true},
		{"a beheerder does not view the whole trail", xAdmin.MayViewAudit(""), false},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %v", tc.rule, tc.got)
		}
	}
}
