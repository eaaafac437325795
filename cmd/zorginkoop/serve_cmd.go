package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	netmail "net/mail"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"zorginkoop/internal/api"
	wiring "zorginkoop/internal/app"
	"zorginkoop/internal/apperr"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/claims/inbox"
	"zorginkoop/internal/clock"
	"zorginkoop/internal/httpauth"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/mail"
	"zorginkoop/internal/ratelimit"
	"zorginkoop/internal/store"
	"zorginkoop/internal/web"
)

// serve runs the web pages and the JSON API until ctx is cancelled, then shuts down
// gracefully. With --tls-cert and --tls-key it serves HTTPS; with --client-ca as well it
// asks browsers and API clients for a client certificate, verifies one if given (clients
// without one still get in and log in otherwise), and logs in the user mapped to its
// fingerprint ('zorginkoop users cert').
func (a *app) serve(ctx context.Context, args []string) error {
	fs := a.flags("serve")
	addr := fs.String("addr", a.envOr("ADDR", "127.0.0.1:8080"), "listen on this `host:port` (ZORGINKOOP_ADDR)")
	baseURL := fs.String("base-url", a.envOr("BASE_URL", ""), "public `url` of the site, for links in e-mail and OpenID Connect callbacks (ZORGINKOOP_BASE_URL)")
	tlsCert := fs.String("tls-cert", a.envOr("TLS_CERT", ""), "serve HTTPS with the certificate in this PEM `file`, chain included (ZORGINKOOP_TLS_CERT)")
	tlsKey := fs.String("tls-key", a.envOr("TLS_KEY", ""), "PEM `file` of the certificate's private key (ZORGINKOOP_TLS_KEY)")
	clientCA := fs.String("client-ca", a.envOr("CLIENT_CA", ""), "verify client certificates against the CA certificates in this PEM `file` (ZORGINKOOP_CLIENT_CA)")
	smtpAddr := fs.String("smtp-addr", a.envOr("SMTP_ADDR", ""), "SMTP server `host:port` for password-reset mail (ZORGINKOOP_SMTP_ADDR); without it mail is written to the log")
	smtpFrom := fs.String("smtp-from", a.envOr("SMTP_FROM", ""), "sender `address` of the mail (ZORGINKOOP_SMTP_FROM)")
	userRate := fs.Int("user-rate", a.envInt("USER_RATE", api.DefaultPerUserPerMinute), "allow `n` requests per minute per logged-in user, API and pages together (ZORGINKOOP_USER_RATE)")
	heavyPerUser := fs.Int("heavy-per-user", a.envInt("HEAVY_PER_USER", api.DefaultHeavyPerUser), "exports, assessment runs and long lists (`n`) one user may have running at once (ZORGINKOOP_HEAVY_PER_USER)")
	heavyTotal := fs.Int("heavy-total", a.envInt("HEAVY_TOTAL", api.DefaultHeavyTotal), "such heavy requests (`n`) running at once in all (ZORGINKOOP_HEAVY_TOTAL)")
	smtpUser := fs.String("smtp-user", a.envOr("SMTP_USER", ""), "SMTP login `name`, if the server needs one (ZORGINKOOP_SMTP_USER; the password only from ZORGINKOOP_SMTP_PASSWORD)")
	headMail := fs.String("audit-head-mail", a.envOr("AUDIT_HEAD_MAIL", ""), "mail the audit trail's head (for audit verify --head) to this `address` at start and daily; it is logged either way (ZORGINKOOP_AUDIT_HEAD_MAIL)")
	trustedProxies := fs.String("trusted-proxies", a.envOr("TRUSTED_PROXIES", ""), "reverse `proxies` (CIDR or address, comma-separated) whose X-Forwarded-For or Forwarded names the client, for rate limits and the log; from anyone else those headers are ignored (ZORGINKOOP_TRUSTED_PROXIES)")
	testClock := fs.Bool("test-clock", a.envBool("TEST_CLOCK"), "run on a test clock whose platform date the operator sets (/platform/klok, the API); every page shows a banner. For trying out a round, never in production (ZORGINKOOP_TEST_CLOCK)")
	claimsInbox := fs.String("claims-inbox", a.envOr("CLAIMS_INBOX", ""), "take claim files (Vektis ZH308) from this `dir`: every file complete for one poll is received as the system and moved to verwerkt/, or to geweigerd/ with the error in a .fout.txt beside it (ZORGINKOOP_CLAIMS_INBOX)")
	pos, err := a.parse(fs, args)
	if err != nil {
		return flagError(err)
	}
	if len(pos) > 0 {
		return usagef("serve takes no arguments, got %q", strings.Join(pos, " "))
	}
	tlsConfig, err := serverTLS(*tlsCert, *tlsKey, *clientCA)
	if err != nil {
		return err
	}
	if err := checkBaseURL(*baseURL); err != nil {
		return err
	}
	if *baseURL == "" {
		*baseURL = derivedBaseURL(*addr, tlsConfig != nil)
		if *baseURL == "" {
			a.log.Warn("no --base-url: password-reset mail is off, because a link in it could not work; start with --base-url https://your.site to mail reset links", "addr", *addr)
		} else {
			a.log.Warn("no --base-url: links in e-mail use the listen address; set --base-url to the public URL users reach", "base_url", *baseURL)
		}
	}
	proxies, err := ratelimit.ParseProxies(*trustedProxies)
	if err != nil {
		return flagged(err, map[string]string{"trusted_proxies": "--trusted-proxies"})
	}
	mailer, err := a.mailer(*smtpAddr, *smtpFrom, *smtpUser)
	if err != nil {
		return err
	}
	if err := checkHeadMail(*headMail, *smtpAddr); err != nil {
		return err
	}
	lock, err := a.lockDataDir("server")
	if err != nil {
		return err
	}
	defer lock.Close()
	db, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if *userRate < 1 || *heavyPerUser < 1 || *heavyTotal < *heavyPerUser {
		return usagef("--user-rate and --heavy-per-user must be 1 or more, and --heavy-total at least --heavy-per-user")
	}
	handler, svc, err := a.appHandler(ctx, db, appOptions{BaseURL: *baseURL, Mail: mailer,
		UserRate: *userRate, HeavyPerUser: *heavyPerUser, HeavyTotal: *heavyTotal, TestClock: *testClock})
	if err != nil {
		return err
	}
	if len(svc.Library.Policies()) == 0 {
		a.log.Warn("the database holds no policies yet: run `zorginkoop demo` to load the shipped policies and demo providers")
	}
	heads := &audit.HeadPublisher{Log: svc.Audit, Logger: a.log, Mail: mailer, To: *headMail}
	stopHeads := publishHeads(ctx, heads, 24*time.Hour)
	defer stopHeads() // before the database closes
	stopJobs := runJobs(ctx, svc, a.log, jobsInterval)
	defer stopJobs() // before the database closes
	stopInbox, err := watchClaimsInbox(ctx, *claimsInbox, svc, a.log)
	if err != nil {
		return err
	}
	defer stopInbox() // before the database closes

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return usagef("cannot listen on %s: %v", *addr, err)
	}
	srv := &http.Server{
		Handler:           a.siteHandler(handler, proxies),
		TLSConfig:         tlsConfig,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      5 * time.Minute, // assessing every provider can take a while
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
	}
	scheme := "http"
	if tlsConfig != nil {
		scheme = "https"
	}
	if lock != nil {
		if err := lock.SetHolder(fmt.Sprintf("server, pid %d, %s://%s", os.Getpid(), scheme, ln.Addr())); err != nil {
			return err
		}
	}
	a.log.Info("listening", "url", scheme+"://"+ln.Addr().String()+"/", "engine", db.Engine(), "policies", len(svc.Library.Policies()),
		"client_certificates", tlsConfig != nil && tlsConfig.ClientCAs != nil, "trusted_proxies", proxies.String())
	errc := make(chan error, 1)
	go func() {
		if tlsConfig != nil {
			errc <- srv.ServeTLS(ln, "", "") // the certificate is in TLSConfig
		} else {
			errc <- srv.Serve(ln)
		}
	}()
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

