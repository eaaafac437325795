package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"zorginkoop/internal/assessment"
	"zorginkoop/internal/csvout"
	"zorginkoop/internal/httpauth"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/provider"
)

// assessmentPerPage is how many providers the overview shows at once.
const assessmentPerPage = 100

// overviewRow is one provider in the assessment overview and its downloads.
type overviewRow struct {
	ProviderID    string
	ProviderName  string
	Outcome       assessment.Outcome
	Score         int
	MaxScore      int
	OpenKnockouts []string // titles of knock-out requirements not met or unknown
	// Parts are the parts of the contract whose conditions were judged, with the outcome.
	Parts []assessment.PartOutcome
}

type outcomeCount struct {
	Outcome assessment.Outcome
	Count   int
}

type overview struct {
	Policy   *policy.Compiled
	Run      *assessment.RunCounts // nil when the policy was never assessed
	Counts   []outcomeCount
	Outcome  assessment.Outcome // filter; empty for all
	CareType string             // filter; empty for all
	Query    string             // filter: part of a name or id; empty for all
	Outcomes []assessment.Outcome
	// Part and PartOutcome filter by a part's outcome; empty for all.
	Part         string
	PartOutcome  assessment.Outcome
	PartOutcomes []partOutcomeOption
	PartTotals   []partTotal // per part of the run, how the providers came out
	Rows         []overviewRow
	Total        int // rows that match the filters
	First        int // 1-based number of the first row shown
	Last         int
	PrevURL      string
	NextURL      string
	CSVURL       string // downloads with the same filters
	XLSXURL      string
	CSRF         string // the token of the form that runs an assessment
	// Register: the providers in the register now and how many of them the policy's care
	// types leave out; Stale: providers changed after the run.
	Register   provider.Register
	OutOfScope int
	Stale      bool
	Sort       string // the sort parameter as read ("naam", "-score"); empty for the saved order
	SortLinks  map[string]sortLink
}

// sortLink is a column heading's link: the overview sorted by that column, the other way
// round when it is sorted by it already.
type sortLink struct {
	URL   string
	Arrow string // ▲ or ▼ on the column sorted by
}

// sortParams are the sort parameter's values and the sorts they stand for.
var sortParams = map[string]assessment.Sort{"naam": assessment.SortName, "uitkomst": assessment.SortOutcome, "score": assessment.SortScore}

// readSort reads the sort parameter: "naam" ascending, "-naam" descending. An unknown
// value is passed on for the service to refuse in Dutch.
func readSort(v string) (assessment.Sort, bool) {
	name, desc := strings.CutPrefix(v, "-")
	if s, ok := sortParams[name]; ok {
		return s, desc
	}
	return assessment.Sort(v), false
}

// sortLinks are the headings' links for the overview at base with the filters keep, now
// sorted by current.
func sortLinks(base string, keep url.Values, current string) map[string]sortLink {
	out := map[string]sortLink{}
	for name := range sortParams {
		next, arrow := name, ""
		if name == "score" { // the highest score first
			next = "-score"
		}
		switch current {
		case name:
			next, arrow = "-"+name, "▲"
		case "-" + name:
			next, arrow = name, "▼"
		}
		u := url.Values{}
		for k, v := range keep {
			u[k] = v
		}
		u.Set("sorteer", next)
		out[name] = sortLink{URL: base + "?" + u.Encode(), Arrow: arrow}
	}
	return out
}

// partOutcomeOption is an outcome in the filter on a part's outcome.
type partOutcomeOption struct {
	Outcome assessment.Outcome
	Text    string
}

func partOutcomeOptions() []partOutcomeOption {
	var out []partOutcomeOption
	for _, o := range assessment.PartOutcomes {
		text := assessment.OutcomeNames[o] // "niet aangevraagd of aangeboden": any part
		if o != assessment.NotRequested {
			text = assessment.PartOutcomeName(&policy.Part{}, o)
		}
		out = append(out, partOutcomeOption{o, text})
	}
	return out
}

// partTotal is one part of the contract in the overview's totals: per outcome how many
// providers came out so, each linking to them.
type partTotal struct {
	Title      string
	Initiative policy.Initiative
	ToAll      bool
	Counts     []partCount
}

