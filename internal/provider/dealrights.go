package provider

// Who may write which part choice and contract of an import: the rules are MayWritePart
// and MayWriteContract; here they are applied to an import against what is stored, as
// mergeFacts does for facts.

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"zorginkoop/internal/audit"
	"zorginkoop/internal/identity"
)

// Dealings are a provider's part choices and contracts, as a store keeps them.
type Dealings struct {
	Parts     []PartChoice
	Contracts []Contract
}

func mayWritePart(actor identity.Principal, providerID string, c PartChoice) bool {
	return MayWritePart(actor, providerID, c.Insurer, c.By)
}

// mergeDealings sets on each provider of ps (a copy the caller owns) the part choices and
// contracts actor may write, then the stored ones actor may not write, which the import
// keeps. One that actor may not write is accepted only when it equals a stored one (a
// record read and sent back unchanged); else it is refused.
func mergeDealings(actor identity.Principal, ps []Provider, stored map[string]Dealings) (dealingChanges, []refusal) {
	var refusals []refusal
	changes := dealingChanges{}
	for i := range ps {
		p := &ps[i]
		old := stored[p.ID]
		var rs []refusal
		p.Parts, rs = mergeList(p.Parts, old.Parts, partKey, partsEqual,
			func(c PartChoice) bool { return mayWritePart(actor, p.ID, c) },
			func(k int, c PartChoice) refusal { return partRefusal(i, k, p.ID, c) })
		refusals = append(refusals, rs...)
		p.Contracts, rs = mergeList(p.Contracts, old.Contracts, contractKey, contractsEqual,
			func(c Contract) bool { return MayWriteContract(actor, c.Insurer) },
			func(k int, c Contract) refusal { return contractRefusal(i, k, p.ID, c) })
		refusals = append(refusals, rs...)
		changes.add(p.ID, old, Dealings{Parts: p.Parts, Contracts: p.Contracts})
	}
	return changes, refusals
}

// mergeList merges one list of entries of a provider: those of in that may be written,
// then the stored ones that may not. An entry of in that may not be written is dropped
// when it equals a stored entry (kept anyway), and refused otherwise.
func mergeList[T any](in, stored []T, key func(T) string, equal func(a, b T) bool, may func(T) bool, refuse func(int, T) refusal) ([]T, []refusal) {
	kept := map[string]T{}
	var keptOrder []T
	for _, e := range stored {
		if !may(e) {
			kept[key(e)] = e
			keptOrder = append(keptOrder, e)
		}
	}
	var (
		out = make([]T, 0, len(in)+len(keptOrder))
		rs  []refusal
	)
	for k, e := range in {
		old, isKept := kept[key(e)]
		switch {
		case !may(e) && isKept && equal(old, e):
			// sent back unchanged: stays as stored
		case !may(e) || isKept:
			rs = append(rs, refuse(k, e))
		default:
			out = append(out, e)
		}
	}
	out = append(out, keptOrder...)
	if len(out) == 0 {
		out = nil
	}
	return out, rs
}

func partsEqual(a, b PartChoice) bool { return a == b }

func contractsEqual(a, b Contract) bool {
	return a.Insurer == b.Insurer && a.Policy == b.Policy && a.FirstYear == b.FirstYear && a.LastYear == b.LastYear &&
		slices.Equal(a.Parts, b.Parts)
}

func partRefusal(i, k int, p string, c PartChoice) refusal {
	what := fmt.Sprintf("part %s of policy %s by %s", c.Part, c.Policy, c.By)
	r := refusal{i: i, p: p, field: "parts[" + strconv.Itoa(k) + "]", what: what, insurer: c.Insurer, action: ActionDealings}
	r.message = fmt.Sprintf("provider %s: you may not write %s (a provider asks for a part itself, by aanbieder; a part the insurer offers, by verzekeraar, is written by that insurer's side)", p, what)
	r.dutch = fmt.Sprintf("Zorgaanbieder %s: u mag het onderdeel %s van beleid %s (door %s) niet aanleveren of wijzigen. Een zorgaanbieder vraagt zelf onderdelen aan (aanbieder); een onderdeel dat de verzekeraar aanbiedt (verzekeraar) levert die verzekeraar aan.",
		p, c.Part, c.Policy, c.By)
	return r
}