// publishHeads publishes the audit head now and then every interval, until the returned
// stop is called (which waits for a publication under way).
func publishHeads(ctx context.Context, p *audit.HeadPublisher, interval time.Duration) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	ticker := time.NewTicker(interval)
	done := make(chan struct{})
	go func() {
		defer close(done)
		p.Run(ctx, ticker.C)
	}()
	return func() {
		cancel()
		ticker.Stop()
		<-done
	}
}

// checkHeadMail checks --audit-head-mail: an address, to be sent through --smtp-addr.
func checkHeadMail(to, smtpAddr string) error {
	if to == "" {
		return nil
	}
	if _, err := netmail.ParseAddress(to); err != nil {
		return apperr.Invalidf("--audit-head-mail", "%q is not an e-mail address", to)
	}
	if smtpAddr == "" {
		return usagef("--audit-head-mail needs --smtp-addr (the SMTP server, host:port)")
	}
	return nil
}

// appOptions are the settings of an app instance beyond its database.
type appOptions struct {
	BaseURL string
	Mail    identity.Mailer
	// The limits of logged-in users, shared by the API and the pages: requests per
	// minute per user, heavy requests in flight per user and in all (0: the defaults).
	UserRate, HeavyPerUser, HeavyTotal int
	// TestClock runs the services on a clock the operator sets (serve --test-clock).
	TestClock bool
}

