// Package api is the JSON API over the area services: policies in force, providers and
// assessments. Handlers only decode, call a service and encode; the rules live in the areas.
package api

import (
	_ "embed"
	"log/slog"
	"net/http"
	"strings"

	"zorginkoop/internal/assessment"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/provider"
)

// MaxBodyBytes limits request bodies; larger bodies get 413.
const MaxBodyBytes = 10 << 20

// Services are what the API adapts; the caller wires them (cmd/zorginkoop serve).
type Services struct {
	Library     *policy.Library     // the policies in force and the registry
	Providers   *provider.Service   // import and validation of providers
	ProviderDB  provider.Store      // listing and reading providers
	Assessments *assessment.Service // running and reading assessments
	Log         *slog.Logger
}

// Handler serves /api/.
type Handler struct {
	Services
	mux    *http.ServeMux
	routes []string // the patterns registered, for the OpenAPI test
}

//go:embed openapi.json
var openAPIDoc []byte

// New returns the API handler with every route registered.
func New(s Services) *Handler {
	if s.Log == nil {
		s.Log = slog.New(slog.DiscardHandler)
	}
	h := &Handler{Services: s, mux: http.NewServeMux()}
	h.handle("GET /api/openapi.json", h.openAPI)
	h.handle("GET /api/insurers", h.listInsurers)
	h.handle("GET /api/policies", h.listPolicies)
	h.handle("GET /api/policies/{id}", h.getPolicy)
	h.handle("POST /api/policies/{id}/assessments", h.runAssessment)
	h.handle("GET /api/policies/{id}/assessments", h.latestAssessment)
	h.handle("GET /api/policies/{id}/assessments/{providerID}", h.assessProvider)
	h.handle("GET /api/providers", h.listProviders)
	h.handle("GET /api/providers/{id}", h.getProvider)
	h.handle("POST /api/providers", h.importProviders)
	h.methodNotAllowed()
	h.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		h.fail(w, r, errNoRoute)
	})
	return h
}

// Routes returns the registered patterns ("GET /api/policies/{id}").
func (h *Handler) Routes() []string { return append([]string(nil), h.routes...) }

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

// handle registers a handler that returns an error; errors become problem+json.
func (h *Handler) handle(pattern string, fn func(http.ResponseWriter, *http.Request) error) {
	h.routes = append(h.routes, pattern)
	h.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			h.fail(w, r, err)
		}
	})
}

func (h *Handler) openAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	_, err := w.Write(openAPIDoc)
	return err
}

// methodNotAllowed answers a known path with an unsupported method as problem+json with
// an Allow header, instead of the mux's plain-text 405.
func (h *Handler) methodNotAllowed() {
	allowed := map[string][]string{}
	var paths []string
	for _, r := range h.routes {
		method, path, _ := strings.Cut(r, " ")
		if allowed[path] == nil {
			paths = append(paths, path)
		}
		allowed[path] = append(allowed[path], method)
	}
	for _, path := range paths {
		allow := strings.Join(allowed[path], ", ")
		h.mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", allow)
			h.fail(w, r, errMethod)
		})
	}
}
