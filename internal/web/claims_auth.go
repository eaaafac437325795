package web

import (
	"fmt"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/claims"
	"zorginkoop/internal/httpauth"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/policy"
)

// Authorisations and prior approvals (machtigingen en toestemmingen): the provider
// requests one on behalf of an insured person, with documents; the insurer's medisch
// adviseur grants or refuses it with a reason and a validity period.

func (h *Handler) authorisationRoutes() {
	h.handleUser("GET /machtigingen", h.authorisationsPage)
	h.handleUser("POST /machtigingen", h.requestAuthorisation)
	h.handleUser("GET /machtigingen/{id}", h.authorisationPage)
	h.handleUser("POST /machtigingen/{id}/documenten", h.addAuthorisationDocument)
	h.handleUser("GET /machtigingen/{id}/documenten/{doc}", h.authorisationDocument)
	h.handleUser("POST /machtigingen/{id}/besluit", h.decideAuthorisation)
}

func mayUseAuthorisations(p identity.Principal) bool {
	return p.IsOperator() || mayUploadClaimsAsProvider(p) || forSomeInsurer(p, claims.MayReadPersonal)
}

// ruleChoice is a claim authorisation rule of an insurer's published policy, for the
// request form: its value is "insurer|policy|rule".
type ruleChoice struct {
	Value, Label string
}

type authorisationsView struct {
	Nav        []claimsLink
	CSRF       string
	List       []claims.Authorisation
	Pager      pager
	MayRequest bool
	Providers  []string
	Rules      []ruleChoice
	Form       map[string]string
	Status     int
	Problems   []string
}

func (h *Handler) authorisationsPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderAuthorisations(w, r, http.StatusOK, authorisationsView{})
}

func (h *Handler) renderAuthorisations(w http.ResponseWriter, r *http.Request, status int, v authorisationsView) error {
	p := principal(r)
	if !mayUseAuthorisations(p) {
		return forbidden("authorisations are for the provider's staff and the insurer's medisch adviseur")
	}
	var f claims.AuthFilter
	if ins := chosenInsurer(r); ins != "" {
		f.Insurer = ins
	} else if own := ownProviders(p); len(own) > 0 && !p.IsOperator() {
		f.ProviderID = own[0]
	}
	n, pg := pageArg(r)
	list, total, err := h.Claims.Authorisations(r.Context(), p, f, pg)
	if err != nil {
		return err
	}
	v.CSRF, v.List, v.Pager = httpauth.CSRFToken(r.Context()), list, pagerWith("/machtigingen", r.URL.Query(), n, total)
	v.MayRequest = mayUploadClaimsAsProvider(p)
	v.Nav = claimsLinks(p, "/machtigingen")
	if v.MayRequest {
		v.Providers = ownProviders(p)
		v.Rules = h.ruleChoices()
	}
	if v.Form == nil {
		v.Form = map[string]string{}
	}
	return h.render(w, status, "claims_auths.html", "Machtigingen en toestemmingen", v)
}

// ruleChoices are the authorisation rules of every insurer's published policies.
func (h *Handler) ruleChoices() []ruleChoice {
	var insurers []string
	for _, c := range h.Library.Policies() {
		if c.Status == policy.Published && !slices.Contains(insurers, c.Insurer) {
			insurers = append(insurers, c.Insurer)
		}
	}
	slices.Sort(insurers)
	var out []ruleChoice
	for _, ins := range insurers {
		for _, rr := range h.Claims.AuthorisationRules(ins) {
			out = append(out, ruleChoice{Value: ins + "|" + rr.PolicyID + "|" + rr.ID,
				Label: fmt.Sprintf("%s: %s (%s, %s)", h.Library.InsurerName(ins), rr.Title, rr.Kind, rr.PolicyID)})
		}
	}
	return out
}

