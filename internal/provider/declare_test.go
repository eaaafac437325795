package provider_test

import (
	"context"
	"testing"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/apptest"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/provider"
)

func declared(key, value string) provider.Fact {
	return provider.Fact{Key: key, Value: value, Source: provider.SourceProvider, Date: "2021-11-01"}
}

func TestTheBeheerderDeclaresItsOwnFactsAndKeepsTheRest(t *testing.T) {
	onEngines(t, func(t *testing.T, ts *apptest.Tenants) {
		ctx := context.Background()
		before := storedY(t, ts)
		err := ts.Env.Providers.Declare(ctx, who(ts, "y-beheerder"), apptest.ProviderY,
			[]provider.Fact{declared("big_registratie_huisarts", "false"), declared("zorgkaart_score", "8.1")})
		if err != nil {
			t.Fatal(err)
		}
		after := storedY(t, ts)
		if f := factsOf(after, "big_registratie_huisarts")[""]; f.Value != "false" || f.Date != "2021-11-01" || f.Source != provider.SourceProvider {
			t.Errorf("declared fact %+v", f)
		}
		if f := factsOf(after, "zorgkaart_score")[""]; f.Value != "8.1" {
			t.Errorf("new fact %+v", f)
		}
		if len(factsOf(after, "omzet_verzekeraar")) != 2 || len(after.Contracts) != len(before.Contracts) || after.Name != before.Name ||
			len(after.Locations) != len(before.Locations) {
			t.Errorf("the insurers' facts, the contracts or the record changed: %+v", after)
		}
		if len(after.Facts) != len(before.Facts)+1 {
			t.Errorf("%d facts, want %d", len(after.Facts), len(before.Facts)+1)
		}
		es, err := ts.Env.DB.AuditEntries(ctx, audit.Filter{Subject: "provider:" + apptest.ProviderY})
		if err != nil || len(es) == 0 || es[0].Action != provider.ActionDeclare || es[0].Denied {
			t.Fatalf("audit %+v %v, want the declaration last", es, err)
		}
	})
}

func TestADeclarationTheActorMayNotWriteChangesNothing(t *testing.T) {
	onEngines(t, func(t *testing.T, ts *apptest.Tenants) {
		ctx := context.Background()
		// The operator records a register fact about Y: Y may not replace it.
		reg := declared("agb_geregistreerd", "true")
		reg.Source = provider.SourceRegister
		if err := ts.Env.Providers.Declare(ctx, who(ts, "operator"), apptest.ProviderY, []provider.Fact{reg}); err != nil {
			t.Fatal(err)
		}
		revenue := declared("omzet_verzekeraar", "100")
		revenue.Insurer, revenue.Source = apptest.InsurerA, provider.SourceInsurer
		tests := []struct {
			name     string
			actor    string
			provider string
			fact     provider.Fact
			code     apperr.Code
		}{
			{"the invuller (only the beheerder declares)", "x-invuller", apptest.ProviderX, declared("zorgkaart_score", "8"), apperr.Forbidden},
			{"another provider's beheerder", "x-beheerder", apptest.ProviderY, declared("zorgkaart_score", "8"), apperr.NotFound},
			{"an insurer's buyer, as the provider", "a-inkoper", apptest.ProviderY, declared("zorgkaart_score", "8"), apperr.Forbidden},
			{"a fact kept per insurer", "y-beheerder", apptest.ProviderY, revenue, apperr.Forbidden},
			{"a fact from the register", "y-beheerder", apptest.ProviderY, declared("agb_geregistreerd", "false"), apperr.Forbidden},
			{"a value not in canonical form", "y-beheerder", apptest.ProviderY, declared("zorgkaart_score", "8,1"), apperr.Invalid},
			{"a fact outside the catalogue", "y-beheerder", apptest.ProviderY, declared("kleur", "rood"), apperr.Invalid},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				before := storedY(t, ts)
				err := ts.Env.Providers.Declare(ctx, who(ts, tc.actor), tc.provider, []provider.Fact{declared("in_faillissement", "true"), tc.fact})
				if apperr.CodeOf(err) != tc.code {
					t.Fatalf("Declare = %v, want %s", err, tc.code)
				}
				after := storedY(t, ts)
				if f := factsOf(after, "in_faillissement")[""]; f != factsOf(before, "in_faillissement")[""] || len(after.Facts) != len(before.Facts) {
					t.Errorf("a refused declaration changed Y's facts: %+v", after.Facts)
				}
			})
		}
	})
}
