package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zorginkoop/internal/audit"
	"zorginkoop/internal/store"
	"zorginkoop/internal/store/sqlite"
)

// auditTrail records n entries in a fresh SQLite database in a new data directory.
func auditTrail(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	db, err := store.Open(ctx, dir, "", nil)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer db.Close()
	at := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	log := audit.NewLog(db, func() time.Time { at = at.Add(time.Minute); return at })
	for i := range n {
		org := []string{"cz", "asr"}[i%2]
		_, err := log.Record(ctx, audit.Entry{UserID: "u-1", UserName: "Jan Jansen", OrgID: org, Scope: org,
			Action: "policy.publish", Subject: fmt.Sprintf("policy:%d", i+1), Reason: "publicatie\nvoor 2026",
			After: audit.JSON(map[string]string{"status": "published"})})
		if err != nil {
			t.Fatalf("Record: %v", err)
		}
	}
	return dir
}

// tamper runs statements on the database file directly, as someone with file access can.
func tamper(t *testing.T, dir string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", filepath.Join(dir, sqlite.FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func TestAuditVerifyIntactTrailExitsZeroAndPrintsTheHead(t *testing.T) {
	dir := auditTrail(t, 3)
	code, out, errOut := cli(t, nil, "audit", "verify", "--data-dir", dir)
	if code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "audit trail intact: 3 entries, head seq 3 hash ") {
		t.Errorf("output does not report an intact trail with its head:\n%s", out)
	}
}

func TestAuditVerifyNamesAChangedEntryAndExitsOne(t *testing.T) {
	dir := auditTrail(t, 3)
	tamper(t, dir,
		`DROP TRIGGER audit_log_no_update`,
		`UPDATE audit_log SET user_name = 'Piet Pietersen' WHERE seq = 2`)
	code, out, errOut := cli(t, nil, "audit", "verify", "--data-dir", dir)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "entry 2 was changed") || strings.Contains(out, "entry 3") {
		t.Errorf("output should name entry 2 (and only it):\n%s", out)
	}
	if !strings.Contains(errOut, "the audit trail is broken: 1 problem in 3 entries") {
		t.Errorf("stderr: %s", errOut)
	}
}

func TestAuditVerifyAgainstAnEarlierHeadFindsRemovedNewestEntries(t *testing.T) {
	dir := auditTrail(t, 3)
	code, out, _ := cli(t, nil, "audit", "verify", "--data-dir", dir, "--json")
	var r audit.Report
	if err := json.Unmarshal([]byte(out), &r); code != 0 || err != nil {
		t.Fatalf("exit %d, %v:\n%s", code, err, out)
	}
	head := fmt.Sprintf("%d:%s", r.Head.Seq, r.Head.Hash)
	if code, out, errOut := cli(t, nil, "audit", "verify", "--data-dir", dir, "--head", head); code != 0 {
		t.Fatalf("exit %d before the removal\n%s%s", code, out, errOut)
	}
	tamper(t, dir, `DROP TRIGGER audit_log_no_delete`, `DELETE FROM audit_log WHERE seq = 3`)
	if code, out, _ := cli(t, nil, "audit", "verify", "--data-dir", dir); code != 0 {
		t.Errorf("without a head the shorter chain verifies (exit %d):\n%s", code, out)
	}
	code, out, _ = cli(t, nil, "audit", "verify", "--data-dir", dir, "--head", head)
	if code != 1 || !strings.Contains(out, "entry 3, recorded earlier as the head, is missing") {
		t.Errorf("exit %d, want 1 naming entry 3:\n%s", code, out)
	}
	if code, _, errOut := cli(t, nil, "audit", "verify", "--data-dir", dir, "--head", "3"); code != 2 || !strings.Contains(errOut, "SEQ:HASH") {
		t.Errorf("a malformed --head: exit %d, %s; want a usage error", code, errOut)
	}
}

func TestAuditListFiltersNewestFirst(t *testing.T) {
	dir := auditTrail(t, 5)
	code, out, errOut := cli(t, nil, "audit", "list", "--data-dir", dir, "--org", "cz")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[1], "5 ") || !strings.HasPrefix(lines[3], "1 ") {
		t.Fatalf("want a header and entries 5, 3, 1:\n%s", out)
	}
	if !strings.Contains(lines[1], "Jan Jansen (u-1)") || !strings.Contains(lines[1], "publicatie voor 2026") {
		t.Errorf("line lacks the user or the reason on one line: %s", lines[1])
	}
	code, out, errOut = cli(t, nil, "audit", "list", "--data-dir", dir, "--limit", "2", "--before", "5", "--json")
	var es []audit.Entry
	if err := json.Unmarshal([]byte(out), &es); code != 0 || err != nil {
		t.Fatalf("exit %d, %v:\n%s%s", code, err, out, errOut)
	}
	if len(es) != 2 || es[0].Seq != 4 || es[1].Seq != 3 || !strings.Contains(string(es[0].After), `"published"`) {
		t.Errorf("JSON page = %+v, want entries 4 and 3 with their values", es)
	}
	if code, _, errOut := cli(t, nil, "audit", "list", "--data-dir", dir, "--limit", "0"); code != 2 || !strings.Contains(errOut, "--limit must be between 1 and") {
		t.Errorf("--limit 0: exit %d, %s", code, errOut)
	}
}
