// Package claimsdemo generates valid synthetic ZH308 claim files from the claims
// area's own types: a provider's execution contracts with their price lists, the
// insurer's insured persons and granted authorisations. Files have a realistic
// product mix (weighted by the price lines' agreed volumes), quantities and dates within
// the contracts and the file's declaration period, 1–4 claim lines per patient, and a
// configurable share of lines made to provoke each rejection or reduction, so that every
// outcome kind appears. The same Config (with its Seed) gives the same bytes.
//
// Used by `zorginkoop demo claims`, the benchmarks and the browser test.
package claimsdemo

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"zorginkoop/internal/claims"
	"zorginkoop/internal/claims/vektis"
	"zorginkoop/internal/policy"
)

// Kind is what a generated claim line is made to provoke.
type Kind string

const (
	Normal            Kind = "normal"              // a contracted product at the tariff (G01) or, one in ten, below it (G02)
	Credit            Kind = "credit"              // a credit of an earlier line of the file (approved, rule credit)
	NotInsured        Kind = "not-insured"         // a valid BSN the insurer does not insure (A04)
	InvalidBSN        Kind = "invalid-bsn"         // a BSN that fails the eleven test (A07)
	NotInPriceList    Kind = "not-in-price-list"   // a code in no price list and no part (A06)
	AboveTariff       Kind = "above-tariff"        // claimed above tariff × quantity (V02)
	Duplicate         Kind = "duplicate"           // the reference of an earlier line again (A05)
	UnknownCredit     Kind = "unknown-credit"      // a credit of a reference that does not exist (A11)
	NoAuthorisation   Kind = "no-authorisation"    // a line an authorisation rule covers, without one (A02/A03)
	Authorised        Kind = "authorised"          // such a line with a granted authorisation (approved)
	NonContractedPart Kind = "non-contracted-part" // a product of a part the contract lacks (A01)
)

// Kinds in a fixed order (for summaries and tests).
var Kinds = []Kind{Normal, Credit, NotInsured, InvalidBSN, NotInPriceList, AboveTariff, Duplicate, UnknownCredit, NoAuthorisation, Authorised, NonContractedPart}

// Mix is the share (0..1) of claim lines of each kind; Normal takes the rest.
type Mix map[Kind]float64

// DefaultMix gives every kind a few percent.
func DefaultMix() Mix {
	return Mix{Credit: 0.02, NotInsured: 0.03, InvalidBSN: 0.02, NotInPriceList: 0.03, AboveTariff: 0.05,
		Duplicate: 0.02, UnknownCredit: 0.01, NoAuthorisation: 0.02, Authorised: 0.02, NonContractedPart: 0.03}
}

// Config describes one file.
type Config struct {
	UZOVI string // the insurer's label's UZOVI number the file is addressed to
	AGB   string // the provider's AGB code, sent as INSTELLINGSCODE (8 digits)
	// Contracts are the provider's execution contracts with the insurer (with Lines).
	// None: every line is non-contracted care, its products taken from Uncontracted.
	Contracts []claims.Contract
	Insured   []claims.Insured // the insurer's insured persons (coverage periods)
	// Authorisations: the granted ones (of this provider) make Authorised lines.
	Authorisations []claims.Authorisation
	// Rules are the authorisation rules of the contracts' policies: NoAuthorisation
	// lines match one (preferably an MSR follow-up DBC rule: zorgtype 21, specialism
	// 0327); other lines match none. Empty: NoAuthorisation and Authorised lines
	// use zorgtype 21 and specialism 0327 (Caresq's MSR follow-up DBC).
	Rules []policy.ClaimAuthorisation
	// Uncontracted are price lines (the insurer's catalogue) of parts the contracts
	// lack: NonContractedPart lines use them, and all lines when there is no contract.
	Uncontracted []claims.PriceLine
	// From and To are the declaration period; zero: the contracts' span.
	From, To claims.Day
	// Today: no date after it (0: no cap); the invoice is dated on it.
	Today claims.Day
	// Invoice is FACTUURNUMMER DECLARANT (at most 12 positions); "" makes one from
	// the seed. Line references are Invoice + "-" + a number: unique across files.
	Invoice string
	Seed    uint64
	Lines   int // claim lines to write (at least 1)
	Mix     Mix // nil: DefaultMix()
	Plan    bool
}

