package policy_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"zorginkoop/internal/app"
	"zorginkoop/internal/apperr"
	"zorginkoop/internal/apptest"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/store/pgtest"
	"zorginkoop/policies"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// The rules of drafts, on the tenants of the authorisation tests (apptest.NewTenants):
// A's draft DraftA and B's draft DraftB exist.

func tenants(t *testing.T) *apptest.Tenants {
	t.Helper()
	return apptest.NewTenants(t, apptest.New(t))
}

func who(ts *apptest.Tenants, key string) identity.Principal { return ts.Actor(key).Principal }

func TestInsurerBBuyerReadingADraftGetsNotFoundLikeAMissingPolicy(t *testing.T) {
	ts := tenants(t)
	_, err := ts.Env.Policies.Policy(context.Background(), who(ts, "b-inkoper"), apptest.DraftA)
	_, missing := ts.Env.Policies.Policy(context.Background(), who(ts, "b-inkoper"), "bestaat-niet-2099")
	if apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("err = %v, want NotFound", err)
	}
	if strings.ReplaceAll(err.Error(), apptest.DraftA, "ID") != strings.ReplaceAll(missing.Error(), "bestaat-niet-2099", "ID") {
		t.Errorf("a hidden draft answers %q, a missing policy %q: the difference tells that the draft exists", err, missing)
	}
}

func TestDraftsAreVisibleOnlyToTheirInsurersSide(t *testing.T) {
	ts := tenants(t)
	tests := []struct {
		actor      string
		seeA, seeB bool
	}{
		{"anoniem", false, false},
		{"a-inkoper", true, false},
		{"a-zorgbemiddelaar", true, false},
		{"a-inkooporganisatie", true, false},
		{"b-inkoper", false, true},
		{"x-beheerder", false, false},
		{"operator", true, true},
	}
	for _, tc := range tests {
		t.Run(tc.actor, func(t *testing.T) {
			cs, err := ts.Env.Policies.Policies(context.Background(), who(ts, tc.actor))
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, c := range cs {
				ids = append(ids, c.ID)
			}
			if !slices.Contains(ids, apptest.PolicyA) || !slices.Contains(ids, apptest.PolicyB) {
				t.Errorf("published policies missing from %v", ids)
			}
			if got := slices.Contains(ids, apptest.DraftA); got != tc.seeA {
				t.Errorf("sees A's draft: %v, want %v", got, tc.seeA)
			}
			if got := slices.Contains(ids, apptest.DraftB); got != tc.seeB {
				t.Errorf("sees B's draft: %v, want %v", got, tc.seeB)
			}
		})
	}
}

func TestOnlyBuyersAndAdministratorsWriteTheirInsurersPolicies(t *testing.T) {
	ts := tenants(t)
	ctx := context.Background()
	yamlA := apptest.DraftYAML(t, "cz-hz-mdz-2022.yaml", apptest.DraftA, "Nieuwe tekst")
	tests := []struct {
		actor string
		code  apperr.Code // "" for allowed
	}{
		{"anoniem", apperr.Unauthenticated},
		{"a-zorgbemiddelaar", apperr.Forbidden},       // sees the draft, may not change it
		{"a-declaratiebeoordelaar", apperr.Forbidden}, // idem
		{"b-inkoper", apperr.Forbidden},               // writes for B only: the file names A
		{"x-beheerder", apperr.Forbidden},
		{"a-beheerder", ""},
		{"a-inkooporganisatie", ""},
		{"operator", ""},
	}
	for _, tc := range tests {
		t.Run(tc.actor, func(t *testing.T) {
			_, created, err := ts.Env.Policies.SaveDraft(ctx, who(ts, tc.actor), "concept.yaml", yamlA)
			if tc.code == "" && (err != nil || created) {
				t.Fatalf("SaveDraft = created %v, %v; want a new version of the draft", created, err)
			}
			if tc.code != "" && apperr.CodeOf(err) != tc.code {
				t.Fatalf("SaveDraft = %v, want %s", err, tc.code)
			}
		})
	}
	if _, err := ts.Env.Policies.Publish(ctx, who(ts, "a-zorgbemiddelaar"), apptest.DraftA); apperr.CodeOf(err) != apperr.Forbidden {
		t.Errorf("publish by A's zorgbemiddelaar = %v, want Forbidden", err)
	}
	if _, err := ts.Env.Policies.Publish(ctx, who(ts, "b-inkoper"), apptest.DraftA); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("publish of A's draft by B = %v, want NotFound", err)
	}
}

