package claims

import (
	"slices"

	"strconv"
	"strings"
	"zorginkoop/internal/policy"
)

// The built-in rules a line's adjudication names (Line.Rule) when no policy rule decides.
const (
	RuleBSN           = "bsn"                 // A07: the eleven test
	RuleUZOVI         = "uzovi"               // A08: the UZOVI number is the insurer's
	RuleCode          = "code"                // A09: known code list, well-formed code
	RuleDate          = "datum"               // A10: dates in order, not in the future, in the period
	RuleCredit        = "credit"              // credit lines: A11, or approved as the reversal
	RuleDuplicate     = "dubbel"              // A05
	RuleInsured       = "verzekerd"           // A04
	RuleContract      = "contract"            // A01: a contract, but not for the part
	RulePriceList     = "prijslijst"          // A06
	RuleNonContracted = "niet-gecontracteerd" // G03, V01, H02
	RulePurchasing    = "inkoop-afgerond"     // H01
	RuleTariff        = "tarief"              // G01, G02, V02
)

// CodeLists are the prestatiecodelijsten (AANDUIDING PRESTATIECODELIJST, COD367) whose
// codes this platform adjudicates: 020 DBC-zorgproducten/declaratiecodes MSZ, 076 overige
// zorgproducten and add-ons. A line under another list is rejected (A09).
var CodeLists = map[string]bool{"020": true, "076": true}

// Adjudicate decides line l against the book: the checks of docs/claims.md in order, the
// first that decides wins. It sets the line's outcome, reason, amounts, contract, part,
// rule, explanation and supplementary mark, and remembers the line for the duplicate and
// credit checks of later lines of the file.
func (b *Book) Adjudicate(l *Line) {
	b.decide(l)
	b.remember(l)
}

func (b *Book) decide(l *Line) {
	l.AllowedCents, l.ContractedCents, l.ContractID, l.Part, l.Supplementary = 0, 0, "", "", false
	if b.content(l) {
		return
	}
	if l.Credit {
		b.credit(l)
		return
	}
	if b.duplicate(l) {
		return
	}
	ins := b.insured(l)
	if ins == nil {
		return
	}
	c, pl := b.contract(l)
	if c == nil {
		b.nonContracted(l, ins)
		return
	}
	l.ContractID = c.ID
	if pl == nil {
		b.notInPriceList(l, c)
		return
	}
	l.Part = pl.Part
	if !b.authorised(l, c, pl) {
		b.supplementary(l, ins, pl)
		return
	}
	b.price(l, c, pl)
	b.supplementary(l, ins, pl)
}

// content: A07, A08, A09, A10.
func (b *Book) content(l *Line) bool {
	switch {
	case !ElevenTest(l.BSN):
		b.reject(l, ReasonInvalidBSN, RuleBSN, "Het burgerservicenummer ", l.BSN, " voldoet niet aan de elfproef.")
	case !b.UZOVI[l.UZOVI]:
		b.reject(l, ReasonWrongInsurer, RuleUZOVI, "UZOVI-nummer ", l.UZOVI, " is geen label van ", b.InsurerName, ".")
	case !CodeLists[l.CodeList]:
		b.reject(l, ReasonUnknownCode, RuleCode, "Prestatiecodelijst ", l.CodeList, " is onbekend.")
	case !wellFormedCode(l.Code):
		b.reject(l, ReasonUnknownCode, RuleCode, "Declaratiecode “", l.Code, "” ontbreekt of is ongeldig.")
	default:
		return b.dates(l)
	}
	return true
}

