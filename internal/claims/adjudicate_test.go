package claims

import (
	"strings"
	"testing"

	"zorginkoop/internal/policy"
)

// The book of these tests: a Caresq-like insurer (UZOVI 3311) and one provider with one
// contract for 2026 (parts basis and msr), the MSR follow-up DBC rule of its policy, a
// marked add-on needing written approval, and the insured persons below.
const (
	bsnNatura     = "111222333" // natura, supplementary group "fysio"
	bsnRestitutie = "123456782" // restitutie
	bsnSelect     = "100000022" // natura-select: no percentage set
)

var testPolicy = &policy.Policy{ID: "caresq-zbc-2026", Title: "Caresq Inkoopbeleid ZBC 2026", Claims: policy.ClaimRules{
	Authorisations: []policy.ClaimAuthorisation{
		{ID: "msr-vervolg-dbc", Kind: "machtiging", Title: "Machtiging MSR vervolg-DBC",
			Text: "Dan moet er voor het ingaan van een vervolg DBC toestemming worden aangevraagd.", Source: "pagina 10",
			Zorgtypes: []string{"21"}, Specialisms: []string{"0327"}},
		{ID: "add-on-nieuw", Kind: "toestemming", Title: "Toestemming nieuw add-on geneesmiddel",
			Text: "Zorg en Zekerheid vergoedt een middel alleen als u schriftelijk akkoord van ons heeft ontvangen.", Source: "§ 3.4",
			Marked: true},
	},
	SupplementaryOutsideCeiling: &policy.ClaimText{Text: "Zorg uit aanvullende verzekeringen valt buiten het kader.", Source: "§ 2.2"},
}}

func testBook() *Book {
	b := NewBook("eucare", "zbc-1")
	b.InsurerName = "Eucare"
	b.Today, b.PeriodFrom, b.PeriodTo = 20260401, 20260101, 20260331
	b.UZOVI["3311"] = true
	c := &Contract{ID: "c-1", Reference: "C-1", Insurer: "eucare", ProviderID: "zbc-1", PolicyID: testPolicy.ID,
		From: 20260101, To: 20261231, Parts: []string{"basis", "msr"}, Signed: true,
		Lines: []PriceLine{
			{Part: "basis", Code: "150000", TariffCents: 100000, Group: "fysio"},
			{Part: "msr", Code: "170000", TariffCents: 250000},
			{Part: "basis", Code: "Z00001", TariffCents: 5000, ApprovalRequired: true},
		}}
	b.AddContract(c, testPolicy)
	b.PartOf["190000"] = "oncologie" // in another contract of the insurer, under a part this one lacks
	b.Insured[bsnNatura] = []Insured{{Insurer: "eucare", PolicyNumber: "P1", BSN: bsnNatura, PolicyType: "natura", From: 20250101,
		Supplementary: []string{"fysio"}}}
	b.Insured[bsnRestitutie] = []Insured{{Insurer: "eucare", PolicyNumber: "P2", BSN: bsnRestitutie, PolicyType: "restitutie", From: 20260101, To: 20261231}}
	b.Insured[bsnSelect] = []Insured{{Insurer: "eucare", PolicyNumber: "P3", BSN: bsnSelect, PolicyType: "natura-select", From: 20260101}}
	b.Percentages["natura"], b.Percentages["restitutie"] = 75, 100
	b.Stored["OLD-1"] = LineRef{FileID: "f-0", No: 7, Reference: "OLD-1", Outcome: Approved, AllowedCents: 100000}
	b.Stored["OLD-REJ"] = LineRef{FileID: "f-0", No: 8, Reference: "OLD-REJ", Outcome: Rejected}
	b.Years[2026] = &YearRules{Supplementary: testPolicy.Claims.SupplementaryOutsideCeiling, SupplementaryPolicy: testPolicy}
	return b
}

// line is a valid contracted line at the tariff, changed by fn.
func line(fn func(*Line)) Line {
	l := Line{FileID: "f-1", No: 1, BSN: bsnNatura, UZOVI: "3311", CodeList: "020", Code: "150000", Begin: 20260115, End: 20260120,
		Quantity: 1, ClaimedCents: 100000, Reference: "R-1"}
	if fn != nil {
		fn(&l)
	}
	return l
}

