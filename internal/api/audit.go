package api

import (
	"net/http"
	"strconv"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/identity"
)

// auditEntryJSON is an entry of the trail as stored (with its hashes, so that a client can
// check the chain) and the Dutch name of its action.
type auditEntryJSON struct {
	audit.Entry
	ActionText string `json:"action_text"`
}

type auditPage struct {
	Entries []auditEntryJSON `json:"entries"`
	// NextBefore is the before parameter of the next (older) page; absent on the last page.
	NextBefore int64 `json:"next_before,omitempty"`
}

// listAudit returns the audit trail of an organisation (org), or the whole trail for the
// operator, newest first. The identity service decides who may read which trail.
func (h *Handler) listAudit(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	if p.IsAnonymous() || h.Identity == nil {
		return identity.LoginRequired("view the audit trail")
	}
	q := r.URL.Query()
	f := audit.Filter{Subject: q.Get("subject"), Dossier: q.Get("dossier"), Limit: audit.DefaultLimit}
	var errs apperr.List
	if v := q.Get("before"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			errs = append(errs, apperr.Invalidf("before", "before %q must be a seq of 1 or more (next_before of the previous page)", v))
		}
		f.BeforeSeq = n
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > audit.MaxLimit {
			errs = append(errs, apperr.Invalidf("limit", "limit %q must be a whole number from 1 to %d", v, audit.MaxLimit))
		}
		f.Limit = n
	}
	if err := errs.Err(); err != nil {
		return err
	}
	// One more than asked, to tell whether there is an older page.
	ask := f
	ask.Limit++
	es, err := h.Identity.AuditTrail(r.Context(), p, q.Get("org"), ask)
	if err != nil {
		return err
	}
	out := auditPage{Entries: []auditEntryJSON{}}
	// At MaxLimit the extra entry is capped away: a full page may have a next one.
	if len(es) > f.Limit || len(es) == audit.MaxLimit {
		es = es[:f.Limit]
		out.NextBefore = es[len(es)-1].Seq
	}
	for _, e := range es {
		out.Entries = append(out.Entries, auditEntryJSON{Entry: e, ActionText: audit.ActionText(e)})
	}
	return writeJSON(w, http.StatusOK, out)
}
