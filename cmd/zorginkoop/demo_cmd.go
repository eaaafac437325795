package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"text/tabwriter"

	"zorginkoop/internal/assessment"
	"zorginkoop/internal/demo"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/provider"
)

// demo installs the shipped policies, replaces the demo providers and assesses them all.
// Running it again gives the same data: policies and providers are replaced by id.
func (a *app) demo(ctx context.Context, args []string) error {
	flags := a.flags("demo")
	n := flags.Int("providers", 400, "number of demo providers")
	seed := flags.Int64("seed", 1, "seed of the generated population (the same seed gives the same providers)")
	pos, err := a.parse(flags, args)
	if err != nil {
		return flagError(err)
	}
	if len(pos) > 0 {
		return usagef("usage: zorginkoop demo [--providers 400] [--seed 1]")
	}
	if *n < 1 {
		return usagef("--providers must be at least 1")
	}
	pfs := a.policyFS()
	lib, err := policy.LoadBase(pfs)
	if err != nil {
		return fmt.Errorf("load registry and facts: %w", err)
	}
	files, err := policyFiles(pfs)
	if err != nil {
		return err
	}
	db, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	if _, err := policy.Install(ctx, lib, db, a.now(), files); err != nil {
		return fmt.Errorf("install policies: %w", err)
	}
	ps := demo.Generate(lib, *n, *seed)
	svc := &provider.Service{Store: db, Catalogue: lib.Facts, CareTypes: lib.Registry.CareTypeSet(), Insurers: lib.Registry.InsurerSet()}
	if err := svc.Import(ctx, ps, nil, a.progress("importing", len(ps))); err != nil {
		return fmt.Errorf("import demo providers: %w", err)
	}
	as := &assessment.Service{Library: lib, Providers: db, Runs: db, Now: a.now}
	pols := lib.Policies()
	fmt.Fprintf(a.stdout, "Installed %d policies and %d demo providers (seed %d) in the %s database.\n\n", len(pols), len(ps), *seed, db.Engine())
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "POLICY\tTITLE\tELIGIBLE\tNOT ELIGIBLE\tINCOMPLETE")
	for _, pol := range pols {
		run, err := as.AssessAll(ctx, pol.ID, nil)
		if err != nil {
			return fmt.Errorf("assess %s: %w", pol.ID, err)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\n", pol.ID, pol.Title, run.Eligible, run.NotEligible, run.Incomplete)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	where := ""
	if a.cfg.DB == "" && a.cfg.DataDir != "data" {
		where = " --data-dir " + a.cfg.DataDir
	}
	fmt.Fprintf(a.stdout, "\nStart the web server:   zorginkoop serve%s\n", where)
	fmt.Fprintln(a.stdout, "and open               http://127.0.0.1:8080/")
	if len(pols) > 0 {
		fmt.Fprintf(a.stdout, "Assess from the shell:  zorginkoop assess --policy %s%s\n", pols[0].ID, where)
	}
	return nil
}

// policyFiles reads every policy file of the policy folder (all *.yaml but the registry).
func policyFiles(pfs fs.FS) (map[string][]byte, error) {
	names, err := fs.Glob(pfs, "*.yaml")
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for _, name := range names {
		if name == "registry.yaml" {
			continue
		}
		data, err := fs.ReadFile(pfs, name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		files[name] = data
	}
	return files, nil
}

// flagError makes a flag the parser refused (e.g. --providers veel) a usage error, exit 2.
func flagError(err error) error {
	if errors.Is(err, flag.ErrHelp) || isUsage(err) {
		return err
	}
	return usagef("%v", err)
}