func TestEachReasonCodeAndItsRule(t *testing.T) {
	cases := []struct {
		name    string
		line    Line
		prep    func(*Book)
		outcome Outcome
		reason  Reason
		rule    string
		allowed int64
		explain string
	}{
		{"claimed at the contracted tariff is approved G01", line(func(l *Line) { l.BSN = bsnRestitutie }), nil, Approved, ReasonContracted, RuleTariff, 100000, "€ 1.000,00"},
		{"claimed below the tariff is approved at the claimed amount G02", line(func(l *Line) { l.BSN, l.ClaimedCents = bsnRestitutie, 90000 }), nil, Approved, ReasonBelowContract, RuleTariff, 90000, "lagere"},
		{"non-contracted care under restitutie at 100% is approved G03", line(func(l *Line) { l.BSN = bsnRestitutie }), noContract, Approved, ReasonPolicyCover, RuleNonContracted, 100000, "100%"},
		{"non-contracted care under natura at 75% is reduced V01, rounded down", line(func(l *Line) { l.ClaimedCents = 100001 }), noContract, Reduced, ReasonNonContracted, RuleNonContracted, 75000, "75%"},
		{"claimed above the tariff is reduced to it V02", line(func(l *Line) { l.BSN, l.ClaimedCents = bsnRestitutie, 120000 }), nil, Reduced, ReasonAboveContract, RuleTariff, 100000, "verlaagd"},
		{"a code under a part the contract lacks is rejected A01", line(func(l *Line) { l.Code = "190000" }), nil, Rejected, ReasonNoContractPart, RuleContract, 0, "oncologie"},
		{"an MSR follow-up DBC without authorisation is rejected A02", line(func(l *Line) { l.Code, l.Zorgtype, l.Specialism, l.ClaimedCents = "170000", "21", "0327", 250000 }), nil, Rejected, ReasonNoAuthorisation, "msr-vervolg-dbc", 0, "vervolg DBC"},
		{"a marked add-on without written approval is rejected A03", line(func(l *Line) { l.Code, l.ClaimedCents = "Z00001", 5000 }), nil, Rejected, ReasonNoApproval, "add-on-nieuw", 0, "schriftelijk akkoord"},
		{"a person not insured on the date is rejected A04", line(func(l *Line) { l.BSN, l.Begin = bsnRestitutie, 20251231 }), func(b *Book) { b.PeriodFrom = 20251201 }, Rejected, ReasonNotInsured, RuleInsured, 0, "31 december 2025"},
		{"a reference claimed before is a duplicate A05", line(func(l *Line) { l.Reference = "OLD-1" }), nil, Rejected, ReasonDuplicate, RuleDuplicate, 0, "f-0"},
		{"a code not in the price list is rejected A06", line(func(l *Line) { l.Code = "999999" }), nil, Rejected, ReasonNotInPriceList, RulePriceList, 0, "999999"},
		{"a BSN failing the eleven test is rejected A07", line(func(l *Line) { l.BSN = "123456789" }), nil, Rejected, ReasonInvalidBSN, RuleBSN, 0, "elfproef"},
		{"a UZOVI number of another insurer is rejected A08", line(func(l *Line) { l.UZOVI = "9999" }), nil, Rejected, ReasonWrongInsurer, RuleUZOVI, 0, "9999"},
		{"an unknown code list is rejected A09", line(func(l *Line) { l.CodeList = "999" }), nil, Rejected, ReasonUnknownCode, RuleCode, 0, "999"},
		{"an ill-formed declaration code is rejected A09", line(func(l *Line) { l.Code = "15-000" }), nil, Rejected, ReasonUnknownCode, RuleCode, 0, "15-000"},
		{"an end before the begin is rejected A10", line(func(l *Line) { l.End = 20260110 }), nil, Rejected, ReasonBadDates, RuleDate, 0, "10 januari 2026"},
		{"a begin in the future is rejected A10", line(func(l *Line) { l.Begin, l.End = 20260402, 0 }), func(b *Book) { b.PeriodTo = 20261231 }, Rejected, ReasonBadDates, RuleDate, 0, "toekomst"},
		{"a line outside the file's period is rejected A10", line(func(l *Line) { l.Begin, l.End = 20250601, 20250602 }), nil, Rejected, ReasonBadDates, RuleDate, 0, "declaratieperiode"},
		{"a credit of an unknown line is rejected A11", line(func(l *Line) { l.Credit, l.PrevReference, l.ClaimedCents = true, "NOPE", -100000 }), nil, Rejected, ReasonUnknownCredit, RuleCredit, 0, "NOPE"},
		{"a credit of a known line reverses what it was allowed", line(func(l *Line) { l.Credit, l.PrevReference, l.ClaimedCents = true, "OLD-1", -100000 }), nil, Approved, ReasonContracted, RuleCredit, -100000, "€ -1.000,00"},
		{"no contract while purchasing is open under a hold policy is held H01", line(nil), func(b *Book) {
			noContract(b)
			b.Years[2026] = &YearRules{Purchasing: true, Hold: &policy.ClaimText{Text: "Pas als het inkooptraject met u volledig is afgerond", Source: "p. 12"}, HoldPolicy: testPolicy}
		}, Held, ReasonPurchasingOpen, RulePurchasing, 0, "Pas als het inkooptraject"},
		{"no contract and no percentage for the policy type is held H02", line(func(l *Line) { l.BSN = bsnSelect }), noContract, Held, ReasonNoPercentage, RuleNonContracted, 0, "natura-select"},
	}
	seen := map[Reason]bool{}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := testBook()
			if c.prep != nil {
				c.prep(b)
			}
			l := c.line
			b.Adjudicate(&l)
			if l.Outcome != c.outcome || l.Reason != c.reason || l.Rule != c.rule || l.AllowedCents != c.allowed {
				t.Fatalf("got %s %s rule %s allowed %d (%s); want %s %s rule %s allowed %d", l.Outcome, l.Reason, l.Rule,
					l.AllowedCents, l.Explanation, c.outcome, c.reason, c.rule, c.allowed)
			}
			if !strings.Contains(l.Explanation, c.explain) {
				t.Fatalf("explanation %q does not name %q", l.Explanation, c.explain)
			}
			if l.Reason.Outcome() != l.Outcome {
				t.Fatalf("reason %s is not of outcome %s", l.Reason, l.Outcome)
			}
			seen[l.Reason] = true
		})
	}
	for _, r := range Reasons {
		if !seen[r] {
			t.Errorf("no case for reason %s", r)
		}
		if ReasonText(r) == string(r) {
			t.Errorf("reason %s has no Dutch text", r)
		}
	}
}