type partCount struct {
	Outcome assessment.Outcome
	Text    string // Dutch, for this part
	Count   int
	URL     string // the overview filtered by this outcome of the part
}

// partTotals are the totals per part of run, linked from base (the overview's path).
func partTotals(pol *policy.Compiled, run *assessment.RunCounts, base string) []partTotal {
	var out []partTotal
	for i := range run.Parts {
		pc := &run.Parts[i]
		pt, _, ok := pol.Part(pc.Part)
		if !ok {
			pt = &policy.Part{ID: pc.Part, Title: pc.Part}
		}
		t := partTotal{Title: pt.Title, Initiative: pt.Initiative, ToAll: pt.OfferedToAll}
		for _, o := range assessment.PartOutcomes {
			if pc.Count(o) == 0 {
				continue
			}
			q := url.Values{"onderdeel": {pc.Part}, "onderdeel_uitkomst": {string(o)}}
			text := assessment.PartOutcomeName(pt, o)
			if o == assessment.OutOfScope {
				text = "staat niet open voor hun zorgsoort" // a count of providers, not one
			}
			t.Counts = append(t.Counts, partCount{Outcome: o, Text: text, Count: pc.Count(o), URL: base + "?" + q.Encode()})
		}
		out = append(out, t)
	}
	return out
}

// overviewFilter reads the filters of the overview and its downloads from the query
// string. Unknown values are not dropped: the service refuses them, in Dutch.
func overviewFilter(r *http.Request) (assessment.SummaryFilter, url.Values) {
	q := r.URL.Query()
	f := assessment.SummaryFilter{Outcome: assessment.Outcome(q.Get("uitkomst")), CareType: q.Get("zorgsoort"),
		Query: strings.TrimSpace(q.Get("zoek")), Part: q.Get("onderdeel"), PartOutcome: assessment.Outcome(q.Get("onderdeel_uitkomst"))}
	keep := url.Values{}
	for key, v := range map[string]string{"uitkomst": string(f.Outcome), "zorgsoort": f.CareType, "zoek": f.Query,
		"onderdeel": f.Part, "onderdeel_uitkomst": string(f.PartOutcome)} {
		if v != "" {
			keep.Set(key, v)
		}
	}
	return f, keep
}

