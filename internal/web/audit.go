package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/csvout"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/nl"
)

// The Logboek: the audit trail of the caller's organisation (its beheerder), or of any
// organisation or the whole platform (the operator), as a page and as CSV. The identity
// service decides who may read which trail.

const (
	auditPerPage    = 50
	auditCSVMaxRows = 100_000 // a download holds at most this many entries, the newest first
	auditValueRunes = 160     // a value before or after longer than this is shortened on the page
)

// auditQuery is what the Logboek shows: whose trail, filtered, from which entry.
type auditQuery struct {
	Org     string // the organisation; "" is the whole trail (the operator's)
	Dossier string
	Subject string
	Before  int64 // entries numbered below this (audit.Entry.Number); 0 from the newest
}

// readAuditQuery reads the query string. Without an organisation a beheerder sees their
// own organisation's trail; the operator sees the whole trail.
func readAuditQuery(r *http.Request) (auditQuery, error) {
	q := r.URL.Query()
	aq := auditQuery{Org: strings.TrimSpace(q.Get("organisatie")), Dossier: strings.TrimSpace(q.Get("dossier")),
		Subject: strings.TrimSpace(q.Get("onderwerp"))}
	if p := principal(r); aq.Org == "" && !p.MayViewAudit("") {
		aq.Org = p.OrgID()
	}
	if v := q.Get("voor"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			return aq, &apperr.Error{Code: apperr.Invalid, Field: "voor", Message: "voor must be a whole number of 1 or more",
				Dutch: "De pagina van het logboek bestaat niet. Begin opnieuw bij de nieuwste regels."}
		}
		aq.Before = n
	}
	return aq, nil
}

// values are the query string of aq, for links; before 0 is left out.
func (aq auditQuery) values() url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"organisatie": aq.Org, "dossier": aq.Dossier, "onderwerp": aq.Subject} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if aq.Before > 0 {
		v.Set("voor", strconv.FormatInt(aq.Before, 10))
	}
	return v
}

func (aq auditQuery) url(path string) string {
	if q := aq.values().Encode(); q != "" {
		return path + "?" + q
	}
	return path
}

// auditTrail reads a page of up to limit entries of the trail aq asks for.
func (h *Handler) auditTrail(r *http.Request, aq auditQuery, limit int) (audit.Page, error) {
	return h.Identity.AuditTrail(r.Context(), principal(r), aq.Org,
		audit.Filter{Dossier: aq.Dossier, Subject: aq.Subject, Before: aq.Before, Limit: limit})
}

// auditRow is one entry as the Logboek shows it, numbered as the viewer may see it
// (audit.Entry.Number): by seq for the operator, by place in the organisation's trail for
// a beheerder.
type auditRow struct {
	Number                                  int64
	At, User, Org, Action, Subject, Dossier string
	Reason                                  string
	Denied                                  bool
	Before, After                           string // shortened
	BeforeFull, AfterFull                   string // whole, when shortened
}

type auditView struct {
	Orgs      []identity.Organisation // the operator's choice of organisation; nil for a beheerder
	Query     auditQuery
	Heading   string
	Rows      []auditRow
	OlderURL  string
	NewestURL string // when not on the first page
	CSVURL    string
}

func (h *Handler) auditPage(w http.ResponseWriter, r *http.Request) error {
	aq, err := readAuditQuery(r)
	if err != nil {
		return err
	}
	pg, err := h.auditTrail(r, aq, auditPerPage)
	if err != nil {
		return err
	}
	orgs, err := h.Identity.AuditOrganisations(r.Context(), principal(r))
	if err != nil {
		return err
	}
	names := orgNames(orgs)
	v := auditView{Query: aq, Heading: "Logboek", CSVURL: aq.url("/logboek.csv")}
	if principal(r).MayViewAudit("") {
		v.Orgs = orgs
	}
	switch {
	case aq.Org != "":
		v.Heading = "Logboek van " + names(aq.Org)
	case len(v.Orgs) > 0:
		v.Heading = "Logboek van het hele platform"
	}
	if pg.Next > 0 {
		older := aq
		older.Before = pg.Next
		v.OlderURL = older.url("/logboek")
	}
	if aq.Before > 0 {
		newest := aq
		newest.Before = 0
		v.NewestURL = newest.url("/logboek")
	}
	for _, e := range pg.Entries {
		v.Rows = append(v.Rows, newAuditRow(e, names))
	}
	return h.render(w, http.StatusOK, "audit.html", v.Heading, v)
}

