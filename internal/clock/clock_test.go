package clock

import (
	"sync"
	"testing"
	"time"
)

func TestSetAndAdvanceMoveTheClock(t *testing.T) {
	c := NewTest()
	at := time.Date(2025, 9, 1, 21, 59, 59, 0, time.UTC)
	c.Set(at)
	if d := c.Now().Sub(at); d < 0 || d > time.Second {
		t.Fatalf("after Set: %v, want %v", c.Now(), at)
	}
	c.Advance(24 * time.Hour)
	if d := c.Now().Sub(at.Add(24 * time.Hour)); d < 0 || d > time.Second {
		t.Fatalf("after Advance: %v", c.Now())
	}
}

func TestClockIsSafeForConcurrentUse(t *testing.T) {
	c := NewTest()
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				c.Advance(time.Second)
				_ = c.Now()
			}
		}()
	}
	wg.Wait()
}
