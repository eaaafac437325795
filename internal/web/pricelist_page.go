package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/httpauth"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/pricelist"
	"zorginkoop/internal/round"
)

// The price list of one part of a dossier: its history of proposals and
// counter-proposals with the changed lines, the forms to propose (the insurer, first),
// counter and accept, and the download and upload as .xlsx. A counter-proposal on a
// version that changed meanwhile is refused by the service with the submitted lines
// (pricelist.Unsaved): the page shows them back in the form, so nothing is lost.

func (h *Handler) priceListRoutes() {
	// {part} is also "<part>.xlsx", the download: a pattern's wildcard is a whole segment.
	h.handleUser("GET /dossiers/{id}/prijslijst/{part}", h.priceListPage)
	h.handleUser("POST /dossiers/{id}/prijslijst/{part}", h.submitPriceList)
	h.handleUser("POST /dossiers/{id}/prijslijst/{part}/akkoord", h.acceptPriceList)
	h.handleUser("POST /dossiers/{id}/prijslijst/{part}/upload", h.uploadPriceList)
}

type priceListView struct {
	Dossier      *round.DossierView
	Policy       *policy.Compiled
	ProviderName string
	Part         string
	PartTitle    string
	List         *pricelist.PriceList
	History      []pricelist.Round // newest first
	Total        int64
	MayPropose   bool
	MayCounter   bool
	MayAccept    bool
	CSRF         string
	Notice       string
	// the form: the lines as text, the note and the version they are based on; after a
	// refusal what the user sent
	Lines    string
	Note     string
	BasedOn  int
	Error    string
	Problems []string
	Conflict *pricelist.Unsaved
}

var priceListNotices = map[string]string{
	"voorstel": "De prijslijst is voorgesteld.", "tegenvoorstel": "Het tegenvoorstel is opgeslagen.",
	"akkoord": "U heeft de prijslijst geaccepteerd.",
}

func (h *Handler) priceListPage(w http.ResponseWriter, r *http.Request) error {
	if part, ok := strings.CutSuffix(r.PathValue("part"), ".xlsx"); ok {
		return h.priceListXLSX(w, r, part)
	}
	return h.renderPriceList(w, r, http.StatusOK, nil)
}

