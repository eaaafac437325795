package policy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/identity"
)

// Service applies the rules for policies above the Library and a Store: published
// policies are public; a draft is visible only to its insurer's side and the operator; an
// insurer's inkoper or beheerder (or its purchasing party's) uploads drafts, changes them
// and publishes them. A published policy does not change: a new version is a new policy
// file with a new id that names the old one in previous.
//
// Build it with NewService: its dependencies sit in an unexported struct, so that no
// caller outside this package can make one with a dependency left out.
type Service struct{ deps }

type deps struct {
	Library *Library
	Store   Store
	Audit   identity.Auditor  // never nil: identity.NoAudit in tests of the rules alone
	Tx      identity.TxRunner // makes each change and its audit entry one transaction
	Now     func() time.Time
}

// NewService returns the policy service over lib and store, recording every change in
// trail in one transaction of tx, with now as the clock. It panics on a nil dependency.
func NewService(lib *Library, store Store, trail identity.Auditor, tx identity.TxRunner, now func() time.Time) *Service {
	identity.Require("policy.NewService", "lib", lib)
	identity.Require("policy.NewService", "store", store)
	identity.Require("policy.NewService", "trail", trail)
	identity.Require("policy.NewService", "tx", tx)
	identity.Require("policy.NewService", "now", now)
	return &Service{deps{Library: lib, Store: store, Audit: trail, Tx: tx, Now: now}}
}

// NotFound is the error for a policy that does not exist or that the caller may not see:
// the same error, so that another tenant's drafts do not leak.
func NotFound(id string) error { return identity.Hide(fmt.Sprintf("policy %q", id)) }

// Visible returns the policy with id if actor may see it, else the NotFound error of a
// policy that does not exist.
func (lib *Library) Visible(actor identity.Principal, id string) (*Compiled, error) {
	c, err := lib.Policy(id)
	if err != nil {
		return nil, err
	}
	if !MayRead(actor, c) {
		return nil, NotFound(id)
	}
	return c, nil
}

// Policies lists the policies actor may see, sorted by id.
func (s *Service) Policies(ctx context.Context, actor identity.Principal) ([]*Compiled, error) {
	if err := s.Sync(ctx); err != nil {
		return nil, err
	}
	var out []*Compiled
	for _, c := range s.Library.Policies() {
		if MayRead(actor, c) {
			out = append(out, c)
		}
	}
	return out, nil
}

// Policy returns one policy actor may see, or NotFound.
func (s *Service) Policy(ctx context.Context, actor identity.Principal, id string) (*Compiled, error) {
	if err := s.Sync(ctx); err != nil {
		return nil, err
	}
	return s.Library.Visible(actor, id)
}

// Sync brings the library up to date with the database: drafts saved and policies
// published through another app instance (or installed by `zorginkoop demo`) since it
// was loaded. When nothing changed it costs one small query; a changed policy is read and
// compiled again. So app instances keep no state of their own that others could miss.
func (s *Service) Sync(ctx context.Context) error {
	versions, err := s.Store.PolicyVersions(ctx)
	if err != nil {
		return err
	}
	for id, v := range versions {
		if c, err := s.Library.Policy(id); err == nil && c.Version >= v {
			continue
		}
		r, err := s.Store.PolicyRecord(ctx, id)
		if err != nil {
			return err
		}
		c, err := s.Library.Parse(r.File, r.Raw)
		if err != nil {
			return fmt.Errorf("stored policy %s no longer loads: %w", id, err)
		}
		c.Status, c.Version = r.Status, r.Version
		s.Library.Add(c)
	}
	return nil
}

// version is how the audit trail names one text of a policy: not the whole file.
type version struct {
	Status  Status `json:"status"`
	Version int    `json:"version"`
	File    string `json:"file"`
	SHA256  string `json:"sha256"`
}

func versionOf(c *Compiled) *version {
	if c == nil {
		return nil
	}
	return &version{Status: c.Status, Version: c.Version, File: c.File, SHA256: c.Hash()}
}

var errMayNotWrite = identity.Deny("only an insurer's (or its purchasing party's) inkoper or beheerder may upload and publish its policies",
	"Alleen een inkoper of beheerder van de verzekeraar (of van de inkooporganisatie die voor haar inkoopt) mag haar zorginkoopbeleid opstellen en publiceren.")

