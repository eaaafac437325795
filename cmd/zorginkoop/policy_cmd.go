package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/nl"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/store/sqlite"
)

func (a *app) policy(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usagef("policy needs a subcommand: list, validate, show or diff")
	}
	fs := a.flags("policy " + args[0])
	asJSON := new(bool)
	if args[0] != "validate" { // validate prints only "ok" or the errors
		asJSON = fs.Bool("json", false, "machine-readable output")
	}
	pos, err := a.parse(fs, args[1:])
	if err != nil {
		return err
	}
	switch args[0] {
	case "list":
		return a.policyList(ctx, *asJSON)
	case "validate":
		return a.policyValidate(pos)
	case "show":
		if len(pos) != 1 {
			return usagef("usage: zorginkoop policy show ID")
		}
		return a.policyShow(ctx, pos[0], *asJSON)
	case "diff":
		if len(pos) != 2 {
			return usagef("usage: zorginkoop policy diff OLD NEW (policy ids or files)")
		}
		return a.policyDiff(ctx, pos[0], pos[1], *asJSON)
	}
	return usagef("unknown policy subcommand %q: use list, validate, show or diff", args[0])
}

// policyLibrary is what list, show and diff read: the same library as the server. With a
// database (a PostgreSQL DSN, or a SQLite file in the data directory) that is the policy
// files brought up to date with the database (policy.Service.Sync): the drafts and
// policies saved and published through the pages and the API are seen, and a stored
// version replaces the file of the same id. Without one it is the files alone; no
// database is created for it.
func (a *app) policyLibrary(ctx context.Context) (*policy.Library, error) {
	lib, err := a.library()
	if err != nil || !a.hasDatabase() {
		return lib, err
	}
	db, err := a.openStore(ctx)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if err := a.services(db, lib).Policies.Sync(ctx); err != nil {
		return nil, err
	}
	return lib, nil
}

// hasDatabase reports whether the configuration names a database that exists: a
// PostgreSQL DSN, or the SQLite file in the data directory.
func (a *app) hasDatabase() bool {
	if strings.TrimSpace(a.cfg.DB) != "" {
		return true
	}
	_, err := os.Stat(filepath.Join(a.cfg.DataDir, sqlite.FileName))
	return err == nil
}

// statusNote marks a draft in text output.
func statusNote(c *policy.Compiled) string {
	if c.Status == policy.Draft {
		return " (draft, not published)"
	}
	return ""
}

func (a *app) policyList(ctx context.Context, asJSON bool) error {
	lib, err := a.policyLibrary(ctx)
	if err != nil {
		return err
	}
	if asJSON {
		var out []*policy.Policy
		for _, c := range lib.Policies() {
			out = append(out, c.Policy)
		}
		return writeJSON(a.stdout, out)
	}
	for _, c := range lib.Policies() {
		fmt.Fprintf(a.stdout, "%s\t%s\t%s\t%s%s\t%d requirements\n", c.ID, lib.InsurerName(c.Insurer), years(c.ContractYears), c.Title, statusNote(c), len(c.Requirements))
	}
	return nil
}

// policyValidate checks policy files against the registry and facts of their own folder
// (or the shipped ones); with no files it checks the whole library.
func (a *app) policyValidate(files []string) error {
	if len(files) == 0 {
		lib, err := a.library()
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "ok: %d policies, %d facts\n", len(lib.Policies()), len(lib.Facts.Defs))
		return nil
	}
	var errs apperr.List
	for _, f := range files {
		if filepath.Base(f) == "registry.yaml" {
			continue
		}
		base, err := a.baseFor(f)
		if err != nil {
			return err
		}
		data, err := os.ReadFile(f)
		if err != nil {
			errs = append(errs, &apperr.Error{Code: apperr.Invalid, File: f, Message: "cannot read the file"})
			continue
		}
		c, err := base.Parse(f, data)
		if err != nil {
			errs = append(errs, apperr.Errors(err)...)
			continue
		}
		fmt.Fprintf(a.stdout, "ok: %s (%s): %d requirements, %d milestones, %d contract forms, %d windows\n",
			f, c.ID, len(c.Requirements), len(c.Timeline), len(c.ContractForms), len(c.Windows))
	}
	return errs.Err()
}

