// Package assessment judges providers against a policy: per requirement met, not met,
// unknown (a fact or evidence is missing) or needing manual review, explained in Dutch, and
// an overall outcome with a score for the guiding criteria.
package assessment

import (
	"fmt"
	"slices"
	"strings"

	"zorginkoop/internal/nl"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/provider"
)

// Status is the judgement of one requirement.
type Status string

const (
	Met           Status = "met"
	NotMet        Status = "not_met"
	Unknown       Status = "unknown"
	Review        Status = "review"
	NotApplicable Status = "not_applicable"
)

// StatusNames are the Dutch names of the statuses.
var StatusNames = map[Status]string{
	Met: "voldoet", NotMet: "voldoet niet", Unknown: "onbekend", Review: "ter beoordeling", NotApplicable: "n.v.t.",
}

// Outcome is the overall judgement.
type Outcome string

const (
	Eligible    Outcome = "eligible"
	NotEligible Outcome = "not_eligible"
	Incomplete  Outcome = "incomplete"   // no knock-out failed, but facts or evidence are missing
	OutOfScope  Outcome = "out_of_scope" // the provider has none of the policy's care types
)

// OutcomeNames are the Dutch names of the outcomes.
var OutcomeNames = map[Outcome]string{
	Eligible: "komt in aanmerking", NotEligible: "komt niet in aanmerking",
	Incomplete: "onvolledig", OutOfScope: "valt buiten dit beleid",
}

// Item is the judgement of one requirement for one provider.
type Item struct {
	RequirementID string      `json:"requirement_id"`
	Kind          policy.Kind `json:"kind"`
	Title         string      `json:"title"`
	Source        string      `json:"source"`
	Status        Status      `json:"status"`
	Explanation   string      `json:"explanation"`
	Points        int         `json:"points,omitempty"`
	MaxPoints     int         `json:"max_points,omitempty"`
}

// Summary is the compact judgement of one provider, as kept for many providers at once.
type Summary struct {
	ProviderID   string   `json:"provider_id"`
	ProviderName string   `json:"provider_name"`
	Outcome      Outcome  `json:"outcome"`
	Score        int      `json:"score"`
	MaxScore     int      `json:"max_score"`
	Statuses     []Status `json:"statuses"` // by requirement index of the policy
}

// Count returns how many requirements have status st.
func (s *Summary) Count(st Status) int {
	n := 0
	for _, x := range s.Statuses {
		if x == st {
			n++
		}
	}
	return n
}

// Result is the full judgement of one provider, with explanations.
type Result struct {
	Summary
	PolicyID string `json:"policy_id"`
	Items    []Item `json:"items"`
}

// Assessor judges providers against one compiled policy. It is safe for concurrent use;
// each goroutine uses its own Subject.
type Assessor struct {
	lib     *policy.Library
	pol     *policy.Compiled
	insurer string // display name, for per-insurer fact labels
}

// New returns an assessor for a policy of the library.
func New(lib *policy.Library, pol *policy.Compiled) *Assessor {
	return &Assessor{lib: lib, pol: pol, insurer: lib.InsurerName(pol.Insurer)}
}

// Policy returns the policy being assessed against.
func (as *Assessor) Policy() *policy.Compiled { return as.pol }

// Subject holds one provider's facts bound for evaluation. Reuse it across providers to
// avoid allocation.
type Subject struct {
	Provider *provider.Provider
	act      *policy.Activation
	evidence []string // evidence document per fact slot
	bad      []string // facts whose stored value could not be read
}

// FactCounts reports whether a provider's fact counts under pol: a fact kept per insurer
// (provider.Fact.Insurer) counts only under that insurer's policies.
func FactCounts(pol *policy.Compiled, f *provider.Fact) bool {
	return f.Insurer == "" || f.Insurer == pol.Insurer
}

// NewSubject returns an empty subject for this assessor's library.
func (as *Assessor) NewSubject() *Subject {
	return &Subject{act: as.lib.Env.NewActivation(), evidence: make([]string, len(as.lib.Facts.Defs))}
}

// Bind loads a provider's facts into the subject: per-insurer facts for the policy's insurer
// only. Facts the catalogue does not know are ignored; a value that cannot be read is
// treated as unknown and reported in explanations.
func (as *Assessor) Bind(s *Subject, p *provider.Provider) {
	s.Provider = p
	s.act.Reset()
	clear(s.evidence)
	s.bad = s.bad[:0]
	cat := as.lib.Facts
	for i := range p.Facts {
		f := &p.Facts[i]
		idx := cat.Index(f.Key)
		if idx < 0 {
			continue
		}
		def := &cat.Defs[idx]
		if !FactCounts(as.pol, f) {
			continue
		}
		v, err := policy.Value(def.Type, f.Value)
		if err != nil {
			s.bad = append(s.bad, f.Key)
			continue
		}
		s.act.Vals[idx] = v
		s.evidence[idx] = f.Evidence
	}
	year := 0
	if len(as.pol.ContractYears) > 0 {
		year = as.pol.ContractYears[0]
	}
	s.act.SetBuiltins(as.pol.ReferenceTime(), year, p.CareTypes, p.Specialisms)
}

// InScope reports whether the policy is about this provider's care types.
func (as *Assessor) InScope(p *provider.Provider) bool { return InScope(as.pol, p) }

// InScope reports whether pol is about the provider's care types (a policy naming none is
// about every provider): whether the provider is judged under it.
func InScope(pol *policy.Compiled, p *provider.Provider) bool {
	return len(pol.CareTypes) == 0 || p.HasCareType(pol.CareTypes)
}