// Policy ids are namespaced per insurer: an id of insurer B's namespace is refused to A's
// side before it is looked up, with the same answer whether B has a draft with it or not,
// and B's id stays free for B.
func TestAnotherInsurersIDCanBeNeitherDetectedNorTaken(t *testing.T) {
	ts := tenants(t)
	ctx := context.Background()
	try := func(id string) error {
		// A's own file (insurer A) under an id of B's namespace.
		_, _, err := ts.Env.Policies.SaveDraft(ctx, who(ts, "a-inkoper"), "concept.yaml", apptest.DraftYAML(t, "cz-hz-mdz-2022.yaml", id, "Poging"))
		return err
	}
	taken, free := try(apptest.DraftB), try("zz-nog-vrij-2028")
	if apperr.CodeOf(taken) != apperr.Invalid || !strings.Contains(taken.Error(), "must start with cz-groep- or cz-") {
		t.Fatalf("B's draft id: %v, want Invalid naming A's prefixes", taken)
	}
	if strings.ReplaceAll(taken.Error(), apptest.DraftB, "ID") != strings.ReplaceAll(free.Error(), "zz-nog-vrij-2028", "ID") {
		t.Errorf("an id B uses answers %q, a free one %q: the difference tells that B's draft exists", taken, free)
	}
	if c, err := ts.Env.Policies.Policy(ctx, who(ts, "b-inkoper"), apptest.DraftB); err != nil || c.Title != apptest.DraftBTitle {
		t.Fatalf("B's draft after the attempt: %v, %v", c, err)
	}
	// The free id was not taken: B saves under it.
	if _, created, err := ts.Env.Policies.SaveDraft(ctx, who(ts, "b-inkoper"), "concept.yaml",
		apptest.DraftYAML(t, "zz-msz-2024.yaml", "zz-nog-vrij-2028", "Van B")); err != nil || !created {
		t.Errorf("B saving under its own free id: created %v, %v", created, err)
	}
}

func TestADraftIDMustBeginWithAPrefixOfItsInsurer(t *testing.T) {
	ts := tenants(t)
	for _, tc := range []struct {
		actor, shipped, id string
		ok                 bool
	}{
		{"a-inkoper", "cz-hz-mdz-2022.yaml", "cz-hz-2027", true},
		{"a-inkoper", "cz-hz-mdz-2022.yaml", "cz-groep-hz-2027", true},
		{"a-inkoper", "cz-hz-mdz-2022.yaml", "hz-2027", false},
		{"a-inkoper", "cz-hz-mdz-2022.yaml", "czhz-2027", false},
		{"a-inkoper", "cz-hz-mdz-2022.yaml", "asr-hz-2027", false},
		{"b-inkoper", "zz-msz-2024.yaml", "zorg-en-zekerheid-msz-2028", true},
		{"b-inkoper", "zz-msz-2024.yaml", "cz-msz-2028", false},
	} {
		_, _, err := ts.Env.Policies.SaveDraft(context.Background(), who(ts, tc.actor), "concept.yaml", apptest.DraftYAML(t, tc.shipped, tc.id, "Prefix"))
		if tc.ok && err != nil || !tc.ok && (apperr.CodeOf(err) != apperr.Invalid || !strings.Contains(dutch(err), "moet beginnen met")) {
			t.Errorf("%s saving %s: %v, want ok %v", tc.actor, tc.id, err, tc.ok)
		}
	}
}

