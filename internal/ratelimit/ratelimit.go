// Package ratelimit limits how often one client (an IP address, an e-mail address) may do
// something: a token bucket per key, with an injected clock and a bound on the number of
// keys kept, so that a flood of distinct keys cannot exhaust memory.
package ratelimit

import (
	"container/list"
	"sync"
	"time"
)

// DefaultMaxKeys is how many keys a Limiter remembers when New is given no bound.
const DefaultMaxKeys = 100_000

// Limiter allows each key a number of events per period, in bursts of up to that number.
// It is safe for concurrent use.
//
// The bucket is kept as the generic cell rate algorithm does: per key only the time at
// which its bucket will be full again (tat), in whole nanoseconds, so no rounding of
// fractional tokens can refuse a client that waited the time it was told.
type Limiter struct {
	interval  time.Duration // time to earn one token
	tolerance time.Duration // interval × (burst − 1): how far tat may run ahead of now
	maxKeys   int
	now       func() time.Time

	mu      sync.Mutex
	buckets map[string]*list.Element // of *bucket
	lru     *list.List               // most recently used first
}

type bucket struct {
	key string
	tat time.Time // when the bucket is full again; in the past means full now
}

// New returns a limiter of events per duration per key. maxKeys bounds the keys kept
// (DefaultMaxKeys when 0 or less); now is the clock (time.Now when nil).
func New(events int, per time.Duration, maxKeys int, now func() time.Time) *Limiter {
	if events < 1 {
		events = 1
	}
	if per <= 0 {
		per = time.Second
	}
	if maxKeys <= 0 {
		maxKeys = DefaultMaxKeys
	}
	if now == nil {
		now = time.Now
	}
	interval := per / time.Duration(events)
	return &Limiter{interval: interval, tolerance: interval * time.Duration(events-1), maxKeys: maxKeys, now: now,
		buckets: map[string]*list.Element{}, lru: list.New()}
}

// Allow takes one token from key's bucket. When the bucket is empty it returns false and
// how long until the next token, in whole seconds rounded up, for a Retry-After header.
func (l *Limiter) Allow(key string) (ok bool, retryAfter time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.bucket(key)
	tat := b.tat
	if tat.Before(now) {
		tat = now
	}
	if wait := tat.Add(-l.tolerance).Sub(now); wait > 0 {
		return false, (wait + time.Second - 1).Truncate(time.Second)
	}
	b.tat = tat.Add(l.interval)
	return true, 0
}

// bucket returns key's bucket, marked most recently used, creating a full one if needed.
func (l *Limiter) bucket(key string) *bucket {
	if e, ok := l.buckets[key]; ok {
		l.lru.MoveToFront(e)
		return e.Value.(*bucket)
	}
	for l.lru.Len() >= l.maxKeys {
		l.evict()
	}
	b := &bucket{key: key}
	l.buckets[key] = l.lru.PushFront(b)
	return b
}

// evict forgets the least recently used key. Usually its bucket has refilled, so
// forgetting it changes nothing; only a flood of more than maxKeys active keys lets a key
// start again with a full bucket early, which beats running out of memory.
func (l *Limiter) evict() {
	e := l.lru.Back()
	l.lru.Remove(e)
	delete(l.buckets, e.Value.(*bucket).key)
}

// Len is the number of keys remembered.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lru.Len()
}
