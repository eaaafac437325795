package api

import (
	"net/http"

	"zorginkoop/internal/policy"
)

type insurerJSON struct {
	policy.Insurer
	PurchasingParties []policy.PurchasingParty `json:"purchasing_parties"` // parties that buy for this insurer
}

type insurersJSON struct {
	Insurers          []insurerJSON            `json:"insurers"`
	PurchasingParties []policy.PurchasingParty `json:"purchasing_parties"`
}

func (h *Handler) listInsurers(w http.ResponseWriter, r *http.Request) error {
	reg := h.Library.Registry
	out := insurersJSON{Insurers: []insurerJSON{}, PurchasingParties: reg.PurchasingParties}
	for _, ins := range reg.Insurers {
		ij := insurerJSON{Insurer: ins, PurchasingParties: []policy.PurchasingParty{}}
		for _, pp := range reg.PurchasingParties {
			for _, id := range pp.BuysFor {
				if id == ins.ID {
					ij.PurchasingParties = append(ij.PurchasingParties, pp)
				}
			}
		}
		out.Insurers = append(out.Insurers, ij)
	}
	return writeJSON(w, http.StatusOK, out)
}

// policyHeader is a policy in a listing.
type policyHeader struct {
	ID            string      `json:"id"`
	Title         string      `json:"title"`
	Insurer       string      `json:"insurer"`
	InsurerName   string      `json:"insurer_name"`
	Purchaser     string      `json:"purchaser,omitempty"`
	PurchaserName string      `json:"purchaser_name,omitempty"`
	Sector        string      `json:"sector"`
	ContractYears []int       `json:"contract_years"`
	Published     policy.Date `json:"published"`
	ReferenceDate policy.Date `json:"reference_date"`
	Requirements  int         `json:"requirements"`
}

func (h *Handler) header(c *policy.Compiled) policyHeader {
	ph := policyHeader{
		ID: c.ID, Title: c.Title, Insurer: c.Insurer, InsurerName: h.Library.InsurerName(c.Insurer),
		Purchaser: c.Purchaser, Sector: c.Sector, ContractYears: c.ContractYears,
		Published: c.Published, ReferenceDate: c.ReferenceDate, Requirements: len(c.Requirements),
	}
	if pp, ok := h.Library.Registry.PurchasingParty(c.Purchaser); ok {
		ph.PurchaserName = pp.Name
	}
	return ph
}

func (h *Handler) listPolicies(w http.ResponseWriter, r *http.Request) error {
	out := []policyHeader{}
	for _, c := range h.Library.Policies() {
		out = append(out, h.header(c))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"policies": out})
}

// policyJSON is the whole policy with display names added.
type policyJSON struct {
	*policy.Policy
	InsurerName   string `json:"insurer_name"`
	PurchaserName string `json:"purchaser_name,omitempty"`
}

func (h *Handler) getPolicy(w http.ResponseWriter, r *http.Request) error {
	c, err := h.Library.Policy(r.PathValue("id"))
	if err != nil {
		return err
	}
	hd := h.header(c)
	return writeJSON(w, http.StatusOK, policyJSON{Policy: c.Policy, InsurerName: hd.InsurerName, PurchaserName: hd.PurchaserName})
}
