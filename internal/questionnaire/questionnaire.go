// Package questionnaire is the uitvraag of a purchasing round: the questions a policy asks
// a provider for the base contract and the parts of its dossier, the provider's draft
// answers and evidence, their submission as the provider's own facts with the assessment
// that follows at once, and the medisch adviseur's handling of what is "ter beoordeling".
package questionnaire

import (
	"fmt"
	"slices"
	"strings"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/provider"
)

// Questionnaire is what a policy asks a provider for a dossier: one section for the base
// contract, then one per part of the dossier, in the order of the policy.
type Questionnaire struct {
	PolicyID string    `json:"policy_id"`
	Sections []Section `json:"sections"`
}

// Section is the questions and evidence uploads of the base contract or of one part.
type Section struct {
	Part   string `json:"part"`
	Title  string `json:"title"`
	Base   bool   `json:"base,omitempty"`
	Source string `json:"source"`
	// Questions are the facts this part's requirements read that were not asked in an
	// earlier section: a fact is asked once, where it is first needed.
	Questions []Question     `json:"questions"`
	Evidence  []EvidenceSlot `json:"evidence,omitempty"`
}

// Question asks for one fact the provider declares itself.
type Question struct {
	Fact        string            `json:"fact"`
	Type        provider.FactType `json:"type"`
	Label       string            `json:"label"`
	Description string            `json:"description,omitempty"`
	Unit        string            `json:"unit,omitempty"` // Dutch: how to write the answer
	Min         *float64          `json:"min,omitempty"`
	Max         *float64          `json:"max,omitempty"`
	// Required: a knock-out, exclusion or attestation reads the fact, so that without it
	// the part is "onvolledig". Every question must be answered (or marked onbekend)
	// before the questionnaire is submitted.
	Required bool `json:"required,omitempty"`
	// AskedBy are the requirements that read the fact, with the policy's wording.
	AskedBy []Asker `json:"asked_by"`
}

// Asker is a requirement that asks for a fact or a document, in the policy's words.
type Asker struct {
	RequirementID string      `json:"requirement_id"`
	Kind          policy.Kind `json:"kind"`
	Part          string      `json:"part,omitempty"` // "" for the base contract
	Title         string      `json:"title"`
	Text          string      `json:"text,omitempty"`
	Source        string      `json:"source"`
}

// EvidenceSlot is the upload of the evidence a requirement asks for.
type EvidenceSlot struct {
	Asker
	// Facts are the evidence facts of the requirement, Documents their Dutch names.
	Facts     []string `json:"facts"`
	Documents []string `json:"documents"`
}

// Question returns the question about fact, if the questionnaire asks it.
func (q *Questionnaire) Question(fact string) (*Question, bool) {
	for i := range q.Sections {
		for j := range q.Sections[i].Questions {
			if q.Sections[i].Questions[j].Fact == fact {
				return &q.Sections[i].Questions[j], true
			}
		}
	}
	return nil, false
}

// Slot returns the evidence upload of requirement id, if the questionnaire has it.
func (q *Questionnaire) Slot(id string) (*EvidenceSlot, bool) {
	for i := range q.Sections {
		for j := range q.Sections[i].Evidence {
			if q.Sections[i].Evidence[j].RequirementID == id {
				return &q.Sections[i].Evidence[j], true
			}
		}
	}
	return nil, false
}

// Questions returns every question in order.
func (q *Questionnaire) Questions() []Question {
	var out []Question
	for _, s := range q.Sections {
		out = append(out, s.Questions...)
	}
	return out
}