// Summarize judges the bound subject without explanations: the hot path.
func (as *Assessor) Summarize(s *Subject, out *Summary) {
	p := s.Provider
	out.ProviderID, out.ProviderName = p.ID, p.Name
	out.Score, out.MaxScore = 0, 0
	if cap(out.Statuses) < len(as.pol.Requirements) {
		out.Statuses = make([]Status, len(as.pol.Requirements))
	}
	out.Statuses = out.Statuses[:len(as.pol.Requirements)]
	if !as.InScope(p) {
		for i := range out.Statuses {
			out.Statuses[i] = NotApplicable
		}
		out.Outcome = OutOfScope
		return
	}
	knockoutUnknown, knockoutFailed := false, false
	for i := range as.pol.Requirements {
		req := &as.pol.Requirements[i]
		st := as.judge(i, s)
		out.Statuses[i] = st
		if req.Kind == policy.Guiding && st != NotApplicable {
			out.MaxScore += req.Points
			if st == Met {
				out.Score += req.Points
			}
		}
		if req.Kind.KnocksOut() {
			knockoutFailed = knockoutFailed || st == NotMet
			knockoutUnknown = knockoutUnknown || st == Unknown
		}
	}
	switch {
	case knockoutFailed:
		out.Outcome = NotEligible
	case knockoutUnknown:
		out.Outcome = Incomplete
	default:
		out.Outcome = Eligible
	}
}

// judge returns the status of requirement i.
func (as *Assessor) judge(i int, s *Subject) Status {
	req := &as.pol.Requirements[i]
	if len(req.CareTypes) > 0 && !s.Provider.HasCareType(req.CareTypes) {
		return NotApplicable
	}
	rule := as.pol.Rules[i]
	if req.Kind == policy.Review || rule == nil && len(req.Evidence) == 0 {
		return Review
	}
	status := Met
	if rule != nil {
		switch rule.Eval(s.act) {
		case policy.False:
			return NotMet
		case policy.Unknown:
			status = Unknown
		case policy.Failed:
			return Review
		}
	}
	for _, key := range req.Evidence {
		idx := as.lib.Facts.Index(key)
		v := s.act.Vals[idx]
		if v == nil || s.evidence[idx] == "" {
			status = Unknown
			continue
		}
		if b, ok := v.Value().(bool); ok && !b && rule == nil {
			return NotMet
		}
	}
	return status
}

// Assess judges one provider with explanations for every requirement.
func (as *Assessor) Assess(p *provider.Provider) Result {
	s := as.NewSubject()
	as.Bind(s, p)
	r := Result{PolicyID: as.pol.ID}
	as.Summarize(s, &r.Summary)
	r.Items = make([]Item, len(as.pol.Requirements))
	for i := range as.pol.Requirements {
		req := &as.pol.Requirements[i]
		it := Item{RequirementID: req.ID, Kind: req.Kind, Title: req.Title, Source: req.Source, Status: r.Statuses[i]}
		if req.Kind == policy.Guiding {
			it.MaxPoints = req.Points
			if it.Status == Met {
				it.Points = req.Points
			}
		}
		it.Explanation = as.explain(i, s, it.Status)
		r.Items[i] = it
	}
	return r
}

// explain says in Dutch why requirement i has status st.
func (as *Assessor) explain(i int, s *Subject, st Status) string {
	req := &as.pol.Requirements[i]
	if st == NotApplicable {
		if !as.InScope(s.Provider) {
			return "Dit beleid geldt voor " + as.careTypeNames(as.pol.CareTypes) + "."
		}
		return "Geldt alleen voor " + as.careTypeNames(req.CareTypes) + "; deze zorgaanbieder is " + as.careTypeNames(s.Provider.CareTypes) + "."
	}
	var parts []string
	rule := as.pol.Rules[i]
	if rule != nil {
		res, text := rule.Explain(as.lib.Env, s.act, as.insurer)
		if res == policy.Failed {
			text = "De regel kon niet worden geëvalueerd: " + text
		}
		parts = append(parts, text)
	}
	for _, key := range req.Evidence {
		def, _ := as.lib.Facts.Lookup(key)
		idx := as.lib.Facts.Index(key)
		label, v, doc := def.LabelFor(as.insurer), s.act.Vals[idx], s.evidence[idx]
		// The rule's explanation already names the value of a fact it reads; with one
		// evidence fact it is clear which document is meant.
		named := rule != nil && slices.Contains(rule.Facts, key)
		of := ""
		if len(req.Evidence) > 1 {
			of = " voor " + label
		}
		switch {
		case named && doc == "":
			parts = append(parts, "Bewijsstuk"+of+" ontbreekt")
		case named:
			parts = append(parts, "Bewijsstuk"+of+": "+doc)
		case v == nil:
			parts = append(parts, label+": niet opgegeven")
		case doc == "":
			parts = append(parts, label+": "+policy.FormatValue(def.Type, v)+", bewijsstuk ontbreekt")
		default:
			parts = append(parts, label+": "+policy.FormatValue(def.Type, v)+" (bewijsstuk: "+doc+")")
		}
	}
	if st == Review {
		parts = append(parts, "Wordt handmatig beoordeeld door de zorgverzekeraar.")
	}
	if len(s.bad) > 0 {
		parts = append(parts, fmt.Sprintf("Onleesbare waarde voor %s, behandeld als onbekend.", strings.Join(s.bad, ", ")))
	}
	return strings.Join(parts, ". ")
}

func (as *Assessor) careTypeNames(ids []string) string {
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = as.lib.CareTypeName(id)
	}
	return nl.JoinOr(names)
}

// Activation exposes the bound facts, for evaluating a single rule (benchmarks, tools).
func (s *Subject) Activation() *policy.Activation { return s.act }
