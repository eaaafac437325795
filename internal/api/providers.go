package api

import (
	"bytes"
	"io"
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
	if err := errs.Err(); err != nil {
		return err
	}
	ps, total, err := h.Providers.List(r.Context(), principal(r), f)
	if err != nil {
		return err
	}
	// Values in the notation the import takes (money in euros), as GET /api/providers/{id}.
	ps = nonNil(provider.FileForm(h.Library.Facts, ps))
	for i := range ps {
		ps[i] = listsNotNull(ps[i])
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
	return writeJSON(w, http.StatusOK, listsNotNull(provider.FileForm(h.Library.Facts, []provider.Provider{*p})[0]))
}

// listsNotNull is p with the lists that are always sent as [] rather than null when the
// record has none (a provider without locations), as openapi.json promises.
func listsNotNull(p provider.Provider) provider.Provider {
	p.AGBCodes, p.CareTypes, p.Locations = nonNil(p.AGBCodes), nonNil(p.CareTypes), nonNil(p.Locations)
	return p
}

type importResponse struct {
	Imported int      `json:"imported"`
	IDs      []string `json:"ids"`
}

// importProviders stores the providers of the body, all or nothing. The body is a provider
// file in JSON (docs/providers-format.md), read by the same parser as the command line, so
// that fact values may be JSON texts, numbers or true/false as there.
func (h *Handler) importProviders(w http.ResponseWriter, r *http.Request) error {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return decodeError(err)
	}
	ps, _, err := provider.ParseJSON(bytes.NewReader(body))
	if err != nil {
		return malformedList(err)
	}
	if len(ps) == 0 {
		return apperr.Invalidf("providers", "at least one provider is required")
	}
	if err := h.Providers.AuthorizeImport(r.Context(), principal(r), ps); err != nil {
		return err
	}
	if err := h.Providers.Normalize(ps, nil); err != nil {
		return err
	}
	if err := h.Providers.Import(r.Context(), principal(r), ps, nil, nil); err != nil {
		return err
	}
	out := importResponse{Imported: len(ps)}
	for _, p := range ps {
		out.IDs = append(out.IDs, p.ID)
	}
	return writeJSON(w, http.StatusCreated, out)
}

// malformedList marks the errors of a body that does not have the shape of a provider
// file as malformed (400), keeping their fields and lines.
func malformedList(err error) error {
	errs := apperr.Errors(err)
	if errs == nil {
		return err
	}
	out := make(apperr.List, len(errs))
	for i, e := range errs {
		c := *e
		c.Err = errMalformed
		out[i] = &c
	}
	return out
}
