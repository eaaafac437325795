package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"zorginkoop/internal/assessment"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/provider"
)

// principal is who is calling (anonymous until logged in).
func principal(r *http.Request) identity.Principal { return identity.PrincipalFrom(r.Context()) }

// policyRow is a policy on the home page: drafts are marked, and the link to the
// assessments shows only for who may see them.
type policyRow struct {
	*policy.Compiled
	Draft  bool
	Assess bool
}

func (h *Handler) index(w http.ResponseWriter, r *http.Request) error {
	actor := principal(r)
	cs, err := h.Policies.Policies(r.Context(), actor)
	if err != nil {
		return err
	}
	v := indexView{Intro: introFor(actor)}
	for _, c := range cs {
		v.Rows = append(v.Rows, policyRow{Compiled: c, Draft: c.Status == policy.Draft, Assess: assessment.MayAssess(actor, c.Insurer)})
	}
	return h.render(w, http.StatusOK, "index.html", "Zorginkoopbeleid in werking", v)
}

type requirementGroup struct {
	Kind         policy.Kind
	Heading      string
	Requirements []policy.Requirement
}

type policyView struct {
	*policy.Compiled
	Draft    bool
	InWork   bool          // published, and no later version replaces it
	Desk     bool          // the caller sees the insurer's desk: the draft page and its impact
	MayWrite bool          // the caller may upload the next version
	Assess   bool          // the caller may see the assessments
	Sections []partSection // the base contract first, then every part
	Timeline []policy.Milestone
}

// partSection is the base contract or one part with its requirements by kind.
type partSection struct {
	Part      *policy.Part
	Base      bool
	CareTypes []string
	Groups    []requirementGroup
}

func (h *Handler) policyPage(w http.ResponseWriter, r *http.Request) error {
	actor := principal(r)
	c, err := h.Policies.Policy(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	v := policyView{Compiled: c, Draft: c.Status == policy.Draft, InWork: h.Library.InWork(c), Desk: policy.MayReadDraft(actor, c.Insurer),
		MayWrite: policy.MayWrite(actor, c.Insurer), Assess: assessment.MayAssess(actor, c.Insurer), Sections: sections(c)}
	v.Timeline = c.TimelineByDate()
	return h.render(w, http.StatusOK, "policy.html", c.Title, v)
}

// sections are the requirements of c per contract part (the base contract first), by
// kind in the order of policy.KindOrder.
func sections(c *policy.Compiled) []partSection {
	var out []partSection
	for part := -1; part < len(c.Parts); part++ {
		sec := partSection{Part: &c.Base, Base: part < 0, CareTypes: c.PartCareTypes(part)}
		if part >= 0 {
			sec.Part = &c.Parts[part]
		}
		for _, k := range policy.KindOrder {
			g := requirementGroup{Kind: k, Heading: policy.KindHeadings[k]}
			for i, req := range c.Requirements {
				if req.Kind == k && c.PartOf[i] == part {
					g.Requirements = append(g.Requirements, req)
				}
			}
			if len(g.Requirements) > 0 {
				sec.Groups = append(sec.Groups, g)
			}
		}
		out = append(out, sec)
	}
	return out
}

const providersPerPage = 50

type providerRow struct {
	provider.Provider
	Cities string
}

type providersView struct {
	Query     string
	CareType  string
	CareTypes []policy.CareType
	Rows      []providerRow
	Total     int
	Page      int
	Pages     int
	First     int // 1-based number of the first row shown
	Last      int
	PrevURL   string
	NextURL   string
}

func (h *Handler) providersPage(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	v := providersView{Query: strings.TrimSpace(q.Get("q")), CareType: q.Get("zorgsoort"), CareTypes: h.Library.Registry.CareTypes, Page: 1}
	if n, err := strconv.Atoi(q.Get("pagina")); err == nil && n > 1 {
		v.Page = n
	}
	ps, total, err := h.Providers.List(r.Context(), principal(r), provider.Filter{
		CareType: v.CareType, Query: v.Query, Offset: (v.Page - 1) * providersPerPage, Limit: providersPerPage})
	if err != nil {
		return err
	}
	v.Total = total
	v.Pages = (total + providersPerPage - 1) / providersPerPage
	for _, p := range ps {
		v.Rows = append(v.Rows, providerRow{Provider: p, Cities: strings.Join(cities(p.Locations), ", ")})
	}
	if len(ps) > 0 {
		v.First = (v.Page-1)*providersPerPage + 1
		v.Last = v.First + len(ps) - 1
	}
	link := func(page int) string {
		u := url.Values{}
		if v.Query != "" {
			u.Set("q", v.Query)
		}
		if v.CareType != "" {
			u.Set("zorgsoort", v.CareType)
		}
		u.Set("pagina", strconv.Itoa(page))
		return "/zorgaanbieders?" + u.Encode()
	}
	if v.Page > 1 {
		v.PrevURL = link(v.Page - 1)
	}
	if v.Page < v.Pages {
		v.NextURL = link(v.Page + 1)
	}
	return h.render(w, http.StatusOK, "providers.html", "Zorgaanbieders", v)
}

// cities are the places of the locations, each once, in the order of the locations.
func cities(ls []provider.Location) []string {
	var out []string
	for _, l := range ls {
		if l.City != "" && !slices.Contains(out, l.City) {
			out = append(out, l.City)
		}
	}
	return out
}
