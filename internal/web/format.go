package web

import (
	"html/template"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Amsterdam on hosts without zoneinfo

	"zorginkoop/internal/assessment"
	"zorginkoop/internal/nl"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/provider"
)

var amsterdam = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		return time.UTC
	}
	return loc
}()

func (h *Handler) funcs() template.FuncMap {
	return template.FuncMap{
		"date": func(v any) string {
			switch d := v.(type) {
			case policy.Date:
				return nl.Date(d.Time)
			case time.Time:
				return nl.Date(d)
			case string:
				if t, err := time.Parse(time.DateOnly, d); err == nil {
					return nl.Date(t)
				}
				return d
			}
			return ""
		},
		"datetime": func(t time.Time) string {
			t = t.In(amsterdam)
			return nl.Date(t) + " om " + t.Format("15:04")
		},
		"money":       nl.Money,
		"int":         func(n int) string { return nl.Int(int64(n)) },
		"yesno":       nl.Bool,
		"kindName":    func(k policy.Kind) string { return policy.KindNames[k] },
		"sectorName":  policy.SectorName,
		"statusName":  func(s assessment.Status) string { return assessment.StatusNames[s] },
		"outcomeName": func(o assessment.Outcome) string { return assessment.OutcomeNames[o] },
		"insurerName": h.Library.InsurerName,
		// ruleWords is the rule of a requirement of c in Dutch words ("" without a rule).
		"ruleWords": func(c *policy.Compiled, id string) string {
			_, i, ok := c.Requirement(id)
			if !ok {
				return ""
			}
			return h.Library.RuleWords(c, i)
		},
		"statusChanges": statusChanges,
		"requirementOf": func(c *policy.Compiled, r policy.Requirement) requirementRef { return requirementRef{c, r} },
		"itemsOf":       itemsOf,
		// cite names a source of c by its document title and section, never the seed file.
		"cite":         func(c *policy.Compiled, ref string) string { return c.Cite(ref) },
		"careTypeName": h.Library.CareTypeName,
		"careTypes": func(ids []string) string {
			names := make([]string, len(ids))
			for i, id := range ids {
				names[i] = h.Library.CareTypeName(id)
			}
			return nl.Join(names)
		},
		"purchaserName": h.Library.PurchaserName,
		"labelNames":    h.labelNames,
		"policyTypes": func(ids []string) string {
			names := make([]string, len(ids))
			for i, id := range ids {
				names[i] = policy.PolicyTypes[id]
			}
			return nl.Join(names)
		},
		"years": func(ys []int) string {
			parts := make([]string, len(ys))
			for i, y := range ys {
				parts[i] = strconv.Itoa(y)
			}
			return nl.Join(parts)
		},
		"contractFormKind": func(k string) string { return orCode(policy.ContractFormNames, k) },
		"substitution": func(k string) string {
			if k == "" {
				return "niet genoemd"
			}
			return orCode(policy.SubstitutionNames, k)
		},
		"windowKind":    func(k string) string { return orCode(policy.WindowKindNames, k) },
		"windowStarts":  func(k string) string { return orCode(policy.WindowStartNames, k) },
		"actor":         func(k string) string { return orCode(policy.ActorNames, k) },
		"milestoneKind": func(k policy.MilestoneKind) string { return orCode(policy.MilestoneKindNames, k) },
		"initiative":    func(k policy.Initiative) string { return orCode(policy.InitiativeNames, k) },
		"requirementCount": func(gs []requirementGroup) int {
			n := 0
			for _, g := range gs {
				n += len(g.Requirements)
			}
			return n
		},
		"agbKind":    func(k provider.AGBKind) string { return provider.AGBKindNames[k] },
		"factSource": func(s provider.Source) string { return provider.SourceNames[s] },
		"paragraphs": func(s string) []string {
			var out []string
			for _, p := range strings.Split(strings.TrimSpace(s), "\n\n") {
				if p = strings.TrimSpace(p); p != "" {
					out = append(out, p)
				}
			}
			return out
		},
	}
}

func orCode[K ~string](m map[K]string, k K) string {
	if v, ok := m[k]; ok {
		return v
	}
	return string(k)
}

func (h *Handler) labelNames(insurer string, ids []string) string {
	ins, ok := h.Library.Registry.Insurer(insurer)
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = id
		if !ok {
			continue
		}
		for _, l := range ins.Labels {
			if l.ID == id {
				names[i] = l.Name
			}
		}
	}
	return nl.Join(names)
}

// factValue renders a stored fact value for a Dutch reader: "€ 100.000,00", "9 november 2023", "ja".
func (h *Handler) factValue(f provider.Fact) (label, value string) {
	def, ok := h.Library.Facts.Lookup(f.Key)
	if !ok {
		return f.Key, f.Value
	}
	label = def.LabelFor(h.Library.InsurerName(f.Insurer))
	v, err := policy.Value(def.Type, f.Value)
	if err != nil {
		return label, f.Value
	}
	return label, policy.FormatValue(def.Type, v)
}

// requirementRef is one requirement with its policy, for the template "requirement".
type requirementRef struct {
	Policy      *policy.Compiled
	Requirement policy.Requirement
}
