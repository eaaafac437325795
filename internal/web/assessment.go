package web

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/assessment"
	"zorginkoop/internal/httpauth"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/provider"
)

// overviewRow is one provider in the assessment overview and its downloads.
type overviewRow struct {
	ProviderID    string
	ProviderName  string
	Outcome       assessment.Outcome
	Score         int
	MaxScore      int
	OpenKnockouts []string // titles of knock-out requirements not met or unknown
}

type outcomeCount struct {
	Outcome assessment.Outcome
	Count   int
}

type overview struct {
	Policy   *policy.Compiled
	Run      *assessment.Run // nil when the policy was never assessed
	Counts   []outcomeCount
	Outcome  assessment.Outcome // filter; empty for all
	CareType string             // filter; empty for all
	Outcomes []assessment.Outcome
	Rows     []overviewRow
	CSVURL   string // downloads with the same filters
	XLSXURL  string
	CSRF     string // the token of the form that runs an assessment
}

var outcomeOrder = []assessment.Outcome{assessment.Eligible, assessment.NotEligible, assessment.Incomplete, assessment.OutOfScope}

// overview loads the latest run and applies the filters of the query string.
func (h *Handler) overview(r *http.Request) (*overview, error) {
	actor := principal(r)
	pol, err := h.Policies.Policy(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	q := r.URL.Query()
	ov := &overview{Policy: pol, Outcomes: outcomeOrder, CSRF: httpauth.CSRFToken(r.Context())}
	if o := assessment.Outcome(q.Get("uitkomst")); assessment.OutcomeNames[o] != "" {
		ov.Outcome = o
	}
	if ct := q.Get("zorgsoort"); ct != "" && contains(pol.CareTypes, ct) {
		ov.CareType = ct
	}
	filter := url.Values{}
	if ov.Outcome != "" {
		filter.Set("uitkomst", string(ov.Outcome))
	}
	if ov.CareType != "" {
		filter.Set("zorgsoort", ov.CareType)
	}
	base := "/beleid/" + url.PathEscape(pol.ID) + "/beoordeling"
	ov.CSVURL, ov.XLSXURL = base+".csv", base+".xlsx"
	if q := filter.Encode(); q != "" {
		ov.CSVURL += "?" + q
		ov.XLSXURL += "?" + q
	}
	run, err := h.Assessments.LatestRun(r.Context(), actor, pol.ID)
	if errors.Is(err, assessment.ErrNotAssessed) {
		return ov, nil
	}
	if err != nil {
		return nil, err
	}
	ov.Run = run
	counts := map[assessment.Outcome]int{}
	for i := range run.Summaries {
		counts[run.Summaries[i].Outcome]++
	}
	for _, o := range outcomeOrder {
		ov.Counts = append(ov.Counts, outcomeCount{o, counts[o]})
	}
	var inCareType map[string]bool
	if ov.CareType != "" {
		if inCareType, err = h.providerIDs(r, ov.CareType); err != nil {
			return nil, err
		}
	}
	for i := range run.Summaries {
		s := &run.Summaries[i]
		if ov.Outcome != "" && s.Outcome != ov.Outcome || inCareType != nil && !inCareType[s.ProviderID] {
			continue
		}
		ov.Rows = append(ov.Rows, row(pol, s))
	}
	return ov, nil
}

func row(pol *policy.Compiled, s *assessment.Summary) overviewRow {
	r := overviewRow{ProviderID: s.ProviderID, ProviderName: s.ProviderName, Outcome: s.Outcome, Score: s.Score, MaxScore: s.MaxScore}
	for i, st := range s.Statuses {
		if i < len(pol.Requirements) && pol.Requirements[i].Kind.KnocksOut() &&
			(st == assessment.NotMet || st == assessment.Unknown) {
			r.OpenKnockouts = append(r.OpenKnockouts, pol.Requirements[i].Title)
		}
	}
	return r
}

// providerIDs returns the ids of the providers of one care type.
func (h *Handler) providerIDs(r *http.Request, careType string) (map[string]bool, error) {
	ps, _, err := h.Providers.List(r.Context(), principal(r), provider.Filter{CareType: careType})
	if err != nil {
		return nil, err
	}
	ids := make(map[string]bool, len(ps))
	for _, p := range ps {
		ids[p.ID] = true
	}
	return ids, nil
}

func (h *Handler) assessmentPage(w http.ResponseWriter, r *http.Request) error {
	ov, err := h.overview(r)
	if err != nil {
		return err
	}
	return h.render(w, http.StatusOK, "assessment.html", "Beoordeling: "+ov.Policy.Title, ov)
}

// runAssessment judges every provider in scope, then shows the new overview (POST, then
// redirect, so reloading the page does not run it again).
func (h *Handler) runAssessment(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	run, err := h.Assessments.AssessAll(r.Context(), principal(r), id, nil)
	if err != nil {
		return err
	}
	h.Log.Info("assessment run from the web", "policy", id, "run", run.ID, "providers", run.Providers)
	http.Redirect(w, r, "/beleid/"+url.PathEscape(id)+"/beoordeling", http.StatusSeeOther)
	return nil
}

var exportHeader = []string{"Zorgaanbieder", "ID", "Uitkomst", "Score", "Maximale score", "Minimumeisen niet voldaan of onbekend"}

func exportRecord(r overviewRow) []string {
	return []string{r.ProviderName, r.ProviderID, assessment.OutcomeNames[r.Outcome],
		strconv.Itoa(r.Score), strconv.Itoa(r.MaxScore), strings.Join(r.OpenKnockouts, "; ")}
}

// exportable loads the overview for a download; there must be a run.
func (h *Handler) exportable(r *http.Request) (*overview, error) {
	ov, err := h.overview(r)
	if err != nil {
		return nil, err
	}
	if ov.Run == nil {
		return nil, apperr.NotFoundf("policy %s has not been assessed yet", ov.Policy.ID)
	}
	return ov, nil
}

// assessmentCSV writes the overview as CSV the way Dutch spreadsheet programs open it:
// UTF-8 with byte-order mark, semicolon separated.
func (h *Handler) assessmentCSV(w http.ResponseWriter, r *http.Request) error {
	ov, err := h.exportable(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	cw := csv.NewWriter(&buf)
	cw.Comma = ';'
	cw.Write(exportHeader)
	for _, row := range ov.Rows {
		cw.Write(exportRecord(row))
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	download(w, "text/csv; charset=utf-8", exportName(ov, "csv"))
	_, err = w.Write(buf.Bytes())
	return err
}

func (h *Handler) assessmentXLSX(w http.ResponseWriter, r *http.Request) error {
	ov, err := h.exportable(r)
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Beoordeling"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	if err := writeSheet(f, sheet, ov); err != nil {
		return fmt.Errorf("build xlsx: %w", err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	download(w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", exportName(ov, "xlsx"))
	_, err = w.Write(buf.Bytes())
	return err
}

func writeSheet(f *excelize.File, sheet string, ov *overview) error {
	header := make([]any, len(exportHeader))
	for i, s := range exportHeader {
		header[i] = s
	}
	if err := f.SetSheetRow(sheet, "A1", &header); err != nil {
		return err
	}
	for i, row := range ov.Rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		values := []any{row.ProviderName, row.ProviderID, assessment.OutcomeNames[row.Outcome], row.Score, row.MaxScore,
			strings.Join(row.OpenKnockouts, "; ")}
		if err := f.SetSheetRow(sheet, cell, &values); err != nil {
			return err
		}
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	if err := f.SetRowStyle(sheet, 1, 1, bold); err != nil {
		return err
	}
	for col, width := range map[string]float64{"A": 40, "B": 24, "C": 24, "D": 8, "E": 16, "F": 80} {
		if err := f.SetColWidth(sheet, col, col, width); err != nil {
			return err
		}
	}
	last, _ := excelize.CoordinatesToCellName(len(exportHeader), len(ov.Rows)+1)
	if err := f.AutoFilter(sheet, "A1:"+last, nil); err != nil {
		return err
	}
	return f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}

func download(w http.ResponseWriter, contentType, name string) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
}

func exportName(ov *overview, ext string) string {
	return fmt.Sprintf("beoordeling-%s-%s.%s", ov.Policy.ID, ov.Run.StartedAt.In(amsterdam).Format("2006-01-02"), ext)
}

type providerAssessment struct {
	Policy   *policy.Compiled
	Provider *provider.Provider
	Result   *assessment.Result
	Facts    []factLine
}

type factLine struct {
	Label, Value string
	provider.Fact
}

func (h *Handler) providerAssessmentPage(w http.ResponseWriter, r *http.Request) error {
	actor := principal(r)
	pol, err := h.Policies.Policy(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	// The assessment first: it decides whether the caller may see this provider here.
	res, err := h.Assessments.AssessProvider(r.Context(), actor, pol.ID, r.PathValue("providerID"))
	if err != nil {
		return err
	}
	p, err := h.Providers.Provider(r.Context(), actor, res.ProviderID)
	if err != nil {
		return err
	}
	v := providerAssessment{Policy: pol, Provider: p, Result: res}
	for _, f := range p.Facts {
		if f.Insurer != "" && f.Insurer != pol.Insurer {
			continue
		}
		label, value := h.factValue(f)
		v.Facts = append(v.Facts, factLine{Label: label, Value: value, Fact: f})
	}
	return h.render(w, http.StatusOK, "assessment_provider.html", p.Name+": beoordeling", v)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