func noContract(b *Book) { b.Contracts = nil }

func TestTheFirstCheckThatDecidesWins(t *testing.T) {
	// A line that fails several checks is decided by the earliest in the order of
	// docs/claims.md: content, credit, duplicate, insured, contract, authorisation, price.
	cases := []struct {
		name string
		fn   func(*Line)
		want Reason
	}{
		{"a bad BSN before a wrong UZOVI", func(l *Line) { l.BSN, l.UZOVI = "123456789", "9999" }, ReasonInvalidBSN},
		{"a wrong UZOVI before bad dates", func(l *Line) { l.UZOVI, l.End = "9999", 20260101 }, ReasonWrongInsurer},
		{"bad dates before a duplicate", func(l *Line) { l.End, l.Reference = 20260101, "OLD-1" }, ReasonBadDates},
		{"a duplicate before not insured", func(l *Line) { l.Reference, l.BSN = "OLD-1", "100000010" }, ReasonDuplicate},
		{"not insured before not in the price list", func(l *Line) { l.BSN, l.Code = "100000010", "999999" }, ReasonNotInsured},
		{"not in the price list before the tariff", func(l *Line) { l.Code, l.ClaimedCents = "999999", 1 }, ReasonNotInPriceList},
		{"the authorisation before the tariff", func(l *Line) { l.Code, l.Zorgtype, l.Specialism, l.ClaimedCents = "170000", "21", "0327", 1 }, ReasonNoAuthorisation},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := testBook()
			l := line(c.fn)
			b.Adjudicate(&l)
			if l.Reason != c.want {
				t.Fatalf("got %s (%s), want %s", l.Reason, l.Explanation, c.want)
			}
		})
	}
}

func TestAGrantedAuthorisationValidOnTheDateLetsTheFollowUpDBCThrough(t *testing.T) {
	msr := func(l *Line) { l.Code, l.Zorgtype, l.Specialism, l.ClaimedCents = "170000", "21", "0327", 250000 }
	grant := func(from, to Day, code string) Authorisation {
		return Authorisation{Insurer: "eucare", ProviderID: "zbc-1", BSN: bsnNatura, Rule: "msr-vervolg-dbc", Status: Granted,
			ValidFrom: from, ValidTo: to, Code: code}
	}
	cases := []struct {
		name string
		auth Authorisation
		want Reason
	}{
		{"valid on the begin date", grant(20260101, 20261231, ""), ReasonContracted},
		{"for this code", grant(20260101, 0, "170000"), ReasonContracted},
		{"for another code", grant(20260101, 0, "170001"), ReasonNoAuthorisation},
		{"expired before the begin date", grant(20250101, 20260114, ""), ReasonNoAuthorisation},
		{"refused", func() Authorisation { a := grant(20260101, 0, ""); a.Status = Refused; return a }(), ReasonNoAuthorisation},
		{"for another rule", func() Authorisation { a := grant(20260101, 0, ""); a.Rule = "add-on-nieuw"; return a }(), ReasonNoAuthorisation},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := testBook()
			b.Auths[bsnNatura] = []Authorisation{c.auth}
			l := line(msr)
			b.Adjudicate(&l)
			if l.Reason != c.want {
				t.Fatalf("got %s (%s), want %s", l.Reason, l.Explanation, c.want)
			}
		})
	}
	t.Run("a first DBC (zorgtype 11) needs none", func(t *testing.T) {
		b := testBook()
		l := line(func(l *Line) { msr(l); l.Zorgtype = "11" })
		b.Adjudicate(&l)
		if l.Reason != ReasonContracted {
			t.Fatalf("got %s (%s)", l.Reason, l.Explanation)
		}
	})
}

