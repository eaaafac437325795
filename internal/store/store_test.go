package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/store"
	"zorginkoop/internal/store/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestOpenWithoutDSNUsesSQLiteInTheDataDirectory(t *testing.T) {
	dir := t.TempDir()
	db, err := store.Open(context.Background(), dir, "", nil)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close()
	if db.Engine() != "sqlite" {
		t.Errorf("Engine() = %q, want sqlite", db.Engine())
	}
	if _, err := os.Stat(filepath.Join(dir, "zorginkoop.db")); err != nil {
		t.Errorf("database file: %v", err)
	}
}

func TestOpenWithDSNUsesPostgreSQL(t *testing.T) {
	db, err := store.Open(context.Background(), t.TempDir(), pgtest.DSN(t), nil)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close()
	if db.Engine() != "postgres" {
		t.Errorf("Engine() = %q, want postgres", db.Engine())
	}
}

func TestOpenRefusesAMalformedDSN(t *testing.T) {
	tests := []struct{ name, dsn string }{
		{"a MySQL URL is not PostgreSQL", "mysql://user@localhost/zorginkoop"},
		{"a bare word is not a DSN", "zorginkoop"},
		{"a PostgreSQL URL with a bad port", "postgres://user@localhost:port/zorginkoop"},
		{"key=value with a bad port", "host=localhost port=abc dbname=zorginkoop"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			_, err := store.Open(context.Background(), dir, tc.dsn, nil)
			e, ok := err.(*apperr.Error)
			if !ok || e.Code != apperr.Invalid || e.Field != "db" {
				t.Fatalf("Open(%q) = %v, want an Invalid error on field db", tc.dsn, err)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("a refused DSN left %d files in the data directory", len(entries))
			}
		})
	}
}
