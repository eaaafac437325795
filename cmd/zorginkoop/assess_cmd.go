package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	wiring "zorginkoop/internal/app"
	"zorginkoop/internal/apperr"
	"zorginkoop/internal/assessment"
	"zorginkoop/internal/nl"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/provider"
)

// assess judges providers against a policy: from the database, or from a provider-facts
// file without any database (--facts).
func (a *app) assess(ctx context.Context, args []string) error {
	fs := a.flags("assess")
	policyID := fs.String("policy", "", "policy id (see `zorginkoop policy list`)")
	providerID := fs.String("provider", "", "judge only this provider, with every requirement explained")
	factsFile := fs.String("facts", "", "provider-facts JSON file (docs/providers-format.md); no database is used")
	asJSON := fs.Bool("json", false, "machine-readable output")
	limit := fs.Int("limit", 50, "print at most this many providers in text output (0: all)")
	pos, err := a.parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("assess takes no arguments, got %q", strings.Join(pos, " "))
	}
	if *policyID == "" {
		return usagef("--policy is required (see `zorginkoop policy list`)")
	}
	if *limit < 0 {
		return usagef("--limit must be 0 or more")
	}
	if *factsFile != "" {
		return a.assessFile(*policyID, *providerID, *factsFile, *asJSON, *limit)
	}
	return a.assessStored(ctx, *policyID, *providerID, *asJSON, *limit)
}

func (a *app) assessFile(policyID, providerID, file string, asJSON bool, limit int) error {
	lib, err := a.library()
	if err != nil {
		return err
	}
	pol, err := lib.Policy(policyID)
	if err != nil {
		return err
	}
	f, err := os.Open(file)
	if err != nil {
		return &apperr.Error{Code: apperr.Invalid, Field: "--facts", Message: fmt.Sprintf("cannot open %s: %v", file, err)}
	}
	defer f.Close()
	ps, lines, err := provider.ParseJSON(f)
	if err != nil {
		return withFile(err, file)
	}
	// A file is checked against the registry alone: no database, so no services.
	line := func(i int) int { return lines[i] }
	if err := wiring.ProviderReference(lib).Normalize(ps, line); err != nil {
		return withFile(err, file)
	}
	as := assessment.New(lib, pol)
	var results []assessment.Result
	for i := range ps {
		if providerID == "" || ps[i].ID == providerID {
			results = append(results, as.Assess(&ps[i]))
		}
	}
	if providerID != "" && len(results) == 0 {
		return apperr.NotFoundf("provider %q is not in %s", providerID, file)
	}
	return a.printResults(lib, pol, results, asJSON, limit, providerID != "")
}

func (a *app) assessStored(ctx context.Context, policyID, providerID string, asJSON bool, limit int) error {
	db, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	lib, err := a.storedLibrary(ctx, db)
	if err != nil {
		return err
	}
	pol, err := lib.Policy(policyID)
	if err != nil {
		if len(lib.Policies()) == 0 {
			return fmt.Errorf("the database holds no policies yet: run `zorginkoop demo` first")
		}
		return err
	}
	// The command line is the operator's tool: it acts as the platform operator, and runs
	// are recorded in the audit trail as by "system".
	op := a.cliOperator()
	svc := a.services(db, lib).Assessments
	if providerID != "" {
		r, err := svc.AssessProvider(ctx, op, policyID, providerID)
		if err != nil {
			return err
		}
		return a.printResults(lib, pol, []assessment.Result{*r}, asJSON, 0, true)
	}
	run, err := svc.AssessAll(ctx, op, policyID, func(done int) {
		if done%10000 == 0 && done > 0 {
			fmt.Fprintf(a.stderr, "assessed %d providers\n", done)
		}
	})
	if err != nil {
		return err
	}
	a.log.Info("assessment stored", "policy", policyID, "run", run.ID, "providers", run.Providers,
		"duration", run.FinishedAt.Sub(run.StartedAt).Round(time.Millisecond))
	// Explain the providers that will be printed.
	as := assessment.New(lib, pol)
	var results []assessment.Result
	err = db.EachProvider(ctx, assessment.Selection(pol), func(p *provider.Provider) error {
		if asJSON || limit == 0 || len(results) < limit {
			results = append(results, as.Assess(p))
		}
		return nil
	})
	if err != nil {
		return err
	}
	if !asJSON {
		fmt.Fprintf(a.stdout, "%d zorgaanbieders beoordeeld: %d komen in aanmerking, %d komen niet in aanmerking, %d onvolledig\n\n",
			run.Providers, run.Eligible, run.NotEligible, run.Incomplete)
	}
	return a.printResults(lib, pol, results, asJSON, limit, false)
}

// printResults writes results as JSON or as Dutch text: per provider the outcome and, for
// the knock-out requirements not met or unknown, why. With all, every requirement is shown.
func (a *app) printResults(lib *policy.Library, pol *policy.Compiled, results []assessment.Result, asJSON bool, limit int, all bool) error {
	if asJSON {
		return writeJSON(a.stdout, results)
	}
	w := a.stdout
	fmt.Fprintf(w, "Beoordeling %s (%s, %s), peildatum %s\n", pol.ID, pol.Title, lib.InsurerName(pol.Insurer), nl.Date(pol.ReferenceTime()))
	for i, r := range results {
		if limit > 0 && i >= limit {
			fmt.Fprintf(w, "\n… en nog %d zorgaanbieders (gebruik --limit 0 of --json voor alles)\n", len(results)-limit)
			break
		}
		writeResult(w, r, all)
	}
	return nil
}

func writeResult(w io.Writer, r assessment.Result, all bool) {
	fmt.Fprintf(w, "\n%s (%s): %s", r.ProviderName, r.ProviderID, assessment.OutcomeNames[r.Outcome])
	if r.MaxScore > 0 {
		fmt.Fprintf(w, ", score richtinggevende criteria %d van %d", r.Score, r.MaxScore)
	}
	if n := r.Count(assessment.Review); n > 0 {
		fmt.Fprintf(w, ", %d ter beoordeling", n)
	}
	fmt.Fprintln(w)
	for _, it := range r.Items {
		show := all && it.Status != assessment.NotApplicable || it.IsOpenKnockout()
		if !show {
			continue
		}
		fmt.Fprintf(w, "  [%s] %s (%s): %s\n", assessment.StatusNames[it.Status], it.Title, policy.KindNames[it.Kind], it.Explanation)
	}
}

// withFile puts the file name on errors that have a line but no file.
func withFile(err error, file string) error {
	errs := apperr.Errors(err)
	if errs == nil {
		return err
	}
	for _, e := range errs {
		if e.File == "" {
			e.File = file
		}
	}
	return apperr.List(errs)
}
