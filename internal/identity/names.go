package identity

import (
	"context"

	"zorginkoop/internal/apperr"
)

// TrailNames names the organisations and users that entries of the audit trails actor may
// read mention by id: the organisation a user acted for, and the users that are the
// subject of an entry. Only a reader of some trail (a beheerder, the operator) gets names;
// others get Forbidden. Organisation names are the public names of insurers, purchasing
// parties and providers. Users are named only when actor manages them (its own
// organisation's users; every user for the operator): a user of another organisation is
// left out, and the page shows its id as the trail holds it.
type TrailNames struct {
	Orgs  map[string]string // organisation id → name
	Users map[string]string // user id → name
}

// TrailNames returns the names for the trails actor may read; see TrailNames.
func (s *Service) TrailNames(ctx context.Context, actor Principal) (*TrailNames, error) {
	if actor.IsAnonymous() {
		return nil, LoginRequired("view the audit trail")
	}
	if !actor.MayViewAudit(actor.OrgID()) {
		return nil, forbidden("only the organisation's beheerder may view its audit trail",
			"Alleen een beheerder van uw organisatie mag het logboek inzien.")
	}
	orgs, err := s.Store.Organisations(ctx)
	if err != nil {
		return nil, err
	}
	n := &TrailNames{Orgs: map[string]string{OperatorOrgID: System().Org.Name}, Users: map[string]string{SystemUserID: System().User.Name}}
	for _, o := range orgs {
		n.Orgs[o.ID] = o.Name
	}
	scope := actor.OrgID()
	if actor.IsOperator() {
		scope = ""
	}
	users, err := s.Store.Users(ctx, scope)
	if err != nil && apperr.CodeOf(err) != apperr.NotFound {
		return nil, err
	}
	for _, u := range users {
		n.Users[u.ID] = u.Name
	}
	return n, nil
}
