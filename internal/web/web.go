// Package web serves the Dutch HTML pages over the same services as the JSON API:
// the policies in force, one policy in full, assessments with drill-down and downloads,
// and the provider list. Server-rendered with html/template; works without JavaScript.
package web

import (
	"bytes"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"

	"zorginkoop/internal/app"
	"zorginkoop/internal/apperr"
	"zorginkoop/internal/httpauth"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/text"
)

// Options are the pages' own settings beside the services.
type Options struct {
	Limits Limits // rate limits; DefaultLimits for nil fields
	Log    *slog.Logger
}

// Handler serves the pages: what they show and change comes from the services (wired by
// app.New, the same ones the API serves).
type Handler struct {
	*app.Services
	Limits Limits
	Log    *slog.Logger
	mux    *http.ServeMux
	pages  map[string]*template.Template
	routes []string // the patterns registered with handle, for the authorisation matrix test
}

//go:embed templates/*.html static/*
var files embed.FS

// New returns the web handler over s: security headers, a body size limit, cross-origin
// protection, authentication with a CSRF check of every form, and rate limits (see
// protect in auth.go).
func New(s *app.Services, opt Options) (http.Handler, error) {
	if s == nil || s.Identity == nil {
		return nil, errors.New("web: Services.Identity is required: the pages need logins")
	}
	h, err := newHandler(s, opt)
	if err != nil {
		return nil, err
	}
	return h.protect(h.mux), nil
}

// Routes lists the pattern of every page and form registered with handle ("GET
// /beleid/{id}"), for the authorisation matrix test: a page without a row there fails it.
func Routes() ([]string, error) {
	h, err := newHandler(&app.Services{}, Options{})
	if err != nil {
		return nil, err
	}
	return append([]string(nil), h.routes...), nil
}

// newHandler parses the templates and registers every route.
func newHandler(s *app.Services, opt Options) (*Handler, error) {
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	h := &Handler{Services: s, Limits: opt.Limits, Log: opt.Log, mux: http.NewServeMux(), pages: map[string]*template.Template{}}
	h.Limits.fill() // before the routes: heavy ones are registered with Limits.Heavy
	if err := h.parseTemplates(); err != nil {
		return nil, err
	}
	h.mux.Handle("GET /static/", staticFiles())
	h.handle("GET /{$}", h.index)
	h.handle("GET /beleid/{id}", h.policyPage)
	h.handle("GET /beleid/nieuw", h.uploadPage)
	h.handle("POST /beleid/nieuw", h.upload)
	h.handle("GET /beleid/{id}/concept", h.draftPage)
	h.handle("POST /beleid/{id}/publiceren", h.publish)
	h.handle("GET /beleid/{id}/gevolgen", h.impactPage)
	h.handle("GET /beleid/{id}/gevolgen.csv", h.impactCSV)
	h.handle("GET /beleid/{id}/beoordeling", h.assessmentPage)
	h.handle("POST /beleid/{id}/beoordeling", h.runAssessment)
	h.handle("GET /beleid/{id}/beoordeling.csv", h.assessmentCSV)
	h.handle("GET /beleid/{id}/beoordeling.xlsx", h.assessmentXLSX)
	h.handle("GET /beleid/{id}/beoordeling/{providerID}", h.providerAssessmentPage)
	h.handle("GET /zorgaanbieders", h.providersPage)
	h.handle("GET /zorgaanbieders/{id}", h.providerPage)
	h.handle("GET /logboek", h.auditPage)
	h.handle("GET /logboek.csv", h.auditCSV)
	h.handle("GET /inloggen/oidc/{org}", h.oidcStart)
	h.handle("GET /inloggen/oidc/{org}/terug", h.oidcCallback)
	h.roundRoutes()
	h.dossierRoutes()
	h.authRoutes()
	h.userRoutes()
	h.providerRoundRoutes()
	h.claimsRoutes()
	h.handle("/", func(w http.ResponseWriter, r *http.Request) error {
		return apperr.NotFoundf("no page at %s", r.URL.Path)
	})
	return h, nil
}

func (h *Handler) parseTemplates() error {
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return err
	}
	for _, name := range names {
		if name == "templates/layout.html" || name == "templates/partials.html" {
			continue
		}
		t, err := template.New("layout.html").Funcs(h.funcs()).Funcs(h.navFuncs()).Funcs(roundFuncs()).Funcs(h.claimsFuncs()).ParseFS(files, "templates/layout.html", "templates/partials.html", name)
		if err != nil {
			return err
		}
		h.pages[name[len("templates/"):]] = t
	}
	return nil
}

// Secure sets the security headers on every response.
func Secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("X-Frame-Options", "DENY")
		if httpauth.HTTPS(r) { // over plain HTTP browsers ignore it
			hd.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

func (h *Handler) handle(pattern string, fn func(http.ResponseWriter, *http.Request) error) {
	h.routes = append(h.routes, pattern)
	serve := func(w http.ResponseWriter, r *http.Request) {
		w = withRequest(w, r)
		err := text.CheckRequest(r) // the path, the query and the form, parsed by LimitBody
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

// page is what every template gets: the page title and its own data, and for the
// navigation who is logged in and the CSRF token of the logout form.
type page struct {
	Title     string
	Data      any
	Principal identity.Principal
	CSRF      string
	// TestClock is the banner of `serve --test-clock` ("" on a real clock): every page
	// says which platform date the deadlines follow.
	TestClock string
	// Unread is the number of unread messages in the organisation's inbox, for the
	// navigation.
	Unread int
}

// requestWriter carries the request to render, so that every page shows the navigation
// of its principal without each handler passing it along.
type requestWriter struct {
	http.ResponseWriter
	r *http.Request
}

func (w *requestWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func withRequest(w http.ResponseWriter, r *http.Request) http.ResponseWriter {
	if _, ok := w.(*requestWriter); ok {
		return w
	}
	return &requestWriter{ResponseWriter: w, r: r}
}

// render executes a page template into a buffer first, so a failing template never sends
// half a page.
func (h *Handler) render(w http.ResponseWriter, status int, name, title string, data any) error {
	t, ok := h.pages[name]
	if !ok {
		return errors.New("no template " + name)
	}
	pg := page{Title: title, Data: data, TestClock: h.testClockBanner()}
	if rw, ok := w.(*requestWriter); ok {
		pg.Principal, pg.CSRF = identity.PrincipalFrom(rw.r.Context()), httpauth.CSRFToken(rw.r.Context())
		pg.Unread = h.unread(rw.r.Context(), pg.Principal)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, pg); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}
