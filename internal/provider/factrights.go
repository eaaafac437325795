package provider

// Who may write which fact of an import, and what an import changes in the facts kept per
// insurer. The rule itself is MayWriteFact; here it is applied to an
// import against the facts already stored.

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/identity"
)

func mayWriteFact(actor identity.Principal, providerID string, f Fact) bool {
	return MayWriteFact(actor, providerID, f.Insurer, f.Source)
}

// storedMatch selects the stored facts an import by actor needs: those kept per insurer
// (to record what changes in each insurer's trail) and, for anyone but the operator, those
// from the register and the insurers, which they may not write and the import keeps. The
// facts left unread are the provider's own declarations, which whoever may write the
// record may replace.
func storedMatch(actor identity.Principal) FactMatch {
	if actor.IsOperator() {
		return FactMatch{PerInsurer: true}
	}
	return FactMatch{PerInsurer: true, Sources: []Source{SourceRegister, SourceInsurer}}
}

func providerIDs(ps []Provider) []string {
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.ID
	}
	return ids
}

// refusal is an entry of provider i (a fact, part choice or contract) that the import may
// not write.
type refusal struct {
	i              int
	p              string // the provider id
	field          string // e.g. "facts[3]"
	what           string // the entry in a few words, for the audit trail
	insurer        string // not "": the insurer whose trail also records the refusal
	action         string // what the insurer's trail records it as
	message, dutch string
}

func factRefusal(i, k int, p string, f Fact, kept Source) refusal {
	what := describeFact(f)
	r := refusal{i: i, p: p, field: "facts[" + strconv.Itoa(k) + "]", what: what + " (" + string(f.Source) + ")", insurer: f.Insurer,
		action: ActionFacts}
	if kept != "" {
		r.message = fmt.Sprintf("provider %s: fact %s is kept from source %s, which you may not replace", p, what, kept)
		r.dutch = fmt.Sprintf("Zorgaanbieder %s: het gegeven %s komt van de bron %s; dat mag u niet vervangen.", p, what, kept)
		return r
	}
	r.message = fmt.Sprintf("provider %s: you may not write fact %s with source %q (a provider declares its own facts, with source aanbieder and no insurer; facts from the register and facts kept per insurer are theirs)",
		p, what, f.Source)
	r.dutch = fmt.Sprintf("Zorgaanbieder %s: u mag het gegeven %s met bron %q niet aanleveren of wijzigen. Een zorgaanbieder levert alleen eigen gegevens aan (bron aanbieder, zonder verzekeraar); gegevens uit registers en van verzekeraars blijven zoals ze zijn.",
		p, what, f.Source)
	return r
}

func factKey(f Fact) string { return f.Key + "@" + f.Insurer }

// mergeFacts returns the providers to store: each with the facts of ps actor may write,
// then the stored facts actor may not write. A fact actor may not write is accepted only
// when it equals the stored one. It also returns what changes in the facts kept per
// insurer, and the refused facts.
func mergeFacts(actor identity.Principal, ps []Provider, stored map[string][]Fact) ([]Provider, factChanges, []refusal) {
	var (
		out      = make([]Provider, len(ps))
		changes  = factChanges{}
		refusals []refusal
	)
	for i, p := range ps {
		kept := map[string]Fact{}
		var keptOrder []Fact
		for _, f := range stored[p.ID] {
			if !mayWriteFact(actor, p.ID, f) {
				kept[factKey(f)] = f
				keptOrder = append(keptOrder, f)
			}
		}
		facts := make([]Fact, 0, len(p.Facts)+len(keptOrder))
		for k, f := range p.Facts {
			old, isKept := kept[factKey(f)]
			may := mayWriteFact(actor, p.ID, f)
			switch {
			case !may && isKept && old == f:
				// sent back unchanged: stays as stored
			case !may:
				refusals = append(refusals, factRefusal(i, k, p.ID, f, ""))
			case isKept:
				refusals = append(refusals, factRefusal(i, k, p.ID, f, old.Source))
			default:
				facts = append(facts, f)
			}
		}
		p.Facts = append(facts, keptOrder...)
		out[i] = p
		changes.add(p.ID, stored[p.ID], p.Facts)
	}
	return out, changes, refusals
}

// maxRefusalsShown is the most refused entries an error lists one by one.
const maxRefusalsShown = 20