// overview loads one page of the latest run with the filters of the query string.
func (h *Handler) overview(r *http.Request) (*overview, error) {
	actor := principal(r)
	pol, err := h.Policies.Policy(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	f, keep := overviewFilter(r)
	pageNo := 1
	if n, err := strconv.Atoi(r.URL.Query().Get("pagina")); err == nil && n > 1 {
		pageNo = n
	}
	f.Offset, f.Limit = (pageNo-1)*assessmentPerPage, assessmentPerPage
	sortParam := r.URL.Query().Get("sorteer")
	f.Sort, f.Desc = readSort(sortParam)
	ov := &overview{Policy: pol, Outcomes: assessment.Outcomes, Outcome: f.Outcome, CareType: f.CareType, Query: f.Query,
		Part: f.Part, PartOutcome: f.PartOutcome, PartOutcomes: partOutcomeOptions(), CSRF: httpauth.CSRFToken(r.Context())}
	base := "/beleid/" + url.PathEscape(pol.ID) + "/beoordeling"
	ov.CSVURL, ov.XLSXURL = base+".csv", base+".xlsx"
	if q := keep.Encode(); q != "" {
		ov.CSVURL += "?" + q
		ov.XLSXURL += "?" + q
	}
	page, err := h.Assessments.Summaries(r.Context(), actor, pol.ID, f)
	if errors.Is(err, assessment.ErrNotAssessed) {
		return ov, nil
	}
	if err != nil {
		return nil, err
	}
	ov.Run, ov.Total = page.Run, page.Total
	ov.Register, ov.OutOfScope, ov.Stale = page.Register, page.OutOfScope(), page.Stale
	ov.Sort, ov.SortLinks = sortParam, sortLinks(base, keep, sortParam)
	for _, o := range assessment.Outcomes {
		if o == assessment.OutOfScope {
			continue // a run judges only providers in scope; the register says how many are not
		}
		ov.Counts = append(ov.Counts, outcomeCount{o, page.Run.Count(o)})
	}
	ov.PartTotals = partTotals(pol, page.Run, base)
	for i := range page.Summaries {
		ov.Rows = append(ov.Rows, row(pol, page.Run, &page.Summaries[i]))
	}
	if len(ov.Rows) > 0 {
		ov.First = f.Offset + 1
		ov.Last = f.Offset + len(ov.Rows)
	}
	link := func(n int) string {
		u := url.Values{}
		for k, v := range keep {
			u[k] = v
		}
		u.Set("pagina", strconv.Itoa(n))
		if sortParam != "" {
			u.Set("sorteer", sortParam)
		}
		return base + "?" + u.Encode()
	}
	if pageNo > 1 {
		ov.PrevURL = link(min(pageNo-1, (ov.Total+assessmentPerPage-1)/assessmentPerPage))
	}
	if page.Next > 0 {
		ov.NextURL = link(pageNo + 1)
	}
	return ov, nil
}

func row(pol *policy.Compiled, run *assessment.RunCounts, s *assessment.Summary) overviewRow {
	r := overviewRow{ProviderID: s.ProviderID, ProviderName: s.ProviderName, Outcome: s.Outcome, Score: s.Score, MaxScore: s.MaxScore}
	for _, k := range s.OpenKnockouts(pol) {
		r.OpenKnockouts = append(r.OpenKnockouts, k.Requirement.Title)
	}
	for _, p := range run.PartsOf(pol, s) {
		if p.Outcome.Judged() {
			r.Parts = append(r.Parts, p)
		}
	}
	return r
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

// exportColumns is the header of a download of run: exportHeader, then one column per
// part of the contract, headed by its title (and its id, should two titles be the same:
// a spreadsheet table needs every heading once).
func exportColumns(pol *policy.Compiled, run *assessment.RunCounts) []string {
	cols := slices.Clone(exportHeader)
	seen := map[string]bool{}
	for _, c := range cols {
		seen[strings.ToLower(c)] = true
	}
	for _, pc := range run.Parts {
		title := assessment.PartTitle(pol, pc.Part)
		if seen[strings.ToLower(title)] {
			title += " (" + pc.Part + ")"
		}
		seen[strings.ToLower(title)] = true
		cols = append(cols, title)
	}
	return cols
}

// exportRecord is one provider in a download; record is reused between calls.
func exportRecord(pol *policy.Compiled, run *assessment.RunCounts, s *assessment.Summary, record []string) []string {
	var open strings.Builder
	for i, k := range s.OpenKnockouts(pol) {
		if i > 0 {
			open.WriteString("; ")
		}
		open.WriteString(k.Requirement.Title)
	}
	record = append(record[:0], s.ProviderName, s.ProviderID, assessment.OutcomeNames[s.Outcome],
		strconv.Itoa(s.Score), strconv.Itoa(s.MaxScore), open.String())
	parts := run.PartsOf(pol, s)
	for k := range run.Parts {
		text := ""
		if k < len(parts) {
			text = parts[k].OutcomeText
		}
		record = append(record, text)
	}
	return record
}

// export streams the latest run of the page's policy with the page's filters (all pages):
// begin is called with the run before the first row, row with each provider. begin is
// called only once the caller may read the run, so a refusal gets its own answer.
func (h *Handler) export(w http.ResponseWriter, r *http.Request, begin func(*policy.Compiled, *assessment.RunCounts) error,
	row func(pol *policy.Compiled, run *assessment.RunCounts, s *assessment.Summary) error) error {
	actor := principal(r)
	pol, err := h.Policies.Policy(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	f, _ := overviewFilter(r)
	var run *assessment.RunCounts
	return h.Assessments.EachSummary(r.Context(), actor, pol.ID, f, func(rc *assessment.RunCounts) error {
		run = rc
		return begin(pol, run)
	}, func(s *assessment.Summary) error { return row(pol, run, s) })
}

// assessmentCSV writes the overview as CSV, row by row from the store (csvout: the way
// Dutch spreadsheet programs open it, every cell guarded against formulas).
func (h *Handler) assessmentCSV(w http.ResponseWriter, r *http.Request) error {
	var cw *csvout.Writer
	var record []string
	err := h.export(w, r, func(pol *policy.Compiled, run *assessment.RunCounts) error {
		csvout.Download(w, exportName(pol, run, "csv"))
		cols := exportColumns(pol, run)
		cw = csvout.New(w, cols)
		record = make([]string, 0, len(cols))
		return nil
	}, func(pol *policy.Compiled, run *assessment.RunCounts, s *assessment.Summary) error {
		record = exportRecord(pol, run, s, record)
		return cw.Write(record)
	})
	if cw == nil {
		return err // nothing written yet: the error gets its own answer
	}
	if err == nil {
		err = cw.Flush()
	}
	if err != nil {
		// The answer has begun; a client sees a short file, the log says why.
		h.Log.Error("assessment CSV broken off", "policy", r.PathValue("id"), "err", err)
	}
	return nil
}

// assessmentXLSX writes the overview as an Excel workbook through excelize's stream writer,
// which keeps at most 16 MB of the sheet in memory and the rest in a temporary file.
func (h *Handler) assessmentXLSX(w http.ResponseWriter, r *http.Request) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Beoordeling"
	var (
		sw     *excelize.StreamWriter
		name   string
		rows   int
		cols   []string
		record []string
		values []any
	)
	err := h.export(w, r, func(pol *policy.Compiled, run *assessment.RunCounts) error {
		name = exportName(pol, run, "xlsx")
		cols = exportColumns(pol, run)
		record, values = make([]string, 0, len(cols)), make([]any, len(cols))
		var err error
		if sw, err = startSheet(f, sheet, cols); err != nil {
			return fmt.Errorf("build xlsx: %w", err)
		}
		return nil
	}, func(pol *policy.Compiled, run *assessment.RunCounts, s *assessment.Summary) error {
		record = exportRecord(pol, run, s, record)
		for i, v := range record {
			values[i] = v
		}
		values[3], values[4] = s.Score, s.MaxScore
		rows++
		cell, _ := excelize.CoordinatesToCellName(1, rows+1)
		return sw.SetRow(cell, values)
	})
	if err != nil || sw == nil {
		return err
	}
	// A table gives the header its filter buttons; File.AutoFilter would read the whole
	// streamed sheet back into memory.
	last, _ := excelize.CoordinatesToCellName(len(cols), rows+1)
	noStripes := false
	if err := sw.AddTable(&excelize.Table{Range: "A1:" + last, Name: "Beoordeling", StyleName: "TableStyleLight1", ShowRowStripes: &noStripes}); err != nil {
		return fmt.Errorf("build xlsx: %w", err)
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("build xlsx: %w", err)
	}
	// The workbook is zipped in memory (excelize has no streaming zip): its size is about a
	// tenth of the sheet's XML.
	download(w, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", name)
	_, err = f.WriteTo(w)
	return err
}

// startSheet names the first sheet and returns its stream writer with the column widths,
// the frozen bold header row of cols written.
func startSheet(f *excelize.File, sheet string, cols []string) (*excelize.StreamWriter, error) {
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	for i, width := range []float64{40, 24, 24, 8, 16, 80} {
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return nil, err
		}
	}
	if len(cols) > len(exportHeader) { // the parts
		if err := sw.SetColWidth(len(exportHeader)+1, len(cols), 32); err != nil {
			return nil, err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	header := make([]any, len(cols))
	for i, s := range cols {
		header[i] = excelize.Cell{StyleID: bold, Value: s}
	}
	return sw, sw.SetRow("A1", header)
}

func download(w http.ResponseWriter, contentType, name string) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
}

func exportName(pol *policy.Compiled, run *assessment.RunCounts, ext string) string {
	return fmt.Sprintf("beoordeling-%s-%s.%s", pol.ID, run.StartedAt.In(amsterdam).Format("2006-01-02"), ext)
}

type providerAssessment struct {
	Policy   *policy.Compiled
	Provider *provider.Provider
	Result   *assessment.Result
	Contract []contractLine // the base contract, then every part
	Groups   []itemGroup    // the judged requirements per part, base contract first
	Facts    []factLine
}

// contractLine is the outcome of the base contract or of one part, explained.
type contractLine struct {
	assessment.PartResult
	ToAll    bool   // a part the insurer offers to every provider of its care types
	Requires string // the title of the agreement this part adds to, if any
}

// itemGroup is the judged requirements of the base contract or of one part: Open (not
// met, unknown, for review) first, in that order, then Closed (met, not applicable), which
// the page folds away.
type itemGroup struct {
	Title  string
	Base   bool
	Judged bool   // false: a part not asked for, not offered or not open to the provider
	Why    string // why its conditions were not judged
	Open   []assessment.Item
	Closed []assessment.Item
	Met    int // of Closed
	NA     int // of Closed
}

// statusRank orders the requirements of a part on the drill-down: what fails first, what
// is met and what does not apply last. Within a status the policy's order stays.
var statusRank = map[assessment.Status]int{
	assessment.NotMet: 0, assessment.Unknown: 1, assessment.Review: 2, assessment.Met: 3, assessment.NotApplicable: 4,
}

// add files it under Open or Closed, keeping both sorted by statusRank.
func (g *itemGroup) add(it assessment.Item) {
	switch it.Status {
	case assessment.Met:
		g.Met++
	case assessment.NotApplicable:
		g.NA++
	default:
		g.Open = append(g.Open, it)
		return
	}
	g.Closed = append(g.Closed, it)
}

func (g *itemGroup) sort() {
	by := func(a, b assessment.Item) int { return statusRank[a.Status] - statusRank[b.Status] }
	slices.SortStableFunc(g.Open, by)
	slices.SortStableFunc(g.Closed, by)
}

// Folded says what the folded requirements are, in Dutch: "12 voldoen, 3 n.v.t.".
func (g *itemGroup) Folded() string {
	var parts []string
	switch g.Met {
	case 0:
	case 1:
		parts = append(parts, "1 eis voldoet")
	default:
		parts = append(parts, strconv.Itoa(g.Met)+" eisen voldoen")
	}
	if g.NA > 0 {
		parts = append(parts, strconv.Itoa(g.NA)+" niet van toepassing")
	}
	return strings.Join(parts, ", ")
}

// itemsTable is what the template assessmentItems shows: requirements of one policy.
type itemsTable struct {
	Policy *policy.Compiled
	Items  []assessment.Item
}

func itemsOf(pol *policy.Compiled, a, b []assessment.Item) itemsTable {
	return itemsTable{Policy: pol, Items: append(slices.Clip(a), b...)}
}

// Len is how many requirements the group has.
func (g *itemGroup) Len() int { return len(g.Open) + len(g.Closed) }

// contractView sets the drill-down's contract lines and its requirements per part.
func (v *providerAssessment) contractView() {
	pol := v.Policy
	for _, c := range v.Result.Contract {
		line := contractLine{PartResult: c}
		if pt, _, ok := pol.Part(c.Part); ok && !c.Base {
			line.ToAll = pt.OfferedToAll
			switch {
			case pt.Requires == "":
			case pt.Requires == pol.Base.ID:
				line.Requires = pol.Base.Title
			default:
				line.Requires = assessment.PartTitle(pol, pt.Requires)
			}
		}
		v.Contract = append(v.Contract, line)
		g := itemGroup{Title: c.Title, Base: c.Base, Judged: c.Outcome.Judged(), Why: c.Explanation}
		for _, it := range v.Result.Items {
			if c.Base && it.Part == "" || !c.Base && it.Part == c.Part {
				g.add(it)
			}
		}
		g.sort()
		if g.Len() > 0 {
			v.Groups = append(v.Groups, g)
		}
	}
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
	v.contractView()
	for _, f := range p.Facts {
		if !assessment.FactCounts(pol, &f) {
			continue
		}
		label, value := h.factValue(f)
		v.Facts = append(v.Facts, factLine{Label: label, Value: value, Fact: f})
	}
	return h.render(w, http.StatusOK, "assessment_provider.html", p.Name+": beoordeling", v)
}
