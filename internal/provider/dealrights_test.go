package provider_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"zorginkoop/internal/app"
	"zorginkoop/internal/apperr"
	"zorginkoop/internal/apptest"
	"zorginkoop/internal/provider"
)

// Who may write and read a provider's part choices and contracts, on both engines, with
// the tenants of the authorisation tests: provider Y asks A for a part of A's policy, A
// offers it that part, B offers it a part of B's policy, and Y has a contract with each.

// dealingsService is the provider service over the tenants' database, with parts for
// PolicyA and PolicyB whatever the shipped policy files hold.
func dealingsService(ts *apptest.Tenants) *provider.Service {
	ref := app.ProviderReference(ts.Env.Library)
	ref.Parts = func(id string) (string, []string, bool) {
		switch id {
		case apptest.PolicyA:
			return apptest.InsurerA, []string{"deel-a", "deel-a2"}, true
		case apptest.PolicyB:
			return apptest.InsurerB, []string{"deel-b"}, true
		}
		return "", nil, false
	}
	return provider.NewService(ts.Env.DB, ref, ts.Env.Audit, ts.Env.DB)
}

var (
	askA   = provider.PartChoice{Policy: apptest.PolicyA, Part: "deel-a", By: provider.SourceProvider}
	offerA = provider.PartChoice{Policy: apptest.PolicyA, Part: "deel-a", By: provider.SourceInsurer}
	offerB = provider.PartChoice{Policy: apptest.PolicyB, Part: "deel-b", By: provider.SourceInsurer}
	askB   = provider.PartChoice{Policy: apptest.PolicyB, Part: "deel-b", By: provider.SourceProvider}

	contractA = provider.Contract{Insurer: apptest.InsurerA, Policy: "cz-hz-mdz-2021", Parts: []string{"rsv-voetzorg"}, FirstYear: 2021, LastYear: 2022}
	contractB = provider.Contract{Insurer: apptest.InsurerB, Policy: "zz-hz-2020", FirstYear: 2020, LastYear: 2024}
)

// yWithDealings is Y's record in file notation with every part choice and contract.
func yWithDealings() provider.Provider {
	y := apptest.ProviderYFile()
	y.Parts = []provider.PartChoice{askA, offerA, offerB}
	y.Contracts = []provider.Contract{contractA, contractB}
	return y
}

func importDealings(t *testing.T, svc *provider.Service, ts *apptest.Tenants, actor string, ps ...provider.Provider) error {
	t.Helper()
	if err := svc.Normalize(ps, nil); err != nil {
		t.Fatalf("normalise: %v", err)
	}
	return svc.Import(context.Background(), who(ts, actor), ps, nil, nil)
}

// dealingsOnEngines runs fn on both engines after the operator stored yWithDealings.
func dealingsOnEngines(t *testing.T, fn func(t *testing.T, ts *apptest.Tenants, svc *provider.Service)) {
	onEngines(t, func(t *testing.T, ts *apptest.Tenants) {
		svc := dealingsService(ts)
		if err := importDealings(t, svc, ts, "operator", yWithDealings()); err != nil {
			t.Fatalf("the operator's import: %v", err)
		}
		fn(t, ts, svc)
	})
}

func choices(cs ...provider.PartChoice) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Policy+"/"+c.Part+"/"+string(c.By))
	}
	slices.Sort(out)
	return out
}

func contractsOf(cs ...provider.Contract) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Insurer+"/"+c.Policy)
	}
	slices.Sort(out)
	return out
}

