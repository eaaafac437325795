// Package clock is the platform's settable clock for `serve --test-clock`: the operator
// sets the platform date through the API so deadlines can be walked through. It is never
// on by default; services take its Now as their `now func() time.Time`.
package clock

import (
	"sync"
	"time"
)

// Test is a clock that starts at the real time and can be set or advanced. Once set, it
// keeps running from the set moment at the real pace. Safe for concurrent use.
type Test struct {
	mu     sync.Mutex
	offset time.Duration
	real   func() time.Time
}

// NewTest returns a test clock that shows the real time until it is set.
func NewTest() *Test { return &Test{real: time.Now} }

// Now returns the clock's time.
func (c *Test) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.real().Add(c.offset)
}

// Set makes the clock show t now.
func (c *Test) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset = t.Sub(c.real())
}

// Advance moves the clock forward by d (backward for a negative d).
func (c *Test) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}
