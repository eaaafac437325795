package provider_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/apptest"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/provider"
	"zorginkoop/internal/store/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// Who may write which fact, on both engines, with the tenants of the authorisation tests:
// provider Y (hap-ypsilon) carries revenue facts that insurers A and B keep about it.

func onEngines(t *testing.T, fn func(t *testing.T, ts *apptest.Tenants)) {
	for _, engine := range apptest.Engines {
		t.Run(engine, func(t *testing.T) { fn(t, apptest.NewTenants(t, apptest.Open(t, engine))) })
	}
}

// importAs normalises ps (file notation) and imports them as actor.
func importAs(t *testing.T, ts *apptest.Tenants, actor string, ps ...provider.Provider) error {
	t.Helper()
	if err := ts.Env.Providers.Normalize(ps, nil); err != nil {
		t.Fatalf("normalise: %v", err)
	}
	return ts.Env.Providers.Import(context.Background(), who(ts, actor), ps, nil, nil)
}

func storedY(t *testing.T, ts *apptest.Tenants) *provider.Provider {
	t.Helper()
	y, err := ts.Env.DB.Provider(context.Background(), apptest.ProviderY)
	if err != nil {
		t.Fatal(err)
	}
	return y
}

func factsOf(p *provider.Provider, key string) map[string]provider.Fact {
	out := map[string]provider.Fact{}
	for _, f := range p.Facts {
		if f.Key == key {
			out[f.Insurer] = f
		}
	}
	return out
}

func trail(t *testing.T, ts *apptest.Tenants, scope string) []audit.Entry {
	t.Helper()
	entries, err := ts.Env.DB.AuditEntries(context.Background(), audit.Filter{OrgID: "-", Scopes: []string{scope}})
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

func TestAProviderCannotDropTheInsurersFactsByReplacingItsRecord(t *testing.T) {
	onEngines(t, func(t *testing.T, ts *apptest.Tenants) {
		before := factsOf(storedY(t, ts), "omzet_verzekeraar")
		y := apptest.ProviderYFile()
		y.Name = "Huisartsenpraktijk Ypsilon BV"
		y.Facts = y.Facts[:2] // without the facts that carry an insurer
		if err := importAs(t, ts, "y-beheerder", y); err != nil {
			t.Fatalf("Y replacing its own record: %v", err)
		}
		after := storedY(t, ts)
		if after.Name != "Huisartsenpraktijk Ypsilon BV" {
			t.Errorf("the record was not replaced: %q", after.Name)
		}
		got := factsOf(after, "omzet_verzekeraar")
		if len(got) != 2 || got[apptest.InsurerA] != before[apptest.InsurerA] || got[apptest.InsurerB] != before[apptest.InsurerB] {
			t.Errorf("insurers' revenue facts after Y's import: %+v, want %+v", got, before)
		}
		if len(factsOf(after, "big_registratie_huisarts")) != 1 {
			t.Errorf("Y's own declarations were not written: %+v", after.Facts)
		}
	})
}

func TestAProviderCannotForgeAnInsurersFact(t *testing.T) {
	forged := func(f provider.Fact) provider.Provider {
		y := apptest.ProviderYFile()
		y.Facts = append(y.Facts, f)
		return y
	}
	changedRevenue := apptest.ProviderYFile()
	changedRevenue.Facts[2].Value = "1,00"
	tests := []struct {
		name string
		p    provider.Provider
		want string
	}{
		{"a fact with source verzekeraar", forged(provider.Fact{Key: "zkn_lid", Value: "ja", Source: provider.SourceInsurer, Date: "2021-06-01"}), "zkn_lid"},
		{"a fact with source register", forged(provider.Fact{Key: "zkn_lid", Value: "ja", Source: provider.SourceRegister, Date: "2021-06-01"}), "zkn_lid"},
		{"another insurer's fact", forged(provider.Fact{Key: "contract_vorig_jaar", Insurer: apptest.InsurerB, Value: "ja",
			Source: provider.SourceInsurer, Date: "2021-06-01"}), "contract_vorig_jaar (verzekeraar " + apptest.InsurerB + ")"},
		{"a fact kept per insurer as its own declaration", forged(provider.Fact{Key: "contract_vorig_jaar", Insurer: apptest.InsurerA, Value: "ja",
			Date: "2021-06-01"}), "contract_vorig_jaar"},
		{"a changed value of an insurer's fact", changedRevenue, "omzet_verzekeraar (verzekeraar " + apptest.InsurerA + ")"},
	}
	onEngines(t, func(t *testing.T, ts *apptest.Tenants) {
		before := storedY(t, ts)
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				p := tc.p
				p.Name = "Gewijzigd"
				err := importAs(t, ts, "y-beheerder", p)
				if apperr.CodeOf(err) != apperr.Forbidden || !strings.Contains(err.Error(), apptest.ProviderY) || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("Import = %v, want Forbidden naming %s and %s", err, apptest.ProviderY, tc.want)
				}
				if e := apperr.Errors(err)[0]; !strings.Contains(e.Dutch, "Zorgaanbieder "+apptest.ProviderY) {
					t.Errorf("no Dutch text naming the provider: %q", e.Dutch)
				}
				after := storedY(t, ts)
				if after.Name != before.Name || len(after.Facts) != len(before.Facts) {
					t.Errorf("something was written: %+v", after)
				}
				entries := trail(t, ts, apptest.OrgY)
				if len(entries) == 0 || !entries[0].Denied || !strings.Contains(entries[0].Reason, tc.want) {
					t.Errorf("the refusal is not in Y's trail: %+v", entries[:min(len(entries), 1)])
				}
			})
		}
		if entries := trail(t, ts, apptest.InsurerB); len(entries) == 0 || entries[0].Action != "provider.facts" || !entries[0].Denied {
			t.Errorf("B's trail does not show the attempt at its fact: %+v", entries[:min(len(entries), 1)])
		}
	})
}

