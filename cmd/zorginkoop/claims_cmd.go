package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/xuri/excelize/v2"

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

const claimsUsage = `usage: zorginkoop claims intake FILE...
       zorginkoop claims contracts --insurer ID FILE.xlsx
       zorginkoop claims insured --insurer ID FILE.csv`

// claims is the command line's door to the claims area: the intake of ZH308 files (a
// batch from VECOZO, as the watched folder does) and the insurer's imports of existing
// contracts and insured persons. It acts as the platform operator (identity.System).
func (a *app) claims(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usagef("%s", claimsUsage)
	}
	switch args[0] {
	case "intake":
		return a.claimsIntake(ctx, args[1:])
	case "contracts", "insured":
		return a.claimsImport(ctx, args[0], args[1:])
	}
	return usagef("%s", claimsUsage)
}

// claimsIntake receives each file in turn, each in its own transaction, and prints per
// file its id and the number of lines per outcome. A refused file is reported and the
// next one is still received; the command fails when any file was refused.
func (a *app) claimsIntake(ctx context.Context, args []string) error {
	fs := a.flags("claims intake")
	pos, err := a.parse(fs, args)
	if err != nil {
		return flagError(err)
	}
	if len(pos) == 0 {
		return usagef("usage: zorginkoop claims intake FILE...")
	}
	db, lib, done, err := a.openClaims(ctx, "claims intake")
	if err != nil {
		return err
	}
	defer done()
	svc := a.services(db, lib).Claims
	var first error
	for _, name := range pos {
		f, err := a.intakeFile(ctx, svc, name)
		if err != nil {
			err = withFile(err, name)
			if first == nil {
				first = err
			}
			if len(pos) > 1 {
				fmt.Fprintf(a.stderr, "%s: refused: %v\n", name, err)
			}
			continue
		}
		fmt.Fprintf(a.stdout, "%s: file %s, %s: approved %d, reduced %d, rejected %d, held %d\n", name, f.ID, counted(f.Lines, "line"),
			f.Counts[claims.Approved], f.Counts[claims.Reduced], f.Counts[claims.Rejected], f.Counts[claims.Held])
	}
	return first
}

func (a *app) intakeFile(ctx context.Context, svc *claims.Service, name string) (*claims.File, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, usagef("%v", err)
	}
	defer f.Close()
	var body io.Reader = f
	if n, err := strconv.ParseInt(a.getenv(intakePauseEnv), 10, 64); err == nil && n > 0 {
		body = &pausingFile{File: f, after: n, stderr: a.stderr}
	}
	return svc.Intake(ctx, a.cliOperator(), claims.Upload{Name: filepath.Base(name), Body: body, Channel: claims.ViaFolder})
}

// intakePauseEnv is a test hook: ZORGINKOOP_TEST_INTAKE_PAUSE=N makes the intake stop
// for good after N bytes of the pass that adjudicates the file (the second read, after
// the hash), inside the intake's transaction, and say "intake paused" on stderr; the
// kill -9 test kills the process there.
const intakePauseEnv = "ZORGINKOOP_TEST_INTAKE_PAUSE"

type pausingFile struct {
	*os.File
	after  int64
	read   int64
	seeks  int
	stderr io.Writer
	once   sync.Once
}

func (p *pausingFile) Seek(off int64, whence int) (int64, error) {
	p.seeks++
	p.read = 0
	return p.File.Seek(off, whence)
}

func (p *pausingFile) Read(b []byte) (int, error) {
	// The first Seek asks where the body starts, the second rewinds it after hashing.
	if p.seeks >= 2 && p.read >= p.after {
		p.once.Do(func() { fmt.Fprintln(p.stderr, "intake paused") })
		select {}
	}
	n, err := p.File.Read(b)
	p.read += int64(n)
	return n, err
}

