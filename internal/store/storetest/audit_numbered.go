package storetest

import (
	"context"
	"fmt"
	"testing"

	"zorginkoop/internal/audit"
	"zorginkoop/internal/store"
)

// testAuditNumbered: an organisation's trail numbered by place in it (what a tenant sees
// instead of the global seq) counts only that trail's entries, keeps each entry's number
// under every filter, pages by it, and does not move when other organisations act.
func testAuditNumbered(t *testing.T, db store.DB) {
	ctx := context.Background()
	log := auditLog(db)
	entries := []audit.Entry{
		{OrgID: "cz", Scope: "cz", Action: "login", Subject: "user:1"},                                // seq 1, cz's 1
		{OrgID: "zz", Scope: "zz", Action: "login", Subject: "user:2"},                                // 2, not cz's
		{OrgID: "cz-inkoop", Scope: "cz-groep", Action: "policy.draft_save", Subject: "policy:a"},     // 3, cz's 2
		{OrgID: "cz", Scope: "zz-groep", Action: "assessment.run", Subject: "policy:b", Denied: true}, // 4, hidden from cz
		{OrgID: "zz", Scope: "zz", Action: "login", Subject: "user:2"},                                // 5, not cz's
		{OrgID: "cz", Scope: "cz-groep", Action: "policy.publish", Subject: "policy:a"},               // 6, cz's 3
		{OrgID: "cz", Scope: "cz", Action: "logout", Subject: "user:1"},                               // 7, cz's 4
	}
	for _, e := range entries {
		if _, err := log.Record(ctx, e); err != nil {
			t.Fatalf("Record: %v", err)
		}
	}
	cz := audit.Filter{OrgID: "cz", Scopes: []string{"cz-groep"}, HideDeniedElsewhere: true, Numbered: true}
	with := func(change func(*audit.Filter)) audit.Filter { f := cz; change(&f); return f }
	tests := []struct {
		name      string
		f         audit.Filter
		positions []int64
		seqs      []int64
	}{
		{"the whole trail", cz, []int64{4, 3, 2, 1}, []int64{7, 6, 3, 1}},
		{"by subject: the numbers of the whole trail", with(func(f *audit.Filter) { f.Subject = "policy:a" }), []int64{3, 2}, []int64{6, 3}},
		{"a page", with(func(f *audit.Filter) { f.Limit = 2 }), []int64{4, 3}, []int64{7, 6}},
		{"the next page, before a number", with(func(f *audit.Filter) { f.Limit = 2; f.Before = 3 }), []int64{2, 1}, []int64{3, 1}},
	}
	check := func(t *testing.T, f audit.Filter, positions, seqs []int64) {
		t.Helper()
		es, err := db.AuditEntries(ctx, f)
		if err != nil {
			t.Fatalf("AuditEntries: %v", err)
		}
		var gotPos, gotSeq []int64
		for _, e := range es {
			gotPos, gotSeq = append(gotPos, e.Pos), append(gotSeq, e.Seq)
		}
		if fmt.Sprint(gotPos) != fmt.Sprint(positions) || fmt.Sprint(gotSeq) != fmt.Sprint(seqs) {
			t.Errorf("positions %v of seqs %v, want %v of %v", gotPos, gotSeq, positions, seqs)
		}
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { check(t, tc.f, tc.positions, tc.seqs) })
	}
	t.Run("others acting do not move the numbers", func(t *testing.T) {
		for range 3 {
			if _, err := log.Record(ctx, audit.Entry{OrgID: "zz", Scope: "zz", Action: "login", Subject: "user:2"}); err != nil {
				t.Fatalf("Record: %v", err)
			}
		}
		check(t, cz, []int64{4, 3, 2, 1}, []int64{7, 6, 3, 1})
	})
	t.Run("numbered needs an organisation", func(t *testing.T) {
		if _, err := db.AuditEntries(ctx, audit.Filter{Numbered: true}); err == nil {
			t.Error("AuditEntries numbered without an organisation: no error")
		}
	})
}
