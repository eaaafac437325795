package sqlite_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"zorginkoop/internal/store"
	"zorginkoop/internal/store/sqlite"
	"zorginkoop/internal/store/storetest"
)

func open(t *testing.T, dir string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(context.Background(), dir, nil)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return db
}

// empty opens a fresh, empty, migrated database for one test.
func empty(t *testing.T) store.DB {
	db := open(t, t.TempDir())
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
	storetest.RunClaims(t, empty)
}

func TestOpenCreatesTheDataDirectoryAndReopensWithItsData(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "data")
	db := open(t, dir)
	storetest.Fill(t, db, storetest.Synthetic(3, 2))
	if err := db.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, sqlite.FileName)); err != nil {
		t.Fatalf("database file: %v", err)
	}
	db = open(t, dir) // migrations already applied: must not run again
	defer db.Close()
	p, err := db.Provider(context.Background(), "p-000002")
	if err != nil {
		t.Fatalf("after reopening: %v", err)
	}
	if len(p.Facts) != 2 {
		t.Errorf("after reopening: %d facts, want 2", len(p.Facts))
	}
}

// go test -run ^$ -bench . -benchtime 1x ./internal/store/sqlite/
func BenchmarkStore100k(b *testing.B) {
	db, err := sqlite.Open(context.Background(), b.TempDir(), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	storetest.Benchmark(b, db, 100_000, 30)
}

// How long an import of 50,000 providers with 40 facts each (the demo population's size)
// holds the write connection: staging in short transactions (the longest is reported),
// then Commit in one. The first round imports into an empty database, the second replaces
// every provider. (Before staging, the whole import was one transaction.)
// go test -run ^$ -bench Import50k -benchtime 2x ./internal/store/sqlite/
func BenchmarkImport50k(b *testing.B) { benchmarkImport(b, 50_000) }

// go test -run ^$ -bench Import10k -benchtime 2x ./internal/store/sqlite/
func BenchmarkImport10k(b *testing.B) { benchmarkImport(b, 10_000) }

func benchmarkImport(b *testing.B, n int) {
	ctx := context.Background()
	ps := storetest.Synthetic(n, 40)
	b.Run("staged", func(b *testing.B) {
		db, err := sqlite.Open(ctx, b.TempDir(), nil)
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		var chunk, commit time.Duration
		for b.Loop() {
			t0 := time.Now()
			last := t0
			s, err := db.StageProviders(ctx, ps, func(int) {
				chunk, last = max(chunk, time.Since(last)), time.Now()
			})
			if err != nil {
				b.Fatal(err)
			}
			t1 := time.Now()
			if err := s.Commit(ctx); err != nil {
				b.Fatal(err)
			}
			t2 := time.Now()
			if err := s.Discard(ctx); err != nil {
				b.Fatal(err)
			}
			commit = max(commit, t2.Sub(t1))
			b.Logf("stage %v (longest chunk %v), commit %v, discard %v", t1.Sub(t0), chunk, t2.Sub(t1), time.Since(t2))
		}
		b.ReportMetric(commit.Seconds(), "s-commit-max")
		b.ReportMetric(chunk.Seconds(), "s-chunk-max")
	})
}