// Planned is one generated claim line and what it was made to provoke.
type Planned struct {
	Reference    string
	Kind         Kind
	BSN          string
	Code         string
	Begin        claims.Day
	Quantity     int
	ClaimedCents int64
}

// Summary says what was written.
type Summary struct {
	Invoice      string
	From, To     claims.Day
	Lines        int
	Patients     int
	Records      int // including opening and closing
	Kinds        map[Kind]int
	ClaimedCents int64
	Plan         []Planned // with Config.Plan
}

// Generate returns the file's bytes.
func Generate(c Config) ([]byte, *Summary, error) {
	var buf bytes.Buffer
	s, err := Write(&buf, c)
	if err != nil {
		return nil, nil, err
	}
	return buf.Bytes(), s, nil
}

// product is a code a line can claim, with its tariff.
type product struct {
	pl       *claims.PriceLine
	contract *claims.Contract // nil: not contracted
	weight   int
}

type gen struct {
	c     Config
	r     *rand.Rand
	l     *vektis.Layout
	enc   *vektis.Encoder
	b02   *vektis.Builder
	b04   *vektis.Builder
	b06   *vektis.Builder
	f02   map[string]int
	f04   map[string]int
	f06   map[string]int
	id    int64
	ref   int
	sum   *Summary
	prods []product // the products normal lines claim
	total int       // sum of weights
	other []product // NonContractedPart products
	known map[string]bool
	ins   []*claims.Insured // covering part of the period
	bsns  map[string]bool
	auths []*claims.Authorisation
	done  []line // normal lines written (for duplicates and credits)
}

type line struct {
	ins      *claims.Insured
	bsn      string
	birth    string
	code     string
	begin    claims.Day
	end      claims.Day
	qty      int
	cents    int64 // claimed, positive
	credit   bool
	ref      string
	prev     string
	zorgtype string
	spec     string
	kind     Kind
}

// Write writes the file to w.
func Write(w io.Writer, c Config) (*Summary, error) {
	if c.Lines < 1 {
		return nil, fmt.Errorf("claimsdemo: Lines must be at least 1")
	}
	if len(c.AGB) != 8 || strings.Trim(c.AGB, "0123456789") != "" {
		return nil, fmt.Errorf("claimsdemo: AGB %q is not an 8-digit code", c.AGB)
	}
	if len(c.UZOVI) != 4 || strings.Trim(c.UZOVI, "0123456789") != "" {
		return nil, fmt.Errorf("claimsdemo: UZOVI %q is not a 4-digit code", c.UZOVI)
	}
	if c.Mix == nil {
		c.Mix = DefaultMix()
	}
	g := &gen{c: c, r: rand.New(rand.NewPCG(c.Seed, c.Seed^0x5eed)), l: vektis.ZH308v90(), known: map[string]bool{}, bsns: map[string]bool{}}
	if err := g.setup(); err != nil {
		return nil, err
	}
	g.enc = vektis.NewEncoder(w, g.l)
	if err := g.opening(); err != nil {
		return nil, err
	}
	for g.sum.Lines < c.Lines {
		if err := g.patient(); err != nil {
			return nil, err
		}
	}
	if err := g.enc.Close(); err != nil {
		return nil, err
	}
	g.sum.Records++
	return g.sum, nil
}