func TestEveryShippedPolicyIDBelongsToItsInsurer(t *testing.T) {
	lib, err := policy.LoadLibrary(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range lib.Policies() {
		if owner, ok := lib.Registry.PolicyIDOwner(c.ID); !ok || owner.ID != c.Insurer {
			t.Errorf("%s (insurer %s) is not in its insurer's namespace", c.ID, c.Insurer)
		}
	}
}

func TestDraftErrorsNameFileAndLine(t *testing.T) {
	ts := tenants(t)
	yaml := strings.Replace(string(apptest.DraftYAML(t, "cz-hz-mdz-2022.yaml", "cz-fout-2027", "Fout")), "contract_years: [2022]", "contract_years: [1999]", 1)
	_, _, err := ts.Env.Policies.SaveDraft(context.Background(), who(ts, "a-inkoper"), "fout.yaml", []byte(yaml))
	errs := apperr.Errors(err)
	if len(errs) != 1 || errs[0].File != "fout.yaml" || errs[0].Line != 6 || errs[0].Field != "contract_years[0]" {
		t.Fatalf("err = %v, want fout.yaml:6 contract_years[0]", err)
	}
}

func TestPublishingRecordsVersionsNotTheFile(t *testing.T) {
	ts := tenants(t)
	ctx := context.Background()
	c, err := ts.Env.Policies.Publish(ctx, who(ts, "a-inkooporganisatie"), apptest.DraftA)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != policy.Published {
		t.Fatalf("status %s", c.Status)
	}
	if _, err := ts.Env.Policies.Policy(context.Background(), identity.Anonymous, apptest.DraftA); err != nil {
		t.Errorf("the published policy is not public: %v", err)
	}
	// The stored record survives a restart of the library.
	recs, err := ts.Env.DB.PolicyRecords(ctx)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(recs, func(r policy.Record) bool { return r.ID == apptest.DraftA })
	if i < 0 || recs[i].Status != policy.Published || recs[i].Insurer != apptest.InsurerA || recs[i].Version != 2 {
		t.Errorf("stored record %+v", recs[i])
	}
	entries, err := ts.Env.DB.AuditEntries(ctx, audit.Filter{Subject: "policy:" + apptest.DraftA})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 || entries[0].Action != "policy.publish" || entries[1].Action != "policy.draft_save" {
		t.Fatalf("audit entries %+v", entries)
	}
	pub := entries[0]
	if pub.OrgID != apptest.OrgPurchaserA || pub.Scope != apptest.InsurerA ||
		!strings.Contains(string(pub.After), c.Hash()) || !strings.Contains(string(pub.Before), `"status":"draft"`) ||
		strings.Contains(string(pub.After), "requirements") {
		t.Errorf("publish entry: org %s scope %s before %s after %s", pub.OrgID, pub.Scope, pub.Before, pub.After)
	}
	if _, err := ts.Env.Policies.Publish(ctx, who(ts, "a-inkoper"), apptest.DraftA); apperr.CodeOf(err) != apperr.Conflict {
		t.Errorf("publishing twice = %v, want Conflict", err)
	}
}

func TestRefusedDraftIsAudited(t *testing.T) {
	ts := tenants(t)
	ctx := context.Background()
	yaml := apptest.DraftYAML(t, "zz-msz-2024.yaml", "zz-poging-2027", "Poging")
	if _, _, err := ts.Env.Policies.SaveDraft(ctx, who(ts, "a-inkoper"), "poging.yaml", yaml); apperr.CodeOf(err) != apperr.Forbidden {
		t.Fatalf("A writing B's policy = %v, want Forbidden", err)
	}
	entries, err := ts.Env.DB.AuditEntries(ctx, audit.Filter{Subject: "policy:zz-poging-2027"})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || !entries[0].Denied || entries[0].OrgID != apptest.OrgA || entries[0].Scope != apptest.InsurerB {
		t.Fatalf("audit entries %+v", entries)
	}
	if _, err := ts.Env.Library.Policy("zz-poging-2027"); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("the refused draft is in the library: %v", err)
	}
}

