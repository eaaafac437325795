package web

import (
	"net/http"
	"net/url"
	"strings"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/contract"
	"zorginkoop/internal/document"
	"zorginkoop/internal/httpauth"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/pricelist"
	"zorginkoop/internal/questionnaire"
	"zorginkoop/internal/round"
)

// The dossier of one provider in one round, for both parties: its stage, deadlines and
// next action, per part what was asked and offered, the outcome of the questionnaire with
// its explanations, the medisch adviseur's review items, the inkoper's decisions and
// offer, the provider's quote, the price lists, the contract and the documents. Each form
// posts to its own route; a refused one shows the page again with the Dutch reason.

func (h *Handler) dossierRoutes() {
	h.handleUser("GET /dossiers/{id}", h.dossierPage)
	h.handleUser("POST /dossiers/{id}/beoordeling/{requirementID}", h.reviewItem)
	h.handleUser("POST /dossiers/{id}/besluit", h.decidePart)
	h.handleUser("POST /dossiers/{id}/aanbod", h.sendOffer)
	h.handleUser("POST /dossiers/{id}/offerte", h.submitQuote)
	h.priceListRoutes()
	h.contractRoutes()
}

// dossierPart is the base contract or a part of the dossier with all the page shows of it.
type dossierPart struct {
	round.DossierPart
	Title     string
	Base      bool
	Outcome   *questionnaire.PartOutcome
	PriceList *pricelist.PriceList
	Accepted  bool
}

type dossierView struct {
	*round.DossierView
	Policy       *policy.Compiled
	ProviderName string
	StageName    string
	Parts        []dossierPart
	Submitted    bool
	Reviews      []questionnaire.ReviewItem
	MayReview    bool
	MayDecide    bool
	MayOffer     bool
	QuoteStep    *round.Deadline // the round's quote step, when it has one
	MayQuote     bool
	MayPrices    bool
	Contract     *contract.Contract
	Documents    *document.List
	CSRF         string
	Error        string
	ErrorAt      string // the form the error belongs to: "beoordeling-<req>", "besluit-<part>", "aanbod", "offerte"
	Notice       string
	Form         url.Values
	Verdicts     map[questionnaire.Verdict]string
}

func (h *Handler) dossierPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderDossier(w, r, http.StatusOK, "", "", nil)
}

// dossierNotices are the confirmations after a form, by the query's "gedaan".
var dossierNotices = map[string]string{
	"beoordeling": "De beoordeling is vastgelegd.", "besluit": "Het besluit is vastgelegd.",
	"aanbod": "Het contractaanbod is verstuurd.", "offerte": "De offerte is ingediend.",
	"offerte-laat": "De offerte is ingediend, na de (zachte) datum voor offerte indienen.",
}