func (g *gen) setup() error {
	c := &g.c
	from, to := c.From, c.To
	for i := range c.Contracts {
		k := &c.Contracts[i]
		if c.From == 0 && (from == 0 || k.From < from) {
			from = k.From
		}
		if c.To == 0 && k.To > to {
			to = k.To
		}
	}
	if c.Today != 0 && to > c.Today {
		to = c.Today
	}
	if from == 0 || to == 0 || to < from {
		return fmt.Errorf("claimsdemo: no declaration period (From %v To %v, contracts %d)", c.From, c.To, len(c.Contracts))
	}
	if c.Invoice == "" {
		c.Invoice = "D" + strconv.FormatUint(c.Seed%1e11, 10)
	}
	if len(c.Invoice) > 12 {
		return fmt.Errorf("claimsdemo: invoice %q is longer than 12 positions", c.Invoice)
	}
	g.sum = &Summary{Invoice: c.Invoice, From: from, To: to, Kinds: map[Kind]int{}}
	for i := range c.Contracts {
		k := &c.Contracts[i]
		if k.To < from || k.From > to {
			continue
		}
		for j := range k.Lines {
			pl := &k.Lines[j]
			g.known[pl.Code] = true
			if pl.ApprovalRequired || g.ruled(pl.Code, "11", "0313", pl) || pl.TariffCents <= 0 {
				continue
			}
			g.prods = append(g.prods, product{pl: pl, contract: k, weight: max(pl.Volume, 1)})
		}
	}
	for i := range c.Uncontracted {
		pl := &c.Uncontracted[i]
		g.known[pl.Code] = true
		if pl.TariffCents > 0 && !pl.ApprovalRequired && !g.ruled(pl.Code, "11", "0313", pl) {
			g.other = append(g.other, product{pl: pl, weight: max(pl.Volume, 1)})
		}
	}
	if len(c.Contracts) == 0 {
		g.prods = g.other
	}
	if len(g.prods) == 0 {
		return fmt.Errorf("claimsdemo: no products to claim (no price lines in the period without authorisation rule)")
	}
	for _, p := range g.prods {
		g.total += p.weight
	}
	for i := range c.Insured {
		p := &c.Insured[i]
		g.bsns[p.BSN] = true
		if p.From <= to && (p.To == 0 || p.To >= from) {
			g.ins = append(g.ins, p)
		}
	}
	if len(g.ins) == 0 {
		return fmt.Errorf("claimsdemo: no insured person covered in the period %v–%v", from, to)
	}
	for i := range c.Authorisations {
		a := &c.Authorisations[i]
		if a.Status == claims.Granted && a.ValidFrom <= to && (a.ValidTo == 0 || a.ValidTo >= from) {
			g.auths = append(g.auths, a)
		}
	}
	var err error
	if g.b02, err = vektis.NewBuilder(g.l, "02"); err != nil {
		return err
	}
	if g.b04, err = vektis.NewBuilder(g.l, "04"); err != nil {
		return err
	}
	if g.b06, err = vektis.NewBuilder(g.l, "06"); err != nil {
		return err
	}
	g.f02, g.f04, g.f06 = fields(g.b02.Type()), fields(g.b04.Type()), fields(g.b06.Type())
	return nil
}

func fields(rt *vektis.RecordType) map[string]int {
	m := map[string]int{}
	for i, f := range rt.Fields {
		m[f.Name] = i
	}
	return m
}

// ruled reports whether any authorisation rule covers a line with this code, zorgtype
// and specialism.
func (g *gen) ruled(code, zorgtype, spec string, pl *claims.PriceLine) bool {
	for i := range g.c.Rules {
		if ruleMatches(&g.c.Rules[i], code, zorgtype, spec, pl) {
			return true
		}
	}
	return false
}

func ruleMatches(r *policy.ClaimAuthorisation, code, zorgtype, spec string, pl *claims.PriceLine) bool {
	if len(r.Codes) == 0 && len(r.Zorgtypes) == 0 && len(r.Specialisms) == 0 && !r.Marked {
		return false
	}
	if len(r.Codes) > 0 && !slices.ContainsFunc(r.Codes, func(p string) bool { return strings.HasPrefix(code, p) }) {
		return false
	}
	if len(r.Zorgtypes) > 0 && !slices.Contains(r.Zorgtypes, zorgtype) {
		return false
	}
	if len(r.Specialisms) > 0 && !slices.Contains(r.Specialisms, spec) {
		return false
	}
	return !r.Marked || pl != nil && pl.ApprovalRequired
}

func (g *gen) opening() error {
	c := &g.c
	dated := g.sum.To
	if c.Today != 0 {
		dated = c.Today
	}
	r, err := vektis.NewRecord(g.l, "01", map[string]string{
		"CODE EXTERNE-INTEGRATIEBERICHT": "101", "VERSIENUMMER BERICHTSTANDAARD": "9", "SUBVERSIENUMMER BERICHTSTANDAARD": "0",
		"SOORT BERICHT": "P", "UZOVI-NUMMER": c.UZOVI, "INSTELLINGSCODE": c.AGB, "IDENTIFICATIECODE BETALING AAN": "03",
		"BEGINDATUM DECLARATIEPERIODE": digits(g.sum.From), "EINDDATUM DECLARATIEPERIODE": digits(g.sum.To),
		"FACTUURNUMMER DECLARANT": c.Invoice, "DAGTEKENING FACTUUR": digits(dated), "VALUTACODE": "EUR",
	})
	if err != nil {
		return err
	}
	g.sum.Records++
	return g.enc.Encode(r)
}

