package provider

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/identity"
)

// Filter selects providers in a listing, within the caller's Scope.
type Filter struct {
	CareType string // registry id; empty for all
	Query    string // part of the name, KvK or AGB code
	Offset   int
	Limit    int // 0 means no limit in the Store; Service.List caps it at MaxListSize
}

// MaxListSize is the most providers Service.List returns at once, whatever the caller
// asks: a listing is a page, never the whole register.
const MaxListSize = 500

// Store keeps providers and their facts. Implementations: store/sqlite, store/postgres.
type Store interface {
	// StageProviders writes the providers (with locations, AGB codes and facts) where no
	// reader sees them yet, and returns the import to commit or discard. It holds the
	// database's writer only briefly at a time (SQLite: short transactions of its own, so
	// that other writers take turns; call it outside InTx, or it joins that transaction
	// and holds the writer throughout). progress, if not nil, is called after each
	// provider staged. An error leaves the live providers unchanged.
	StageProviders(ctx context.Context, ps []Provider, progress func(done int)) (StagedImport, error)
	// ReplaceProviders stages the providers and commits them in one transaction (the
	// context's, if it carries one), replacing any provider with the same id. All or
	// nothing.
	ReplaceProviders(ctx context.Context, ps []Provider, progress func(done int)) error
	// Provider returns one provider with its facts, or an apperr NotFound error.
	Provider(ctx context.Context, id string) (*Provider, error)
	// Providers lists the providers of scope that f matches, without facts, ordered by
	// name, and the total matching. The zero Scope lists none.
	Providers(ctx context.Context, scope Scope, f Filter) ([]Provider, int, error)
	// EachProvider streams the selected providers with their facts (ordered by id), for
	// assessing many providers without holding them all in memory.
	EachProvider(ctx context.Context, sel Selection, fn func(*Provider) error) error
	// StoredFacts returns the stored facts of the providers ids that m matches, per
	// provider id in stored order. Inside the context's write transaction it reads there
	// and holds the providers until the transaction ends, so that a replace that follows
	// keeps exactly what was read.
	StoredFacts(ctx context.Context, ids []string, m FactMatch) (map[string][]Fact, error)
	// Register returns the register in brief: how many providers it holds, how many of
	// them have one of careTypes, and when providers were last imported or their facts,
	// part choices or contracts changed. It counts, and reads one audit entry; it never reads the providers.
	Register(ctx context.Context, careTypes []string) (Register, error)
	// StoredDealings returns the stored part choices and contracts of the providers ids,
	// per provider id in stored order. Inside the context's write transaction it reads
	// there (call it after StoredFacts, which holds the providers on PostgreSQL).
	StoredDealings(ctx context.Context, ids []string) (map[string]Dealings, error)
	// DeleteProviders deletes the providers ids with their locations, AGB codes and facts,
	// in the context's transaction or one of its own, and returns how many were stored.
	// An id that is not stored is skipped.
	DeleteProviders(ctx context.Context, ids []string) (int, error)
}

// Register is the provider register in brief.
type Register struct {
	Total       int // providers in the register
	InCareTypes int // of them, with one of the care types asked about
	// Changed is when providers were last imported or had facts, part choices or
	// contracts changed: the time of the newest ActionImport, ActionFacts, ActionDeclare or
	// ActionDealings entry that was not refused (every change of the
	// register is recorded in the same transaction). Zero: never.
	Changed time.Time
	// ChangeSeq is that entry's number in the audit trail (0: never), to compare with
	// other entries where two writes may share a second.
	ChangeSeq int64
}

// FactMatch selects stored facts for StoredFacts: those kept per insurer, and those from
// one of Sources.
type FactMatch struct {
	PerInsurer bool
	Sources    []Source
}

// StagedImport is an import written by Store.StageProviders that readers do not see yet.
type StagedImport interface {
	// Commit replaces the live providers with the same ids by the staged ones, in the
	// transaction the context carries (InTx) or in its own: readers see all of the
	// import or none of it.
	Commit(ctx context.Context) error
	// Discard removes the staged copy (after Commit too: the live rows stay). Call it
	// always.
	Discard(ctx context.Context) error
}

