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

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.DB {
		db := open(t, t.TempDir())
		t.Cleanup(func() { db.Close() })
		return db
	})
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
// holds the write connection at most: staging runs in short transactions, Commit in one.
// The first round imports into an empty database, the second replaces every provider.
// go test -run ^$ -bench Import50k -benchtime 2x ./internal/store/sqlite/
func BenchmarkImport50k(b *testing.B) {
	db, err := sqlite.Open(context.Background(), b.TempDir(), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	ps := storetest.Synthetic(50_000, 40)
	var stage, commit, discard time.Duration
	for b.Loop() {
		t0 := time.Now()
		s, err := db.StageProviders(ctx, ps, nil)
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
		stage, commit, discard = stage+t1.Sub(t0), commit+t2.Sub(t1), discard+time.Since(t2)
		b.Logf("stage %v, commit (the one long hold) %v, discard %v", t1.Sub(t0), t2.Sub(t1), time.Since(t2))
	}
	b.ReportMetric(commit.Seconds()/float64(b.N), "s-commit/op")
	b.ReportMetric(stage.Seconds()/float64(b.N), "s-stage/op")
	b.ReportMetric(discard.Seconds()/float64(b.N), "s-discard/op")
}
