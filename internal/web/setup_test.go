package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"zorginkoop/internal/apptest"
	"zorginkoop/internal/httpauth"
	"zorginkoop/internal/store"
)

const testPolicy = apptest.Policy

// testEnv is a seeded database (see apptest) and the web pages over it, with a browser
// session of CZ groep's inkoper (apptest.CZBuyerEmail), who may assess testPolicy. What
// each role may see is proven by the authorisation matrix (internal/apptest).
type testEnv struct {
	app     *apptest.Env
	ids     *apptest.Identity
	db      store.DB
	srv     *httptest.Server
	session *http.Cookie
	csrf    string
}

func newEnv(t *testing.T) *testEnv {
	t.Helper()
	env := apptest.New(t)
	ids := env.NewIdentity(t, apptest.NewClock(), nil, "")
	ids.Seed(t)
	h, err := New(ids.Services, Options{Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	_, secret, sess, err := ids.Service.StartSession(context.Background(), ids.User(t, apptest.CZBuyerEmail), "test")
	if err != nil {
		t.Fatal(err)
	}
	return &testEnv{app: env, ids: ids, db: env.DB, srv: srv, session: &http.Cookie{Name: httpauth.SessionCookie, Value: secret}, csrf: sess.CSRF}
}
