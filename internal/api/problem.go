package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"zorginkoop/internal/apperr"
)

// Problem is an RFC 9457 problem document.
type Problem struct {
	Type   string       `json:"type"`
	Title  string       `json:"title"`
	Status int          `json:"status"`
	Detail string       `json:"detail,omitempty"`
	Errors []FieldError `json:"errors,omitempty"`
	// Unsaved (409 on a price list): the submission that was not stored because the list
	// changed meanwhile, so that nothing the caller typed is lost.
	Unsaved *unsavedJSON `json:"unsaved,omitempty"`
}

// FieldError names one problem with the input.
type FieldError struct {
	Field   string `json:"field,omitempty"`
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}

// errMalformed marks a request body that is not the JSON we expect (400, not 422).
var errMalformed = errors.New("malformed request body")

var (
	errNoRoute = apperr.NotFoundf("no such API endpoint")
	errMethod  = errors.New("method not allowed")
)

// status maps an error to the HTTP status. This is the one place that does so.
func status(err error) int {
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return http.StatusRequestEntityTooLarge
	case isMalformed(err):
		return http.StatusBadRequest
	case errors.Is(err, errMethod):
		return http.StatusMethodNotAllowed
	}
	switch apperr.CodeOf(err) {
	case apperr.Invalid:
		return http.StatusUnprocessableEntity
	case apperr.NotFound:
		return http.StatusNotFound
	case apperr.Conflict:
		return http.StatusConflict
	case apperr.Forbidden:
		return http.StatusForbidden
	case apperr.Unauthenticated:
		return http.StatusUnauthorized
	case apperr.TooMany:
		return http.StatusTooManyRequests
	case apperr.TooLarge:
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

// fail writes err as problem+json. Internal errors are logged; the client sees only
// "internal error".
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	st := status(err)
	p := Problem{Type: "about:blank", Title: http.StatusText(st), Status: st}
	var tooBig *http.MaxBytesError
	switch {
	case st == http.StatusInternalServerError:
		h.Log.Error("api request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		p.Detail = "internal error"
	case st == http.StatusMethodNotAllowed:
		p.Detail = r.Method + " is not allowed here; see the Allow header"
	case errors.As(err, &tooBig):
		p.Detail = fmt.Sprintf("the request body is larger than %d bytes, the limit of this endpoint", tooBig.Limit)
	default:
		errs := apperr.Errors(err)
		if len(errs) == 1 && errs[0].Field == "" && errs[0].Line == 0 {
			p.Detail = errs[0].Message
			break
		}
		p.Detail = fmt.Sprintf("%d problems with the input", len(errs))
		if len(errs) == 1 {
			p.Detail = "1 problem with the input"
		}
		if len(errs) == 0 {
			p.Detail = err.Error()
		}
		for _, e := range errs {
			p.Errors = append(p.Errors, FieldError{Field: e.Field, Line: e.Line, Message: e.Message})
		}
	}
	if st == http.StatusConflict {
		p.Unsaved = unsavedOf(err)
	}
	// A download may have set its own headers before it failed.
	w.Header().Del("Content-Disposition")
	w.Header().Del("Content-Length")
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if st == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="zorginkoop"`)
	}
	w.WriteHeader(st)
	json.NewEncoder(w).Encode(p)
}

// writeJSON writes v with status.
func writeJSON(w http.ResponseWriter, st int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(st)
	return json.NewEncoder(w).Encode(v)
}

// decode reads one JSON value from the body (limited by ServeHTTP), refusing unknown
// fields and trailing data. Errors name the field where JSON can tell.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if dec.More() {
		return malformed("", "the body holds more than one JSON value")
	}
	return nil
}

func decodeError(err error) error {
	var (
		tooBig  *http.MaxBytesError
		syntax  *json.SyntaxError
		typeErr *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &tooBig):
		return err
	case errors.As(err, &syntax):
		return malformed("", fmt.Sprintf("the body is not valid JSON at byte %d: %v", syntax.Offset, syntax))
	case errors.As(err, &typeErr):
		return malformed(typeErr.Field, fmt.Sprintf("expected a JSON %s, got %s", typeErr.Type, typeErr.Value))
	case errors.Is(err, io.EOF):
		return malformed("", "the body is empty; expected JSON")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return malformed("", "the body ends in the middle of a JSON value")
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return malformed(name, fmt.Sprintf("unknown field %q", name))
	}
	return malformed("", "the body is not valid JSON: "+err.Error())
}

// malformed returns a 400 error that still names the field for the errors list.
func malformed(field, msg string) error {
	return apperr.List{{Code: apperr.Invalid, Field: field, Message: msg, Err: errMalformed}}
}

func isMalformed(err error) bool {
	for _, e := range apperr.Errors(err) {
		if errors.Is(e, errMalformed) {
			return true
		}
	}
	return false
}
