// Package apperr is the one error type users can act on. A code says what kind of problem it
// is (mapped to an HTTP status in one place); Field and Line say where. Messages are English
// for the CLI and logs; the web layer renders Dutch from Code, Field and Dutch.
package apperr

import (
	"errors"
	"fmt"
	"strings"
)

// Code classifies an error for callers.
type Code string

const (
	Invalid   Code = "invalid"   // input does not meet the rules
	NotFound  Code = "not_found" // no such object, or not visible to the caller
	Conflict  Code = "conflict"  // the object exists or changed meanwhile
	Forbidden Code = "forbidden" // the caller may not do this
	// Unauthenticated: no valid login, session or token (HTTP 401).
	Unauthenticated Code = "unauthenticated"
	// TooMany: too many attempts; try again later (HTTP 429).
	TooMany Code = "too_many"
	// TooLarge: the input is larger than allowed (HTTP 413).
	TooLarge Code = "too_large"
	Internal Code = "internal"
)

// Error is an error with a code and, optionally, where it was found.
type Error struct {
	Code    Code
	File    string // input file, if any
	Line    int    // 1-based line in File or in the input, if known
	Field   string // field name, e.g. "kvk" or "requirements[3].rule"
	Message string // English, plain words
	Dutch   string // optional Dutch message for users; rendered from Message if empty
	Err     error  // cause
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
		}
		b.WriteString(": ")
	} else if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Message)
	if e.Err != nil && e.Message == "" {
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Invalidf returns an Invalid error for a field.
func Invalidf(field, format string, args ...any) *Error {
	return &Error{Code: Invalid, Field: field, Message: fmt.Sprintf(format, args...)}
}

// NotFoundf returns a NotFound error.
func NotFoundf(format string, args ...any) *Error {
	return &Error{Code: NotFound, Message: fmt.Sprintf(format, args...)}
}

// CodeOf returns the code of the first *Error in err's chain, or Internal.
func CodeOf(err error) Code {
	var l List
	if errors.As(err, &l) && len(l) > 0 {
		return l[0].Code
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// List collects several errors (e.g. all bad rows of a file) so they are reported at once.
type List []*Error

func (l List) Error() string {
	parts := make([]string, len(l))
	for i, e := range l {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "\n")
}

// Err returns nil for an empty list, so `return l.Err()` is safe.
func (l List) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// Errors returns the *Error values inside err: the list members, or err itself.
func Errors(err error) []*Error {
	var l List
	if errors.As(err, &l) {
		return l
	}
	var e *Error
	if errors.As(err, &e) {
		return []*Error{e}
	}
	return nil
}
