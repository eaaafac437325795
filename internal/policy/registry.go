package policy

import (
	"fmt"

	"zorginkoop/internal/apperr"
)

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
	// IDPrefixes are the prefixes of the ids of the insurer's policies besides its own id
	// (see Registry.PolicyIDOwner): "cz" for CZ groep's "cz-msz-2024".
	IDPrefixes []string `yaml:"id_prefixes" json:"id_prefixes,omitempty"`
}

// Prefixes are the insurer's id and its IDPrefixes, each followed by "-": what the ids
// of its policies start with.
func (i *Insurer) Prefixes() []string {
	out := []string{i.ID + "-"}
	for _, p := range i.IDPrefixes {
		out = append(out, p+"-")
	}
	return out
}

// Label is a brand under which an insurer sells policies.
type Label struct {
	ID   string `yaml:"id" json:"id"`
	Name string `yaml:"name" json:"name"`
	// UZOVI is the label's 4-digit UZOVI number, the insurer code a claim file is
	// addressed with.
	UZOVI string `yaml:"uzovi" json:"uzovi,omitempty"`
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

// PolicyIDOwner returns the insurer whose policies id may name: the one with the longest
// prefix (see Insurer.Prefixes) that id starts with. Policy ids are namespaced per insurer
// so that one insurer's side cannot take, nor find out about, an id of another's.
func (r *Registry) PolicyIDOwner(id string) (*Insurer, bool) {
	var owner *Insurer
	longest := 0
	for i := range r.Insurers {
		for _, p := range r.Insurers[i].Prefixes() {
			if len(p) > longest && len(id) > len(p) && id[:len(p)] == p {
				owner, longest = &r.Insurers[i], len(p)
			}
		}
	}
	return owner, owner != nil
}

// checkPrefixes refuses a registry in which two insurers share an id prefix: an id would
// belong to both.
func (r *Registry) checkPrefixes() error {
	seen := map[string]string{}
	var errs apperr.List
	for _, ins := range r.Insurers {
		for _, p := range ins.Prefixes() {
			if other, ok := seen[p]; ok && other != ins.ID {
				errs = append(errs, &apperr.Error{Code: apperr.Invalid, File: "registry.yaml", Field: "id_prefixes",
					Message: fmt.Sprintf("insurers %s and %s both claim policy ids starting with %q", other, ins.ID, p)})
			}
			seen[p] = ins.ID
		}
	}
	return errs.Err()
}
