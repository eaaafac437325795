package assessment

import (
	"context"
	"fmt"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/provider"
)

// The impact of a draft: before an insurer publishes a new version of its policy, it sees
// which providers' outcomes would change, per contract part, and which requirements made
// the difference. One pass over the providers, both versions judged per provider, only the
// changes kept: memory stays flat however many providers there are.

// BaseContractTitle names the base contract among the parts of an impact.
const BaseContractTitle = "Basisovereenkomst"

// Change is one provider whose outcome for one contract part differs between the version
// in force and the draft.
type Change struct {
	ProviderID   string  `json:"provider_id"`
	ProviderName string  `json:"provider_name"`
	Part         string  `json:"part"`       // "" for the base contract
	PartTitle    string  `json:"part_title"` // Dutch
	Old          Outcome `json:"old"`        // "" when the version in force has no such part
	New          Outcome `json:"new"`        // "" when the draft has no such part
	OldText      string  `json:"old_text"`   // Dutch
	NewText      string  `json:"new_text"`   // Dutch
	// Requirements are the knock-out requirements whose status changed: those that made
	// the difference.
	Requirements []StatusChange `json:"requirements"`
}

// StatusChange is a requirement whose status differs between the two versions.
type StatusChange struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Old   Status `json:"old,omitempty"` // "" when the requirement is new in the draft
	New   Status `json:"new,omitempty"` // "" when the draft drops it
}

// ImpactTotals counts the changes of an impact.
type ImpactTotals struct {
	InForce   string       `json:"in_force"`  // the id of the version in force
	Draft     string       `json:"draft"`     // the id of the draft
	Providers int          `json:"providers"` // providers judged under either version
	Changed   int          `json:"changed"`   // providers with at least one changed outcome
	Parts     []PartTotals `json:"parts"`     // the base contract first
}

// PartTotals counts, for one contract part, how many providers whose outcome changes
// become eligible, not eligible or incomplete, or are no longer judged for it (out of
// scope, not asked for or offered, or the draft drops the part).
type PartTotals struct {
	Part        string `json:"part"`
	Title       string `json:"title"`
	Eligible    int    `json:"eligible"`
	NotEligible int    `json:"not_eligible"`
	Incomplete  int    `json:"incomplete"`
	NotJudged   int    `json:"not_judged"`
}

func (t *PartTotals) add(o Outcome) {
	switch o {
	case Eligible:
		t.Eligible++
	case NotEligible:
		t.NotEligible++
	case Incomplete:
		t.Incomplete++
	default:
		t.NotJudged++
	}
}

// judged reports whether o is an outcome of judging a part's conditions.
func judged(o Outcome) bool { return o == Eligible || o == NotEligible || o == Incomplete }

// Impact judges every provider under the version in force of the draft with draftID
// (policy.Library.InForce) and under the draft, and calls fn with each change of the base
// contract or of a part (reused between calls). A part the provider asked for or was
// offered under the version in force counts as asked for or offered under the draft too:
// the question is what the new text changes for the same providers, not who has applied
// to it yet. It is for who may assess the insurer's policies (MayAssess) and see its
// drafts (policy.MayReadDraft); to another insurer the draft does not exist. A draft with
// no version in force is Invalid: there is nothing to compare with.
func (s *Service) Impact(ctx context.Context, actor identity.Principal, draftID string, fn func(*Change) error) (ImpactTotals, error) {
	if actor.IsAnonymous() {
		return ImpactTotals{}, identity.LoginRequired("see the impact of a policy")
	}
	draft, err := s.policy(ctx, draftID)
	if err != nil {
		return ImpactTotals{}, err
	}
	if !policy.MayReadDraft(actor, draft.Insurer) {
		return ImpactTotals{}, policy.NotFound(draftID)
	}
	if !MayAssess(actor, draft.Insurer) {
		return ImpactTotals{}, deny(actor, draft.Insurer, fmt.Sprintf("policy %q does not exist", draftID))
	}
	old := s.Library.InForce(draft)
	if old == nil {
		return ImpactTotals{}, &apperr.Error{Code: apperr.Invalid, Message: fmt.Sprintf("no published policy of insurer %s and sector %s to compare %s with", draft.Insurer, draft.Sector, draftID),
			Dutch: "Er is geen gepubliceerd zorginkoopbeleid van deze verzekeraar en sector om dit concept mee te vergelijken."}
	}
	src, err := s.source(ctx, impactSelection(old, draft))
	if err != nil {
		return ImpactTotals{}, err
	}
	return Compare(ctx, s.Library, old, draft, src, fn)
}

