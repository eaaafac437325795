package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/provider"
	"zorginkoop/internal/store"
)

// importCase is a register of 600 providers (more than one staging chunk) of which the
// first is already stored in an older version.
// RunImports runs the suite of staged provider imports (StageProviders): chunked, invisible
// until committed, all or nothing.
func RunImports(t *testing.T, open Opener) {
	run(t, open, []storeTest{
		{"an import failing in a later chunk leaves the live providers unchanged", testImportFailsInALaterChunk},
		{"a staged import is invisible until it commits, and a failure in the final transaction leaves the live providers unchanged", testStagedImportIsInvisibleUntilCommit},
		{"a staged import commits whole", testStagedImportCommitsWhole},
	})
}

func importCase(t *testing.T, db store.DB) (old provider.Provider, ps []provider.Provider) {
	t.Helper()
	ps = Synthetic(600, 3)
	old = ps[0]
	old.Name = "Oude naam"
	old.Facts = old.Facts[:1]
	replace(t, db, old)
	return old, ps
}

// unchanged checks that the live providers are as importCase left them.
func unchanged(t *testing.T, db store.DB, old provider.Provider, what string) {
	t.Helper()
	same(t, what+": the provider it would replace", *get(t, db, old.ID), old)
	if _, err := db.Provider(context.Background(), "p-000600"); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("%s: the last provider is readable (err %v), want NotFound", what, err)
	}
	if _, total, err := db.Providers(context.Background(), provider.AllProviders(), provider.Filter{}); err != nil || total != 1 {
		t.Errorf("%s: %d providers listed (err %v), want 1", what, total, err)
	}
}

func testImportFailsInALaterChunk(t *testing.T, db store.DB) {
	old, ps := importCase(t, db)
	ps[599].Facts = append(ps[599].Facts, ps[599].Facts[0]) // the same fact twice
	if err := db.ReplaceProviders(context.Background(), ps, nil); err == nil {
		t.Fatal("ReplaceProviders succeeded, want an error for the duplicate fact")
	}
	unchanged(t, db, old, "after an import that failed in its last chunk")
	replace(t, db, ps[:599]...) // and what failed left nothing in the way
	same(t, "provider after a good import", *get(t, db, "p-000599"), ps[598])
}

var errInjected = errors.New("injected failure")

func testStagedImportIsInvisibleUntilCommit(t *testing.T, db store.DB) {
	ctx := context.Background()
	old, ps := importCase(t, db)
	staged, err := db.StageProviders(ctx, ps, nil)
	if err != nil {
		t.Fatalf("StageProviders: %v", err)
	}
	defer staged.Discard(ctx)
	unchanged(t, db, old, "staged, not committed")
	err = db.InTx(ctx, func(ctx context.Context) error {
		if err := staged.Commit(ctx); err != nil {
			return err
		}
		// Readers see the last commit, not the open transaction.
		unchanged(t, db, old, "committed in a transaction still open")
		return errInjected // as a failing audit entry would
	})
	if !errors.Is(err, errInjected) {
		t.Fatalf("InTx: %v, want the injected failure", err)
	}
	unchanged(t, db, old, "after a failure in the final transaction")
}

func testStagedImportCommitsWhole(t *testing.T, db store.DB) {
	ctx := context.Background()
	_, ps := importCase(t, db)
	done := 0
	staged, err := db.StageProviders(ctx, ps, func(n int) { done = n })
	if err != nil {
		t.Fatalf("StageProviders: %v", err)
	}
	if err := db.InTx(ctx, staged.Commit); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	if err := staged.Discard(ctx); err != nil {
		t.Fatalf("Discard after Commit: %v", err)
	}
	if done != len(ps) {
		t.Errorf("progress reached %d, want %d", done, len(ps))
	}
	for _, i := range []int{0, 299, 599} {
		same(t, fmt.Sprintf("provider %d after the import", i+1), *get(t, db, ps[i].ID), ps[i])
	}
	if _, total, err := db.Providers(ctx, provider.AllProviders(), provider.Filter{}); err != nil || total != len(ps) {
		t.Errorf("%d providers listed (err %v), want %d", total, err, len(ps))
	}
}