func (h *Handler) renderDossier(w http.ResponseWriter, r *http.Request, status int, at, msg string, form url.Values) error {
	actor := principal(r)
	if actor.IsAnonymous() {
		return identity.LoginRequired("see a purchasing round")
	}
	ctx := r.Context()
	dv, err := h.Rounds.Dossier(ctx, actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	c, err := h.Library.Policy(dv.PolicyID)
	if err != nil {
		return err
	}
	v := dossierView{DossierView: dv, Policy: c, ProviderName: h.providerName(r, dv.ProviderID), StageName: round.StageNames[dv.Stage],
		CSRF: httpauth.CSRFToken(ctx), Error: msg, ErrorAt: at, Form: form, Notice: dossierNotices[r.URL.Query().Get("gedaan")],
		Verdicts: questionnaire.VerdictNames}
	qd := questionnaire.Dossier{ID: dv.ID, PolicyID: dv.PolicyID, Year: dv.Year, Insurer: dv.Insurer, ProviderID: dv.ProviderID}
	pd := pricelist.Dossier{ID: dv.ID, Insurer: dv.Insurer, ProviderID: dv.ProviderID}
	res, err := h.Questionnaires.Result(ctx, actor, dv.ID)
	if err != nil && apperr.CodeOf(err) != apperr.NotFound {
		return err
	}
	v.Submitted = res != nil
	if questionnaire.MayReadReviews(actor, qd) {
		if v.Reviews, err = h.Questionnaires.ReviewItems(ctx, actor, dv.ID); err != nil {
			return err
		}
		v.MayReview = questionnaire.MayHandleReview(actor, qd)
	}
	var lists []pricelist.PriceList
	if v.MayPrices = pricelist.MayRead(actor, pd); v.MayPrices {
		if lists, err = h.PriceLists.PriceLists(ctx, actor, dv.ID); err != nil {
			return err
		}
	}
	v.Parts = dossierParts(c, &dv.Dossier, res, lists)
	run := round.MayRunRound(actor, dv.Insurer)
	v.MayDecide = run && dv.Stage == round.Assessed
	v.MayOffer = v.MayDecide && len(dv.AcceptedParts()) > 0
	for i := range dv.Deadlines {
		if dv.Deadlines[i].Step == policy.StepQuote {
			v.QuoteStep = &dv.Deadlines[i]
		}
	}
	v.MayQuote = v.QuoteStep != nil && round.MayApply(actor, dv.ProviderID) &&
		(dv.Stage == round.Assessed || dv.Stage == round.Offered || dv.Stage == round.Negotiating)
	// The contract block shows to those who may read its tariffs (contract.mayReadTerms).
	if v.Contract, err = h.Contracts.ContractForDossier(ctx, actor, dv.ID); err != nil {
		if code := apperr.CodeOf(err); code != apperr.NotFound && code != apperr.Forbidden {
			return err
		}
		v.Contract = nil
	}
	if !v.formShown(at) {
		v.ErrorAt = "" // the error shows at the top of the page
	}
	if docs, err := h.Documents.List(ctx, actor, dv.ID, document.Page{Limit: 50}); err == nil {
		v.Documents = &docs
	} else if code := apperr.CodeOf(err); code != apperr.NotFound && code != apperr.Forbidden {
		return err
	}
	return h.render(w, status, "dossier.html", "Dossier "+v.ProviderName+" – "+c.Title, v)
}

// formShown reports whether the page shows the form at, beside which its error belongs.
func (v *dossierView) formShown(at string) bool {
	switch {
	case strings.HasPrefix(at, "beoordeling-"):
		return v.MayReview
	case strings.HasPrefix(at, "besluit-"):
		return v.MayDecide
	case at == "aanbod":
		return v.MayOffer
	case at == "offerte":
		return v.MayQuote
	}
	return false
}

// dossierParts are the parts of the dossier in its order, each with its title, outcome and
// price list.
func dossierParts(c *policy.Compiled, d *round.Dossier, res *questionnaire.Outcome, lists []pricelist.PriceList) []dossierPart {
	out := make([]dossierPart, 0, len(d.Parts))
	for _, p := range d.Parts {
		dp := dossierPart{DossierPart: p, Title: partTitle(c, p.Part), Base: p.Part == c.Base.ID,
			Accepted: p.Decision != nil && p.Decision.Outcome == round.Accepted}
		if res != nil {
			for i := range res.Parts {
				if res.Parts[i].Part == p.Part {
					dp.Outcome = &res.Parts[i]
				}
			}
		}
		for i := range lists {
			if lists[i].Part == p.Part {
				dp.PriceList = &lists[i]
			}
		}
		out = append(out, dp)
	}
	return out
}

// partTitle is the title of the base contract or a part of c.
func partTitle(c *policy.Compiled, id string) string {
	if id == c.Base.ID {
		return c.Base.Title
	}
	if pt, _, ok := c.Part(id); ok {
		return pt.Title
	}
	return id
}

// dossierDone goes back to the dossier with a confirmation.
func dossierDone(w http.ResponseWriter, r *http.Request, what string) error {
	http.Redirect(w, r, "/dossiers/"+url.PathEscape(r.PathValue("id"))+"?gedaan="+what, http.StatusSeeOther)
	return nil
}

// dossierRefused shows the dossier again with the Dutch reason err was refused for beside
// the form at; a missing dossier or an internal error goes to the error page.
func (h *Handler) dossierRefused(w http.ResponseWriter, r *http.Request, at string, err error) error {
	status, msg := formError(err)
	if status == 0 {
		return err
	}
	return h.renderDossier(w, r, status, at, strings.Join(dutchLines(err, msg), " "), r.PostForm)
}

// dutchLines are the Dutch words of every problem of err (its English message when it has
// none), or own when err lists none.
func dutchLines(err error, own string) []string {
	var out []string
	for _, e := range apperr.Errors(err) {
		if e.Dutch != "" {
			out = append(out, e.Dutch)
		} else if e.Message != "" {
			out = append(out, e.Message)
		}
	}
	if len(out) == 0 {
		out = append(out, orGeneral(own, err))
	}
	return out
}

func (h *Handler) reviewItem(w http.ResponseWriter, r *http.Request) error {
	req := r.PathValue("requirementID")
	_, err := h.Questionnaires.HandleReview(r.Context(), principal(r), r.PathValue("id"), req,
		questionnaire.Verdict(r.PostFormValue("oordeel")), r.PostFormValue("reden"))
	if err != nil {
		return h.dossierRefused(w, r, "beoordeling-"+req, err)
	}
	return dossierDone(w, r, "beoordeling")
}

// decidePart records the inkoper's decision on one part: toekennen, afwijzen, or afwijzen
// om moverende redenen.
func (h *Handler) decidePart(w http.ResponseWriter, r *http.Request) error {
	part := r.PostFormValue("onderdeel")
	in := round.DecisionInput{Part: part, Reason: r.PostFormValue("reden")}
	switch r.PostFormValue("besluit") {
	case "toekennen":
		in.Outcome = round.Accepted
	case "afwijzen":
		in.Outcome = round.RefusedIt
	case "moverende-redenen":
		in.Outcome, in.Discretionary = round.RefusedIt, true
	}
	if _, err := h.Rounds.Decide(r.Context(), principal(r), r.PathValue("id"), in); err != nil {
		return h.dossierRefused(w, r, "besluit-"+part, err)
	}
	return dossierDone(w, r, "besluit")
}

func (h *Handler) sendOffer(w http.ResponseWriter, r *http.Request) error {
	if _, err := h.Rounds.Offer(r.Context(), principal(r), r.PathValue("id"), r.PostForm["onderdeel"]); err != nil {
		return h.dossierRefused(w, r, "aanbod", err)
	}
	return dossierDone(w, r, "aanbod")
}

func (h *Handler) submitQuote(w http.ResponseWriter, r *http.Request) error {
	_, warning, err := h.Rounds.SubmitQuote(r.Context(), principal(r), r.PathValue("id"), round.QuoteInput{Text: r.PostFormValue("tekst")})
	if err != nil {
		return h.dossierRefused(w, r, "offerte", err)
	}
	if warning != "" {
		return dossierDone(w, r, "offerte-laat") // taken after a soft date
	}
	return dossierDone(w, r, "offerte")
}
