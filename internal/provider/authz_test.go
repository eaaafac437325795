package provider_test

import (
	"testing"

	"zorginkoop/internal/identity"
	"zorginkoop/internal/identity/principaltest"
	"zorginkoop/internal/provider"
)

var principal = principaltest.Of

func TestAuthorisationRules(t *testing.T) {
	var (
		anon        = identity.Anonymous
		czBuyer     = principal(identity.Insurer, identity.RoleBuyer)
		czMediator  = principal(identity.Insurer, identity.RoleCareMediator)
		caresqBuyer = principal(identity.Purchaser, identity.RoleBuyer)
		xAdmin      = principal(identity.Provider, identity.RoleAdmin)
		xFiller     = principal(identity.Provider, identity.RoleFiller)
		operator    = principal(identity.Operator, identity.RoleAdmin)
	)
	const (
		fromProvider = provider.SourceProvider
		fromRegister = provider.SourceRegister
		fromInsurer  = provider.SourceInsurer
	)
	tests := []struct {
		rule string
		got  bool
		want bool
	}{
		{"insurer staff read the provider register", provider.MayReadRegister(czMediator), true},
		{"a provider does not read the register", provider.MayReadRegister(xAdmin), false},
		{"a provider reads its own record", provider.MayRead(xAdmin, "kvk-x"), true},
		{"a provider does not read another record", provider.MayRead(xAdmin, "kvk-y"), false},
		{"anonymous reads no provider record", provider.MayRead(anon, "kvk-x"), false},
		{"an insurer reads facts kept for it", provider.MayReadFact(czBuyer, "kvk-y", "cz-groep"), true},
		{"an insurer does not read another insurer's revenue fact", provider.MayReadFact(czBuyer, "kvk-y", "zorg-en-zekerheid"), false},
		{"an insurer reads facts not kept per insurer", provider.MayReadFact(czBuyer, "kvk-y", ""), true},
		{"a provider reads every fact about itself", provider.MayReadFact(xFiller, "kvk-x", "zorg-en-zekerheid"), true},
		{"the provider's beheerder writes its record", provider.MayWrite(xAdmin, "kvk-x"), true},
		{"an invuller does not write the record", provider.MayWrite(xFiller, "kvk-x"), false},
		{"an insurer does not write provider records", provider.MayWrite(czBuyer, "kvk-x"), false},
		{"the operator writes provider records", provider.MayWrite(operator, "kvk-x"), true},
		{"a provider's beheerder writes its own declarations", provider.MayWriteFact(xAdmin, "kvk-x", "", fromProvider), true},
		{"a provider does not write a fact for another provider", provider.MayWriteFact(xAdmin, "kvk-y", "", fromProvider), false},
		{"an invuller does not write facts", provider.MayWriteFact(xFiller, "kvk-x", "", fromProvider), false},
		{"a provider does not forge an insurer's fact", provider.MayWriteFact(xAdmin, "kvk-x", "", fromInsurer), false},
		{"a provider does not forge a register fact", provider.MayWriteFact(xAdmin, "kvk-x", "", fromRegister), false},
		{"a provider does not write a fact kept per insurer", provider.MayWriteFact(xAdmin, "kvk-x", "cz-groep", fromProvider), false},
		{"an insurer's buyer writes the facts kept for it", provider.MayWriteFact(czBuyer, "kvk-x", "cz-groep", fromInsurer), true},
		{"a purchasing party writes facts kept for the insurers it buys for", provider.MayWriteFact(caresqBuyer, "kvk-x", "aevitae", fromInsurer), true},
		{"an insurer does not write another insurer's facts", provider.MayWriteFact(czBuyer, "kvk-x", "zorg-en-zekerheid", fromInsurer), false},
		{"an insurer does not write facts shared by all insurers", provider.MayWriteFact(czBuyer, "kvk-x", "", fromInsurer), false},
		{"a zorgbemiddelaar does not write insurer facts", provider.MayWriteFact(czMediator, "kvk-x", "cz-groep", fromInsurer), false},
		{"the operator writes register facts", provider.MayWriteFact(operator, "kvk-x", "", fromRegister), true},
		{"the operator writes facts kept per insurer", provider.MayWriteFact(operator, "kvk-x", "cz-groep", fromProvider), true},
		{"a provider's beheerder asks for a part", provider.MayWritePart(xAdmin, "kvk-x", "cz-groep", fromProvider), true},
		{"an invuller does not ask for a part", provider.MayWritePart(xFiller, "kvk-x", "cz-groep", fromProvider), false},
		{"a provider does not ask for a part for another provider", provider.MayWritePart(xAdmin, "kvk-y", "cz-groep", fromProvider), false},
		{"a provider does not offer itself a part", provider.MayWritePart(xAdmin, "kvk-x", "cz-groep", fromInsurer), false},
		{"an insurer's buyer offers a part of its policy", provider.MayWritePart(czBuyer, "kvk-x", "cz-groep", fromInsurer), true},
		{"a purchasing party offers a part of a policy it buys for", provider.MayWritePart(caresqBuyer, "kvk-x", "aevitae", fromInsurer), true},
		{"an insurer does not offer a part of another insurer's policy", provider.MayWritePart(czBuyer, "kvk-x", "zorg-en-zekerheid", fromInsurer), false},
		{"an insurer does not ask for a part in the provider's name", provider.MayWritePart(czBuyer, "kvk-x", "cz-groep", fromProvider), false},
		{"a zorgbemiddelaar does not offer parts", provider.MayWritePart(czMediator, "kvk-x", "cz-groep", fromInsurer), false},
		{"a part choice by the register does not exist", provider.MayWritePart(czBuyer, "kvk-x", "cz-groep", fromRegister), false},
		{"the operator writes every part choice", provider.MayWritePart(operator, "kvk-x", "cz-groep", fromProvider), true},
		{"an insurer's buyer writes its contracts", provider.MayWriteContract(czBuyer, "cz-groep"), true},
		{"an insurer does not write another insurer's contracts", provider.MayWriteContract(czBuyer, "zorg-en-zekerheid"), false},
		{"a provider does not write its contracts", provider.MayWriteContract(xAdmin, "cz-groep"), false},
		{"the operator writes contracts", provider.MayWriteContract(operator, "cz-groep"), true},
		{"an insurer sees the part choices and contracts of its own", provider.MayReadDealing(czMediator, "kvk-y", "cz-groep"), true},
		{"an insurer does not see another insurer's", provider.MayReadDealing(czBuyer, "kvk-y", "zorg-en-zekerheid"), false},
		{"a purchasing party sees those of the insurers it buys for", provider.MayReadDealing(caresqBuyer, "kvk-y", "aevitae"), true},
		{"a provider sees all of its own", provider.MayReadDealing(xFiller, "kvk-x", "zorg-en-zekerheid"), true},
		{"a provider does not see another provider's", provider.MayReadDealing(xAdmin, "kvk-y", "cz-groep"), false},
		{"nobody but the provider and the operator sees one without an insurer", provider.MayReadDealing(czBuyer, "kvk-y", ""), false},
		{"anonymous sees none", provider.MayReadDealing(anon, "kvk-y", "cz-groep"), false},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %v", tc.rule, tc.got)
		}
	}
}