// orgNames names organisations by the ones the caller may choose, and the operator's;
// another organisation is named by its id.
func orgNames(orgs []identity.Organisation) func(id string) string {
	m := map[string]string{identity.OperatorOrgID: identity.System().Org.Name}
	for _, o := range orgs {
		m[o.ID] = o.Name
	}
	return func(id string) string {
		if n, ok := m[id]; ok {
			return n
		}
		return id
	}
}

func newAuditRow(e audit.Entry, orgName func(string) string) auditRow {
	row := auditRow{Number: e.Number(), At: nl.DateTime(e.At), User: e.UserName, Action: audit.ActionText(e),
		Subject: e.Subject, Dossier: e.Dossier, Reason: e.Reason, Denied: e.Denied}
	if e.OrgID != "" {
		row.Org = orgName(e.OrgID)
	}
	row.Before, row.BeforeFull = shorten(string(e.Before))
	row.After, row.AfterFull = shorten(string(e.After))
	return row
}

// shorten returns s cut to auditValueRunes with an ellipsis, and s itself when it was cut.
func shorten(s string) (short, full string) {
	if utf8.RuneCountInString(s) <= auditValueRunes {
		return s, ""
	}
	return string([]rune(s)[:auditValueRunes-1]) + "…", s
}

var auditCSVHeader = []string{"Volgnummer", "Tijdstip", "Tijdstip (UTC)", "Gebruiker", "Gebruiker-id", "Organisatie",
	"Actie", "Actiecode", "Onderwerp", "Betreft", "Dossier", "Reden", "Geweigerd", "Voor", "Na"}

// auditCSVRecord is an entry in full, with the codes the page turns into names.
func auditCSVRecord(e audit.Entry) []string {
	return []string{strconv.FormatInt(e.Number(), 10), nl.DateTime(e.At), e.At.UTC().Format(time.RFC3339Nano),
		e.UserName, e.UserID, e.OrgID, audit.ActionText(e), e.Action, e.Subject, e.Scope,
		e.Dossier, e.Reason, nl.Bool(e.Denied), string(e.Before), string(e.After)}
}

// auditCSV writes the entries of the page's filters, from its page on, as CSV the way
// Dutch spreadsheet programs open it (UTF-8 with byte-order mark, semicolons), streaming
// page by page, at most auditCSVMaxRows.
func (h *Handler) auditCSV(w http.ResponseWriter, r *http.Request) error {
	aq, err := readAuditQuery(r)
	if err != nil {
		return err
	}
	// The first page before anything is written, so that a refusal gets its own answer.
	pg, err := h.auditTrail(r, aq, audit.MaxLimit)
	if err != nil {
		return err
	}
	whose := aq.Org
	if whose == "" {
		whose = "platform"
	}
	csvout.Download(w, "logboek-"+whose+"-"+h.Identity.Now().In(amsterdam).Format("2006-01-02")+".csv")
	cw := csvout.New(w, auditCSVHeader)
	rows := 0
	for {
		for _, e := range pg.Entries {
			if rows == auditCSVMaxRows {
				break
			}
			cw.Write(auditCSVRecord(e))
			rows++
		}
		if pg.Next == 0 || rows == auditCSVMaxRows {
			break
		}
		aq.Before = pg.Next
		if pg, err = h.auditTrail(r, aq, audit.MaxLimit); err != nil {
			// The answer has begun: break it off, so that the client sees a failed download
			// rather than a file that looks whole.
			h.Log.Error("audit CSV: read the next page", "err", err)
			cw.Flush()
			panic(http.ErrAbortHandler)
		}
	}
	return cw.Flush()
}