// A draft saved on one engine loads again from the database with its status.
func TestDraftsLoadFromTheDatabaseOnBothEngines(t *testing.T) {
	for _, engine := range apptest.Engines {
		t.Run(engine, func(t *testing.T) {
			env := apptest.Open(t, engine)
			ts := apptest.NewTenants(t, env)
			lib, err := policy.LoadStored(context.Background(), policies.FS, env.DB)
			if err != nil {
				t.Fatal(err)
			}
			c, err := lib.Policy(apptest.DraftB)
			if err != nil || c.Status != policy.Draft || c.Version != 1 || c.Title != apptest.DraftBTitle {
				t.Fatalf("reloaded draft: %+v, %v", c, err)
			}
			if p, _ := lib.Policy(apptest.PolicyA); p.Status != policy.Published {
				t.Errorf("shipped policy status %q", p.Status)
			}
			if _, err := lib.Visible(who(ts, "a-inkoper"), apptest.DraftB); apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("reloaded draft visible to A: %v", err)
			}
		})
	}
}

// Two app instances over one database: a draft saved and published through one is seen
// through the other at once, with no state of its own to go stale.
func TestInstancesSeeEachOthersDraftsAndPublications(t *testing.T) {
	ctx := context.Background()
	env := apptest.New(t)
	ts := apptest.NewTenants(t, env)
	lib, err := policy.LoadStored(ctx, policies.FS, env.DB)
	if err != nil {
		t.Fatal(err)
	}
	other := app.New(env.DB, lib, app.Config{Now: env.Policies.Now}).Policies
	yaml := apptest.DraftYAML(t, "cz-hz-mdz-2022.yaml", "cz-tweede-2027", "Op de eerste instantie")
	if _, _, err := env.Policies.SaveDraft(ctx, who(ts, "a-inkoper"), "concept.yaml", yaml); err != nil {
		t.Fatal(err)
	}
	c, err := other.Policy(ctx, who(ts, "a-inkoper"), "cz-tweede-2027")
	if err != nil || c.Title != "Op de eerste instantie" || c.Status != policy.Draft {
		t.Fatalf("the other instance: %+v, %v", c, err)
	}
	if _, err := other.Policy(ctx, identity.Anonymous, "cz-tweede-2027"); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("the draft is public on the other instance: %v", err)
	}
	if _, err := env.Policies.Publish(ctx, who(ts, "a-inkoper"), "cz-tweede-2027"); err != nil {
		t.Fatal(err)
	}
	if c, err := other.Policy(ctx, identity.Anonymous, "cz-tweede-2027"); err != nil || c.Status != policy.Published {
		t.Errorf("the publication is not public on the other instance: %+v, %v", c, err)
	}
	// Changing the draft through the other instance checks the version the first one wrote.
	if _, _, err := other.SaveDraft(ctx, who(ts, "a-inkoper"), "concept.yaml", yaml); apperr.CodeOf(err) != apperr.Conflict {
		t.Errorf("a draft over the published policy through the other instance: %v, want Conflict", err)
	}
}

func dutch(err error) string {
	if es := apperr.Errors(err); len(es) > 0 {
		return es[0].Dutch
	}
	return ""
}

func TestARegistryInWhichTwoInsurersShareAnIDPrefixIsRefused(t *testing.T) {
	fsys := fstest.MapFS{"registry.yaml": {Data: []byte(`insurers:
  - {id: cz-groep, name: CZ groep, id_prefixes: [cz]}
  - {id: cz, name: Een ander}
`)}}
	_, err := policy.LoadBase(fsys)
	if apperr.CodeOf(err) != apperr.Invalid || !strings.Contains(err.Error(), `both claim policy ids starting with "cz-"`) {
		t.Errorf("LoadBase = %v, want Invalid on the shared prefix", err)
	}
}
