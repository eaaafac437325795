package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/store"
)

var t0 = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)

// RunIdentity runs identity's suite: organisations, users, sessions, tokens and the login
// throttle.
func RunIdentity(t *testing.T, open Opener) {
	run(t, open, []storeTest{
		{"organisations keep their insurers, providers and OIDC settings", testOrganisations},
		{"users round-trip and are found by e-mail, certificate and OIDC subject", testUsers},
		{"a second user with the same e-mail address is a Conflict", testDuplicateEmail},
		{"sessions are found by token hash and deleted per user", testSessions},
		{"a token can be used once", testTokenUsedOnce},
		{"tokens are listed per user and kind, touched and deleted", testTokens},
		{"the login throttle is a compare-and-set on the count, and prunes old keys", testLoginThrottle},
	})
}

func saveOrg(t *testing.T, db store.DB, o identity.Organisation) {
	t.Helper()
	if err := db.SaveOrganisation(context.Background(), o); err != nil {
		t.Fatalf("SaveOrganisation(%s): %v", o.ID, err)
	}
}

func testOrganisations(t *testing.T, db store.DB) {
	ctx := context.Background()
	cz := identity.Organisation{ID: "cz", Kind: identity.Insurer, Name: "CZ groep", KvK: "12345678",
		Insurers: []string{"cz-groep"}, OIDC: &identity.OIDCConfig{Issuer: "https://login.cz.example", ClientID: "zk"}}
	saveOrg(t, db, cz)
	saveOrg(t, db, identity.Organisation{ID: "caresq", Kind: identity.Purchaser, Name: "Caresq", Insurers: []string{"eucare", "aevitae"}})
	saveOrg(t, db, identity.Organisation{ID: "kliniek", Kind: identity.Provider, Name: "Kliniek", Providers: []string{"kvk-1", "kvk-2"}})
	got, err := db.Organisation(ctx, "cz")
	if err != nil {
		t.Fatal(err)
	}
	same(t, "organisation", got, &cz)
	// Saving again replaces the lists.
	saveOrg(t, db, identity.Organisation{ID: "caresq", Kind: identity.Purchaser, Name: "Caresq", Insurers: []string{"eucare"}})
	all, err := db.Organisations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 3 || all[0].ID != "caresq" || len(all[0].Insurers) != 1 || len(all[2].Providers) != 2 {
		t.Errorf("Organisations = %+v", all)
	}
	// A provider record belongs to one organisation.
	err = db.SaveOrganisation(ctx, identity.Organisation{ID: "ander", Kind: identity.Provider, Name: "Ander", Providers: []string{"kvk-1"}})
	if apperr.CodeOf(err) != apperr.Conflict {
		t.Errorf("a second owner of kvk-1: %v, want Conflict", err)
	}
	if _, err := db.Organisation(ctx, "ander"); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("the refused organisation was half saved: %v", err)
	}
	if _, err := db.Organisation(ctx, "niemand"); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("missing organisation: %v, want NotFound", err)
	}
}

func user(id, email string) identity.User {
	return identity.User{ID: id, OrgID: "cz", Email: email, Name: "Anna de Vries",
		Roles: []identity.Role{identity.RoleBuyer, identity.RoleAdmin}, PasswordHash: "$argon2id$x", CreatedAt: t0}
}

