package storetest

import (
	"context"
	"testing"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/provider"
	"zorginkoop/internal/store"
)

// RunPolicies runs the policies' suite: records, their versions and statuses.
func RunPolicies(t *testing.T, open Opener) {
	run(t, open, []storeTest{
		{"policies are upserted and listed by id", testPolicies},
		{"a draft is saved only over the version it was read at; status and insurer round-trip", testPolicyVersions},
	})
}

func testPolicies(t *testing.T, db store.DB) {
	ctx := context.Background()
	at := time.Date(2025, 3, 31, 14, 30, 15, 123456000, time.FixedZone("CEST", 2*3600))
	recs := []policy.Record{
		{ID: "zz-msz-2024", File: "zz-msz-2024.yaml", Raw: []byte("id: zz-msz-2024\n"), LoadedAt: at},
		{ID: "asr-msz-2025", File: "asr-msz-2025.yaml", Raw: []byte("id: asr-msz-2025\nnaam: \"ü\"\n"), LoadedAt: at.Add(time.Hour)},
	}
	if err := db.SavePolicies(ctx, recs); err != nil {
		t.Fatalf("SavePolicies: %v", err)
	}
	updated := policy.Record{ID: "zz-msz-2024", File: "zz-msz-2024-v2.yaml", Raw: []byte("id: zz-msz-2024\nversie: 2\n"), LoadedAt: at.Add(2 * time.Hour)}
	if err := db.SavePolicies(ctx, []policy.Record{updated}); err != nil {
		t.Fatalf("SavePolicies (update): %v", err)
	}
	got, err := db.PolicyRecords(ctx)
	if err != nil {
		t.Fatalf("PolicyRecords: %v", err)
	}
	want := []policy.Record{recs[1], updated}
	if len(got) != len(want) {
		t.Fatalf("got %d records, want %d", len(got), len(want))
	}
	for i := range want {
		w, g := want[i], got[i]
		if g.ID != w.ID || g.File != w.File || string(g.Raw) != string(w.Raw) || !g.LoadedAt.Equal(w.LoadedAt) || g.LoadedAt.Location() != time.UTC {
			t.Errorf("record %d:\n got %+v\nwant %+v (LoadedAt in UTC)", i, g, w)
		}
	}
}

func testPolicyVersions(t *testing.T, db store.DB) {
	ctx := context.Background()
	at := time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC)
	r := policy.Record{ID: "cz-concept-2027", File: "concept.yaml", Raw: []byte("id: cz-concept-2027\n"), LoadedAt: at,
		Status: policy.Draft, Insurer: "cz-groep"}
	if err := db.SavePolicy(ctx, &r, 0); err != nil || r.Version != 1 {
		t.Fatalf("SavePolicy (new) = %v, version %d", err, r.Version)
	}
	again := r
	if err := db.SavePolicy(ctx, &again, 0); apperr.CodeOf(err) != apperr.Conflict {
		t.Fatalf("SavePolicy of an existing id as new = %v, want Conflict", err)
	}
	r.Raw = []byte("id: cz-concept-2027\nversie: 2\n")
	if err := db.SavePolicy(ctx, &r, 1); err != nil || r.Version != 2 {
		t.Fatalf("SavePolicy (version 1 to 2) = %v, version %d", err, r.Version)
	}
	stale := r
	stale.Raw = []byte("id: cz-concept-2027\nversie: oud\n")
	if err := db.SavePolicy(ctx, &stale, 1); apperr.CodeOf(err) != apperr.Conflict {
		t.Fatalf("SavePolicy over a stale version = %v, want Conflict", err)
	}
	r.Status = policy.Published
	if err := db.SavePolicy(ctx, &r, 2); err != nil {
		t.Fatalf("publish: %v", err)
	}
	other := policy.Record{ID: "asr-msz-2025", File: "asr.yaml", Raw: []byte("id: asr-msz-2025\n"), LoadedAt: at, Status: policy.Published, Insurer: "asr"}
	if err := db.SavePolicies(ctx, []policy.Record{other}); err != nil {
		t.Fatal(err)
	}
	got, err := db.PolicyRecords(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("got %d records, want 2", len(got))
	}
	if g := got[1]; g.ID != r.ID || g.Status != policy.Published || g.Insurer != "cz-groep" || g.Version != 3 || string(g.Raw) != string(r.Raw) {
		t.Errorf("stored draft: %+v", g)
	}
	if g := got[0]; g.Status != policy.Published || g.Insurer != "asr" || g.Version != 1 {
		t.Errorf("installed policy: %+v", g)
	}
}

func testListInScope(t *testing.T, db store.DB) {
	ctx := context.Background()
	replace(t, db, full("p-1", "Een"), full("p-2", "Twee"), full("p-3", "Drie"))
	ps, total, err := db.Providers(ctx, provider.OnlyProviders("p-3", "p-1", "bestaat-niet"), provider.Filter{})
	if err != nil || total != 2 || len(ps) != 2 || ps[0].ID != "p-3" || ps[1].ID != "p-1" {
		t.Errorf("by ids: total %d, %v, %v (want Drie, Een by name)", total, ps, err)
	}
	if _, total, err := db.Providers(ctx, provider.OnlyProviders(), provider.Filter{}); err != nil || total != 0 {
		t.Errorf("no ids: total %d, %v", total, err)
	}
	// A scope nobody set is no providers, never the whole register.
	if ps, total, err := db.Providers(ctx, provider.Scope{}, provider.Filter{}); err != nil || total != 0 || len(ps) != 0 {
		t.Errorf("the zero scope: total %d, %v, %v; want none", total, ps, err)
	}
	if _, total, err := db.Providers(ctx, provider.AllProviders(), provider.Filter{}); err != nil || total != 3 {
		t.Errorf("all providers: total %d, %v; want 3", total, err)
	}
}
