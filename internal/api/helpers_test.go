package api

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
)

func newTextLogger(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

func recordRequest(h http.Handler, method, path string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	return rec
}

// recordFail renders err the way a failing handler does.
func recordFail(h *Handler, err error) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.fail(rec, httptest.NewRequest("GET", "/api/x", nil), err)
	return rec
}
