package api

import (
	"net/http"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/provider"
)

const (
	defaultLimit = 50
	maxLimit     = 500
)

type providerPage struct {
	Providers []provider.Provider `json:"providers"`
	Total     int                 `json:"total"`
	Offset    int                 `json:"offset"`
	Limit     int                 `json:"limit"`
}

func (h *Handler) listProviders(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := provider.Filter{CareType: q.Get("care_type"), Query: q.Get("q")}
	var errs apperr.List
	f.Offset, f.Limit, errs = pageParams(q, defaultLimit, maxLimit)
	if f.CareType != "" {
		if _, ok := h.Library.Registry.CareType(f.CareType); !ok {
			errs = append(errs, apperr.Invalidf("care_type", "unknown care type %q", f.CareType))
		}
	}
	if err := errs.Err(); err != nil {
		return err
	}
	ps, total, err := h.Providers.List(r.Context(), principal(r), f)
	if err != nil {
		return err
	}
	if ps == nil {
		ps = []provider.Provider{}
	}
	return writeJSON(w, http.StatusOK, providerPage{Providers: ps, Total: total, Offset: f.Offset, Limit: f.Limit})
}

func (h *Handler) getProvider(w http.ResponseWriter, r *http.Request) error {
	p, err := h.Providers.Provider(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	// Values go out in the notation the import takes (money in euros), so that a provider
	// read here can be sent back unchanged.
	return writeJSON(w, http.StatusOK, provider.FileForm(h.Library.Facts, []provider.Provider{*p})[0])
}

type importRequest struct {
	Providers []provider.Provider `json:"providers"`
}

type importResponse struct {
	Imported int      `json:"imported"`
	IDs      []string `json:"ids"`
}

// importProviders stores the providers of the body, all or nothing.
func (h *Handler) importProviders(w http.ResponseWriter, r *http.Request) error {
	var req importRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if len(req.Providers) == 0 {
		return apperr.Invalidf("providers", "at least one provider is required")
	}
	if err := h.Providers.AuthorizeImport(r.Context(), principal(r), req.Providers); err != nil {
		return err
	}
	if err := h.Providers.Normalize(req.Providers, nil); err != nil {
		return err
	}
	if err := h.Providers.Import(r.Context(), principal(r), req.Providers, nil, nil); err != nil {
		return err
	}
	out := importResponse{Imported: len(req.Providers)}
	for _, p := range req.Providers {
		out.IDs = append(out.IDs, p.ID)
	}
	return writeJSON(w, http.StatusCreated, out)
}