func (h *Handler) requestAuthorisation(w http.ResponseWriter, r *http.Request) error {
	if !mayUploadClaimsAsProvider(principal(r)) {
		return forbidden("authorisations are requested by the provider's beheerder or contractmanager")
	}
	form := map[string]string{}
	for _, k := range []string{"zorgaanbieder", "regel", "bsn", "code", "indicatie", "motivering"} {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	ins, _, rule := splitRule(form["regel"])
	var a *claims.Authorisation
	var err error
	if rule == "" {
		err = &apperr.Error{Code: apperr.Invalid, Field: "regel", Message: "no rule was chosen",
			Dutch: "Regel: kies de machtiging of toestemming die u aanvraagt."}
	} else {
		a, err = h.Claims.RequestAuthorisation(r.Context(), principal(r), claims.AuthRequest{Insurer: ins, ProviderID: form["zorgaanbieder"],
			BSN: form["bsn"], Rule: rule, Code: form["code"], Indication: form["indicatie"], Motivation: form["motivering"]})
	}
	if err == nil {
		if f, hd, ferr := r.FormFile("bestand"); ferr == nil {
			_, err = h.Claims.AddAuthorisationDocument(r.Context(), principal(r), a.ID, path.Base(strings.ReplaceAll(hd.Filename, `\`, "/")), f)
			f.Close()
		}
	}
	if err == nil {
		http.Redirect(w, r, "/machtigingen/"+url.PathEscape(a.ID), http.StatusSeeOther)
		return nil
	}
	status, problems, err := formFailure(err)
	if err != nil {
		return err
	}
	return h.renderAuthorisations(w, r, status, authorisationsView{Form: form, Status: status, Problems: problems})
}

// splitRule splits the form's "insurer|policy|rule".
func splitRule(v string) (insurer, policyID, rule string) {
	parts := strings.SplitN(v, "|", 3)
	if len(parts) != 3 {
		return "", "", ""
	}
	return parts[0], parts[1], parts[2]
}

type authorisationView struct {
	CSRF      string
	A         *claims.Authorisation
	MayDecide bool
	MayAdd    bool
	Today     string
	Status    int
	Problems  []string
}

func (h *Handler) authorisationPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderAuthorisation(w, r, http.StatusOK, authorisationView{})
}

func (h *Handler) renderAuthorisation(w http.ResponseWriter, r *http.Request, status int, v authorisationView) error {
	p := principal(r)
	a, err := h.Claims.Authorisation(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	v.CSRF, v.A = httpauth.CSRFToken(r.Context()), a
	v.MayDecide = a.Status == claims.Requested && claims.MayDecide(p, a.Insurer)
	v.MayAdd = a.Status == claims.Requested && claims.MayClaimFor(p, a.ProviderID)
	v.Today = time.Now().In(amsterdam).Format(time.DateOnly)
	return h.render(w, status, "claims_auth.html", kindTitle(a.Kind), v)
}

func kindTitle(k claims.AuthKind) string {
	if k == claims.Toestemming {
		return "Toestemming"
	}
	return "Machtiging"
}

func (h *Handler) addAuthorisationDocument(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	f, name, err := uploaded(r, "PDF of afbeelding")
	if err == nil {
		defer f.Close()
		_, err = h.Claims.AddAuthorisationDocument(r.Context(), principal(r), id, path.Base(strings.ReplaceAll(name, `\`, "/")), f)
	}
	if err == nil {
		http.Redirect(w, r, "/machtigingen/"+url.PathEscape(id), http.StatusSeeOther)
		return nil
	}
	status, problems, err := formFailure(err)
	if err != nil {
		return err
	}
	return h.renderAuthorisation(w, r, status, authorisationView{Status: status, Problems: problems})
}

func (h *Handler) authorisationDocument(w http.ResponseWriter, r *http.Request) error {
	d, data, err := h.Claims.AuthorisationDocument(r.Context(), principal(r), r.PathValue("id"), r.PathValue("doc"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", d.Type)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, safeName(d.Name)))
	_, err = w.Write(data)
	return err
}

func (h *Handler) decideAuthorisation(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	d := claims.Decision{Reason: strings.TrimSpace(r.PostFormValue("reden"))}
	var err error
	switch r.PostFormValue("besluit") {
	case "toekennen":
		d.Grant = true
	case "weigeren":
	default:
		err = &apperr.Error{Code: apperr.Invalid, Field: "besluit", Message: "no decision was chosen", Dutch: "Besluit: kies toekennen of weigeren."}
	}
	if err == nil {
		d.ValidFrom, err = formDay(r, "geldig_van", "Geldig vanaf")
	}
	if err == nil {
		d.ValidTo, err = formDay(r, "geldig_tot", "Geldig tot en met")
	}
	if err == nil {
		_, err = h.Claims.DecideAuthorisation(r.Context(), principal(r), id, d)
	}
	if err == nil {
		http.Redirect(w, r, "/machtigingen/"+url.PathEscape(id), http.StatusSeeOther)
		return nil
	}
	status, problems, err := formFailure(err)
	if err != nil {
		return err
	}
	return h.renderAuthorisation(w, r, status, authorisationView{Status: status, Problems: problems})
}

// formDay reads a date field (YYYY-MM-DD, the date input's value); empty is no date.
func formDay(r *http.Request, field, label string) (claims.Day, error) {
	v := strings.TrimSpace(r.PostFormValue(field))
	if v == "" {
		return 0, nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return 0, &apperr.Error{Code: apperr.Invalid, Field: field, Message: "the date is not a date (YYYY-MM-DD)",
			Dutch: label + ": vul een datum in (jjjj-mm-dd)."}
	}
	return claims.DayOf(t), nil
}
