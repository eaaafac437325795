package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/claims"
	"zorginkoop/internal/httpauth"
	"zorginkoop/internal/policy"
)

// The insurer's claims administration: execution contracts (list, xlsx import, the
// template), insured persons (CSV import, the list, a person's claims) and the
// percentages for non-contracted care per policy type.

func (h *Handler) claimsAdminRoutes() {
	h.handleUser("GET /declaraties/contracten", h.claimContractsPage)
	h.handleUser("POST /declaraties/contracten", h.importClaimContracts)
	h.handleUser("GET /declaraties/contracten/sjabloon.xlsx", h.claimContractTemplate)
	h.handleUser("GET /declaraties/verzekerden", h.insuredPage)
	h.handleUser("POST /declaraties/verzekerden", h.importInsured)
	h.handleUser("POST /declaraties/verzekerden/declaraties", h.insuredClaims)
	h.handleUser("GET /declaraties/vergoedingen", h.percentagesPage)
	h.handleUser("POST /declaraties/vergoedingen", h.setPercentage)
}

// importProblems are the lines of an import's error page: every problem with its sheet,
// row and column.
func importProblems(err error) []string {
	var ie *claims.ImportError
	if !errors.As(err, &ie) {
		return problemLines(err)
	}
	out := make([]string, 0, len(ie.Problems))
	for _, p := range ie.Problems {
		var where []string
		if p.Sheet != "" {
			where = append(where, "blad "+p.Sheet)
		}
		switch {
		case p.Row > 0 && p.Sheet != "":
			where = append(where, "rij "+strconv.Itoa(p.Row))
		case p.Row > 0:
			where = append(where, "regel "+strconv.Itoa(p.Row)) // a CSV file's line
		}
		if p.Column != "" {
			where = append(where, "kolom "+p.Column)
		}
		msg := p.Dutch
		if msg == "" {
			msg = p.Message
		}
		if len(where) > 0 {
			msg = strings.Join(where, ", ") + ": " + msg
		}
		out = append(out, msg)
	}
	return out
}

// formFailure renders an import's or a form's refusal on the page, or returns err when it
// is not the user's to correct.
func formFailure(err error) (int, []string, error) {
	status, _ := formError(err)
	if ep, _ := answer(err); ep.Status == http.StatusRequestEntityTooLarge {
		status = ep.Status
	}
	if status == 0 || status == http.StatusUnauthorized {
		return 0, nil, err
	}
	return status, importProblems(err), nil
}

// uploaded opens the form's file "bestand".
func uploaded(r *http.Request, what string) (io.ReadCloser, string, error) {
	f, hd, err := r.FormFile("bestand")
	if err != nil {
		return nil, "", &apperr.Error{Code: apperr.Invalid, Field: "bestand", Message: "no file was sent",
			Dutch: "Kies een bestand (" + what + ") om te uploaden."}
	}
	return f, hd.Filename, nil
}

// insurerOf is the insurer a form acts for: its field "verzekeraar" when the principal
// works for it, else the page's.
func insurerOf(r *http.Request) string {
	if ins := r.PostFormValue("verzekeraar"); slices.Contains(claimsInsurers(principal(r)), ins) {
		return ins
	}
	return chosenInsurer(r)
}

// needInsurer refuses a principal who works for no insurer: the insurer's claims pages
// are not for providers.
func needInsurer(r *http.Request) (string, error) {
	if ins := insurerOf(r); ins != "" {
		return ins, nil
	}
	return "", forbidden("only an insurer's staff use this page")
}

// ---- contracts ----

type claimContractsView struct {
	Nav       []claimsLink
	CSRF      string
	Insurer   string
	Contracts []claims.Contract
	Pager     pager
	MayImport bool
	Imported  int
	Status    int
	Problems  []string
}

func (h *Handler) claimContractsPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderClaimContracts(w, r, http.StatusOK, claimContractsView{Imported: atoiOr(r.URL.Query().Get("ingelezen"), 0)})
}

func (h *Handler) renderClaimContracts(w http.ResponseWriter, r *http.Request, status int, v claimContractsView) error {
	ins, err := needInsurer(r)
	if err != nil {
		return err
	}
	p := principal(r)
	n, pg := pageArg(r)
	cs, total, err := h.Claims.Contracts(r.Context(), p, claims.ContractFilter{Insurer: ins}, pg)
	if err != nil {
		return err
	}
	v.CSRF, v.Insurer, v.Contracts = httpauth.CSRFToken(r.Context()), ins, cs
	v.Pager = pagerWith("/declaraties/contracten", r.URL.Query(), n, total)
	v.MayImport = claims.MayManageContracts(p, ins)
	v.Nav = claimsLinks(p, "/declaraties/contracten")
	return h.render(w, status, "claims_contracts.html", "Contracten voor declaraties", v)
}

