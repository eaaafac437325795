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

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/assessment"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/provider"
)

// Services are what the pages show and change; the caller wires them.
type Services struct {
	Library     *policy.Library
	ProviderDB  provider.Store
	Assessments *assessment.Service
	Log         *slog.Logger
}

// Handler serves the pages.
type Handler struct {
	Services
	mux   *http.ServeMux
	pages map[string]*template.Template
}

//go:embed templates/*.html static/*
var files embed.FS

// New returns the web handler, with security headers and cross-origin protection for
// state-changing forms.
func New(s Services) (http.Handler, error) {
	if s.Log == nil {
		s.Log = slog.New(slog.DiscardHandler)
	}
	h := &Handler{Services: s, mux: http.NewServeMux(), pages: map[string]*template.Template{}}
	if err := h.parseTemplates(); err != nil {
		return nil, err
	}
	static, _ := fs.Sub(files, "static")
	h.mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	h.handle("GET /{$}", h.index)
	h.handle("GET /beleid/{id}", h.policyPage)
	h.handle("GET /beleid/{id}/beoordeling", h.assessmentPage)
	h.handle("POST /beleid/{id}/beoordeling", h.runAssessment)
	h.handle("GET /beleid/{id}/beoordeling.csv", h.assessmentCSV)
	h.handle("GET /beleid/{id}/beoordeling.xlsx", h.assessmentXLSX)
	h.handle("GET /beleid/{id}/beoordeling/{providerID}", h.providerAssessmentPage)
	h.handle("GET /zorgaanbieders", h.providersPage)
	h.handle("/", func(w http.ResponseWriter, r *http.Request) error {
		return apperr.NotFoundf("no page at %s", r.URL.Path)
	})
	return Secure(http.NewCrossOriginProtection().Handler(h.mux)), nil
}

func (h *Handler) parseTemplates() error {
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return err
	}
	for _, name := range names {
		if name == "templates/layout.html" {
			continue
		}
		t, err := template.New("layout.html").Funcs(h.funcs()).ParseFS(files, "templates/layout.html", name)
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
		next.ServeHTTP(w, r)
	})
}

func (h *Handler) handle(pattern string, fn func(http.ResponseWriter, *http.Request) error) {
	h.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			h.fail(w, r, err)
		}
	})
}

// page is what every template gets: the page title and its own data.
type page struct {
	Title string
	Data  any
}

// render executes a page template into a buffer first, so a failing template never sends
// half a page.
func (h *Handler) render(w http.ResponseWriter, status int, name, title string, data any) error {
	t, ok := h.pages[name]
	if !ok {
		return errors.New("no template " + name)
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, page{Title: title, Data: data}); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

type errorPage struct {
	Status  int
	Heading string
	Message string
}

// fail renders a Dutch error page. Internal causes go to the log, never to the page.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	ep := errorPage{}
	switch apperr.CodeOf(err) {
	case apperr.NotFound:
		ep = errorPage{http.StatusNotFound, "Pagina niet gevonden",
			"Deze pagina, dit zorginkoopbeleid of deze zorgaanbieder bestaat niet (meer)."}
	case apperr.Invalid:
		ep = errorPage{http.StatusBadRequest, "Ongeldige invoer", "De gegevens zijn niet juist ingevuld."}
		if e := apperr.Errors(err); len(e) > 0 && e[0].Dutch != "" {
			ep.Message = e[0].Dutch
		}
	case apperr.Forbidden:
		ep = errorPage{http.StatusForbidden, "Geen toegang", "U mag deze actie niet uitvoeren."}
	case apperr.Conflict:
		ep = errorPage{http.StatusConflict, "Conflict", "De gegevens zijn intussen gewijzigd. Probeer het opnieuw."}
	default:
		h.Log.Error("web request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		ep = errorPage{http.StatusInternalServerError, "Er ging iets mis",
			"Er is een interne fout opgetreden. Probeer het later opnieuw; de fout is vastgelegd."}
	}
	if err := h.render(w, ep.Status, "error.html", ep.Heading, ep); err != nil {
		h.Log.Error("render error page", "err", err)
		http.Error(w, ep.Heading, ep.Status)
	}
}
