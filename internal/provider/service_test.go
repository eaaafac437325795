package provider_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/apptest"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/provider"
)

// The rules of provider records and facts, on the tenants of the authorisation tests
// (apptest.NewTenants): provider X (hap-de-linde) and Y (hap-ypsilon, with revenue facts
// kept per insurer for A and B).

func tenants(t *testing.T) *apptest.Tenants {
	t.Helper()
	return apptest.NewTenants(t, apptest.New(t))
}

func who(ts *apptest.Tenants, key string) identity.Principal { return ts.Actor(key).Principal }

func TestProviderXCannotImportYsRecordAndNothingIsWritten(t *testing.T) {
	ts := tenants(t)
	ctx := context.Background()
	changedY := apptest.ProviderYFile()
	changedY.Name = "Overgenomen door X"
	ownX := apptest.Providers()[0] // X's own record, unchanged
	batch := []provider.Provider{ownX, changedY}
	if err := ts.Env.Providers.Normalize(batch, nil); err != nil {
		t.Fatal(err)
	}
	err := ts.Env.Providers.Import(ctx, who(ts, "x-beheerder"), batch, nil, nil)
	if apperr.CodeOf(err) != apperr.Forbidden || !strings.Contains(err.Error(), apptest.ProviderY) {
		t.Fatalf("Import = %v, want Forbidden naming %s", err, apptest.ProviderY)
	}
	y, err := ts.Env.DB.Provider(ctx, apptest.ProviderY)
	if err != nil || y.Name != "Huisartsenpraktijk Ypsilon" {
		t.Fatalf("Y after the refused import: %v, %v", y, err)
	}
	entries, err := ts.Env.DB.AuditEntries(ctx, audit.Filter{OrgID: apptest.OrgX})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) == 0 || entries[0].Action != "provider.import" || !entries[0].Denied || !strings.Contains(entries[0].Reason, apptest.ProviderY) {
		t.Fatalf("newest audit entry of X: %+v", entries)
	}
}

func TestOnlyTheProvidersBeheerderAndTheOperatorImport(t *testing.T) {
	ts := tenants(t)
	ctx := context.Background()
	tests := []struct {
		actor string
		code  apperr.Code
	}{
		{"anoniem", apperr.Unauthenticated},
		{"x-invuller", apperr.Forbidden},
		{"x-tekenbevoegde", apperr.Forbidden},
		{"a-beheerder", apperr.Forbidden},
		{"y-beheerder", apperr.Forbidden},
		{"x-beheerder", ""},
		{"operator", ""},
	}
	for _, tc := range tests {
		t.Run(tc.actor, func(t *testing.T) {
			ps := apptest.Providers()[:1]
			ts.Env.Providers.Normalize(ps, nil)
			err := ts.Env.Providers.Import(ctx, who(ts, tc.actor), ps, nil, nil)
			if tc.code == "" && err != nil || tc.code != "" && apperr.CodeOf(err) != tc.code {
				t.Fatalf("Import = %v, want %q", err, tc.code)
			}
		})
	}
	entries, _ := ts.Env.DB.AuditEntries(ctx, audit.Filter{Subject: "provider:" + apptest.ProviderX})
	if len(entries) == 0 || entries[0].Denied || !strings.Contains(string(entries[0].After), `"facts":19`) ||
		strings.Contains(string(entries[0].After), "big_registratie") {
		t.Errorf("newest import entry: %+v (want counts, not facts)", entries[0])
	}
	// The operator's import of X's record is in X's own trail.
	if entries[0].Scope != apptest.ProviderX {
		t.Errorf("the operator's import of X has scope %q, want %s", entries[0].Scope, apptest.ProviderX)
	}
}

// revenues returns the insurers of Y's omzet_verzekeraar facts that actor reads.
func revenues(t *testing.T, ts *apptest.Tenants, actor string) []string {
	t.Helper()
	p, err := ts.Env.Providers.Provider(context.Background(), who(ts, actor), apptest.ProviderY)
	if err != nil {
		t.Fatalf("%s reading Y: %v", actor, err)
	}
	var out []string
	for _, f := range p.Facts {
		if f.Key == "omzet_verzekeraar" {
			out = append(out, f.Insurer)
		}
	}
	slices.Sort(out)
	return out
}

func TestPerInsurerFactsAreReadOnlyByThatInsurersSide(t *testing.T) {
	ts := tenants(t)
	tests := []struct {
		actor string
		want  []string
	}{
		{"a-inkoper", []string{apptest.InsurerA}},
		{"a-declaratiebeoordelaar", []string{apptest.InsurerA}},
		{"a-inkooporganisatie", []string{apptest.InsurerA}},
		{"b-inkoper", []string{apptest.InsurerB}},
		{"y-beheerder", []string{apptest.InsurerA, apptest.InsurerB}},
		{"operator", []string{apptest.InsurerA, apptest.InsurerB}},
	}
	for _, tc := range tests {
		t.Run(tc.actor, func(t *testing.T) {
			if got := revenues(t, ts, tc.actor); !slices.Equal(got, tc.want) {
				t.Errorf("reads Y's revenue with %v, want %v", got, tc.want)
			}
		})
	}
}

