package identity

// What the areas' constructors share: the refusal of a missing dependency, and the
// explicit stand-ins for a trail and a transaction that tests of the rules alone use.

import (
	"context"
	"reflect"

	"zorginkoop/internal/audit"
)

// NoAudit records nothing. Test-only: for tests of an area's rules alone, over a store
// without an audit trail. Every command and server gets its real trail from app.New;
// passing NoAudit there would silently drop the trail.
var NoAudit Auditor = noAudit{}

type noAudit struct{}

func (noAudit) Record(_ context.Context, e audit.Entry) (audit.Entry, error) { return e, nil }

// NoTx runs each function as it is, without a transaction. Test-only: for tests of an
// area's rules alone, over a store without transactions. Every command and server passes
// its store.DB (see app.New).
var NoTx TxRunner = noTx{}

type noTx struct{}

func (noTx) InTx(ctx context.Context, fn func(ctx context.Context) error) error { return fn(ctx) }

// Require panics when dependency v of constructor is nil (a nil interface, or an interface
// holding a nil pointer, map or func): a service built without one of its dependencies is
// a wiring bug, found at start-up rather than by a missing audit entry.
func Require(constructor, name string, v any) {
	if isNil(v) {
		panic(constructor + ": " + name + " is nil; wire services with app.New (tests of the rules alone: identity.NoAudit, identity.NoTx)")
	}
}

func isNil(v any) bool {
	if v == nil {
		return true
	}
	switch rv := reflect.ValueOf(v); rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Func, reflect.Interface, reflect.Slice, reflect.Chan:
		return rv.IsNil()
	}
	return false
}