func TestTheInsurersFactChangesAreInItsTrail(t *testing.T) {
	onEngines(t, func(t *testing.T, ts *apptest.Tenants) {
		y := apptest.ProviderYFile()
		y.Facts[2].Value = "1,00" // A's revenue changes
		y.Facts = append(y.Facts[:3], provider.Fact{Key: "contract_vorig_jaar", Insurer: apptest.InsurerA, Value: "ja",
			Source: provider.SourceInsurer, Date: "2021-06-01"}) // one fact added for A, B's revenue removed
		if err := importAs(t, ts, "operator", y); err != nil {
			t.Fatalf("the operator's import: %v", err)
		}
		after := storedY(t, ts)
		if _, ok := factsOf(after, "omzet_verzekeraar")[apptest.InsurerB]; ok {
			t.Errorf("the operator could not remove B's fact: %+v", after.Facts)
		}
		check := func(insurer, want string) {
			t.Helper()
			entries := trail(t, ts, insurer)
			if len(entries) == 0 || entries[0].Action != "provider.facts" || entries[0].Denied {
				t.Fatalf("newest entry of %s's trail: %+v", insurer, entries[:min(len(entries), 1)])
			}
			var got map[string]any
			json.Unmarshal(entries[0].After, &got)
			if s, _ := json.Marshal(got); !strings.Contains(string(s), want) || strings.Contains(string(s), "100") {
				t.Errorf("%s's entry: %s, want %s and no values", insurer, s, want)
			}
		}
		check(apptest.InsurerA, `"added":1,"changed":1,"ids":["`+apptest.ProviderY+`"],"insurer":"`+apptest.InsurerA+`","keys":["contract_vorig_jaar","omzet_verzekeraar"]`)
		check(apptest.InsurerB, `"removed":1`)
	})
}

func TestAProviderSendsItsRecordBackUnchanged(t *testing.T) {
	onEngines(t, func(t *testing.T, ts *apptest.Tenants) {
		before := len(trail(t, ts, apptest.InsurerA))
		p, err := ts.Env.Providers.Provider(context.Background(), who(ts, "y-beheerder"), apptest.ProviderY)
		if err != nil {
			t.Fatal(err)
		}
		if err := importAs(t, ts, "y-beheerder", provider.FileForm(ts.Env.Library.Facts, []provider.Provider{*p})...); err != nil {
			t.Fatalf("sending the record read back: %v", err)
		}
		if after := len(trail(t, ts, apptest.InsurerA)); after != before {
			t.Errorf("an unchanged import wrote %d entries in A's trail", after-before)
		}
	})
}
