package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"zorginkoop/internal/audit"
)

const auditUsage = `usage: zorginkoop audit verify [--head SEQ:HASH] [--json]
       zorginkoop audit list [--org ID] [--subject S] [--dossier D] [--limit 50] [--before SEQ] [--json]`

// audit checks and lists the audit trail. It is the operator's tool: it reads the whole
// trail, without the per-organisation restriction of the web and API views.
func (a *app) audit(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usagef("%s", auditUsage)
	}
	switch args[0] {
	case "verify":
		return a.auditVerify(ctx, args[1:])
	case "list":
		return a.auditList(ctx, args[1:])
	}
	return usagef("unknown audit subcommand %q: use verify or list\n%s", args[0], auditUsage)
}

func (a *app) auditVerify(ctx context.Context, args []string) error {
	fs := a.flags("audit verify")
	head := fs.String("head", "", "also check that `seq:hash`, a head printed by an earlier verify, is still in the trail")
	asJSON := fs.Bool("json", false, "machine-readable output")
	pos, err := a.parse(fs, args)
	if err != nil {
		return flagError(err)
	}
	if len(pos) > 0 {
		return usagef("%s", auditUsage)
	}
	var known audit.Head
	if *head != "" {
		if known, err = parseHead(*head); err != nil {
			return err
		}
	}
	db, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	svc, err := a.baseServices(db)
	if err != nil {
		return err
	}
	log := svc.Audit
	var r audit.Report
	if *head != "" {
		r, err = log.VerifyAgainst(ctx, known)
	} else {
		r, err = log.Verify(ctx)
	}
	if err != nil {
		return err
	}
	if *asJSON {
		if r.Problems == nil {
			r.Problems = []audit.Problem{}
		}
		if err := writeJSON(a.stdout, r); err != nil {
			return err
		}
	} else {
		printReport(a, r, *head != "")
	}
	if !r.OK() {
		return fmt.Errorf("the audit trail is broken: %s in %s", counted(len(r.Problems)+r.Omitted, "problem"), counted(r.Entries, "entry"))
	}
	return nil
}

func printReport(a *app, r audit.Report, checkedHead bool) {
	head := fmt.Sprintf("head seq %d hash %s", r.Head.Seq, r.Head.Hash)
	if r.Entries == 0 {
		head = "the trail is empty"
	}
	if r.OK() {
		fmt.Fprintf(a.stdout, "audit trail intact: %s, %s\n", counted(r.Entries, "entry"), head)
		if checkedHead {
			fmt.Fprintln(a.stdout, "the recorded head is still part of the trail")
		}
		if r.Entries > 0 {
			fmt.Fprintf(a.stdout, "keep the head: removal of the newest entries shows only against it (audit verify --head %d:%s)\n", r.Head.Seq, r.Head.Hash)
		}
		return
	}
	for _, p := range r.Problems {
		fmt.Fprintln(a.stdout, p.Message)
	}
	if r.Omitted > 0 {
		fmt.Fprintf(a.stdout, "... and %d more\n", r.Omitted)
	}
	fmt.Fprintf(a.stdout, "audit trail BROKEN: %s read, %s\n", counted(r.Entries, "entry"), head)
}

// parseHead reads SEQ:HASH as printed by audit verify.
func parseHead(s string) (audit.Head, error) {
	seq, hash, ok := strings.Cut(strings.TrimSpace(s), ":")
	n, err := strconv.ParseInt(seq, 10, 64)
	if !ok || err != nil || n < 1 || len(hash) != 64 {
		return audit.Head{}, usagef("--head %q: give SEQ:HASH as printed by audit verify, e.g. 12:3fa9...", s)
	}
	return audit.Head{Seq: n, Hash: strings.ToLower(hash)}, nil
}

func (a *app) auditList(ctx context.Context, args []string) error {
	fs := a.flags("audit list")
	var f audit.Filter
	fs.StringVar(&f.OrgID, "org", "", "only entries by the organisation with this `id` or about its data")
	fs.StringVar(&f.Subject, "subject", "", "only entries about this `subject`, e.g. policy:cz-msz-2024")
	fs.StringVar(&f.Dossier, "dossier", "", "only entries of this `dossier`")
	fs.IntVar(&f.Limit, "limit", 50, fmt.Sprintf("at most `n` entries (1 to %d)", audit.MaxLimit))
	fs.Int64Var(&f.Before, "before", 0, "only entries numbered below `seq` (the next page)")
	asJSON := fs.Bool("json", false, "machine-readable output, with the values before and after")
	pos, err := a.parse(fs, args)
	if err != nil {
		return flagError(err)
	}
	if len(pos) > 0 {
		return usagef("%s", auditUsage)
	}
	if f.Limit < 1 || f.Limit > audit.MaxLimit {
		return usagef("--limit must be between 1 and %d", audit.MaxLimit)
	}
	if f.Before < 0 {
		return usagef("--before must be a seq of 1 or more")
	}
	db, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	svc, err := a.baseServices(db)
	if err != nil {
		return err
	}
	pg, err := svc.Audit.Page(ctx, audit.Operator, f)
	if err != nil {
		return err
	}
	es := pg.Entries
	if *asJSON {
		if es == nil {
			es = []audit.Entry{}
		}
		return writeJSON(a.stdout, es)
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SEQ\tAT (UTC)\tORG\tUSER\tACTION\tSUBJECT\tSCOPE\tDOSSIER\tDENIED\tREASON")
	for _, e := range es {
		denied := ""
		if e.Denied {
			denied = "denied"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.Seq, e.At.UTC().Format(time.DateTime),
			e.OrgID, user(e), e.Action, e.Subject, e.Scope, e.Dossier, denied, oneLine(e.Reason))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if pg.Next > 0 {
		fmt.Fprintf(a.stderr, "there are more: add --before %d for the next page\n", pg.Next)
	}
	return nil
}

func user(e audit.Entry) string {
	switch {
	case e.UserName != "" && e.UserID != "":
		return e.UserName + " (" + e.UserID + ")"
	case e.UserID != "":
		return e.UserID
	}
	return e.UserName
}

// oneLine keeps a reason with line breaks or tabs on its row.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// counted says "1 problem", "2 problems", "1 entry", "3 entries": the command line's English.
func counted(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	if strings.HasSuffix(noun, "y") {
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(noun, "y"))
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
