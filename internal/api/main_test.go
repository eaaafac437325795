package api

import (
	"testing"

	"zorginkoop/internal/store/pgtest"
)

// TestMain stops the throwaway PostgreSQL server of the tests that run on both engines.
func TestMain(m *testing.M) { pgtest.Main(m) }
