// Command zorginkoop runs the purchasing platform: the web server, policy tools, provider
// import, assessment and demo data. Configuration comes from flags and ZORGINKOOP_*
// environment variables; there is no global configuration.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"zorginkoop/internal/apperr"
)

const usage = `zorginkoop: executable healthcare purchasing policies

Usage:
  zorginkoop serve [--addr 127.0.0.1:8080]     start the web server and JSON API
  zorginkoop demo [--providers 400] [--seed 1] load the seed policies and demo providers
  zorginkoop policy list|validate|show|diff    work with policy files
  zorginkoop providers import FILE [--format csv|json]
                                               import providers (CSV or JSON)
  zorginkoop assess --policy ID [--provider ID] [--facts FILE] [--limit 50] [--save] [--json]
                                               judge providers; --save stores the run as the latest
  zorginkoop users bootstrap|add|list|disable|enable|roles|cert|orgs|org-add
                                               organisations and their users (see 'zorginkoop users')
  zorginkoop audit verify [--head SEQ:HASH] [--json]  check the audit trail's hash chain; prints its head
  zorginkoop audit list [--org ID] [--subject S] [--dossier D] [--limit 50] [--before SEQ] [--json]
  zorginkoop claims intake FILE...             receive ZH308 claim files; prints the lines per outcome
  zorginkoop claims contracts|insured --insurer ID FILE
                                               import an insurer's contracts (.xlsx) or insured persons (CSV)
  zorginkoop demo claims [--out DIR] [--lines N] [--insurer ID]
                                               demo claims data and ZH308 files for the demo providers

Global flags (before or after the subcommand), and their environment variables:
  --data-dir DIR   ZORGINKOOP_DATA_DIR   folder of the embedded SQLite database (default ./data)
  --db DSN         ZORGINKOOP_DB         PostgreSQL DSN (postgres://...); overrides --data-dir
  --policies DIR   ZORGINKOOP_POLICIES   load policy files from DIR instead of the shipped ones
  --log-level L    ZORGINKOOP_LOG_LEVEL  debug, info, warn or error (default info)
  --keep-runs N    ZORGINKOOP_KEEP_RUNS  stored assessment runs kept per policy (default 10)
  --fact-cache-mb N ZORGINKOOP_FACT_CACHE_MB  memory for providers' facts kept for assessing
                                         (default 1024; 0: read them from the database every run)
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
}

// run executes one command and returns the exit code: 0 ok, 1 failure, 2 bad usage or input.
func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	args = globalFlagsLast(args)
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stdout, usage)
		return 0
	}
	app := &app{stdout: stdout, stderr: stderr, getenv: getenv, now: time.Now}
	cmds := map[string]func(context.Context, []string) error{
		"serve":     app.serve,
		"demo":      app.demo,
		"policy":    app.policy,
		"providers": app.providers,
		"assess":    app.assess,
		"users":     app.users,
		"audit":     app.audit,
		"claims":    app.claims,
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	err := cmd(ctx, args[1:])
	if err == nil {
		return 0
	}
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	for _, e := range apperr.Errors(err) {
		fmt.Fprintln(stderr, "error:", e.Error())
	}
	if apperr.Errors(err) == nil {
		fmt.Fprintln(stderr, "error:", err)
	}
	if code := apperr.CodeOf(err); code == apperr.Invalid || code == apperr.NotFound || isUsage(err) {
		return 2
	}
	return 1
}

// globalFlagsLast moves global flags written before the command ("zorginkoop --data-dir d
// demo") behind it, where every command's flag set parses them.
func globalFlagsLast(args []string) []string {
	var globals []string
	for len(args) > 0 {
		name, _, hasValue := strings.Cut(strings.TrimLeft(args[0], "-"), "=")
		if !strings.HasPrefix(args[0], "-") || !slices.Contains([]string{"data-dir", "db", "policies", "log-level", "keep-runs", "fact-cache-mb"}, name) {
			break
		}
		n := 2
		if hasValue || len(args) == 1 {
			n = 1
		}
		globals, args = append(globals, args[:n]...), args[n:]
	}
	if len(args) == 0 {
		return globals
	}
	return append(append([]string{args[0]}, args[1:]...), globals...)
}

// usageError marks a command-line mistake.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

func isUsage(err error) bool {
	var u usageError
	return errors.As(err, &u)
}