func testUsers(t *testing.T, db store.DB) {
	ctx := context.Background()
	saveOrg(t, db, identity.Organisation{ID: "cz", Kind: identity.Insurer, Name: "CZ", Insurers: []string{"cz-groep"}})
	u := user("u-1", "anna@cz.example")
	if err := db.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	u.Disabled = true
	u.CertFingerprint, u.OIDCSubject = "ab12", "https://login.cz.example 42"
	if err := db.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	for what, get := range map[string]func() (*identity.User, error){
		"id":    func() (*identity.User, error) { return db.User(ctx, "u-1") },
		"email": func() (*identity.User, error) { return db.UserByEmail(ctx, "anna@cz.example") },
		"cert":  func() (*identity.User, error) { return db.UserByCert(ctx, "ab12") },
		"oidc":  func() (*identity.User, error) { return db.UserByOIDC(ctx, "https://login.cz.example 42") },
	} {
		got, err := get()
		if err != nil {
			t.Fatalf("by %s: %v", what, err)
		}
		same(t, "user by "+what, got, &u)
	}
	if _, err := db.UserByEmail(ctx, "niemand@cz.example"); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("unknown e-mail: %v, want NotFound", err)
	}
	if err := db.UpdateUser(ctx, user("u-404", "x@cz.example")); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("updating a missing user: %v, want NotFound", err)
	}
	if n, err := db.CountUsers(ctx); err != nil || n != 1 {
		t.Errorf("CountUsers = %d, %v", n, err)
	}
}

func testDuplicateEmail(t *testing.T, db store.DB) {
	ctx := context.Background()
	saveOrg(t, db, identity.Organisation{ID: "cz", Kind: identity.Insurer, Name: "CZ", Insurers: []string{"cz-groep"}})
	if err := db.CreateUser(ctx, user("u-1", "anna@cz.example")); err != nil {
		t.Fatal(err)
	}
	err := db.CreateUser(ctx, user("u-2", "anna@cz.example"))
	if e, ok := err.(*apperr.Error); !ok || e.Code != apperr.Conflict || e.Field != "email" {
		t.Fatalf("duplicate e-mail: %v, want Conflict on email", err)
	}
	if us, _ := db.Users(ctx, "cz"); len(us) != 1 {
		t.Errorf("users after a refused duplicate: %d", len(us))
	}
}

