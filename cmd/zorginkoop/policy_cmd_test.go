package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	wiring "zorginkoop/internal/app"
	"zorginkoop/internal/apptest"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/store"
	"zorginkoop/internal/store/sqlite"
	"zorginkoop/policies"
)

// `policy show` and `policy diff` read the same library as the server: a draft saved
// through the policy service (as the pages and the API do) is seen from the data
// directory's database, beside the shipped files.
func TestPolicyCommandsSeeWhatWasSavedThroughTheService(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	db, err := store.Open(ctx, dir, "", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	lib, err := policy.LoadLibrary(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	s := wiring.New(db, lib, wiring.Config{Now: time.Now})
	if _, _, err := s.Policies.SaveDraft(ctx, identity.System(), "zz.yaml", apptest.ZBCDraftYAML(t, "zz-msz-2025", "Concept MSZ 2025")); err != nil {
		t.Fatal(err)
	}
	db.Close()

	code, out, errOut := cli(t, nil, "policy", "show", "zz-msz-2025", "--data-dir", dir)
	if code != 0 || !strings.Contains(out, "Concept MSZ 2025 (draft, not published)") {
		t.Errorf("policy show: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = cli(t, nil, "policy", "diff", apptest.PolicyB, "zz-msz-2025", "--data-dir", dir)
	if code != 0 || !strings.Contains(out, "was € 100.000,00, wordt € 75.000,00") {
		t.Errorf("policy diff: exit %d\n%s%s", code, out, errOut)
	}
	code, out, _ = cli(t, nil, "policy", "list", "--data-dir", dir)
	if code != 0 || !strings.Contains(out, "zz-msz-2025\t") || !strings.Contains(out, "cz-hz-mdz-2022\t") {
		t.Errorf("policy list: exit %d\n%s", code, out)
	}

	// Without a database the files alone, and no database is made.
	empty := t.TempDir()
	code, _, errOut = cli(t, nil, "policy", "show", "zz-msz-2025", "--data-dir", empty)
	if code == 0 || !strings.Contains(errOut, `unknown policy "zz-msz-2025"; known: `) {
		t.Errorf("policy show without a database: exit %d\n%s", code, errOut)
	}
	if code, _, _ := cli(t, nil, "policy", "show", apptest.PolicyB, "--data-dir", empty); code != 0 {
		t.Errorf("policy show of a file without a database: exit %d", code)
	}
	if _, err := os.Stat(filepath.Join(empty, sqlite.FileName)); err == nil {
		t.Error("policy show made a database")
	}
}
