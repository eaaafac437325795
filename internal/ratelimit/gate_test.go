package ratelimit

import (
	"net/http/httptest"
	"testing"
	"time"

	"zorginkoop/internal/apperr"
)

func TestGateLimitsOneKeyWhileAnotherStillGetsIn(t *testing.T) {
	g := NewGate(2, 3, 5*time.Second)
	a1, ok1 := g.Enter("a")
	_, ok2 := g.Enter("a")
	if !ok1 || !ok2 {
		t.Fatal("a's first two requests were refused")
	}
	if _, ok := g.Enter("a"); ok {
		t.Fatal("a's third request in flight was let in")
	}
	b1, ok := g.Enter("b")
	if !ok {
		t.Fatal("b was refused while a was at its own limit")
	}
	if _, ok := g.Enter("c"); ok {
		t.Fatal("a fourth request in all was let in")
	}
	b1()
	b1() // twice is once
	if g.InFlight() != 2 {
		t.Fatalf("in flight %d after b left, want 2", g.InFlight())
	}
	a1()
	if _, ok := g.Enter("a"); !ok {
		t.Fatal("a was refused after one of its requests ended")
	}
	w := httptest.NewRecorder()
	err := g.Busy(w)
	if apperr.CodeOf(err) != apperr.TooMany || w.Header().Get("Retry-After") != "5" {
		t.Errorf("Busy: %v, Retry-After %q", err, w.Header().Get("Retry-After"))
	}
}
