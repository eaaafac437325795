package api

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/claims"
	"zorginkoop/internal/httpauth"
	"zorginkoop/internal/identity"
)

// Claims (declaraties): claim files in (ZH308, raw body or multipart), their lines and
// return information out, the insurer's overview, execution contracts, insured persons,
// percentages for non-contracted care, and authorisations. The same service calls as the
// pages; amounts in euro cents, claims dates as YYYYMMDD numbers.

// Routes with a body limit other than MaxBodyBytes (see claimsBodyLimit).
const (
	claimFileRoute      = "POST /api/claims/files"
	claimContractsRoute = "POST /api/claims/contracts"
	claimInsuredRoute   = "POST /api/claims/insured"
	claimDocumentRoute  = "POST /api/claims/authorisations/{id}/documents"
	// MaxClaimsImportBytes bounds a contracts workbook; MaxInsuredBytes an insured CSV.
	MaxClaimsImportBytes = 32 << 20
	MaxInsuredBytes      = 1 << 30
)

func (h *Handler) claimsRoutes() {
	h.handleUser(claimFileRoute, h.uploadClaimFile)
	h.handleUser("GET /api/claims/files", h.listClaimFiles)
	h.handleUser("GET /api/claims/files/{id}", h.getClaimFile)
	h.handleUser("GET /api/claims/files/{id}/lines", h.claimLines)
	h.handleUser("GET /api/claims/files/{id}/return.csv", h.claimReturn("csv"))
	h.handleUser("GET /api/claims/files/{id}/return.json", h.claimReturn("json"))
	h.handleUser("GET /api/claims/overview", h.claimsOverview)
	h.handleUser(claimContractsRoute, h.importClaimContracts)
	h.handleUser("GET /api/claims/contracts", h.listClaimContracts)
	h.handleUser("GET /api/claims/contract-template.xlsx", h.claimContractTemplate)
	h.handleUser("GET /api/claims/contracts/{id}", h.getClaimContract)
	h.handleUser(claimInsuredRoute, h.importInsured)
	h.handleUser("GET /api/claims/insured", h.listInsured)
	h.handleUser("POST /api/claims/insured/lines", h.insuredLines)
	h.handleUser("GET /api/claims/percentages", h.getPercentages)
	h.handleUser("PUT /api/claims/percentages/{policy_type}", h.putPercentage)
	h.handleUser("POST /api/claims/authorisations", h.requestAuthorisation)
	h.handleUser("GET /api/claims/authorisations", h.listAuthorisations)
	h.handleUser("GET /api/claims/authorisations/{id}", h.getAuthorisation)
	h.handleUser(claimDocumentRoute, h.addAuthorisationDocument)
	h.handleUser("GET /api/claims/authorisations/{id}/documents/{doc}", h.authorisationDocument)
	h.handleUser("POST /api/claims/authorisations/{id}/decision", h.decideAuthorisation)
}

// claimsBodyLimit is the body limit of a claims route, 0 for the default.
func (h *Handler) claimsBodyLimit(pattern string) int64 {
	switch pattern {
	case claimFileRoute:
		if h.Claims != nil {
			return h.Claims.Options().MaxFileBytes + 64<<10 // room for a multipart envelope
		}
		return claims.DefaultMaxFileBytes
	case claimContractsRoute:
		return MaxClaimsImportBytes
	case claimInsuredRoute:
		return MaxInsuredBytes
	case claimDocumentRoute:
		if h.Claims != nil {
			return h.Claims.Options().MaxDocument
		}
		return claims.DefaultMaxDocument
	}
	return 0
}

// claimsPage reads ?offset= and ?limit= for the claims lists.
func claimsPage(r *http.Request) (claims.Page, error) {
	offset, limit, errs := pageParams(r.URL.Query(), claims.DefaultPage, claims.MaxPage)
	return claims.Page{Offset: offset, Limit: limit}, errs.Err()
}

// insurerParam is ?insurer=, else the one insurer the caller works for ("" when none or
// several: the service then decides what an empty filter means for the caller).
func insurerParam(r *http.Request) string {
	if v := r.URL.Query().Get("insurer"); v != "" {
		return v
	}
	p := principal(r)
	var own []string
	for _, ins := range p.Org.Insurers {
		if p.ActsForInsurer(ins) {
			own = append(own, ins)
		}
	}
	if len(own) == 1 {
		return own[0]
	}
	return ""
}

// needInsurerParam is insurerParam, or an Invalid error naming the parameter.
func needInsurerParam(r *http.Request) (string, error) {
	if ins := insurerParam(r); ins != "" {
		return ins, nil
	}
	if p := principal(r); !p.IsOperator() && len(p.Org.Insurers) == 0 {
		return "", &apperr.Error{Code: apperr.Forbidden, Message: "only an insurer's staff use this endpoint"}
	}
	return "", apperr.Invalidf("insurer", "name the insurer in ?insurer=")
}