func (b *Book) dates(l *Line) bool {
	e := b.text()
	switch {
	case l.End != 0 && l.End < l.Begin:
		e = append(e, "De einddatum ("...)
		e = appendDay(e, l.End)
		e = append(e, ") ligt voor de begindatum ("...)
		e = appendDay(e, l.Begin)
		e = append(e, ")."...)
	case b.Today != 0 && l.Begin > b.Today:
		e = append(e, "De begindatum "...)
		e = appendDay(e, l.Begin)
		e = append(e, " ligt in de toekomst."...)
	case b.PeriodFrom != 0 && (l.Begin > b.PeriodTo || max(l.End, l.Begin) < b.PeriodFrom):
		e = append(e, "De prestatie ("...)
		e = appendDay(e, l.Begin)
		e = append(e, ") valt buiten de declaratieperiode van het bestand ("...)
		e = appendDay(e, b.PeriodFrom)
		e = append(e, " tot en met "...)
		e = appendDay(e, b.PeriodTo)
		e = append(e, ")."...)
	default:
		return false
	}
	b.set(l, Rejected, ReasonBadDates, RuleDate, e)
	return true
}

// credit: a credit line reverses a known line: approved at minus what that one was
// allowed; unknown → A11. A credit line's own reference claimed before is a duplicate.
func (b *Book) credit(l *Line) {
	if b.duplicate(l) {
		return
	}
	orig, ok := b.seen[l.PrevReference]
	if !ok {
		orig, ok = b.Stored[l.PrevReference]
	}
	if l.PrevReference == "" || !ok || orig.Credit {
		b.reject(l, ReasonUnknownCredit, RuleCredit, "Creditregel: de oorspronkelijke declaratieregel met referentie “",
			l.PrevReference, "” is niet bekend.")
		return
	}
	l.AllowedCents = -orig.AllowedCents
	e := append(b.text(), "Creditering van de declaratieregel met referentie “"...)
	e = append(e, l.PrevReference...)
	e = append(e, "” ("...)
	e = append(e, orig.Outcome.Dutch()...)
	e = append(e, "): teruggeboekt "...)
	e = appendMoney(e, l.AllowedCents)
	e = append(e, '.')
	b.set(l, Approved, ReasonContracted, RuleCredit, e)
	// A reversal of care the supplementary insurance covered leaves the ceiling as the
	// original did: it is marked the same way.
	if ins := b.coverage(l); ins != nil {
		if _, pl := b.contract(l); pl != nil {
			b.supplementary(l, ins, pl)
		}
	}
}

// coverage is the insurer's coverage period of the BSN on the begin date, nil when none.
func (b *Book) coverage(l *Line) *Insured {
	ps := b.Insured[l.BSN]
	for i := range ps {
		if ps[i].Covers(l.Begin) {
			return &ps[i]
		}
	}
	return nil
}

// duplicate: A05 when the reference was claimed before (stored, or earlier in the file)
// on a line that was not rejected. The line itself (re-adjudicated) does not count.
func (b *Book) duplicate(l *Line) bool {
	if l.Reference == "" {
		return false
	}
	prev, ok := b.seen[l.Reference]
	if !ok {
		prev, ok = b.Stored[l.Reference]
	}
	inFile := prev.FileID == l.FileID
	if !ok || prev.Outcome == Rejected || prev.FileID == l.FileID && prev.No == l.No {
		return false
	}
	e := append(b.text(), "Referentie “"...)
	e = append(e, l.Reference...)
	e = append(e, "” is al gedeclareerd"...)
	if inFile {
		e = append(e, " eerder in dit bestand (declaratieregel "...)
	} else {
		e = append(e, " in bestand "...)
		e = append(e, prev.FileID...)
		e = append(e, " (declaratieregel "...)
	}
	e = strconv.AppendInt(e, int64(prev.No), 10)
	e = append(e, ")."...)
	b.set(l, Rejected, ReasonDuplicate, RuleDuplicate, e)
	return true
}

// insured: A04 unless a coverage period of the insurer covers the begin date.
func (b *Book) insured(l *Line) *Insured {
	if ins := b.coverage(l); ins != nil {
		l.PolicyNumber = ins.PolicyNumber
		return ins
	}
	e := append(b.text(), "De verzekerde is op "...)
	e = appendDay(e, l.Begin)
	e = append(e, " niet verzekerd bij "...)
	e = append(e, b.InsurerName...)
	e = append(e, '.')
	b.set(l, Rejected, ReasonNotInsured, RuleInsured, e)
	return nil
}