func TestSupplementaryCoverIsMarkedAndQuotesThePolicy(t *testing.T) {
	b := testBook()
	l := line(nil) // bsnNatura has supplementary group fysio; code 150000 is in group fysio
	b.Adjudicate(&l)
	if !l.Supplementary || l.Outcome != Approved {
		t.Fatalf("got supplementary %v %s", l.Supplementary, l.Outcome)
	}
	if !strings.Contains(l.Explanation, "aanvullende verzekering") || !strings.Contains(l.Explanation, "§ 2.2") {
		t.Fatalf("explanation %q", l.Explanation)
	}
	credit := line(func(l *Line) { l.Reference, l.Credit, l.PrevReference, l.ClaimedCents = "R-C", true, "R-1", -100000 })
	b.Adjudicate(&credit)
	if !credit.Supplementary || credit.AllowedCents != -100000 {
		t.Fatalf("the credit of a supplementary line: supplementary %v allowed %d", credit.Supplementary, credit.AllowedCents)
	}
	other := line(func(l *Line) { l.BSN = bsnRestitutie; l.Reference = "R-2" })
	b.Adjudicate(&other)
	if other.Supplementary {
		t.Fatal("a person without supplementary cover for the group is not marked")
	}
}

func TestDuplicatesWithinTheFileAndARejectedLineClaimedAgain(t *testing.T) {
	b := testBook()
	first := line(func(l *Line) { l.BSN = bsnRestitutie })
	b.Adjudicate(&first)
	again := line(func(l *Line) { l.BSN, l.No = bsnRestitutie, 2 })
	b.Adjudicate(&again)
	if again.Reason != ReasonDuplicate || !strings.Contains(again.Explanation, "eerder in dit bestand") {
		t.Fatalf("second line with the same reference: %s %s", again.Reason, again.Explanation)
	}
	// A reference whose earlier line was rejected may be claimed again.
	re := line(func(l *Line) { l.BSN, l.Reference, l.No = bsnRestitutie, "OLD-REJ", 3 })
	b.Adjudicate(&re)
	if re.Outcome != Approved {
		t.Fatalf("claimed again after a rejection: %s %s", re.Reason, re.Explanation)
	}
	// The same line adjudicated again (released) is not its own duplicate.
	b2 := testBook()
	b2.Stored["R-9"] = LineRef{FileID: "f-1", No: 9, Reference: "R-9", Outcome: Held}
	self := line(func(l *Line) { l.BSN, l.Reference, l.No = bsnRestitutie, "R-9", 9 })
	b2.Adjudicate(&self)
	if self.Outcome != Approved {
		t.Fatalf("re-adjudicated line: %s %s", self.Reason, self.Explanation)
	}
}

func TestElevenTestAndFormats(t *testing.T) {
	for s, want := range map[string]bool{"111222333": true, "123456782": true, "123456789": false, "000000000": false,
		"12345678": false, "12345678a": false, "999999999": false} {
		if ElevenTest(s) != want {
			t.Errorf("ElevenTest(%s) = %v", s, !want)
		}
	}
	if got := string(appendMoney(nil, 123456789)); got != "€ 1.234.567,89" {
		t.Errorf("money %q", got)
	}
	if got := string(appendMoney(nil, -5)); got != "€ -0,05" {
		t.Errorf("money %q", got)
	}
	if got := DayText(20260314); got != "14 maart 2026" {
		t.Errorf("day %q", got)
	}
	for o, want := range map[Outcome]string{Approved: "goedgekeurd", Reduced: "verlaagd", Rejected: "afgewezen", Held: "aangehouden"} {
		if o.Dutch() != want {
			t.Errorf("%s.Dutch() = %s", o, o.Dutch())
		}
	}
}
