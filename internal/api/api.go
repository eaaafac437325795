// Package api is the JSON API over the area services: policies in force, providers and
// assessments. Handlers only decode, call a service and encode; the rules live in the areas.
package api

import (
	_ "embed"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"zorginkoop/internal/app"
	"zorginkoop/internal/apperr"
	"zorginkoop/internal/httpauth"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/pricelist"
	"zorginkoop/internal/ratelimit"
	"zorginkoop/internal/text"
)

// Request body limits: a larger body gets 413, before it is read when its declared length
// says so, else as soon as reading passes the limit; either way before anything is written.
const (
	MaxBodyBytes      = 64 << 10 // a request without a limit of its own: tokens, publishing, runs
	MaxPolicyBytes    = 1 << 20  // POST /api/policies: one policy file (the shipped ones are under 100 kB)
	MaxProvidersBytes = 32 << 20 // POST /api/providers: a provider register with its facts
)

// bodyLimits are the routes with a limit of their own.
var bodyLimits = map[string]int64{
	"POST /api/policies":  MaxPolicyBytes,
	"POST /api/providers": MaxProvidersBytes,
	// An uploaded price list workbook; the documents' limit is Documents.MaxSize (limitBody).
	"PUT /api/dossiers/{id}/pricelists/{part}/xlsx": pricelist.MaxImportBytes,
}

// Limits are the rate limits of the API. New fills a nil field from DefaultLimits.
type Limits struct {
	// Public limits, per client IP address, the requests without credentials (what the
	// public may read: published policies, insurers, this API's description) and those
	// whose credentials fail, against scraping and guessing tokens. Callers with valid
	// credentials are not limited here.
	Public *ratelimit.Limiter
	// PerUser limits the requests of authenticated callers, per user (keyed "user "+id),
	// so that one logged-in user or leaked token cannot flood the server. Share it with
	// the pages (web.Limits.PerUser) to count both doors together.
	PerUser *ratelimit.Limiter
	// Heavy bounds the heavy requests in flight (heavyRoutes), per user and in all. Share
	// it with the pages (web.Limits.Heavy).
	Heavy *ratelimit.Gate
}

// DefaultLimits are generous for a script that reads the published policies now and then,
// and tight for one that hammers the API.
func DefaultLimits() Limits {
	return Limits{
		Public:  ratelimit.New(300, time.Minute, 0, nil),
		PerUser: ratelimit.New(DefaultPerUserPerMinute, time.Minute, 0, nil),
		Heavy:   ratelimit.NewGate(DefaultHeavyPerUser, DefaultHeavyTotal, 10*time.Second),
	}
}

// Defaults of the limits of authenticated callers, shared with the pages.
const (
	DefaultPerUserPerMinute = 600 // a burst of 600, then 10 a second
	DefaultHeavyPerUser     = 2
	DefaultHeavyTotal       = 8
)

// heavyRoutes are the routes that hold much memory or a database connection for long:
// they go through Limits.Heavy.
var heavyRoutes = map[string]bool{
	"POST /api/policies/{id}/assessments": true, // judges every provider
	"GET /api/policies/{id}/assessments":  true, // up to 1000 summaries a page
	"GET /api/policies/{id}/impact":       true, // judges every provider twice
	"GET /api/providers":                  true, // up to 500 providers with their parts
	"POST /api/providers":                 true, // an import of up to 32 MB
	// The round's files: workbooks read and written, PDFs made, calendars of every dossier.
	"GET /api/dossiers/{id}/pricelists/{part}/xlsx": true,
	"PUT /api/dossiers/{id}/pricelists/{part}/xlsx": true,
	"POST /api/dossiers/{id}/contract":              true,
	"GET /api/contracts/{id}/pdf":                   true,
	"GET /api/contracts/{id}/xlsx":                  true,
	"GET /api/calendar.ics":                         true,
	uploadRoute:                                     true,
	claimFileRoute:                                  true, // a claim file of up to 2 GiB, adjudicated line by line
	claimContractsRoute:                             true,
	claimInsuredRoute:                               true,
	"GET /api/claims/files/{id}/return.csv":         true,
	"GET /api/claims/files/{id}/return.json":        true,
	"GET /api/claims/overview":                      true, // aggregated in the database over every line
}

func (l *Limits) fill() {
	d := DefaultLimits()
	if l.Public == nil {
		l.Public = d.Public
	}
	if l.PerUser == nil {
		l.PerUser = d.PerUser
	}
	if l.Heavy == nil {
		l.Heavy = d.Heavy
	}
}

// Options are the API's own settings beside the services.
type Options struct {
	Limits Limits // rate limits; DefaultLimits for nil fields
	Log    *slog.Logger
	// BaseURL is where the web pages are served (https://zorginkoop.example), to make the
	// links to dossiers in the calendar feed absolute; relative when empty.
	BaseURL string
}

// Handler serves /api/. It adapts the services (wired by app.New, the same ones the pages
// serve): every handler passes the caller's principal (from the request context, put
// there by httpauth) to the service, which decides what the caller may see and do.
type Handler struct {
	*app.Services
	Limits  Limits
	Log     *slog.Logger
	BaseURL string // see Options.BaseURL, without a trailing slash
	mux     *http.ServeMux
	auth    http.Handler // mux behind the authentication middleware
	routes  []string     // the patterns registered, for the OpenAPI test
}

//go:embed openapi.json
var openAPIDoc []byte

// Routes lists the pattern of every route, without services (for the route tests).
func Routes() []string { return New(&app.Services{}, Options{}).Routes() }

