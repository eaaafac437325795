package policy

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"cel.dev/cel-go/common/types"

	"zorginkoop/internal/nl"
)

// Diff lists what changed between two versions of a policy, in the shape of a policy's
// "belangrijkste wijzigingen" section.
type Diff struct {
	Old          string              `json:"old"`
	New          string              `json:"new"`
	Added        []Requirement       `json:"added"`
	Removed      []Requirement       `json:"removed"`
	Changed      []RequirementChange `json:"changed"`
	Dates        []DateChange        `json:"dates"`
	FormsAdded   []string            `json:"contract_forms_added"`
	FormsRemoved []string            `json:"contract_forms_removed"`
	PartsAdded   []Part              `json:"parts_added"`
	PartsRemoved []Part              `json:"parts_removed"`
	Claims       []ClaimChange       `json:"claims"`
}

// RequirementChange is a requirement present in both versions that differs.
type RequirementChange struct {
	ID         string            `json:"id"`
	Title      string            `json:"title"`
	Thresholds []ThresholdChange `json:"thresholds,omitempty"`
	OldKind    Kind              `json:"old_kind,omitempty"`
	NewKind    Kind              `json:"new_kind,omitempty"`
	// OldPart and NewPart name the contract parts (titles) when the requirement moved.
	OldPart string `json:"old_part,omitempty"`
	NewPart string `json:"new_part,omitempty"`
	// OldCondition and NewCondition are the applies_if conditions in words, when changed.
	OldCondition string `json:"old_condition,omitempty"`
	NewCondition string `json:"new_condition,omitempty"`
	OldRule      string `json:"old_rule,omitempty"`
	NewRule      string `json:"new_rule,omitempty"`
	// The rules in words (Rule.Words), and the parts of a rule that came or went: an
	// alternative of an "or" ("nieuw alternatief: …"), a condition of an "and".
	OldWords            string      `json:"old_words,omitempty"`
	NewWords            string      `json:"new_words,omitempty"`
	AddedAlternatives   []string    `json:"added_alternatives,omitempty"`
	RemovedAlternatives []string    `json:"removed_alternatives,omitempty"`
	AddedConditions     []string    `json:"added_conditions,omitempty"`
	RemovedConditions   []string    `json:"removed_conditions,omitempty"`
	TextChanged         bool        `json:"text_changed"`
	OldText             string      `json:"old_text,omitempty"`
	NewText             string      `json:"new_text,omitempty"`
	CareTypes           [2][]string `json:"care_types,omitempty"`
}

// ThresholdChange is a constant in a rule that moved: "€ 50.000,00 → € 100.000,00".
type ThresholdChange struct {
	Fact  string `json:"fact"`
	Label string `json:"label"`
	Op    string `json:"op"`
	// Relation is the comparison in words: "ten minste", "op of na".
	Relation string `json:"relation"`
	Old      string `json:"old"`
	New      string `json:"new"`
}

// DateChange is a milestone or window date added, removed or moved.
type DateChange struct {
	ID   string `json:"id"`
	What string `json:"what"`
	Old  string `json:"old,omitempty"`
	New  string `json:"new,omitempty"`
	// OldStep and NewStep are the Dutch names of a milestone's round step, set when it changed.
	OldStep string `json:"old_step,omitempty"`
	NewStep string `json:"new_step,omitempty"`
}

