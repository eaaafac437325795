package ratelimit

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"zorginkoop/internal/apperr"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newClock() *clock { return &clock{t: time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)} }

func TestBurstThenRefusedUntilATokenRefills(t *testing.T) {
	c := newClock()
	l := New(5, time.Minute, 0, c.now) // one token per 12 seconds
	for i := range 5 {
		if ok, _ := l.Allow("ip"); !ok {
			t.Fatalf("request %d of the burst refused", i+1)
		}
	}
	ok, wait := l.Allow("ip")
	if ok || wait != 12*time.Second {
		t.Fatalf("6th request: ok=%v wait=%v, want refused for 12s", ok, wait)
	}
	c.t = c.t.Add(11 * time.Second)
	if ok, wait := l.Allow("ip"); ok || wait != time.Second {
		t.Fatalf("after 11s: ok=%v wait=%v, want refused for 1s more", ok, wait)
	}
	c.t = c.t.Add(time.Second)
	if ok, _ := l.Allow("ip"); !ok {
		t.Fatal("after the announced wait the request is still refused")
	}
}

func TestRetryAfterIsRoundedUpToWholeSeconds(t *testing.T) {
	c := newClock()
	l := New(3, 10*time.Second, 0, c.now) // one token per 3.33 s
	for range 3 {
		l.Allow("k")
	}
	if _, wait := l.Allow("k"); wait != 4*time.Second {
		t.Fatalf("wait %v, want 4s", wait)
	}
}

func TestKeysHaveTheirOwnBuckets(t *testing.T) {
	l := New(1, time.Hour, 0, newClock().now)
	if ok, _ := l.Allow("a"); !ok {
		t.Fatal("a refused")
	}
	if ok, _ := l.Allow("a"); ok {
		t.Fatal("a allowed twice")
	}
	if ok, _ := l.Allow("b"); !ok {
		t.Fatal("b refused because of a")
	}
}

func TestIdleBucketRefillsNoHigherThanTheBurst(t *testing.T) {
	c := newClock()
	l := New(2, time.Minute, 0, c.now)
	l.Allow("k")
	c.t = c.t.Add(24 * time.Hour)
	n := 0
	for {
		if ok, _ := l.Allow("k"); !ok {
			break
		}
		n++
	}
	if n != 2 {
		t.Fatalf("after a day idle %d requests allowed, want the burst of 2", n)
	}
}

func TestMemoryIsBoundedByEvictingTheLeastRecentlyUsedKey(t *testing.T) {
	l := New(1, time.Hour, 3, newClock().now)
	for _, k := range []string{"a", "b", "c"} {
		l.Allow(k)
	}
	l.Allow("a") // a is now the most recently used; b the least
	l.Allow("d")
	if l.Len() != 3 {
		t.Fatalf("%d keys kept, want at most 3", l.Len())
	}
	if ok, _ := l.Allow("a"); ok {
		t.Error("a was forgotten although it was used recently")
	}
	if ok, _ := l.Allow("b"); !ok {
		t.Error("b, the least recently used, was not the one forgotten")
	}
	for i := range 1000 {
		l.Allow(fmt.Sprint("flood-", i))
	}
	if l.Len() != 3 {
		t.Fatalf("after a flood of keys %d are kept, want 3", l.Len())
	}
}

func TestConcurrentUseHandsOutExactlyTheBurst(t *testing.T) {
	l := New(100, time.Hour, 0, newClock().now)
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed := 0
	for range 20 {
		wg.Go(func() {
			for range 10 {
				if ok, _ := l.Allow("shared"); ok {
					mu.Lock()
					allowed++
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	if allowed != 100 {
		t.Fatalf("%d of 200 concurrent requests allowed, want 100", allowed)
	}
}

func TestMiddlewareRefusesWithRetryAfterAndADutchError(t *testing.T) {
	l := New(1, time.Minute, 0, newClock().now)
	var failed error
	h := l.Middleware(ClientIP, func(w http.ResponseWriter, r *http.Request, err error) {
		failed = err
		w.WriteHeader(http.StatusTooManyRequests)
	})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }))

	req := httptest.NewRequest("GET", "/", nil)
	req.RemoteAddr = "192.0.2.7:4321"
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNoContent {
		t.Fatalf("first request: %d", rec.Code)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "60" {
		t.Fatalf("second request: %d, Retry-After %q; want 429 and 60", rec.Code, rec.Header().Get("Retry-After"))
	}
	if apperr.CodeOf(failed) != apperr.TooMany || !strings.Contains(apperr.Errors(failed)[0].Dutch, "over 60 seconden") {
		t.Errorf("error %v", failed)
	}
	other := httptest.NewRequest("GET", "/", nil)
	other.RemoteAddr = "192.0.2.8:4321"
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, other)
	if rec.Code != http.StatusNoContent {
		t.Errorf("another client was refused: %d", rec.Code)
	}
}

func TestMiddlewareLetsUnkeyedRequestsThrough(t *testing.T) {
	l := New(1, time.Hour, 0, newClock().now)
	h := l.Middleware(func(*http.Request) string { return "" }, func(w http.ResponseWriter, r *http.Request, err error) {
		t.Fatal("refused an unkeyed request")
	})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	for range 3 {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	}
}

func TestDutchWait(t *testing.T) {
	for secs, want := range map[int]string{1: "1 seconde", 12: "12 seconden", 119: "119 seconden", 120: "2 minuten", 901: "16 minuten"} {
		if got := dutchWait(secs); got != want {
			t.Errorf("dutchWait(%d) = %q, want %q", secs, got, want)
		}
	}
}