// New returns the API handler with every route registered.
// s.Identity authenticates API tokens, client certificates and session cookies; without
// it the API serves everyone as anonymous (tests of public routes).
func New(s *app.Services, opt Options) *Handler {
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	opt.Limits.fill()
	h := &Handler{Services: s, Limits: opt.Limits, Log: opt.Log, BaseURL: strings.TrimSuffix(opt.BaseURL, "/"), mux: http.NewServeMux()}
	h.handle("GET /api/openapi.json", h.openAPI)
	h.handle("GET /api/insurers", h.listInsurers)
	h.handle("GET /api/me", h.me)
	h.handle("POST /api/tokens", h.createToken)
	h.handle("GET /api/tokens", h.listTokens)
	h.handle("DELETE /api/tokens/{id}", h.revokeToken)
	h.handle("GET /api/policies", h.listPolicies)
	h.handle("POST /api/policies", h.saveDraft)
	h.handle("GET /api/policies/{id}", h.getPolicy)
	h.handle("POST /api/policies/{id}/publish", h.publishPolicy)
	h.handle("GET /api/policies/{id}/impact", h.policyImpact)
	h.handle("POST /api/policies/{id}/assessments", h.runAssessment)
	h.handle("GET /api/policies/{id}/assessments", h.latestAssessment)
	h.handle("GET /api/policies/{id}/assessments/{providerID}", h.assessProvider)
	h.handle("GET /api/providers", h.listProviders)
	h.handle("GET /api/providers/{id}", h.getProvider)
	h.handle("POST /api/providers", h.importProviders)
	h.handle("GET /api/audit", h.listAudit)
	h.roundRoutes()
	h.claimsRoutes()
	h.methodNotAllowed()
	h.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		h.fail(w, r, errNoRoute)
	})
	h.auth = h.mux
	if s.Identity != nil {
		perUser := h.Limits.PerUser.Middleware(httpauth.UserKey, h.fail)
		h.auth = (&httpauth.Middleware{Identity: s.Identity, Fail: h.authFailed}).Handler(perUser(h.mux))
	}
	return h
}

// Routes returns the registered patterns ("GET /api/policies/{id}").
func (h *Handler) Routes() []string { return append([]string(nil), h.routes...) }

// ServeHTTP limits the request, authenticates the caller and serves the route. A request
// without any credentials is anonymous: it is rate limited per address (Limits.Public) and
// goes straight to the routes. It carries no ambient authority a foreign page could
// borrow, so the double-submit CSRF check the middleware makes for anonymous web forms
// does not apply, and an API client that forgot its token gets 401 rather than a CSRF
// error.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	anonymous := !hasCredentials(r)
	if anonymous && !h.allowPublic(w, r) {
		return
	}
	if !h.limitBody(w, r) {
		return
	}
	if anonymous {
		h.mux.ServeHTTP(w, r.WithContext(identity.WithPrincipal(r.Context(), identity.Anonymous)))
		return
	}
	h.auth.ServeHTTP(w, r)
}

// allowPublic takes a token of the public rate limit for r's address, or answers 429
// with Retry-After.
func (h *Handler) allowPublic(w http.ResponseWriter, r *http.Request) bool {
	if ok, wait := h.Limits.Public.Allow(ratelimit.ClientIP(r)); !ok {
		h.fail(w, r, ratelimit.Refuse(w, wait))
		return false
	}
	return true
}

// authFailed answers a request whose credentials did not authenticate; it counts against
// the public rate limit of its address, as an anonymous request does.
func (h *Handler) authFailed(w http.ResponseWriter, r *http.Request, err error) {
	if apperr.CodeOf(err) == apperr.Unauthenticated && !h.allowPublic(w, r) {
		return
	}
	h.fail(w, r, err)
}

// limitBody applies the body limit of r's route (bodyLimits, else MaxBodyBytes): a body
// declared larger is refused at once, one that turns out larger stops at the limit and
// the handler's read fails with *http.MaxBytesError (413).
func (h *Handler) limitBody(w http.ResponseWriter, r *http.Request) bool {
	limit := int64(MaxBodyBytes)
	_, pattern := h.mux.Handler(r)
	if bodyLimits[pattern] > 0 {
		limit = bodyLimits[pattern]
	}
	if n := h.claimsBodyLimit(pattern); n > 0 {
		limit = n
	}
	if pattern == uploadRoute && h.Documents != nil {
		limit = h.Documents.MaxSize() // the documents area's own limit, which it enforces too
	}
	if r.ContentLength > limit {
		h.fail(w, r, &http.MaxBytesError{Limit: limit})
		return false
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	return true
}

// hasCredentials reports whether r carries an API token, a verified client certificate or
// a session cookie.
func hasCredentials(r *http.Request) bool {
	if r.Header.Get("Authorization") != "" || r.TLS != nil && len(r.TLS.VerifiedChains) > 0 {
		return true
	}
	return httpauth.SessionCookieValue(r) != ""
}

// principal is who is calling.
func principal(r *http.Request) identity.Principal { return identity.PrincipalFrom(r.Context()) }

// handle registers a handler that returns an error; errors become problem+json. A heavy
// route goes through Limits.Heavy.
func (h *Handler) handle(pattern string, fn func(http.ResponseWriter, *http.Request) error) {
	h.routes = append(h.routes, pattern)
	serve := func(w http.ResponseWriter, r *http.Request) {
		err := text.CheckRequest(r) // ids in the path and query parameters; bodies are checked by the services
		if err == nil {
			err = fn(w, r)
		}
		if err != nil {
			h.fail(w, r, err)
		}
	}
	if heavyRoutes[pattern] {
		serve = h.Limits.Heavy.Wrap(httpauth.CallerKey, h.fail, serve)
	}
	h.mux.HandleFunc(pattern, serve)
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
