package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

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
// a beheerder. Everything is in Dutch and named; Raw is the stored entry.
type auditRow struct {
	Number          int64
	At              string // "9 november 2023 om 14:05"
	User, Org       string // who, by name
	What            string // "Concept zorginkoopbeleid opgeslagen", "Inloggen mislukt: verkeerd wachtwoord"
	Subject         string // "zorginkoopbeleid …", "gebruiker …"
	Dossier, Change string
	Reason          string // in Dutch
	Denied          bool
	Raw             string // the entry as stored, indented JSON
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
	namer, err := h.newAuditNamer(r.Context(), principal(r))
	if err != nil {
		return err
	}
	v := auditView{Query: aq, Heading: "Logboek", CSVURL: aq.url("/logboek.csv")}
	if principal(r).MayViewAudit("") {
		v.Orgs = orgs
	}
	switch {
	case aq.Org != "":
		v.Heading = "Logboek van " + namer.org(aq.Org)
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
		v.Rows = append(v.Rows, namer.row(e))
	}
	return h.render(w, http.StatusOK, "audit.html", v.Heading, v)
}

func (n *auditNamer) row(e audit.Entry) auditRow {
	row := auditRow{Number: e.Number(), At: nl.DateTime(e.At), What: auditSentence(e), Subject: n.subject(e.Subject),
		Dossier: e.Dossier, Change: auditChange(e), Reason: auditReason(e.Reason), Denied: e.Denied, Raw: auditRaw(e)}
	row.User, row.Org = n.who(e)
	return row
}

// The CSV has the Dutch columns of the page first, then the codes as stored.
var auditCSVHeader = []string{"Volgnummer", "Tijdstip", "Gebruiker", "Organisatie", "Actie", "Onderwerp", "Wijziging", "Reden",
	"Geweigerd", "Dossier", "Tijdstip (UTC)", "Gebruiker-id", "Organisatie-id", "Actiecode", "Onderwerp-code", "Betreft",
	"Reden (zoals vastgelegd)", "Voor", "Na"}

// csvRecord is an entry in Dutch and in full, with the codes the page turns into names.
func (n *auditNamer) csvRecord(e audit.Entry) []string {
	row := n.row(e)
	return []string{strconv.FormatInt(e.Number(), 10), row.At, row.User, row.Org, row.What, row.Subject, row.Change, row.Reason,
		nl.Bool(e.Denied), e.Dossier, e.At.UTC().Format(time.RFC3339Nano), e.UserID, e.OrgID, e.Action, e.Subject, e.Scope,
		e.Reason, string(e.Before), string(e.After)}
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
	namer, err := h.newAuditNamer(r.Context(), principal(r))
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
			cw.Write(namer.csvRecord(e))
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