// Selection limits what EachProvider reads.
type Selection struct {
	CareTypes []string // providers with one of these care types; empty for all providers
	// Facts lists the fact keys to read; nil reads every fact. Assessing needs only the
	// facts the policy's rules and evidence refer to, and reading fewer rows is most of
	// the time saved.
	Facts []string
	// Policy limits the part choices read to those of this policy; "" reads every one.
	Policy string
	// Insurer limits the contracts read to those with this insurer; "" reads every one.
	Insurer string
	// IDs, if not nil, limits the providers read to these (of the care types above): a
	// cache of providers reloads those that changed. Keep it short (hundreds).
	IDs []string
}

// Reference is what provider records are checked against: the fact catalogue, the
// registry's care types and insurers, and the policies' parts (app.ProviderReference
// derives it from the policy library). It checks files on its own, before a database is
// opened.
type Reference struct {
	Catalogue *Catalogue
	CareTypes map[string]bool
	Insurers  map[string]bool
	// Parts looks up a policy a part choice names: its insurer and part ids. Nil knows
	// no policy, so that every part choice is refused.
	Parts PolicyParts
}

// Service applies the rules for providers above a Store: who may read which provider
// records and facts, and who may import them. Build it with NewService: its dependencies
// sit in an unexported struct, so that no caller outside this package can make one with a
// dependency left out.
type Service struct{ deps }

type deps struct {
	Store Store
	Reference
	Audit identity.Auditor  // never nil: identity.NoAudit in tests of the rules alone
	Tx    identity.TxRunner // makes an import and its audit entry one transaction
}

// NewService returns the provider service over store, checking records against ref and
// recording every import in trail in one transaction of tx. It panics on a nil dependency.
func NewService(store Store, ref Reference, trail identity.Auditor, tx identity.TxRunner) *Service {
	identity.Require("provider.NewService", "store", store)
	identity.Require("provider.NewService", "ref.Catalogue", ref.Catalogue)
	identity.Require("provider.NewService", "ref.CareTypes", ref.CareTypes)
	identity.Require("provider.NewService", "ref.Insurers", ref.Insurers)
	identity.Require("provider.NewService", "ref.Parts", ref.Parts)
	identity.Require("provider.NewService", "trail", trail)
	identity.Require("provider.NewService", "tx", tx)
	return &Service{deps{Store: store, Reference: ref, Audit: trail, Tx: tx}}
}

// Normalize checks providers read from a file or an API body, whose fact values are in a
// person's notation, and puts those values into canonical form (see Fact.Normalize). It
// reports every problem at once; errors name the provider, field and line. line gives the
// input line of provider i (nil when unknown). It sets the insurer of each part choice
// (see PartChoice.Insurer).
func (ref Reference) Normalize(ps []Provider, line func(i int) int) error {
	return ref.check(ps, providerLines(line), true)
}

// Validate checks providers whose fact values are already canonical; errors name the
// provider, field and line. It sets the insurer of each part choice.
func (ref Reference) Validate(ps []Provider, line func(i int) int) error {
	return ref.check(ps, providerLines(line), false)
}

// locator says where provider i, or one of its entries (entry "parts[2]"; "" for the
// provider), is in the input: its line, and for an entry of a CSV cell the label naming
// the column and item ("" where the entry's own field names it, as in JSON).
type locator func(i int, entry string) (line int, label string)

// providerLines is a locator that knows only the line of each provider (nil: none).
func providerLines(line func(i int) int) locator {
	if line == nil {
		return nil
	}
	return func(i int, _ string) (int, string) { return line(i), "" }
}

func (ref Reference) check(ps []Provider, at locator, normalize bool) error {
	var errs apperr.List
	seen := map[string]int{}
	for i := range ps {
		p := &ps[i]
		if j, dup := seen[p.ID]; dup && idRE.MatchString(p.ID) {
			errs = append(errs, located(apperr.Invalidf("id", "id %q is used twice (also provider %d)", p.ID, j+1), p, i, "", at))
		}
		seen[p.ID] = i
		for _, e := range apperr.Errors(p.Validate(ref.CareTypes)) {
			errs = append(errs, located(e, p, i, "", at))
		}
		facts := map[string]int{}
		for k := range p.Facts {
			f := &p.Facts[k]
			if bad := f.CheckText(); len(bad) > 0 {
				for _, e := range bad {
					errs = append(errs, locatedFact(e, p, i, k, at))
				}
				continue
			}
			var err error
			if normalize {
				err = f.Normalize(ref.Catalogue)
			}
			if err == nil {
				err = f.Validate(ref.Catalogue, ref.Insurers)
			}
			if j, dup := facts[factKey(*f)]; err == nil && dup {
				err = apperr.Invalidf("key", "fact %s is given twice (also facts[%d])", describeFact(*f), j)
			}
			facts[factKey(*f)] = k
			if err != nil {
				errs = append(errs, locatedFact(err.(*apperr.Error), p, i, k, at))
			}
		}
		errs = append(errs, ref.checkParts(p, i, at)...)
		errs = append(errs, ref.checkContracts(p, i, at)...)
	}
	return errs.Err()
}

