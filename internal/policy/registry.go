package policy

// Registry lists the insurers, purchasing parties and care types policies refer to.
type Registry struct {
	Insurers          []Insurer         `yaml:"insurers" json:"insurers"`
	PurchasingParties []PurchasingParty `yaml:"purchasing_parties" json:"purchasing_parties"`
	CareTypes         []CareType        `yaml:"care_types" json:"care_types"`
}

// Insurer is a health insurer (zorgverzekeraar) with its labels.
type Insurer struct {
	ID          string   `yaml:"id" json:"id"`
	Name        string   `yaml:"name" json:"name"`
	Labels      []Label  `yaml:"labels" json:"labels"`
	PolicyTypes []string `yaml:"policy_types" json:"policy_types"`
}

// Label is a brand under which an insurer sells policies.
type Label struct {
	ID   string `yaml:"id" json:"id"`
	Name string `yaml:"name" json:"name"`
}

// PurchasingParty buys care on behalf of insurers (inkooporganisatie).
type PurchasingParty struct {
	ID      string   `yaml:"id" json:"id"`
	Name    string   `yaml:"name" json:"name"`
	BuysFor []string `yaml:"buys_for" json:"buys_for"`
}

// CareType is a kind of provider (zorgsoort).
type CareType struct {
	ID     string `yaml:"id" json:"id"`
	Name   string `yaml:"name" json:"name"`
	Sector string `yaml:"sector" json:"sector"`
}

// PolicyTypes are the insurance product types a label can sell.
var PolicyTypes = map[string]string{
	"natura":        "naturapolis",
	"restitutie":    "restitutiepolis",
	"combinatie":    "combinatiepolis",
	"natura-select": "natura-selectpolis",
}

// Insurer returns the insurer with id.
func (r *Registry) Insurer(id string) (*Insurer, bool) {
	for i := range r.Insurers {
		if r.Insurers[i].ID == id {
			return &r.Insurers[i], true
		}
	}
	return nil, false
}

// PurchasingParty returns the purchasing party with id.
func (r *Registry) PurchasingParty(id string) (*PurchasingParty, bool) {
	for i := range r.PurchasingParties {
		if r.PurchasingParties[i].ID == id {
			return &r.PurchasingParties[i], true
		}
	}
	return nil, false
}

// CareType returns the care type with id.
func (r *Registry) CareType(id string) (*CareType, bool) {
	for i := range r.CareTypes {
		if r.CareTypes[i].ID == id {
			return &r.CareTypes[i], true
		}
	}
	return nil, false
}

// CareTypeSet is the set of care type ids, for validation.
func (r *Registry) CareTypeSet() map[string]bool {
	m := make(map[string]bool, len(r.CareTypes))
	for _, c := range r.CareTypes {
		m[c.ID] = true
	}
	return m
}

// InsurerSet is the set of insurer ids, for validation.
func (r *Registry) InsurerSet() map[string]bool {
	m := make(map[string]bool, len(r.Insurers))
	for _, c := range r.Insurers {
		m[c.ID] = true
	}
	return m
}
