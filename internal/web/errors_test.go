package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"zorginkoop/internal/apperr"
)

func TestEveryErrorHasOneAnswerOnThePages(t *testing.T) {
	own := func(code apperr.Code) error {
		return &apperr.Error{Code: code, Message: "english", Dutch: "Eigen woorden van de dienst."}
	}
	tests := []struct {
		name     string
		err      error
		status   int
		heading  string
		ownWords bool
		form     int // formError's status: 0 when the error page answers it
	}{
		{"invalid input is 400, in the service's own words", own(apperr.Invalid), 400, "Ongeldige invoer", true, 400},
		{"invalid input without Dutch words gets the general text", apperr.Invalidf("x", "bad"), 400, "Ongeldige invoer", false, 400},
		{"a missing page is 404 and never shown on a form", own(apperr.NotFound), 404, "Pagina niet gevonden", true, 0},
		{"a refusal is 403", own(apperr.Forbidden), 403, "Geen toegang", true, 403},
		{"no login is 401", own(apperr.Unauthenticated), 401, "Inloggen vereist", true, 401},
		{"too many attempts is 429", own(apperr.TooMany), 429, "Te veel verzoeken", true, 429},
		{"a change meanwhile is 409", own(apperr.Conflict), 409, "Conflict", true, 409},
		{"a list answers by its first error", apperr.List{own(apperr.Invalid).(*apperr.Error)}, 400, "Ongeldige invoer", true, 400},
		{"a wrapped error keeps its code", fmt.Errorf("save: %w", own(apperr.Conflict)), 409, "Conflict", true, 409},
		{"an oversized form is 413", &http.MaxBytesError{Limit: 1 << 20}, 413, "Te veel gegevens", false, 0},
		{"any other error is 500, and its words stay in the log", errors.New("database on fire"), 500, "Er ging iets mis", false, 0},
		{"an internal error's Dutch words are not shown either", own(apperr.Internal), 500, "Er ging iets mis", false, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ep, words := answer(tc.err)
			if ep.Status != tc.status || ep.Heading != tc.heading {
				t.Errorf("answer = %d %q, want %d %q", ep.Status, ep.Heading, tc.status, tc.heading)
			}
			if tc.ownWords != (words != "" && ep.Message == words) {
				t.Errorf("message %q, own words %q; want own words: %v", ep.Message, words, tc.ownWords)
			}
			if ep.Message == "" || strings.Contains(ep.Message, "english") || strings.Contains(ep.Message, "fire") {
				t.Errorf("message %q: want Dutch words for users", ep.Message)
			}
			if status, _ := formError(tc.err); status != tc.form {
				t.Errorf("formError status %d, want %d", status, tc.form)
			}
		})
	}
}
