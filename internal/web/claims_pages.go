package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/claims"
	"zorginkoop/internal/httpauth"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/nl"
)

// The claims pages (declaraties): a provider's and an insurer's claim files with the
// upload form, a file's return information with its lines, and the downloads of the
// return. What a principal may see and do is the claims service's; the pages only decide
// which forms to show, by the same role table (internal/claims/authz.go).

// MaxClaimUploadBytes is the largest claim file the upload form takes; larger batches go
// through the API or the watched folder.
const MaxClaimUploadBytes = 512 << 20

func (h *Handler) claimsRoutes() {
	h.handleUser("GET /declaraties", h.claimFilesPage)
	h.handleUser("POST /declaraties", h.uploadClaimFile)
	h.handleUser("GET /declaraties/{id}", h.claimFilePage)
	h.handleUser("GET /declaraties/{id}/retour.csv", h.claimReturn("csv"))
	h.handleUser("GET /declaraties/{id}/retour.json", h.claimReturn("json"))
	h.handleUser("GET /declaraties/overzicht", h.claimsOverviewPage)
	h.claimsAdminRoutes()
	h.authorisationRoutes()
}

func (h *Handler) claimsFuncs() template.FuncMap {
	return template.FuncMap{
		"day":        dayNL,
		"outcomeNL":  func(o claims.Outcome) string { return o.Dutch() },
		"reasonText": claims.ReasonText,
	}
}

// dayNL is a claims date the Dutch way: 14 maart 2026.
func dayNL(d claims.Day) string {
	if d == 0 {
		return ""
	}
	return nl.Date(time.Date(d.Year(), time.Month(d/100%100), int(d%100), 12, 0, 0, 0, time.UTC))
}

// claimsInsurers are the insurers whose claims side the principal works for.
func claimsInsurers(p identity.Principal) []string {
	if p.IsAnonymous() {
		return nil
	}
	var out []string
	for _, ins := range p.Org.Insurers {
		if p.ActsForInsurer(ins) {
			out = append(out, ins)
		}
	}
	return out
}

// chosenInsurer is the insurer of ?verzekeraar= when the principal works for it, else its
// first; "" when it works for none.
func chosenInsurer(r *http.Request) string {
	own := claimsInsurers(principal(r))
	if q := r.URL.Query().Get("verzekeraar"); slices.Contains(own, q) {
		return q
	}
	if len(own) > 0 {
		return own[0]
	}
	return ""
}

// Who sees which claims pages: the claims area's rules (internal/claims/authz.go) for
// some insurer or provider the principal works for; the service decides each request.
func forSomeInsurer(p identity.Principal, may func(identity.Principal, string) bool) bool {
	return slices.ContainsFunc(claimsInsurers(p), func(ins string) bool { return may(p, ins) })
}

func mayUploadClaimsAsProvider(p identity.Principal) bool {
	return slices.ContainsFunc(ownProviders(p), func(id string) bool { return claims.MayClaimFor(p, id) })
}

func mayReadClaimFiles(p identity.Principal) bool {
	return p.IsOperator() || mayUploadClaimsAsProvider(p) || forSomeInsurer(p, claims.MayReadPersonal)
}

func mayUploadClaims(p identity.Principal) bool {
	return mayUploadClaimsAsProvider(p) || forSomeInsurer(p, claims.MayUploadForInsurer)
}

func mayReadOverview(p identity.Principal) bool {
	return p.IsOperator() || mayUploadClaimsAsProvider(p) || forSomeInsurer(p, claims.MayReadOverview)
}

func isInsurerSide(p identity.Principal) bool { return len(claimsInsurers(p)) > 0 }

// claimsPage is the page size of the claims lists.
const claimsPage = 50

func pageArg(r *http.Request) (int, claims.Page) {
	n := pageOf(r)
	return n, claims.Page{Offset: (n - 1) * claimsPage, Limit: claimsPage}
}