func digits(d claims.Day) string { return strconv.Itoa(int(d)) }

// pick draws the next line's kind; kinds that cannot be made here become Normal.
func (g *gen) pick() Kind {
	x := g.r.Float64()
	for _, k := range Kinds[1:] {
		if x < g.c.Mix[k] {
			if g.possible(k) {
				return k
			}
			return Normal
		}
		x -= g.c.Mix[k]
	}
	return Normal
}

func (g *gen) possible(k Kind) bool {
	switch k {
	case Credit, Duplicate:
		return len(g.done) > 0
	case Authorised:
		return len(g.auths) > 0
	case NonContractedPart:
		return len(g.c.Contracts) > 0 && len(g.other) > 0
	case AboveTariff:
		return len(g.c.Contracts) > 0
	}
	return true
}

// patient writes one 02 record and its 1–4 claim lines. Kinds that concern the person
// (not insured, invalid BSN, authorisations) and repeats of earlier lines (duplicate,
// credit) are a patient with one line.
func (g *gen) patient() error {
	k := g.pick()
	var ls []line
	switch k {
	case Normal, AboveTariff, NotInPriceList, UnknownCredit, NonContractedPart:
		p := g.ins[g.r.IntN(len(g.ins))]
		birth := g.birth()
		n := 1 + g.r.IntN(4)
		n = min(n, g.c.Lines-g.sum.Lines)
		for i := range n {
			kk := k
			if i > 0 {
				if kk = g.pick(); kk != AboveTariff && kk != NotInPriceList && kk != UnknownCredit && kk != NonContractedPart {
					kk = Normal
				}
			}
			ls = append(ls, g.line(kk, p, p.BSN, birth))
		}
	case NotInsured:
		ls = append(ls, g.line(Normal, nil, g.bsn(true), g.birth()))
		ls[0].kind = NotInsured
	case InvalidBSN:
		ls = append(ls, g.line(Normal, nil, g.bsn(false), g.birth()))
		ls[0].kind = InvalidBSN
	case Duplicate, Credit:
		o := g.done[g.r.IntN(len(g.done))]
		l := o
		l.kind = k
		if k == Credit {
			l.credit, l.prev, l.ref = true, o.ref, g.nextRef()
		}
		ls = append(ls, l)
	case NoAuthorisation, Authorised:
		l, ok := g.authLine(k)
		if !ok {
			return g.patientNormal()
		}
		ls = append(ls, l)
	}
	return g.write(ls)
}

func (g *gen) patientNormal() error {
	p := g.ins[g.r.IntN(len(g.ins))]
	return g.write([]line{g.line(Normal, p, p.BSN, g.birth())})
}

func (g *gen) nextRef() string {
	g.ref++
	return g.c.Invoice + "-" + strconv.Itoa(g.ref)
}

func (g *gen) birth() string {
	y := 1935 + g.r.IntN(88)
	return fmt.Sprintf("%04d%02d%02d", y, 1+g.r.IntN(12), 1+g.r.IntN(28))
}

// bsn returns a random BSN that passes (valid) or fails the eleven test and is not
// one of the insured persons'.
func (g *gen) bsn(valid bool) string {
	for {
		var d [9]int
		d[0] = 1 + g.r.IntN(9)
		sum := d[0] * 9
		for i := 1; i < 8; i++ {
			d[i] = g.r.IntN(10)
			sum += d[i] * (9 - i)
		}
		last := sum % 11
		if valid {
			if last == 10 {
				continue
			}
			d[8] = last
		} else {
			d[8] = (last + 1 + g.r.IntN(9)) % 11
			if d[8] == 10 {
				d[8] = (last + 1) % 10
			}
			if d[8] == last {
				continue
			}
		}
		b := make([]byte, 9)
		for i := range d {
			b[i] = byte('0' + d[i])
		}
		if s := string(b); !g.bsns[s] {
			return s
		}
	}
}

