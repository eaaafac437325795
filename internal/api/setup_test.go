package api

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"testing"

	"zorginkoop/internal/apptest"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/store"
)

const testPolicy = apptest.Policy

// testEnv is a seeded database (see apptest) and the API over it. Requests carry an API
// token: token (the platform operator's, who may read and write everything) unless a test
// picks another. What each role may do is proven by the authorisation matrix
// (internal/apptest).
type testEnv struct {
	app   *apptest.Env
	db    store.DB
	srv   *httptest.Server
	ids   *apptest.Identity
	token string
	// contract checks every answer against openapi.json (contract_test.go).
	contract *contract
}

func newEnv(t *testing.T) *testEnv { return newEnvLimits(t, Limits{}) }

// newEnvLimits is newEnv with rate limits (DefaultLimits for nil fields).
func newEnvLimits(t *testing.T, limits Limits) *testEnv {
	t.Helper()
	return openEnv(t, "sqlite", limits)
}

// openEnv is newEnvLimits on the engine named ("sqlite" or "postgres").
func openEnv(t *testing.T, engine string, limits Limits) *testEnv {
	t.Helper()
	env := apptest.Open(t, engine)
	ids := env.NewIdentity(t, apptest.NewClock(), nil, "")
	ids.Seed(t)
	h := New(ids.Services, Options{Limits: limits, Log: slog.New(slog.DiscardHandler)})
	c := newContract(t, h)
	srv := httptest.NewServer(c)
	t.Cleanup(srv.Close)
	e := &testEnv{app: env, db: env.DB, srv: srv, ids: ids, contract: c}
	e.token = e.tokenOf(t, ids.Operator)
	return e
}

// tokenOf issues an API token for p.
func (e *testEnv) tokenOf(t *testing.T, p identity.Principal) string {
	t.Helper()
	token, err := e.ids.Service.CreateAPIToken(context.Background(), p, "test")
	if err != nil {
		t.Fatal(err)
	}
	return token
}

// userToken issues an API token for the seeded user with the e-mail address.
func (e *testEnv) userToken(t *testing.T, email string) string {
	t.Helper()
	return e.tokenOf(t, e.ids.Principal(t, e.ids.User(t, email)))
}