// contract finds the provider's contract covering the begin date, preferring one whose
// price list has the code; pl is nil when none has it.
func (b *Book) contract(l *Line) (*BookContract, *PriceLine) {
	var first *BookContract
	for _, c := range b.Contracts {
		if !c.Covers(l.Begin) {
			continue
		}
		if pl := c.priceLine(l); pl != nil {
			return c, pl
		}
		if first == nil {
			first = c
		}
	}
	return first, nil
}

// nonContracted: no contract covers the date. While purchasing for the year is under
// way and the insurer's policy says claims wait for it: H01. Otherwise the insurer's
// percentage for the policy type: none H02, 100 G03, else V01.
func (b *Book) nonContracted(l *Line, ins *Insured) {
	yr := b.year(l.Year())
	if yr.Purchasing && yr.Hold != nil {
		e := append(b.text(), "Het inkooptraject met de zorgaanbieder voor "...)
		e = strconv.AppendInt(e, int64(l.Year()), 10)
		e = append(e, " is nog niet afgerond. "...)
		e = appendPolicyText(e, yr.HoldPolicy, yr.Hold)
		e = append(e, " De regel wordt opnieuw beoordeeld zodra het contract is ondertekend."...)
		b.set(l, Held, ReasonPurchasingOpen, RulePurchasing, e)
		return
	}
	e := append(b.text(), "Geen contract met de zorgaanbieder op "...)
	e = appendDay(e, l.Begin)
	pct, ok := b.Percentages[ins.PolicyType]
	if !ok {
		e = append(e, " en de zorgverzekeraar heeft voor polissoort "...)
		e = append(e, ins.PolicyType...)
		e = append(e, " nog geen vergoedingspercentage voor niet-gecontracteerde zorg vastgesteld. De regel wordt opnieuw beoordeeld zodra dat is gebeurd."...)
		b.set(l, Held, ReasonNoPercentage, RuleNonContracted, e)
		return
	}
	e = append(e, ": niet-gecontracteerde zorg onder polissoort "...)
	e = append(e, ins.PolicyType...)
	e = append(e, " wordt vergoed voor "...)
	e = strconv.AppendInt(e, int64(pct), 10)
	e = append(e, "% van het gedeclareerde bedrag"...)
	if pct >= 100 {
		l.AllowedCents = l.ClaimedCents
		e = append(e, ": "...)
		e = appendMoney(e, l.AllowedCents)
		e = append(e, '.')
		b.set(l, Approved, ReasonPolicyCover, RuleNonContracted, e)
		return
	}
	l.AllowedCents = l.ClaimedCents * int64(pct) / 100
	e = append(e, ": "...)
	e = appendMoney(e, l.AllowedCents)
	e = append(e, " van "...)
	e = appendMoney(e, l.ClaimedCents)
	e = append(e, '.')
	b.set(l, Reduced, ReasonNonContracted, RuleNonContracted, e)
}

// notInPriceList: A01 when the insurer's catalogue puts the code under a part the
// contract lacks, else A06.
func (b *Book) notInPriceList(l *Line, c *BookContract) {
	code := l.Code
	part, ok := b.PartOf[code]
	if !ok && l.ProductCode != "" {
		code = l.ProductCode
		part, ok = b.PartOf[code]
	}
	if ok && !c.parts[part] {
		l.Part = part
		e := append(b.text(), "Contract "...)
		e = append(e, c.Reference...)
		e = append(e, " omvat onderdeel “"...)
		e = append(e, part...)
		e = append(e, "” niet, waaronder declaratiecode "...)
		e = append(e, code...)
		e = append(e, " valt."...)
		b.set(l, Rejected, ReasonNoContractPart, RuleContract, e)
		return
	}
	e := append(b.text(), "Declaratiecode "...)
	e = append(e, l.Code...)
	if l.ProductCode != "" {
		e = append(e, " (zorgproduct "...)
		e = append(e, l.ProductCode...)
		e = append(e, ')')
	}
	e = append(e, " staat niet in de afgesproken prijslijst van contract "...)
	e = append(e, c.Reference...)
	e = append(e, '.')
	b.set(l, Rejected, ReasonNotInPriceList, RulePriceList, e)
}

