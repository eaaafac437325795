package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"

	"zorginkoop/internal/claims"
	"zorginkoop/internal/nl"
)

// The insurer's overview of claims: per part, per provider and per provider, contract,
// part and year what was claimed, approved, reduced, rejected and held, and what counts
// toward the ceiling; as tables and as charts drawn on the server (claims_chart.go).
// Every table is one page, summed, ordered and paged by the database: memory stays flat
// however many providers the insurer has. The per-provider table and the detail table
// page independently (?pagina= and ?detailpagina=), the links keep the other's page.

type claimsOverviewView struct {
	Nav     []claimsLink
	Year    int
	Insurer string

	ByPart      []overviewSum
	PartsTotal  int
	PartChart   template.HTML
	PartCaption string

	ByProvider      []overviewSum
	ProvidersTotal  int
	ProviderChart   template.HTML
	ProviderCaption string
	ProvidersPager  pager

	Rows      []claims.OverviewRow
	RowsTotal int
	// Names name the providers on the page, by id: "name (id)", or the id alone where
	// the name cannot be read.
	Names     map[string]string
	RowsPager pager
}

// overviewSum is the totals of a provider or a part.
type overviewSum struct {
	Label string
	claims.Totals
}

// The query parameters of the two paged tables.
const (
	providersPageParam = "pagina"
	detailPageParam    = "detailpagina"
)

func (h *Handler) claimsOverviewPage(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	if !mayReadOverview(p) {
		return forbidden("the claims overview needs a role of the insurer's purchasing or claims")
	}
	f := claims.OverviewFilter{Insurer: chosenInsurer(r), Year: atoiOr(r.URL.Query().Get("jaar"), 0)}
	if f.Insurer == "" && !p.IsOperator() {
		if own := ownProviders(p); len(own) > 0 {
			f.ProviderID = own[0]
		}
	}
	ctx := r.Context()
	v := claimsOverviewView{Year: f.Year, Insurer: f.Insurer, Nav: claimsLinks(p, "/declaraties/overzicht")}

	parts, total, err := h.Claims.Overview(ctx, p, f, claims.ByPart, claims.Page{Limit: claims.MaxPage})
	if err != nil {
		return err
	}
	v.PartsTotal = total
	for _, o := range parts {
		label := o.Part
		if label == "" {
			label = "niet-gecontracteerd"
		}
		v.ByPart = append(v.ByPart, overviewSum{Label: label, Totals: o.Totals})
	}
	if len(parts) < total {
		v.PartCaption = fmt.Sprintf("De eerste %s van %s onderdelen.", nl.Int(int64(len(parts))), nl.Int(int64(total)))
	}

	q := r.URL.Query()
	n, pg := pageArgOn(r, providersPageParam)
	providers, total, err := h.Claims.Overview(ctx, p, f, claims.ByProvider, pg)
	if err != nil {
		return err
	}
	v.ProvidersTotal = total
	v.Names = map[string]string{}
	for _, o := range providers {
		v.ByProvider = append(v.ByProvider, overviewSum{Label: v.name(h, r, o.ProviderID), Totals: o.Totals})
	}
	v.ProvidersPager = pagerOn("/declaraties/overzicht", q, providersPageParam, n, total, "per-zorgaanbieder")
	if len(providers) > 0 {
		v.ProviderCaption = fmt.Sprintf("Zorgaanbieders %s–%s van %s, grootste eerst.", nl.Int(int64(pg.Offset+1)),
			nl.Int(int64(pg.Offset+len(providers))), nl.Int(int64(total)))
	}

	n, pg = pageArgOn(r, detailPageParam)
	if v.Rows, v.RowsTotal, err = h.Claims.Overview(ctx, p, f, claims.ByDetail, pg); err != nil {
		return err
	}
	for _, o := range v.Rows {
		v.name(h, r, o.ProviderID)
	}
	v.RowsPager = pagerOn("/declaraties/overzicht", q, detailPageParam, n, v.RowsTotal, "per-contract")

	if len(v.ByPart) > 0 {
		v.PartChart = totalsChart("onderdelen", "Declaraties per onderdeel", v.ByPart).svg()
	}
	if len(v.ByProvider) > 0 {
		v.ProviderChart = totalsChart("zorgaanbieders", "Declaraties per zorgaanbieder", v.ByProvider).svg()
	}
	return h.render(w, http.StatusOK, "claims_overview.html", "Overzicht declaraties", v)
}

// name is how the page names a provider (Names), asked once per page.
func (v *claimsOverviewView) name(h *Handler, r *http.Request, id string) string {
	n, ok := v.Names[id]
	if !ok {
		if n = h.providerName(r, id); n != id {
			n += " (" + id + ")"
		}
		v.Names[id] = n
	}
	return n
}

// pageArgOn is pageArg for the page number in the query parameter name.
func pageArgOn(r *http.Request, name string) (int, claims.Page) {
	n, err := strconv.Atoi(r.URL.Query().Get(name))
	if err != nil || n < 1 {
		n = 1
	}
	return n, claims.Page{Offset: (n - 1) * claimsPage, Limit: claimsPage}
}

// pagerOn is pagerWith for a list paged by the query parameter name, one of several on
// a page: the links keep the other parameters (the filter, the other lists' pages) and
// jump to the list (#anchor).
func pagerOn(path string, q url.Values, name string, page, total int, anchor string) pager {
	p := pager{Page: page, Total: total, Pages: max((total+claimsPage-1)/claimsPage, 1)}
	link := func(n int) string {
		v := cloneValues(q)
		v.Del(name)
		if n > 1 {
			v.Set(name, strconv.Itoa(n))
		}
		u := path
		if e := v.Encode(); e != "" {
			u += "?" + e
		}
		return u + "#" + anchor
	}
	if page > 1 {
		p.PrevURL = link(min(page-1, p.Pages))
	}
	if page < p.Pages {
		p.NextURL = link(page + 1)
	}
	return p
}

// totalsChart draws each sum's claimed amount split in what was allowed, what the
// reduction withheld, what was rejected and what is held. id tells the chart's title and
// description apart from another chart's on the page.
func totalsChart(id, title string, sums []overviewSum) chart {
	c := chart{ID: id, Title: title}
	for _, s := range sums {
		withheld := s.ClaimedCents - s.AllowedCents - s.RejectedCents - s.HeldCents
		c.Bars = append(c.Bars, bar{Label: s.Label, Segments: []barSegment{
			{Name: "toegekend", Class: "seg-approved", Cents: s.AllowedCents},
			{Name: "verlaagd (niet vergoed)", Class: "seg-reduced", Cents: withheld},
			{Name: "afgewezen", Class: "seg-rejected", Cents: s.RejectedCents},
			{Name: "aangehouden", Class: "seg-held", Cents: s.HeldCents},
		}})
	}
	return c
}
