package sqlite_test

import (
	"testing"

	"zorginkoop/internal/store"
	"zorginkoop/internal/store/storetest"
)

func TestAudit(t *testing.T) {
	storetest.RunAudit(t, func(t *testing.T) store.DB {
		db := open(t, t.TempDir())
		t.Cleanup(func() { db.Close() })
		return db
	})
}