// claimsImport imports the insurer's existing contracts (.xlsx) or insured persons (CSV),
// all or nothing: every problem is printed with its row and column.
func (a *app) claimsImport(ctx context.Context, what string, args []string) error {
	fs := a.flags("claims " + what)
	insurer := fs.String("insurer", "", "the insurer's `id`, e.g. zorg-en-zekerheid")
	pos, err := a.parse(fs, args)
	if err != nil {
		return flagError(err)
	}
	ext := map[string]string{"contracts": "FILE.xlsx", "insured": "FILE.csv"}[what]
	if len(pos) != 1 || *insurer == "" {
		return usagef("usage: zorginkoop claims %s --insurer ID %s", what, ext)
	}
	file := pos[0]
	f, err := os.Open(file)
	if err != nil {
		return usagef("%v", err)
	}
	defer f.Close()
	db, lib, done, err := a.openClaims(ctx, "claims "+what+" "+file)
	if err != nil {
		return err
	}
	defer done()
	if _, ok := lib.Registry.Insurer(*insurer); !ok {
		return usagef("--insurer %q is not an insurer of the registry", *insurer)
	}
	svc := a.services(db, lib).Claims
	var n int
	if what == "contracts" {
		n, err = svc.ImportContracts(ctx, a.cliOperator(), *insurer, f)
	} else {
		n, err = svc.ImportInsured(ctx, a.cliOperator(), *insurer, f)
	}
	if err != nil {
		var ie *claims.ImportError
		if errors.As(err, &ie) {
			for _, p := range ie.Problems {
				fmt.Fprintf(a.stderr, "%s: %s\n", file, p.Dutch)
			}
		}
		return withFile(err, file)
	}
	noun := map[string]string{"contracts": "contract", "insured": "coverage period"}[what]
	fmt.Fprintf(a.stdout, "imported %s for %s from %s\n", counted(n, noun), *insurer, file)
	return nil
}

// demoClaimsProviders is how many demo providers get claim files (INSURER-1.zh308 to
// INSURER-4.zh308): the first has
// contracts for all parts of each insurer's policy, the second lacks a part, the third
// has the base contract only, the fourth none (non-contracted care).
const demoClaimsProviders = 4

// demoInsuredPerInsurer is how many insured persons the demo gives each insurer.
const demoInsuredPerInsurer = 300