// userLimits are the per-user limits of opt, one instance for both doors.
func (opt appOptions) userLimits() (*ratelimit.Limiter, *ratelimit.Gate) {
	rate, perUser, total := opt.UserRate, opt.HeavyPerUser, opt.HeavyTotal
	if rate <= 0 {
		rate = api.DefaultPerUserPerMinute
	}
	if perUser <= 0 {
		perUser = api.DefaultHeavyPerUser
	}
	if total <= 0 {
		total = api.DefaultHeavyTotal
	}
	return ratelimit.New(rate, time.Minute, 0, nil), ratelimit.NewGate(perUser, total, 10*time.Second)
}

// appHandler wires every service over db (app.New) and returns the whole site, the JSON
// API under /api/ and the web pages, and the services it serves. It keeps no state of its
// own (sessions, logins and locks are in the database), so any number of instances can
// serve one PostgreSQL database: each brings its policies up to date before assessing.
func (a *app) appHandler(ctx context.Context, db store.DB, opt appOptions) (http.Handler, *wiring.Services, error) {
	lib, err := a.storedLibrary(ctx, db)
	if err != nil {
		return nil, nil, err
	}
	cfg := a.servicesConfig()
	cfg.Mail, cfg.BaseURL, cfg.SyncPolicies = opt.Mail, opt.BaseURL, true
	if opt.TestClock {
		cfg.TestClock = clock.NewTest()
		a.log.Warn("--test-clock: the platform date is settable by the operator and every page shows a banner; never use this in production")
	}
	svc := wiring.New(db, lib, cfg)
	perUser, heavy := opt.userLimits()
	pages, err := web.New(svc, web.Options{Limits: web.Limits{PerUser: perUser, Heavy: heavy}, Log: a.log})
	if err != nil {
		return nil, nil, fmt.Errorf("web pages: %w", err)
	}
	mux := http.NewServeMux()
	// The API limits its own request bodies (per endpoint) and rate limits callers without
	// valid credentials per address; the pages do the same for forms and anonymous readers.
	// Logged-in users are limited per user, with one budget for both doors.
	apiLimits := api.DefaultLimits()
	apiLimits.PerUser, apiLimits.Heavy = perUser, heavy
	mux.Handle("/api/", web.Secure(api.New(svc, api.Options{Limits: apiLimits, Log: a.log, BaseURL: opt.BaseURL})))
	mux.Handle("/", pages)
	if strings.HasPrefix(opt.BaseURL, "https://") {
		return httpauth.ServedOverHTTPS(mux), svc, nil
	}
	return mux, svc, nil
}

