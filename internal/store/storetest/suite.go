package storetest

import (
	"testing"

	"zorginkoop/internal/store"
)

// Each area has its own Run (RunProviders, RunPolicies, ...) in its own file; an engine's
// tests call every one of them, one line per area.

// Opener gives each test a fresh, empty, migrated database and closes it when the test
// ends.
type Opener func(t *testing.T) store.DB

type storeTest struct {
	name string
	fn   func(t *testing.T, db store.DB)
}

// run runs each test as a subtest on a database of its own.
func run(t *testing.T, open Opener, tests []storeTest) {
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, open(t)) })
	}
}