func TestPartChoicesAndContractsAreSeenOnlyByTheProviderAndTheirInsurer(t *testing.T) {
	tests := []struct {
		actor     string
		parts     []provider.PartChoice
		contracts []provider.Contract
	}{
		{"a-inkoper", []provider.PartChoice{askA, offerA}, []provider.Contract{contractA}},
		{"a-zorgbemiddelaar", []provider.PartChoice{askA, offerA}, []provider.Contract{contractA}},
		{"a-inkooporganisatie", []provider.PartChoice{askA, offerA}, []provider.Contract{contractA}},
		{"b-inkoper", []provider.PartChoice{offerB}, []provider.Contract{contractB}},
		{"y-beheerder", []provider.PartChoice{askA, offerA, offerB}, []provider.Contract{contractA, contractB}},
		{"operator", []provider.PartChoice{askA, offerA, offerB}, []provider.Contract{contractA, contractB}},
	}
	dealingsOnEngines(t, func(t *testing.T, ts *apptest.Tenants, svc *provider.Service) {
		for _, tc := range tests {
			p, err := svc.Provider(context.Background(), who(ts, tc.actor), apptest.ProviderY)
			if err != nil {
				t.Fatalf("%s: %v", tc.actor, err)
			}
			if got, want := choices(p.Parts...), choices(tc.parts...); !slices.Equal(got, want) {
				t.Errorf("%s sees part choices %v, want %v", tc.actor, got, want)
			}
			if got, want := contractsOf(p.Contracts...), contractsOf(tc.contracts...); !slices.Equal(got, want) {
				t.Errorf("%s sees contracts %v, want %v", tc.actor, got, want)
			}
		}
		if _, err := svc.Provider(context.Background(), who(ts, "x-beheerder"), apptest.ProviderY); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("X reads Y's record: %v, want NotFound", err)
		}
	})
}

func TestAProviderKeepsTheInsurersOffersAndContractsWhenItReplacesItsRecord(t *testing.T) {
	dealingsOnEngines(t, func(t *testing.T, ts *apptest.Tenants, svc *provider.Service) {
		y := apptest.ProviderYFile()
		y.Facts = y.Facts[:2]
		y.Parts = []provider.PartChoice{askB} // asks B's part now, no longer A's
		y.Contracts = nil
		if err := importDealings(t, svc, ts, "y-beheerder", y); err != nil {
			t.Fatalf("Y replacing its own record: %v", err)
		}
		after := storedY(t, ts)
		if got, want := choices(after.Parts...), choices(askB, offerA, offerB); !slices.Equal(got, want) {
			t.Errorf("part choices after Y's import: %v, want %v", got, want)
		}
		if got, want := contractsOf(after.Contracts...), contractsOf(contractA, contractB); !slices.Equal(got, want) {
			t.Errorf("contracts after Y's import: %v, want %v", got, want)
		}
	})
}

func TestAProviderCannotForgeOffersOrContracts(t *testing.T) {
	// Each subtest edits a fresh record: Normalize changes the facts of the one it gets.
	with := func(edit func(y *provider.Provider)) func() provider.Provider {
		return func() provider.Provider {
			y := yWithDealings()
			edit(&y)
			return y
		}
	}
	tests := []struct {
		name  string
		p     func() provider.Provider
		field string
	}{
		{"an offer of A's part it was not offered", with(func(y *provider.Provider) {
			y.Parts = append(y.Parts, provider.PartChoice{Policy: apptest.PolicyA, Part: "deel-a2", By: provider.SourceInsurer})
		}), "parts[3]"},
		{"A's offer of one part changed into another", with(func(y *provider.Provider) { y.Parts[1].Part = "deel-a2" }), "parts[1]"},
		{"a contract's years changed", with(func(y *provider.Provider) { y.Contracts[1].LastYear = 2030 }), "contracts[1]"},
		{"a contract's parts changed", with(func(y *provider.Provider) { y.Contracts[0].Parts = []string{"rsv-voetzorg", "s3"} }), "contracts[0]"},
		{"a new contract", with(func(y *provider.Provider) {
			y.Contracts = append(y.Contracts, provider.Contract{Insurer: apptest.InsurerB, Policy: "zz-hz-2025", FirstYear: 2025, LastYear: 2026})
		}), "contracts[2]"},
	}
	dealingsOnEngines(t, func(t *testing.T, ts *apptest.Tenants, svc *provider.Service) {
		before := storedY(t, ts)
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				p := tc.p()
				p.Name = "Gewijzigd"
				err := importDealings(t, svc, ts, "y-beheerder", p)
				want := "provider " + apptest.ProviderY + ": " + tc.field
				if apperr.CodeOf(err) != apperr.Forbidden || !strings.Contains(err.Error(), want) {
					t.Fatalf("Import = %v, want Forbidden naming %s", err, want)
				}
				if e := apperr.Errors(err)[0]; !strings.Contains(e.Dutch, "Zorgaanbieder "+apptest.ProviderY) {
					t.Errorf("no Dutch text naming the provider: %q", e.Dutch)
				}
				after := storedY(t, ts)
				if after.Name != before.Name || !slices.Equal(choices(after.Parts...), choices(before.Parts...)) ||
					!slices.Equal(contractsOf(after.Contracts...), contractsOf(before.Contracts...)) {
					t.Errorf("something was written: %+v", after)
				}
			})
		}
		if entries := trail(t, ts, apptest.InsurerB); len(entries) == 0 || entries[0].Action != provider.ActionDealings || !entries[0].Denied {
			t.Errorf("B's trail does not show the attempt at its contract: %+v", entries[:min(len(entries), 1)])
		}
	})
}

