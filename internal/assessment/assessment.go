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
	OutOfScope  Outcome = "out_of_scope" // the provider has none of the policy's (or the part's) care types
	// NotRequested: a part the provider did not ask for and was not offered; its
	// conditions are not judged.
	NotRequested Outcome = "not_requested"
)

// OutcomeNames are the Dutch names of the outcomes.
var OutcomeNames = map[Outcome]string{
	Eligible: "komt in aanmerking", NotEligible: "komt niet in aanmerking",
	Incomplete: "onvolledig", OutOfScope: "valt buiten dit beleid", NotRequested: "niet aangevraagd of aangeboden",
}

// PartOutcomeName is the Dutch name of outcome o for part pt of a policy: a part the
// insurer offers is "niet aangeboden", one the provider asks for "niet aangevraagd".
func PartOutcomeName(pt *policy.Part, o Outcome) string {
	switch {
	case o == NotRequested && pt.Initiative == policy.ByInsurer:
		return "niet aangeboden"
	case o == NotRequested:
		return "niet aangevraagd"
	case o == OutOfScope:
		return "staat niet open voor deze zorgaanbieder"
	}
	return OutcomeNames[o]
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
	Part          string      `json:"part,omitempty"` // the part id; empty for the base contract
}

// Summary is the compact judgement of one provider, as kept for many providers at once.
type Summary struct {
	ProviderID   string  `json:"provider_id"`
	ProviderName string  `json:"provider_name"`
	Outcome      Outcome `json:"outcome"` // for the base contract
	// PartOutcomes has one outcome per part of the policy, by part index.
	PartOutcomes []Outcome `json:"part_outcomes,omitempty"`
	Score        int       `json:"score"`
	MaxScore     int       `json:"max_score"`
	Statuses     []Status  `json:"statuses"` // by requirement index of the policy
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
	// Contract has the outcome of the base contract first, then one per part.
	Contract []PartResult `json:"contract"`
	Items    []Item       `json:"items"` // the judged requirements: information is not judged
}

// PartResult is the judgement of the base contract or of one part, explained.
type PartResult struct {
	Part        string            `json:"part"`
	Title       string            `json:"title"`
	Base        bool              `json:"base,omitempty"`
	Initiative  policy.Initiative `json:"initiative,omitempty"`
	Outcome     Outcome           `json:"outcome"`
	OutcomeText string            `json:"outcome_text"`
	Explanation string            `json:"explanation"`
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
	evidence []string  // evidence document per fact slot
	bad      []string  // facts whose stored value could not be read
	state    []Outcome // scratch: per contract part (base at 0), its outcome so far
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
	s.act.SetBuiltins(as.pol.ReferenceTime(), year, p.CareTypes, p.Specialisms, p.ContractFor(as.pol.Insurer, year) != nil)
}

// InScope reports whether the policy is about this provider's care types.
func (as *Assessor) InScope(p *provider.Provider) bool { return InScope(as.pol, p) }

// InScope reports whether pol is about the provider's care types (a policy naming none is
// about every provider): whether the provider is judged under it.
func InScope(pol *policy.Compiled, p *provider.Provider) bool {
	return len(pol.CareTypes) == 0 || p.HasCareType(pol.CareTypes)
}

// judging marks a contract part whose conditions are being judged; it is never stored.
const judging Outcome = ""

// Summarize judges the bound subject without explanations: the hot path. The base contract
// and every part get their own outcome from their own requirements: failing a part's
// condition excludes that part only.
func (as *Assessor) Summarize(s *Subject, out *Summary) {
	p := s.Provider
	pol := as.pol
	out.ProviderID, out.ProviderName = p.ID, p.Name
	out.Score, out.MaxScore = 0, 0
	out.Statuses = resize(out.Statuses, len(pol.Requirements))
	out.PartOutcomes = resize(out.PartOutcomes, len(pol.Parts))
	state := resize(s.state, len(pol.Parts)+1) // base at 0, part i at i+1
	s.state = state
	if !as.InScope(p) {
		for i := range out.Statuses {
			out.Statuses[i] = NotApplicable
		}
		for i := range state {
			state[i] = OutOfScope
		}
		out.Outcome = OutOfScope
		copy(out.PartOutcomes, state[1:])
		return
	}
	for i := range state {
		state[i] = as.opening(p, i-1)
	}
	for i := range pol.Requirements {
		req := &pol.Requirements[i]
		k := pol.PartOf[i] + 1
		if !req.Kind.Judged() || state[k] == OutOfScope || state[k] == NotRequested {
			out.Statuses[i] = NotApplicable
			continue
		}
		st := as.judge(i, s)
		out.Statuses[i] = st
		// A guiding criterion a person judges (no rule) is not scored: nobody could earn
		// its points from facts.
		if req.Kind == policy.Guiding && st != NotApplicable && st != Review {
			out.MaxScore += req.Points
			if st == Met {
				out.Score += req.Points
			}
		}
		if req.Kind.KnocksOut() {
			switch {
			case st == NotMet:
				state[k] = NotEligible
			case st == Unknown && state[k] == judging:
				state[k] = Incomplete
			}
		}
	}
	for i := range state {
		if state[i] == judging {
			state[i] = Eligible
		}
		// An addendum is worth no more than the agreement it adds to (parts require
		// only the base contract or an earlier part, so that one is final already).
		if k := i - 1; k >= 0 && pol.Requires[k] > -2 && (state[i] == Eligible || state[i] == Incomplete) {
			switch state[pol.Requires[k]+1] {
			case Eligible:
			case Incomplete:
				state[i] = Incomplete
			default:
				state[i] = NotEligible
			}
		}
	}
	out.Outcome = state[0]
	copy(out.PartOutcomes, state[1:])
}

