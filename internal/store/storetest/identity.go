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
	u.FailedLogins, u.LockedUntil, u.Disabled = 3, t0.Add(15*time.Minute), true
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
	if err := db.DeleteUserSessions(ctx, "u-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Session(ctx, "h1"); apperr.CodeOf(err) != apperr.NotFound {
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
