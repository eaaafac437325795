package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"zorginkoop/internal/api"
	wiring "zorginkoop/internal/app"
	"zorginkoop/internal/ratelimit"
)

// Behind a reverse proxy every client connected from the proxy's address and shared one
// rate limit. With --trusted-proxies the limits key on the client the proxy names; a
// client that connects directly cannot name itself another address.
func TestRateLimitsKeyOnTheClientBehindATrustedProxy(t *testing.T) {
	proxies, err := ratelimit.ParseProxies("10.0.0.0/8")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	limits := api.Limits{Public: ratelimit.New(2, time.Minute, 0, func() time.Time { return now })}
	site := testApp("").siteHandler(api.New(&wiring.Services{}, api.Options{Limits: limits}), proxies)
	get := func(remote, forwardedFor string) int {
		r := httptest.NewRequest("GET", "/api/openapi.json", nil)
		r.RemoteAddr = remote
		if forwardedFor != "" {
			r.Header.Set("X-Forwarded-For", forwardedFor)
		}
		rec := httptest.NewRecorder()
		site.ServeHTTP(rec, r)
		return rec.Code
	}
	tests := []struct {
		name         string
		remote       string
		forwardedFor string
		want         int
	}{
		{"client A through the proxy", "10.0.0.1:5000", "198.51.100.1", http.StatusOK},
		{"client A again", "10.0.0.1:5001", "198.51.100.1", http.StatusOK},
		{"client A over its limit", "10.0.0.1:5002", "198.51.100.1", http.StatusTooManyRequests},
		{"client A naming another address in front of its own", "10.0.0.1:5003", "198.51.100.77, 198.51.100.1", http.StatusTooManyRequests},
		{"client B through the same proxy has its own limit", "10.0.0.1:5004", "198.51.100.2", http.StatusOK},
		{"a direct client", "203.0.113.9:4000", "", http.StatusOK},
		{"a direct client naming another address", "203.0.113.9:4001", "198.51.100.3", http.StatusOK},
		{"a direct client over its limit, whatever it names", "203.0.113.9:4002", "198.51.100.4", http.StatusTooManyRequests},
		{"a direct client naming a proxy", "203.0.113.9:4003", "10.0.0.1", http.StatusTooManyRequests},
	}
	for _, tc := range tests {
		if got := get(tc.remote, tc.forwardedFor); got != tc.want {
			t.Errorf("%s: status %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestServeTrustedProxiesFlag(t *testing.T) {
	code, _, errOut := cli(t, map[string]string{"ZORGINKOOP_DATA_DIR": t.TempDir()}, "serve", "--trusted-proxies", "10.0.0.0/8,proxy.example")
	if code != 2 || !strings.Contains(errOut, `--trusted-proxies: "proxy.example" is not an address range`) {
		t.Errorf("serve --trusted-proxies proxy.example: exit %d, stderr %q", code, errOut)
	}
	code, _, errOut = cli(t, map[string]string{"ZORGINKOOP_DATA_DIR": t.TempDir(), "ZORGINKOOP_TRUSTED_PROXIES": "10.0.0.0/33"}, "serve")
	if code != 2 || !strings.Contains(errOut, "--trusted-proxies") {
		t.Errorf("ZORGINKOOP_TRUSTED_PROXIES=10.0.0.0/33: exit %d, stderr %q", code, errOut)
	}
}