// baseFor loads the registry and facts beside a policy file when its folder has them.
func (a *app) baseFor(file string) (*policy.Library, error) {
	dir := filepath.Dir(file)
	if _, err := os.Stat(filepath.Join(dir, "registry.yaml")); err == nil && a.cfg.Policies == "" {
		return policy.LoadBase(os.DirFS(dir))
	}
	return policy.LoadBase(a.policyFS())
}

func (a *app) policyShow(ctx context.Context, id string, asJSON bool) error {
	lib, err := a.policyLibrary(ctx)
	if err != nil {
		return err
	}
	c, err := knownPolicy(lib, id)
	if err != nil {
		return err
	}
	if asJSON {
		return writeJSON(a.stdout, c.Policy)
	}
	// English labels and headings around the policy's Dutch content (docs/language.md).
	w := a.stdout
	fmt.Fprintf(w, "%s%s\n%s\n", c.Title, statusNote(c), strings.Repeat("=", len([]rune(c.Title+statusNote(c)))))
	fmt.Fprintf(w, "Insurer: %s", lib.InsurerName(c.Insurer))
	if c.Purchaser != "" {
		fmt.Fprintf(w, " (purchased by %s)", lib.PurchaserName(c.Purchaser))
	}
	published := "not stated in the policy"
	if !c.Published.IsZero() {
		published = nl.Date(c.Published.Time)
	}
	fmt.Fprintf(w, "\nContract year: %s · Sector: %s · Published: %s · Reference date: %s\n",
		years(c.ContractYears), policy.SectorName(c.Sector), published, nl.Date(c.ReferenceDate.Time))
	fmt.Fprintf(w, "Source: %s", c.Cite(""))
	if c.Source.File != "" {
		fmt.Fprintf(w, " (%s)", c.Source.File)
	}
	fmt.Fprintln(w)
	for part := -1; part < len(c.Parts); part++ {
		head := "Base contract: " + c.Base.Title + " [" + c.Base.ID + "]"
		if part >= 0 {
			pt := &c.Parts[part]
			head = "Part: " + pt.Title + " [" + pt.ID + "], " + policy.InitiativeNames[pt.Initiative]
			if pt.OfferedToAll {
				head += ", offered to every provider"
			}
		}
		fmt.Fprintf(w, "\n%s · %s\n", head, strings.Join(c.PartCareTypes(part), ", "))
		for i, r := range c.Requirements {
			if c.PartOf[i] != part {
				continue
			}
			fmt.Fprintf(w, "  [%s] %s (%s)", policy.KindNames[r.Kind], r.Title, r.ID)
			if len(r.CareTypes) > 0 {
				fmt.Fprintf(w, " · %s", strings.Join(r.CareTypes, ", "))
			}
			fmt.Fprintln(w)
			if r.Rule != "" {
				fmt.Fprintf(w, "      rule: %s\n", strings.Join(strings.Fields(r.Rule), " "))
			}
			fmt.Fprintf(w, "      source: %s\n", c.Cite(r.Source))
		}
	}
	fmt.Fprintf(w, "\nTimeline\n")
	for _, m := range c.TimelineByDate() {
		kind := policy.MilestoneKindNames[m.Kind]
		if m.Hard {
			kind += ", hard deadline"
		}
		actor := policy.ActorNames[m.Actor]
		if m.ActorName != "" {
			actor = m.ActorName
		}
		fmt.Fprintf(w, "  %s  %s (%s; %s)\n", nl.Date(m.Date.Time), m.What, actor, strings.TrimPrefix(kind, ", "))
	}
	if len(c.Windows) > 0 {
		fmt.Fprintf(w, "\nApplication windows\n")
		for _, win := range c.Windows {
			fmt.Fprintf(w, "  %s: opens %s, closes %s", win.Title, dateOrUnsaid(win.Opens), dateOrUnsaid(win.Closes))
			if !win.AnswerWithin.IsZero() {
				fmt.Fprintf(w, ", answered within %s", termWords(win.AnswerWithin))
			}
			fmt.Fprintln(w)
		}
	}
	writeClaimRules(w, c)
	if len(c.ContractForms) > 0 {
		fmt.Fprintf(w, "\nContract forms\n")
		for _, f := range c.ContractForms {
			fmt.Fprintf(w, "  %s\n", f.Title)
			for _, cat := range f.Categories {
				fmt.Fprintf(w, "    category %d: %s\n", cat.Number, cat.Title)
			}
		}
	}
	return nil
}