// renderPriceList shows the price list; with form, the user's refused submission.
func (h *Handler) renderPriceList(w http.ResponseWriter, r *http.Request, status int, form *priceListView) error {
	actor := principal(r)
	if actor.IsAnonymous() {
		return identity.LoginRequired("see a purchasing round")
	}
	ctx := r.Context()
	part := r.PathValue("part")
	dv, err := h.Rounds.Dossier(ctx, actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	if dv.Part(part) == nil {
		return &apperr.Error{Code: apperr.NotFound, Message: "the dossier has no part " + part, Dutch: "Dit dossier heeft dit onderdeel niet."}
	}
	c, err := h.Library.Policy(dv.PolicyID)
	if err != nil {
		return err
	}
	v := priceListView{Dossier: dv, Policy: c, ProviderName: h.providerName(r, dv.ProviderID), Part: part, PartTitle: partTitle(c, part),
		CSRF: httpauth.CSRFToken(ctx), Notice: priceListNotices[r.URL.Query().Get("gedaan")]}
	pl, err := h.PriceLists.PriceList(ctx, actor, dv.ID, part)
	switch {
	case apperr.CodeOf(err) == apperr.NotFound:
		pl = nil
	case err != nil:
		return err
	}
	pd := pricelist.Dossier{ID: dv.ID, Insurer: dv.Insurer, ProviderID: dv.ProviderID}
	side, negotiates := pricelist.MayNegotiate(actor, pd)
	if pl == nil {
		v.MayPropose = pricelist.MayPropose(actor, pd) && dv.Stage.Open()
	} else {
		v.List, v.Total, v.BasedOn = pl, pricelist.Total(pl.Lines), pl.Version
		v.Lines = linesText(pl.Lines)
		open := pl.Status != pricelist.Agreed && dv.Stage.Open()
		v.MayCounter = negotiates && open
		v.MayAccept = negotiates && open && pl.By.Side != side
		rs, err := h.PriceLists.Rounds(ctx, actor, dv.ID, part)
		if err != nil {
			return err
		}
		for i := len(rs) - 1; i >= 0; i-- {
			rs[i].Diff = pricelist.Changes(rs[i].Diff)
			v.History = append(v.History, rs[i])
		}
	}
	if form != nil {
		v.Lines, v.Note, v.Error, v.Problems, v.Conflict = form.Lines, form.Note, form.Error, form.Problems, form.Conflict
		if form.Conflict != nil {
			v.BasedOn = form.Conflict.Current
		}
	}
	return h.render(w, status, "pricelist.html", "Prijslijst "+v.PartTitle+" – "+v.ProviderName, v)
}

// priceListRefused shows the page again with err and the user's lines and note.
func (h *Handler) priceListRefused(w http.ResponseWriter, r *http.Request, err error, lines, note string) error {
	status, msg := formError(err)
	if status == 0 {
		return err
	}
	form := &priceListView{Lines: lines, Note: note, Error: orGeneral(msg, err)}
	if u, ok := pricelist.UnsavedOf(err); ok {
		form.Conflict = u
		if !u.Accept {
			form.Lines, form.Note = linesText(u.Lines), u.Note
		}
	} else if es := apperr.Errors(err); len(es) > 1 || len(es) == 1 && es[0].Dutch != msg {
		form.Error, form.Problems = "De prijslijst is niet opgeslagen:", dutchLines(err, msg)
	}
	return h.renderPriceList(w, r, status, form)
}

func priceListDone(w http.ResponseWriter, r *http.Request, what string) error {
	http.Redirect(w, r, "/dossiers/"+url.PathEscape(r.PathValue("id"))+"/prijslijst/"+url.PathEscape(r.PathValue("part"))+"?gedaan="+what,
		http.StatusSeeOther)
	return nil
}

// submitPriceList is the insurer's first proposal (no version) or a counter-proposal on
// the version the form was based on.
func (h *Handler) submitPriceList(w http.ResponseWriter, r *http.Request) error {
	text, note := r.PostFormValue("regels"), r.PostFormValue("toelichting")
	basedOn, _ := strconv.Atoi(r.PostFormValue("versie"))
	id, part := r.PathValue("id"), r.PathValue("part")
	lines, err := parseLines(text)
	what := "voorstel"
	if err == nil {
		if basedOn == 0 {
			err = h.propose(r, pricelist.Proposal{DossierID: id, Part: part, Lines: lines, Note: note})
		} else {
			what = "tegenvoorstel"
			_, err = h.PriceLists.Counter(r.Context(), principal(r), pricelist.Submission{DossierID: id, Part: part, BasedOn: basedOn, Lines: lines, Note: note})
		}
	}
	if err != nil {
		return h.priceListRefused(w, r, err, text, note)
	}
	return priceListDone(w, r, what)
}

// propose makes the insurer's first proposal; for a dossier under a running multi-year
// contract it is the new year's price list, without an offer.
func (h *Handler) propose(r *http.Request, p pricelist.Proposal) error {
	dv, err := h.Rounds.Dossier(r.Context(), principal(r), p.DossierID)
	if err != nil {
		return err
	}
	p.PriceListOnly = dv.Kind == round.KindPriceListOnly
	_, err = h.PriceLists.Propose(r.Context(), principal(r), p)
	return err
}

func (h *Handler) acceptPriceList(w http.ResponseWriter, r *http.Request) error {
	basedOn, _ := strconv.Atoi(r.PostFormValue("versie"))
	if _, err := h.PriceLists.Accept(r.Context(), principal(r), r.PathValue("id"), r.PathValue("part"), basedOn); err != nil {
		return h.priceListRefused(w, r, err, "", "")
	}
	return priceListDone(w, r, "akkoord")
}

// uploadPriceList makes the uploaded workbook a counter-proposal; a malformed sheet is
// refused with every row and column that is wrong, and nothing of it is stored.
func (h *Handler) uploadPriceList(w http.ResponseWriter, r *http.Request) error {
	basedOn, _ := strconv.Atoi(r.PostFormValue("versie"))
	note := r.PostFormValue("toelichting")
	f, _, err := r.FormFile("bestand")
	if err != nil {
		err = &apperr.Error{Code: apperr.Invalid, Field: "bestand", Message: "no file was sent",
			Dutch: "Kies een prijslijst (.xlsx) om te uploaden."}
		if _, rerr := h.PriceLists.PriceList(r.Context(), principal(r), r.PathValue("id"), r.PathValue("part")); rerr != nil {
			return rerr // no party, no prices for this role, no list: not a form error
		}
		return h.priceListRefused(w, r, err, "", note)
	}
	defer f.Close()
	if _, err := h.PriceLists.CounterUpload(r.Context(), principal(r), r.PathValue("id"), r.PathValue("part"), basedOn, f, note); err != nil {
		return h.priceListRefused(w, r, err, "", note)
	}
	return priceListDone(w, r, "tegenvoorstel")
}

// priceListXLSX downloads a version of the price list (?versie=, the latest without).
func (h *Handler) priceListXLSX(w http.ResponseWriter, r *http.Request, part string) error {
	actor := principal(r)
	id := r.PathValue("id")
	version, _ := strconv.Atoi(r.URL.Query().Get("versie"))
	if version == 0 {
		pl, err := h.PriceLists.PriceList(r.Context(), actor, id, part)
		if err != nil {
			return err
		}
		version = pl.Version
	}
	var buf bytes.Buffer
	if err := h.PriceLists.Export(r.Context(), actor, id, part, version, &buf); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", pricelist.ExportName(id, part, version)))
	_, err := w.Write(buf.Bytes())
	return err
}
