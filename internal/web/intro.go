package web

import (
	"zorginkoop/internal/assessment"
	"zorginkoop/internal/identity"
)

// intro says which introduction the home page gives: what the platform does, and where
// this visitor starts. A visitor can be more than one kind (a provider's beheerder).
type intro struct {
	Anonymous bool
	Insurer   bool // assesses the policies of some insurer
	Provider  bool // works for a provider record
	Admin     bool // manages the users of its organisation
	Operator  bool
}

type indexView struct {
	Intro intro
	Rows  []policyRow
}

func introFor(p identity.Principal) intro {
	if p.IsAnonymous() {
		return intro{Anonymous: true}
	}
	return intro{
		Insurer:  assessment.MayAssessSome(p) && !p.IsOperator(),
		Provider: len(ownProviders(p)) > 0,
		Admin:    p.MayManageUsers(p.OrgID()) && !p.IsOperator(),
		Operator: p.IsOperator(),
	}
}