// day draws a date in [from, to].
func (g *gen) day(from, to claims.Day) claims.Day {
	a, b := toTime(from), toTime(to)
	n := int(b.Sub(a).Hours()/24) + 1
	return claims.DayOf(a.AddDate(0, 0, g.r.IntN(max(n, 1))))
}

func toTime(d claims.Day) time.Time {
	return time.Date(int(d/10000), time.Month(d/100%100), int(d%100), 12, 0, 0, 0, time.UTC)
}

// span is the period the line's date may fall in: the file's period, the insured's
// coverage and the product's contract.
func (g *gen) span(p *claims.Insured, k *claims.Contract) (claims.Day, claims.Day, bool) {
	from, to := g.sum.From, g.sum.To
	if p != nil {
		from = max(from, p.From)
		if p.To != 0 {
			to = min(to, p.To)
		}
	}
	if k != nil {
		from, to = max(from, k.From), min(to, k.To)
	}
	return from, to, from <= to
}

func (g *gen) product() product {
	x := g.r.IntN(g.total)
	for _, p := range g.prods {
		if x < p.weight {
			return p
		}
		x -= p.weight
	}
	return g.prods[len(g.prods)-1]
}

func (g *gen) quantity(pl *claims.PriceLine) int {
	if pl.TariffCents > 100_000 { // a DBC or an expensive product: once
		return 1
	}
	switch x := g.r.IntN(20); {
	case x < 15:
		return 1
	case x < 19:
		return 2
	default:
		return 3 + g.r.IntN(3)
	}
}

// line makes a claim line of kind k for insured p (nil: a person without coverage).
func (g *gen) line(k Kind, p *claims.Insured, bsn, birth string) line {
	l := line{ins: p, bsn: bsn, birth: birth, kind: k, zorgtype: "11", spec: "0313", ref: g.nextRef()}
	pr := g.product()
	if k == NonContractedPart {
		x := g.r.IntN(len(g.other))
		pr = g.other[x]
	}
	from, to, ok := g.span(p, pr.contract)
	for try := 0; !ok && try < 20; try++ {
		pr = g.product()
		from, to, ok = g.span(p, pr.contract)
	}
	if !ok {
		from, to, _ = g.span(p, nil)
		if from > to {
			from, to = g.sum.From, g.sum.To
		}
	}
	l.begin = g.day(from, to)
	l.end = l.begin
	if pr.pl.TariffCents > 100_000 && g.r.IntN(2) == 0 {
		l.end = min(claims.DayOf(toTime(l.begin).AddDate(0, 0, g.r.IntN(60))), to)
	}
	l.code = pr.pl.Code
	l.qty = g.quantity(pr.pl)
	l.cents = pr.pl.TariffCents * int64(l.qty)
	switch k {
	case Normal:
		if g.r.IntN(10) == 0 {
			l.cents = l.cents * int64(80+g.r.IntN(20)) / 100
		}
	case AboveTariff:
		l.cents = l.cents * int64(105+g.r.IntN(21)) / 100
	case NotInPriceList:
		for {
			l.code = "99" + fmt.Sprintf("%04d", g.r.IntN(10000))
			if !g.known[l.code] {
				break
			}
		}
		l.cents = int64(10_000 + g.r.IntN(200_000))
	case UnknownCredit:
		l.credit, l.prev = true, g.c.Invoice+"-X"+strconv.Itoa(g.r.IntN(1e6))
	}
	if l.cents <= 0 {
		l.cents = 1
	}
	return l
}

