package postgres_test

import (
	"context"
	"maps"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/claims"
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
	storetest.RunClaims(t, empty)
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

// A read aside from a transaction (through db.Read, as the questionnaire's submission
// reads the provider's record inside its transaction) does not wait for the connections
// the transactions hold: with as many transactions open as the pool has connections, each
// reading aside, all of them commit. From one pool they waited for each other until the
// deadline (issue 10's deadline-day rush hung the server).
func TestReadsInsideAsManyTransactionsAsConnectionsDoNotHang(t *testing.T) {
	const conns = 2
	dsn := pgtest.DSN(t)
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	db, err := postgres.Open(context.Background(), dsn+sep+"pool_max_conns="+strconv.Itoa(conns), nil)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer db.Close()
	storetest.Fill(t, db, storetest.Synthetic(1, 2))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var began sync.WaitGroup
	began.Add(conns)
	errs := make(chan error, conns)
	for range conns {
		go func() {
			errs <- db.InTx(ctx, func(ctx context.Context) error {
				began.Done()
				began.Wait() // every connection of the pool is in a transaction now
				_, err := db.Provider(ctx, "p-000001")
				return err
			})
		}()
	}
	for range conns {
		if err := <-errs; err != nil {
			t.Fatalf("a transaction that reads aside: %v", err)
		}
	}
}

// Claim lines land in the partition of their year (the year of their begin date): the
// yearly ones exist for 2020..2030, any other year (and a line without a date, year 0)
// goes to the DEFAULT partition, so an intake never needs DDL.
func TestClaimLinesArePartitionedByYear(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	db, err := postgres.Open(ctx, dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	lines := storetest.ClaimLines("f-1", "cz-groep", "p-1", 6) // begin dates alternate 2025, 2026
	lines[4].Begin, lines[5].Begin = 20190301, 0
	err = db.InTx(ctx, func(ctx context.Context) error {
		f := &claims.File{ID: "f-1", Insurer: "cz-groep", ProviderID: "p-1", Sender: "06000001", Invoice: "F-1", SHA256: "sha-1",
			Channel: claims.ViaAPI, ReceivedAt: time.Now()}
		if err := db.CreateFile(ctx, f); err != nil {
			return err
		}
		return db.AddLines(ctx, lines)
	})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT tableoid::regclass::text, COUNT(*) FROM claim_lines GROUP BY 1 ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for rows.Next() {
		var (
			part string
			n    int
		)
		if err := rows.Scan(&part, &n); err != nil {
			t.Fatal(err)
		}
		got[part] = n
	}
	if want := map[string]int{"claim_lines_2025": 2, "claim_lines_2026": 2, "claim_lines_other": 2}; !maps.Equal(got, want) {
		t.Errorf("lines per partition: %v, want %v", got, want)
	}
}
