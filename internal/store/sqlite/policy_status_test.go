package sqlite_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"zorginkoop/internal/policy"
	"zorginkoop/internal/store/sqlite"
	"zorginkoop/internal/store/sqlstore"
)

// Policies stored before policies had a status were installed by the operator and are in
// force: migration 0004 makes them published, at version 1.
func TestPoliciesStoredBeforeDraftsArePublished(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	all, err := sqlstore.Migrations(os.DirFS("."), "migrations")
	if err != nil {
		t.Fatal(err)
	}
	var before []sqlstore.Migration
	for _, m := range all {
		if m.Version < 4 {
			before = append(before, m)
		}
	}
	raw, err := sql.Open("sqlite", "file:"+filepath.Join(dir, sqlite.FileName))
	if err != nil {
		t.Fatal(err)
	}
	old := &sqlstore.DB{Read: raw, Write: raw}
	conn, err := raw.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.Migrate(ctx, conn, before); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, `INSERT INTO policies (id, file, raw, loaded_at) VALUES ('cz-msz-2024', 'cz-msz-2024.yaml', x'69643a', '2024-01-01T00:00:00.000000000Z')`); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	raw.Close()

	db := open(t, dir)
	defer db.Close()
	recs, err := db.PolicyRecords(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || recs[0].Status != policy.Published || recs[0].Version != 1 || recs[0].Insurer != "" {
		t.Fatalf("after migrating: %+v", recs)
	}
}