// authLine makes a line an authorisation rule covers: with a granted authorisation
// (Authorised) or for a person without one (NoAuthorisation).
func (g *gen) authLine(k Kind) (line, bool) {
	var rule *policy.ClaimAuthorisation
	var auth *claims.Authorisation
	if k == Authorised {
		auth = g.auths[g.r.IntN(len(g.auths))]
		for i := range g.c.Rules {
			if g.c.Rules[i].ID == auth.Rule {
				rule = &g.c.Rules[i]
			}
		}
	} else {
		for i := range g.c.Rules {
			r := &g.c.Rules[i]
			if slices.Contains(r.Zorgtypes, "21") || rule == nil {
				rule = r
			}
		}
	}
	var p *claims.Insured
	if auth != nil {
		for _, q := range g.ins {
			if q.BSN == auth.BSN {
				p = q
			}
		}
		if p == nil {
			return line{}, false
		}
	} else {
		granted := map[string]bool{}
		for _, a := range g.auths {
			granted[a.BSN] = true
		}
		for try := 0; try < 50 && p == nil; try++ {
			if q := g.ins[g.r.IntN(len(g.ins))]; !granted[q.BSN] {
				p = q
			}
		}
		if p == nil {
			return line{}, false
		}
	}
	zorgtype, spec := "21", "0327"
	if rule != nil {
		if len(rule.Zorgtypes) > 0 {
			zorgtype = rule.Zorgtypes[0]
		}
		if len(rule.Specialisms) > 0 {
			spec = rule.Specialisms[0]
		}
	}
	// A product of the contracts the rule covers.
	var cands []product
	for i := range g.c.Contracts {
		c := &g.c.Contracts[i]
		for j := range c.Lines {
			pl := &c.Lines[j]
			if pl.TariffCents <= 0 || auth != nil && auth.Code != "" && auth.Code != pl.Code {
				continue
			}
			if rule == nil || ruleMatches(rule, pl.Code, zorgtype, spec, pl) {
				cands = append(cands, product{pl: pl, contract: c})
			}
		}
	}
	if len(cands) == 0 {
		return line{}, false
	}
	pr := cands[g.r.IntN(len(cands))]
	from, to, ok := g.span(p, pr.contract)
	if auth != nil {
		from = max(from, auth.ValidFrom)
		if auth.ValidTo != 0 {
			to = min(to, auth.ValidTo)
		}
		ok = from <= to
	}
	if !ok {
		return line{}, false
	}
	l := line{ins: p, bsn: p.BSN, birth: g.birth(), kind: k, zorgtype: zorgtype, spec: spec, ref: g.nextRef(),
		code: pr.pl.Code, qty: 1, cents: pr.pl.TariffCents}
	l.begin = g.day(from, to)
	l.end = l.begin
	return l, true
}