func TestAProviderSendsItsPartsAndContractsBackUnchanged(t *testing.T) {
	dealingsOnEngines(t, func(t *testing.T, ts *apptest.Tenants, svc *provider.Service) {
		p, err := svc.Provider(context.Background(), who(ts, "y-beheerder"), apptest.ProviderY)
		if err != nil {
			t.Fatal(err)
		}
		if err := importDealings(t, svc, ts, "y-beheerder", provider.FileForm(ts.Env.Library.Facts, []provider.Provider{*p})...); err != nil {
			t.Fatalf("sending the record read back: %v", err)
		}
		after := storedY(t, ts)
		if len(after.Parts) != 3 || len(after.Contracts) != 2 {
			t.Errorf("after sending it back: %+v, %+v", after.Parts, after.Contracts)
		}
	})
}

// A part the policy does not have is refused by name, whoever imports.
func TestAPartThePolicyDoesNotHaveIsRefused(t *testing.T) {
	ts := tenants(t)
	svc := dealingsService(ts)
	y := apptest.ProviderYFile()
	y.Parts = []provider.PartChoice{{Policy: apptest.PolicyA, Part: "bestaat-niet", By: provider.SourceProvider}}
	err := svc.Normalize([]provider.Provider{y}, nil)
	want := `provider ` + apptest.ProviderY + `: parts[0].part: policy "` + apptest.PolicyA + `" has no part "bestaat-niet"`
	if apperr.CodeOf(err) != apperr.Invalid || err.Error() != want {
		t.Errorf("Normalize = %v, want %s", err, want)
	}
}

// What an import changes in the offers and contracts of an insurer is in that insurer's
// trail, counts and providers only; an import that changes none writes nothing there.
func TestTheInsurersOfferAndContractChangesAreInItsTrail(t *testing.T) {
	dealingsOnEngines(t, func(t *testing.T, ts *apptest.Tenants, svc *provider.Service) {
		y := yWithDealings()
		y.Parts = y.Parts[:2]          // B's offer withdrawn
		y.Contracts[1].LastYear = 2025 // B's contract extended
		beforeA := len(trail(t, ts, apptest.InsurerA))
		if err := importDealings(t, svc, ts, "operator", y); err != nil {
			t.Fatal(err)
		}
		entries := trail(t, ts, apptest.InsurerB)
		if len(entries) == 0 || entries[0].Action != provider.ActionDealings || entries[0].Denied {
			t.Fatalf("newest entry of B's trail: %+v", entries[:min(len(entries), 1)])
		}
		want := `{"insurer":"` + apptest.InsurerB + `","providers":1,"parts_added":0,"parts_removed":1,"contracts_added":0,"contracts_changed":1,"contracts_removed":0,"ids":["` + apptest.ProviderY + `"]}`
		if got := string(entries[0].After); got != want {
			t.Errorf("B's entry: %s, want %s", got, want)
		}
		for _, e := range trail(t, ts, apptest.InsurerA)[:len(trail(t, ts, apptest.InsurerA))-beforeA] {
			if e.Action == provider.ActionDealings {
				t.Errorf("A's trail has an entry for an import that changed none of A's: %+v", e)
			}
		}
	})
}