// checkParts checks the part choices of provider i and sets their insurers.
func (ref Reference) checkParts(p *Provider, i int, at locator) apperr.List {
	return checkEntries(p, i, at, "parts", p.Parts, MaxParts, partKey, func(c *PartChoice) apperr.List {
		if bad := c.checkText(); len(bad) > 0 {
			return bad
		}
		return apperr.Errors(c.validate(ref.Parts))
	}, func(c *PartChoice, j int) *apperr.Error {
		return apperr.Invalidf("part", "part %q of policy %q by %s is given twice (also parts[%d])", c.Part, c.Policy, c.By, j)
	})
}

// checkContracts checks the contracts of provider i.
func (ref Reference) checkContracts(p *Provider, i int, at locator) apperr.List {
	return checkEntries(p, i, at, "contracts", p.Contracts, MaxContracts, contractKey, func(c *Contract) apperr.List {
		if bad := c.checkText(); len(bad) > 0 {
			return bad
		}
		return c.validate(ref.Insurers)
	}, func(c *Contract, j int) *apperr.Error {
		return apperr.Invalidf("first_year", "the contract with %s under %q from %d is given twice (also contracts[%d])", c.Insurer, c.Policy, c.FirstYear, j)
	})
}

// checkEntries checks the entries of one of provider i's lists (field): at most max, each
// by check, none twice by key (twice names the earlier one); errors name the entry.
func checkEntries[T any](p *Provider, i int, at locator, field string, entries []T, max int, key func(T) string,
	check func(*T) apperr.List, twice func(*T, int) *apperr.Error) apperr.List {
	var errs apperr.List
	if len(entries) > max {
		errs = append(errs, located(apperr.Invalidf(field, "at most %d %s are allowed", max, field), p, i, "", at))
	}
	seen := map[string]int{}
	for k := range entries {
		c := &entries[k]
		bad := check(c)
		if j, dup := seen[key(*c)]; len(bad) == 0 && dup {
			bad = apperr.List{twice(c, j)}
		}
		seen[key(*c)] = k
		for _, e := range bad {
			errs = append(errs, locatedEntry(e, p, i, field+"["+strconv.Itoa(k)+"]", at))
		}
	}
	return errs
}

// located sets the line of provider i on e and prefixes its field with the provider id.
func located(e *apperr.Error, p *Provider, i int, prefix string, at locator) *apperr.Error {
	if at != nil {
		e.Line, _ = at(i, "")
	}
	e.Field = prefix + e.Field
	switch {
	case idRE.MatchString(p.ID):
		e.Field = "provider " + p.ID + ": " + e.Field
	case at == nil: // no line to point at, and an id not fit to repeat
		e.Field = "providers[" + strconv.Itoa(i) + "]." + e.Field
	}
	return e
}

// locatedEntry is located for an error of one entry of provider i (entry "parts[2]"): it
// has the entry's line, and in a CSV file the label of its column and item.
func locatedEntry(e *apperr.Error, p *Provider, i int, entry string, at locator) *apperr.Error {
	prefix, line := entry+".", 0
	if at != nil {
		var label string
		if line, label = at(i, entry); label != "" {
			prefix = label + ": "
		}
	}
	located(e, p, i, prefix, at)
	if line > 0 {
		e.Line = line
	}
	return e
}

// locatedFact is located for an error of fact k of provider i: at the fact's own line
// where the input knows it (a JSON fact object, a CSV row). A CSV file names the cell's
// column (the fact's own, or facts_date, facts_source or the evidence column for those
// fields); a JSON file the fact's path in the file ("facts[3].value").
func locatedFact(e *apperr.Error, p *Provider, i, k int, at locator) *apperr.Error {
	entry := "facts[" + strconv.Itoa(k) + "]"
	line, label := 0, ""
	if at != nil {
		if line, label = at(i, entry+"."+e.Field); label == "" {
			line, label = at(i, entry)
		}
	}
	prefix := entry + "."
	switch {
	case strings.HasPrefix(label, "column "): // the cell names the field
		e.Field, prefix = label, ""
	case label != "": // the fact's path in the file
		prefix = label + "."
	}
	located(e, p, i, prefix, at)
	if line > 0 {
		e.Line = line
	}
	return e
}

