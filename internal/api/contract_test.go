package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// The OpenAPI document is the API's contract: every response the API tests get passes
// through contract, which checks it against the document the server serves. A test that
// drifts from the document fails, whatever it was testing.

var (
	contractOnce   sync.Once
	contractDoc    *openapi3.T
	contractRouter routers.Router
	contractErr    error
)

// loadContract parses and validates openapi.json once per test binary.
func loadContract(t *testing.T) (*openapi3.T, routers.Router) {
	t.Helper()
	contractOnce.Do(func() {
		loader := openapi3.NewLoader()
		contractDoc, contractErr = loader.LoadFromData(openAPIDoc)
		if contractErr != nil {
			return
		}
		if contractErr = contractDoc.Validate(context.Background()); contractErr != nil {
			return
		}
		contractRouter, contractErr = legacy.NewRouter(contractDoc)
	})
	if contractErr != nil {
		t.Fatalf("openapi.json: %v", contractErr)
	}
	return contractDoc, contractRouter
}

// contract wraps the API handler so that every response to a request under /api/ is
// validated against openapi.json: the route and the status must be declared, the
// content type and body must match the declared schema, the declared headers must be
// there, and an error must be a problem+json document whose status is the response's.
// A request to a route the document does not describe fails the test, unless the test
// announced it with expectUndescribed (an unknown path's 404, a wrong method's 405); its
// answer must still be a problem document.
type contract struct {
	t      *testing.T
	next   http.Handler
	doc    *openapi3.T
	router routers.Router

	mu         sync.Mutex
	undescribe map[string]bool // "METHOD /path" a test sends on purpose
	seen       map[string]int  // "METHOD /api/path/{id} status" → responses validated
}

func newContract(t *testing.T, next http.Handler) *contract {
	doc, router := loadContract(t)
	return &contract{t: t, next: next, doc: doc, router: router, undescribe: map[string]bool{}, seen: map[string]int{}}
}

// expectUndescribed announces requests ("DELETE /api/providers/x") that go to a route the
// document does not describe on purpose.
func (c *contract) expectUndescribed(requests ...string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, r := range requests {
		c.undescribe[r] = true
	}
}

// covered lists the operations and statuses validated so far ("GET /api/me 401").
func (c *contract) covered() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.seen))
	for k, v := range c.seen {
		out[k] = v
	}
	return out
}

// ServeHTTP serves the request into a buffer, checks the answer and only then passes it on,
// so that a failure is reported while the test still waits for its answer.
func (c *contract) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.URL.Path, "/api/") {
		c.next.ServeHTTP(w, r)
		return
	}
	rec := httptest.NewRecorder()
	c.next.ServeHTTP(&connRecorder{ResponseRecorder: rec, conn: w}, r)
	if msg := c.check(r, rec); msg != "" {
		c.t.Errorf("contract: %s %s answered %d: %s", r.Method, r.URL.RequestURI(), rec.Code, msg)
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	w.Write(rec.Body.Bytes())
}

// connRecorder records the answer and leaves the connection's deadlines to the server's
// writer: http.ResponseController finds SetReadDeadline through Unwrap (a claim file's
// upload extends them).
type connRecorder struct {
	*httptest.ResponseRecorder
	conn http.ResponseWriter
}

func (r *connRecorder) Unwrap() http.ResponseWriter { return r.conn }

// check returns what is wrong with the answer, or "".
func (c *contract) check(r *http.Request, rec *httptest.ResponseRecorder) string {
	body := rec.Body.Bytes()
	route, params, err := c.router.FindRoute(r)
	if err != nil {
		c.mu.Lock()
		expected := c.undescribe[r.Method+" "+r.URL.Path]
		c.mu.Unlock()
		if !expected {
			return "the route is not in openapi.json: " + err.Error()
		}
		return c.checkProblem(rec.Code, rec.Header(), body, c.doc.Components.Schemas["Problem"])
	}
	c.mu.Lock()
	c.seen[fmt.Sprintf("%s %s %d", r.Method, route.Path, rec.Code)]++
	c.mu.Unlock()
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route},
		Status:                 rec.Code,
		Header:                 rec.Header(),
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	in.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(r.Context(), in); err != nil {
		return err.Error()
	}
	resp := route.Operation.Responses.Status(rec.Code).Value
	if len(resp.Content) == 0 && len(body) > 0 {
		return fmt.Sprintf("openapi.json declares no body, but the answer has %d bytes", len(body))
	}
	if rec.Code >= 400 {
		var schema *openapi3.SchemaRef
		if mt := resp.Content.Get(problemType); mt != nil {
			schema = mt.Schema
		}
		return c.checkProblem(rec.Code, rec.Header(), body, schema)
	}
	return ""
}