type listJSON[T any] struct {
	Items  []T `json:"items"`
	Total  int `json:"total"`
	Offset int `json:"offset"`
	Limit  int `json:"limit"`
}

func listOf[T any](items []T, total int, p claims.Page) listJSON[T] {
	if items == nil {
		items = []T{}
	}
	return listJSON[T]{Items: items, Total: total, Offset: p.Offset, Limit: p.Limit}
}

// importErr turns an import's problems into field errors (field "Contracten!C4" or
// "line 4, column bsn"), so that the problem document lists every one.
func importErr(err error) error {
	var ie *claims.ImportError
	if !errors.As(err, &ie) {
		return err
	}
	var out apperr.List
	for _, p := range ie.Problems {
		field := p.Column
		if p.Sheet != "" {
			field = fmt.Sprintf("%s!%s%d", p.Sheet, p.Column, p.Row)
		}
		out = append(out, &apperr.Error{Code: apperr.Invalid, Field: field, Line: p.Row, Message: p.Message})
	}
	return out.Err()
}

// ---- files ----

// uploadBody is the file of a request: the part "file" of a multipart form, else the
// raw body named by ?name= or Content-Disposition.
func uploadBody(r *http.Request) (string, io.Reader, error) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		return uploadName(r), r.Body, nil
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return "", nil, malformed("file", "the multipart body cannot be read: "+err.Error())
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return "", nil, apperr.Invalidf("file", "the multipart body has no part named \"file\"")
		}
		if err != nil {
			return "", nil, malformed("file", "the multipart body cannot be read: "+err.Error())
		}
		if part.FormName() == "file" {
			return part.FileName(), part, nil
		}
	}
}

func (h *Handler) uploadClaimFile(w http.ResponseWriter, r *http.Request) error {
	httpauth.ExtendUploadDeadlines(w) // the caller is authenticated (handleUser); the body is read below
	name, body, err := uploadBody(r)
	if err != nil {
		return err
	}
	f, err := h.Claims.Intake(r.Context(), principal(r), claims.Upload{Name: name, Body: body, Channel: claims.ViaAPI})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/claims/files/"+f.ID)
	return writeJSON(w, http.StatusCreated, fileJSON(*f))
}

// fileJSON is f with its counts for every outcome (0 included).
func fileJSON(f claims.File) claims.File {
	counts := make(map[claims.Outcome]int, len(claims.Outcomes))
	for _, o := range claims.Outcomes {
		counts[o] = f.Counts[o]
	}
	f.Counts = counts
	return f
}

func (h *Handler) listClaimFiles(w http.ResponseWriter, r *http.Request) error {
	pg, err := claimsPage(r)
	if err != nil {
		return err
	}
	f := claims.FileFilter{Insurer: r.URL.Query().Get("insurer"), ProviderID: r.URL.Query().Get("provider_id")}
	if f.Insurer == "" && f.ProviderID == "" {
		f.Insurer = insurerParam(r)
		if own := ownProviders(principal(r)); f.Insurer == "" && len(own) == 1 {
			f.ProviderID = own[0]
		}
	}
	files, total, err := h.Claims.Files(r.Context(), principal(r), f, pg)
	if err != nil {
		return err
	}
	for i := range files {
		files[i] = fileJSON(files[i])
	}
	return writeJSON(w, http.StatusOK, listOf(files, total, pg))
}

// ownProviders are the provider records the principal works for.
func ownProviders(p identity.Principal) []string {
	if p.IsAnonymous() {
		return nil
	}
	var out []string
	for _, id := range p.Org.Providers {
		if p.ActsForProvider(id) {
			out = append(out, id)
		}
	}
	return out
}

func (h *Handler) getClaimFile(w http.ResponseWriter, r *http.Request) error {
	f, err := h.Claims.File(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, fileJSON(*f))
}

func (h *Handler) claimLines(w http.ResponseWriter, r *http.Request) error {
	pg, err := claimsPage(r)
	if err != nil {
		return err
	}
	o := claims.Outcome(r.URL.Query().Get("outcome"))
	if o != "" && !slices.Contains(claims.Outcomes, o) {
		return apperr.Invalidf("outcome", "outcome %q is not one of approved, reduced, rejected, held", o)
	}
	lines, total, err := h.Claims.Lines(r.Context(), principal(r), r.PathValue("id"), o, pg)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listOf(lines, total, pg))
}

