package apptest_test

import (
	"testing"

	"zorginkoop/internal/apptest"
)

// The round fixture of the authorisation matrix comes up on both engines.
func TestRoundFixtureOpens(t *testing.T) {
	for _, engine := range apptest.Engines {
		t.Run(engine, func(t *testing.T) {
			ts := apptest.NewTenants(t, apptest.Open(t, engine))
			o := ts.OpenRounds(t)
			t.Logf("%+v", *o)
		})
	}
}
