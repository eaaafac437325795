package sqlite_test

import (
	"testing"

	"zorginkoop/internal/store/storetest"
)

func TestAudit(t *testing.T) {
	storetest.RunAudit(t, empty)
}
