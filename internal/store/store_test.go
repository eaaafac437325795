package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/identity"
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

// InTx: the writes inside it (nested calls join the outer transaction) commit together,
// or none does when fn fails.
func TestInTxCommitsOrRollsBackEveryWriteInside(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			dsn := ""
			if engine == "postgres" {
				dsn = pgtest.DSN(t)
			}
			db, err := store.Open(ctx, t.TempDir(), dsn, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			org := func(id string) identity.Organisation {
				return identity.Organisation{ID: id, Kind: identity.Operator, Name: id}
			}
			failure := errors.New("fail")
			err = db.InTx(ctx, func(ctx context.Context) error {
				if err := db.SaveOrganisation(ctx, org("een")); err != nil {
					return err
				}
				return db.InTx(ctx, func(ctx context.Context) error { // joins
					if err := db.SaveOrganisation(ctx, org("twee")); err != nil {
						return err
					}
					return failure
				})
			})
			if err != failure {
				t.Fatalf("InTx = %v, want fn's error", err)
			}
			if orgs, err := db.Organisations(ctx); err != nil || len(orgs) != 0 {
				t.Fatalf("after a rollback: %v, %v; want no organisations", orgs, err)
			}
			err = db.InTx(ctx, func(ctx context.Context) error {
				if err := db.SaveOrganisation(ctx, org("een")); err != nil {
					return err
				}
				return db.InTx(ctx, func(ctx context.Context) error { return db.SaveOrganisation(ctx, org("twee")) })
			})
			if err != nil {
				t.Fatal(err)
			}
			if orgs, err := db.Organisations(ctx); err != nil || len(orgs) != 2 {
				t.Fatalf("after a commit: %v, %v; want two organisations", orgs, err)
			}
		})
	}
}
