package api

import (
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"zorginkoop/internal/apperr"
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
	ID            string        `json:"id"`
	Title         string        `json:"title"`
	Insurer       string        `json:"insurer"`
	InsurerName   string        `json:"insurer_name"`
	Purchaser     string        `json:"purchaser,omitempty"`
	PurchaserName string        `json:"purchaser_name,omitempty"`
	Sector        string        `json:"sector"`
	ContractYears []int         `json:"contract_years"`
	Published     policy.Date   `json:"published,omitzero"` // only where the text gives it, as in the whole policy
	ReferenceDate policy.Date   `json:"reference_date"`
	Requirements  int           `json:"requirements"`
	Status        policy.Status `json:"status"`  // draft or published
	Version       int           `json:"version"` // counts the saves of a draft
}

func (h *Handler) header(c *policy.Compiled) policyHeader {
	return policyHeader{
		ID: c.ID, Title: c.Title, Insurer: c.Insurer, InsurerName: h.Library.InsurerName(c.Insurer),
		Purchaser: c.Purchaser, PurchaserName: h.Library.PurchaserName(c.Purchaser), Sector: c.Sector, ContractYears: nonNil(c.ContractYears),
		Published: c.Published, ReferenceDate: c.ReferenceDate, Requirements: len(c.Requirements),
		Status: c.Status, Version: c.Version,
	}
}

func (h *Handler) listPolicies(w http.ResponseWriter, r *http.Request) error {
	cs, err := h.Policies.Policies(r.Context(), principal(r))
	if err != nil {
		return err
	}
	out := []policyHeader{}
	for _, c := range cs {
		out = append(out, h.header(c))
	}
	return writeJSON(w, http.StatusOK, map[string]any{"policies": out})
}

// policyJSON is the whole policy with display names and its status added.
type policyJSON struct {
	*policy.Policy
	InsurerName   string        `json:"insurer_name"`
	PurchaserName string        `json:"purchaser_name,omitempty"`
	Status        policy.Status `json:"status"`
	Version       int           `json:"version"`
}

func (h *Handler) policyJSON(c *policy.Compiled) policyJSON {
	hd := h.header(c)
	return policyJSON{Policy: policyListsNotNull(c.Policy), InsurerName: hd.InsurerName, PurchaserName: hd.PurchaserName, Status: c.Status, Version: c.Version}
}

// policyListsNotNull is a copy of p whose lists that are always sent are [] rather than null
// when the policy file has none, as openapi.json promises.
func policyListsNotNull(p *policy.Policy) *policy.Policy {
	c := *p
	c.Labels, c.PolicyTypes, c.CareTypes = nonNil(c.Labels), nonNil(c.PolicyTypes), nonNil(c.CareTypes)
	c.ContractYears = nonNil(c.ContractYears)
	c.Requirements = nonNil(c.Requirements)
	c.Timeline = nonNil(c.Timeline)
	c.ContractForms = nonNil(c.ContractForms)
	c.Windows = nonNil(c.Windows)
	return &c
}

func (h *Handler) getPolicy(w http.ResponseWriter, r *http.Request) error {
	c, err := h.Policies.Policy(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, h.policyJSON(c))
}

// draftRequest is the JSON form of an upload; the body may also be the YAML file itself.
type draftRequest struct {
	File string `json:"file"` // the file name, for error messages
	YAML string `json:"yaml"`
}

// saveDraft stores a policy file as a draft: a new one (201) or a new text of the caller's
// own draft with the same id (200). Errors name the line.
func (h *Handler) saveDraft(w http.ResponseWriter, r *http.Request) error {
	file, data, err := readPolicyFile(r)
	if err != nil {
		return err
	}
	c, created, err := h.Policies.SaveDraft(r.Context(), principal(r), file, data)
	if err != nil {
		return err
	}
	st := http.StatusOK
	if created {
		st = http.StatusCreated
		w.Header().Set("Location", "/api/policies/"+url.PathEscape(c.ID))
	}
	return writeJSON(w, st, h.policyJSON(c))
}

// readPolicyFile reads an upload: JSON {"file", "yaml"} when the body is JSON, else the
// body is the YAML file, named by the query parameter file.
func readPolicyFile(r *http.Request) (string, []byte, error) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "application/json" {
		var req draftRequest
		if err := decode(r, &req); err != nil {
			return "", nil, err
		}
		if strings.TrimSpace(req.YAML) == "" {
			return "", nil, apperr.Invalidf("yaml", "the policy file is empty")
		}
		return req.File, []byte(req.YAML), nil
	}
	data, err := io.ReadAll(r.Body) // limited to MaxPolicyBytes by ServeHTTP
	if err != nil {
		return "", nil, err
	}
	return r.URL.Query().Get("file"), data, nil
}

func (h *Handler) publishPolicy(w http.ResponseWriter, r *http.Request) error {
	c, err := h.Policies.Publish(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, h.policyJSON(c))
}
