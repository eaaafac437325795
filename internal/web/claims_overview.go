package web

import (
	"html/template"
	"net/http"
	"sort"

	"zorginkoop/internal/claims"
)

// The insurer's overview of claims: per provider, contract and part what was claimed,
// approved, reduced, rejected and held, and what counts toward the ceiling; as tables
// and as charts drawn on the server (claims_chart.go).

type claimsOverviewView struct {
	Nav        []claimsLink
	Rows       []claims.OverviewRow
	ByProvider []overviewSum
	ByPart     []overviewSum
	Charts     []template.HTML
	Year       int
	Insurer    string
}

// overviewSum is the totals of a provider or a part over the rows.
type overviewSum struct {
	Label string
	claims.Totals
}

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
	rows, err := h.Claims.Overview(r.Context(), p, f)
	if err != nil {
		return err
	}
	v := claimsOverviewView{Rows: rows, Year: f.Year, Insurer: f.Insurer, Nav: claimsLinks(p, "/declaraties/overzicht")}
	v.ByProvider = sumBy(rows, func(o claims.OverviewRow) string { return o.ProviderID })
	v.ByPart = sumBy(rows, func(o claims.OverviewRow) string {
		if o.Part == "" {
			return "niet-gecontracteerd"
		}
		return o.Part
	})
	if len(rows) > 0 {
		v.Charts = []template.HTML{
			totalsChart("Declaraties per zorgaanbieder", v.ByProvider).svg(),
			totalsChart("Declaraties per onderdeel", v.ByPart).svg(),
		}
	}
	return h.render(w, http.StatusOK, "claims_overview.html", "Overzicht declaraties", v)
}

func sumBy(rows []claims.OverviewRow, key func(claims.OverviewRow) string) []overviewSum {
	idx := map[string]int{}
	var out []overviewSum
	for _, o := range rows {
		k := key(o)
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, overviewSum{Label: k})
		}
		t := &out[i].Totals
		t.Lines += o.Lines
		t.ClaimedCents += o.ClaimedCents
		t.AllowedCents += o.AllowedCents
		t.Approved += o.Approved
		t.Reduced += o.Reduced
		t.Rejected += o.Rejected
		t.Held += o.Held
		t.RejectedCents += o.RejectedCents
		t.HeldCents += o.HeldCents
		t.SupplementaryCents += o.SupplementaryCents
		t.CeilingCents += o.CeilingCents
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Label < out[j].Label })
	return out
}

// totalsChart draws each sum's claimed amount split in what was allowed, what the
// reduction withheld, what was rejected and what is held.
func totalsChart(title string, sums []overviewSum) chart {
	c := chart{Title: title}
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
