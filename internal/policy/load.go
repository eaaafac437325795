package policy

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/provider"
)

// Library is everything loaded from a policies folder: the registry, the fact catalogue,
// the rule environment and the compiled policies.
type Library struct {
	Registry *Registry
	Facts    *provider.Catalogue
	Env      *RuleEnv
	mu       sync.RWMutex // guards policies: drafts are added while the server runs
	policies map[string]*Compiled
}

// Compiled is a validated policy with its rules compiled.
type Compiled struct {
	*Policy
	File  string
	Raw   []byte
	Rules []*Rule // by requirement index; nil where a requirement has no rule
	// Conditions are the compiled applies_if conditions, by requirement index; nil where
	// a requirement applies to every provider of its care types.
	Conditions []*Rule
	PartOf     []int // by requirement index: the index in Parts of its part, -1 for the base contract
	// Requires is, by part index, the index of the part it requires (-1 the base
	// contract), or -2 when it requires none.
	Requires []int
	Status   Status // draft or published; a policy read from files is published
	Version  int    // the stored version (see Record); 0 when not stored
	lines    lineMap
}

// FactKeys lists every fact the policy's rules and evidence requirements refer to, once,
// in order of first use: what a store must read to assess a provider against it.
func (c *Compiled) FactKeys() []string {
	keys := []string{}
	seen := map[string]bool{}
	add := func(k string) {
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	for i, r := range c.Rules {
		for _, rule := range []*Rule{r, c.Conditions[i]} {
			if rule != nil {
				for _, k := range rule.Facts {
					add(k)
				}
			}
		}
		for _, k := range c.Requirements[i].Evidence {
			add(k)
		}
	}
	return keys
}

// Part returns the part with id and its index in Parts.
func (c *Compiled) Part(id string) (*Part, int, bool) {
	for i := range c.Parts {
		if c.Parts[i].ID == id {
			return &c.Parts[i], i, true
		}
	}
	return nil, -1, false
}

// PartCareTypes returns the care types part i is open to (-1: the base contract): its own,
// or else the policy's.
func (c *Compiled) PartCareTypes(i int) []string {
	pt := &c.Base
	if i >= 0 {
		pt = &c.Parts[i]
	}
	if len(pt.CareTypes) > 0 {
		return pt.CareTypes
	}
	return c.CareTypes
}

// TimelineByDate returns the milestones in date order (the file may list them otherwise).
func (c *Compiled) TimelineByDate() []Milestone {
	out := slices.Clone(c.Timeline)
	slices.SortStableFunc(out, func(a, b Milestone) int { return a.Date.Compare(b.Date.Time) })
	return out
}

// Hash is the hex SHA-256 of the policy file, naming this exact text in the audit trail.
func (c *Compiled) Hash() string {
	sum := sha256.Sum256(c.Raw)
	return hex.EncodeToString(sum[:])
}

// Requirement returns the requirement with id and its index.
func (c *Compiled) Requirement(id string) (*Requirement, int, bool) {
	for i := range c.Requirements {
		if c.Requirements[i].ID == id {
			return &c.Requirements[i], i, true
		}
	}
	return nil, -1, false
}

// ReferenceTime is the reference date (peildatum) rules are judged against.
func (c *Compiled) ReferenceTime() time.Time { return c.ReferenceDate.Time }

// LoadBase loads registry.yaml and facts/*.yaml: what policy files are checked against.
func LoadBase(fsys fs.FS) (*Library, error) {
	lib := &Library{policies: map[string]*Compiled{}}
	var errs apperr.List
	data, err := fs.ReadFile(fsys, "registry.yaml")
	if err != nil {
		return nil, fmt.Errorf("read registry: %w", err)
	}
	lib.Registry = &Registry{}
	regLines, err := decodeStrict("registry.yaml", data, lib.Registry)
	if err != nil {
		return nil, err
	}
	if err := lib.Registry.checkPrefixes(); err != nil {
		return nil, err
	}
	if err := lib.Registry.checkUZOVI(regLines); err != nil {
		return nil, err
	}
	factFiles, _ := fs.Glob(fsys, "facts/*.yaml")
	var defs []provider.FactDef
	for _, name := range factFiles {
		d, err := loadFacts(fsys, name)
		errs = append(errs, apperr.Errors(err)...)
		defs = append(defs, d...)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if lib.Facts, err = provider.NewCatalogue(defs); err != nil {
		return nil, err
	}
	if lib.Env, err = NewRuleEnv(lib.Facts); err != nil {
		return nil, err
	}
	return lib, nil
}

// LoadLibrary loads registry.yaml, facts/*.yaml and every other *.yaml as a policy.
func LoadLibrary(fsys fs.FS) (*Library, error) {
	lib, err := LoadBase(fsys)
	if err != nil {
		return nil, err
	}
	var errs apperr.List
	collect := func(err error) { errs = append(errs, apperr.Errors(err)...) }
	files, _ := fs.Glob(fsys, "*.yaml")
	for _, name := range files {
		if name == "registry.yaml" {
			continue
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		c, err := lib.Parse(name, data)
		if err != nil {
			collect(err)
			continue
		}
		c.Status = Published
		if other, dup := lib.policies[c.ID]; dup {
			collect(&apperr.Error{Code: apperr.Invalid, File: name, Line: c.lines.at("id"), Field: "id",
				Message: fmt.Sprintf("policy id %q is also used by %s", c.ID, other.File)})
			continue
		}
		lib.policies[c.ID] = c
	}
	for _, c := range lib.policies {
		if c.Previous != "" && lib.policies[c.Previous] == nil {
			collect(&apperr.Error{Code: apperr.Invalid, File: c.File, Line: c.lines.at("previous"), Field: "previous",
				Message: fmt.Sprintf("previous policy %q is not in the library", c.Previous)})
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return lib, nil
}

type factFile struct {
	Facts []provider.FactDef `yaml:"facts"`
}

func loadFacts(fsys fs.FS, name string) ([]provider.FactDef, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, err
	}
	var ff factFile
	lines, err := decodeStrict(name, data, &ff)
	if err != nil {
		return nil, err
	}
	var errs apperr.List
	for i, d := range ff.Facts {
		p := "facts[" + strconv.Itoa(i) + "]"
		bad := func(field, msg string) {
			errs = append(errs, &apperr.Error{Code: apperr.Invalid, File: name, Line: lines.at(p + "." + field), Field: p + "." + field, Message: msg})
		}
		if !keyRE.MatchString(d.Key) {
			bad("key", fmt.Sprintf("fact key %q must be lowercase letters, digits and _ and start with a letter", d.Key))
		}
		if !d.Type.Valid() {
			bad("type", fmt.Sprintf("type %q is not one of bool, int, number, percent, money, date, text, list", d.Type))
		}
		if strings.TrimSpace(d.Label) == "" {
			bad("label", "a Dutch label is required")
		}
		numeric := d.Type == provider.Int || d.Type == provider.Number || d.Type == provider.Percent || d.Type == provider.Money
		switch {
		case (d.Min != nil || d.Max != nil) && !numeric:
			bad("min", fmt.Sprintf("only int, number, percent and money facts have a range, not %s", d.Type))
		case d.Min != nil && d.Max != nil && *d.Min > *d.Max:
			bad("max", fmt.Sprintf("max %v is below min %v", *d.Max, *d.Min))
		}
	}
	return ff.Facts, errs.Err()
}

// Policy returns a compiled policy by id.
// It does not ask who is calling: services that serve users use Service.Policy, which
// hides drafts from other tenants.
func (lib *Library) Policy(id string) (*Compiled, error) {
	lib.mu.RLock()
	defer lib.mu.RUnlock()
	c, ok := lib.policies[id]
	if !ok {
		return nil, NotFound(id)
	}
	return c, nil
}

// Policies returns all policies, drafts included, sorted by id. Services that serve users
// use Service.Policies, which lists only what the caller may see.
func (lib *Library) Policies() []*Compiled {
	lib.mu.RLock()
	defer lib.mu.RUnlock()
	out := make([]*Compiled, 0, len(lib.policies))
	for _, c := range lib.policies {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// InsurerName returns the display name of an insurer id; an unknown id is its own name.
func (lib *Library) InsurerName(id string) string {
	if ins, ok := lib.Registry.Insurer(id); ok {
		return ins.Name
	}
	return id
}

// PurchaserName returns the display name of a purchasing party id ("" for none); an
// unknown id is its own name.
func (lib *Library) PurchaserName(id string) string {
	if pp, ok := lib.Registry.PurchasingParty(id); ok {
		return pp.Name
	}
	return id
}

// CareTypeName returns the display name of a care type id; an unknown id is its own name.
func (lib *Library) CareTypeName(id string) string {
	if ct, ok := lib.Registry.CareType(id); ok {
		return ct.Name
	}
	return id
}

var (
	idRE  = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)
	keyRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,62}$`)
)

// Parse validates a policy file against the library's registry and facts and compiles its
// rules. Every problem is reported with file, line and field.
func (lib *Library) Parse(file string, data []byte) (*Compiled, error) {
	if err := checkText(file, data); err != nil {
		return nil, err
	}
	p := &Policy{}
	lines, err := decodeStrict(file, data, p)
	if err != nil {
		return nil, err
	}
	c := &Compiled{Policy: p, File: file, Raw: data, lines: lines, Rules: make([]*Rule, len(p.Requirements)),
		Conditions: make([]*Rule, len(p.Requirements)), PartOf: make([]int, len(p.Requirements))}
	v := &validator{file: file, lines: lines}
	lib.validate(c, v)
	return c, v.errs.Err()
}

// checkText refuses a file that is not valid UTF-8 or holds a NUL byte (which PostgreSQL
// cannot store as text), naming the line of the first bad byte; fields' own limits are
// checked as they are validated.
func checkText(file string, data []byte) error {
	line := 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			return &apperr.Error{Code: apperr.Invalid, File: file, Line: line, Message: "the file is not valid UTF-8 text"}
		case r == 0:
			return &apperr.Error{Code: apperr.Invalid, File: file, Line: line, Message: "the file contains a NUL byte"}
		case r == '\n':
			line++
		}
		i += size
	}
	return nil
}

type validator struct {
	file  string
	lines lineMap
	errs  apperr.List
}

func (v *validator) bad(field, format string, args ...any) {
	v.errs = append(v.errs, &apperr.Error{Code: apperr.Invalid, File: v.file, Line: v.lines.at(field), Field: field,
		Message: fmt.Sprintf(format, args...)})
}

func (v *validator) required(field, value string) {
	if strings.TrimSpace(value) == "" {
		v.bad(field, "is required")
	}
}

func (v *validator) id(field, value string, seen map[string]bool) {
	switch {
	case !idRE.MatchString(value):
		v.bad(field, "id %q must be lowercase letters, digits and '-', starting with a letter or digit", value)
	case seen[value]:
		v.bad(field, "id %q is used twice", value)
	}
	seen[value] = true
}

func (v *validator) oneOf(field, value string, allowed ...string) {
	for _, a := range allowed {
		if value == a {
			return
		}
	}
	v.bad(field, "%q is not one of %s", value, strings.Join(allowed, ", "))
}

func (lib *Library) validate(c *Compiled, v *validator) {
	p := c.Policy
	v.id("id", p.ID, map[string]bool{})
	v.required("title", p.Title)
	ins, ok := lib.Registry.Insurer(p.Insurer)
	if !ok {
		v.bad("insurer", "unknown insurer %q (see policies/registry.yaml)", p.Insurer)
	}
	if p.Purchaser != "" {
		pp, ok := lib.Registry.PurchasingParty(p.Purchaser)
		switch {
		case !ok:
			v.bad("purchaser", "unknown purchasing party %q", p.Purchaser)
		case !contains(pp.BuysFor, p.Insurer):
			v.bad("purchaser", "%s does not buy for insurer %q", pp.Name, p.Insurer)
		}
	}
	for i, l := range p.Labels {
		if ins != nil && !hasLabel(ins, l) {
			v.bad(fmt.Sprintf("labels[%d]", i), "label %q is not a label of %s", l, ins.Name)
		}
	}
	for i, t := range p.PolicyTypes {
		if _, ok := PolicyTypes[t]; !ok {
			v.bad(fmt.Sprintf("policy_types[%d]", i), "policy type %q is not one of natura, restitutie, combinatie, natura-select", t)
		}
	}
	v.required("sector", p.Sector)
	if len(p.ContractYears) == 0 {
		v.bad("contract_years", "at least one contract year is required")
	}
	for i, y := range p.ContractYears {
		if y < 2000 || y > 2100 {
			v.bad(fmt.Sprintf("contract_years[%d]", i), "contract year %d is not a year between 2000 and 2100", y)
		}
	}
	if p.ReferenceDate.IsZero() && len(p.ContractYears) > 0 {
		p.ReferenceDate = Date{time.Date(p.ContractYears[0], 1, 1, 0, 0, 0, 0, time.UTC)}
	}
	v.required("source.file", p.Source.File)
	careTypes := lib.Registry.CareTypeSet()
	checkCareTypes := func(field string, list []string) {
		for i, ct := range list {
			if !careTypes[ct] {
				v.bad(fmt.Sprintf("%s[%d]", field, i), "unknown care type %q (see policies/registry.yaml)", ct)
			}
		}
	}
	checkCareTypes("care_types", p.CareTypes)
	validateParts(p, v, checkCareTypes)
	lib.validateRequirements(c, v, checkCareTypes)
	c.Requires = make([]int, len(p.Parts))
	for i := range p.Parts {
		c.Requires[i] = -2
		if r := p.Parts[i].Requires; r == p.Base.ID {
			c.Requires[i] = -1
		} else if _, j, ok := c.Part(r); ok && j < i {
			c.Requires[i] = j
		}
	}
	validateTimeline(p, v)
	validateContractForms(p, v)
	validateWindows(p, v)
	validateClaims(p, v)
}

func (lib *Library) validateRequirements(c *Compiled, v *validator, checkCareTypes func(string, []string)) {
	seen := map[string]bool{}
	for i := range c.Requirements {
		r := &c.Requirements[i]
		f := fmt.Sprintf("requirements[%d]", i)
		v.id(f+".id", r.ID, seen)
		if _, ok := KindNames[r.Kind]; !ok {
			v.bad(f+".kind", "kind %q is not one of knockout, exclusion, guiding, attestation, review", r.Kind)
		}
		v.required(f+".title", r.Title)
		v.required(f+".text", r.Text)
		v.required(f+".source", r.Source)
		checkCareTypes(f+".care_types", r.CareTypes)
		for j, key := range r.Evidence {
			if _, ok := lib.Facts.Lookup(key); !ok {
				v.bad(fmt.Sprintf("%s.evidence[%d]", f, j), "unknown fact %q", key)
			}
		}
		switch {
		case r.Kind == Guiding && r.Points <= 0:
			v.bad(f+".points", "a guiding criterion needs points > 0")
		case r.Kind != Guiding && r.Points != 0:
			v.bad(f+".points", "only guiding criteria have points")
		case (r.Kind == Knockout || r.Kind == Exclusion) && strings.TrimSpace(r.Rule) == "":
			v.bad(f+".rule", "a %s needs a rule; use kind attestation or review when it cannot be checked from facts", r.Kind)
		case r.Kind == Attestation && r.Rule == "" && len(r.Evidence) == 0:
			v.bad(f+".rule", "an attestation needs a rule or evidence facts")
		case r.Kind == Information && (r.Rule != "" || len(r.Evidence) > 0):
			v.bad(f+".kind", "information is never judged against a provider and has no rule or evidence; use guiding, knockout or attestation for a condition")
		}
		c.PartOf[i] = -1
		if r.Part != "" {
			if _, pi, ok := c.Part(r.Part); ok {
				c.PartOf[i] = pi
			} else {
				v.bad(f+".part", "unknown part %q: declare it under parts", r.Part)
			}
		}
		switch {
		case strings.TrimSpace(r.AppliesIf) == "":
		case r.Kind == Information:
			v.bad(f+".applies_if", "information is never judged, so it has no condition")
		default:
			cond, err := lib.Env.Compile(r.AppliesIf)
			if err != nil {
				v.bad(f+".applies_if", "the condition does not compile: %v", err)
			}
			c.Conditions[i] = cond
		}
		if strings.TrimSpace(r.Rule) == "" {
			continue
		}
		rule, err := lib.Env.Compile(r.Rule)
		if err != nil {
			v.bad(f+".rule", "the rule does not compile: %v", err)
			continue
		}
		c.Rules[i] = rule
	}
}

func validateParts(p *Policy, v *validator, checkCareTypes func(string, []string)) {
	seen := map[string]bool{}
	v.id("base.id", p.Base.ID, seen)
	v.required("base.title", p.Base.Title)
	v.required("base.source", p.Base.Source)
	checkCareTypes("base.care_types", p.Base.CareTypes)
	if p.Base.Initiative != "" || p.Base.OfferedToAll {
		v.bad("base.initiative", "the base contract is what every provider in scope is judged for; initiative and offered_to_all belong to parts")
	}
	for i := range p.Parts {
		pt := &p.Parts[i]
		f := fmt.Sprintf("parts[%d]", i)
		v.id(f+".id", pt.ID, seen)
		v.required(f+".title", pt.Title)
		v.required(f+".source", pt.Source)
		checkCareTypes(f+".care_types", pt.CareTypes)
		v.oneOf(f+".initiative", string(pt.Initiative), string(ByProvider), string(ByInsurer))
		if pt.OfferedToAll && pt.Initiative != ByInsurer {
			v.bad(f+".offered_to_all", "only a part the insurer offers (initiative insurer) can be offered to all")
		}
		for j, ct := range pt.CareTypes {
			if len(p.CareTypes) > 0 && !contains(p.CareTypes, ct) {
				v.bad(fmt.Sprintf("%s.care_types[%d]", f, j), "care type %q is not among the policy's care_types", ct)
			}
		}
		if pt.Requires == "" {
			continue
		}
		// Only the base contract or an earlier part: so that requirements cannot go round.
		req := -2
		if pt.Requires == p.Base.ID {
			req = -1
		}
		for j := 0; j < i; j++ {
			if p.Parts[j].ID == pt.Requires {
				req = j
			}
		}
		if req == -2 {
			v.bad(f+".requires", "%q is neither the base contract nor a part declared before this one", pt.Requires)
			continue
		}
		c := &Compiled{Policy: p}
		for j, ct := range c.PartCareTypes(i) {
			if !contains(c.PartCareTypes(req), ct) {
				v.bad(fmt.Sprintf("%s.care_types[%d]", f, j), "care type %q is not open to %q, which this part requires", ct, pt.Requires)
			}
		}
	}
}

func validateTimeline(p *Policy, v *validator) {
	seen := map[string]bool{}
	steps := map[Step]string{}
	for i, m := range p.Timeline {
		f := fmt.Sprintf("timeline[%d]", i)
		v.id(f+".id", m.ID, seen)
		validateStep(m, f+".step", steps, v)
		v.required(f+".what", m.What)
		if _, ok := MilestoneKindNames[m.Kind]; !ok {
			v.bad(f+".kind", "milestone kind %q is not one of opening, deadline, publication, third_party_decision, event", m.Kind)
		}
		v.oneOf(f+".actor", m.Actor, "verzekeraar", "zorgaanbieder", "beide", "derde")
		if m.Actor == "derde" {
			v.required(f+".actor_name", m.ActorName)
		}
		if m.Date.IsZero() {
			v.bad(f+".date", "a date is required")
		}
		v.required(f+".source", m.Source)
	}
}

func validateStep(m Milestone, f string, steps map[Step]string, v *validator) {
	if m.Step == "" {
		return
	}
	if _, ok := StepNames[m.Step]; !ok {
		v.bad(f, "step %q is not one of application, questionnaire, offer, quote, signing, publication", m.Step)
		return
	}
	if other, dup := steps[m.Step]; dup {
		v.bad(f, "step %q is already the step of milestone %q: a step has at most one milestone", m.Step, other)
		return
	}
	steps[m.Step] = m.ID
	if want, ok := stepKinds[m.Step]; ok && m.Kind != want {
		v.bad(f, "step %q belongs on a milestone of kind %s, not %s", m.Step, want, m.Kind)
	}
}

func validateContractForms(p *Policy, v *validator) {
	seen := map[string]bool{}
	for i, cf := range p.ContractForms {
		f := fmt.Sprintf("contract_forms[%d]", i)
		v.id(f+".id", cf.ID, seen)
		v.oneOf(f+".kind", cf.Kind, "pxq", "lump_sum", "categories", "integral", "subscription", "per_patient", "other")
		v.required(f+".title", cf.Title)
		v.required(f+".source", cf.Source)
		if cf.MaxYears < 0 || cf.MaxYears > 10 {
			v.bad(f+".max_years", "max_years %d must be between 1 and 10", cf.MaxYears)
		}
		numbers := map[int]bool{}
		for j, cat := range cf.Categories {
			cfld := fmt.Sprintf("%s.categories[%d]", f, j)
			if cat.Number <= 0 || numbers[cat.Number] {
				v.bad(cfld+".number", "category number %d must be positive and unique", cat.Number)
			}
			numbers[cat.Number] = true
			v.required(cfld+".title", cat.Title)
			if cat.Substitution != "" { // not stated in the policy
				v.oneOf(cfld+".substitution", cat.Substitution, "none", "within_category", "full")
			}
			if cat.MarginPercent < 0 || cat.MarginPercent > 100 {
				v.bad(cfld+".margin_percent", "margin %d%% must be between 0 and 100", cat.MarginPercent)
			}
		}
	}
}

func validateWindows(p *Policy, v *validator) {
	seen := map[string]bool{}
	for i, w := range p.Windows {
		f := fmt.Sprintf("windows[%d]", i)
		v.id(f+".id", w.ID, seen)
		v.oneOf(f+".kind", w.Kind, "new_provider_application", "mid_year_application", "additional_purchasing", "objection", "other")
		v.required(f+".title", w.Title)
		v.required(f+".source", w.Source)
		if !w.Opens.IsZero() && !w.Closes.IsZero() && w.Closes.Before(w.Opens.Time) {
			v.bad(f+".closes", "the window closes (%s) before it opens (%s)", w.Closes, w.Opens)
		}
		if w.Starts != "" {
			v.oneOf(f+".starts", w.Starts, "first_of_month", "next_quarter", "next_year", "decision_date")
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func hasLabel(ins *Insurer, id string) bool {
	for _, l := range ins.Labels {
		if l.ID == id {
			return true
		}
	}
	return false
}
