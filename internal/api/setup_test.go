package api

import (
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"zorginkoop/internal/apptest"
	"zorginkoop/internal/assessment"
	"zorginkoop/internal/store"
)

const testPolicy = apptest.Policy

// testEnv is a seeded database (see apptest) and the API over it.
type testEnv struct {
	db  store.DB
	srv *httptest.Server
}

func newEnv(t *testing.T) *testEnv {
	t.Helper()
	env := apptest.New(t)
	h := New(Services{
		Library: env.Library, Providers: env.Providers, ProviderDB: env.DB,
		Assessments: &assessment.Service{Library: env.Library, Providers: env.DB, Runs: env.DB, Now: func() time.Time { return apptest.Now }},
		Log:         slog.New(slog.DiscardHandler),
	})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &testEnv{db: env.DB, srv: srv}
}