// demoClaims makes sure the claims demo data exists (execution contracts of demo
// providers with every seed policy's insurer, insured persons, percentages for
// non-contracted care except for one policy type, one granted MSR authorisation) and
// writes a ZH308 file per provider and insurer to --out. Run `zorginkoop demo` first.
// Running it again adds nothing twice and writes the same files.
func (a *app) demoClaims(ctx context.Context, args []string) error {
	fs := a.flags("demo claims")
	out := fs.String("out", "claims", "write the ZH308 files to `dir`")
	lines := fs.Int("lines", 1000, "claim `lines` per file")
	seed := fs.Uint64("seed", 1, "`seed` of the generated files")
	only := fs.String("insurer", "", "only the files for the insurer with this `id`")
	pos, err := a.parse(fs, args)
	if err != nil {
		return flagError(err)
	}
	if len(pos) > 0 {
		return usagef("usage: zorginkoop demo claims [--out DIR] [--lines N] [--seed 1] [--insurer ID]")
	}
	if *lines < 1 || *lines > 10_000_000 {
		return usagef("--lines must be from 1 to 10000000")
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	db, lib, done, err := a.openClaims(ctx, "demo claims")
	if err != nil {
		return err
	}
	defer done()
	d, err := a.claimsDemoData(ctx, db, a.services(db, lib), *only)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "FILE\tINSURER\tPROVIDER\tLINES\tCONTRACTS")
	for i, pl := range d.plans {
		c, err := d.config(ctx, pl, *lines, *seed+uint64(i)*7919, demoClaimsInvoice)
		if err != nil {
			return err
		}
		name := filepath.Join(*out, fmt.Sprintf("%s-%d.zh308", pl.insurer, pl.index+1))
		f, err := os.Create(name)
		if err != nil {
			return err
		}
		sum, err := claimsdemo.Write(f, c)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\n", name, pl.insurer, pl.provider.ID, sum.Lines, len(c.Contracts))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "\nSend them:  zorginkoop claims intake %s\n", filepath.Join(*out, "*.zh308"))
	return nil
}

// claimsDemoData makes sure the claims demo data exists for every insurer with a
// published policy (only: that insurer) and plans a file per insurer and demo provider;
// an Invalid error when there is nothing to plan (run zorginkoop demo first).
func (a *app) claimsDemoData(ctx context.Context, db store.DB, svc *wiring.Services, only string) (*claimsDemo, error) {
	d := &claimsDemo{a: a, svc: svc, db: db, op: a.cliOperator(), now: a.now()}
	if err := d.providers(ctx); err != nil {
		return nil, err
	}
	for _, pol := range svc.Library.Policies() {
		if pol.Status != policy.Published || d.seen[pol.Insurer] || only != "" && pol.Insurer != only {
			continue
		}
		d.seen[pol.Insurer] = true
		if err := d.insurer(ctx, pol); err != nil {
			return nil, fmt.Errorf("claims demo for %s: %w", pol.Insurer, err)
		}
	}
	if len(d.plans) == 0 {
		return nil, &apperr.Error{Code: apperr.Invalid, Message: "no insurer with a published policy and a label with a UZOVI number: run zorginkoop demo first"}
	}
	return d, nil
}

// The invoice numbers (FACTUURNUMMER DECLARANT) of the demo's claim files start with
// demoClaimsInvoice for the files `demo claims` writes and with demoIntakeInvoice for
// those `demo` takes in itself, so that the two never count as the same file.
const (
	demoClaimsInvoice = "D"
	demoIntakeInvoice = "S"
)

// invoice is the invoice number of the demo file pl with the prefix.
func (d *claimsDemo) invoice(pl demoFile, prefix string) string {
	return fmt.Sprintf("%s%d%s%d", prefix, d.now.Year()%100, short(pl.insurer), pl.index+1)
}

type claimsDemo struct {
	a     *app
	svc   *wiring.Services
	db    store.DB
	op    identity.Principal
	now   time.Time
	ps    []provider.Provider // the demo providers that get files, with an institution AGB code
	agb   map[string]string
	seen  map[string]bool
	plans []demoFile
	cat   map[string][]claims.PriceLine // per insurer: the demo catalogue
}

type demoFile struct {
	insurer  string
	uzovi    string
	provider provider.Provider
	agb      string
	index    int
}

// providers picks the demo providers with an organisation (see demoProviderSample) that
// have an institution AGB code.
func (d *claimsDemo) providers(ctx context.Context) error {
	d.agb, d.seen, d.cat = map[string]string{}, map[string]bool{}, map[string][]claims.PriceLine{}
	var all []provider.Provider
	for f := (provider.Filter{Limit: provider.MaxListSize}); ; f.Offset += provider.MaxListSize {
		page, total, err := d.svc.Providers.List(ctx, d.op, f)
		if err != nil {
			return err
		}
		for _, p := range page {
			if demo.IsGenerated(p.ID) {
				all = append(all, p)
			}
		}
		if len(page) == 0 || f.Offset+len(page) >= total {
			break
		}
	}
	// Those with an organisation and users (see demoAccounts) first: the first of them
	// requests the demo authorisation, and a provider's user can log in to see its files.
	var withUsers, others []provider.Provider
	for _, p := range all {
		for _, c := range p.AGBCodes {
			if c.Kind == provider.AGBInstitution && len(c.Code) == 8 && d.agb[p.ID] == "" {
				d.agb[p.ID] = c.Code
			}
		}
		if d.agb[p.ID] == "" {
			continue
		}
		if _, err := d.db.UserByEmail(ctx, "beheerder@"+slug(p.Name)+".example"); err == nil {
			withUsers = append(withUsers, p)
		} else {
			others = append(others, p)
		}
	}
	d.ps = append(withUsers, others...)
	d.ps = d.ps[:min(len(d.ps), demoClaimsProviders)]
	if len(d.ps) == 0 {
		return &apperr.Error{Code: apperr.Invalid, Message: "no demo providers with an AGB code in the database: run zorginkoop demo first"}
	}
	return nil
}

// insurer makes sure the insurer's demo data exists and plans a file per provider.
func (d *claimsDemo) insurer(ctx context.Context, pol *policy.Compiled) error {
	ins, ok := d.svc.Library.Registry.Insurer(pol.Insurer)
	if !ok {
		return nil
	}
	uzovi := ""
	for _, l := range ins.Labels {
		if l.UZOVI != "" && uzovi == "" {
			uzovi = l.UZOVI
		}
	}
	if uzovi == "" {
		fmt.Fprintf(d.a.stderr, "demo claims: %s has no label with a UZOVI number; no files for it\n", ins.ID)
		return nil
	}
	year := d.now.Year()
	parts := []string{"basis"}
	for _, pt := range pol.Parts {
		parts = append(parts, pt.ID)
	}
	cat := demoCatalogue(ins.ID, parts)
	d.cat[ins.ID] = cat
	have, _, err := d.svc.Claims.Contracts(ctx, d.op, claims.ContractFilter{Insurer: ins.ID}, claims.Page{Limit: claims.MaxPage})
	if err != nil {
		return err
	}
	refs := map[string]bool{}
	for _, c := range have {
		refs[c.Reference] = true
	}
	var rows []demoContract
	for i, p := range d.ps {
		d.plans = append(d.plans, demoFile{insurer: ins.ID, uzovi: uzovi, provider: p, agb: d.agb[p.ID], index: i})
		var ps []string
		switch i {
		case 0:
			ps = parts
		case 1:
			ps = parts[:max(1, len(parts)-1)]
		case 2:
			ps = parts[:1]
		default:
			continue // no contract: non-contracted care
		}
		ref := fmt.Sprintf("DEMO-%d-%d", year, i+1)
		if !refs[ref] {
			rows = append(rows, demoContract{ref: ref, provider: p.ID, policy: pol.ID, from: year*10000 + 101, to: year*10000 + 1231, parts: ps})
		}
	}
	if len(rows) > 0 {
		var buf bytes.Buffer
		if err := demoContractsWorkbook(&buf, rows, cat); err != nil {
			return err
		}
		n, err := d.svc.Claims.ImportContracts(ctx, d.op, ins.ID, &buf)
		if err != nil {
			return fmt.Errorf("import demo contracts: %w", err)
		}
		fmt.Fprintf(d.a.stderr, "demo claims: imported %s for %s\n", counted(n, "execution contract"), ins.ID)
	}
	if _, total, err := d.svc.Claims.InsuredList(ctx, d.op, ins.ID, claims.Page{Limit: 1}); err != nil {
		return err
	} else if total < demoInsuredPerInsurer {
		n, err := d.svc.Claims.ImportInsured(ctx, d.op, ins.ID, demoInsuredCSV(ins, d.svc.Claims.PolicyTypes(ins.ID), year, cat))
		if err != nil {
			return fmt.Errorf("import demo insured persons: %w", err)
		}
		fmt.Fprintf(d.a.stderr, "demo claims: imported %s for %s\n", counted(n, "insured person"), ins.ID)
	}
	set, err := d.svc.Claims.Percentages(ctx, d.op, ins.ID)
	if err != nil {
		return err
	}
	types := d.svc.Claims.PolicyTypes(ins.ID)
	for i, t := range types {
		if i == len(types)-1 && len(types) > 1 {
			break // one type without a percentage: its non-contracted lines are held (H02)
		}
		if _, ok := set[t]; ok {
			continue
		}
		pct := 75
		if t == "restitutie" {
			pct = 100
		}
		if err := d.svc.Claims.SetPercentage(ctx, d.op, ins.ID, t, pct); err != nil {
			return fmt.Errorf("set percentage %s: %w", t, err)
		}
	}
	return d.authorisation(ctx, ins.ID)
}

// authorisation: one granted MSR authorisation, requested by the first demo provider's
// beheerder for the insurer's first insured person, granted by its medisch adviseur.
func (d *claimsDemo) authorisation(ctx context.Context, insurer string) error {
	var rule *claims.RuleRef
	for _, r := range d.svc.Claims.AuthorisationRules(insurer) {
		if slices.Contains(r.Zorgtypes, "21") {
			rule = &r
			break
		}
	}
	if rule == nil {
		return nil
	}
	p := d.ps[0]
	got, _, err := d.svc.Claims.Authorisations(ctx, d.op, claims.AuthFilter{Insurer: insurer, ProviderID: p.ID, Status: claims.Granted}, claims.Page{Limit: 1})
	if err != nil || len(got) > 0 {
		return err
	}
	requester, err := d.principal(ctx, "beheerder@"+slug(p.Name)+".example")
	if err != nil {
		fmt.Fprintf(d.a.stderr, "demo claims: no authorisation for %s: %v\n", insurer, err)
		return nil
	}
	adviser, err := d.principal(ctx, "adviseur@"+insurer+".example")
	if err != nil {
		fmt.Fprintf(d.a.stderr, "demo claims: no authorisation for %s: %v\n", insurer, err)
		return nil
	}
	ins, _, err := d.svc.Claims.InsuredList(ctx, d.op, insurer, claims.Page{Limit: 1})
	if err != nil || len(ins) == 0 {
		return err
	}
	req, err := d.svc.Claims.RequestAuthorisation(ctx, requester, claims.AuthRequest{Insurer: insurer, ProviderID: p.ID, BSN: ins[0].BSN,
		Rule: rule.ID, Indication: "Vervolgtraject revalidatie na CVA", Motivation: "Doelen van het eerste traject nog niet bereikt."})
	if err != nil {
		return fmt.Errorf("request the demo authorisation: %w", err)
	}
	year := d.now.Year()
	if _, err := d.svc.Claims.DecideAuthorisation(ctx, adviser, req.ID, claims.Decision{Grant: true, Reason: "Indicatie onderbouwd.",
		ValidFrom: claims.Day(year*10000 + 101), ValidTo: claims.Day(year*10000 + 1231)}); err != nil {
		return fmt.Errorf("grant the demo authorisation: %w", err)
	}
	fmt.Fprintf(d.a.stderr, "demo claims: granted authorisation %s (%s) to %s for %s\n", req.ID, rule.ID, p.ID, insurer)
	return nil
}

func (d *claimsDemo) principal(ctx context.Context, email string) (identity.Principal, error) {
	u, err := d.db.UserByEmail(ctx, email)
	if err != nil {
		return identity.Principal{}, fmt.Errorf("demo user %s: %v (run zorginkoop demo first)", email, err)
	}
	return d.svc.Identity.Principal(ctx, u)
}

// config is the generator's input for one file, from what is stored.
func (d *claimsDemo) config(ctx context.Context, pl demoFile, lines int, seed uint64, invoicePrefix string) (claimsdemo.Config, error) {
	today := claims.DayOf(d.now)
	year := d.now.Year()
	c := claimsdemo.Config{UZOVI: pl.uzovi, AGB: pl.agb, Seed: seed, Lines: lines, Today: today,
		From: claims.Day(year*10000 + 101), To: today, Invoice: d.invoice(pl, invoicePrefix)}
	if c.To > c.From {
		c.To = claims.DayOf(d.now.AddDate(0, 0, -1))
	}
	list, _, err := d.svc.Claims.Contracts(ctx, d.op, claims.ContractFilter{Insurer: pl.insurer, ProviderID: pl.provider.ID}, claims.Page{Limit: claims.MaxPage})
	if err != nil {
		return c, err
	}
	have := map[string]bool{}
	for _, k := range list {
		full, err := d.svc.Claims.Contract(ctx, d.op, k.ID)
		if err != nil {
			return c, err
		}
		c.Contracts = append(c.Contracts, *full)
		for _, p := range full.Parts {
			have[p] = true
		}
	}
	for _, l := range d.cat[pl.insurer] {
		if !have[l.Part] {
			c.Uncontracted = append(c.Uncontracted, l)
		}
	}
	for p := (claims.Page{Limit: claims.MaxPage}); ; p.Offset += claims.MaxPage {
		page, total, err := d.svc.Claims.InsuredList(ctx, d.op, pl.insurer, p)
		if err != nil {
			return c, err
		}
		c.Insured = append(c.Insured, page...)
		if len(page) == 0 || p.Offset+len(page) >= total {
			break
		}
	}
	auths, _, err := d.svc.Claims.Authorisations(ctx, d.op, claims.AuthFilter{Insurer: pl.insurer, ProviderID: pl.provider.ID, Status: claims.Granted}, claims.Page{Limit: claims.MaxPage})
	if err != nil {
		return c, err
	}
	c.Authorisations = auths
	for _, r := range d.svc.Claims.AuthorisationRules(pl.insurer) {
		c.Rules = append(c.Rules, r.ClaimAuthorisation)
	}
	return c, nil
}

func short(id string) string {
	if len(id) > 4 {
		return id[:4]
	}
	return id
}

type demoContract struct {
	ref, provider, policy string
	from, to              int
	parts                 []string
}

// demoCatalogue is the insurer's demo price list: six declaration codes per part with
// tariffs and volumes, the same for every run.
func demoCatalogue(insurer string, parts []string) []claims.PriceLine {
	r := rand.New(rand.NewPCG(uint64(len(insurer)), uint64(insurer[0])))
	var out []claims.PriceLine
	for k, p := range parts {
		for j := 1; j <= 6; j++ {
			tariff := int64(50_00 + r.IntN(4_000_00))
			if j == 1 {
				tariff = int64(5_000_00 + r.IntN(20_000_00)) // a DBC care product
			}
			out = append(out, claims.PriceLine{Part: p, Code: fmt.Sprintf("%02d%04d", 15+k, j), Description: fmt.Sprintf("Zorgproduct %d van %s", j, p),
				TariffCents: tariff, Volume: 10 + r.IntN(2000)})
		}
	}
	return out
}

func demoContractsWorkbook(w io.Writer, rows []demoContract, cat []claims.PriceLine) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", claims.SheetContracts); err != nil {
		return err
	}
	if _, err := f.NewSheet(claims.SheetPrices); err != nil {
		return err
	}
	put := func(sheet string, row int, vals ...any) error {
		cell, _ := excelize.CoordinatesToCellName(1, row)
		return f.SetSheetRow(sheet, cell, &vals)
	}
	hdr := func(cols []string) []any {
		out := make([]any, len(cols))
		for i, c := range cols {
			out[i] = c
		}
		return out
	}
	if err := put(claims.SheetContracts, 1, hdr(claims.ContractColumns)...); err != nil {
		return err
	}
	if err := put(claims.SheetPrices, 1, hdr(claims.PriceColumns)...); err != nil {
		return err
	}
	pr := 2
	for i, c := range rows {
		day := func(d int) string { return fmt.Sprintf("%04d-%02d-%02d", d/10000, d/100%100, d%100) }
		if err := put(claims.SheetContracts, i+2, c.ref, c.provider, c.policy, day(c.from), day(c.to), strings.Join(c.parts, ",")); err != nil {
			return err
		}
		for _, l := range cat {
			if !slices.Contains(c.parts, l.Part) {
				continue
			}
			euro := fmt.Sprintf("%d,%02d", l.TariffCents/100, l.TariffCents%100)
			if err := put(claims.SheetPrices, pr, c.ref, l.Part, l.Code, l.Description, euro, strconv.Itoa(l.Volume), "", "", "nee"); err != nil {
				return err
			}
			pr++
		}
	}
	return f.Write(w)
}

