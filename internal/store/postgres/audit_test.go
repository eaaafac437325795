package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"zorginkoop/internal/audit"
	"zorginkoop/internal/store/pgtest"
	"zorginkoop/internal/store/postgres"
	"zorginkoop/internal/store/storetest"
)

func TestAudit(t *testing.T) {
	storetest.RunAudit(t, empty)
}

// Two app instances on one database append at once: the table lock keeps one chain.
func TestAuditAppendersOfTwoInstancesKeepOneChain(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	var logs []*audit.Log
	for range 2 {
		db, err := postgres.Open(ctx, dsn, nil)
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		t.Cleanup(func() { db.Close() })
		logs = append(logs, audit.NewLog(db, time.Now))
	}
	const each = 30
	var wg sync.WaitGroup
	errs := make(chan error, 4*each)
	for w := range 4 {
		log := logs[w%2]
		wg.Go(func() {
			for i := range each {
				if _, err := log.Record(ctx, audit.Entry{Action: "test.append", Subject: fmt.Sprintf("item:%d:%d", w, i)}); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("Record: %v", err)
	}
	r, err := logs[0].Verify(ctx)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if !r.OK() || r.Entries != 4*each || r.Head.Seq != 4*each {
		t.Errorf("Verify = %d entries, head %v, problems %+v; want %d entries in one chain", r.Entries, r.Head, r.Problems, 4*each)
	}
}