// Compare computes the diff from old to new.
func (lib *Library) Compare(old, new *Compiled) Diff {
	d := Diff{Old: old.ID, New: new.ID}
	insurer := lib.InsurerName(new.Insurer)
	for i := range new.Requirements {
		nr := &new.Requirements[i]
		or, oi, ok := old.Requirement(nr.ID)
		if !ok {
			d.Added = append(d.Added, *nr)
			continue
		}
		ch := RequirementChange{ID: nr.ID, Title: nr.Title}
		changed := false
		if or.Kind != nr.Kind {
			ch.OldKind, ch.NewKind, changed = or.Kind, nr.Kind, true
		}
		if normalize(or.AppliesIf) != normalize(nr.AppliesIf) {
			ch.OldCondition, ch.NewCondition, changed = condWords(lib, old.Conditions[oi], insurer), condWords(lib, new.Conditions[i], insurer), true
		}
		if or.Part != nr.Part { // by id: the base contract's title changes with the year
			ch.OldPart, ch.NewPart, changed = partTitle(old, or.Part), partTitle(new, nr.Part), true
		}
		if normalize(or.Rule) != normalize(nr.Rule) {
			ch.OldRule, ch.NewRule, changed = or.Rule, nr.Rule, true
			ch.Thresholds = lib.thresholds(old.Rules[oi], new.Rules[i], insurer)
			ch.OldWords, ch.NewWords = old.Rules[oi].Words(lib.Env, insurer), new.Rules[i].Words(lib.Env, insurer)
			lib.ruleParts(&ch, old.Rules[oi], new.Rules[i], insurer)
		}
		if normalize(or.Text) != normalize(nr.Text) {
			ch.TextChanged, ch.OldText, ch.NewText, changed = true, or.Text, nr.Text, true
		}
		if strings.Join(or.CareTypes, ",") != strings.Join(nr.CareTypes, ",") {
			ch.CareTypes, changed = [2][]string{or.CareTypes, nr.CareTypes}, true
		}
		if changed {
			d.Changed = append(d.Changed, ch)
		}
	}
	for _, or := range old.Requirements {
		if _, _, ok := new.Requirement(or.ID); !ok {
			d.Removed = append(d.Removed, or)
		}
	}
	for _, pt := range new.Parts {
		if _, _, ok := old.Part(pt.ID); !ok {
			d.PartsAdded = append(d.PartsAdded, pt)
		}
	}
	for _, pt := range old.Parts {
		if _, _, ok := new.Part(pt.ID); !ok {
			d.PartsRemoved = append(d.PartsRemoved, pt)
		}
	}
	d.Dates = compareDates(old, new)
	d.Claims = compareClaims(old.Claims, new.Claims)
	oldForms, newForms := map[string]bool{}, map[string]bool{}
	for _, f := range old.ContractForms {
		oldForms[f.ID] = true
	}
	for _, f := range new.ContractForms {
		newForms[f.ID] = true
		if !oldForms[f.ID] {
			d.FormsAdded = append(d.FormsAdded, f.Title)
		}
	}
	for _, f := range old.ContractForms {
		if !newForms[f.ID] {
			d.FormsRemoved = append(d.FormsRemoved, f.Title)
		}
	}
	return d
}

// condWords is an applies_if condition in words; "iedereen" for none.
func condWords(lib *Library, cond *Rule, insurer string) string {
	if cond == nil {
		return "iedereen"
	}
	return cond.Words(lib.Env, insurer)
}

// partTitle is the title of the part with id in c (the base contract's for "").
func partTitle(c *Compiled, id string) string {
	if pt, _, ok := c.Part(id); ok {
		return pt.Title
	}
	return c.Base.Title
}

func normalize(s string) string { return strings.Join(strings.Fields(s), " ") }

// thresholds pairs the comparisons of two rules by fact and operator and reports the
// constants that changed.
func (lib *Library) thresholds(old, new *Rule, insurer string) []ThresholdChange {
	if old == nil || new == nil {
		return nil
	}
	oldLeaves := leaves(old.Tree)
	var out []ThresholdChange
	for _, nl := range leaves(new.Tree) {
		if nl.Const == nil || nl.Fact == "" {
			continue
		}
		for _, ol := range oldLeaves {
			if ol.Fact != nl.Fact || ol.Op != nl.Op || ol.Const == nil || ol.Const.Equal(nl.Const) == types.True {
				continue
			}
			def, _ := lib.Facts.Lookup(nl.Fact)
			out = append(out, ThresholdChange{Fact: nl.Fact, Label: def.LabelFor(insurer), Op: nl.Op, Relation: relation(def.Type, nl.Op),
				Old: FormatValue(def.Type, ol.Const), New: FormatValue(def.Type, nl.Const)})
		}
	}
	return out
}

// ruleParts reports the alternatives (of a rule that is an "or") and the conditions (of an
// "and") that one version has and the other has not, in words. A comparison whose
// threshold moved is the same part: thresholds reports it.
func (lib *Library) ruleParts(ch *RequirementChange, old, new *Rule, insurer string) {
	if old == nil || new == nil {
		return
	}
	op := new.Tree.Op
	if op != "or" && op != "and" {
		op = old.Tree.Op
	}
	if op != "or" && op != "and" {
		return
	}
	oldKids, newKids := partsOf(old.Tree, op), partsOf(new.Tree, op)
	if oldKids == nil || newKids == nil {
		return // one is an "or", the other an "and": the words of both rules say it
	}
	added, removed := lib.unmatched(newKids, oldKids, insurer), lib.unmatched(oldKids, newKids, insurer)
	if op == "or" {
		ch.AddedAlternatives, ch.RemovedAlternatives = added, removed
	} else {
		ch.AddedConditions, ch.RemovedConditions = added, removed
	}
}

