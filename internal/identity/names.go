package identity

import "context"

// TrailNames names the organisations that entries of the audit trails actor may read
// mention by id (the organisation a user acted for, an organisation as subject). Only a
// reader of some trail (a beheerder, the operator) gets them; others get Forbidden.
// Organisation names are the public names of insurers, purchasing parties and providers.
// The users an entry is about are named through ManagedUser, which names only the users
// actor manages.
type TrailNames struct {
	Orgs map[string]string // organisation id → name
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
	n := &TrailNames{Orgs: map[string]string{OperatorOrgID: System().Org.Name}}
	for _, o := range orgs {
		n.Orgs[o.ID] = o.Name
	}
	return n, nil
}
