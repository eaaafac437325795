package identity

// Logging in with a password, and the throttle that slows guessing without letting anyone
// lock another person out.
//
// Failed logins are counted per (e-mail address, source address): after the n-th failure
// in a row that source waits 1 s, 2 s, 4 s, ... (at most MaxLoginDelay) before its next
// attempt for that address is heard. The count is kept for any address typed, whether it
// has an account or not, so the answers (wrong password, or wait N seconds) are the same
// for both and tell nobody which addresses exist. No number of failures locks the account
// itself: an attacker slows only their own source, and the user logs in from theirs. The
// per-IP rate limit of the web forms bounds how many addresses one source may try.

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/text"
)

// Limits of the login throttle.
const (
	MaxLoginDelay = 5 * time.Minute // the longest wait between attempts from one source
	// LoginMemory is how long failures are remembered: a source that has not tried for
	// that long starts again at no delay, and its row is deleted.
	LoginMemory = 24 * time.Hour
	// LocalSource is the source of logins that do not come over a network (the command
	// line, tests): they share one throttle per address.
	LocalSource = "local"
)

var errBadLogin = &apperr.Error{Code: apperr.Unauthenticated, Field: "password",
	Message: "wrong e-mail address or password", Dutch: "Het e-mailadres of het wachtwoord is onjuist."}

// Throttled is the cause of a login refused because its source must wait; the web and the
// API send Wait as Retry-After.
type Throttled struct{ Wait time.Duration }

func (t *Throttled) Error() string { return fmt.Sprintf("throttled for %s", t.Wait) }

// RetryAfter returns how long a refused login must wait, if err is a throttled login.
func RetryAfter(err error) (time.Duration, bool) {
	var t *Throttled
	if errors.As(err, &t) {
		return t.Wait, true
	}
	return 0, false
}

func throttledError(wait time.Duration) error {
	secs := int((wait + time.Second - 1) / time.Second)
	wait = time.Duration(secs) * time.Second
	dutch := strconv.Itoa(secs) + " seconden"
	if secs == 1 {
		dutch = "1 seconde"
	}
	return &apperr.Error{Code: apperr.TooMany, Message: fmt.Sprintf("too many attempts; try again in %d seconds", secs),
		Dutch: "Te veel pogingen. Probeer het over " + dutch + " opnieuw.", Err: &Throttled{Wait: wait}}
}

// loginDelay is the wait after the n-th failure in a row: 1 s, 2 s, 4 s, ... at most
// MaxLoginDelay.
func loginDelay(n int) time.Duration {
	if n <= 0 {
		return 0
	}
	if n > 30 {
		return MaxLoginDelay
	}
	return min(time.Second<<(n-1), MaxLoginDelay)
}

// throttleKey keys the count of an address typed and a source; hashed, so that the
// addresses of strangers are not stored.
func throttleKey(email, source string) string {
	return HashSecret(NormalizeEmail(email) + "\x00" + source)
}

// Login is LoginFrom the LocalSource, for the command line and tests.
func (s *Service) Login(ctx context.Context, email, password string) (Principal, string, *Session, error) {
	return s.LoginFrom(ctx, LocalSource, email, password)
}

// LoginFrom checks an e-mail address and password sent from source (the client's IP
// address) and starts a session. A source that failed for the address must wait (see the
// top of this file) and gets apperr TooMany with a Throttled cause.
func (s *Service) LoginFrom(ctx context.Context, source, email, password string) (Principal, string, *Session, error) {
	if err := text.CheckAll(text.Field{Name: "email", Value: email, Max: text.Email},
		text.Field{Name: "password", Value: password, Max: text.Password}).Err(); err != nil {
		return Anonymous, "", nil, err
	}
	key := throttleKey(email, source)
	n, err := s.claimAttempt(ctx, key)
	if err != nil {
		return Anonymous, "", nil, err
	}
	inARow := fmt.Sprintf(" (%d in a row from %s)", n, source)
	u, err := s.Store.UserByEmail(ctx, NormalizeEmail(email))
	if apperr.CodeOf(err) == apperr.NotFound {
		passwordMatches(dummyHash, password)
		return Anonymous, "", nil, s.refuseLogin(ctx, "user:"+NormalizeEmail(email), "", "unknown e-mail address"+inARow)
	}
	if err != nil {
		return Anonymous, "", nil, err
	}
	if u.PasswordHash == "" || !passwordMatches(u.PasswordHash, password) {
		return Anonymous, "", nil, s.refuseLogin(ctx, "user:"+u.ID, u.OrgID, "wrong password"+inARow)
	}
	if u.Disabled {
		s.record(ctx, Anonymous, ActionLogin, "user:"+u.ID, u.OrgID, nil, nil, "account disabled", true)
		return Anonymous, "", nil, errDisabled
	}
	var (
		p      Principal
		secret string
		sess   *Session
	)
	// Forgetting the failures, the session and the login entry commit together.
	err = s.inTx(ctx, func(ctx context.Context) error {
		if err := s.Store.DeleteLoginThrottle(ctx, key); err != nil {
			return err
		}
		var err error
		p, secret, sess, err = s.StartSession(ctx, u, "password")
		return err
	})
	if err != nil {
		return Anonymous, "", nil, err
	}
	return p, secret, sess, nil
}

// refuseLogin records a failed login and returns errBadLogin, or the error of recording.
func (s *Service) refuseLogin(ctx context.Context, subject, orgID, reason string) error {
	err := s.inTx(ctx, func(ctx context.Context) error {
		return s.record(ctx, Anonymous, ActionLogin, subject, orgID, nil, nil, reason, true)
	})
	if err != nil {
		return err
	}
	return errBadLogin
}

var errDisabled = &apperr.Error{Code: apperr.Forbidden, Message: "this account is disabled",
	Dutch: "Dit account is uitgeschakeld. Neem contact op met de beheerder van uw organisatie."}

// claimAttempt lets an attempt of key through, returning its number in the current run of
// failures (1 after a success or none), or says how long to wait. It counts the
// attempt as a failure before the password is checked, and a success deletes the count:
// so attempts sent at once from one source are heard one at a time, and a failure is
// counted even when its audit entry cannot be written. The count is rate-limiting state,
// not a change to the account, so it is not audited itself; each attempt heard is.
func (s *Service) claimAttempt(ctx context.Context, key string) (int, error) {
	now := s.Now().UTC()
	t, err := s.Store.LoginThrottle(ctx, key)
	stored := 0
	switch {
	case apperr.CodeOf(err) == apperr.NotFound:
		t = &LoginThrottle{Key: key}
	case err != nil:
		return 0, err
	default:
		stored = t.Failures
	}
	if now.Before(t.RetryAt) {
		return 0, throttledError(t.RetryAt.Sub(now))
	}
	failures := t.Failures
	if now.Sub(t.LastAt) >= LoginMemory {
		failures = 0
	}
	next := LoginThrottle{Key: key, Failures: failures + 1, RetryAt: now.Add(loginDelay(failures + 1)), LastAt: now}
	ok, err := s.Store.SaveLoginThrottle(ctx, next, stored)
	if err != nil {
		return 0, err
	}
	if !ok { // another attempt from this source was heard at this moment
		return 0, throttledError(loginDelay(failures + 1))
	}
	if stored == 0 {
		return next.Failures, s.Store.PruneLoginThrottle(ctx, now.Add(-LoginMemory))
	}
	return next.Failures, nil
}