func (h *Handler) importClaimContracts(w http.ResponseWriter, r *http.Request) error {
	ins, err := needInsurer(r)
	if err != nil {
		return err
	}
	f, _, err := uploaded(r, "Excel, .xlsx")
	var n int
	if err == nil {
		defer f.Close()
		n, err = h.Claims.ImportContracts(r.Context(), principal(r), ins, f)
	}
	if err == nil {
		http.Redirect(w, r, "/declaraties/contracten?"+url.Values{"verzekeraar": {ins}, "ingelezen": {strconv.Itoa(n)}}.Encode(), http.StatusSeeOther)
		return nil
	}
	status, problems, err := formFailure(err)
	if err != nil {
		return err
	}
	return h.renderClaimContracts(w, r, status, claimContractsView{Status: status, Problems: problems})
}

func (h *Handler) claimContractTemplate(w http.ResponseWriter, r *http.Request) error {
	if _, err := needInsurer(r); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="contracten-sjabloon.xlsx"`)
	return h.Claims.ContractTemplate(w)
}

// ---- insured persons ----

// A person's claims are looked up with a POST form: the BSN is personal data and must
// never be in a URL (URLs land in access logs, proxies and browser history), so the
// lookup, its paging and the list's per-person buttons all send it in the body.

type insuredView struct {
	Nav       []claimsLink
	CSRF      string
	Insurer   string
	Insured   []claims.Insured
	Pager     pager
	MayImport bool
	Imported  int
	Status    int
	Problems  []string
	// The lookup of one person (POST /declaraties/verzekerden/declaraties).
	BSN         string
	Searched    bool
	LookupError []string
	Claims      []claims.Line
	ClaimsPg    postPager
}

// postPager is the paging of a person's claims, shown in answer to a POST form: the
// neighbours are buttons posting the page number with the form's other fields.
type postPager struct {
	Page, Pages, Total int
	Prev, Next         *pageButton
}

// pageButton is a paging button of the lookup form.
type pageButton struct {
	CSRF, Insurer, BSN, Label string
	Page                      int
}

func newPostPager(page, size, total int, form pageButton) postPager {
	p := postPager{Page: page, Total: total, Pages: max((total+size-1)/size, 1)}
	if page > 1 {
		b := form
		b.Page, b.Label = page-1, "‹ vorige"
		p.Prev = &b
	}
	if page < p.Pages {
		b := form
		b.Page, b.Label = page+1, "volgende ›"
		p.Next = &b
	}
	return p
}

func (h *Handler) insuredPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderInsured(w, r, http.StatusOK, insuredView{Imported: atoiOr(r.URL.Query().Get("ingelezen"), 0)})
}

// renderInsured is the list of the insurer's insured persons with the lookup and import
// forms.
func (h *Handler) renderInsured(w http.ResponseWriter, r *http.Request, status int, v insuredView) error {
	ins, err := needInsurer(r)
	if err != nil {
		return err
	}
	p := principal(r)
	n, pg := pageArg(r)
	v.CSRF, v.Insurer, v.MayImport = httpauth.CSRFToken(r.Context()), ins, claims.MayUploadForInsurer(p, ins)
	v.Nav = claimsLinks(p, "/declaraties/verzekerden")
	list, total, err := h.Claims.InsuredList(r.Context(), p, ins, pg)
	if err != nil {
		return err
	}
	v.Insured, v.Pager = list, pagerWith("/declaraties/verzekerden", r.URL.Query(), n, total)
	return h.render(w, status, "claims_insured.html", "Verzekerden", v)
}

// insuredClaims shows one person's claim lines: the form's bsn, page pagina.
func (h *Handler) insuredClaims(w http.ResponseWriter, r *http.Request) error {
	ins, err := needInsurer(r)
	if err != nil {
		return err
	}
	p := principal(r)
	bsn := strings.TrimSpace(r.PostFormValue("bsn"))
	if bsn == "" {
		return h.insuredLookupFailed(w, r, bsn, &apperr.Error{Code: apperr.Invalid, Field: "bsn", Message: "no BSN was sent",
			Dutch: "Vul het burgerservicenummer in van de verzekerde wiens declaraties u wilt zien."})
	}
	n := max(atoiOr(r.PostFormValue("pagina"), 1), 1)
	lines, total, err := h.Claims.InsuredClaims(r.Context(), p, ins, bsn, claims.Page{Offset: (n - 1) * claimsPage, Limit: claimsPage})
	if err != nil {
		return h.insuredLookupFailed(w, r, bsn, err)
	}
	csrf := httpauth.CSRFToken(r.Context())
	v := insuredView{CSRF: csrf, Insurer: ins, MayImport: claims.MayUploadForInsurer(p, ins),
		Nav: claimsLinks(p, "/declaraties/verzekerden"), BSN: bsn, Searched: true, Claims: lines,
		ClaimsPg: newPostPager(n, claimsPage, total, pageButton{CSRF: csrf, Insurer: ins, BSN: bsn})}
	noStore(w)
	return h.render(w, http.StatusOK, "claims_insured.html", "Declaraties van een verzekerde", v)
}

// insuredLookupFailed shows the list with the lookup's problem next to its form, or
// returns err when it is not the user's to correct.
func (h *Handler) insuredLookupFailed(w http.ResponseWriter, r *http.Request, bsn string, err error) error {
	status, problems, err := formFailure(err)
	if err != nil {
		return err
	}
	return h.renderInsured(w, r, status, insuredView{Status: status, BSN: bsn, LookupError: problems})
}

func (h *Handler) importInsured(w http.ResponseWriter, r *http.Request) error {
	ins, err := needInsurer(r)
	if err != nil {
		return err
	}
	f, _, err := uploaded(r, "CSV")
	var n int
	if err == nil {
		defer f.Close()
		n, err = h.Claims.ImportInsured(r.Context(), principal(r), ins, f)
	}
	if err == nil {
		http.Redirect(w, r, "/declaraties/verzekerden?"+url.Values{"verzekeraar": {ins}, "ingelezen": {strconv.Itoa(n)}}.Encode(), http.StatusSeeOther)
		return nil
	}
	status, problems, err := formFailure(err)
	if err != nil {
		return err
	}
	return h.renderInsured(w, r, status, insuredView{Status: status, Problems: problems})
}

// ---- percentages ----

type percentageRow struct {
	Type, Name string
	Percent    string
}

type percentagesView struct {
	Nav     []claimsLink
	CSRF    string
	Insurer string
	Rows    []percentageRow
	MaySet  bool
	Saved   bool
	Status  int
	Error   []string
}

func (h *Handler) percentagesPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderPercentages(w, r, http.StatusOK, percentagesView{Saved: r.URL.Query().Get("opgeslagen") == "1"})
}

func (h *Handler) renderPercentages(w http.ResponseWriter, r *http.Request, status int, v percentagesView) error {
	ins, err := needInsurer(r)
	if err != nil {
		return err
	}
	p := principal(r)
	got, err := h.Claims.Percentages(r.Context(), p, ins)
	if err != nil {
		return err
	}
	types := make([]string, 0, len(policy.PolicyTypes))
	for t := range policy.PolicyTypes {
		types = append(types, t)
	}
	sort.Strings(types)
	for _, t := range types {
		row := percentageRow{Type: t, Name: policy.PolicyTypes[t]}
		if pc, ok := got[t]; ok {
			row.Percent = strconv.Itoa(pc)
		}
		v.Rows = append(v.Rows, row)
	}
	v.CSRF, v.Insurer, v.MaySet = httpauth.CSRFToken(r.Context()), ins, claims.MayManageContracts(p, ins)
	v.Nav = claimsLinks(p, "/declaraties/vergoedingen")
	return h.render(w, status, "claims_percentages.html", "Vergoeding niet-gecontracteerde zorg", v)
}

func (h *Handler) setPercentage(w http.ResponseWriter, r *http.Request) error {
	ins, err := needInsurer(r)
	if err != nil {
		return err
	}
	pt := r.PostFormValue("polissoort")
	pc, perr := strconv.Atoi(strings.TrimSpace(r.PostFormValue("percentage")))
	if perr != nil {
		err = &apperr.Error{Code: apperr.Invalid, Field: "percentage", Message: "the percentage is not a whole number",
			Dutch: fmt.Sprintf("Percentage voor %s: vul een heel getal van 0 tot en met 100 in.", policy.PolicyTypes[pt])}
	} else {
		err = h.Claims.SetPercentage(r.Context(), principal(r), ins, pt, pc)
	}
	if err == nil {
		http.Redirect(w, r, "/declaraties/vergoedingen?"+url.Values{"verzekeraar": {ins}, "opgeslagen": {"1"}}.Encode(), http.StatusSeeOther)
		return nil
	}
	status, problems, err := formFailure(err)
	if err != nil {
		return err
	}
	return h.renderPercentages(w, r, status, percentagesView{Status: status, Error: problems})
}
