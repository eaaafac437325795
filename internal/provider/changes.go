package provider

import "context"

// ChangeLog tells which providers were written since a change number. Every write of a
// provider's record, facts, part choices or contracts (Store.ReplaceProviders, a staged
// import's Commit, Store.DeleteProviders) takes the next change number in its own
// transaction, so a reader never sees a number before every write up to it has committed.
// It lets an instance that keeps providers in memory see the writes of any instance on the
// same database before it uses them.
type ChangeLog interface {
	// ProviderChanges returns the providers written after change number since: at most
	// limit of them, else All. since < 0 asks only for the current number (All).
	ProviderChanges(ctx context.Context, since int64, limit int) (Changes, error)
}

// Changes are the providers written after a change number.
type Changes struct {
	Seq int64    // the newest change number: ask from here next time
	IDs []string // the providers written after the number asked for, up to Seq
	All bool     // too many to list (or none asked for): read everything again
}