// checkProblem checks an error answer: problem+json, valid against the Problem schema,
// with the response's status.
func (c *contract) checkProblem(status int, h http.Header, body []byte, schema *openapi3.SchemaRef) string {
	if mt, _, _ := mime.ParseMediaType(h.Get("Content-Type")); mt != problemType {
		return fmt.Sprintf("an error answer with Content-Type %q, want %s", h.Get("Content-Type"), problemType)
	}
	if schema == nil {
		return "openapi.json declares no problem+json schema for this status"
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return "the problem is not JSON: " + err.Error()
	}
	if err := schema.Value.VisitJSON(v, openapi3.EnableJSONSchema2020(), openapi3.VisitAsResponse()); err != nil {
		return "the problem does not match the Problem schema: " + err.Error()
	}
	if got, _ := at(v, "status").(float64); int(got) != status {
		return fmt.Sprintf("the problem's status is %v", at(v, "status"))
	}
	texts := []string{fmt.Sprint(at(v, "title")), fmt.Sprint(at(v, "detail"))}
	errs, _ := at(v, "errors").([]any)
	for _, e := range errs {
		texts = append(texts, fmt.Sprint(at(e, "message")))
	}
	for _, text := range texts {
		if w := dutchWord(text); w != "" {
			return fmt.Sprintf("the problem speaks Dutch (%q in %q); problem details are English (docs/language.md)", w, text)
		}
	}
	return ""
}

// dutchWords are common Dutch words that English text does not have.
var dutchWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`de het een en niet van voor geen moet mag bestaat zijn wordt regel veld
		beleid zorginkoopbeleid zorgaanbieder verzekeraar onbekend onbekende ongeldig ongeldige gegevens uw u bij naar
		deze dit alleen kan maar ook nog waarde datum bedrag tekst probeer opnieuw`) {
		dutchWords[w] = true
	}
}

// dutchWord returns a Dutch word of text outside quotes and identifiers, or "".
// Quoted values ("tandarts") and ids (hap-de-linde, policy:cz-x) are content, which may
// be Dutch.
func dutchWord(text string) string {
	var outside strings.Builder
	for i, part := range strings.Split(text, `"`) {
		if i%2 == 0 {
			outside.WriteString(part + " ")
		}
	}
	for _, w := range strings.Fields(outside.String()) {
		w = strings.Trim(w, ".,;:()'!?")
		if strings.ContainsAny(w, "-_:/.0123456789[]") {
			continue
		}
		if dutchWords[strings.ToLower(w)] {
			return w
		}
	}
	return ""
}

// TestContractRefusesWhatTheDocumentDoesNotDeclare proves the validator itself: answers
// that break the document are reported, the ones that keep it are not.
func TestContractRefusesWhatTheDocumentDoesNotDeclare(t *testing.T) {
	problem := func(st int) string {
		return fmt.Sprintf(`{"type":"about:blank","title":%q,"status":%d}`, http.StatusText(st), st)
	}
	tests := []struct {
		name    string
		method  string
		path    string
		status  int
		ctype   string
		body    string
		headers map[string]string
		wantErr string // part of the message; "" for a valid answer
	}{
		{"a valid answer passes", "GET", "/api/me", 200, jsonType,
			`{"user":{"id":"u","email":"a@b.nl","name":"A"},"organisation":{"id":"o","kind":"insurer","name":"O","insurers":[],"providers":[]},"roles":[]}`, nil, ""},
		{"an undeclared status fails", "GET", "/api/insurers", 418, problemType, problem(418), nil, "status is not supported"},
		{"a body of the wrong shape fails", "GET", "/api/providers", 200, jsonType, `{"providers":"none"}`, nil, "doesn't match schema"},
		{"a missing field fails", "GET", "/api/tokens", 200, jsonType,
			`[{"id":"t","name":"n","created_at":"2026-01-01T00:00:00Z","expires_at":"2026-02-01T00:00:00Z"}]`, nil, "last_used_at"},
		{"a field the document does not name fails", "GET", "/api/tokens", 200, jsonType,
			`[{"id":"t","name":"n","created_at":"2026-01-01T00:00:00Z","last_used_at":null,"expires_at":"2026-02-01T00:00:00Z","secret":"zk_x"}]`, nil, "secret"},
		{"an undeclared content type fails", "GET", "/api/me", 200, "text/plain", "hallo", nil, "Content-Type"},
		{"an error that is not problem+json fails", "GET", "/api/me", 401, jsonType, problem(401),
			map[string]string{"WWW-Authenticate": "Bearer"}, "Content-Type"},
		{"a problem with another status fails", "GET", "/api/me", 401, problemType, problem(403),
			map[string]string{"WWW-Authenticate": "Bearer"}, "status is 403"},
		{"a body where none is declared fails", "DELETE", "/api/tokens/x", 204, jsonType, `{}`, nil, "declares no body"},
		{"a problem in Dutch fails", "GET", "/api/me", 401, problemType,
			`{"type":"about:blank","title":"Unauthorized","status":401,"detail":"u bent niet ingelogd"}`,
			map[string]string{"WWW-Authenticate": "Bearer"}, "speaks Dutch"},
		{"an undescribed route fails", "GET", "/api/bestaat-niet", 404, problemType, problem(404), nil, "not in openapi.json"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newContract(t, nil)
			rec := httptest.NewRecorder()
			rec.Header().Set("Content-Type", tc.ctype)
			for k, v := range tc.headers {
				rec.Header().Set(k, v)
			}
			rec.WriteHeader(tc.status)
			rec.Body = bytes.NewBufferString(tc.body)
			msg := c.check(httptest.NewRequest(tc.method, tc.path, nil), rec)
			if tc.wantErr == "" && msg != "" || !strings.Contains(msg, tc.wantErr) {
				t.Errorf("message %q, want one with %q", msg, tc.wantErr)
			}
		})
	}
}
