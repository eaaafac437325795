package provider

// PartChoice says that a part of a policy's contract (a module, a prestatie, selectively
// purchased care) is asked for by the provider or offered to it by the insurer. A policy
// judges a part's conditions only for providers that asked for it or were offered it.
type PartChoice struct {
	Policy string `json:"policy"` // the policy id
	Part   string `json:"part"`   // the part id within the policy
	By     Source `json:"by"`     // aanbieder: the provider asks for it; verzekeraar: the insurer offers it
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
