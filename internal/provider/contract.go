package provider

import (
	"strconv"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/text"
)

// PartChoice says that a part of a policy's contract (a module, a prestatie, selectively
// purchased care) is asked for by the provider or offered to it by the insurer. A policy
// judges a part's conditions only for providers that asked for it or were offered it.
type PartChoice struct {
	Policy string `json:"policy"` // the policy id
	Part   string `json:"part"`   // the part id within the policy
	By     Source `json:"by"`     // aanbieder: the provider asks for it; verzekeraar: the insurer offers it
	// Insurer is the policy's insurer, whose side may write an offer and read the choice.
	// It is not written in a file: Reference.Validate sets it from the policy library, and
	// the stores keep it.
	Insurer string `json:"-"`
}

// Contract is a contract between the provider and an insurer: under which policy, for
// which parts and which contract years. A multi-year contract that covers a policy's
// contract year makes the provider an existing contract partner, not a newcomer.
type Contract struct {
	Insurer   string   `json:"insurer"`
	Policy    string   `json:"policy"`          // the policy (or agreement) it was concluded under
	Parts     []string `json:"parts,omitempty"` // the parts contracted besides the base contract
	FirstYear int      `json:"first_year"`
	LastYear  int      `json:"last_year"`
}

// MultiYear reports whether the contract runs for more than one year.
func (c *Contract) MultiYear() bool { return c.LastYear > c.FirstYear }

// Covers reports whether the contract is with insurer and runs in year.
func (c *Contract) Covers(insurer string, year int) bool {
	return c.Insurer == insurer && c.FirstYear <= year && year <= c.LastYear
}

// ContractFor returns the provider's contract with insurer that runs in year, if any.
func (p *Provider) ContractFor(insurer string, year int) *Contract {
	for i := range p.Contracts {
		if p.Contracts[i].Covers(insurer, year) {
			return &p.Contracts[i]
		}
	}
	return nil
}

// Chose reports whether the provider asked for, or was offered, part of policy.
func (p *Provider) Chose(policy, part string) bool {
	for i := range p.Parts {
		if p.Parts[i].Policy == policy && p.Parts[i].Part == part {
			return true
		}
	}
	return false
}

// Bounds on a provider's parts and contracts.
const (
	MaxParts         = 500 // part choices per provider
	MaxContracts     = 100 // contracts per provider
	MinContractYear  = 2000
	MaxContractYear  = 2100
	maxContractParts = MaxListItems
)

// PolicyParts looks up a policy of the library: its insurer and the ids of its parts; ok
// is false when there is no such policy.
type PolicyParts func(policy string) (insurer string, parts []string, ok bool)

func partKey(c PartChoice) string { return c.Policy + "/" + c.Part + "@" + string(c.By) }

func contractKey(c Contract) string {
	return c.Insurer + "/" + c.Policy + "/" + strconv.Itoa(c.FirstYear)
}

// checkText checks the choice's text fields (see package text).
func (c *PartChoice) checkText() apperr.List {
	return text.CheckAll(
		text.Field{Name: "policy", Value: c.Policy, Max: text.Code},
		text.Field{Name: "part", Value: c.Part, Max: text.Code},
		text.Field{Name: "by", Value: string(c.By), Max: text.Code},
	)
}

// validate checks a part choice against the policies of parts and sets its Insurer.
func (c *PartChoice) validate(parts PolicyParts) error {
	if c.By != SourceProvider && c.By != SourceInsurer {
		return &apperr.Error{Code: apperr.Invalid, Field: "by",
			Message: "by " + strconv.Quote(string(c.By)) + " is not aanbieder (the provider asks for the part) or verzekeraar (the insurer offers it)",
			Dutch:   "Vul bij 'by' aanbieder in (de zorgaanbieder vraagt het onderdeel aan) of verzekeraar (de verzekeraar biedt het aan)."}
	}
	var (
		insurer string
		ids     []string
		ok      bool
	)
	if parts != nil && c.Policy != "" {
		insurer, ids, ok = parts(c.Policy)
	}
	if !ok {
		return &apperr.Error{Code: apperr.Invalid, Field: "policy",
			Message: "unknown policy " + strconv.Quote(c.Policy),
			Dutch:   "Het beleid " + strconv.Quote(c.Policy) + " bestaat niet."}
	}
	for _, id := range ids {
		if id == c.Part {
			c.Insurer = insurer
			return nil
		}
	}
	return &apperr.Error{Code: apperr.Invalid, Field: "part",
		Message: "policy " + strconv.Quote(c.Policy) + " has no part " + strconv.Quote(c.Part),
		Dutch:   "Het beleid " + strconv.Quote(c.Policy) + " heeft geen onderdeel " + strconv.Quote(c.Part) + "."}
}

// checkText checks the contract's text fields (see package text).
func (c *Contract) checkText() apperr.List {
	fs := []text.Field{{Name: "insurer", Value: c.Insurer, Max: text.Code}, {Name: "policy", Value: c.Policy, Max: text.Code}}
	for j, p := range c.Parts {
		fs = append(fs, text.Field{Name: "parts[" + strconv.Itoa(j) + "]", Value: p, Max: text.Code})
	}
	return text.CheckAll(fs...)
}

// validate checks a contract: a known insurer, a policy (or agreement) named, its parts
// named, and its years within MinContractYear and MaxContractYear, the first not after the
// last. The policy need not be in the library: a contract may date from an agreement the
// platform never held.
func (c *Contract) validate(insurers map[string]bool) apperr.List {
	var errs apperr.List
	bad := func(field, msg, dutch string) {
		errs = append(errs, &apperr.Error{Code: apperr.Invalid, Field: field, Message: msg, Dutch: dutch})
	}
	if !insurers[c.Insurer] {
		bad("insurer", "unknown insurer "+strconv.Quote(c.Insurer), "Onbekende verzekeraar "+strconv.Quote(c.Insurer)+".")
	}
	if c.Policy == "" {
		bad("policy", "policy is required: the policy or agreement the contract was concluded under",
			"Vul het beleid of de overeenkomst in waaronder het contract is gesloten.")
	}
	if len(c.Parts) > maxContractParts {
		bad("parts", "at most "+strconv.Itoa(maxContractParts)+" parts are allowed", "Er zijn te veel onderdelen.")
	}
	for j, p := range c.Parts {
		if p == "" {
			bad("parts["+strconv.Itoa(j)+"]", "a part is empty", "Een onderdeel is leeg.")
		}
	}
	inRange := func(y int) bool { return MinContractYear <= y && y <= MaxContractYear }
	switch {
	case !inRange(c.FirstYear):
		bad("first_year", "first_year "+strconv.Itoa(c.FirstYear)+" is not a year from 2000 to 2100",
			"Het eerste contractjaar "+strconv.Itoa(c.FirstYear)+" ligt niet tussen 2000 en 2100.")
	case !inRange(c.LastYear):
		bad("last_year", "last_year "+strconv.Itoa(c.LastYear)+" is not a year from 2000 to 2100",
			"Het laatste contractjaar "+strconv.Itoa(c.LastYear)+" ligt niet tussen 2000 en 2100.")
	case c.FirstYear > c.LastYear:
		bad("last_year", "last_year "+strconv.Itoa(c.LastYear)+" is before first_year "+strconv.Itoa(c.FirstYear),
			"Het laatste contractjaar ligt voor het eerste.")
	}
	return errs
}
