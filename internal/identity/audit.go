package identity

// Who reads which part of the audit trail. The trail is per organisation: what its users
// did and what anyone did to its data. Its beheerder reads it; the operator reads any
// organisation's trail and the whole trail.

import (
	"context"
	"errors"
	"slices"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/audit"
)

// AuditReader reads the audit trail a page at a time; *audit.Log implements it, as it
// does Auditor.
type AuditReader interface {
	Page(ctx context.Context, viewer audit.Viewer, f audit.Filter) (audit.Page, error)
}

// AuditFilter selects the organisation's trail: the entries its users made and the
// entries about its data, whose scope is the organisation itself, a registry insurer it
// acts for (policies and assessments are kept per insurer, whichever organisation acted)
// or a provider record it manages. Its users' refused attempts at another organisation's
// data are left out: they are recorded only when that data exists, so they would tell
// that it does; they are in the other organisation's trail.
func (o *Organisation) AuditFilter() audit.Filter {
	return audit.Filter{OrgID: o.ID, Scopes: slices.Concat(o.Insurers, o.Providers), HideDeniedElsewhere: true}
}

// AuditTrail returns a page of the audit trail for actor, newest first, and where the next
// page starts: the trail of organisation orgID (see Organisation.AuditFilter), or with
// orgID "" the whole trail, which only the operator may read. q adds the other filters
// (subject, dossier, limit, page); its organisation and scopes are set here. The organisation's beheerder and the
// operator may read its trail; its other users get Forbidden, everyone else NotFound, as
// for an organisation that does not exist.
func (s *Service) AuditTrail(ctx context.Context, actor Principal, orgID string, q audit.Filter) (audit.Page, error) {
	if actor.IsAnonymous() {
		return audit.Page{}, LoginRequired("view the audit trail")
	}
	reader, ok := s.Audit.(AuditReader)
	if !ok {
		return audit.Page{}, errors.New("identity: the audit trail cannot be read: Service.Audit does not implement AuditReader")
	}
	f := audit.Filter{Subject: q.Subject, Dossier: q.Dossier, Limit: q.Limit, Before: q.Before}
	if orgID == "" {
		if !actor.MayViewAudit("") {
			return audit.Page{}, &apperr.Error{Code: apperr.Forbidden, Field: "org",
				Message: "only the platform operator may view the whole audit trail; choose your organisation",
				Dutch:   "Alleen de beheerder van het platform mag het hele logboek inzien. Kies uw organisatie."}
		}
		return reader.Page(ctx, actor, f)
	}
	org, err := s.auditOrganisation(ctx, actor, orgID)
	if err != nil {
		return audit.Page{}, err
	}
	of := org.AuditFilter()
	f.OrgID, f.Scopes, f.HideDeniedElsewhere = of.OrgID, of.Scopes, of.HideDeniedElsewhere
	return reader.Page(ctx, actor, f)
}

// auditOrganisation returns the organisation whose trail actor may read, or the refusal.
func (s *Service) auditOrganisation(ctx context.Context, actor Principal, orgID string) (*Organisation, error) {
	if !actor.MayViewAudit(orgID) {
		if actor.OrgID() == orgID {
			return nil, forbidden("only the organisation's beheerder may view its audit trail",
				"Alleen een beheerder van uw organisatie mag het logboek inzien.")
		}
		return nil, Hide("organisation " + orgID)
	}
	org, err := s.Store.Organisation(ctx, orgID)
	if apperr.CodeOf(err) == apperr.NotFound {
		return nil, Hide("organisation " + orgID)
	}
	return org, err
}

// AuditOrganisations lists the organisations whose trail actor may read, ordered as the
// store lists them: every organisation for the operator, a beheerder's own, none for
// anyone else.
func (s *Service) AuditOrganisations(ctx context.Context, actor Principal) ([]Organisation, error) {
	switch {
	case actor.IsAnonymous():
		return nil, LoginRequired("view the audit trail")
	case actor.MayViewAudit(""):
		return s.Store.Organisations(ctx)
	case actor.MayViewAudit(actor.OrgID()):
		return []Organisation{*actor.Org}, nil
	}
	return nil, nil
}