// opening is the outcome a contract part (-1 for the base contract) starts from for
// provider p: judging when its conditions are to be judged, or why they are not.
func (as *Assessor) opening(p *provider.Provider, part int) Outcome {
	if !p.HasCareType(as.pol.PartCareTypes(part)) {
		return OutOfScope
	}
	if part < 0 {
		return judging
	}
	pt := &as.pol.Parts[part]
	if pt.OfferedToAll || p.Chose(as.pol.ID, pt.ID) {
		return judging
	}
	return NotRequested
}

func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// judge returns the status of requirement i.
func (as *Assessor) judge(i int, s *Subject) Status {
	req := &as.pol.Requirements[i]
	if len(req.CareTypes) > 0 && !s.Provider.HasCareType(req.CareTypes) {
		return NotApplicable
	}
	if cond := as.pol.Conditions[i]; cond != nil {
		switch cond.Eval(s.act) {
		case policy.False:
			return NotApplicable
		case policy.Unknown, policy.Failed: // whether it applies is not known
			if req.Kind == policy.Review {
				return Review
			}
			return Unknown
		}
	}
	rule := as.pol.Rules[i]
	if req.Kind == policy.Review {
		// A discretionary ground: a person decides, unless the rule shows there is
		// nothing to decide.
		if rule != nil && rule.Eval(s.act) == policy.True {
			return Met
		}
		return Review
	}
	if rule == nil && len(req.Evidence) == 0 {
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

// Assess judges one provider with explanations for every judged requirement and for the
// outcome of the base contract and of every part.
func (as *Assessor) Assess(p *provider.Provider) Result {
	s := as.NewSubject()
	as.Bind(s, p)
	pol := as.pol
	r := Result{PolicyID: pol.ID}
	as.Summarize(s, &r.Summary)
	for i := range pol.Requirements {
		req := &pol.Requirements[i]
		if !req.Kind.Judged() {
			continue
		}
		it := Item{RequirementID: req.ID, Kind: req.Kind, Title: req.Title, Source: req.Source, Status: r.Statuses[i], Part: req.Part}
		if req.Kind == policy.Guiding && it.Status != Review && it.Status != NotApplicable {
			it.MaxPoints = req.Points
			if it.Status == Met {
				it.Points = req.Points
			}
		}
		it.Explanation = as.explain(i, s, it.Status)
		r.Items = append(r.Items, it)
	}
	r.Contract = make([]PartResult, 0, len(pol.Parts)+1)
	r.Contract = append(r.Contract, as.partResult(&r.Summary, p, -1))
	for i := range pol.Parts {
		r.Contract = append(r.Contract, as.partResult(&r.Summary, p, i))
	}
	return r
}

// partResult explains the outcome of contract part i (-1: the base contract).
func (as *Assessor) partResult(sum *Summary, p *provider.Provider, i int) PartResult {
	pol := as.pol
	pr := PartResult{Base: i < 0}
	var pt *policy.Part
	if i < 0 {
		pt, pr.Outcome, pr.OutcomeText = &pol.Base, sum.Outcome, OutcomeNames[sum.Outcome]
	} else {
		pt, pr.Outcome = &pol.Parts[i], sum.PartOutcomes[i]
		pr.OutcomeText = PartOutcomeName(pt, pr.Outcome)
	}
	pr.Part, pr.Title, pr.Initiative = pt.ID, pt.Title, pt.Initiative
	var failed, missing, review []string
	for j := range pol.Requirements {
		req := &pol.Requirements[j]
		if pol.PartOf[j] != i {
			continue
		}
		switch st := sum.Statuses[j]; {
		case st == NotMet && req.Kind.KnocksOut():
			failed = append(failed, req.Title)
		case st == Unknown && req.Kind.KnocksOut():
			missing = append(missing, req.Title)
		case st == Review:
			review = append(review, req.Title)
		}
	}
	// A part that adds to another agreement: why that one holds it back, if it does.
	blocked := ""
	if i >= 0 && pol.Requires[i] > -2 && pr.Outcome != OutOfScope && pr.Outcome != NotRequested {
		k := pol.Requires[i]
		o, name := sum.Outcome, OutcomeNames[sum.Outcome]
		if k >= 0 {
			o, name = sum.PartOutcomes[k], PartOutcomeName(&pol.Parts[k], sum.PartOutcomes[k])
		}
		if o != Eligible {
			blocked = "Vereist " + lower(as.partTitle(k)) + ", waarvoor de uitkomst is: " + name + "."
		}
	}
	if blocked != "" && len(failed) == 0 && len(missing) == 0 {
		pr.Explanation = blocked
		return pr
	}
	switch pr.Outcome {
	case OutOfScope:
		pr.Explanation = "Staat open voor " + as.careTypeNames(pol.PartCareTypes(i)) + "; deze zorgaanbieder is " + as.careTypeNames(p.CareTypes) + "."
	case NotRequested:
		if pt.Initiative == policy.ByInsurer {
			pr.Explanation = as.insurer + " heeft dit onderdeel niet aangeboden; de voorwaarden zijn niet beoordeeld."
		} else {
			pr.Explanation = "De zorgaanbieder heeft dit onderdeel niet aangevraagd; de voorwaarden zijn niet beoordeeld."
		}
	case NotEligible:
		pr.Explanation = "Voldoet niet aan: " + nl.Join(failed) + "."
	case Incomplete:
		pr.Explanation = "Nog niet te beoordelen, gegevens of bewijsstukken ontbreken voor: " + nl.Join(missing) + "."
	default:
		pr.Explanation = "Voldoet aan alle voorwaarden die uit de gegevens te toetsen zijn."
	}
	if len(review) > 0 && pr.Outcome != OutOfScope && pr.Outcome != NotRequested {
		pr.Explanation += " Ter beoordeling door " + as.insurer + ": " + nl.Join(review) + "."
	}
	if blocked != "" {
		pr.Explanation += " " + blocked
	}
	return pr
}

func lower(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// explain says in Dutch why requirement i has status st.
func (as *Assessor) explain(i int, s *Subject, st Status) string {
	req := &as.pol.Requirements[i]
	if st == NotApplicable {
		if !as.InScope(s.Provider) {
			return "Dit beleid geldt voor " + as.careTypeNames(as.pol.CareTypes) + "."
		}
		if k := as.pol.PartOf[i]; k >= 0 && s.state[k+1] == NotRequested {
			pt := &as.pol.Parts[k]
			if pt.Initiative == policy.ByInsurer {
				return "Hoort bij het onderdeel " + pt.Title + ", dat niet is aangeboden."
			}
			return "Hoort bij het onderdeel " + pt.Title + ", dat niet is aangevraagd."
		}
		if cond := as.pol.Conditions[i]; cond != nil && s.state[as.pol.PartOf[i]+1] != OutOfScope &&
			(len(req.CareTypes) == 0 || s.Provider.HasCareType(req.CareTypes)) {
			if res, why := cond.Explain(as.lib.Env, s.act, as.insurer); res == policy.False {
				return "Geldt alleen als: " + cond.Words(as.lib.Env, as.insurer) + ". Hier niet: " + why + "."
			}
		}
		if k := as.pol.PartOf[i]; s.state[k+1] == OutOfScope {
			return "Hoort bij " + lower(as.partTitle(k)) + ", dat openstaat voor " + as.careTypeNames(as.pol.PartCareTypes(k)) + "."
		}
		return "Geldt alleen voor " + as.careTypeNames(req.CareTypes) + "; deze zorgaanbieder is " + as.careTypeNames(s.Provider.CareTypes) + "."
	}
	var parts []string
	if cond := as.pol.Conditions[i]; cond != nil {
		if res, why := cond.Explain(as.lib.Env, s.act, as.insurer); res != policy.True {
			parts = append(parts, "Onbekend of deze eis geldt ("+cond.Words(as.lib.Env, as.insurer)+"): "+why)
		}
	}
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
		parts = append(parts, "Wordt handmatig beoordeeld door "+as.insurer+".")
	}
	if len(s.bad) > 0 {
		parts = append(parts, fmt.Sprintf("Onleesbare waarde voor %s, behandeld als onbekend.", strings.Join(s.bad, ", ")))
	}
	return strings.Join(parts, ". ")
}

// partTitle is the title of contract part k (-1: the base contract).
func (as *Assessor) partTitle(k int) string {
	if k < 0 {
		return as.pol.Base.Title
	}
	return as.pol.Parts[k].Title
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