// write writes a patient: the 02 record and a 04 + 06 per line.
func (g *gen) write(ls []line) error {
	if len(ls) == 0 {
		return nil
	}
	g.sum.Patients++
	b := g.b02
	b.Reset()
	p := ls[0]
	g.id++
	set := func(b *vektis.Builder, f map[string]int, name, v string) {
		if err := b.Set(f[name], v); err != nil {
			panic(err) // the generator's own values: a bug
		}
	}
	num := func(b *vektis.Builder, f map[string]int, name string, v int64) {
		if err := b.SetNum(f[name], v); err != nil {
			panic(err)
		}
	}
	num(b, g.f02, "IDENTIFICATIE DETAILRECORD", g.id)
	set(b, g.f02, "BURGERSERVICENUMMER (BSN) VERZEKERDE", p.bsn)
	set(b, g.f02, "UZOVI-NUMMER", g.c.UZOVI)
	set(b, g.f02, "DATUM GEBOORTE VERZEKERDE", p.birth)
	set(b, g.f02, "CODE GESLACHT VERZEKERDE", strconv.Itoa(1+g.r.IntN(2)))
	set(b, g.f02, "NAAMCODE/NAAMGEBRUIK (01)", "1")
	set(b, g.f02, "NAAM VERZEKERDE (01)", surnames[g.r.IntN(len(surnames))])
	set(b, g.f02, "VOORLETTERS VERZEKERDE", string(rune('A'+g.r.IntN(26))))
	set(b, g.f02, "INDICATIE CLIENT OVERLEDEN", "2")
	set(b, g.f02, "POSTCODE (HUISADRES) VERZEKERDE", fmt.Sprintf("%04d%c%c", 1000+g.r.IntN(9000), 'A'+g.r.IntN(26), 'A'+g.r.IntN(26)))
	num(b, g.f02, "HUISNUMMER (HUISADRES) VERZEKERDE", int64(1+g.r.IntN(200)))
	if err := g.enc.Encode(b.Record()); err != nil {
		return err
	}
	g.sum.Records++
	for _, l := range ls {
		dc := "D"
		if l.credit {
			dc = "C"
		}
		g.id++
		b := g.b04
		b.Reset()
		num(b, g.f04, "IDENTIFICATIE DETAILRECORD", g.id)
		set(b, g.f04, "BURGERSERVICENUMMER (BSN) VERZEKERDE", l.bsn)
		set(b, g.f04, "UZOVI-NUMMER", g.c.UZOVI)
		set(b, g.f04, "DOORSTUREN TOEGESTAAN", "1")
		set(b, g.f04, "DATUM GEBOORTE VERZEKERDE", l.birth)
		set(b, g.f04, "AANDUIDING PRESTATIECODELIJST", "020")
		set(b, g.f04, "PRESTATIECODE/DBC DECLARATIECODE", l.code)
		num(b, g.f04, "BEGINDATUM PRESTATIE", int64(l.begin))
		num(b, g.f04, "EINDDATUM PRESTATIE", int64(l.end))
		set(b, g.f04, "PRESTATIEVOLGNUMMER", "1")
		set(b, g.f04, "CODE (ZELF)VERWIJZER", "03")
		set(b, g.f04, "ZORGTYPECODE", l.zorgtype)
		set(b, g.f04, "ZORGVERLENERSSPECIFICATIE BEHANDELAAR/UITVOERDER (SUBBEROEPSGROEP)", l.spec)
		set(b, g.f04, "INSTELLINGSCODE", g.c.AGB)
		num(b, g.f04, "AANTAL UITGEVOERDE PRESTATIES", int64(l.qty))
		set(b, g.f04, "CODE HERDECLARATIE", "0")
		set(b, g.f04, "INDICATIE DEBET/CREDIT", dc)
		set(b, g.f04, "REFERENTIENUMMER DIT PRESTATIERECORD", l.ref)
		if l.prev != "" {
			set(b, g.f04, "REFERENTIENUMMER VOORGAANDE GERELATEERDE PRESTATIERECORD", l.prev)
		}
		if err := g.enc.Encode(b.Record()); err != nil {
			return err
		}
		g.id++
		b = g.b06
		b.Reset()
		num(b, g.f06, "IDENTIFICATIE DETAILRECORD", g.id)
		set(b, g.f06, "BURGERSERVICENUMMER (BSN) VERZEKERDE", l.bsn)
		set(b, g.f06, "UZOVI-NUMMER", g.c.UZOVI)
		set(b, g.f06, "AANDUIDING PRESTATIECODELIJST (01)", "020")
		set(b, g.f06, "PRESTATIECODE/DBC DECLARATIECODE", l.code)
		num(b, g.f06, "BEGINDATUM PRESTATIE", int64(l.begin))
		set(b, g.f06, "PRESTATIEVOLGNUMMER", "1")
		set(b, g.f06, "SOORT PRESTATIE/TARIEF", "01")
		set(b, g.f06, "VERREKENPERCENTAGE", "10000")
		num(b, g.f06, "BEREKEND BEDRAG (INCL. BTW)", l.cents)
		set(b, g.f06, "INDICATIE DEBET/CREDIT (01)", dc)
		num(b, g.f06, "DECLARATIEBEDRAG (INCL. BTW)", l.cents)
		set(b, g.f06, "INDICATIE DEBET/CREDIT (02)", dc)
		set(b, g.f06, "REFERENTIENUMMER DIT TARIEFRECORD", "T"+l.ref)
		if err := g.enc.Encode(b.Record()); err != nil {
			return err
		}
		g.sum.Records += 2
		g.sum.Lines++
		g.sum.Kinds[l.kind]++
		signed := l.cents
		if l.credit {
			signed = -signed
		}
		g.sum.ClaimedCents += signed
		if l.kind == Normal && l.ins != nil {
			// Keep a bounded sample of earlier lines: memory stays flat for any size.
			if len(g.done) < maxDone {
				g.done = append(g.done, l)
			} else {
				g.done[g.r.IntN(maxDone)] = l
			}
		}
		if g.c.Plan {
			g.sum.Plan = append(g.sum.Plan, Planned{Reference: l.ref, Kind: l.kind, BSN: l.bsn, Code: l.code, Begin: l.begin, Quantity: l.qty, ClaimedCents: signed})
		}
	}
	return nil
}

// maxDone bounds the earlier lines kept for duplicates and credits.
const maxDone = 4096

var surnames = []string{"de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser",
	"Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker",
	"Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer", "Kok", "Jacobs", "Müller", "Çelik", "Özdemir"}
