package ratelimit

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"zorginkoop/internal/apperr"
)

// Error is the error of a refused request: apperr TooMany, with a Dutch message that says
// how long to wait.
func Error(retryAfter time.Duration) error {
	secs := int(retryAfter.Round(time.Second) / time.Second)
	return &apperr.Error{Code: apperr.TooMany,
		Message: fmt.Sprintf("too many requests; try again in %d seconds", secs),
		Dutch:   "U heeft in korte tijd te veel verzoeken gedaan. Probeer het over " + dutchWait(secs) + " opnieuw."}
}

func dutchWait(secs int) string {
	switch {
	case secs <= 1:
		return "1 seconde"
	case secs < 120:
		return strconv.Itoa(secs) + " seconden"
	default:
		return strconv.Itoa((secs+59)/60) + " minuten"
	}
}

// Refuse sets the Retry-After header of a refused request and returns its Error, for the
// caller's error writer.
func Refuse(w http.ResponseWriter, retryAfter time.Duration) error {
	w.Header().Set("Retry-After", strconv.Itoa(int(retryAfter/time.Second)))
	return Error(retryAfter)
}

// Middleware limits the requests for which key returns a non-empty key; key "" lets a
// request through unlimited. A refused request gets a Retry-After header and fail is
// called with Error, to write the answer in the caller's form (a Dutch page, problem+json).
func (l *Limiter) Middleware(key func(*http.Request) string, fail func(http.ResponseWriter, *http.Request, error)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if k := key(r); k != "" {
				if ok, wait := l.Allow(k); !ok {
					fail(w, r, Refuse(w, wait))
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	}
}
