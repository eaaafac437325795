package api

import (
	"net/http"
	"strconv"

	"zorginkoop/internal/apperr"
	contracts "zorginkoop/internal/contract"
)

// Contracts: generated from the agreed dossier as PDF and xlsx, signed by the provider's
// tekenbevoegde and then the insurer's contractbeheerder with the PDF's SHA-256, and
// published (without prices) on the policy's publication date.

func (h *Handler) contractRoutes() {
	h.handleUser("POST /api/dossiers/{id}/contract", h.generateContract)
	h.handleUser("GET /api/dossiers/{id}/contract", h.dossierContract)
	h.handleUser("GET /api/contracts/{id}/pdf", h.contractDocument(contracts.FormatPDF))
	h.handleUser("GET /api/contracts/{id}/xlsx", h.contractDocument(contracts.FormatXLSX))
	h.handleUser("POST /api/contracts/{id}/signatures", h.signContract)
	h.handle("GET /api/published-contracts", h.publishedContracts)
}

// contractJSON is c with its lists as [] rather than null.
func contractJSON(c *contracts.Contract) *contracts.Contract {
	out := *c
	out.Signatures = nonNil(out.Signatures)
	ct := &out.Content
	ct.Years, ct.Terms, ct.Parts = nonNil(ct.Years), nonNil(ct.Terms), nonNil(ct.Parts)
	for i := range ct.Parts {
		ct.Parts[i].Lines = nonNil(ct.Parts[i].Lines)
	}
	ct.Insurer.AGB, ct.Provider.AGB = nonNil(ct.Insurer.AGB), nonNil(ct.Provider.AGB)
	return &out
}

func (h *Handler) generateContract(w http.ResponseWriter, r *http.Request) error {
	c, err := h.Contracts.Generate(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, contractJSON(c))
}

func (h *Handler) dossierContract(w http.ResponseWriter, r *http.Request) error {
	c, err := h.Contracts.ContractForDossier(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, contractJSON(c))
}

func (h *Handler) contractDocument(format string) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		d, err := h.Contracts.Document(r.Context(), principal(r), r.PathValue("id"), format)
		if err != nil {
			return err
		}
		attachment(w, d.ContentType, d.Name, int64(len(d.Bytes)))
		if d.SHA256 != "" {
			w.Header().Set("X-Content-SHA256", d.SHA256)
		}
		_, err = d.WriteTo(w)
		return err
	}
}

type signRequest struct {
	SHA256 string `json:"sha256"`
}

func (h *Handler) signContract(w http.ResponseWriter, r *http.Request) error {
	var in signRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.SHA256 == "" {
		return apperr.Invalidf("sha256", "sha256 is required: the SHA-256 of the contract's PDF you sign")
	}
	c, err := h.Contracts.Sign(r.Context(), principal(r), r.PathValue("id"), in.SHA256)
	if err != nil {
		return renameFields(err, func(f string) string { // the name in this request
			return map[string]string{"document_sha256": "sha256"}[f]
		})
	}
	return writeJSON(w, http.StatusCreated, contractJSON(c))
}

type publishedList struct {
	Contracts []contracts.PublishedContract `json:"contracts"`
	Total     int                           `json:"total"`
	Offset    int                           `json:"offset"`
	Limit     int                           `json:"limit"`
}

// publishedContracts is public: who is contracted by whom, for which parts and years,
// never prices.
func (h *Handler) publishedContracts(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	offset, limit, errs := pageParams(q, contracts.DefaultPage, contracts.MaxPage)
	f := contracts.PublishedFilter{Insurer: q.Get("insurer"), PolicyID: q.Get("policy_id"), ProviderID: q.Get("provider_id")}
	if v := q.Get("year"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1900 || n > 9999 {
			errs = append(errs, apperr.Invalidf("year", "year %q must be a year like 2026", v))
		}
		f.Year = n
	}
	if err := errs.Err(); err != nil {
		return err
	}
	cs, total, err := h.Contracts.PublishedContracts(r.Context(), f, contracts.Page{Offset: offset, Limit: limit})
	if err != nil {
		return err
	}
	out := publishedList{Contracts: nonNil(cs), Total: total, Offset: offset, Limit: limit}
	for i := range out.Contracts {
		c := &out.Contracts[i]
		c.Labels, c.PolicyTypes, c.Parts, c.Locations, c.Years = nonNil(c.Labels), nonNil(c.PolicyTypes), nonNil(c.Parts),
			nonNil(c.Locations), nonNil(c.Years)
	}
	return writeJSON(w, http.StatusOK, out)
}
