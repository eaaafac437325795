package identity_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/identity"
)

// answer is what a caller sees of a login: the code, the messages and the wait.
func answer(err error) string {
	wait, _ := identity.RetryAfter(err)
	if err == nil {
		return "ok"
	}
	return fmt.Sprintf("%s|%s|%s|%s", code(err), err.Error(), dutch(err), wait)
}

func TestWrongPasswordsSlowTheirSourceWithGrowingDelays(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.addUser(t, "cz", "inkoper@cz.example", identity.RoleBuyer)
	for i, wait := range []time.Duration{1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300} {
		wait *= time.Second
		_, _, _, err := e.svc.LoginFrom(ctx, "10.0.0.1", "inkoper@cz.example", "wrong password")
		if code(err) != apperr.Unauthenticated {
			t.Fatalf("failure %d: %v, want Unauthenticated", i+1, err)
		}
		// At once again, even with the right password: wait.
		_, _, _, err = e.svc.LoginFrom(ctx, "10.0.0.1", "inkoper@cz.example", password)
		if got, ok := identity.RetryAfter(err); code(err) != apperr.TooMany || !ok || got != wait {
			t.Fatalf("after failure %d: %v (wait %s), want TooMany and wait %s", i+1, err, got, wait)
		}
		e.clock.add(wait - time.Millisecond)
		_, _, _, err = e.svc.LoginFrom(ctx, "10.0.0.1", "inkoper@cz.example", password)
		if got, _ := identity.RetryAfter(err); got != time.Second {
			t.Fatalf("a millisecond early after failure %d: %v, want a wait of 1 s (rounded up)", i+1, err)
		}
		e.clock.add(time.Millisecond)
	}
	_, _, _, err := e.svc.LoginFrom(ctx, "10.0.0.1", "inkoper@cz.example", "wrong password")
	if code(err) != apperr.Unauthenticated {
		t.Fatalf("a wrong password once the wait is over: %v, want Unauthenticated", err)
	}
	_, _, _, err = e.svc.LoginFrom(ctx, "10.0.0.1", "inkoper@cz.example", password)
	if want := "Te veel pogingen. Probeer het over 300 seconden opnieuw."; dutch(err) != want {
		t.Errorf("Dutch message %q, want %q", dutch(err), want)
	}
	e.clock.add(identity.MaxLoginDelay)
	if _, _, _, err := e.svc.LoginFrom(ctx, "10.0.0.1", "inkoper@cz.example", password); err != nil {
		t.Fatalf("right password after the wait: %v", err)
	}
	// A success forgets the failures: the next mistake costs 1 s again.
	e.svc.LoginFrom(ctx, "10.0.0.1", "inkoper@cz.example", "wrong password")
	_, _, _, err = e.svc.LoginFrom(ctx, "10.0.0.1", "inkoper@cz.example", password)
	if got, _ := identity.RetryAfter(err); got != time.Second || dutch(err) != "Te veel pogingen. Probeer het over 1 seconde opnieuw." {
		t.Errorf("first failure after a success: %v (%q), want a wait of 1 seconde", err, dutch(err))
	}
}

func TestAnAttackerCannotLockTheUserOut(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.addUser(t, "cz", "inkoper@cz.example", identity.RoleBuyer)
	// The attacker at source A tries 50 passwords, each as soon as allowed (and more in between).
	for range 50 {
		for {
			_, _, _, err := e.svc.LoginFrom(ctx, "203.0.113.9", "inkoper@cz.example", "guess")
			wait, throttled := identity.RetryAfter(err)
			if !throttled {
				break
			}
			e.clock.add(wait)
		}
	}
	// The user, from their own address, logs in at once.
	if _, _, _, err := e.svc.LoginFrom(ctx, "198.51.100.7", "inkoper@cz.example", password); err != nil {
		t.Fatalf("the user's login after 50 failures from another source: %v", err)
	}
	// The attacker is still slowed.
	if _, _, _, err := e.svc.LoginFrom(ctx, "203.0.113.9", "inkoper@cz.example", password); code(err) != apperr.TooMany {
		t.Errorf("the attacker's source right after a failure: %v, want TooMany", err)
	}
}

func TestUnknownAndKnownAddressesGetTheSameAnswers(t *testing.T) {
	// The same sequence of attempts, with the time between them, for an address with an
	// account and one without, in two equal platforms.
	steps := []struct {
		after time.Duration
		pw    string
	}{{0, "a"}, {0, "b"}, {time.Second, "c"}, {time.Second, "d"}, {time.Second, "e"}, {2 * time.Second, "f"},
		{4 * time.Second, "g"}, {0, "h"}, {time.Hour, "i"}, {0, "j"}}
	run := func(email string) []string {
		e := newEnv(t)
		e.addUser(t, "cz", "inkoper@cz.example", identity.RoleBuyer)
		var out []string
		for _, st := range steps {
			e.clock.add(st.after)
			_, _, _, err := e.svc.LoginFrom(context.Background(), "10.0.0.1", email, "wrong password "+st.pw)
			out = append(out, answer(err))
		}
		return out
	}
	known, unknown := run("inkoper@cz.example"), run("niemand@cz.example")
	for i := range steps {
		if known[i] != unknown[i] {
			t.Errorf("step %d: known address %q, unknown %q", i+1, known[i], unknown[i])
		}
	}
}

func TestLoginRefusesTextThatIsNoText(t *testing.T) {
	e := newEnv(t)
	for name, email := range map[string]string{"NUL": "a\x00@cz.example", "invalid UTF-8": "a\xff@cz.example"} {
		_, _, _, err := e.svc.Login(context.Background(), email, password)
		if es := apperr.Errors(err); len(es) == 0 || es[0].Code != apperr.Invalid || es[0].Field != "email" {
			t.Errorf("%s in the address: %v, want Invalid on email", name, err)
		}
	}
}