// List lists a page of at most MaxListSize providers actor may read, without facts,
// ordered by name, and the total matching: the register for insurer and purchasing-party users and the operator, their
// own records for provider users. Anonymous callers see no provider data here.
func (s *Service) List(ctx context.Context, actor identity.Principal, f Filter) ([]Provider, int, error) {
	if actor.IsAnonymous() {
		return nil, 0, identity.LoginRequired("see providers")
	}
	if err := s.checkFilter(f); err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 || f.Limit > MaxListSize {
		f.Limit = MaxListSize
	}
	return s.Store.Providers(ctx, ReadScope(actor), f)
}

// checkFilter refuses a filter the register cannot answer, the same for every door: an
// unknown care type would otherwise list nothing, or on a page that drops it, everything.
func (s *Service) checkFilter(f Filter) error {
	if f.CareType != "" && !s.CareTypes[f.CareType] {
		return &apperr.Error{Code: apperr.Invalid, Field: "care_type",
			Message: fmt.Sprintf("unknown care type %q", f.CareType),
			Dutch:   fmt.Sprintf("Onbekende zorgsoort %q. Kies een zorgsoort uit de lijst.", f.CareType)}
	}
	return nil
}

// Provider returns one provider actor may read, without the facts actor may not read
// (another insurer's revenue, market share or contract history) and without another
// insurer's part choices and contracts (see MayReadDealing). Another provider's record is
// NotFound, as one that does not exist.
func (s *Service) Provider(ctx context.Context, actor identity.Principal, id string) (*Provider, error) {
	if actor.IsAnonymous() {
		return nil, identity.LoginRequired("see providers")
	}
	if !MayRead(actor, id) {
		return nil, identity.Hide(fmt.Sprintf("provider %q", id))
	}
	p, err := s.Store.Provider(ctx, id)
	if err != nil {
		return nil, err
	}
	visibleTo(actor, p)
	return p, nil
}

// visibleTo removes from p what actor may not read: the facts kept for other insurers, and
// the part choices and contracts of other insurers (see MayReadFact, MayReadDealing).
func visibleTo(actor identity.Principal, p *Provider) {
	p.Facts = slices.DeleteFunc(p.Facts, func(f Fact) bool { return !MayReadFact(actor, p.ID, f.Insurer) })
	p.Parts = slices.DeleteFunc(p.Parts, func(c PartChoice) bool { return !MayReadDealing(actor, p.ID, c.Insurer) })
	p.Contracts = slices.DeleteFunc(p.Contracts, func(c Contract) bool { return !MayReadDealing(actor, p.ID, c.Insurer) })
}