// demoInsuredCSV: demoInsuredPerInsurer insured persons of the insurer's labels and
// policy types, covered from the start of last year, some with supplementary cover.
func demoInsuredCSV(ins *policy.Insurer, types []string, year int, cat []claims.PriceLine) io.Reader {
	var b strings.Builder
	b.WriteString(strings.Join(claims.InsuredHeader, ";") + "\n")
	bsn := 100_000_000 + len(ins.ID)*1_000_000
	for i := range demoInsuredPerInsurer {
		for {
			bsn++
			if claims.ElevenTest(strconv.Itoa(bsn)) {
				break
			}
		}
		label := ins.Labels[i%len(ins.Labels)].ID
		extra := ""
		if i%5 == 0 && len(cat) > 0 {
			extra = "aanvullend"
		}
		fmt.Fprintf(&b, "%s%06d;%d;%s;%s;%d-01-01;;%s\n", strings.ToUpper(short(ins.ID)), i+1, bsn, label, types[i%len(types)], year-1, extra)
	}
	return strings.NewReader(b.String())
}

// openClaims takes the data directory's lock for role and opens the database and the
// policies stored in it, for the claims commands; done releases both.
func (a *app) openClaims(ctx context.Context, role string) (store.DB, *policy.Library, func(), error) {
	lock, err := a.lockDataDir(role)
	if err != nil {
		return nil, nil, nil, err
	}
	db, err := a.openStore(ctx)
	if err != nil {
		lock.Close()
		return nil, nil, nil, err
	}
	done := func() { db.Close(); lock.Close() }
	lib, err := a.storedLibrary(ctx, db)
	if err != nil {
		done()
		return nil, nil, nil, fmt.Errorf("load policies: %w", err)
	}
	return db, lib, done, nil
}
