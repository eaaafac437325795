package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	wiring "zorginkoop/internal/app"
	"zorginkoop/internal/apperr"
	"zorginkoop/internal/provider"
)

const providersUsage = "usage: zorginkoop providers import FILE [--format csv|json]"

func (a *app) providers(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "import" {
		return usagef("%s", providersUsage)
	}
	fs := a.flags("providers import")
	format := fs.String("format", "", "file `format`: csv or json (default: from the file's extension)")
	pos, err := a.parse(fs, args[1:])
	if err != nil {
		return flagError(err)
	}
	if len(pos) != 1 {
		return usagef("%s", providersUsage)
	}
	file := pos[0]
	if *format == "" {
		*format = lower(filepath.Ext(file))
		if len(*format) > 0 {
			*format = (*format)[1:]
		}
	}
	if *format != "csv" && *format != "json" {
		return usagef("cannot tell the format of %s: use --format csv or --format json", file)
	}
	// First the data directory's lock: refused beside a running server, the operator
	// learns it at once, not after the file has been read.
	lock, err := a.lockDataDir("providers import " + file)
	if err != nil {
		return err
	}
	defer lock.Close()
	// The fact catalogue, registry and policies (whose parts a provider may ask for) come
	// from the policy files; the database is not opened until the whole file has been read
	// and checked. The import checks the parts again against the policies in force in the
	// database.
	lib, err := a.library()
	if err != nil {
		return err
	}
	ps, lines, err := readProviders(wiring.ProviderReference(lib), file, *format)
	if err != nil {
		return err
	}
	line := func(i int) int { return lines[i] }
	db, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if lib, err = a.storedLibrary(ctx, db); err != nil {
		return fmt.Errorf("load policies: %w", err)
	}
	// The command line imports as the platform operator (see cliOperator).
	if err := a.services(db, lib).Providers.Import(ctx, a.cliOperator(), ps, line, a.progress("importing", len(ps))); err != nil {
		return withFile(err, file)
	}
	locs, facts := 0, 0
	for _, p := range ps {
		locs += len(p.Locations)
		facts += len(p.Facts)
	}
	fmt.Fprintf(a.stdout, "imported %d providers (%d locations, %d facts) from %s\n", len(ps), locs, facts, file)
	return nil
}

// readProviders reads and checks a provider file (see provider.Reference.ReadFile); errors
// name the file, line and field, every problem of every line.
func readProviders(ref provider.Reference, file, format string) ([]provider.Provider, []int, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, nil, &apperr.Error{Code: apperr.Invalid, File: file, Message: fmt.Sprintf("cannot open: %v", err)}
	}
	defer f.Close()
	ps, lines, err := ref.ReadFile(f, format)
	if err != nil {
		return nil, nil, withFile(err, file)
	}
	return ps, lines, nil
}

// progress returns a callback that reports on stderr every 5% of a large job, or nil for a
// small one.
func (a *app) progress(what string, total int) func(done int) {
	if total < 1000 {
		return nil
	}
	step := max(total/20, 1)
	return func(done int) {
		if done%step == 0 || done == total {
			fmt.Fprintf(a.stderr, "%s: %d of %d providers (%d%%)\n", what, done, total, done*100/total)
		}
	}
}
