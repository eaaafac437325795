package api

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"zorginkoop/internal/apptest"
	"zorginkoop/internal/ratelimit"
)

func TestAuthenticatedRequestsAreRateLimitedPerUser(t *testing.T) {
	clock := apptest.NewClock()
	e := newEnvLimits(t, Limits{PerUser: ratelimit.New(2, time.Minute, 0, clock.Now)})
	buyer := e.userToken(t, apptest.CZBuyerEmail)
	for i := range 2 {
		if resp, v := e.callAs(t, buyer, "GET", "/api/me", ""); resp.StatusCode != http.StatusOK {
			t.Fatalf("request %d: status %d: %v", i+1, resp.StatusCode, v)
		}
	}
	resp, v := e.callAs(t, buyer, "GET", "/api/me", "")
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "30" {
		t.Fatalf("third request: status %d, Retry-After %q: %v; want 429 after 30 s", resp.StatusCode, resp.Header.Get("Retry-After"), v)
	}
	// A second token of the same user shares the user's bucket; another user has their own.
	if resp, _ := e.callAs(t, e.userToken(t, apptest.CZBuyerEmail), "GET", "/api/me", ""); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("another token of the same user: status %d, want 429", resp.StatusCode)
	}
	if resp, v := e.call(t, "GET", "/api/me", ""); resp.StatusCode != http.StatusOK {
		t.Errorf("another user: status %d: %v", resp.StatusCode, v)
	}
	clock.Advance(30 * time.Second)
	if resp, v := e.callAs(t, buyer, "GET", "/api/me", ""); resp.StatusCode != http.StatusOK {
		t.Errorf("after waiting as told: status %d: %v", resp.StatusCode, v)
	}
}

func TestHeavyRequestsInFlightAreBoundedPerUser(t *testing.T) {
	gate := ratelimit.NewGate(1, 10, 10*time.Second)
	e := newEnvLimits(t, Limits{Heavy: gate})
	buyer := e.ids.User(t, apptest.CZBuyerEmail)
	token := e.userToken(t, apptest.CZBuyerEmail)
	// The buyer has one export running.
	release, ok := gate.Enter("user " + buyer.ID)
	if !ok {
		t.Fatal("gate refused the first request")
	}
	for _, path := range []string{"/api/providers", "/api/policies/" + testPolicy + "/assessments"} {
		resp, v := e.callAs(t, token, "GET", path, "")
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "10" ||
			!strings.Contains(at(v, "detail").(string), "too many large requests") {
			t.Errorf("GET %s with one heavy request in flight: status %d, Retry-After %q: %v", path, resp.StatusCode, resp.Header.Get("Retry-After"), v)
		}
	}
	if resp, v := e.callAs(t, token, "GET", "/api/me", ""); resp.StatusCode != http.StatusOK {
		t.Errorf("a light request of the same user: status %d: %v", resp.StatusCode, v)
	}
	if resp, v := e.call(t, "GET", "/api/providers", ""); resp.StatusCode != http.StatusOK {
		t.Errorf("another user's list: status %d: %v", resp.StatusCode, v)
	}
	release()
	if resp, v := e.callAs(t, token, "GET", "/api/providers", ""); resp.StatusCode != http.StatusOK {
		t.Errorf("after the export ended: status %d: %v", resp.StatusCode, v)
	}
	if n := gate.InFlight(); n != 0 {
		t.Errorf("%d requests left in the gate", n)
	}
}
