package api

import (
	"net/http"

	"zorginkoop/internal/round"
)

// A dossier is one provider's file in one round: the provider's list of them, one
// dossier, and the insurer's decision, offer and the provider's quote.

func (h *Handler) dossierRoutes() {
	h.handleUser("GET /api/dossiers", h.providerDossiers)
	h.handleUser("GET /api/dossiers/{id}", h.getDossier)
	h.handleUser("POST /api/dossiers/{id}/decisions", h.decide)
	h.handleUser("POST /api/dossiers/{id}/offer", h.offer)
	h.handleUser("POST /api/dossiers/{id}/quote", h.quote)
}

func (h *Handler) providerDossiers(w http.ResponseWriter, r *http.Request) error {
	page, err := roundPage(r.URL.Query())
	if err != nil {
		return err
	}
	dp, err := h.Rounds.ProviderDossiers(r.Context(), principal(r), page)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, dossierListOf(dp))
}

func (h *Handler) getDossier(w http.ResponseWriter, r *http.Request) error {
	v, err := h.Rounds.Dossier(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, dossierViewJSON(*v))
}

func (h *Handler) decide(w http.ResponseWriter, r *http.Request) error {
	var in round.DecisionInput
	if err := decode(r, &in); err != nil {
		return err
	}
	d, err := h.Rounds.Decide(r.Context(), principal(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, dossierJSON(*d))
}

type offerRequest struct {
	Parts []string `json:"parts"`
}

func (h *Handler) offer(w http.ResponseWriter, r *http.Request) error {
	var in offerRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	d, err := h.Rounds.Offer(r.Context(), principal(r), r.PathValue("id"), in.Parts)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, dossierJSON(*d))
}

func (h *Handler) quote(w http.ResponseWriter, r *http.Request) error {
	var in round.QuoteInput
	if err := decode(r, &in); err != nil {
		return err
	}
	d, warning, err := h.Rounds.SubmitQuote(r.Context(), principal(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, applyResult{Dossier: dossierJSON(*d), Warning: warning})
}