// claimReturn streams the return information; the file is read first so that a refusal
// is a problem document, not half a download.
func (h *Handler) claimReturn(format string) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		f, err := h.Claims.File(r.Context(), principal(r), r.PathValue("id"))
		if err != nil {
			return err
		}
		ct := "text/csv; charset=utf-8"
		if format == "json" {
			ct = "application/json"
		}
		w.Header().Set("Content-Type", ct)
		w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="return-%s.%s"`, f.ID, format))
		return h.Claims.WriteReturn(r.Context(), principal(r), f.ID, format, w)
	}
}

// claimsOverview is a page of the overview per ?group= (provider: the largest claimed
// amount first; part; detail: per provider, contract, part and year, the default).
func (h *Handler) claimsOverview(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	offset, limit, errs := pageParams(q, claims.DefaultPage, claims.MaxPage)
	pg := claims.Page{Offset: offset, Limit: limit}
	by := claims.ByDetail
	if v := q.Get("group"); v != "" {
		if by = claims.Grouping(v); !by.Valid() {
			errs = append(errs, apperr.Invalidf("group", "group %q is not one of provider, part, detail", v))
		}
	}
	f := claims.OverviewFilter{Insurer: insurerParam(r), ProviderID: q.Get("provider_id")}
	if v := q.Get("year"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1900 || n > 2999 {
			errs = append(errs, apperr.Invalidf("year", "year %q is not a year", v))
		}
		f.Year = n
	}
	if err := errs.Err(); err != nil {
		return err
	}
	if own := ownProviders(principal(r)); f.Insurer == "" && f.ProviderID == "" && len(own) == 1 {
		f.ProviderID = own[0]
	}
	rows, total, err := h.Claims.Overview(r.Context(), principal(r), f, by, pg)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listOf(rows, total, pg))
}

// ---- contracts ----

func (h *Handler) importClaimContracts(w http.ResponseWriter, r *http.Request) error {
	ins, err := needInsurerParam(r)
	if err != nil {
		return err
	}
	n, err := h.Claims.ImportContracts(r.Context(), principal(r), ins, r.Body)
	if err != nil {
		return importErr(err)
	}
	return writeJSON(w, http.StatusCreated, map[string]int{"imported": n})
}

func (h *Handler) listClaimContracts(w http.ResponseWriter, r *http.Request) error {
	pg, err := claimsPage(r)
	if err != nil {
		return err
	}
	f := claims.ContractFilter{Insurer: insurerParam(r), ProviderID: r.URL.Query().Get("provider_id")}
	if p := principal(r); f.Insurer == "" && !p.IsOperator() && len(p.Org.Insurers) == 0 {
		return &apperr.Error{Code: apperr.Forbidden, Message: "execution contracts are read by the insurer's staff"}
	}
	cs, total, err := h.Claims.Contracts(r.Context(), principal(r), f, pg)
	if err != nil {
		return err
	}
	for i := range cs {
		cs[i].Parts = nonNil(cs[i].Parts)
	}
	return writeJSON(w, http.StatusOK, listOf(cs, total, pg))
}

func (h *Handler) getClaimContract(w http.ResponseWriter, r *http.Request) error {
	c, err := h.Claims.Contract(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	c.Parts, c.Lines = nonNil(c.Parts), nonNil(c.Lines)
	return writeJSON(w, http.StatusOK, c)
}

func (h *Handler) claimContractTemplate(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="contracts-template.xlsx"`)
	return h.Claims.ContractTemplate(w)
}

// ---- insured persons ----

func (h *Handler) importInsured(w http.ResponseWriter, r *http.Request) error {
	ins, err := needInsurerParam(r)
	if err != nil {
		return err
	}
	n, err := h.Claims.ImportInsured(r.Context(), principal(r), ins, r.Body)
	if err != nil {
		return importErr(err)
	}
	return writeJSON(w, http.StatusCreated, map[string]int{"imported": n})
}

func (h *Handler) listInsured(w http.ResponseWriter, r *http.Request) error {
	ins, err := needInsurerParam(r)
	if err != nil {
		return err
	}
	pg, err := claimsPage(r)
	if err != nil {
		return err
	}
	list, total, err := h.Claims.InsuredList(r.Context(), principal(r), ins, pg)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listOf(list, total, pg))
}

