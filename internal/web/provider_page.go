package web

import (
	"cmp"
	"maps"
	"net/http"
	"slices"

	"zorginkoop/internal/assessment"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/provider"
)

// The page of one provider (/zorgaanbieders/{id}): its organisation, locations, the facts
// the caller may see (the provider service leaves out another insurer's facts) and its
// outcome under every policy the caller may assess it against. Another provider's page
// answers as one that does not exist, as the service decides.

type providerFact struct {
	Label, Value string
	provider.Fact
}

// factGroup is the facts about the provider for everyone (Insurer "") or kept by one
// insurer.
type factGroup struct {
	Heading string
	Facts   []providerFact
}

// providerOutcome is the provider judged against one policy now, as its drill-down shows.
type providerOutcome struct {
	Policy *policy.Compiled
	Draft  bool
	Result *assessment.Result
}

type providerView struct {
	Provider *provider.Provider
	Cities   []string
	Facts    []factGroup
	Outcomes []providerOutcome
}

func (h *Handler) providerPage(w http.ResponseWriter, r *http.Request) error {
	actor := principal(r)
	p, err := h.Providers.Provider(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	v := providerView{Provider: p, Cities: cities(p.Locations), Facts: h.factGroups(p.Facts)}
	pols, err := h.Policies.Policies(r.Context(), actor)
	if err != nil {
		return err
	}
	for _, c := range pols {
		if !assessment.InScope(c, p) || !assessment.MayReadOf(actor, c.Insurer, p.ID) {
			continue
		}
		res, err := h.Assessments.AssessProvider(r.Context(), actor, c.ID, p.ID)
		if err != nil {
			return err
		}
		v.Outcomes = append(v.Outcomes, providerOutcome{Policy: c, Draft: c.Status == policy.Draft, Result: res})
	}
	return h.render(w, http.StatusOK, "provider.html", p.Name, v)
}

// factGroups are the facts for everyone first, then those kept by each insurer, by the
// insurer's name; within a group by label.
func (h *Handler) factGroups(facts []provider.Fact) []factGroup {
	byInsurer := map[string][]providerFact{}
	for _, f := range facts {
		label, value := h.factValue(f)
		byInsurer[f.Insurer] = append(byInsurer[f.Insurer], providerFact{Label: label, Value: value, Fact: f})
	}
	insurers := slices.Collect(maps.Keys(byInsurer))
	slices.SortFunc(insurers, func(a, b string) int {
		if a == "" || b == "" {
			return cmp.Compare(b, a) // "" first
		}
		return cmp.Compare(h.Library.InsurerName(a), h.Library.InsurerName(b))
	})
	var out []factGroup
	for _, ins := range insurers {
		fs := byInsurer[ins]
		slices.SortStableFunc(fs, func(a, b providerFact) int { return cmp.Compare(a.Label, b.Label) })
		heading := "Gegevens voor alle zorgverzekeraars"
		if ins != "" {
			heading = "Gegevens bij " + h.Library.InsurerName(ins) + " (alleen zichtbaar voor deze verzekeraar en de zorgaanbieder)"
		}
		out = append(out, factGroup{Heading: heading, Facts: fs})
	}
	return out
}
