package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"zorginkoop/internal/api"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/store"
)

// The site serve builds limits the API: a body over an endpoint's limit gets a 413 problem
// and changes nothing, and anonymous callers get a 429 problem with Retry-After once their
// address has spent its requests.
func TestServeLimitsAPIBodiesAndAnonymousCallers(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a := testApp(dir)
	db, err := store.Open(ctx, dir, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	anna := seedUser(t, a, db, "anna@cz.example")
	principal, err := mustIdentity(t, a, db).Principal(ctx, anna)
	if err != nil {
		t.Fatal(err)
	}
	token, err := mustIdentity(t, a, db).CreateAPIToken(ctx, principal, "test")
	if err != nil {
		t.Fatal(err)
	}
	handler, _, err := a.appHandler(ctx, db, appOptions{})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(handler)
	defer srv.Close()
	do := func(method, path, token, body string) (*http.Response, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		req.Header.Set("Content-Type", "application/yaml")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var v map[string]any
		raw, _ := io.ReadAll(resp.Body)
		json.Unmarshal(raw, &v)
		return resp, v
	}

	entries := func() int {
		es, err := db.AuditEntries(ctx, audit.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		return len(es)
	}
	before := entries()
	resp, v := do("POST", "/api/policies?file=groot.yaml", token, "id: cz-groot\n#"+strings.Repeat("x", api.MaxPolicyBytes))
	if resp.StatusCode != http.StatusRequestEntityTooLarge || resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("an oversized policy file: status %d (%s): %v", resp.StatusCode, resp.Header.Get("Content-Type"), v)
	}
	if versions, _ := db.PolicyVersions(ctx); len(versions) != 0 || entries() != before {
		t.Errorf("an oversized body changed something: policies %v, %d new audit entries", versions, entries()-before)
	}

	// api.DefaultLimits: 300 a minute, in a burst of 300; the clock is real, so a few
	// more may pass while the loop runs.
	refusedAt := 0
	for i := 1; i <= 400 && refusedAt == 0; i++ {
		resp, v := do("GET", "/api/openapi.json", "", "")
		switch resp.StatusCode {
		case http.StatusOK:
		case http.StatusTooManyRequests:
			refusedAt = i
			if resp.Header.Get("Retry-After") == "" || resp.Header.Get("Content-Type") != "application/problem+json" || v["status"] != float64(429) {
				t.Errorf("refused request: Retry-After %q, Content-Type %q, problem %v", resp.Header.Get("Retry-After"), resp.Header.Get("Content-Type"), v)
			}
		default:
			t.Fatalf("anonymous request %d: status %d", i, resp.StatusCode)
		}
	}
	if refusedAt <= 300 || refusedAt > 350 {
		t.Errorf("anonymous request %d was the first refused, want one soon after 300", refusedAt)
	}
	if resp, v := do("GET", "/api/me", token, ""); resp.StatusCode != http.StatusOK {
		t.Errorf("with a token from the same address: status %d: %v", resp.StatusCode, v)
	}
}