// authorised: every authorisation rule of the contract's policy that matches the line
// needs a granted authorisation valid on the begin date: else A02 (machtiging) or A03
// (toestemming).
func (b *Book) authorised(l *Line, c *BookContract, pl *PriceLine) bool {
	rules := c.Rules
	if c.Policy == nil {
		rules = b.year(l.Year()).Rules
	}
	for _, r := range rules {
		if !matches(r.Rule, l, pl) || b.granted(l, r.Rule.ID) {
			continue
		}
		reason, what := ReasonNoAuthorisation, "machtiging"
		if r.Rule.Kind == string(Toestemming) {
			reason, what = ReasonNoApproval, "schriftelijke toestemming"
		}
		e := append(b.text(), r.Rule.Title...)
		e = append(e, ": er is geen verleende "...)
		e = append(e, what...)
		e = append(e, " voor deze verzekerde op "...)
		e = appendDay(e, l.Begin)
		e = append(e, ". "...)
		e = appendPolicyText(e, r.Policy, &policy.ClaimText{Text: r.Rule.Text, Source: r.Rule.Source})
		b.set(l, Rejected, reason, r.Rule.ID, e)
		return false
	}
	return true
}

// matches: a rule matches a line when each selector it sets matches (codes by prefix of
// the declaration or product code); a rule without any selector matches nothing.
func matches(r *policy.ClaimAuthorisation, l *Line, pl *PriceLine) bool {
	if len(r.Codes) == 0 && len(r.Zorgtypes) == 0 && len(r.Specialisms) == 0 && !r.Marked {
		return false
	}
	if len(r.Codes) > 0 && !slices.ContainsFunc(r.Codes, func(p string) bool {
		return strings.HasPrefix(l.Code, p) || l.ProductCode != "" && strings.HasPrefix(l.ProductCode, p)
	}) {
		return false
	}
	if len(r.Zorgtypes) > 0 && !slices.Contains(r.Zorgtypes, l.Zorgtype) {
		return false
	}
	if len(r.Specialisms) > 0 && !slices.Contains(r.Specialisms, l.Specialism) {
		return false
	}
	return !r.Marked || pl.ApprovalRequired
}

// granted: a granted authorisation of the insured for the rule (and the code, when it
// names one), valid on the begin date.
func (b *Book) granted(l *Line, rule string) bool {
	for i := range b.Auths[l.BSN] {
		a := &b.Auths[l.BSN][i]
		if a.Rule == rule && (a.Code == "" || a.Code == l.Code || a.Code == l.ProductCode) && a.Valid(l.Begin) {
			return true
		}
	}
	return false
}

// price: contracted = tariff × quantity; above it V02 to the contracted amount, equal G01,
// below G02 at the claimed amount. The explanation of the same price line, quantity and
// amount is the same text: it is made once (most lines of a file are claimed at the
// tariff of a few hundred products).
func (b *Book) price(l *Line, c *BookContract, pl *PriceLine) {
	l.ContractedCents = pl.TariffCents * int64(l.Quantity)
	var o Outcome
	var r Reason
	switch {
	case l.ClaimedCents > l.ContractedCents:
		l.AllowedCents, o, r = l.ContractedCents, Reduced, ReasonAboveContract
	case l.ClaimedCents == l.ContractedCents:
		l.AllowedCents, o, r = l.ContractedCents, Approved, ReasonContracted
	default:
		l.AllowedCents, o, r = l.ClaimedCents, Approved, ReasonBelowContract
	}
	key := priceKey{pl: pl, qty: l.Quantity, claimed: l.ClaimedCents}
	if e, ok := b.priceTexts[key]; ok {
		l.Outcome, l.Reason, l.Rule, l.Explanation = o, r, RuleTariff, e
		return
	}
	e := append(b.text(), "Gedeclareerd "...)
	e = appendMoney(e, l.ClaimedCents)
	e = append(e, "; gecontracteerd "...)
	e = appendMoney(e, l.ContractedCents)
	e = append(e, " (tarief "...)
	e = appendMoney(e, pl.TariffCents)
	e = append(e, " × "...)
	e = strconv.AppendInt(e, int64(l.Quantity), 10)
	e = append(e, ", contract "...)
	e = append(e, c.Reference...)
	e = append(e, ")"...)
	switch r {
	case ReasonAboveContract:
		e = append(e, ": verlaagd tot het gecontracteerde bedrag."...)
	case ReasonContracted:
		e = append(e, ": goedgekeurd."...)
	default:
		e = append(e, ": goedgekeurd tegen het lagere gedeclareerde bedrag."...)
	}
	b.set(l, o, r, RuleTariff, e)
	if b.priceTexts == nil || len(b.priceTexts) >= maxPriceTexts {
		b.priceTexts = make(map[priceKey]string, 256)
	}
	b.priceTexts[key] = l.Explanation
}

