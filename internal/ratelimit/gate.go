package ratelimit

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"zorginkoop/internal/apperr"
)

// Gate limits how many heavy requests (exports, assessment runs, large lists) run at once:
// at most PerKey for one key (a user) and Total in all, so that one user cannot take the
// server's memory or every database connection, and all users together cannot either.
// Unlike a Limiter it counts requests in flight, not requests per period. It is safe for
// concurrent use.
type Gate struct {
	perKey, total int
	retryAfter    time.Duration

	mu    sync.Mutex
	byKey map[string]int
	n     int
}

// NewGate returns a gate of perKey requests in flight per key and total in all (at least
// 1 each). A refused request is told to retry after retryAfter (1 second when 0 or less).
func NewGate(perKey, total int, retryAfter time.Duration) *Gate {
	if retryAfter < time.Second {
		retryAfter = time.Second
	}
	return &Gate{perKey: max(perKey, 1), total: max(total, 1), retryAfter: retryAfter, byKey: map[string]int{}}
}

// Enter takes a place for key. When key has PerKey requests in flight, or the gate has
// Total, it returns ok false and takes nothing; else the caller must call release once
// the request is done.
func (g *Gate) Enter(key string) (release func(), ok bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.byKey[key] >= g.perKey || g.n >= g.total {
		return nil, false
	}
	g.byKey[key]++
	g.n++
	var once sync.Once
	return func() { once.Do(func() { g.leave(key) }) }, true
}

func (g *Gate) leave(key string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.n--
	if g.byKey[key]--; g.byKey[key] <= 0 {
		delete(g.byKey, key) // the map holds only keys in flight
	}
}

// InFlight is the number of requests in the gate.
func (g *Gate) InFlight() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.n
}

// Busy sets the Retry-After header of a request the gate refused and returns its error
// (TooMany, HTTP 429), for the caller's error writer.
func (g *Gate) Busy(w http.ResponseWriter) error {
	secs := int(g.retryAfter / time.Second)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	return &apperr.Error{Code: apperr.TooMany,
		Message: "too many large requests (exports, assessment runs, long lists) at once; try again in " + strconv.Itoa(secs) + " seconds",
		Dutch: "Er lopen al te veel grote verzoeken (downloads, beoordelingen, lange lijsten) tegelijk. Probeer het over " +
			dutchWait(secs) + " opnieuw."}
}

// Wrap runs next in the gate under the key that key returns for the request, or answers
// through fail when the gate is full.
func (g *Gate) Wrap(key func(*http.Request) string, fail func(http.ResponseWriter, *http.Request, error), next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		release, ok := g.Enter(key(r))
		if !ok {
			fail(w, r, g.Busy(w))
			return
		}
		defer release()
		next(w, r)
	}
}