// serverTLS builds the HTTPS settings: none without a certificate; with a client CA,
// client certificates are requested and, if given, verified against it
// (tls.VerifyClientCertIfGiven: a browser without one still gets the login page). A
// certificate that does not verify ends the TLS handshake: it never reaches the app.
func serverTLS(certFile, keyFile, clientCAFile string) (*tls.Config, error) {
	switch {
	case certFile == "" && keyFile == "" && clientCAFile != "":
		return nil, usagef("--client-ca needs --tls-cert and --tls-key: client certificates work only over HTTPS")
	case certFile == "" && keyFile == "":
		return nil, nil
	case certFile == "":
		return nil, usagef("--tls-key needs --tls-cert (the server certificate)")
	case keyFile == "":
		return nil, usagef("--tls-cert needs --tls-key (the certificate's private key)")
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, apperr.Invalidf("--tls-cert", "cannot use certificate %s with key %s: %v", certFile, keyFile, err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if clientCAFile == "" {
		return cfg, nil
	}
	pemCAs, err := os.ReadFile(clientCAFile)
	if err != nil {
		return nil, apperr.Invalidf("--client-ca", "cannot read %s: %v", clientCAFile, errors.Unwrap(err))
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemCAs) {
		return nil, apperr.Invalidf("--client-ca", "%s holds no PEM certificate (-----BEGIN CERTIFICATE-----)", clientCAFile)
	}
	cfg.ClientCAs = pool
	cfg.ClientAuth = tls.VerifyClientCertIfGiven
	return cfg, nil
}

// derivedBaseURL is the site's URL when it can be told from the listen address: a named
// host or address and a fixed port. An unspecified address (":8080", "0.0.0.0:8080") or
// port 0 gives "": nobody can tell which name users reach the site by.
func derivedBaseURL(addr string, https bool) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "0" || port == "" {
		return ""
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		return ""
	}
	scheme := "http"
	if https {
		scheme = "https"
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}

func checkBaseURL(s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return apperr.Invalidf("--base-url", "%q is not an http(s) URL such as https://zorginkoop.example.nl", s)
	}
	return nil
}

// mailer is the SMTP mailer of --smtp-addr, or, without one, a mailer that writes mail to
// the log (for development: a password-reset mail holds a secret link).
func (a *app) mailer(addr, from, user string) (identity.Mailer, error) {
	if addr == "" {
		if from != "" || user != "" {
			return nil, usagef("--smtp-from and --smtp-user need --smtp-addr (the SMTP server, host:port)")
		}
		a.log.Warn("no SMTP server (--smtp-addr): e-mail such as password-reset links is written to this log instead of sent")
		return mail.Log{Logger: a.log}, nil
	}
	host, portText, err := net.SplitHostPort(addr)
	port, perr := strconv.Atoi(portText)
	if err != nil || perr != nil || host == "" {
		return nil, apperr.Invalidf("--smtp-addr", "%q is not host:port, e.g. smtp.example.nl:587", addr)
	}
	if from == "" {
		return nil, usagef("--smtp-from is required with --smtp-addr: the sender address of the mail")
	}
	m, err := mail.New(mail.Config{Host: host, Port: port, From: from, User: user, Password: a.getenv("ZORGINKOOP_SMTP_PASSWORD"), Now: a.now})
	if err != nil {
		return nil, flagged(err, map[string]string{"host": "--smtp-addr", "port": "--smtp-addr", "from": "--smtp-from"})
	}
	return m, nil
}

// envBool is the switch in ZORGINKOOP_<key> (true, 1, false, 0, ...), false when it is
// unset. A value that is not one is remembered for parse to refuse.
func (a *app) envBool(key string) bool {
	v := strings.TrimSpace(a.getenv("ZORGINKOOP_" + key))
	if v == "" {
		return false
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		a.envErr = usagef("ZORGINKOOP_%s=%q is not true or false", key, v)
	}
	return b
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

// siteHandler is what the server serves: the app, with each request's client address
// worked out once (behind the trusted proxies, from their forwarding headers) for the
// rate limits and the request log.
func (a *app) siteHandler(app http.Handler, proxies ratelimit.Proxies) http.Handler {
	return proxies.Middleware(logRequests(a.log, app))
}

// logRequests logs one line per request, with the client's address (ratelimit.ClientIP).
func logRequests(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		log.Info("request", "method", r.Method, "path", r.URL.Path, "status", rec.status,
			"bytes", rec.bytes, "duration", time.Since(start).Round(time.Microsecond), "client", ratelimit.ClientIP(r))
	})
}

// watchClaimsInbox polls dir for claim files until the returned stop is called (nothing
// without a dir). The folder's subfolders are made first: a folder that cannot be used
// stops the start.
func watchClaimsInbox(ctx context.Context, dir string, svc *wiring.Services, log *slog.Logger) (stop func(), err error) {
	if dir == "" {
		return func() {}, nil
	}
	w := &inbox.Watcher{Dir: dir, Intake: inbox.FromService(svc.Claims), Log: log}
	if _, err := os.Stat(dir); err != nil {
		return nil, usagef("--claims-inbox: %v", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := w.Run(ctx); err != nil {
			log.Error("claims inbox stopped", "dir", dir, "err", err)
		}
	}()
	log.Info("watching the claims inbox", "dir", dir)
	return func() { cancel(); <-done }, nil
}
