package sqlite_test

import (
	"context"
	"testing"

	"zorginkoop/internal/store/sqlite"
	"zorginkoop/internal/store/storetest"
)

// stagedRows counts the rows left in the staging tables.
func stagedRows(t *testing.T, db *sqlite.DB) int {
	t.Helper()
	var n int
	err := db.Read.QueryRow(`SELECT (SELECT count(*) FROM provider_imports) + (SELECT count(*) FROM staged_providers) +
		(SELECT count(*) FROM staged_provider_facts) + (SELECT count(*) FROM staged_provider_locations)`).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportsLeaveNoStagedRows(t *testing.T) {
	db := open(t, t.TempDir())
	defer db.Close()
	ps := storetest.Synthetic(600, 3)
	storetest.Fill(t, db, ps)
	if n := stagedRows(t, db); n != 0 {
		t.Errorf("after an import: %d staged rows left", n)
	}
	ps[599].Facts = append(ps[599].Facts, ps[599].Facts[0])
	if err := db.ReplaceProviders(context.Background(), ps, nil); err == nil {
		t.Fatal("an import with a duplicate fact succeeded")
	}
	if n := stagedRows(t, db); n != 0 {
		t.Errorf("after a failed import: %d staged rows left", n)
	}
}

// A process killed while staging leaves its rows; the next import removes them once they
// have gone untouched for an hour, and leaves those of an import still running.
func TestTheNextImportRemovesStaleStagedRows(t *testing.T) {
	db := open(t, t.TempDir())
	defer db.Close()
	for _, q := range []string{
		`INSERT INTO provider_imports (id, touched_at) VALUES (7, '2020-01-01T00:00:00.000000000Z'), (8, '2999-01-01T00:00:00.000000000Z')`,
		`INSERT INTO staged_providers (import_id, id, name, kvk) VALUES (7, 'dood', 'Dood', '1'), (8, 'bezig', 'Bezig', '2')`,
		`INSERT INTO staged_provider_facts (import_id, provider_id, pos, key, value, source) VALUES (7, 'dood', 0, 'k', 'v', 'provider')`,
	} {
		if _, err := db.Write.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	storetest.Fill(t, db, storetest.Synthetic(2, 1))
	var ids []string
	rows, err := db.Read.Query(`SELECT import_id || ':' || id FROM staged_providers UNION ALL SELECT 'import ' || id FROM provider_imports ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		rows.Scan(&s)
		ids = append(ids, s)
	}
	if len(ids) != 2 || ids[0] != "8:bezig" || ids[1] != "import 8" {
		t.Errorf("staged rows left: %q, want those of the running import 8 only", ids)
	}
	if n := stagedRows(t, db); n != 2 {
		t.Errorf("%d staged rows, want 2 (import 8 and its provider)", n)
	}
}