// writeClaimRules lists the rules the policy sets for claims, each with its source.
func writeClaimRules(w io.Writer, c *policy.Compiled) {
	if c.Claims.IsEmpty() {
		return
	}
	fmt.Fprintf(w, "\nClaim rules\n")
	if t := c.Claims.HoldUntilSigned; t != nil {
		fmt.Fprintf(w, "  [hold until signed] %s\n      source: %s\n", policy.HoldUntilSignedTitle, c.Cite(t.Source))
	}
	if t := c.Claims.SupplementaryOutsideCeiling; t != nil {
		fmt.Fprintf(w, "  [supplementary outside the ceiling] %s\n      source: %s\n", policy.SupplementaryOutsideCeilingTitle, c.Cite(t.Source))
	}
	for i := range c.Claims.Authorisations {
		a := &c.Claims.Authorisations[i]
		fmt.Fprintf(w, "  [%s] %s (%s)\n      applies to: %s\n      source: %s\n", a.Kind, a.Title, a.ID, a.Selectors(), c.Cite(a.Source))
	}
}

// termUnits are the command line's names of a term's units, singular and plural.
var termUnits = map[string][2]string{
	"d": {"day", "days"}, "wd": {"working day", "working days"}, "w": {"week", "weeks"}, "m": {"month", "months"},
}

// termWords is a term in the command line's words: "6 weeks", "1 working day".
func termWords(t policy.Term) string {
	names, ok := termUnits[t.Unit]
	if !ok {
		return t.Dutch()
	}
	if t.N == 1 {
		return "1 " + names[0]
	}
	return fmt.Sprintf("%d %s", t.N, names[1])
}

func (a *app) policyDiff(ctx context.Context, oldRef, newRef string, asJSON bool) error {
	lib, err := a.policyLibrary(ctx)
	if err != nil {
		return err
	}
	resolve := func(ref string) (*policy.Compiled, error) {
		if strings.HasSuffix(ref, ".yaml") || strings.HasSuffix(ref, ".yml") {
			data, err := os.ReadFile(ref)
			if err != nil {
				return nil, apperr.Invalidf("", "cannot read policy file %s: %v", ref, err)
			}
			return lib.Parse(ref, data)
		}
		return knownPolicy(lib, ref)
	}
	oldP, err := resolve(oldRef)
	if err != nil {
		return err
	}
	newP, err := resolve(newRef)
	if err != nil {
		return err
	}
	d := lib.Compare(oldP, newP)
	if asJSON {
		return writeJSON(a.stdout, d)
	}
	d.Write(a.stdout)
	return nil
}

// dateOrUnsaid prints a date the policy may leave out.
func dateOrUnsaid(d policy.Date) string {
	if d.IsZero() {
		return "not stated"
	}
	return nl.Date(d.Time)
}

func years(ys []int) string {
	parts := make([]string, len(ys))
	for i, y := range ys {
		parts[i] = fmt.Sprint(y)
	}
	return strings.Join(parts, ", ")
}

func writeJSON(w interface{ Write([]byte) (int, error) }, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
