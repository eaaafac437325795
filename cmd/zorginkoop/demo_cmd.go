package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"strings"
	"text/tabwriter"

	wiring "zorginkoop/internal/app"
	"zorginkoop/internal/apperr"
	"zorginkoop/internal/claims"
	"zorginkoop/internal/claims/claimsdemo"
	"zorginkoop/internal/demo"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/provider"
	"zorginkoop/internal/store"
)

// demo installs the shipped policies, replaces the demo providers and assesses them all.
// Running it again gives the same data: policies and providers are replaced by id.
func (a *app) demo(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "claims" {
		return a.demoClaims(ctx, args[1:])
	}
	flags := a.flags("demo")
	n := flags.Int("providers", 400, "generate `n` demo providers")
	seed := flags.Int64("seed", 1, "`seed` of the generated population (the same seed gives the same providers)")
	claimLines := flags.Int("claim-lines", demoIntakeLines, "claim `lines` per demo claim file taken in at the end (0: no claim files)")
	pos, err := a.parse(flags, args)
	if err != nil {
		return flagError(err)
	}
	if len(pos) > 0 {
		return usagef("usage: zorginkoop demo [--providers 400] [--seed 1] [--claim-lines %d]", demoIntakeLines)
	}
	if *n < 1 || *n > demo.MaxProviders {
		return usagef("--providers must be from 1 to %d", demo.MaxProviders)
	}
	if *claimLines < 0 || *claimLines > 100_000 {
		return usagef("--claim-lines must be from 0 to 100000")
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
	lock, err := a.lockDataDir("demo")
	if err != nil {
		return err
	}
	defer lock.Close()
	db, err := a.openStore(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	// The demo acts as the platform operator (see cliOperator), recorded in the audit trail.
	fmt.Fprintf(a.stderr, "demo: installing %d policies in the %s database\n", len(files), db.Engine())
	op, svc := a.cliOperator(), a.services(db, lib)
	if err := svc.Policies.Sync(ctx); err != nil {
		return err
	}
	installed, err := svc.Policies.Install(ctx, op, files)
	if err != nil {
		return fmt.Errorf("install policies: %w", err)
	}
	a.log.Info("policies installed", "new_or_changed", len(installed), "files", len(files))
	fmt.Fprintf(a.stderr, "demo: generating %d providers around every threshold of the policies\n", *n)
	ps := demo.Generate(lib, *n, *seed)
	fmt.Fprintf(a.stderr, "demo: importing %d providers\n", len(ps))
	if err := svc.Providers.Import(ctx, op, ps, nil, a.progress("importing", len(ps))); err != nil {
		return fmt.Errorf("import demo providers: %w", err)
	}
	removed, err := a.removeOldDemoProviders(ctx, svc, ps)
	if err != nil {
		return err
	}
	fmt.Fprintln(a.stderr, "demo: creating the demo organisations and users")
	logins, err := a.demoAccounts(ctx, db, svc, ps)
	if err != nil {
		return err
	}
	pols := lib.Policies()
	fmt.Fprintf(a.stdout, "Installed %d policies and %d demo providers (seed %d) in the %s database.\n", len(pols), len(ps), *seed, db.Engine())
	if removed > 0 {
		fmt.Fprintf(a.stdout, "Removed %s of an earlier, larger demo population.\n", counted(removed, "provider"))
	}
	fmt.Fprintln(a.stdout)
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "POLICY\tTITLE\tELIGIBLE\tNOT ELIGIBLE\tINCOMPLETE")
	for i, pol := range pols {
		fmt.Fprintf(a.stderr, "demo: assessing every provider against %s (%d of %d)\n", pol.ID, i+1, len(pols))
		run, err := svc.Assessments.AssessAll(ctx, op, pol.ID, nil)
		if err != nil {
			return fmt.Errorf("assess %s: %w", pol.ID, err)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\n", pol.ID, pol.Title, run.Eligible, run.NotEligible, run.Incomplete)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if *claimLines > 0 {
		if err := a.demoClaimFiles(ctx, db, *claimLines, uint64(*seed)); err != nil {
			return err
		}
	}
	if err := a.printDemoLogins(logins); err != nil {
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

// demoIntakeLines is how many lines each claim file that demo takes in has.
const demoIntakeLines = 200

// demoClaimFiles does what `demo claims` does (execution contracts, insured persons,
// percentages, one granted authorisation) and takes a generated file per insurer and demo
// provider in at once, through the claims service as the operator, so that the claims
// pages (/declaraties, a file's return, the overview) show data after `demo`. Its files
// have their own invoice numbers (demoIntakeInvoice) and seed, so the files `demo claims`
// writes are not duplicates of them. Run again, a file taken in before is not sent again:
// its line shows it as stored. Without demo providers with an AGB code or an insurer with
// a UZOVI number (a small population, policies of one's own) there are no claims.
func (a *app) demoClaimFiles(ctx context.Context, db store.DB, lines int, seed uint64) error {
	lib, err := a.storedLibrary(ctx, db)
	if err != nil {
		return fmt.Errorf("load policies: %w", err)
	}
	svc := a.services(db, lib)
	fmt.Fprintln(a.stderr, "demo: preparing the claims demo data")
	d, err := a.claimsDemoData(ctx, db, svc, "")
	if apperr.CodeOf(err) == apperr.Invalid {
		fmt.Fprintf(a.stderr, "demo: no claim files: %v\n", err)
		return nil
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "demo: taking in %s\n", counted(len(d.plans), "claim file"))
	fmt.Fprintln(a.stdout, "\nClaim files taken in (see /declaraties):")
	for i, pl := range d.plans {
		f, err := d.intakeOnce(ctx, pl, lines, seed*1_000_003+uint64(i)*7919)
		if err != nil {
			return fmt.Errorf("demo claim file for %s and %s: %w", pl.insurer, pl.provider.ID, err)
		}
		fmt.Fprintf(a.stdout, "%s: file %s, %s: approved %d, reduced %d, rejected %d, held %d\n", f.Name, f.ID, counted(f.Lines, "line"),
			f.Counts[claims.Approved], f.Counts[claims.Reduced], f.Counts[claims.Rejected], f.Counts[claims.Held])
	}
	return nil
}

// intakeOnce generates the demo's own file pl and takes it in, or returns the stored
// file when it was taken in before (by its invoice number).
func (d *claimsDemo) intakeOnce(ctx context.Context, pl demoFile, lines int, seed uint64) (*claims.File, error) {
	invoice := d.invoice(pl, demoIntakeInvoice)
	filter := claims.FileFilter{Insurer: pl.insurer, ProviderID: pl.provider.ID}
	for p := (claims.Page{Limit: claims.MaxPage}); ; p.Offset += claims.MaxPage {
		files, total, err := d.svc.Claims.Files(ctx, d.op, filter, p)
		if err != nil {
			return nil, err
		}
		for i := range files {
			if files[i].Invoice == invoice {
				return &files[i], nil
			}
		}
		if len(files) == 0 || p.Offset+len(files) >= total {
			break
		}
	}
	c, err := d.config(ctx, pl, lines, seed, demoIntakeInvoice)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := claimsdemo.Write(&buf, c); err != nil {
		return nil, err
	}
	name := fmt.Sprintf("demo-%s-%d.zh308", pl.insurer, pl.index+1)
	return d.svc.Claims.Intake(ctx, d.op, claims.Upload{Name: name, Body: bytes.NewReader(buf.Bytes()), Channel: claims.ViaFolder})
}

// removeOldDemoProviders removes, as the operator, the stored providers an earlier demo
// generated that are not in ps, so that the register holds exactly the new population
// (and the records imported by hand, which demo leaves alone). It returns how many it
// removed.
func (a *app) removeOldDemoProviders(ctx context.Context, svc *wiring.Services, ps []provider.Provider) (int, error) {
	keep := make(map[string]bool, len(ps))
	for _, p := range ps {
		keep[p.ID] = true
	}
	var old []string
	op := a.cliOperator()
	for f := (provider.Filter{Limit: provider.MaxListSize}); ; f.Offset += provider.MaxListSize {
		page, total, err := svc.Providers.List(ctx, op, f)
		if err != nil {
			return 0, fmt.Errorf("list stored providers: %w", err)
		}
		for _, p := range page {
			if demo.IsGenerated(p.ID) && !keep[p.ID] {
				old = append(old, p.ID)
			}
		}
		if len(page) == 0 || f.Offset+len(page) >= total {
			break
		}
	}
	if len(old) == 0 {
		return 0, nil
	}
	fmt.Fprintf(a.stderr, "demo: removing %s of an earlier demo population\n", counted(len(old), "provider"))
	n, err := svc.Providers.Delete(ctx, op, old)
	if err != nil {
		return 0, fmt.Errorf("remove earlier demo providers: %w", err)
	}
	return n, nil
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

// DemoPassword is the password of every demo user. It is printed by `zorginkoop demo`
// and is for demonstrations only.
const DemoPassword = "zorginkoop-demo"

// demoUser is one demo account: an e-mail local part at the organisation's demo domain.
type demoUser struct {
	local string
	name  string
	roles []identity.Role
}

var (
	demoInsurerUsers = []demoUser{
		{"inkoper", "Zorginkoper", []identity.Role{identity.RoleBuyer, identity.RoleContractManager}},
		{"beheerder", "Beheerder", []identity.Role{identity.RoleAdmin}},
		{"adviseur", "Medisch adviseur", []identity.Role{identity.RoleMedicalAdvisor, identity.RoleCareMediator, identity.RoleClaimsAssessor}},
	}
	demoPurchaserUsers = []demoUser{
		{"inkoper", "Zorginkoper", []identity.Role{identity.RoleBuyer}},
		{"beheerder", "Contractbeheerder", []identity.Role{identity.RoleAdmin, identity.RoleContractManager}},
	}
	demoProviderUsers = []demoUser{
		{"beheerder", "Beheerder", []identity.Role{identity.RoleAdmin, identity.RoleProviderContractManager}},
		{"invuller", "Invuller", []identity.Role{identity.RoleFiller}},
		{"bestuurder", "Tekenbevoegde", []identity.Role{identity.RoleSignatory}},
	}
)

// demoProviderOrgs is how many demo providers get an organisation with users.
const demoProviderOrgs = 4

// demoLogin is a line of the table of demo logins.
type demoLogin struct {
	email, org string
	roles      []identity.Role
}

// demoAccounts registers the platform operator, an organisation for every insurer and
// purchasing party of the registry, and one for a few demo providers of different care
// types, each with users in several roles and the password DemoPassword. Organisations are
// saved again on every run; users that exist already are left as they are, so that
// running demo again does not fail.
func (a *app) demoAccounts(ctx context.Context, db store.DB, svc *wiring.Services, ps []provider.Provider) ([]demoLogin, error) {
	ids, lib := svc.Identity, svc.Library
	op := a.cliOperator()
	type orgUsers struct {
		org    identity.Organisation
		domain string // of the users' e-mail addresses, before ".example"
		users  []demoUser
	}
	all := []orgUsers{{identity.Organisation{ID: identity.OperatorOrgID, Kind: identity.Operator, Name: "Platformbeheer"}, "platform",
		[]demoUser{{"beheerder", "Platformbeheerder", []identity.Role{identity.RoleAdmin}}}}}
	for _, in := range lib.Registry.Insurers {
		all = append(all, orgUsers{identity.Organisation{ID: in.ID, Kind: identity.Insurer, Name: in.Name, Insurers: []string{in.ID}}, in.ID, demoInsurerUsers})
	}
	for _, pp := range lib.Registry.PurchasingParties {
		all = append(all, orgUsers{identity.Organisation{ID: pp.ID, Kind: identity.Purchaser, Name: pp.Name, Insurers: pp.BuysFor}, pp.ID, demoPurchaserUsers})
	}
	// A provider's organisation is named by its KvK number, which a provider record keeps
	// whatever the seed; the users' addresses by its name.
	for _, p := range demoProviderSample(ps, demoProviderOrgs) {
		org := identity.Organisation{ID: "aanbieder-" + p.KvK, Kind: identity.Provider, Name: p.Name, KvK: p.KvK, Providers: []string{p.ID}}
		all = append(all, orgUsers{org, slug(p.Name), demoProviderUsers})
	}
	known := lib.Registry.InsurerSet()
	var logins []demoLogin
	for _, ou := range all {
		if err := ids.SaveOrganisation(ctx, op, ou.org, func(id string) bool { return known[id] }); err != nil {
			return nil, fmt.Errorf("demo organisation %s: %w", ou.org.ID, err)
		}
		for _, du := range ou.users {
			email := du.local + "@" + ou.domain + ".example"
			logins = append(logins, demoLogin{email: email, org: ou.org.Name, roles: du.roles})
			if _, err := db.UserByEmail(ctx, email); err == nil {
				continue
			} else if apperr.CodeOf(err) != apperr.NotFound {
				return nil, err
			}
			nu := identity.NewUser{OrgID: ou.org.ID, Email: email, Name: du.name + " " + ou.org.Name, Roles: du.roles, Password: DemoPassword}
			if _, err := ids.AddUser(ctx, op, nu); err != nil {
				return nil, fmt.Errorf("demo user %s: %w", email, err)
			}
		}
	}
	return logins, nil
}

// demoProviderSample picks up to n providers, each of another care type, in population
// order (so the same seed picks the same providers).
func demoProviderSample(ps []provider.Provider, n int) []provider.Provider {
	var out []provider.Provider
	seen := map[string]bool{}
	for _, p := range ps {
		if len(out) == n {
			break
		}
		if len(p.CareTypes) == 0 || seen[p.CareTypes[0]] || slug(p.Name) == "" {
			continue
		}
		seen[p.CareTypes[0]] = true
		out = append(out, p)
	}
	return out
}

// slug makes an organisation id of a name: "Kliniek 't Hoog B.V." is "kliniek-t-hoog-b-v".
func slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		default:
			dash = true
		}
	}
	s := b.String()
	if len(s) > 48 {
		s = strings.TrimRight(s[:48], "-")
	}
	return s
}

// printDemoLogins prints how to log in as each demo user.
func (a *app) printDemoLogins(logins []demoLogin) error {
	fmt.Fprintln(a.stdout, "\nDemo users: log in at /inloggen (users that existed already keep their own password):")
	fmt.Fprintln(a.stdout)
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "E-MAIL\tPASSWORD\tORGANISATION\tROLES")
	for _, l := range logins {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", l.email, DemoPassword, l.org, joinRoles(l.roles))
	}
	return tw.Flush()
}