// SaveDraft validates a policy file (errors name file and line, as `zorginkoop policy
// validate` does) and stores it as a draft of its insurer: a new policy, or a new text of
// the actor's own draft with the same id. created reports whether it is new.
func (s *Service) SaveDraft(ctx context.Context, actor identity.Principal, file string, data []byte) (c *Compiled, created bool, err error) {
	if actor.IsAnonymous() {
		return nil, false, identity.LoginRequired("upload a policy")
	}
	if err := s.Sync(ctx); err != nil {
		return nil, false, err
	}
	file = draftFileName(file)
	if !MayWriteSome(actor) {
		s.denied(ctx, actor, ActionDraftSave, "policy:"+file, "", "may not write policies")
		return nil, false, errMayNotWrite
	}
	if c, err = s.Library.Parse(file, data); err != nil {
		return nil, false, err
	}
	if !MayWrite(actor, c.Insurer) {
		s.denied(ctx, actor, ActionDraftSave, "policy:"+c.ID, c.Insurer, "does not act for the policy's insurer")
		return nil, false, &apperr.Error{Code: apperr.Forbidden, File: file, Line: c.lines.at("insurer"), Field: "insurer",
			Message: fmt.Sprintf("you do not write policies for insurer %q", c.Insurer),
			Dutch:   fmt.Sprintf("U stelt geen zorginkoopbeleid op voor verzekeraar %s.", s.Library.InsurerName(c.Insurer))}
	}
	if err := s.checkDraftID(c, file); err != nil {
		return nil, false, err
	}
	if c.Previous != "" {
		if _, err := s.Library.Visible(actor, c.Previous); err != nil {
			return nil, false, &apperr.Error{Code: apperr.Invalid, File: file, Line: c.lines.at("previous"), Field: "previous",
				Message: fmt.Sprintf("previous policy %q does not exist", c.Previous)}
		}
	}
	old, err := s.Library.Policy(c.ID)
	if apperr.CodeOf(err) == apperr.NotFound {
		old = nil
	} else if err != nil {
		return nil, false, err
	}
	prev := 0
	if old != nil {
		// The id is in the namespace of the draft's insurer (checkDraftID), so this is
		// the insurer's own published policy, or a draft stored before ids were
		// namespaced; either way the answer tells only that the id is taken.
		if old.Status != Draft || !MayRead(actor, old) {
			return nil, false, &apperr.Error{Code: apperr.Conflict, File: file, Line: c.lines.at("id"), Field: "id",
				Message: fmt.Sprintf("policy id %q is in use; a new version of a policy needs a new id that names the old one in previous", c.ID),
				Dutch:   fmt.Sprintf("Het id %q is al in gebruik. Geef een nieuwe versie van een beleid een nieuw id en noem het oude bij previous.", c.ID)}
		}
		if !MayWrite(actor, old.Insurer) {
			s.denied(ctx, actor, ActionDraftSave, "policy:"+c.ID, old.Insurer, "may not change this draft")
			return nil, false, errMayNotWrite
		}
		prev = old.Version
	}
	rec := Record{ID: c.ID, File: c.File, Raw: c.Raw, LoadedAt: s.Now().UTC(), Status: Draft, Insurer: c.Insurer}
	// The draft and its entry commit together; the library learns of it after the commit.
	err = identity.InTx(ctx, s.Tx, func(ctx context.Context) error {
		if err := s.Store.SavePolicy(ctx, &rec, prev); err != nil {
			return staleSave(err)
		}
		c.Status, c.Version = Draft, rec.Version
		return identity.Record(ctx, s.Audit, actor, audit.Entry{Action: ActionDraftSave, Subject: "policy:" + c.ID,
			Scope: c.Insurer, Before: audit.JSON(versionOf(old)), After: audit.JSON(versionOf(c))})
	})
	if err != nil {
		return nil, false, err
	}
	s.Library.Add(c)
	return c, old == nil, nil
}

// checkDraftID refuses an id outside the namespace of the draft's insurer (see
// Registry.PolicyIDOwner) before the id is looked up: so that no one can take an id that
// another insurer will use, nor find out whether another insurer's draft has an id.
func (s *Service) checkDraftID(c *Compiled, file string) error {
	if owner, ok := s.Library.Registry.PolicyIDOwner(c.ID); ok && owner.ID == c.Insurer {
		return nil
	}
	ins, ok := s.Library.Registry.Insurer(c.Insurer)
	if !ok { // Parse refuses an unknown insurer; never here
		return fmt.Errorf("draft %s: unknown insurer %q", c.ID, c.Insurer)
	}
	prefixes := ins.Prefixes()
	example := prefixes[len(prefixes)-1] + "msz-2027"
	return &apperr.Error{Code: apperr.Invalid, File: file, Line: c.lines.at("id"), Field: "id",
		Message: fmt.Sprintf("the id of a policy of %s must start with %s, e.g. %s", ins.Name, strings.Join(prefixes, " or "), example),
		Dutch: fmt.Sprintf("Het id van een zorginkoopbeleid van %s moet beginnen met %s, bijvoorbeeld %s.",
			ins.Name, strings.Join(prefixes, " of "), example)}
}