// pagerWith is newPager keeping the other query parameters of the list (the filter).
func pagerWith(path string, q url.Values, page, total int) pager {
	p := newPager(path, page, claimsPage, total)
	q = cloneValues(q)
	q.Del("pagina")
	if extra := q.Encode(); extra != "" {
		if p.PrevURL != "" {
			p.PrevURL += "&" + extra
		}
		if p.NextURL != "" {
			p.NextURL += "&" + extra
		}
	}
	return p
}

func cloneValues(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// ---- files ----

type claimFilesView struct {
	Nav       []claimsLink
	CSRF      string
	Files     []claims.File
	Pager     pager
	MayUpload bool
	Insurer   bool
	Error     string
	Problems  []string
	Status    int
	MaxSize   string
}

func (h *Handler) claimFileFilter(r *http.Request) claims.FileFilter {
	p := principal(r)
	if p.IsOperator() {
		return claims.FileFilter{}
	}
	if ins := chosenInsurer(r); ins != "" {
		return claims.FileFilter{Insurer: ins}
	}
	if own := ownProviders(p); len(own) > 0 {
		id := own[0]
		if q := r.URL.Query().Get("zorgaanbieder"); slices.Contains(own, q) {
			id = q
		}
		return claims.FileFilter{ProviderID: id}
	}
	return claims.FileFilter{}
}

func (h *Handler) claimFilesPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderClaimFiles(w, r, http.StatusOK, nil)
}

func (h *Handler) renderClaimFiles(w http.ResponseWriter, r *http.Request, status int, failed error) error {
	p := principal(r)
	if !mayReadClaimFiles(p) && !mayUploadClaims(p) {
		return forbidden("reading claim files needs a claims role")
	}
	n, pg := pageArg(r)
	files, total, err := h.Claims.Files(r.Context(), p, h.claimFileFilter(r), pg)
	if err != nil {
		return err
	}
	v := claimFilesView{CSRF: httpauth.CSRFToken(r.Context()), Files: files, Pager: pagerWith("/declaraties", r.URL.Query(), n, total),
		MayUpload: mayUploadClaims(p), Insurer: isInsurerSide(p), MaxSize: sizeName(MaxClaimUploadBytes), Nav: claimsLinks(p, "/declaraties")}
	if failed != nil {
		v.Problems = problemLines(failed)
		v.Error = "Het bestand is niet verwerkt."
	}
	return h.render(w, status, "claims_files.html", "Declaraties", v)
}

