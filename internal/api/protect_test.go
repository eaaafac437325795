package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"zorginkoop/internal/apptest"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/ratelimit"
)

// send does one request with the operator's token and a body of unknown length when
// chunked (so that the limit holds while reading, not by the declared length).
func (e *testEnv) send(t *testing.T, method, path, contentType, body string, chunked bool) (*http.Response, any) {
	t.Helper()
	var r io.Reader = strings.NewReader(body)
	if chunked {
		r = io.MultiReader(r)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if chunked {
		req.ContentLength = -1
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer "+e.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var v any
	json.Unmarshal(raw, &v)
	return resp, v
}

// auditCount is the number of entries in the trail.
func (e *testEnv) auditCount(t *testing.T) int {
	t.Helper()
	es, err := e.db.AuditEntries(context.Background(), audit.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	return len(es)
}

// padded is a policy file of exactly size bytes: a draft followed by comment lines.
func padded(t *testing.T, id string, size int) string {
	yaml := draftYAML(t, id)
	pad := size - len(yaml)
	if pad < 2 {
		t.Fatalf("the draft alone is %d bytes", len(yaml))
	}
	return yaml + "#" + strings.Repeat("x", pad-2) + "\n"
}

func want413(t *testing.T, resp *http.Response, v any, limit int) {
	t.Helper()
	if resp.StatusCode != http.StatusRequestEntityTooLarge || resp.Header.Get("Content-Type") != problemType {
		t.Fatalf("status %d (%s), want a 413 problem: %v", resp.StatusCode, resp.Header.Get("Content-Type"), v)
	}
	if d := fmt.Sprint(at(v, "detail")); !strings.Contains(d, fmt.Sprint(limit)) {
		t.Errorf("detail %q does not name the limit %d", d, limit)
	}
}

func TestPolicyFileOverItsLimitIs413AndNothingIsWritten(t *testing.T) {
	e := newEnv(t)
	before := e.auditCount(t)
	for _, chunked := range []bool{false, true} {
		resp, v := e.send(t, "POST", "/api/policies?file=groot.yaml", "application/yaml", padded(t, "cz-groot-2027", MaxPolicyBytes+1), chunked)
		want413(t, resp, v, MaxPolicyBytes)
	}
	if _, err := e.db.PolicyRecord(context.Background(), "cz-groot-2027"); err == nil {
		t.Error("the oversized policy was stored")
	}
	if n := e.auditCount(t); n != before {
		t.Errorf("%d audit entries written for refused bodies", n-before)
	}
	// A file just under the limit is a policy like any other.
	resp, v := e.send(t, "POST", "/api/policies?file=groot.yaml", "application/yaml", padded(t, "cz-groot-2027", MaxPolicyBytes), true)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("a policy file of %d bytes: status %d: %v", MaxPolicyBytes, resp.StatusCode, v)
	}
}

func TestProviderImportMayBeLargeButNotOverItsLimit(t *testing.T) {
	e := newEnv(t)
	p := apptest.Providers()[1]
	p.ID, p.Name = "hap-groot", "Huisartsenpraktijk Groot"
	one, _ := json.Marshal([]any{p})
	// JSON white space makes the body as large as wanted.
	body := func(size int) string {
		head := `{"providers": `
		return head + strings.Repeat(" ", size-len(head)-len(one)-1) + string(one) + "}"
	}
	before := e.auditCount(t)
	for _, chunked := range []bool{false, true} {
		resp, v := e.send(t, "POST", "/api/providers", "application/json", body(MaxProvidersBytes+1), chunked)
		want413(t, resp, v, MaxProvidersBytes)
	}
	if _, err := e.db.Provider(context.Background(), "hap-groot"); err == nil {
		t.Error("the provider of an oversized body was stored")
	}
	if n := e.auditCount(t); n != before {
		t.Errorf("%d audit entries written for refused bodies", n-before)
	}
	// Larger than a form or a policy file is fine for an import.
	resp, v := e.send(t, "POST", "/api/providers", "application/json", body(2*MaxPolicyBytes), true)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("an import of %d bytes: status %d: %v", 2*MaxPolicyBytes, resp.StatusCode, v)
	}
	if _, err := e.db.Provider(context.Background(), "hap-groot"); err != nil {
		t.Errorf("the imported provider: %v", err)
	}
}

func TestOtherBodiesAreSmall(t *testing.T) {
	e := newEnv(t)
	big := `{"name": "` + strings.Repeat("x", MaxBodyBytes) + `"}`
	for _, chunked := range []bool{false, true} {
		resp, v := e.send(t, "POST", "/api/tokens", "application/json", big, chunked)
		want413(t, resp, v, MaxBodyBytes)
	}
}

func TestAnonymousRequestsAreRateLimitedPerAddress(t *testing.T) {
	clock := apptest.NewClock()
	e := newEnvLimits(t, Limits{Public: ratelimit.New(2, time.Minute, 0, clock.Now)})
	badToken := "zk_" + strings.Repeat("x", 43)
	for i, token := range []string{"", badToken} {
		if resp, v := e.callAs(t, token, "GET", "/api/insurers", ""); resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("request %d: status %d: %v", i+1, resp.StatusCode, v)
		}
	}
	// The address has spent its two requests (a failed token counts as anonymous).
	for _, token := range []string{"", badToken} {
		resp, v := e.callAs(t, token, "GET", "/api/insurers", "")
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Content-Type") != problemType {
			t.Fatalf("status %d (%s), want a 429 problem: %v", resp.StatusCode, resp.Header.Get("Content-Type"), v)
		}
		if ra := resp.Header.Get("Retry-After"); ra != "30" {
			t.Errorf("Retry-After %q, want 30", ra)
		}
		if d := fmt.Sprint(at(v, "detail")); !strings.Contains(d, "try again in 30 seconds") {
			t.Errorf("detail %q", d)
		}
	}
	// A caller with a valid token is not limited by it.
	for range 3 {
		if resp, v := e.call(t, "GET", "/api/insurers", ""); resp.StatusCode != http.StatusOK {
			t.Fatalf("with a token: status %d: %v", resp.StatusCode, v)
		}
	}
	clock.Advance(30 * time.Second)
	if resp, v := e.callAs(t, "", "GET", "/api/insurers", ""); resp.StatusCode != http.StatusOK {
		t.Errorf("after waiting as told: status %d: %v", resp.StatusCode, v)
	}
}