func testSessions(t *testing.T, db store.DB) {
	ctx := context.Background()
	saveOrg(t, db, identity.Organisation{ID: "cz", Kind: identity.Insurer, Name: "CZ", Insurers: []string{"cz-groep"}})
	if err := db.CreateUser(ctx, user("u-1", "anna@cz.example")); err != nil {
		t.Fatal(err)
	}
	s := identity.Session{TokenHash: "h1", UserID: "u-1", CSRF: "c", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
	for _, h := range []string{"h1", "h2"} {
		s.TokenHash = h
		if err := db.CreateSession(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	got, err := db.Session(ctx, "h2")
	if err != nil {
		t.Fatal(err)
	}
	same(t, "session", got, &s)
	s.TokenHash = "h3"
	if err := db.CreateSession(ctx, s); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteOtherSessions(ctx, "u-1", "h2"); err != nil {
		t.Fatal(err)
	}
	for h, want := range map[string]apperr.Code{"h1": apperr.NotFound, "h2": "", "h3": apperr.NotFound} {
		if _, err := db.Session(ctx, h); codeOf(err) != want {
			t.Errorf("session %s after DeleteOtherSessions(h2): %v, want %q", h, err, want)
		}
	}
	if err := db.DeleteUserSessions(ctx, "u-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Session(ctx, "h2"); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("session after DeleteUserSessions: %v, want NotFound", err)
	}
}

// Two app instances may race to use one reset link: exactly one wins.
func testTokenUsedOnce(t *testing.T, db store.DB) {
	ctx := context.Background()
	saveOrg(t, db, identity.Organisation{ID: "cz", Kind: identity.Insurer, Name: "CZ", Insurers: []string{"cz-groep"}})
	if err := db.CreateUser(ctx, user("u-1", "anna@cz.example")); err != nil {
		t.Fatal(err)
	}
	tok := identity.Token{TokenHash: "r1", Kind: identity.TokenReset, UserID: "u-1", CreatedAt: t0, ExpiresAt: t0.Add(time.Hour)}
	if err := db.CreateToken(ctx, tok); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins := 0
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := db.UseToken(ctx, "r1", t0.Add(time.Minute))
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				wins++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if wins != 1 {
		t.Errorf("%d of 4 concurrent uses succeeded, want 1", wins)
	}
	got, err := db.Token(ctx, "r1")
	if err != nil || got.UsedAt.IsZero() {
		t.Errorf("token after use: %+v, %v", got, err)
	}
}

// API tokens are listed per user and kind, touched, deleted one by one or per kind.
func testTokens(t *testing.T, db store.DB) {
	ctx := context.Background()
	saveOrg(t, db, identity.Organisation{ID: "cz", Kind: identity.Insurer, Name: "CZ", Insurers: []string{"cz-groep"}})
	for _, u := range []identity.User{user("u-1", "anna@cz.example"), user("u-2", "bert@cz.example")} {
		if err := db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	mk := func(hash string, kind identity.TokenKind, userID string, at time.Time) identity.Token {
		tok := identity.Token{TokenHash: hash, Kind: kind, UserID: userID, Name: "n-" + hash, CreatedAt: at, ExpiresAt: at.Add(time.Hour)}
		if err := db.CreateToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
		return tok
	}
	a1 := mk("a1", identity.TokenAPI, "u-1", t0)
	a2 := mk("a2", identity.TokenAPI, "u-1", t0.Add(time.Minute))
	mk("r1", identity.TokenReset, "u-1", t0)
	mk("b1", identity.TokenAPI, "u-2", t0)
	if err := db.TouchToken(ctx, "a2", t0.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	a2.LastUsedAt = t0.Add(2 * time.Minute)
	got, err := db.Tokens(ctx, "u-1", identity.TokenAPI)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "API tokens of u-1", got, []identity.Token{a1, a2})
	if err := db.DeleteToken(ctx, "a1"); err != nil {
		t.Fatal(err)
	}
	if n, err := db.DeleteTokens(ctx, "u-1", identity.TokenReset); err != nil || n != 1 {
		t.Errorf("DeleteTokens(reset) = %d, %v; want 1", n, err)
	}
	for hash, want := range map[string]apperr.Code{"a1": apperr.NotFound, "a2": "", "r1": apperr.NotFound, "b1": ""} {
		if _, err := db.Token(ctx, hash); codeOf(err) != want {
			t.Errorf("token %s: %v, want %q", hash, err, want)
		}
	}
}

// The login throttle's count is set only over the count it was read at, so that two
// attempts at one moment cannot both be heard; old keys are pruned.
func testLoginThrottle(t *testing.T, db store.DB) {
	ctx := context.Background()
	if _, err := db.LoginThrottle(ctx, "k"); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("unknown key: %v, want NotFound", err)
	}
	first := identity.LoginThrottle{Key: "k", Failures: 1, RetryAt: t0.Add(time.Second), LastAt: t0}
	for i, want := range []bool{true, false} {
		if ok, err := db.SaveLoginThrottle(ctx, first, 0); err != nil || ok != want {
			t.Fatalf("insert %d: %v, %v; want %v", i, ok, err, want)
		}
	}
	second := identity.LoginThrottle{Key: "k", Failures: 2, RetryAt: t0.Add(3 * time.Second), LastAt: t0.Add(time.Second)}
	for i, want := range []bool{true, false} {
		if ok, err := db.SaveLoginThrottle(ctx, second, 1); err != nil || ok != want {
			t.Fatalf("update %d over count 1: %v, %v; want %v", i, ok, err, want)
		}
	}
	got, err := db.LoginThrottle(ctx, "k")
	if err != nil {
		t.Fatal(err)
	}
	same(t, "throttle", got, &second)
	other := identity.LoginThrottle{Key: "old", Failures: 1, RetryAt: t0, LastAt: t0.Add(-48 * time.Hour)}
	if ok, err := db.SaveLoginThrottle(ctx, other, 0); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if err := db.PruneLoginThrottle(ctx, t0.Add(-24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.LoginThrottle(ctx, "old"); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("pruned key: %v, want NotFound", err)
	}
	if err := db.DeleteLoginThrottle(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.LoginThrottle(ctx, "k"); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("deleted key: %v, want NotFound", err)
	}
}

// codeOf is the code of err, "" for none.
func codeOf(err error) apperr.Code {
	if err == nil {
		return ""
	}
	return apperr.CodeOf(err)
}
