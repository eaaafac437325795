package provider

import (
	"slices"

	"zorginkoop/internal/identity"
)

// Scope is which provider records a listing may show: the whole register, or only some
// records. Its zero value is no records at all, so that a scope someone forgot to set
// shows nothing rather than the whole register.
type Scope struct {
	all bool
	ids []string
}

// AllProviders is the whole register.
func AllProviders() Scope { return Scope{all: true} }

// OnlyProviders is the records with these ids; none given, no records.
func OnlyProviders(ids ...string) Scope { return Scope{ids: slices.Clone(ids)} }

// All reports whether the scope is the whole register.
func (s Scope) All() bool { return s.all }

// IDs are the records of a scope that is not the whole register (nil for AllProviders).
func (s Scope) IDs() []string {
	if s.all {
		return nil
	}
	return slices.Clone(s.ids)
}

// Contains reports whether the record with this id is in the scope.
func (s Scope) Contains(id string) bool { return s.all || slices.Contains(s.ids, id) }

// ReadScope is the provider records actor may list: the register for insurer and
// purchasing-party users and the operator, their own records for provider users, none
// for anyone else.
func ReadScope(actor identity.Principal) Scope {
	if actor.IsAnonymous() {
		return Scope{}
	}
	if MayReadRegister(actor) {
		return AllProviders()
	}
	var own []string
	for _, id := range actor.Org.Providers {
		if MayRead(actor, id) {
			own = append(own, id)
		}
	}
	return OnlyProviders(own...)
}
