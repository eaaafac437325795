package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"zorginkoop/internal/api"
	"zorginkoop/internal/assessment"
	"zorginkoop/internal/provider"
	"zorginkoop/internal/web"
)

// serve runs the web pages and the JSON API until ctx is cancelled, then shuts down
// gracefully.
func (a *app) serve(ctx context.Context, args []string) error {
	fs := a.flags("serve")
	addr := fs.String("addr", a.envOr("ADDR", "127.0.0.1:8080"), "address to listen on (ZORGINKOOP_ADDR)")
	pos, err := a.parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("serve takes no arguments, got %q", strings.Join(pos, " "))
	}
	db, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	lib, err := a.storedLibrary(ctx, db)
	if err != nil {
		return err
	}
	if len(lib.Policies()) == 0 {
		a.log.Warn("the database holds no policies yet: run `zorginkoop demo` to load the shipped policies and demo providers")
	}
	providers := &provider.Service{Store: db, Catalogue: lib.Facts, CareTypes: lib.Registry.CareTypeSet(), Insurers: lib.Registry.InsurerSet()}
	assessments := &assessment.Service{Library: lib, Providers: db, Runs: db, Now: a.now}
	pages, err := web.New(web.Services{Library: lib, ProviderDB: db, Assessments: assessments, Log: a.log})
	if err != nil {
		return fmt.Errorf("web pages: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", web.Secure(api.New(api.Services{Library: lib, Providers: providers, ProviderDB: db, Assessments: assessments, Log: a.log})))
	mux.Handle("/", pages)

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return usagef("cannot listen on %s: %v", *addr, err)
	}
	srv := &http.Server{
		Handler:           logRequests(a.log, mux),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      5 * time.Minute, // assessing every provider can take a while
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
	a.log.Info("listening", "url", "http://"+ln.Addr().String()+"/", "engine", db.Engine(), "policies", len(lib.Policies()))
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// envOr returns ZORGINKOOP_<key> or def.
func (a *app) envOr(key, def string) string {
	if v := a.getenv("ZORGINKOOP_" + key); v != "" {
		return v
	}
	return def
}

// statusRecorder remembers the status and size of a response, for the request log.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += n
	return n, err
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// logRequests logs one line per request.
func logRequests(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		log.Info("request", "method", r.Method, "path", r.URL.Path, "status", rec.status,
			"bytes", rec.bytes, "duration", time.Since(start).Round(time.Microsecond))
	})
}
