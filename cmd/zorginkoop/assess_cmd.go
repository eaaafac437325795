package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	wiring "zorginkoop/internal/app"
	"zorginkoop/internal/apperr"
	"zorginkoop/internal/assessment"
	"zorginkoop/internal/identity"
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
	if asJSON {
		return a.printRun(ctx, svc, op, pol)
	}
	// English words around Dutch content (docs/language.md): the outcome names are Dutch.
	fmt.Fprintf(a.stdout, "assessed %s; base contract: %d %s, %d %s, %d %s\n", counted(run.Providers, "provider"),
		run.Eligible, assessment.OutcomeNames[assessment.Eligible], run.NotEligible, assessment.OutcomeNames[assessment.NotEligible],
		run.Incomplete, assessment.OutcomeNames[assessment.Incomplete])
	for _, pc := range run.Parts {
		pt, _, ok := pol.Part(pc.Part)
		if !ok { // the run was made against the policy just read: this does not happen
			continue
		}
		var counts []string
		for _, o := range assessment.PartOutcomes {
			if n := pc.Count(o); n > 0 {
				counts = append(counts, fmt.Sprintf("%d %s", n, assessment.PartOutcomeName(pt, o)))
			}
		}
		fmt.Fprintf(a.stdout, "  part %s: %s\n", pt.Title, strings.Join(counts, ", "))
	}
	fmt.Fprintln(a.stdout)
	// Explain the providers that will be printed, one at a time.
	as := assessment.New(lib, pol)
	a.printHeader(lib, pol)
	n := 0
	err = db.EachProvider(ctx, assessment.Selection(pol), func(p *provider.Provider) error {
		if limit == 0 || n < limit {
			writeResult(a.stdout, pol, as.Assess(p), false)
		}
		n++
		return nil
	})
	if err != nil {
		return err
	}
	if limit > 0 && n > limit {
		fmt.Fprintf(a.stdout, "\n... and %s (use --limit 0 or --json for all)\n", counted(n-limit, "more provider"))
	}
	return nil
}

// runSummary is one provider of a stored run as --json prints it.
type runSummary struct {
	ProviderID   string             `json:"provider_id"`
	ProviderName string             `json:"provider_name"`
	Outcome      assessment.Outcome `json:"outcome"` // of the base contract
	OutcomeText  string             `json:"outcome_text"`
	Score        int                `json:"score"`
	MaxScore     int                `json:"max_score"`
	// PartOutcomes is the outcome per part of the contract, by part id.
	PartOutcomes map[string]assessment.Outcome `json:"part_outcomes"`
}

// printRun writes the latest stored run of pol as JSON, {"run": …, "summaries": […]},
// summary by summary as the store reads them.
func (a *app) printRun(ctx context.Context, svc *assessment.Service, op identity.Principal, pol *policy.Compiled) error {
	w := a.stdout
	var run *assessment.RunCounts
	first := true
	err := svc.EachSummary(ctx, op, pol.ID, assessment.SummaryFilter{}, func(r *assessment.RunCounts) error {
		run = r
		head, err := json.MarshalIndent(r, "  ", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "{\n  \"run\": %s,\n  \"summaries\": [", head)
		return err
	}, func(s *assessment.Summary) error {
		rs := runSummary{ProviderID: s.ProviderID, ProviderName: s.ProviderName, Outcome: s.Outcome,
			OutcomeText: assessment.OutcomeNames[s.Outcome], Score: s.Score, MaxScore: s.MaxScore, PartOutcomes: partOutcomes(run.PartsOf(pol, s))}
		b, err := json.MarshalIndent(rs, "    ", "  ")
		if err != nil {
			return err
		}
		sep := ",\n    "
		if first {
			sep, first = "\n    ", false
		}
		_, err = fmt.Fprintf(w, "%s%s", sep, b)
		return err
	})
	if err != nil {
		return err
	}
	if !first {
		fmt.Fprint(w, "\n  ")
	}
	_, err = fmt.Fprint(w, "]\n}\n")
	return err
}

func partOutcomes(parts []assessment.PartOutcome) map[string]assessment.Outcome {
	m := make(map[string]assessment.Outcome, len(parts))
	for _, p := range parts {
		m[p.Part] = p.Outcome
	}
	return m
}

// resultJSON is one provider's result as --json prints it: with the contract (the base
// contract and every part, explained) and the outcome per part by part id.
type resultJSON struct {
	assessment.Result
	PartOutcomes map[string]assessment.Outcome `json:"part_outcomes"`
}

// printResults writes results as JSON or as Dutch text: per provider the outcome of the
// base contract and of every part and, for the knock-out requirements not met or unknown,
// why. With all, every requirement is shown.
func (a *app) printResults(lib *policy.Library, pol *policy.Compiled, results []assessment.Result, asJSON bool, limit int, all bool) error {
	if asJSON {
		out := make([]resultJSON, len(results))
		for i, r := range results {
			out[i] = resultJSON{Result: r, PartOutcomes: map[string]assessment.Outcome{}}
			for _, c := range r.Contract[1:] {
				out[i].PartOutcomes[c.Part] = c.Outcome
			}
		}
		return writeJSON(a.stdout, out)
	}
	w := a.stdout
	a.printHeader(lib, pol)
	for i, r := range results {
		if limit > 0 && i >= limit {
			fmt.Fprintf(w, "\n... and %s (use --limit 0 or --json for all)\n", counted(len(results)-limit, "more provider"))
			break
		}
		writeResult(w, pol, r, all)
	}
	return nil
}

func (a *app) printHeader(lib *policy.Library, pol *policy.Compiled) {
	fmt.Fprintf(a.stdout, "Assessment against %s (%s, %s), reference date %s\n", pol.ID, pol.Title, lib.InsurerName(pol.Insurer), nl.Date(pol.ReferenceTime()))
}

func writeResult(w io.Writer, pol *policy.Compiled, r assessment.Result, all bool) {
	fmt.Fprintf(w, "\n%s (%s): %s", r.ProviderName, r.ProviderID, assessment.OutcomeNames[r.Outcome])
	if r.MaxScore > 0 {
		fmt.Fprintf(w, ", guiding criteria score %d of %d", r.Score, r.MaxScore)
	}
	if n := r.Count(assessment.Review); n > 0 {
		fmt.Fprintf(w, ", %d %s", n, assessment.StatusNames[assessment.Review])
	}
	fmt.Fprintln(w)
	if len(pol.Parts) > 0 {
		// The base contract and every part: its outcome and why.
		for _, c := range r.Contract {
			what := "part " + c.Title
			if c.Base {
				what = "base contract " + c.Title
			}
			fmt.Fprintf(w, "  %s: %s. %s\n", what, c.OutcomeText, c.Explanation)
		}
	}
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
