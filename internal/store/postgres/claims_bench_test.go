package postgres_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"zorginkoop/internal/claims"
	"zorginkoop/internal/store"
	"zorginkoop/internal/store/pgtest"
	"zorginkoop/internal/store/postgres"
	"zorginkoop/internal/store/sqlite"
	"zorginkoop/internal/store/sqlstore"
	"zorginkoop/internal/store/storetest"
)

// benchBatch is how many lines one AddLines gets, as the intake's default batch
// (claims.Options.BatchLines).
const benchBatch = 5000

// BenchmarkClaimLinesCopy stores the same N adjudicated claim lines, in one run:
// (a) through the store (CreateFile and AddLines per batch of 5,000 in one transaction,
// COPY underneath), (b) through a raw COPY claim_lines FROM STDIN of the same rows,
// encoded as COPY text before the clock starts, into the same emptied table, in one
// transaction; and (c) through the store on SQLite. It reports lines per second of each
// (the fastest of its runs) and the ratio store/raw on PostgreSQL (issue 11: at least
// 0.5). N is
// ZORGINKOOP_BENCH_CLAIM_LINES (default 200,000):
//
//	ZORGINKOOP_BENCH_CLAIM_LINES=200000 go test -run '^$' -bench ClaimLinesCopy -benchtime 3x ./internal/store/postgres/
func BenchmarkClaimLinesCopy(b *testing.B) {
	n := 200_000
	if s := os.Getenv("ZORGINKOOP_BENCH_CLAIM_LINES"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v <= 0 {
			b.Fatalf("ZORGINKOOP_BENCH_CLAIM_LINES=%q is not a positive number", s)
		}
		n = v
	}
	ctx := context.Background()
	dsn := pgtest.DSN(b)
	db, err := postgres.Open(ctx, dsn, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	lite, err := sqlite.Open(ctx, b.TempDir(), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer lite.Close()

	file := &claims.File{ID: "f-bench", Insurer: "cz-groep", ProviderID: "p-1", Sender: "06000001", Invoice: "F-bench",
		Name: "bench.asc", SHA256: "bench", Standard: "ZH308 9.0", Channel: claims.ViaAPI, ReceivedAt: time.Now()}
	lines := storetest.ClaimLines(file.ID, file.Insurer, file.ProviderID, n)
	raw := copyText(lines)
	copySQL := `COPY claim_lines (` + strings.Join(sqlstore.LineColumns(), ", ") + `) FROM STDIN`
	empty := func() {
		for _, stmt := range []string{`TRUNCATE claim_lines, claim_files`, `CHECKPOINT`} {
			if _, err := conn.Exec(ctx, stmt); err != nil {
				b.Fatal(err)
			}
		}
	}
	count := func() {
		var got int
		if err := conn.QueryRow(ctx, `SELECT COUNT(*) FROM claim_lines`).Scan(&got); err != nil || got != n {
			b.Fatalf("%d lines stored, want %d (%v)", got, n, err)
		}
	}

	// The machine is shared (2 cores): each way runs once per iteration, the order
	// alternating, on a freshly emptied and checkpointed table, and the fastest run of
	// each way is reported (-benchtime 3x for three of each).
	storePG := func() {
		if err := storeLines(ctx, db, file, lines); err != nil {
			b.Fatal(err)
		}
	}
	rawPG := func() {
		tx, err := conn.Begin(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := tx.Conn().PgConn().CopyFrom(ctx, bytes.NewReader(raw), copySQL); err != nil {
			b.Fatal(err)
		}
		if err := tx.Commit(ctx); err != nil {
			b.Fatal(err)
		}
	}
	timed := func(best *time.Duration, fn func()) {
		b.StopTimer()
		empty()
		b.StartTimer()
		t0 := time.Now()
		fn()
		d := time.Since(t0)
		b.StopTimer()
		count()
		b.StartTimer()
		if *best == 0 || d < *best {
			*best = d
		}
	}
	var storeT, rawT, liteT time.Duration
	i := 0
	for b.Loop() {
		if i%2 == 0 {
			timed(&storeT, storePG)
			timed(&rawT, rawPG)
		} else {
			timed(&rawT, rawPG)
			timed(&storeT, storePG)
		}
		i++
		b.StopTimer()
		if _, err := lite.Write.ExecContext(ctx, `DELETE FROM claim_lines`); err != nil {
			b.Fatal(err)
		}
		if _, err := lite.Write.ExecContext(ctx, `DELETE FROM claim_files`); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		t0 := time.Now()
		if err := storeLines(ctx, lite, file, lines); err != nil {
			b.Fatal(err)
		}
		if d := time.Since(t0); liteT == 0 || d < liteT {
			liteT = d
		}
	}
	rate := func(d time.Duration) float64 { return float64(n) / d.Seconds() }
	b.ReportMetric(rate(storeT), "store-lines/s")
	b.ReportMetric(rate(rawT), "raw-copy-lines/s")
	b.ReportMetric(rawT.Seconds()/storeT.Seconds(), "store/raw")
	b.ReportMetric(rate(liteT), "sqlite-lines/s")
	b.ReportMetric(float64(n), "lines")
}

// storeLines stores the file and its lines as the intake does: one transaction,
// AddLines per batch.
func storeLines(ctx context.Context, db store.DB, f *claims.File, lines []claims.Line) error {
	return db.InTx(ctx, func(ctx context.Context) error {
		if err := db.CreateFile(ctx, f); err != nil {
			return err
		}
		for start := 0; start < len(lines); start += benchBatch {
			if err := db.AddLines(ctx, lines[start:min(start+benchBatch, len(lines))]); err != nil {
				return err
			}
		}
		return nil
	})
}

// copyText encodes the lines' rows (sqlstore.LineRows) in COPY's text format.
func copyText(lines []claims.Line) []byte {
	var buf bytes.Buffer
	rows := sqlstore.NewLineRows(lines)
	esc := strings.NewReplacer(`\`, `\\`, "\t", `\t`, "\n", `\n`, "\r", `\r`)
	for rows.Next() {
		vs, _ := rows.Values()
		for i, v := range vs {
			if i > 0 {
				buf.WriteByte('\t')
			}
			switch v := v.(type) {
			case string:
				esc.WriteString(&buf, v)
			case bool:
				buf.WriteString(map[bool]string{true: "t", false: "f"}[v])
			default:
				fmt.Fprint(&buf, v)
			}
		}
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}
