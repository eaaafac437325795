package api

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"zorginkoop/internal/apptest"
)

// roundEnv is the API over a round fixture (apptest.RoundFixture): services on a test
// clock, e-mail to an in-process SMTP server, and an API token per user of the rounds.
// Every answer is checked against openapi.json.
type roundEnv struct {
	t        *testing.T
	f        *apptest.RoundFixture
	srv      *httptest.Server
	contract *contract
	tokens   map[string]string
}

func newRoundEnv(t *testing.T, engine string) *roundEnv {
	t.Helper()
	f := apptest.NewRoundFixture(t, engine)
	h := New(f.Services, Options{Log: slog.New(slog.DiscardHandler), BaseURL: "https://zorginkoop.example/"})
	c := newContract(t, h)
	srv := httptest.NewServer(c)
	t.Cleanup(srv.Close)
	return &roundEnv{t: t, f: f, srv: srv, contract: c, tokens: map[string]string{"": ""}}
}

// token returns (and issues once) the API token of the user with key; "" is anonymous.
func (e *roundEnv) token(key string) string {
	if tok, ok := e.tokens[key]; ok {
		return tok
	}
	e.tokens[key] = e.f.Token(e.t, key)
	return e.tokens[key]
}

// answer is one response: its status, headers, raw body and decoded JSON (nil if none).
type answer struct {
	status int
	header http.Header
	raw    []byte
	v      any
}

func (a answer) at(path string) any { return at(a.v, path) }

func (a answer) str(path string) string {
	s, _ := at(a.v, path).(string)
	return s
}

// do sends one request as the user with key; body is JSON text, or raw bytes with
// contentType.
func (e *roundEnv) do(key, method, path string, body []byte, contentType string) answer {
	e.t.Helper()
	var h map[string]string
	if body != nil {
		h = map[string]string{"Content-Type": contentType}
	}
	return e.doHeader(key, method, path, body, h)
}

// doHeader is do with the request headers given.
func (e *roundEnv) doHeader(key, method, path string, body []byte, header map[string]string) answer {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	if header["Transfer-Encoding"] == "chunked" {
		// A body of unknown length: the limit must hold while it is read.
		req.Body, req.ContentLength = io.NopCloser(io.MultiReader(bytes.NewReader(body))), -1
	}
	if tok := e.token(key); tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	a := answer{status: resp.StatusCode, header: resp.Header, raw: raw}
	if ct := resp.Header.Get("Content-Type"); strings.Contains(ct, "json") && len(raw) > 0 {
		if err := json.Unmarshal(raw, &a.v); err != nil {
			e.t.Fatalf("%s %s: the answer is not JSON: %v", method, path, err)
		}
	}
	return a
}

// want sends a JSON request (body "" for none) and fails the test unless the status is
// status.
func (e *roundEnv) want(status int, key, method, path, body string) answer {
	e.t.Helper()
	var b []byte
	if body != "" {
		b = []byte(body)
	}
	a := e.do(key, method, path, b, "application/json")
	if a.status != status {
		e.t.Fatalf("%s %s as %q: status %d, want %d: %s", method, path, key, a.status, status, a.raw)
	}
	return a
}

// jsonText marshals v for a request body.
func jsonText(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