// staleSave gives the store's Conflict of a save over a changed version its Dutch message.
func staleSave(err error) error {
	var e *apperr.Error
	if errors.As(err, &e) && e.Code == apperr.Conflict && e.Dutch == "" {
		e.Dutch = "Dit zorginkoopbeleid is intussen opgeslagen of gewijzigd. Laad het opnieuw."
	}
	return err
}

// draftFileName keeps the base name of an uploaded file, for error messages.
func draftFileName(file string) string {
	file = path.Base(strings.ReplaceAll(strings.TrimSpace(file), `\`, "/"))
	if file == "." || file == "/" || file == "" {
		return "beleid.yaml"
	}
	if len(file) > 100 {
		file = file[:100]
	}
	return file
}

// Publish makes a draft public. Its previous policy, if any, must be published already.
func (s *Service) Publish(ctx context.Context, actor identity.Principal, id string) (*Compiled, error) {
	if actor.IsAnonymous() {
		return nil, identity.LoginRequired("publish a policy")
	}
	if err := s.Sync(ctx); err != nil {
		return nil, err
	}
	c, err := s.Library.Policy(id)
	if err != nil {
		return nil, err
	}
	if !MayRead(actor, c) {
		s.denied(ctx, actor, ActionPublish, "policy:"+id, c.Insurer, "another insurer's draft")
		return nil, NotFound(id)
	}
	if !MayWrite(actor, c.Insurer) {
		s.denied(ctx, actor, ActionPublish, "policy:"+id, c.Insurer, "may not publish the insurer's policies")
		return nil, errMayNotWrite
	}
	if c.Status == Published {
		return nil, &apperr.Error{Code: apperr.Conflict, Message: fmt.Sprintf("policy %q is published already", id),
			Dutch: "Dit zorginkoopbeleid is al gepubliceerd."}
	}
	if c.Previous != "" {
		if p, err := s.Library.Policy(c.Previous); err != nil || p.Status != Published {
			return nil, &apperr.Error{Code: apperr.Invalid, File: c.File, Line: c.lines.at("previous"), Field: "previous",
				Message: fmt.Sprintf("previous policy %q is not published; publish it first", c.Previous)}
		}
	}
	rec := Record{ID: c.ID, File: c.File, Raw: c.Raw, LoadedAt: s.Now().UTC(), Status: Published, Insurer: c.Insurer}
	// Readers may hold the draft; the published policy is a new value.
	pub := *c
	// The publication and its entry commit together; the library learns of it after the commit.
	err = identity.InTx(ctx, s.Tx, func(ctx context.Context) error {
		if err := s.Store.SavePolicy(ctx, &rec, c.Version); err != nil {
			return staleSave(err)
		}
		pub.Status, pub.Version = Published, rec.Version
		return identity.Record(ctx, s.Audit, actor, audit.Entry{Action: ActionPublish, Subject: "policy:" + id,
			Scope: c.Insurer, Before: audit.JSON(versionOf(c)), After: audit.JSON(versionOf(&pub))})
	})
	if err != nil {
		return nil, err
	}
	s.Library.Add(&pub)
	return &pub, nil
}

// Install stores the shipped policy files as published (see the function Install): the
// operator's tool, `zorginkoop demo`. Only new and changed files are stored, each with an
// entry in the audit trail, all in one transaction; unchanged ones keep their version.
func (s *Service) Install(ctx context.Context, actor identity.Principal, files map[string][]byte) ([]*Compiled, error) {
	if !actor.IsOperator() {
		s.denied(ctx, actor, ActionInstall, "policies", "", "only the platform operator installs policy files")
		return nil, errMayNotWrite
	}
	var changed []*Compiled
	err := identity.InTx(ctx, s.Tx, func(ctx context.Context) error {
		var before map[string]Record
		var err error
		if changed, before, err = install(ctx, s.Library, s.Store, s.Now().UTC(), files); err != nil {
			return err
		}
		for _, c := range changed {
			var old *version
			if r, ok := before[c.ID]; ok {
				sum := sha256.Sum256(r.Raw)
				old = &version{Status: r.Status, Version: r.Version, File: r.File, SHA256: hex.EncodeToString(sum[:])}
			}
			if err := identity.Record(ctx, s.Audit, actor, audit.Entry{Action: ActionInstall, Subject: "policy:" + c.ID,
				Scope: c.Insurer, Before: audit.JSON(old), After: audit.JSON(versionOf(c))}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, c := range changed {
		s.Library.Add(c)
	}
	return changed, nil
}

// denied records a refused attempt; the refusal stands even if recording it fails.
func (s *Service) denied(ctx context.Context, actor identity.Principal, action, subject, scope, reason string) {
	identity.Record(ctx, s.Audit, actor, audit.Entry{Action: action, Subject: subject, Scope: scope, Reason: reason, Denied: true})
}
