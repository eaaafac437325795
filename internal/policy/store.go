package policy

import (
	"context"
	"fmt"
	"io/fs"
	"time"

	"zorginkoop/internal/apperr"
)

// Record is a policy file as stored in the database.
type Record struct {
	ID       string
	File     string
	Raw      []byte
	LoadedAt time.Time
}

// Store keeps the policy files that are in force.
type Store interface {
	// SavePolicies inserts or replaces policy files, all in one transaction.
	SavePolicies(ctx context.Context, rs []Record) error
	// PolicyRecords returns every stored policy file, ordered by id.
	PolicyRecords(ctx context.Context) ([]Record, error)
}

// Add puts a compiled policy in the library, replacing one with the same id.
func (lib *Library) Add(c *Compiled) { lib.policies[c.ID] = c }

// LoadStored builds a library from the registry and facts in base and the policies stored
// in the database.
func LoadStored(ctx context.Context, base fs.FS, st Store) (*Library, error) {
	lib, err := LoadBase(base)
	if err != nil {
		return nil, err
	}
	recs, err := st.PolicyRecords(ctx)
	if err != nil {
		return nil, err
	}
	var errs apperr.List
	for _, r := range recs {
		c, err := lib.Parse(r.File, r.Raw)
		if err != nil {
			errs = append(errs, apperr.Errors(err)...)
			continue
		}
		lib.Add(c)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("stored policies no longer load: %w", errs)
	}
	return lib, nil
}

// Install validates policy files and stores them; nothing is stored if any file is invalid.
func Install(ctx context.Context, lib *Library, st Store, now time.Time, files map[string][]byte) ([]*Compiled, error) {
	var (
		errs     apperr.List
		compiled []*Compiled
	)
	for name, data := range files {
		c, err := lib.Parse(name, data)
		if err != nil {
			errs = append(errs, apperr.Errors(err)...)
			continue
		}
		compiled = append(compiled, c)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	recs := make([]Record, len(compiled))
	for i, c := range compiled {
		recs[i] = Record{ID: c.ID, File: c.File, Raw: c.Raw, LoadedAt: now}
	}
	if err := st.SavePolicies(ctx, recs); err != nil {
		return nil, err
	}
	for _, c := range compiled {
		lib.Add(c)
	}
	return compiled, nil
}