func TestProviderUsersReadOnlyTheirOwnRecords(t *testing.T) {
	ts := tenants(t)
	ctx := context.Background()
	_, err := ts.Env.Providers.Provider(ctx, who(ts, "x-invuller"), apptest.ProviderY)
	_, missing := ts.Env.Providers.Provider(ctx, who(ts, "x-invuller"), "bestaat-niet")
	if apperr.CodeOf(err) != apperr.NotFound ||
		strings.ReplaceAll(err.Error(), apptest.ProviderY, "ID") != strings.ReplaceAll(missing.Error(), "bestaat-niet", "ID") {
		t.Errorf("X reading Y: %v; a missing provider: %v", err, missing)
	}
	ps, total, err := ts.Env.Providers.List(ctx, who(ts, "x-invuller"), provider.Filter{})
	if err != nil || total != 1 || len(ps) != 1 || ps[0].ID != apptest.ProviderX {
		t.Errorf("X's list: %d %v %v", total, ps, err)
	}
	if _, total, _ := ts.Env.Providers.List(ctx, who(ts, "b-inkoper"), provider.Filter{}); total != 4 {
		t.Errorf("the register for B's buyer has %d providers, want 4", total)
	}
	if _, _, err := ts.Env.Providers.List(ctx, identity.Anonymous, provider.Filter{}); apperr.CodeOf(err) != apperr.Unauthenticated {
		t.Errorf("anonymous list: %v, want Unauthenticated", err)
	}
	if _, err := ts.Env.Providers.Provider(ctx, identity.Anonymous, apptest.ProviderX); apperr.CodeOf(err) != apperr.Unauthenticated {
		t.Errorf("anonymous read: %v, want Unauthenticated", err)
	}
}

func TestTheServiceListsWithinTheScopeOfEachActor(t *testing.T) {
	ts := tenants(t)
	for _, tc := range []struct {
		name  string
		actor identity.Principal
		want  provider.Scope
	}{
		{"an insurer's buyer lists the register", who(ts, "b-inkoper"), provider.AllProviders()},
		{"a purchasing party lists the register", who(ts, "a-inkooporganisatie"), provider.AllProviders()},
		{"the operator lists the register", identity.System(), provider.AllProviders()},
		{"a provider's user lists its own record", who(ts, "x-invuller"), provider.OnlyProviders(apptest.ProviderX)},
		{"a provider's beheerder lists its own record", who(ts, "y-beheerder"), provider.OnlyProviders(apptest.ProviderY)},
		{"an anonymous caller lists nothing", identity.Anonymous, provider.Scope{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := provider.ReadScope(tc.actor)
			if got.All() != tc.want.All() || !slices.Equal(got.IDs(), tc.want.IDs()) {
				t.Errorf("scope all=%v ids=%v, want all=%v ids=%v", got.All(), got.IDs(), tc.want.All(), tc.want.IDs())
			}
		})
	}
	var none provider.Scope
	if none.All() || none.Contains(apptest.ProviderX) || len(none.IDs()) != 0 {
		t.Errorf("the zero scope holds providers: all=%v ids=%v", none.All(), none.IDs())
	}
}

func TestAListByAnUnknownCareTypeIsRefusedInDutch(t *testing.T) {
	env := apptest.New(t)
	_, _, err := env.Providers.List(context.Background(), identity.System(), provider.Filter{CareType: "tandarts"})
	es := apperr.Errors(err)
	if apperr.CodeOf(err) != apperr.Invalid || len(es) != 1 || es[0].Field != "care_type" || !strings.Contains(es[0].Dutch, "Onbekende zorgsoort") {
		t.Errorf("List by an unknown care type: %#v, want Invalid on care_type with Dutch text", es)
	}
	if _, total, err := env.Providers.List(context.Background(), identity.System(), provider.Filter{CareType: "huisarts"}); err != nil || total == 0 {
		t.Errorf("List by a known care type: %d, %v", total, err)
	}
}

func TestAListIsAPageEvenWhenTheCallerAsksForAll(t *testing.T) {
	env := apptest.New(t)
	ps := make([]provider.Provider, provider.MaxListSize+1)
	for i := range ps {
		ps[i] = provider.Provider{ID: fmt.Sprintf("p-%04d", i), Name: fmt.Sprintf("Praktijk %04d", i), CareTypes: []string{"huisarts"}}
	}
	if err := env.DB.ReplaceProviders(context.Background(), ps, nil); err != nil {
		t.Fatal(err)
	}
	got, total, err := env.Providers.List(context.Background(), identity.System(), provider.Filter{})
	if err != nil || len(got) != provider.MaxListSize || total != len(ps)+len(apptest.Providers()) {
		t.Errorf("List without a limit: %d providers of %d (%v); want a page of %d", len(got), total, err, provider.MaxListSize)
	}
}

func TestOnlyTheOperatorRemovesProviderRecordsAndTheRemovalIsAudited(t *testing.T) {
	ts := tenants(t)
	ctx := context.Background()
	for _, key := range []string{"y-beheerder", "a-beheerder"} {
		if _, err := ts.Env.Providers.Delete(ctx, who(ts, key), []string{apptest.ProviderY, "bestaat-niet"}); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("Delete as %s = %v, want Forbidden", key, err)
		}
	}
	if _, err := ts.Env.DB.Provider(ctx, apptest.ProviderY); err != nil {
		t.Fatalf("Y after the refused removals: %v", err)
	}
	n, err := ts.Env.Providers.Delete(ctx, who(ts, "operator"), []string{apptest.ProviderY, "bestaat-niet"})
	if err != nil || n != 1 {
		t.Fatalf("Delete as the operator = %d, %v; want 1", n, err)
	}
	if _, err := ts.Env.DB.Provider(ctx, apptest.ProviderY); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("Y after the removal: %v, want NotFound", err)
	}
	all, err := ts.Env.DB.AuditEntries(ctx, audit.Filter{Subject: "providers"})
	if err != nil {
		t.Fatal(err)
	}
	var entries []audit.Entry
	for _, e := range all {
		if e.Action == provider.ActionDelete {
			entries = append(entries, e)
		}
	}
	if len(entries) != 3 || entries[0].Denied || !strings.Contains(string(entries[0].After), `"deleted":1`) || !entries[1].Denied {
		t.Fatalf("audit entries of removals: %+v", entries)
	}
}
