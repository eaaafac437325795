package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"zorginkoop/internal/assessment"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/store"
	"zorginkoop/internal/text"
	"zorginkoop/policies"
)

// app carries what every command needs: output streams, the environment and, once parsed,
// the configuration.
type app struct {
	stdin          io.Reader // nil: os.Stdin
	stdout, stderr io.Writer
	getenv         func(string) string
	cfg            config
	log            *slog.Logger
	now            func() time.Time // the clock every service gets
	envErr         error            // a ZORGINKOOP_ setting that could not be read (envInt)
}

type config struct {
	DataDir  string
	DB       string
	Policies string
	LogLevel string
	KeepRuns int // stored assessment runs kept per policy
	// FactCacheMB is the memory, in MiB, for the providers kept in memory for assessing
	// (assessment.FactCache); 0 reads them from the database on every run.
	FactCacheMB int
}

// flags returns a flag set with the global flags bound to a.cfg, defaulted from the environment.
func (a *app) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage of zorginkoop %s (flags before or after the arguments):\n", name)
		fs.PrintDefaults()
	}
	env := func(key, def string) string {
		if v := a.getenv("ZORGINKOOP_" + key); v != "" {
			return v
		}
		return def
	}
	fs.StringVar(&a.cfg.DataDir, "data-dir", env("DATA_DIR", "data"), "`dir`ectory of the embedded SQLite database (ZORGINKOOP_DATA_DIR)")
	fs.StringVar(&a.cfg.DB, "db", env("DB", ""), "PostgreSQL `DSN` (postgres://...); overrides --data-dir (ZORGINKOOP_DB)")
	fs.StringVar(&a.cfg.Policies, "policies", env("POLICIES", ""), "load the policy files from `dir` instead of the shipped ones (ZORGINKOOP_POLICIES)")
	fs.StringVar(&a.cfg.LogLevel, "log-level", env("LOG_LEVEL", "info"), "log `level`: debug, info, warn or error (ZORGINKOOP_LOG_LEVEL)")
	fs.IntVar(&a.cfg.KeepRuns, "keep-runs", a.envInt("KEEP_RUNS", assessment.DefaultKeepRuns),
		"keep the newest `n` stored assessment runs per policy; saving a run deletes older ones (ZORGINKOOP_KEEP_RUNS)")
	fs.IntVar(&a.cfg.FactCacheMB, "fact-cache-mb", a.envInt("FACT_CACHE_MB", assessment.DefaultFactCacheBytes>>20),
		"keep providers' facts for assessing in at most `n` MiB of memory, current with the database; 0 reads them from the database every run (ZORGINKOOP_FACT_CACHE_MB)")
	return fs
}

// envInt is the whole number in ZORGINKOOP_<key>, or def when it is unset. A value that
// is not a whole number is remembered for parse to refuse.
func (a *app) envInt(key string, def int) int {
	v := strings.TrimSpace(a.getenv("ZORGINKOOP_" + key))
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		a.envErr = usagef("ZORGINKOOP_%s=%q is not a whole number", key, v)
		return def
	}
	return n
}

// parse parses flags (allowing flags after positional arguments) and sets up logging.
func (a *app) parse(fs *flag.FlagSet, args []string) ([]string, error) {
	// Every argument passes the text rule first, so that invalid UTF-8 in an id is refused
	// here with the argument named, not by the database engine.
	for i, arg := range args {
		if e := text.Check(fmt.Sprintf("argument %d", i+1), arg, text.Long); e != nil {
			return nil, usagef("%s", e.Error())
		}
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	if a.envErr != nil {
		return nil, a.envErr
	}
	if a.cfg.KeepRuns < 1 {
		return nil, usagef("--keep-runs must be 1 or more, got %d", a.cfg.KeepRuns)
	}
	if a.cfg.FactCacheMB < 0 {
		return nil, usagef("--fact-cache-mb must be 0 or more, got %d", a.cfg.FactCacheMB)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(a.cfg.LogLevel)); err != nil {
		return nil, usagef("--log-level %q is not one of debug, info, warn, error", a.cfg.LogLevel)
	}
	a.log = slog.New(slog.NewTextHandler(a.stderr, &slog.HandlerOptions{Level: level}))
	return pos, nil
}

func (a *app) policyFS() fs.FS {
	if a.cfg.Policies != "" {
		return os.DirFS(a.cfg.Policies)
	}
	return policies.FS
}

func (a *app) library() (*policy.Library, error) {
	lib, err := policy.LoadLibrary(a.policyFS())
	if err != nil {
		return nil, fmt.Errorf("load policies: %w", err)
	}
	return lib, nil
}

func lower(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// openStore opens the configured database.
func (a *app) openStore(ctx context.Context) (store.DB, error) {
	return store.Open(ctx, a.cfg.DataDir, a.cfg.DB, a.log)
}

// storedLibrary loads the policies in force from the database.
func (a *app) storedLibrary(ctx context.Context, db store.DB) (*policy.Library, error) {
	return policy.LoadStored(ctx, a.policyFS(), db)
}
