package web

import (
	"net/http"
	"testing"
	"time"

	"zorginkoop/internal/apptest"
	"zorginkoop/internal/ratelimit"
)

func TestLoggedInUsersAreRateLimitedPerUserInDutch(t *testing.T) {
	clock := apptest.NewClock()
	e := newAuthEnv(t, Limits{PerUser: ratelimit.New(3, time.Minute, 0, clock.Now)})
	buyer := e.client(t)
	buyer.login(apptest.CZBuyerEmail, apptest.Password) // no request of the user yet
	for i := range 3 {
		if resp, body := buyer.get("/account"); resp.StatusCode != http.StatusOK {
			t.Fatalf("request %d: status %d\n%s", i+1, resp.StatusCode, body)
		}
	}
	resp, body := buyer.get("/account")
	wantStatus(t, resp, body, http.StatusTooManyRequests)
	wantContains(t, body, "Te veel verzoeken", "Probeer het over 20 seconden opnieuw")
	if ra := resp.Header.Get("Retry-After"); ra != "20" {
		t.Errorf("Retry-After %q, want 20", ra)
	}
	other := e.client(t)
	other.login(apptest.ZZBuyerEmail, apptest.Password)
	if resp, body := other.get("/account"); resp.StatusCode != http.StatusOK {
		t.Errorf("another user: status %d\n%s", resp.StatusCode, body)
	}
	clock.Advance(20 * time.Second)
	if resp, body := buyer.get("/account"); resp.StatusCode != http.StatusOK {
		t.Errorf("after waiting as told: status %d\n%s", resp.StatusCode, body)
	}
}

func TestHeavyPagesInFlightAreBoundedPerUserInDutch(t *testing.T) {
	gate := ratelimit.NewGate(1, 10, 10*time.Second)
	e := newAuthEnv(t, Limits{Heavy: gate})
	buyer := e.client(t)
	buyer.login(apptest.CZBuyerEmail, apptest.Password)
	release, _ := gate.Enter("user " + e.ids.User(t, apptest.CZBuyerEmail).ID) // one download running
	resp, body := buyer.get("/beleid/" + testPolicy + "/beoordeling.csv")
	wantStatus(t, resp, body, http.StatusTooManyRequests)
	wantContains(t, body, "Er lopen al te veel grote verzoeken", "Probeer het over 10 seconden opnieuw")
	if ra := resp.Header.Get("Retry-After"); ra != "10" {
		t.Errorf("Retry-After %q, want 10", ra)
	}
	if resp, body := buyer.get("/beleid/" + testPolicy + "/beoordeling"); resp.StatusCode != http.StatusOK {
		t.Errorf("the overview page (a page of 100) is not held back: status %d\n%s", resp.StatusCode, body)
	}
	release()
	if resp, body := buyer.get("/beleid/" + testPolicy + "/beoordeling.csv"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("after the download ended: status %d, want 404 (not assessed yet)\n%s", resp.StatusCode, body)
	}
}