// priceKey is what a price explanation says.
type priceKey struct {
	pl      *PriceLine
	qty     int
	claimed int64
}

// maxPriceTexts bounds the explanations kept.
const maxPriceTexts = 4096

// supplementary marks a line whose product group the insured's supplementary insurance
// covers: it does not count toward the revenue ceiling. The explanation says so, quoting
// the policy where it has supplementary_outside_ceiling.
func (b *Book) supplementary(l *Line, ins *Insured, pl *PriceLine) {
	if pl.Group == "" || !slices.Contains(ins.Supplementary, pl.Group) {
		return
	}
	l.Supplementary = true
	key := suppKey{base: l.Explanation, group: pl.Group, year: l.Year()}
	if t, ok := b.suppTexts[key]; ok {
		l.Explanation = t
		return
	}
	e := append(b.text(), l.Explanation...)
	e = append(e, " Valt onder de aanvullende verzekering (productgroep "...)
	e = append(e, pl.Group...)
	e = append(e, ") en telt niet mee voor het omzetplafond."...)
	if yr := b.year(l.Year()); yr.Supplementary != nil {
		e = append(e, ' ')
		e = appendPolicyText(e, yr.SupplementaryPolicy, yr.Supplementary)
	}
	l.Explanation = string(e)
	b.buf = e
	if b.suppTexts == nil || len(b.suppTexts) >= maxPriceTexts {
		b.suppTexts = make(map[suppKey]string, 256)
	}
	b.suppTexts[key] = l.Explanation
}

// suppKey is what an explanation with the supplementary note says: the explanation
// without it, the product group and the year (whose policy text it quotes).
type suppKey struct {
	base, group string
	year        int
}

// reject sets a rejection whose explanation is the concatenation of parts.
func (b *Book) reject(l *Line, r Reason, rule string, parts ...string) {
	e := b.text()
	for _, p := range parts {
		e = append(e, p...)
	}
	b.set(l, Rejected, r, rule, e)
}

// text is the book's scratch buffer, emptied.
func (b *Book) text() []byte { return b.buf[:0] }

// set stores the decision; the explanation is copied out of the scratch buffer.
func (b *Book) set(l *Line, o Outcome, r Reason, rule string, e []byte) {
	l.Outcome, l.Reason, l.Rule, l.Explanation = o, r, rule, string(e)
	b.buf = e
}

// appendPolicyText quotes a policy's wording: Title: “text” (source).
func appendPolicyText(e []byte, pol *policy.Policy, t *policy.ClaimText) []byte {
	if pol != nil {
		e = append(e, pol.Title...)
		e = append(e, ": "...)
	}
	e = append(e, "“"...)
	e = append(e, strings.TrimSpace(t.Text)...)
	e = append(e, "”"...)
	if t.Source != "" {
		e = append(e, " ("...)
		e = append(e, t.Source...)
		e = append(e, ')')
	}
	e = append(e, '.')
	return e
}