// partsOf is the list of parts of n under op: its kids, or n itself when it is a single
// part; nil when n is the other compound.
func partsOf(n *Node, op string) []*Node {
	switch n.Op {
	case op:
		return n.Kids
	case "and", "or":
		return nil
	}
	return []*Node{n}
}

// unmatched lists, in words, the parts of a that b lacks.
func (lib *Library) unmatched(a, b []*Node, insurer string) []string {
	var out []string
	for _, x := range a {
		found := false
		for _, y := range b {
			if sameRulePart(x, y) {
				found = true
				break
			}
		}
		if !found {
			out = append(out, x.words(lib.Env, insurer))
		}
	}
	return out
}

// sameRulePart reports whether two parts are the same, or the same comparison with
// another threshold.
func sameRulePart(x, y *Node) bool {
	if nodeKey(x) == nodeKey(y) {
		return true
	}
	return x.Leaf != nil && y.Leaf != nil && x.Leaf.Fact != "" && x.Leaf.Fact == y.Leaf.Fact && x.Leaf.Op == y.Leaf.Op
}

func nodeKey(n *Node) string {
	if n.Leaf != nil {
		return normalize(n.Leaf.Expr)
	}
	keys := make([]string, len(n.Kids))
	for i, k := range n.Kids {
		keys[i] = nodeKey(k)
	}
	return n.Op + "(" + strings.Join(keys, ", ") + ")"
}

func leaves(n *Node) []*Leaf {
	if n == nil {
		return nil
	}
	if n.Leaf != nil {
		return []*Leaf{n.Leaf}
	}
	var out []*Leaf
	for _, k := range n.Kids {
		out = append(out, leaves(k)...)
	}
	return out
}

func compareDates(old, new *Compiled) []DateChange {
	type dated struct{ what, date, step string }
	collect := func(c *Compiled) map[string]dated {
		m := map[string]dated{}
		for _, ms := range c.Timeline {
			m["timeline:"+ms.ID] = dated{ms.What, nl.Date(ms.Date.Time), StepNames[ms.Step]}
		}
		for _, w := range c.Windows {
			m["window-opens:"+w.ID] = dated{w.Title + " (opent)", nl.Date(w.Opens.Time), ""}
			m["window-closes:"+w.ID] = dated{w.Title + " (sluit)", nl.Date(w.Closes.Time), ""}
		}
		return m
	}
	o, n := collect(old), collect(new)
	var out []DateChange
	add := func(key string, dc DateChange) {
		dc.ID = key[strings.Index(key, ":")+1:]
		out = append(out, dc)
	}
	for _, k := range sortedKeys(n) {
		nv := n[k]
		if ov, ok := o[k]; !ok {
			add(k, DateChange{What: nv.what, New: nv.date})
		} else if ov.date != nv.date || ov.step != nv.step {
			dc := DateChange{What: nv.what, Old: ov.date, New: nv.date}
			if ov.step != nv.step {
				dc.OldStep, dc.NewStep = orNone(ov.step), orNone(nv.step)
			}
			add(k, dc)
		}
	}
	for _, k := range sortedKeys(o) {
		if _, ok := n[k]; !ok {
			add(k, DateChange{What: o[k].what, Old: o[k].date})
		}
	}
	return out
}

