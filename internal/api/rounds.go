package api

import (
	"net/http"
	"net/url"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/round"
)

// The purchasing round's doors: rounds, their dossiers, deadlines and applications. The
// round service decides who sees and does what; these handlers decode, call and encode.

// handleUser registers a route for logged-in callers: an anonymous caller gets 401 rather
// than the 404 the services give whoever may not see an object.
func (h *Handler) handleUser(pattern string, fn func(http.ResponseWriter, *http.Request) error) {
	h.handle(pattern, func(w http.ResponseWriter, r *http.Request) error {
		if principal(r).IsAnonymous() {
			return identity.LoginRequired("use the purchasing round")
		}
		return fn(w, r)
	})
}

// roundRoutes registers the routes of the purchasing round.
func (h *Handler) roundRoutes() {
	h.handleUser("GET /api/rounds", h.listRounds)
	h.handleUser("POST /api/rounds", h.openRound)
	h.handleUser("GET /api/rounds/{id}", h.getRound)
	h.handleUser("GET /api/rounds/{id}/dossiers", h.roundDossiers)
	h.handleUser("POST /api/rounds/{id}/extensions", h.extendDeadline)
	h.handleUser("POST /api/rounds/{id}/applications", h.apply)
	h.dossierRoutes()
	h.questionnaireRoutes()
	h.documentRoutes()
	h.priceListRoutes()
	h.contractRoutes()
	h.inboxRoutes()
	h.handle("GET /api/clock", h.getClock)
	h.handle("PUT /api/clock", h.setClock)
}

// roundPage reads offset and limit for the round's lists.
func roundPage(q url.Values) (round.Page, error) {
	offset, limit, errs := pageParams(q, round.DefaultPage, round.MaxPage)
	return round.Page{Offset: offset, Limit: limit}, errs.Err()
}

type roundList struct {
	Rounds []round.Round `json:"rounds"`
	Total  int           `json:"total"`
	Offset int           `json:"offset"`
	Limit  int           `json:"limit"`
}

func (h *Handler) listRounds(w http.ResponseWriter, r *http.Request) error {
	page, err := roundPage(r.URL.Query())
	if err != nil {
		return err
	}
	rs, err := h.Rounds.Rounds(r.Context(), principal(r), page)
	if err != nil {
		return err
	}
	out := roundList{Rounds: rs.Items, Total: rs.Total, Offset: rs.Page.Offset, Limit: rs.Page.Limit}
	for i := range out.Rounds {
		out.Rounds[i] = roundJSON(out.Rounds[i])
	}
	return writeJSON(w, http.StatusOK, out)
}

// roundJSON is r with its lists as [] rather than null.
func roundJSON(r round.Round) round.Round {
	r.Dates = nonNil(r.Dates)
	return r
}

type openRoundRequest struct {
	PolicyID string            `json:"policy_id"`
	Year     int               `json:"year"`
	Dates    []round.RoundDate `json:"dates"`
}

func (h *Handler) openRound(w http.ResponseWriter, r *http.Request) error {
	var in openRoundRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	var errs apperr.List
	if in.PolicyID == "" {
		errs = append(errs, apperr.Invalidf("policy_id", "policy_id is required"))
	}
	if in.Year == 0 {
		errs = append(errs, apperr.Invalidf("year", "year is required"))
	}
	if err := errs.Err(); err != nil {
		return err
	}
	rd, err := h.Rounds.OpenRound(r.Context(), principal(r), in.PolicyID, in.Year, in.Dates)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, roundJSON(*rd))
}

// roundView is a round with its timeline and, for the insurer's side and the operator,
// its funnel.
type roundView struct {
	Round    round.Round        `json:"round"`
	Timeline []round.Date       `json:"timeline"`
	Stages   []round.StageCount `json:"stages,omitempty"`
	Ahead    []round.Date       `json:"ahead,omitempty"`
}

func (h *Handler) getRound(w http.ResponseWriter, r *http.Request) error {
	ctx, p, id := r.Context(), principal(r), r.PathValue("id")
	rd, err := h.Rounds.Round(ctx, p, id)
	if err != nil {
		return err
	}
	tl, err := h.Rounds.Timeline(ctx, p, id)
	if err != nil {
		return err
	}
	out := roundView{Round: roundJSON(*rd), Timeline: nonNil(tl)}
	if p.IsOperator() || round.MayReadAsInsurer(p, rd.Insurer) {
		f, err := h.Rounds.Funnel(ctx, p, id)
		if err != nil {
			return err
		}
		out.Stages, out.Ahead = f.Stages, nonNil(f.Ahead)
	}
	return writeJSON(w, http.StatusOK, out)
}

type dossierList struct {
	Dossiers []round.DossierView `json:"dossiers"`
	Total    int                 `json:"total"`
	Offset   int                 `json:"offset"`
	Limit    int                 `json:"limit"`
}

func dossierListOf(p *round.DossierPage) dossierList {
	out := dossierList{Dossiers: nonNil(p.Items), Total: p.Total, Offset: p.Page.Offset, Limit: p.Page.Limit}
	for i := range out.Dossiers {
		out.Dossiers[i] = dossierViewJSON(out.Dossiers[i])
	}
	return out
}

func dossierViewJSON(v round.DossierView) round.DossierView {
	v.Deadlines = nonNil(v.Deadlines)
	v.Dossier = dossierJSON(v.Dossier)
	return v
}

func dossierJSON(d round.Dossier) round.Dossier {
	d.Parts = nonNil(d.Parts)
	return d
}

func (h *Handler) roundDossiers(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	page, err := roundPage(q)
	if err != nil {
		return err
	}
	f := round.DossierFilter{Stage: round.Stage(q.Get("stage")), ProviderID: q.Get("provider_id")}
	if f.Stage != "" && round.StageNames[f.Stage] == "" {
		return apperr.Invalidf("stage", "stage %q is not one of the round's stages", f.Stage)
	}
	dp, err := h.Rounds.Dossiers(r.Context(), principal(r), r.PathValue("id"), f, page)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, dossierListOf(dp))
}

func (h *Handler) extendDeadline(w http.ResponseWriter, r *http.Request) error {
	var in round.ExtensionInput
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := h.Rounds.Extend(r.Context(), principal(r), r.PathValue("id"), in); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type applyResult struct {
	Dossier round.Dossier `json:"dossier"`
	Warning string        `json:"warning,omitempty"`
}

func (h *Handler) apply(w http.ResponseWriter, r *http.Request) error {
	var in round.Application
	if err := decode(r, &in); err != nil {
		return err
	}
	res, err := h.Rounds.Apply(r.Context(), principal(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, applyResult{Dossier: dossierJSON(*res.Dossier), Warning: res.Warning})
}