// Import validates all providers and, only if actor may write every one of them, every
// fact it sends, and every one is valid, stores them: staged first, then made live with the
// audit entries in one transaction. Nothing is written when anything is wrong.
//
// Replacing a record keeps the stored facts, part choices and contracts actor may not
// write (see MayWriteFact, MayWritePart, MayWriteContract): a provider's import keeps the
// register's and the insurers' facts about it, the insurers' offers and its contracts.
// One that actor may not write is refused, unless it is exactly the stored one (a record
// read and sent back unchanged). The audit trail records the import with counts, not the
// facts, and each change to facts kept per insurer, and to part choices and contracts of
// an insurer, in that insurer's trail, in the same transaction.
func (s *Service) Import(ctx context.Context, actor identity.Principal, ps []Provider, line func(int) int, progress func(done int)) error {
	if err := s.AuthorizeImport(ctx, actor, ps); err != nil {
		return err
	}
	if err := s.Validate(ps, line); err != nil {
		return err
	}
	// The merge is computed against the facts stored now, staged outside the transaction
	// (on SQLite a long import then holds the one writer in short turns, with logins and
	// other writes in between), and made live only if the facts it kept are still the
	// stored ones: the transaction reads them again (holding the providers on PostgreSQL)
	// and only moves rows in SQL.
	match := storedMatch(actor)
	stored, err := s.Store.StoredFacts(ctx, providerIDs(ps), match)
	if err != nil {
		return err
	}
	dealings, err := s.Store.StoredDealings(ctx, providerIDs(ps))
	if err != nil {
		return err
	}
	merged, changes, refusals := mergeFacts(actor, ps, stored)
	dealingChanges, dealingRefusals := mergeDealings(actor, merged, dealings)
	refusals = append(refusals, dealingRefusals...)
	if len(refusals) > 0 {
		s.recordRefusal(ctx, actor, ps, refusals)
		return refusalError(refusals, line)
	}
	staged, err := s.Store.StageProviders(ctx, merged, progress)
	if err != nil {
		return err
	}
	defer staged.Discard(context.WithoutCancel(ctx)) // best effort: a leftover is removed by a later import
	return identity.InTx(ctx, s.Tx, func(ctx context.Context) error {
		now, err := s.Store.StoredFacts(ctx, providerIDs(ps), match)
		if err != nil {
			return err
		}
		nowDealings, err := s.Store.StoredDealings(ctx, providerIDs(ps))
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(now, stored) || !reflect.DeepEqual(nowDealings, dealings) {
			return &apperr.Error{Code: apperr.Conflict, Message: "facts of these providers changed while the import was prepared; import the file again",
				Dutch: "De gegevens van deze zorgaanbieders zijn gewijzigd terwijl de aanlevering werd voorbereid. Lever het bestand opnieuw aan."}
		}
		if err := staged.Commit(ctx); err != nil {
			return err
		}
		if err := identity.Record(ctx, s.Audit, actor, audit.Entry{Action: ActionImport, Subject: importSubject(ps), Scope: importScope(actor, ps),
			After: audit.JSON(importCounts(merged))}); err != nil {
			return err
		}
		if err := s.recordFactChanges(ctx, actor, ps, changes); err != nil {
			return err
		}
		return s.recordDealingChanges(ctx, actor, ps, dealingChanges)
	})
}

// importScope is whose data an import is: the provider record of a one-provider import (so
// the provider's organisation sees it in its trail), else the importing organisation.
func importScope(actor identity.Principal, ps []Provider) string {
	if len(ps) == 1 {
		return ps[0].ID
	}
	return actor.OrgID()
}

func importSubject(ps []Provider) string {
	if len(ps) == 1 {
		return "provider:" + ps[0].ID
	}
	return "providers"
}

// AuthorizeImport checks that actor may write every provider record of ps, recording a
// refusal in the audit trail. Import checks it; callers that normalise input first call it
// before, so that a caller who may not import learns nothing from validation errors.
func (s *Service) AuthorizeImport(ctx context.Context, actor identity.Principal, ps []Provider) error {
	if actor.IsAnonymous() {
		return identity.LoginRequired("import providers")
	}
	var refused []string
	for _, p := range ps {
		if !MayWrite(actor, p.ID) {
			refused = append(refused, p.ID)
		}
	}
	if len(refused) > 0 {
		shown := refused[:min(len(refused), 10)]
		identity.Record(ctx, s.Audit, actor, audit.Entry{Action: ActionImport, Subject: importSubject(ps), Scope: actor.OrgID(),
			Reason: fmt.Sprintf("may not write %d provider record(s): %s", len(refused), strings.Join(shown, ", ")), Denied: true})
		return identity.Deny(fmt.Sprintf("you may import only your organisation's provider records, not %s", strings.Join(shown, ", ")),
			"U mag alleen de gegevens van de zorgaanbieders van uw eigen organisatie aanleveren.")
	}
	return nil
}

// importSummary is what the audit trail keeps of an import: counts, and the ids of a
// small import.
type importSummary struct {
	Providers int      `json:"providers"`
	Locations int      `json:"locations"`
	Facts     int      `json:"facts"`
	Parts     int      `json:"parts,omitempty"`
	Contracts int      `json:"contracts,omitempty"`
	IDs       []string `json:"ids,omitempty"`
}

// maxAuditIDs is the most provider ids an import's audit entry lists.
const maxAuditIDs = 100

func importCounts(ps []Provider) importSummary {
	sum := importSummary{Providers: len(ps)}
	for _, p := range ps {
		sum.Locations += len(p.Locations)
		sum.Facts += len(p.Facts)
		sum.Parts += len(p.Parts)
		sum.Contracts += len(p.Contracts)
		if len(ps) <= maxAuditIDs {
			sum.IDs = append(sum.IDs, p.ID)
		}
	}
	return sum
}