// Generate builds the questionnaire of pol for a dossier with parts (the base contract id
// first, then the part ids requested or offered; the base is always included): every fact
// that the judged requirements of those parts read in their rules, applies_if conditions
// and evidence, except the facts kept per insurer (revenue, market share, contract
// history: the insurer's data, never asked of the provider), and an upload for every
// requirement with evidence. Information requirements ask nothing. The order is the
// policy's. An unknown part is Invalid.
func Generate(pol *policy.Compiled, parts []string, cat *provider.Catalogue) (*Questionnaire, error) {
	want, err := partIndexes(pol, parts)
	if err != nil {
		return nil, err
	}
	q := &Questionnaire{PolicyID: pol.ID}
	type at struct{ sec, q int }
	asked := map[string]at{}
	for _, k := range want {
		q.Sections = append(q.Sections, newSection(pol, k))
		s := len(q.Sections) - 1
		sec := &q.Sections[s]
		for i := range pol.Requirements {
			req := &pol.Requirements[i]
			if pol.PartOf[i] != k || !req.Kind.Judged() {
				continue
			}
			by := Asker{RequirementID: req.ID, Kind: req.Kind, Part: req.Part, Title: req.Title, Text: strings.TrimSpace(req.Text), Source: req.Source}
			for _, key := range requirementFacts(pol, i) {
				def, ok := cat.Lookup(key)
				if !ok || def.PerInsurer {
					continue
				}
				if a, seen := asked[key]; seen {
					qu := &q.Sections[a.sec].Questions[a.q]
					qu.Required = qu.Required || req.Kind.KnocksOut()
					qu.AskedBy = append(qu.AskedBy, by)
					continue
				}
				sec.Questions = append(sec.Questions, newQuestion(def, by, req.Kind.KnocksOut()))
				asked[key] = at{s, len(sec.Questions) - 1}
			}
			if len(req.Evidence) > 0 {
				sec.Evidence = append(sec.Evidence, evidenceSlot(by, req.Evidence, cat))
			}
		}
	}
	return q, nil
}

// partIndexes returns the indexes of the dossier's parts in pol (-1 the base contract),
// the base first and the parts in the policy's order.
func partIndexes(pol *policy.Compiled, parts []string) ([]int, error) {
	want := []int{-1}
	chosen := map[int]bool{}
	for _, id := range parts {
		if id == pol.Base.ID {
			continue
		}
		_, k, ok := pol.Part(id)
		if !ok {
			return nil, &apperr.Error{Code: apperr.Invalid, Field: "parts",
				Message: fmt.Sprintf("policy %s has no part %q", pol.ID, id),
				Dutch:   fmt.Sprintf("Het zorginkoopbeleid %s heeft geen onderdeel %q.", pol.ID, id)}
		}
		chosen[k] = true
	}
	for k := range pol.Parts {
		if chosen[k] {
			want = append(want, k)
		}
	}
	return want, nil
}

func newSection(pol *policy.Compiled, k int) Section {
	if k < 0 {
		return Section{Part: pol.Base.ID, Title: pol.Base.Title, Base: true, Source: pol.Base.Source, Questions: []Question{}}
	}
	pt := &pol.Parts[k]
	return Section{Part: pt.ID, Title: pt.Title, Source: pt.Source, Questions: []Question{}}
}

// requirementFacts are the facts requirement i reads: its rule's, its condition's and its
// evidence, once each, in that order.
func requirementFacts(pol *policy.Compiled, i int) []string {
	var keys []string
	for _, r := range []*policy.Rule{pol.Conditions[i], pol.Rules[i]} {
		if r != nil {
			keys = append(keys, r.Facts...)
		}
	}
	keys = append(keys, pol.Requirements[i].Evidence...)
	var out []string
	for _, k := range keys {
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

func newQuestion(def *provider.FactDef, by Asker, required bool) Question {
	return Question{Fact: def.Key, Type: def.Type, Label: label(def), Description: def.Description, Unit: units[def.Type],
		Min: def.Min, Max: def.Max, Required: required, AskedBy: []Asker{by}}
}

// label is the fact's Dutch label; a label naming the insurer reads "de zorgverzekeraar"
// here (facts kept per insurer are never asked, so this is rare).
func label(def *provider.FactDef) string {
	return strings.ReplaceAll(def.Label, "{verzekeraar}", "de zorgverzekeraar")
}

func evidenceSlot(by Asker, facts []string, cat *provider.Catalogue) EvidenceSlot {
	slot := EvidenceSlot{Asker: by, Facts: slices.Clone(facts)}
	for _, key := range facts {
		name := key
		if def, ok := cat.Lookup(key); ok {
			name = label(def)
		}
		slot.Documents = append(slot.Documents, name)
	}
	return slot
}

// units say in Dutch how an answer of each type is written.
var units = map[provider.FactType]string{
	provider.Bool:    "ja of nee",
	provider.Int:     "geheel getal",
	provider.Number:  "getal, bijvoorbeeld 7,5",
	provider.Percent: "procent (0 tot en met 100)",
	provider.Money:   "euro, bijvoorbeeld 80.000,00",
	provider.Date:    "datum, bijvoorbeeld 31-12-2026",
	provider.Text:    "tekst",
	provider.List:    "lijst, gescheiden door puntkomma's",
}
