package storetest

import (
	"context"
	"strings"
	"testing"

	"zorginkoop/internal/audit"
	"zorginkoop/internal/store"
)

// testAuditNoBypass tries, in SQL, every way around the UPDATE and DELETE triggers that
// each engine has: replacing a row (SQLite's INSERT OR REPLACE deleted the row it
// conflicted with without firing the DELETE trigger), upserting, merging, and slipping an
// entry in with a gap or a wrong link. Each must be refused and leave the trail as it was.
func testAuditNoBypass(t *testing.T, db store.DB) {
	ctx := context.Background()
	log := auditLog(db)
	recorded := record(t, log, 2)
	s := rawSQL(t, db)

	forged := recorded[0] // entry 1 with another reason and a hash that fits it
	forged.Reason = "verzonnen"
	forged.Hash = forged.ComputeHash()
	next := forged // what would come after entry 2, with a wrong link or a gap
	next.Seq, next.PrevHash = 3, recorded[0].Hash
	next.Hash = next.ComputeHash()
	gap := next
	gap.Seq, gap.PrevHash = 5, recorded[1].Hash
	gap.Hash = gap.ComputeHash()
	row := func(e audit.Entry) []any {
		return []any{e.Seq, s.Dialect.Time(e.At), e.UserID, e.UserName, e.OrgID, e.Action, e.Subject, e.Scope, e.Dossier,
			nullText(e.Before), nullText(e.After), e.Reason, e.Denied, e.PrevHash, e.Hash}
	}
	const cols = `(seq, at, user_id, user_name, org_id, action, subject, scope, dossier, before, after, reason, denied, prev_hash, hash)`
	const values = ` VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	type attempt struct {
		name, query string
		args        []any
	}
	attempts := []attempt{
		{"insert with a seq that exists", `INSERT INTO audit_log ` + cols + values, row(forged)},
		{"upsert (ON CONFLICT DO UPDATE)", `INSERT INTO audit_log ` + cols + values +
			` ON CONFLICT (seq) DO UPDATE SET reason = 'verzonnen', hash = excluded.hash`, row(forged)},
		{"append with a link to another entry than the last", `INSERT INTO audit_log ` + cols + values, row(next)},
		{"append with a gap", `INSERT INTO audit_log ` + cols + values, row(gap)},
	}
	switch db.Engine() {
	case "sqlite":
		attempts = append(attempts,
			attempt{"INSERT OR REPLACE", `INSERT OR REPLACE INTO audit_log ` + cols + values, row(forged)},
			attempt{"REPLACE INTO", `REPLACE INTO audit_log ` + cols + values, row(forged)},
			attempt{"REPLACE INTO with the seq as text", `REPLACE INTO audit_log ` + cols + values,
				append([]any{"1"}, row(forged)[1:]...)},
			attempt{"append without a seq", `INSERT INTO audit_log ` + strings.Replace(cols, "seq, ", "", 1) +
				` VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, row(next)[1:]},
			attempt{"UPDATE OR REPLACE", `UPDATE OR REPLACE audit_log SET seq = 1 WHERE seq = 2`, nil},
		)
	case "postgres":
		attempts = append(attempts,
			attempt{"MERGE ... UPDATE", `MERGE INTO audit_log a USING (SELECT 1 AS seq) s ON a.seq = s.seq
				WHEN MATCHED THEN UPDATE SET reason = 'verzonnen'`, nil},
			attempt{"MERGE ... DELETE", `MERGE INTO audit_log a USING (SELECT 1 AS seq) s ON a.seq = s.seq
				WHEN MATCHED THEN DELETE`, nil},
			attempt{"TRUNCATE ... CASCADE", `TRUNCATE audit_log CASCADE`, nil},
		)
	}
	for _, a := range attempts {
		_, err := s.Write.ExecContext(ctx, s.Q(a.query), a.args...)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: err = %v, want the append-only refusal", a.name, err)
		}
	}
	got, err := db.AuditEntries(ctx, audit.Filter{})
	if err != nil {
		t.Fatalf("AuditEntries: %v", err)
	}
	if len(got) != 2 || !sameEntry(got[0], recorded[1]) || !sameEntry(got[1], recorded[0]) {
		t.Errorf("after the refused attempts the trail is\n%v\nwant the two entries recorded", got)
	}
	if r := verify(t, log); !r.OK() || r.Entries != 2 {
		t.Errorf("Verify after refused attempts = %+v, want 2 intact entries", r)
	}
	// The application still appends.
	record(t, log, 1)
}

// nullText stores absent JSON as NULL, as the store does.
func nullText(b []byte) any {
	if b == nil {
		return nil
	}
	return string(b)
}
