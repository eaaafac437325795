package api

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

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

// orgAuditEntryJSON is an entry as an organisation's beheerder reads it: numbered by its
// place in the organisation's trail, without the seq and hashes, which count (and, hashed
// together, give away) every organisation's entries.
type orgAuditEntryJSON struct {
	Position   int64           `json:"position"`
	At         time.Time       `json:"at"`
	UserID     string          `json:"user_id"`
	UserName   string          `json:"user_name"`
	OrgID      string          `json:"org_id"`
	Action     string          `json:"action"`
	ActionText string          `json:"action_text"`
	Subject    string          `json:"subject"`
	Scope      string          `json:"scope"`
	Dossier    string          `json:"dossier"`
	Before     json.RawMessage `json:"before,omitempty"`
	After      json.RawMessage `json:"after,omitempty"`
	Reason     string          `json:"reason"`
	Denied     bool            `json:"denied"`
}

func newOrgAuditEntry(e audit.Entry) orgAuditEntryJSON {
	return orgAuditEntryJSON{Position: e.Pos, At: e.At, UserID: e.UserID, UserName: e.UserName, OrgID: e.OrgID,
		Action: e.Action, ActionText: audit.ActionText(e), Subject: e.Subject, Scope: e.Scope, Dossier: e.Dossier,
		Before: e.Before, After: e.After, Reason: e.Reason, Denied: e.Denied}
}

type auditPage struct {
	Entries []any `json:"entries"` // auditEntryJSON for the operator, else orgAuditEntryJSON
	// NextBefore is the before parameter of the next (older) page: the last entry's seq
	// for the operator, its position for a beheerder; absent on the last page.
	NextBefore int64 `json:"next_before,omitempty"`
}

// listAudit returns the audit trail of an organisation (org), or the whole trail for the
// operator, newest first. The identity service decides who may read which trail; the
// operator reads entries as stored, a beheerder numbered by place in the trail.
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
			errs = append(errs, apperr.Invalidf("before", "before %q must be a whole number of 1 or more (next_before of the previous page)", v))
		}
		f.Before = n
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
	pg, err := h.Identity.AuditTrail(r.Context(), p, q.Get("org"), f)
	if err != nil {
		return err
	}
	out := auditPage{Entries: []any{}, NextBefore: pg.Next}
	whole := audit.SeesWholeTrail(p)
	for _, e := range pg.Entries {
		if whole {
			out.Entries = append(out.Entries, auditEntryJSON{Entry: e, ActionText: audit.ActionText(e)})
		} else {
			out.Entries = append(out.Entries, newOrgAuditEntry(e))
		}
	}
	return writeJSON(w, http.StatusOK, out)
}
