package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"zorginkoop/internal/audit"
	"zorginkoop/internal/store"
	"zorginkoop/internal/store/postgres"
	"zorginkoop/internal/store/sqlite"
	"zorginkoop/internal/store/sqlstore"
)

// RunAudit runs the audit trail suite against the engine that open opens (a fresh, empty,
// migrated database per test). The tamper tests change the table directly, first dropping
// or disabling its append-only triggers, as an attacker with database access would.
func RunAudit(t *testing.T, open Opener) {
	run(t, open, []storeTest{
		{"entries read back as recorded and verify", testAuditRoundTrip},
		{"filters select by organisation or scope, subject, dossier, and page newest first", testAuditFilter},
		{"an organisation's trail: its users' entries and those about its data in every scope", testAuditOrgScopes},
		{"an organisation's trail numbered by place in it, whatever others do", testAuditNumbered},
		{"concurrent appenders keep one unbroken chain", testAuditConcurrent},
		{"a failing build appends nothing", testAuditBuildError},
		{"the database refuses to change, remove or truncate entries", testAuditGuard},
		{"the database refuses to replace an entry or slip one in, however written", testAuditNoBypass},
		{"a changed entry is reported by its seq", testAuditChanged},
		{"a changed entry with a recomputed hash breaks the next link", testAuditRehashed},
		{"a removed entry is reported", testAuditRemoved},
		{"removed newest entries are found against an earlier head", testAuditTruncated},
		{"reordered entries are reported", testAuditReordered},
	})
}

// auditClock is a clock that ticks a little over a second per call, with nanoseconds that
// Record must truncate.
func auditClock() func() time.Time {
	var mu sync.Mutex
	t := time.Date(2025, 3, 1, 8, 0, 0, 123456789, time.FixedZone("CET", 3600))
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t = t.Add(1001 * time.Millisecond)
		return t
	}
}

func auditLog(db store.DB) *audit.Log { return audit.NewLog(db, auditClock()) }

// record appends n plain entries.
func record(t *testing.T, log *audit.Log, n int) []audit.Entry {
	t.Helper()
	var out []audit.Entry
	for i := range n {
		e, err := log.Record(context.Background(), audit.Entry{
			UserID: "u-1", UserName: "Jan Jansen", OrgID: "cz", Action: "dossier.update",
			Subject: fmt.Sprintf("dossier:%d", i+1), Scope: "p-000001", Dossier: fmt.Sprintf("d-%d", i+1),
			Before: json.RawMessage(fmt.Sprintf(`{"n": %d}`, i)), After: json.RawMessage(fmt.Sprintf(`{"n": %d}`, i+1)),
			Reason: "test",
		})
		if err != nil {
			t.Fatalf("Record: %v", err)
		}
		out = append(out, e)
	}
	return out
}

func verify(t *testing.T, log *audit.Log) audit.Report {
	t.Helper()
	r, err := log.Verify(context.Background())
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return r
}

// wantProblem fails unless r has a problem at seq whose message contains want.
func wantProblem(t *testing.T, r audit.Report, seq int64, want string) {
	t.Helper()
	for _, p := range r.Problems {
		if p.Seq == seq && strings.Contains(p.Message, want) {
			return
		}
	}
	t.Errorf("no problem at entry %d saying %q; problems: %+v", seq, want, r.Problems)
}

// rawSQL returns the engine's shared SQL runner, for changing the table behind the store.
func rawSQL(t *testing.T, db store.DB) *sqlstore.DB {
	t.Helper()
	switch db := db.(type) {
	case *sqlite.DB:
		return db.DB
	case *postgres.DB:
		return db.DB
	}
	t.Fatalf("no direct SQL access to %T", db)
	return nil
}