// Compare judges every provider from src under the version in force (old) and the draft in
// one pass, and calls fn for every part whose outcome changes: the work of Impact, without
// the questions of who may see it. Memory stays flat: one provider at a time.
func Compare(ctx context.Context, lib *policy.Library, old, draft *policy.Compiled, src Source, fn func(*Change) error) (ImpactTotals, error) {
	im := newImpact(lib, old, draft)
	err := src(func(p *provider.Provider) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		return im.judge(p, fn)
	})
	if err != nil {
		return ImpactTotals{}, err
	}
	return im.totals, nil
}

// impactSelection reads the providers of both versions' care types, with the facts of both.
func impactSelection(old, draft *policy.Compiled) provider.Selection {
	a, b := Selection(old), Selection(draft)
	sel := provider.Selection{}
	if len(a.CareTypes) > 0 && len(b.CareTypes) > 0 { // an empty list is every provider
		sel.CareTypes = union(a.CareTypes, b.CareTypes)
	}
	sel.Facts = union(a.Facts, b.Facts)
	return sel
}

func union(a, b []string) []string {
	seen := make(map[string]bool, len(a)+len(b))
	out := make([]string, 0, len(a)+len(b))
	for _, list := range [][]string{a, b} {
		for _, s := range list {
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out
}

// impact holds what one pass needs: both assessors, their subjects and summaries (reused
// per provider), the contract parts and requirements of both versions paired, the totals.
type impact struct {
	old, new       *Assessor
	oldSub, newSub *Subject
	oldSum, newSum Summary
	parts          []partPair
	reqs           []reqPair
	change         Change
	totals         ImpactTotals
}

// partPair is the base contract or one part, in either version or both: its index in
// each (-1 when absent; base marks the base contract).
type partPair struct {
	id, title string
	base      bool
	old, new  *policy.Part
	oi, ni    int
}

// reqPair is one requirement in either version or both: its index in each (-1 when
// absent) and the part it belongs to ("" for the base contract).
type reqPair struct {
	id, title, part string
	old, new        int
	knocksOut       bool
}

func newImpact(lib *policy.Library, old, draft *policy.Compiled) *impact {
	im := &impact{old: New(lib, old), new: New(lib, draft)}
	im.oldSub, im.newSub = im.old.NewSubject(), im.new.NewSubject()
	im.totals = ImpactTotals{InForce: old.ID, Draft: draft.ID}
	im.parts = append(im.parts, partPair{title: BaseContractTitle, base: true, oi: -1, ni: -1})
	for i := range draft.Parts {
		pt := &draft.Parts[i]
		op, oi, _ := old.Part(pt.ID)
		im.parts = append(im.parts, partPair{id: pt.ID, title: pt.Title, old: op, new: pt, oi: oi, ni: i})
	}
	for i := range old.Parts {
		if _, _, ok := draft.Part(old.Parts[i].ID); !ok {
			im.parts = append(im.parts, partPair{id: old.Parts[i].ID, title: old.Parts[i].Title, old: &old.Parts[i], oi: i, ni: -1})
		}
	}
	for _, pp := range im.parts {
		im.totals.Parts = append(im.totals.Parts, PartTotals{Part: pp.id, Title: pp.title})
	}
	partID := func(c *policy.Compiled, i int) string {
		if c.PartOf[i] < 0 {
			return ""
		}
		return c.Parts[c.PartOf[i]].ID
	}
	for i, r := range draft.Requirements {
		_, oi, _ := old.Requirement(r.ID)
		knocks := r.Kind.KnocksOut() || oi >= 0 && old.Requirements[oi].Kind.KnocksOut()
		im.reqs = append(im.reqs, reqPair{id: r.ID, title: r.Title, part: partID(draft, i), old: oi, new: i, knocksOut: knocks})
	}
	for i, r := range old.Requirements {
		if _, _, ok := draft.Requirement(r.ID); !ok {
			im.reqs = append(im.reqs, reqPair{id: r.ID, title: r.Title, part: partID(old, i), old: i, new: -1, knocksOut: r.Kind.KnocksOut()})
		}
	}
	return im
}

// carried is p with its choices of parts of the version in force made for the draft as
// well; p itself when it has none.
func (im *impact) carried(p *provider.Provider) *provider.Provider {
	oldID, newID := im.old.Policy().ID, im.new.Policy().ID
	var extra []provider.PartChoice
	for _, pc := range p.Parts {
		if pc.Policy == oldID && !p.Chose(newID, pc.Part) {
			pc.Policy = newID
			extra = append(extra, pc)
		}
	}
	if extra == nil {
		return p
	}
	cp := *p
	cp.Parts = append(append([]provider.PartChoice(nil), p.Parts...), extra...)
	return &cp
}

// outcomes are the outcomes of part pair pp under the version in force and the draft.
func (im *impact) outcomes(pp *partPair) (was, is Outcome) {
	if pp.base {
		return im.oldSum.Outcome, im.newSum.Outcome
	}
	if pp.oi >= 0 {
		was = im.oldSum.PartOutcomes[pp.oi]
	}
	if pp.ni >= 0 {
		is = im.newSum.PartOutcomes[pp.ni]
	}
	return was, is
}

// judge judges one provider under both versions and reports every part whose outcome
// changes.
func (im *impact) judge(p *provider.Provider, fn func(*Change) error) error {
	im.old.Bind(im.oldSub, p)
	im.new.Bind(im.newSub, im.carried(p))
	im.old.Summarize(im.oldSub, &im.oldSum)
	im.new.Summarize(im.newSub, &im.newSum)
	if im.oldSum.Outcome == OutOfScope && im.newSum.Outcome == OutOfScope {
		return nil
	}
	im.totals.Providers++
	changed := false
	for k := range im.parts {
		pp := &im.parts[k]
		was, is := im.outcomes(pp)
		if was == is || !judged(was) && !judged(is) {
			continue
		}
		changed = true
		im.totals.Parts[k].add(is)
		if err := fn(im.describe(p, pp, was, is)); err != nil {
			return err
		}
	}
	if changed {
		im.totals.Changed++
	}
	return nil
}

// describe is the change of one part, with the knock-out requirements of that part whose
// status changed in a way that decides.
func (im *impact) describe(p *provider.Provider, pp *partPair, was, is Outcome) *Change {
	ch := &im.change
	if ch.Requirements == nil {
		ch.Requirements = []StatusChange{} // a change without requirement changes lists none, not null
	}
	*ch = Change{ProviderID: p.ID, ProviderName: p.Name, Part: pp.id, PartTitle: pp.title, Old: was, New: is,
		OldText: partOutcomeText(pp, pp.old, was), NewText: partOutcomeText(pp, pp.new, is), Requirements: ch.Requirements[:0]}
	for _, rp := range im.reqs {
		if rp.part != pp.id || !rp.knocksOut {
			continue
		}
		var rwas, ris Status
		if rp.old >= 0 {
			rwas = im.oldSum.Statuses[rp.old]
		}
		if rp.new >= 0 {
			ris = im.newSum.Statuses[rp.new]
		}
		if rwas != ris && (decides(rwas) || decides(ris)) {
			ch.Requirements = append(ch.Requirements, StatusChange{ID: rp.id, Title: rp.title, Old: rwas, New: ris})
		}
	}
	return ch
}

// partOutcomeText is the Dutch name of outcome o of a part pair in one version (pt nil
// when that version does not have the part).
func partOutcomeText(pp *partPair, pt *policy.Part, o Outcome) string {
	switch {
	case pp.base:
		return OutcomeNames[o]
	case pt == nil:
		return "onderdeel bestaat niet in deze versie"
	}
	return PartOutcomeName(pt, o)
}

// decides reports whether a knock-out requirement with status st keeps a provider from
// being eligible.
func decides(st Status) bool { return st == NotMet || st == Unknown }