// uploadClaimFile takes a ZH308 file from the form (streamed from the multipart body to
// the intake) and shows its return.
func (h *Handler) uploadClaimFile(w http.ResponseWriter, r *http.Request) error {
	httpauth.ExtendUploadDeadlines(w) // for the intake and the answer; the form was read in protect
	f, hd, err := r.FormFile("bestand")
	if err != nil {
		return h.claimUploadFailed(w, r, &apperr.Error{Code: apperr.Invalid, Field: "bestand", Message: "no file was sent",
			Dutch: "Kies een declaratiebestand (ZH308) om te uploaden."})
	}
	defer f.Close()
	name := path.Base(strings.ReplaceAll(hd.Filename, `\`, "/"))
	file, err := h.Claims.Intake(r.Context(), principal(r), claims.Upload{Name: name, Body: f, Channel: claims.ViaWeb})
	if err != nil {
		return h.claimUploadFailed(w, r, err)
	}
	http.Redirect(w, r, "/declaraties/"+url.PathEscape(file.ID), http.StatusSeeOther)
	return nil
}

func (h *Handler) claimUploadFailed(w http.ResponseWriter, r *http.Request, err error) error {
	status, _ := formError(err)
	if ep, _ := answer(err); ep.Status == http.StatusRequestEntityTooLarge {
		status = ep.Status
	}
	if status == 0 || status == http.StatusUnauthorized {
		return err
	}
	return h.renderClaimFiles(w, r, status, err)
}

// ---- one file's return ----

type claimFileView struct {
	File     *claims.File
	Lines    []claims.Line
	Pager    pager
	Outcome  claims.Outcome
	Outcomes []outcomeLines
}

// outcomeLines is a row of the file's summary: an outcome, its lines and amounts.
type outcomeLines struct {
	Outcome  claims.Outcome
	Lines    int
	Selected bool
}

func (h *Handler) claimFilePage(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	file, err := h.Claims.File(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	outcome := claims.Outcome(r.URL.Query().Get("uitkomst"))
	if outcome != "" && !slices.Contains(claims.Outcomes, outcome) {
		return &apperr.Error{Code: apperr.Invalid, Field: "uitkomst", Message: "unknown outcome",
			Dutch: fmt.Sprintf("Onbekende uitkomst %q: kies goedgekeurd, verlaagd, afgewezen of aangehouden.", outcome)}
	}
	n, pg := pageArg(r)
	lines, total, err := h.Claims.Lines(r.Context(), p, file.ID, outcome, pg)
	if err != nil {
		return err
	}
	v := claimFileView{File: file, Lines: lines, Outcome: outcome,
		Pager: pagerWith("/declaraties/"+url.PathEscape(file.ID), r.URL.Query(), n, total)}
	v.Outcomes = outcomeSummary(file)
	for i := range v.Outcomes {
		v.Outcomes[i].Selected = v.Outcomes[i].Outcome == outcome
	}
	return h.render(w, http.StatusOK, "claims_file.html", "Retourinformatie "+file.Name, v)
}

// outcomeSummary is the file's line count per outcome (the file's totals; amounts per
// outcome are not kept per file, the overview has them per contract and part).
func outcomeSummary(f *claims.File) []outcomeLines {
	out := make([]outcomeLines, 0, len(claims.Outcomes))
	for _, o := range claims.Outcomes {
		out = append(out, outcomeLines{Outcome: o, Lines: f.Counts[o]})
	}
	return out
}

// claimReturn streams the file's return information as CSV or JSON.
func (h *Handler) claimReturn(format string) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		file, err := h.Claims.File(r.Context(), principal(r), r.PathValue("id"))
		if err != nil {
			return err
		}
		ct := "text/csv; charset=utf-8"
		if format == "json" {
			ct = "application/json"
		}
		w.Header().Set("Content-Type", ct)
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="retour-%s.%s"`, safeName(file.ID), format))
		return h.Claims.WriteReturn(r.Context(), principal(r), file.ID, format, w)
	}
}

// safeName keeps letters, digits, dots and dashes of a name for a download's file name.
func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' {
			return r
		}
		return '_'
	}, s)
}

// atoiOr parses n, else def.
func atoiOr(s string, def int) int {
	if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil {
		return n
	}
	return def
}

// forbidden is the refusal of a page to a principal without the role for it.
func forbidden(msg string) error { return &apperr.Error{Code: apperr.Forbidden, Message: msg} }

// claimsLink is a link of the claims pages' own navigation.
type claimsLink struct {
	Path, Name string
	Current    bool
}

// claimsLinks are the claims pages p may use, current marked: the site's navigation
// has one link to them, each page links the others.
func claimsLinks(p identity.Principal, current string) []claimsLink {
	var out []claimsLink
	add := func(ok bool, path, name string) {
		if ok {
			out = append(out, claimsLink{Path: path, Name: name, Current: path == current})
		}
	}
	add(mayReadClaimFiles(p), "/declaraties", "Declaratiebestanden")
	add(mayReadOverview(p), "/declaraties/overzicht", "Overzicht")
	add(mayUseAuthorisations(p), "/machtigingen", "Machtigingen")
	add(forSomeInsurer(p, claims.MayReadContracts), "/declaraties/contracten", "Contracten")
	add(forSomeInsurer(p, claims.MayReadPersonal), "/declaraties/verzekerden", "Verzekerden")
	add(forSomeInsurer(p, claims.MayReadOverview), "/declaraties/vergoedingen", "Vergoedingen")
	if len(out) < 2 {
		return nil
	}
	return out
}
