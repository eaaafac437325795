package policy

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"sort"
	"time"

	"zorginkoop/internal/apperr"
)

// Status says whether a policy is public.
type Status string

const (
	// Draft policies are visible only to their insurer's side and the operator.
	Draft Status = "draft"
	// Published policies are public.
	Published Status = "published"
)

// Record is a policy file as stored in the database.
type Record struct {
	ID       string
	File     string
	Raw      []byte
	LoadedAt time.Time
	Status   Status
	// Insurer is the registry insurer that owns the policy (the file's insurer field).
	Insurer string
	// Version counts the saves of this id, from 1; SavePolicy compares it.
	Version int
}

// Store keeps the policy files: drafts and those in force.
type Store interface {
	// SavePolicies inserts or replaces policy files, all in one transaction, each as given
	// (status and insurer) with its version increased.
	SavePolicies(ctx context.Context, rs []Record) error
	// SavePolicy stores one policy file if the stored one is still at version prev, where
	// prev 0 means the id must be new. It sets r.Version to the stored version, and
	// returns an apperr Conflict error when the id exists (prev 0) or the version moved on.
	SavePolicy(ctx context.Context, r *Record, prev int) error
	// PolicyRecords returns every stored policy file, ordered by id.
	PolicyRecords(ctx context.Context) ([]Record, error)
	// PolicyRecord returns one stored policy file, or an apperr NotFound error.
	PolicyRecord(ctx context.Context, id string) (*Record, error)
	// PolicyVersions returns the version of every stored policy file by id: a cheap way
	// to tell whether a library is current.
	PolicyVersions(ctx context.Context) (map[string]int, error)
}

// Add puts a compiled policy in the library, replacing one with the same id unless that
// one is a newer stored version (two app instances may add versions in any order).
func (lib *Library) Add(c *Compiled) {
	lib.mu.Lock()
	defer lib.mu.Unlock()
	if old, ok := lib.policies[c.ID]; ok && old.Version > c.Version {
		return
	}
	lib.policies[c.ID] = c
}

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
		c.Status, c.Version = r.Status, r.Version
		lib.Add(c)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("stored policies no longer load: %w", errs)
	}
	return lib, nil
}

// Install validates policy files and stores as published those that are new or differ
// from what is stored, leaving unchanged ones (and their versions) alone; nothing is stored
// if any file is invalid. It returns the policies it stored, which it adds to lib. It
// seeds test databases; the operator's command (zorginkoop demo) uses Service.Install,
// which records each change in the audit trail.
func Install(ctx context.Context, lib *Library, st Store, now time.Time, files map[string][]byte) ([]*Compiled, error) {
	changed, _, err := install(ctx, lib, st, now, files)
	if err != nil {
		return nil, err
	}
	for _, c := range changed {
		lib.Add(c)
	}
	return changed, nil
}

// install parses files and stores the new and changed ones; it returns them with their new
// versions, and the records they replaced by id.
func install(ctx context.Context, lib *Library, st Store, now time.Time, files map[string][]byte) ([]*Compiled, map[string]Record, error) {
	var errs apperr.List
	stored, err := st.PolicyRecords(ctx)
	if err != nil {
		return nil, nil, err
	}
	before := map[string]Record{}
	for _, r := range stored {
		before[r.ID] = r
	}
	var changed []*Compiled
	for name, data := range files {
		c, err := lib.Parse(name, data)
		if err != nil {
			errs = append(errs, apperr.Errors(err)...)
			continue
		}
		if old, ok := before[c.ID]; !ok || old.Status != Published || !bytes.Equal(old.Raw, c.Raw) {
			changed = append(changed, c)
		}
	}
	if len(errs) > 0 {
		return nil, nil, errs
	}
	sort.Slice(changed, func(i, j int) bool { return changed[i].ID < changed[j].ID })
	recs := make([]Record, len(changed))
	for i, c := range changed {
		recs[i] = Record{ID: c.ID, File: c.File, Raw: c.Raw, LoadedAt: now, Status: Published, Insurer: c.Insurer}
	}
	if len(recs) > 0 {
		if err := st.SavePolicies(ctx, recs); err != nil {
			return nil, nil, err
		}
	}
	if stored, err = st.PolicyRecords(ctx); err != nil {
		return nil, nil, err
	}
	version := map[string]int{}
	for _, r := range stored {
		version[r.ID] = r.Version
	}
	for _, c := range changed {
		c.Status, c.Version = Published, version[c.ID]
	}
	return changed, before, nil
}