// insuredLines answers POST /api/claims/insured/lines: the BSN is in the JSON body, never
// in the URL (URLs land in access logs, proxies and browser history).
func (h *Handler) insuredLines(w http.ResponseWriter, r *http.Request) error {
	ins, err := needInsurerParam(r)
	if err != nil {
		return err
	}
	pg, err := claimsPage(r)
	if err != nil {
		return err
	}
	var body struct {
		BSN string `json:"bsn"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	bsn := strings.TrimSpace(body.BSN)
	if bsn == "" {
		return apperr.Invalidf("bsn", "bsn is required: the burgerservicenummer of the insured person")
	}
	lines, total, err := h.Claims.InsuredClaims(r.Context(), principal(r), ins, bsn, pg)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, listOf(lines, total, pg))
}

// ---- percentages ----

func (h *Handler) getPercentages(w http.ResponseWriter, r *http.Request) error {
	ins, err := needInsurerParam(r)
	if err != nil {
		return err
	}
	m, err := h.Claims.Percentages(r.Context(), principal(r), ins)
	if err != nil {
		return err
	}
	if m == nil {
		m = map[string]int{}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"insurer": ins, "percentages": m})
}

func (h *Handler) putPercentage(w http.ResponseWriter, r *http.Request) error {
	ins, err := needInsurerParam(r)
	if err != nil {
		return err
	}
	var body struct {
		Percent *int `json:"percent"`
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	if body.Percent == nil {
		return apperr.Invalidf("percent", "percent is required (0 to 100)")
	}
	if err := h.Claims.SetPercentage(r.Context(), principal(r), ins, r.PathValue("policy_type"), *body.Percent); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// ---- authorisations ----

type authRequestJSON struct {
	Insurer    string `json:"insurer"`
	ProviderID string `json:"provider_id"`
	BSN        string `json:"bsn"`
	Rule       string `json:"rule"`
	Code       string `json:"code"`
	Indication string `json:"indication"`
	Motivation string `json:"motivation"`
}

func (h *Handler) requestAuthorisation(w http.ResponseWriter, r *http.Request) error {
	var b authRequestJSON
	if err := decode(r, &b); err != nil {
		return err
	}
	a, err := h.Claims.RequestAuthorisation(r.Context(), principal(r), claims.AuthRequest(b))
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/claims/authorisations/"+a.ID)
	return writeJSON(w, http.StatusCreated, authJSON(*a))
}

func authJSON(a claims.Authorisation) claims.Authorisation {
	a.Documents = nonNil(a.Documents)
	return a
}

func (h *Handler) listAuthorisations(w http.ResponseWriter, r *http.Request) error {
	pg, err := claimsPage(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := claims.AuthFilter{Insurer: insurerParam(r), ProviderID: q.Get("provider_id"), Status: claims.AuthStatus(q.Get("status"))}
	if own := ownProviders(principal(r)); f.Insurer == "" && f.ProviderID == "" && len(own) == 1 {
		f.ProviderID = own[0]
	}
	list, total, err := h.Claims.Authorisations(r.Context(), principal(r), f, pg)
	if err != nil {
		return err
	}
	for i := range list {
		list[i] = authJSON(list[i])
	}
	return writeJSON(w, http.StatusOK, listOf(list, total, pg))
}

func (h *Handler) getAuthorisation(w http.ResponseWriter, r *http.Request) error {
	a, err := h.Claims.Authorisation(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, authJSON(*a))
}

func (h *Handler) addAuthorisationDocument(w http.ResponseWriter, r *http.Request) error {
	name := uploadName(r)
	if name == "" {
		return apperr.Invalidf("name", "name the file in ?name= or in the filename of Content-Disposition")
	}
	d, err := h.Claims.AddAuthorisationDocument(r.Context(), principal(r), r.PathValue("id"), name, r.Body)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, d)
}

func (h *Handler) authorisationDocument(w http.ResponseWriter, r *http.Request) error {
	d, data, err := h.Claims.AuthorisationDocument(r.Context(), principal(r), r.PathValue("id"), r.PathValue("doc"))
	if err != nil {
		return err
	}
	attachment(w, d.Type, d.Name, int64(len(data)))
	_, err = w.Write(data)
	return err
}

type decisionJSON struct {
	Grant     *bool  `json:"grant"`
	Reason    string `json:"reason"`
	ValidFrom string `json:"valid_from"`
	ValidTo   string `json:"valid_to"`
}

func (h *Handler) decideAuthorisation(w http.ResponseWriter, r *http.Request) error {
	var b decisionJSON
	if err := decode(r, &b); err != nil {
		return err
	}
	var errs apperr.List
	if b.Grant == nil {
		errs = append(errs, apperr.Invalidf("grant", "grant is required: true grants, false refuses"))
	}
	from, e1 := jsonDay("valid_from", b.ValidFrom)
	to, e2 := jsonDay("valid_to", b.ValidTo)
	for _, e := range []*apperr.Error{e1, e2} {
		if e != nil {
			errs = append(errs, e)
		}
	}
	if err := errs.Err(); err != nil {
		return err
	}
	a, err := h.Claims.DecideAuthorisation(r.Context(), principal(r), r.PathValue("id"),
		claims.Decision{Grant: *b.Grant, Reason: b.Reason, ValidFrom: from, ValidTo: to})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, authJSON(*a))
}

// jsonDay parses a YYYY-MM-DD date of the body; "" is no date.
func jsonDay(field, v string) (claims.Day, *apperr.Error) {
	if strings.TrimSpace(v) == "" {
		return 0, nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return 0, apperr.Invalidf(field, "%s %q is not a date (YYYY-MM-DD)", field, v)
	}
	return claims.DayOf(t), nil
}