// Write renders the diff for the command line (`policy diff`), shaped like a policy's list
// of changes: the change lines are Dutch, as the policy's own list is, under the command
// line's English headings (docs/language.md).
func (d Diff) Write(w io.Writer) {
	fmt.Fprintf(w, "Changes from %s to %s\n", d.Old, d.New)
	if len(d.Added)+len(d.Removed)+len(d.Changed)+len(d.Dates)+len(d.FormsAdded)+len(d.FormsRemoved)+len(d.PartsAdded)+len(d.PartsRemoved)+len(d.Claims) == 0 {
		fmt.Fprintln(w, "\nNo changes.")
		return
	}
	if len(d.Changed) > 0 {
		fmt.Fprintln(w, "\nChanged requirements")
		for _, c := range d.Changed {
			fmt.Fprintf(w, "  ~ %s (%s)\n", c.Title, c.ID)
			for _, t := range c.Thresholds {
				fmt.Fprintf(w, "      %s %s: was %s, wordt %s\n", t.Label, opSymbol(t.Op), t.Old, t.New)
			}
			if c.OldKind != "" {
				fmt.Fprintf(w, "      soort: was %s, wordt %s\n", KindNames[c.OldKind], KindNames[c.NewKind])
			}
			if c.OldCondition != "" || c.NewCondition != "" {
				fmt.Fprintf(w, "      geldt voor: was %s, wordt %s\n", c.OldCondition, c.NewCondition)
			}
			if c.OldPart != "" || c.NewPart != "" {
				fmt.Fprintf(w, "      onderdeel: was %s, wordt %s\n", c.OldPart, c.NewPart)
			}
			for _, a := range c.AddedAlternatives {
				fmt.Fprintf(w, "      nieuw alternatief: %s\n", a)
			}
			for _, a := range c.RemovedAlternatives {
				fmt.Fprintf(w, "      vervallen alternatief: %s\n", a)
			}
			for _, a := range c.AddedConditions {
				fmt.Fprintf(w, "      nieuwe voorwaarde: %s\n", a)
			}
			for _, a := range c.RemovedConditions {
				fmt.Fprintf(w, "      vervallen voorwaarde: %s\n", a)
			}
			if c.NewRule != "" || c.OldRule != "" {
				fmt.Fprintf(w, "      regel in woorden: was %q, wordt %q\n", c.OldWords, c.NewWords)
				fmt.Fprintf(w, "      regel: was `%s`, wordt `%s`\n", normalize(c.OldRule), normalize(c.NewRule))
			}
			if c.CareTypes[0] != nil || c.CareTypes[1] != nil {
				fmt.Fprintf(w, "      zorgsoorten: was %s, wordt %s\n", orAll(c.CareTypes[0]), orAll(c.CareTypes[1]))
			}
			if c.TextChanged {
				fmt.Fprintf(w, "      tekst gewijzigd, nu: %s\n", normalize(c.NewText))
			}
		}
	}
	if len(d.PartsAdded) > 0 {
		fmt.Fprintln(w, "\nNew contract parts")
		for _, pt := range d.PartsAdded {
			fmt.Fprintf(w, "  + %s (%s, %s)\n", pt.Title, pt.ID, InitiativeNames[pt.Initiative])
		}
	}
	if len(d.PartsRemoved) > 0 {
		fmt.Fprintln(w, "\nRemoved contract parts")
		for _, pt := range d.PartsRemoved {
			fmt.Fprintf(w, "  - %s (%s)\n", pt.Title, pt.ID)
		}
	}
	if len(d.Added) > 0 {
		fmt.Fprintln(w, "\nNew requirements")
		for _, r := range d.Added {
			fmt.Fprintf(w, "  + %s (%s, %s)\n", r.Title, r.ID, KindNames[r.Kind])
		}
	}
	if len(d.Removed) > 0 {
		fmt.Fprintln(w, "\nRemoved requirements")
		for _, r := range d.Removed {
			fmt.Fprintf(w, "  - %s (%s, %s)\n", r.Title, r.ID, KindNames[r.Kind])
		}
	}
	if len(d.Dates) > 0 {
		fmt.Fprintln(w, "\nDates")
		for _, c := range d.Dates {
			switch {
			case c.Old == "":
				fmt.Fprintf(w, "  + %s: %s\n", c.What, c.New)
			case c.New == "":
				fmt.Fprintf(w, "  - %s: was %s\n", c.What, c.Old)
			case c.Old != c.New:
				fmt.Fprintf(w, "  ~ %s: was %s, wordt %s\n", c.What, c.Old, c.New)
			default:
				fmt.Fprintf(w, "  ~ %s: %s\n", c.What, c.New)
			}
			if c.OldStep != "" {
				fmt.Fprintf(w, "      stap: was %s, wordt %s\n", c.OldStep, c.NewStep)
			}
		}
	}
	writeClaims(w, d.Claims)
	for _, f := range d.FormsAdded {
		fmt.Fprintf(w, "\nNew contract form: %s\n", f)
	}
	for _, f := range d.FormsRemoved {
		fmt.Fprintf(w, "\nRemoved contract form: %s\n", f)
	}
}

func orAll(list []string) string {
	if len(list) == 0 {
		return "alle"
	}
	return strings.Join(list, ", ")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// orNone names a missing step.
func orNone(step string) string {
	if step == "" {
		return "geen"
	}
	return step
}
