package web

import (
	"net/http"
	"strings"
	"testing"

	"zorginkoop/internal/apptest"
)

// With more providers than a page the overview shows one page of them, the largest
// first, says so under the chart and links to the next page; the detail table pages on
// its own, and each pager keeps the other's page and the year.
func TestClaimsOverviewShowsOnePageOfProvidersAndAPager(t *testing.T) {
	s := newClaimsSite(t)
	s.ts.Env.ClaimsOfProviders(t, apptest.InsurerA, 120) // € 10,00 … € 1.200,00; X claimed € 4.242,17
	page := s.do(t, "a-inkoper", "GET", "/declaraties/overzicht?jaar=2021", nil, "", nil)
	if page.status != http.StatusOK {
		t.Fatalf("overview: %d\n%.2000s", page.status, page.body)
	}
	providers := section(t, page.body, `id="per-zorgaanbieder"`, `id="per-contract"`)
	if got := strings.Count(providers, `<th scope="row">`); got != 50 {
		t.Errorf("the providers' table holds %d providers, want a page of 50", got)
	}
	for _, want := range []string{"Zorgaanbieders 1–50 van 121, grootste eerst.", apptest.ProviderX, apptest.OverviewProvider(120),
		apptest.OverviewProvider(72), "pagina 1 van 3", "volgende ›", "jaar=2021", "pagina=2#per-zorgaanbieder"} {
		if !strings.Contains(providers, want) {
			t.Errorf("the providers' part of the page lacks %q:\n%.3000s", want, providers)
		}
	}
	if strings.Contains(providers, apptest.OverviewProvider(71)+"<") || strings.Contains(providers, apptest.OverviewProvider(71)+")") {
		t.Errorf("the first page shows the 51st provider %s", apptest.OverviewProvider(71))
	}
	detail := section(t, page.body, `id="per-contract"`, "</main>")
	if got := strings.Count(detail, "<tr>") - 1; got != 50 {
		t.Errorf("the detail table holds %d rows, want a page of 50", got)
	}
	if !strings.Contains(detail, `href="/declaraties/overzicht?detailpagina=2&amp;jaar=2021#per-contract"`) {
		t.Errorf("the detail table has no link to its next page:\n%.3000s", detail)
	}

	// The next page of providers, the detail table on its third.
	next := s.do(t, "a-inkoper", "GET", "/declaraties/overzicht?jaar=2021&pagina=3&detailpagina=3", nil, "", nil)
	providers = section(t, next.body, `id="per-zorgaanbieder"`, `id="per-contract"`)
	if got := strings.Count(providers, `<th scope="row">`); got != 21 {
		t.Errorf("the last page holds %d providers, want 21", got)
	}
	for _, want := range []string{"Zorgaanbieders 101–121 van 121, grootste eerst.", apptest.OverviewProvider(1) + "<", "pagina 3 van 3",
		"‹ vorige", "detailpagina=3", "pagina=2#per-zorgaanbieder"} {
		if !strings.Contains(providers, want) {
			t.Errorf("the last page of providers lacks %q:\n%.3000s", want, providers)
		}
	}
	if strings.Contains(providers, "volgende ›") {
		t.Error("the last page links to a next one")
	}
	if detail := section(t, next.body, `id="per-contract"`, "</main>"); strings.Count(detail, "<tr>")-1 != 21 {
		t.Errorf("the detail table's last page holds %d rows, want 21", strings.Count(detail, "<tr>")-1)
	}
	// The parts: one part, all of A's lines.
	if parts := section(t, next.body, `id="per-onderdeel"`, `id="per-zorgaanbieder"`); strings.Count(parts, `<th scope="row">`) != 1 ||
		!strings.Contains(parts, ">"+apptest.RoundBase+"<") || !strings.Contains(parts, "<td class=\"num\">121</td>") {
		t.Errorf("the parts' table:\n%.3000s", parts)
	}
}

// section is the part of body from the first from to the next to after it.
func section(t *testing.T, body, from, to string) string {
	t.Helper()
	_, rest, ok := strings.Cut(body, from)
	if !ok {
		t.Fatalf("the page lacks %q:\n%.3000s", from, body)
	}
	out, _, ok := strings.Cut(rest, to)
	if !ok {
		t.Fatalf("the page lacks %q after %q", to, from)
	}
	return out
}
