package sqlstore

import (
	"testing"
	"testing/fstest"
)

func TestPlaceholdersAreNumberedForPostgreSQLOnly(t *testing.T) {
	query := `SELECT a FROM t WHERE b = ? AND c IN (?, ?)`
	if got := (&DB{}).Q(query); got != query {
		t.Errorf("SQLite: Q changed the query to %q", got)
	}
	want := `SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)`
	if got := (&DB{Dialect: Dialect{Numbered: true}}).Q(query); got != want {
		t.Errorf("PostgreSQL: Q = %q, want %q", got, want)
	}
}

func TestMigrationsComeInNumericOrder(t *testing.T) {
	fsys := fstest.MapFS{
		"m/0010_later.sql": {Data: []byte("B")},
		"m/0002_first.sql": {Data: []byte("A")},
		"m/README.md":      {Data: []byte("not a migration")},
	}
	ms, err := Migrations(fsys, "m")
	if err != nil {
		t.Fatalf("Migrations: %v", err)
	}
	if len(ms) != 2 || ms[0].Version != 2 || ms[1].Version != 10 || ms[0].SQL != "A" {
		t.Errorf("Migrations = %+v, want 0002 then 0010", ms)
	}
}

func TestBadlyNamedMigrationsAreRefused(t *testing.T) {
	tests := []struct {
		name string
		fsys fstest.MapFS
	}{
		{"a name without a number", fstest.MapFS{"m/init.sql": {}}},
		{"two files with the same number", fstest.MapFS{"m/0001_a.sql": {}, "m/1_b.sql": {}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Migrations(tc.fsys, "m"); err == nil {
				t.Errorf("Migrations succeeded, want an error")
			}
		})
	}
}
