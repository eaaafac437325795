package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/contract"
	"zorginkoop/internal/httpauth"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/round"
)

// The contract of a dossier: the inkoper or contractbeheerder generates it once the price
// lists are agreed; both parties see its parts, totals and SHA-256 and download it as PDF
// and xlsx; the provider's tekenbevoegde signs first, then the insurer's
// contractbeheerder, each posting the SHA-256 of the document the page showed.

func (h *Handler) contractRoutes() {
	h.handleUser("GET /dossiers/{id}/contract", h.contractPage)
	h.handleUser("POST /dossiers/{id}/contract", h.generateContract)
	// {file} is "<id>.pdf" or "<id>.xlsx": a pattern's wildcard is a whole segment.
	h.handleUser("GET /contracten/{file}", h.contractDocument)
	h.handleUser("POST /contracten/{id}/ondertekenen", h.signContract)
}

type contractView struct {
	Dossier      *round.DossierView
	Policy       *policy.Compiled
	ProviderName string
	Contract     *contract.Contract
	Signing      *round.Deadline
	MayGenerate  bool
	MaySign      bool
	SignSide     contract.Side
	CSRF         string
	Notice       string
	Error        string
}

var contractNotices = map[string]string{"opgesteld": "Het contract is opgesteld.", "ondertekend": "U heeft het contract ondertekend."}

func (h *Handler) contractPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderContract(w, r, http.StatusOK, r.PathValue("id"), "")
}

func (h *Handler) renderContract(w http.ResponseWriter, r *http.Request, status int, dossierID, msg string) error {
	actor := principal(r)
	if actor.IsAnonymous() {
		return identity.LoginRequired("see a purchasing round")
	}
	ctx := r.Context()
	dv, err := h.Rounds.Dossier(ctx, actor, dossierID)
	if err != nil {
		return err
	}
	c, err := h.Library.Policy(dv.PolicyID)
	if err != nil {
		return err
	}
	v := contractView{Dossier: dv, Policy: c, ProviderName: h.providerName(r, dv.ProviderID), CSRF: httpauth.CSRFToken(ctx),
		Notice: contractNotices[r.URL.Query().Get("gedaan")], Error: msg}
	if v.Contract, err = h.Contracts.ContractForDossier(ctx, actor, dv.ID); err != nil && apperr.CodeOf(err) != apperr.NotFound {
		return err
	}
	for i := range dv.Deadlines {
		if dv.Deadlines[i].Step == policy.StepSigning {
			v.Signing = &dv.Deadlines[i]
		}
	}
	generator := actor.ActsForInsurer(dv.Insurer) && actor.Has(identity.RoleBuyer, identity.RoleContractManager)
	v.MayGenerate = generator && dv.Stage == round.Agreed && (v.Contract == nil || len(v.Contract.Signatures) == 0)
	if v.Contract != nil {
		v.SignSide, v.MaySign = signer(actor, v.Contract)
	}
	return h.render(w, status, "contract.html", "Contract "+v.ProviderName+" – "+c.Title, v)
}

// signer is the side actor signs for and whether it is its turn: the provider's
// tekenbevoegde first, then the insurer's contractbeheerder. The service decides; this
// only shows the form to who can use it.
func signer(actor identity.Principal, c *contract.Contract) (contract.Side, bool) {
	if c.Status == contract.Published || c.Status == contract.Signed {
		return "", false
	}
	_, provider := c.Signature(contract.ProviderSide)
	switch {
	case actor.ActsForProvider(c.ProviderID) && actor.Has(identity.RoleSignatory):
		return contract.ProviderSide, !provider
	case actor.ActsForInsurer(c.Insurer) && actor.Has(identity.RoleContractManager):
		_, insurer := c.Signature(contract.InsurerSide)
		return contract.InsurerSide, provider && !insurer
	}
	return "", false
}

func (h *Handler) generateContract(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if _, err := h.Contracts.Generate(r.Context(), principal(r), id); err != nil {
		return h.contractRefused(w, r, id, err)
	}
	http.Redirect(w, r, "/dossiers/"+url.PathEscape(id)+"/contract?gedaan=opgesteld", http.StatusSeeOther)
	return nil
}

// contractRefused shows the contract page again with the Dutch reason.
func (h *Handler) contractRefused(w http.ResponseWriter, r *http.Request, dossierID string, err error) error {
	status, msg := formError(err)
	if status == 0 {
		return err
	}
	return h.renderContract(w, r, status, dossierID, strings.Join(dutchLines(err, msg), " "))
}

func (h *Handler) signContract(w http.ResponseWriter, r *http.Request) error {
	actor := principal(r)
	c, err := h.Contracts.Contract(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	if _, err := h.Contracts.Sign(r.Context(), actor, c.ID, strings.TrimSpace(r.PostFormValue("sha256"))); err != nil {
		return h.contractRefused(w, r, c.DossierID, err)
	}
	http.Redirect(w, r, "/dossiers/"+url.PathEscape(c.DossierID)+"/contract?gedaan=ondertekend", http.StatusSeeOther)
	return nil
}

// contractDocument downloads the contract's current document: <id>.pdf or <id>.xlsx.
func (h *Handler) contractDocument(w http.ResponseWriter, r *http.Request) error {
	file := r.PathValue("file")
	i := strings.LastIndexByte(file, '.')
	if i <= 0 {
		return apperr.NotFoundf("no contract document %s", file)
	}
	id, format := file[:i], file[i+1:]
	if format != contract.FormatPDF && format != contract.FormatXLSX {
		return apperr.NotFoundf("no contract document %s", file)
	}
	doc, err := h.Contracts.Document(r.Context(), principal(r), id, format)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", doc.ContentType)
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", doc.Name))
	if doc.SHA256 != "" {
		w.Header().Set("X-Document-SHA256", doc.SHA256)
	}
	_, err = doc.WriteTo(w)
	return err
}