func contractRefusal(i, k int, p string, c Contract) refusal {
	years := strconv.Itoa(c.FirstYear) + "-" + strconv.Itoa(c.LastYear)
	what := fmt.Sprintf("contract with %s under %s %s", c.Insurer, c.Policy, years)
	r := refusal{i: i, p: p, field: "contracts[" + strconv.Itoa(k) + "]", what: what, insurer: c.Insurer, action: ActionDealings}
	r.message = fmt.Sprintf("provider %s: you may not write the %s (contracts are written by the insurer's side)", p, what)
	r.dutch = fmt.Sprintf("Zorgaanbieder %s: u mag het contract met %s onder %s (%s) niet aanleveren of wijzigen. Contracten levert de verzekeraar aan.",
		p, c.Insurer, c.Policy, strings.ReplaceAll(years, "-", " tot en met "))
	return r
}

// dealingChange is what an import changes in the part choices under one insurer's
// policies and the contracts with it: counts and providers, as for facts.
type dealingChange struct {
	Insurer          string   `json:"insurer"`
	Providers        int      `json:"providers"`
	PartsAdded       int      `json:"parts_added"`
	PartsRemoved     int      `json:"parts_removed"`
	ContractsAdded   int      `json:"contracts_added"`
	ContractsChanged int      `json:"contracts_changed"`
	ContractsRemoved int      `json:"contracts_removed"`
	IDs              []string `json:"ids"` // of the providers, at most maxAuditIDs
}

// dealingChanges are the changes per insurer id.
type dealingChanges map[string]*dealingChange

// add compares one provider's part choices and contracts before and after.
func (c dealingChanges) add(providerID string, before, after Dealings) {
	touched := map[string]bool{}
	of := func(insurer string) *dealingChange {
		ch, ok := c[insurer]
		if !ok {
			ch = &dealingChange{Insurer: insurer}
			c[insurer] = ch
		}
		if !touched[insurer] {
			touched[insurer] = true
			ch.Providers++
			if len(ch.IDs) < maxAuditIDs {
				ch.IDs = append(ch.IDs, providerID)
			}
		}
		return ch
	}
	oldParts := map[string]bool{}
	for _, pc := range before.Parts {
		oldParts[partKey(pc)] = true
	}
	newParts := map[string]bool{}
	for _, pc := range after.Parts {
		newParts[partKey(pc)] = true
		if !oldParts[partKey(pc)] {
			of(pc.Insurer).PartsAdded++
		}
	}
	for _, pc := range before.Parts {
		if !newParts[partKey(pc)] {
			of(pc.Insurer).PartsRemoved++
		}
	}
	oldContracts := map[string]Contract{}
	for _, ct := range before.Contracts {
		oldContracts[contractKey(ct)] = ct
	}
	newContracts := map[string]bool{}
	for _, ct := range after.Contracts {
		newContracts[contractKey(ct)] = true
		switch prev, had := oldContracts[contractKey(ct)]; {
		case !had:
			of(ct.Insurer).ContractsAdded++
		case !contractsEqual(prev, ct):
			of(ct.Insurer).ContractsChanged++
		}
	}
	for _, ct := range before.Contracts {
		if !newContracts[contractKey(ct)] {
			of(ct.Insurer).ContractsRemoved++
		}
	}
}

// recordDealingChanges records, in the trail of each insurer whose part choices or
// contracts the import changes, what changed: counts and the providers, not the parts.
func (s *Service) recordDealingChanges(ctx context.Context, actor identity.Principal, ps []Provider, changes dealingChanges) error {
	for _, ins := range slices.Sorted(maps.Keys(changes)) {
		if ins == "" {
			continue
		}
		if err := identity.Record(ctx, s.Audit, actor, audit.Entry{Action: ActionDealings, Subject: importSubject(ps), Scope: ins,
			After: audit.JSON(changes[ins])}); err != nil {
			return err
		}
	}
	return nil
}
