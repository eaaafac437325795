package postgres_test

import (
	"context"
	"testing"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/store"
	"zorginkoop/internal/store/pgtest"
	"zorginkoop/internal/store/postgres"
	"zorginkoop/internal/store/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// empty opens a fresh, empty, migrated database for one test.
func empty(t *testing.T) store.DB {
	db, err := postgres.Open(context.Background(), pgtest.DSN(t), nil)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestStore runs every area's store suite; TestAudit (audit_test.go) runs the audit trail's.
func TestStore(t *testing.T) {
	storetest.RunProviders(t, empty)
	storetest.RunProviderDealings(t, empty)
	storetest.RunImports(t, empty)
	storetest.RunPolicies(t, empty)
	storetest.RunAssessments(t, empty)
	storetest.RunIdentity(t, empty)
	storetest.RunDocuments(t, empty)
	storetest.RunNotices(t, empty)
	storetest.RunRounds(t, empty)
	storetest.RunPriceLists(t, empty)
	storetest.RunQuestionnaire(t, empty)
	storetest.RunContracts(t, empty)
}

func TestOpenTwiceAppliesMigrationsOnce(t *testing.T) {
	dsn := pgtest.DSN(t)
	ctx := context.Background()
	db, err := postgres.Open(ctx, dsn, nil)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	storetest.Fill(t, db, storetest.Synthetic(3, 2))
	db.Close()
	db, err = postgres.Open(ctx, dsn, nil)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	if _, err := db.Provider(ctx, "p-000003"); err != nil {
		t.Fatalf("after reopening: %v", err)
	}
}

func TestMalformedDSNIsInvalid(t *testing.T) {
	_, err := postgres.Open(context.Background(), "postgres://host:notaport/db", nil)
	if apperr.CodeOf(err) != apperr.Invalid {
		t.Fatalf("Open(malformed) = %v, want an Invalid error", err)
	}
}

// go test -run ^$ -bench . -benchtime 1x ./internal/store/postgres/
func BenchmarkStore100k(b *testing.B) {
	db, err := postgres.Open(context.Background(), pgtest.DSN(b), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	storetest.Benchmark(b, db, 100_000, 30)
}