func execSQL(t *testing.T, db store.DB, query string, args ...any) {
	t.Helper()
	s := rawSQL(t, db)
	if _, err := s.Write.ExecContext(context.Background(), s.Q(query), args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// dropGuard removes the append-only protection, as someone with database access can.
func dropGuard(t *testing.T, db store.DB) {
	t.Helper()
	if db.Engine() == "postgres" {
		execSQL(t, db, `ALTER TABLE audit_log DISABLE TRIGGER USER`)
		return
	}
	execSQL(t, db, `DROP TRIGGER audit_log_no_update`)
	execSQL(t, db, `DROP TRIGGER audit_log_no_delete`)
}

func sameEntry(a, b audit.Entry) bool {
	if !a.At.Equal(b.At) {
		return false
	}
	a.At, b.At = time.Time{}, time.Time{}
	return jsonOf(a) == jsonOf(b)
}

func jsonOf(e audit.Entry) string {
	b, _ := json.Marshal(e)
	return string(b)
}

func testAuditRoundTrip(t *testing.T, db store.DB) {
	ctx := context.Background()
	log := auditLog(db)
	in := []audit.Entry{
		{UserID: "u-1", UserName: "Jan Jansen", OrgID: "cz", Action: "policy.publish", Subject: "policy:cz-msz-2024", Scope: "cz",
			After: json.RawMessage(`{"status": "published", "b": [1, 2], "a": "x"}`), Reason: "jaarlijkse publicatie"},
		{UserID: "u-2", UserName: "Zoë d'Éclair", OrgID: "p-000001", Action: "offer.view", Subject: "offer:7", Scope: "cz",
			Dossier: "d-7", Reason: "wil prijzen zien", Denied: true},
		{OrgID: "", Action: "providers.import", Subject: "providers",
			Before: audit.JSON(map[string]int{"count": 3}), After: audit.JSON(map[string]int{"count": 4})},
	}
	var recorded []audit.Entry
	for _, e := range in {
		got, err := log.Record(ctx, e)
		if err != nil {
			t.Fatalf("Record: %v", err)
		}
		recorded = append(recorded, got)
	}
	if recorded[0].PrevHash != audit.Genesis || recorded[1].PrevHash != recorded[0].Hash || recorded[2].Seq != 3 {
		t.Fatalf("chain not linked: %+v", recorded)
	}
	if recorded[0].At.Nanosecond()%1000 != 0 || recorded[0].At.Location() != time.UTC {
		t.Errorf("At = %v, want UTC in whole microseconds", recorded[0].At)
	}
	got, err := db.AuditEntries(ctx, audit.Filter{})
	if err != nil {
		t.Fatalf("AuditEntries: %v", err)
	}
	if len(got) != 3 {
		t.Fatalf("%d entries, want 3", len(got))
	}
	for i, e := range got {
		want := recorded[2-i] // newest first
		if !sameEntry(e, want) {
			t.Errorf("entry read back\n got %s\nwant %s", jsonOf(e), jsonOf(want))
		}
		if e.ComputeHash() != e.Hash {
			t.Errorf("entry %d: hash does not match after the round trip", e.Seq)
		}
	}
	// Key order is kept (JSONB would sort it and break the hash); white space is compacted.
	if want := `{"status":"published","b":[1,2],"a":"x"}`; string(got[2].After) != want {
		t.Errorf("after = %s, want %s", got[2].After, want)
	}
	if got[2].Before != nil {
		t.Errorf("absent before read back as %q, want nil", got[2].Before)
	}
	r := verify(t, log)
	if !r.OK() || r.Entries != 3 || r.Head != (audit.Head{Seq: 3, Hash: recorded[2].Hash}) {
		t.Errorf("Verify = %+v, want intact with head 3", r)
	}
}

func testAuditFilter(t *testing.T, db store.DB) {
	ctx := context.Background()
	log := auditLog(db)
	for _, e := range []audit.Entry{
		{OrgID: "cz", Scope: "cz", Action: "a", Subject: "policy:1"},
		{OrgID: "cz", Scope: "p-1", Action: "a", Subject: "dossier:9", Dossier: "9"},
		{OrgID: "p-1", Scope: "p-1", Action: "a", Subject: "dossier:9", Dossier: "9"},
		{OrgID: "asr", Scope: "asr", Action: "a", Subject: "policy:2"},
		{OrgID: "p-2", Scope: "cz", Action: "a", Subject: "policy:1"},
	} {
		if _, err := log.Record(ctx, e); err != nil {
			t.Fatalf("Record: %v", err)
		}
	}
	tests := []struct {
		name string
		f    audit.Filter
		want []int64
	}{
		{"all, newest first", audit.Filter{}, []int64{5, 4, 3, 2, 1}},
		{"organisation as actor or as scope", audit.Filter{OrgID: "cz"}, []int64{5, 2, 1}},
		{"provider sees what was done to its data", audit.Filter{OrgID: "p-1"}, []int64{3, 2}},
		{"subject", audit.Filter{Subject: "policy:1"}, []int64{5, 1}},
		{"dossier", audit.Filter{Dossier: "9"}, []int64{3, 2}},
		{"organisation and dossier", audit.Filter{OrgID: "cz", Dossier: "9"}, []int64{2}},
		{"limit", audit.Filter{Limit: 2}, []int64{5, 4}},
		{"next page", audit.Filter{Limit: 2, Before: 4}, []int64{3, 2}},
		{"nothing", audit.Filter{OrgID: "vgz"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			es, err := db.AuditEntries(ctx, tc.f)
			if err != nil {
				t.Fatalf("AuditEntries: %v", err)
			}
			var seqs []int64
			for _, e := range es {
				seqs = append(seqs, e.Seq)
			}
			if fmt.Sprint(seqs) != fmt.Sprint(tc.want) {
				t.Errorf("seqs %v, want %v", seqs, tc.want)
			}
		})
	}
}

func testAuditOrgScopes(t *testing.T, db store.DB) {
	ctx := context.Background()
	log := auditLog(db)
	// Organisation "cz" acts for registry insurer "cz-groep"; "de-linde" manages provider
	// record "hap-de-linde".
	for _, e := range []audit.Entry{
		{OrgID: "cz", Scope: "cz", Action: "login", Subject: "user:1"},                                          // 1 by cz, its own
		{OrgID: "cz-inkoop", Scope: "cz-groep", Action: "policy.draft_save", Subject: "policy:a"},               // 2 about cz-groep
		{OrgID: "cz", Scope: "zz-groep", Action: "assessment.run", Subject: "policy:b", Denied: true},           // 3 cz refused elsewhere
		{OrgID: "cz", Scope: "", Action: "policy.draft_save", Subject: "policy:c.yaml", Denied: true},           // 4 cz refused, no scope
		{OrgID: "zz", Scope: "cz-groep", Action: "policy.publish", Subject: "policy:a", Denied: true},           // 5 zz refused at cz-groep
		{OrgID: "platform", Scope: "zz-groep", Action: "assessment.run", Subject: "policy:b"},                   // 6 not cz's
		{OrgID: "platform", Scope: "hap-de-linde", Action: "provider.import", Subject: "provider:hap-de-linde"}, // 7 about X's record
		{OrgID: "cz", Scope: "cz-groep", Action: "policy.publish", Subject: "policy:a", Denied: true},           // 8 cz refused at its own
	} {
		if _, err := log.Record(ctx, e); err != nil {
			t.Fatalf("Record: %v", err)
		}
	}
	tests := []struct {
		name string
		f    audit.Filter
		want []int64
	}{
		{"the organisation alone", audit.Filter{OrgID: "cz"}, []int64{8, 4, 3, 1}},
		{"with the insurer it acts for", audit.Filter{OrgID: "cz", Scopes: []string{"cz-groep"}}, []int64{8, 5, 4, 3, 2, 1}},
		{"without refused attempts elsewhere", audit.Filter{OrgID: "cz", Scopes: []string{"cz-groep"}, HideDeniedElsewhere: true},
			[]int64{8, 5, 4, 2, 1}},
		{"with the provider records it manages", audit.Filter{OrgID: "de-linde", Scopes: []string{"hap-de-linde"}}, []int64{7}},
		{"scopes repeated or empty", audit.Filter{OrgID: "cz", Scopes: []string{"cz", "", "cz-groep", "cz-groep"}}, []int64{8, 5, 4, 3, 2, 1}},
		{"with the other filters", audit.Filter{OrgID: "cz", Scopes: []string{"cz-groep"}, HideDeniedElsewhere: true, Subject: "policy:a", Limit: 2},
			[]int64{8, 5}},
		{"next page", audit.Filter{OrgID: "cz", Scopes: []string{"cz-groep"}, HideDeniedElsewhere: true, Before: 5}, []int64{4, 2, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			es, err := db.AuditEntries(ctx, tc.f)
			if err != nil {
				t.Fatalf("AuditEntries: %v", err)
			}
			var seqs []int64
			for _, e := range es {
				seqs = append(seqs, e.Seq)
			}
			if fmt.Sprint(seqs) != fmt.Sprint(tc.want) {
				t.Errorf("seqs %v, want %v", seqs, tc.want)
			}
		})
	}
}

func testAuditConcurrent(t *testing.T, db store.DB) {
	const workers, each = 8, 20
	log := auditLog(db)
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				_, err := log.Record(context.Background(), audit.Entry{
					OrgID: fmt.Sprintf("org-%d", w), Action: "test.append", Subject: fmt.Sprintf("item:%d", i)})
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("Record: %v", err)
	}
	r := verify(t, log)
	if !r.OK() || r.Entries != workers*each || r.Head.Seq != workers*each {
		t.Errorf("Verify = %d entries, head %v, problems %+v; want %d entries in one chain", r.Entries, r.Head, r.Problems, workers*each)
	}
}

func testAuditBuildError(t *testing.T, db store.DB) {
	ctx := context.Background()
	record(t, auditLog(db), 1)
	boom := errors.New("boom")
	_, err := db.AppendAudit(ctx, func(prev audit.Head) (audit.Entry, error) {
		if prev.Seq != 1 || prev.Hash == "" {
			t.Errorf("prev = %+v, want the head of one entry", prev)
		}
		return audit.Entry{}, boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("AppendAudit = %v, want the build error", err)
	}
	if es, _ := db.AuditEntries(ctx, audit.Filter{}); len(es) != 1 {
		t.Errorf("%d entries after a failed append, want 1", len(es))
	}
}

func testAuditGuard(t *testing.T, db store.DB) {
	record(t, auditLog(db), 2)
	s := rawSQL(t, db)
	stmts := []string{
		`UPDATE audit_log SET reason = 'verzonnen' WHERE seq = 1`,
		`DELETE FROM audit_log WHERE seq = 2`,
	}
	if db.Engine() == "postgres" {
		stmts = append(stmts, `TRUNCATE audit_log`)
	}
	for _, q := range stmts {
		_, err := s.Write.ExecContext(context.Background(), q)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: err = %v, want the append-only refusal", q, err)
		}
	}
	if r := verify(t, auditLog(db)); !r.OK() || r.Entries != 2 {
		t.Errorf("Verify after refused changes = %+v, want 2 intact entries", r)
	}
}

func testAuditChanged(t *testing.T, db store.DB) {
	log := auditLog(db)
	record(t, log, 5)
	dropGuard(t, db)
	execSQL(t, db, `UPDATE audit_log SET after = ? WHERE seq = ?`, `{"n":99}`, 3)
	r := verify(t, log)
	wantProblem(t, r, 3, "entry 3 was changed")
	if len(r.Problems) != 1 {
		t.Errorf("problems %+v, want only entry 3", r.Problems)
	}
}

func testAuditRehashed(t *testing.T, db store.DB) {
	ctx := context.Background()
	log := auditLog(db)
	es := record(t, log, 4)
	dropGuard(t, db)
	forged := es[1]
	forged.Reason = "verzonnen"
	forged.Hash = forged.ComputeHash()
	execSQL(t, db, `UPDATE audit_log SET reason = ?, hash = ? WHERE seq = ?`, forged.Reason, forged.Hash, forged.Seq)
	r := verify(t, log)
	wantProblem(t, r, 3, "entry 3 does not follow entry 2")
	// Rewriting every later link as well leaves a whole chain; only an earlier head shows it.
	for _, e := range es[2:] {
		e.PrevHash = forged.Hash
		e.Hash = e.ComputeHash()
		execSQL(t, db, `UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?`, e.PrevHash, e.Hash, e.Seq)
		forged = e
	}
	if r := verify(t, log); !r.OK() {
		t.Fatalf("a fully rewritten chain: problems %+v, want none (it is consistent)", r.Problems)
	}
	r, err := log.VerifyAgainst(ctx, audit.Head{Seq: es[3].Seq, Hash: es[3].Hash})
	if err != nil {
		t.Fatalf("VerifyAgainst: %v", err)
	}
	wantProblem(t, r, 4, "entry 4 is not the entry recorded earlier")
}

func testAuditRemoved(t *testing.T, db store.DB) {
	log := auditLog(db)
	record(t, log, 5)
	dropGuard(t, db)
	execSQL(t, db, `DELETE FROM audit_log WHERE seq = ?`, 3)
	execSQL(t, db, `DELETE FROM audit_log WHERE seq = ?`, 1)
	r := verify(t, log)
	wantProblem(t, r, 4, "entry 4 does not follow entry 2: entry 3 was removed")
	wantProblem(t, r, 2, "entry 2 does not follow the start of the trail: entry 1 was removed")
	if len(r.Problems) != 2 {
		t.Errorf("problems %+v, want two", r.Problems)
	}
}

func testAuditTruncated(t *testing.T, db store.DB) {
	ctx := context.Background()
	log := auditLog(db)
	record(t, log, 5)
	head := verify(t, log).Head
	dropGuard(t, db)
	execSQL(t, db, `DELETE FROM audit_log WHERE seq >= ?`, 4)
	if r := verify(t, log); !r.OK() || r.Head.Seq != 3 {
		t.Fatalf("Verify = %+v, want an intact chain of 3 (truncation is invisible without a head)", r)
	}
	r, err := log.VerifyAgainst(ctx, head)
	if err != nil {
		t.Fatalf("VerifyAgainst: %v", err)
	}
	wantProblem(t, r, 5, "entry 5, recorded earlier as the head, is missing")
}

func testAuditReordered(t *testing.T, db store.DB) {
	log := auditLog(db)
	record(t, log, 5)
	dropGuard(t, db)
	// Swap entries 2 and 3 (through seq 0, as seq is the key).
	execSQL(t, db, `UPDATE audit_log SET seq = 0 WHERE seq = 2`)
	execSQL(t, db, `UPDATE audit_log SET seq = 2 WHERE seq = 3`)
	execSQL(t, db, `UPDATE audit_log SET seq = 3 WHERE seq = 0`)
	r := verify(t, log)
	wantProblem(t, r, 2, "entry 2 was changed")
	wantProblem(t, r, 3, "entry 3 was changed")
	wantProblem(t, r, 2, "entry 2 does not follow entry 1")
	wantProblem(t, r, 4, "entry 4 does not follow entry 3")
}
