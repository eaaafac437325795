package claims

import (
	"zorginkoop/internal/policy"
)

// Book is everything adjudicating the claim lines of one provider with one insurer needs,
// held in memory: the provider's execution contracts with a code → price-line map, the
// insured persons' coverage and the granted authorisations of the batch's BSNs, the
// provider's stored lines by reference, the insurer's percentages, and what the insurer's
// policies say per year. The service loads a Book per batch of lines from the Store;
// Adjudicate reads it and nothing else, so it is pure and fast.
type Book struct {
	Insurer     string
	InsurerName string
	ProviderID  string
	Today       Day // "now" as a civil date
	// PeriodFrom and PeriodTo are the file's declaration period (0: not checked).
	PeriodFrom, PeriodTo Day
	// UZOVI are the UZOVI numbers of the insurer's labels.
	UZOVI map[string]bool
	// Contracts are the provider's execution contracts with the insurer (see AddContract).
	Contracts []*BookContract
	// PartOf is, for codes of the batch that appear in any of the insurer's contracts,
	// the part they are under (Store.PartsOfCodes).
	PartOf map[string]string
	// Insured are the insurer's coverage periods by BSN.
	Insured map[string][]Insured
	// Auths are the granted authorisations of the provider with the insurer, by BSN.
	Auths map[string][]Authorisation
	// Stored are the provider's stored lines by reference (Store.LinesByReference).
	Stored map[string]LineRef
	// Percentages are the insurer's percentages for non-contracted care by policy type.
	Percentages map[string]int
	// Years are what the insurer's policies and the purchasing round say per contract
	// year (see YearRules); a year missing is a year without rules and without purchasing.
	Years map[int]*YearRules
	// seen are the lines adjudicated earlier in this batch, by reference (not the
	// rejected ones: a rejected line may be claimed again). Earlier batches of the file
	// are stored in the open transaction: Stored has them.
	seen       map[string]LineRef
	buf        []byte
	priceTexts map[priceKey]string // explanations made, see price
	suppTexts  map[suppKey]string  // explanations with the supplementary note, see supplementary
}

// YearRules are the insurer's claim rules for a contract year.
type YearRules struct {
	// Purchasing: a purchasing dossier of the provider for the year is not yet signed.
	Purchasing bool
	// Hold is the policy's hold_until_signed text when a policy of the insurer for the
	// year has it; HoldPolicy names that policy.
	Hold       *policy.ClaimText
	HoldPolicy *policy.Policy
	// Rules are the authorisation rules of the insurer's published policies for the
	// year: those of an imported contract that names no policy.
	Rules []PolicyRule
	// Supplementary is a policy's supplementary_outside_ceiling text for the year.
	Supplementary       *policy.ClaimText
	SupplementaryPolicy *policy.Policy
}

// PolicyRule is a claim authorisation rule with the policy it is in.
type PolicyRule struct {
	Policy *policy.Policy
	Rule   *policy.ClaimAuthorisation
}

// BookContract is an execution contract prepared for adjudication.
type BookContract struct {
	*Contract
	byCode map[string]*PriceLine
	parts  map[string]bool
	// Rules are the authorisation rules of the contract's policy (nil: those of the
	// year, for an import that names no policy).
	Rules []PolicyRule
	// Policy is the contract's policy, nil when it names none or is unknown.
	Policy *policy.Policy
}

// NewBook returns an empty book of the provider with the insurer.
func NewBook(insurer, providerID string) *Book {
	return &Book{Insurer: insurer, InsurerName: insurer, ProviderID: providerID, UZOVI: map[string]bool{},
		PartOf: map[string]string{}, Insured: map[string][]Insured{}, Auths: map[string][]Authorisation{},
		Stored: map[string]LineRef{}, Percentages: map[string]int{}, Years: map[int]*YearRules{},
		seen: map[string]LineRef{}}
}

// AddContract prepares c for adjudication with its policy pol (nil: none).
func (b *Book) AddContract(c *Contract, pol *policy.Policy) *BookContract {
	bc := &BookContract{Contract: c, byCode: make(map[string]*PriceLine, len(c.Lines)), parts: map[string]bool{}, Policy: pol}
	for i := range c.Lines {
		if _, dup := bc.byCode[c.Lines[i].Code]; !dup {
			bc.byCode[c.Lines[i].Code] = &c.Lines[i]
		}
	}
	for _, p := range c.Parts {
		bc.parts[p] = true
	}
	if pol != nil {
		for i := range pol.Claims.Authorisations {
			bc.Rules = append(bc.Rules, PolicyRule{Policy: pol, Rule: &pol.Claims.Authorisations[i]})
		}
	}
	b.Contracts = append(b.Contracts, bc)
	return bc
}

// ResetBatch forgets the batch's BSNs and references (kept: contracts, years), for the
// next batch's loads.
func (b *Book) ResetBatch() {
	clear(b.Insured)
	clear(b.Auths)
	clear(b.Stored)
	b.NextBatch()
}

// NextBatch forgets the lines seen in the batch: the next batch finds them in the
// store (Stored), so memory stays flat whatever the file's length.
func (b *Book) NextBatch() { clear(b.seen) }

// Seen records a line adjudicated outside Adjudicate (a line of the file re-read).
func (b *Book) Seen(l *Line) { b.remember(l) }

func (b *Book) remember(l *Line) {
	if l.Outcome == Rejected || l.Reference == "" {
		return
	}
	// One write, no look-up first: a reference already seen was rejected as a
	// duplicate above, unless it is this same line adjudicated again.
	b.seen[l.Reference] = LineRef{FileID: l.FileID, No: l.No, Reference: l.Reference, Outcome: l.Outcome,
		AllowedCents: l.AllowedCents, Credit: l.Credit}
}

// year returns the rules of the year (an empty set when none).
func (b *Book) year(y int) *YearRules {
	if r := b.Years[y]; r != nil {
		return r
	}
	return &noRules
}

var noRules YearRules

// priceLine finds the line's code (or its product code) in the contract.
func (c *BookContract) priceLine(l *Line) *PriceLine {
	if pl := c.byCode[l.Code]; pl != nil {
		return pl
	}
	if l.ProductCode != "" {
		return c.byCode[l.ProductCode]
	}
	return nil
}
