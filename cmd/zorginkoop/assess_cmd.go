package main

import (
	"context"
	"encoding/json"
	"errors"
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
)

// assess judges providers against a policy: from the database, or from a provider-facts
// file without any database (--facts).
func (a *app) assess(ctx context.Context, args []string) error {
	fs := a.flags("assess")
	policyID := fs.String("policy", "", "`id` of the policy to judge against (zorginkoop policy list shows them)")
	providerID := fs.String("provider", "", "judge only the provider with this `id`, with every requirement explained")
	factsFile := fs.String("facts", "", "judge the providers of this JSON `file` (docs/providers-format.md); no database is used")
	asJSON := fs.Bool("json", false, "machine-readable output")
	limit := fs.Int("limit", defaultAssessLimit, "print at most `n` providers in text output; 0 prints all")
	save := fs.Bool("save", false, "store the run as the policy's latest assessment, with an audit entry (without it nothing is stored)")
	pos, err := a.parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("assess takes no arguments, got %q", strings.Join(pos, " "))
	}
	if *policyID == "" {
		return usagef("--policy is required (zorginkoop policy list shows the policies)")
	}
	if *limit < 0 {
		return usagef("--limit must be 0 or more")
	}
	if *factsFile != "" {
		if *save {
			return usagef("--save stores a run of the database's providers; it does not go with --facts")
		}
		return a.assessFile(*policyID, *providerID, *factsFile, *asJSON, *limit)
	}
	if *save && *providerID != "" {
		return usagef("--save stores a run of every provider; it does not go with --provider")
	}
	return a.assessStored(ctx, *policyID, *providerID, *asJSON, *limit, *save)
}

// defaultAssessLimit is how many providers assess prints without --limit.
const defaultAssessLimit = 50

func (a *app) assessFile(policyID, providerID, file string, asJSON bool, limit int) error {
	lib, err := a.library()
	if err != nil {
		return err
	}
	pol, err := knownPolicy(lib, policyID)
	if err != nil {
		return err
	}
	f, err := os.Open(file)
	if err != nil {
		return &apperr.Error{Code: apperr.Invalid, Field: "--facts", Message: fmt.Sprintf("cannot open %s: %v", file, err)}
	}
	defer f.Close()
	// A file is checked against the registry alone: no database, so no services. Errors
	// name the line of the provider or fact they are about.
	ps, _, err := wiring.ProviderReference(lib).ReadFile(f, "json")
	if err != nil {
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

func (a *app) assessStored(ctx context.Context, policyID, providerID string, asJSON bool, limit int, save bool) error {
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
		return fmt.Errorf("the database holds no policies yet: run `zorginkoop demo` first")
	}
	pol, err := knownPolicy(lib, policyID)
	if err != nil {
		return err
	}
	// The command line is the operator's tool: it acts as the platform operator, and a
	// stored run is recorded in the audit trail as by "system".
	op := a.cliOperator()
	svc := a.services(db, lib).Assessments
	if providerID != "" {
		r, err := svc.AssessProvider(ctx, op, policyID, providerID)
		if err != nil {
			return err
		}
		return a.printResults(lib, pol, []assessment.Result{*r}, asJSON, 0, true)
	}
	progress := func(done int) {
		if done%10000 == 0 && done > 0 {
			fmt.Fprintf(a.stderr, "assessed %d providers\n", done)
		}
	}
	// Looking is not storing: only --save makes this the policy's latest run.
	judge := svc.Judge
	if save {
		judge = svc.AssessAll
	}
	run, err := judge(ctx, op, policyID, progress)
	if err != nil {
		return err
	}
	if save {
		a.log.Info("assessment stored", "policy", policyID, "run", run.ID, "providers", run.Providers,
			"duration", run.FinishedAt.Sub(run.StartedAt).Round(time.Millisecond))
	}
	if asJSON {
		return a.printRun(pol, run)
	}
	a.printCounts(pol, run)
	if err := a.printExplained(ctx, svc, op, lib, pol, limit, run.Providers); err != nil {
		return err
	}
	if save {
		fmt.Fprintf(a.stdout, "\nStored as run %d, the latest assessment of %s.\n", run.ID, pol.ID)
	} else {
		fmt.Fprintln(a.stdout, "\nNot stored: --save stores this run as the latest assessment.")
	}
	return nil
}

// printCounts prints how many providers of run came out as what, for the base contract
// and every part: English words around Dutch content (docs/language.md), as the outcome
// names are Dutch.
func (a *app) printCounts(pol *policy.Compiled, run *assessment.Run) {
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
}

// errEnough stops Explain once limit providers are printed.
var errEnough = errors.New("enough providers printed")

// printExplained prints the first limit (0: all) of the total providers in pol's scope,
// explained, and how many were left out.
func (a *app) printExplained(ctx context.Context, svc *assessment.Service, op identity.Principal, lib *policy.Library,
	pol *policy.Compiled, limit, total int) error {
	a.printHeader(lib, pol)
	n := 0
	err := svc.Explain(ctx, op, pol.ID, func(r *assessment.Result) error {
		if limit > 0 && n == limit {
			return errEnough
		}
		writeResult(a.stdout, pol, *r, false)
		n++
		return nil
	})
	if err != nil && !errors.Is(err, errEnough) {
		return err
	}
	a.printLeftOut(total - n)
	return nil
}

// printLeftOut says how many providers --limit left out of the text output.
func (a *app) printLeftOut(n int) {
	if n > 0 {
		fmt.Fprintf(a.stdout, "\n… and %d more; --limit 0 prints all\n", n)
	}
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

// printRun writes run as JSON, {"run": …, "summaries": […]}, summary by summary; the run's
// id is 0 when it was not stored.
func (a *app) printRun(pol *policy.Compiled, run *assessment.Run) error {
	w := a.stdout
	head, err := json.MarshalIndent(run.RunCounts, "  ", "  ")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "{\n  \"run\": %s,\n  \"summaries\": [", head)
	for i := range run.Summaries {
		s := &run.Summaries[i]
		rs := runSummary{ProviderID: s.ProviderID, ProviderName: s.ProviderName, Outcome: s.Outcome,
			OutcomeText: assessment.OutcomeNames[s.Outcome], Score: s.Score, MaxScore: s.MaxScore, PartOutcomes: partOutcomes(run.PartsOf(pol, s))}
		b, err := json.MarshalIndent(rs, "    ", "  ")
		if err != nil {
			return err
		}
		sep := ",\n    "
		if i == 0 {
			sep = "\n    "
		}
		if _, err := fmt.Fprintf(w, "%s%s", sep, b); err != nil {
			return err
		}
	}
	if len(run.Summaries) > 0 {
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
		if limit > 0 && i == limit {
			break
		}
		writeResult(w, pol, r, all)
	}
	if limit > 0 {
		a.printLeftOut(len(results) - limit)
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

// knownPolicy returns the policy with id from lib or, for an unknown id, an error that
// lists the ids lib holds, so that a typo needs no second command.
func knownPolicy(lib *policy.Library, id string) (*policy.Compiled, error) {
	pol, err := lib.Policy(id)
	if apperr.CodeOf(err) != apperr.NotFound {
		return pol, err
	}
	var ids []string
	for _, p := range lib.Policies() {
		ids = append(ids, p.ID)
	}
	return nil, &apperr.Error{Code: apperr.NotFound, Message: fmt.Sprintf("unknown policy %q; known: %s", id, strings.Join(ids, ", ")), Err: err}
}