func refusalError(rs []refusal, line func(int) int) error {
	var errs apperr.List
	for _, r := range rs[:min(len(rs), maxRefusalsShown)] {
		e := &apperr.Error{Code: apperr.Forbidden, Field: "provider " + r.p + ": " + r.field, Message: r.message, Dutch: r.dutch}
		if line != nil {
			e.Line = line(r.i)
		}
		errs = append(errs, e)
	}
	if n := len(rs) - maxRefusalsShown; n > 0 {
		errs = append(errs, &apperr.Error{Code: apperr.Forbidden, Message: fmt.Sprintf("and %d more entries you may not write", n),
			Dutch: fmt.Sprintf("En nog %d gegevens die u niet mag aanleveren.", n)})
	}
	return errs
}

func describeFact(f Fact) string {
	if f.Insurer == "" {
		return f.Key
	}
	return f.Key + " (verzekeraar " + f.Insurer + ")"
}

// recordRefusal records a refused import in actor's trail and, for each insurer whose
// facts, offers or contracts it tried to write, in that insurer's trail. It runs after
// the rollback.
func (s *Service) recordRefusal(ctx context.Context, actor identity.Principal, ps []Provider, rs []refusal) {
	var shown []string
	insurers := map[string]bool{} // action + " " + insurer
	for _, r := range rs {
		if len(shown) < 10 {
			shown = append(shown, r.p+": "+r.what)
		}
		if r.insurer != "" {
			insurers[r.action+" "+r.insurer] = true
		}
	}
	reason := fmt.Sprintf("may not write %d entries: %s", len(rs), strings.Join(shown, ", "))
	identity.Record(ctx, s.Audit, actor, audit.Entry{Action: ActionImport, Subject: importSubject(ps), Scope: actor.OrgID(), Reason: reason, Denied: true})
	for _, key := range slices.Sorted(maps.Keys(insurers)) {
		action, ins, _ := strings.Cut(key, " ")
		identity.Record(ctx, s.Audit, actor, audit.Entry{Action: action, Subject: importSubject(ps), Scope: ins, Reason: reason, Denied: true})
	}
}

// factChange is what an import changes in the facts kept for one insurer.
type factChange struct {
	Added     int      `json:"added"`
	Changed   int      `json:"changed"`
	Removed   int      `json:"removed"`
	Keys      []string `json:"keys"`
	IDs       []string `json:"ids"` // of the providers, at most maxAuditIDs
	providers int
}

// factChanges are the changes per insurer id.
type factChanges map[string]*factChange

// add compares the facts kept per insurer of one provider before and after.
func (c factChanges) add(providerID string, before, after []Fact) {
	old := map[string]Fact{}
	for _, f := range before {
		if f.Insurer != "" {
			old[factKey(f)] = f
		}
	}
	touched := map[string]bool{}
	note := func(f Fact, kind *int, ch *factChange) {
		*kind++
		if !slices.Contains(ch.Keys, f.Key) {
			ch.Keys = append(ch.Keys, f.Key)
		}
		if !touched[f.Insurer] {
			touched[f.Insurer] = true
			ch.providers++
			if len(ch.IDs) < maxAuditIDs {
				ch.IDs = append(ch.IDs, providerID)
			}
		}
	}
	for _, f := range after {
		if f.Insurer == "" {
			continue
		}
		ch := c.of(f.Insurer)
		prev, had := old[factKey(f)]
		delete(old, factKey(f))
		switch {
		case !had:
			note(f, &ch.Added, ch)
		case prev != f:
			note(f, &ch.Changed, ch)
		}
	}
	for _, f := range old {
		note(f, &c.of(f.Insurer).Removed, c.of(f.Insurer))
	}
}

func (c factChanges) of(insurer string) *factChange {
	ch, ok := c[insurer]
	if !ok {
		ch = &factChange{}
		c[insurer] = ch
	}
	return ch
}

// recordFactChanges records, in the trail of each insurer whose facts the import changes,
// what changed: counts, the fact keys and the providers, not the values.
func (s *Service) recordFactChanges(ctx context.Context, actor identity.Principal, ps []Provider, changes factChanges) error {
	for _, ins := range slices.Sorted(maps.Keys(changes)) {
		ch := changes[ins]
		if ch.Added+ch.Changed+ch.Removed == 0 {
			continue
		}
		slices.Sort(ch.Keys)
		sum := struct {
			Insurer   string `json:"insurer"`
			Providers int    `json:"providers"`
			*factChange
		}{ins, ch.providers, ch}
		if err := identity.Record(ctx, s.Audit, actor, audit.Entry{Action: ActionFacts, Subject: importSubject(ps), Scope: ins,
			After: audit.JSON(sum)}); err != nil {
			return err
		}
	}
	return nil
}
