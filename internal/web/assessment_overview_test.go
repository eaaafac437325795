package web

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"zorginkoop/internal/apptest"
)

// The overview says how many providers the run judged and how many of the register the
// policy leaves out, never "0 valt buiten dit beleid" while some were never judged.
func TestOverviewCountsTheRegisterOutsideThePolicy(t *testing.T) {
	e := newEnv(t)
	e.runAssessment(t)
	resp, body := e.get(t, "/beleid/"+testPolicy+"/beoordeling")
	wantStatus(t, resp, body, http.StatusOK)
	text := visible(body)
	wantContains(t, text, "zorgaanbieders beoordeeld: alle zorgaanbieders met een zorgsoort van dit beleid",
		"zorgaanbieders in het register", "buiten dit beleid (een andere zorgsoort)", "Score richtinggevende criteria")
	wantLacks(t, text, "0 valt buiten dit beleid", "Deze beoordeling is verouderd")
}

// A provider who is not eligible shows that its score does not count, not "2 van 2".
func TestOverviewScoreOfAFailingProviderDoesNotCount(t *testing.T) {
	e := newEnv(t)
	e.runAssessment(t)
	_, body := e.get(t, "/beleid/"+testPolicy+"/beoordeling?uitkomst=not_eligible")
	row := visible(body[strings.Index(body, "<tbody>"):])
	wantContains(t, row, "Huisartsenpraktijk Failliet", "komt niet in aanmerking", "telt niet")
}

// Sorting is done by the store and keeps the filters; an unknown sort is refused in Dutch.
func TestOverviewSortsByNameOutcomeAndScore(t *testing.T) {
	e := newEnv(t)
	e.runAssessment(t)
	base := "/beleid/" + testPolicy + "/beoordeling"
	order := func(query string) (linde, failliet int) {
		t.Helper()
		resp, body := e.get(t, base+query)
		wantStatus(t, resp, body, http.StatusOK)
		return strings.Index(body, ">Huisartsenpraktijk De Linde<"), strings.Index(body, ">Huisartsenpraktijk Failliet<")
	}
	for _, c := range []struct {
		query      string
		lindeFirst bool
	}{
		{"?sorteer=naam", true}, {"?sorteer=-naam", false},
		{"?sorteer=uitkomst", true}, {"?sorteer=-uitkomst", false},
		{"?sorteer=-score", true}, {"?sorteer=score", true}, // not eligible: after the others either way
	} {
		l, f := order(c.query)
		if l < 0 || f < 0 || (l < f) != c.lindeFirst {
			t.Errorf("%s: De Linde at %d, Failliet at %d; want De Linde first: %v", c.query, l, f, c.lindeFirst)
		}
	}
	_, body := e.get(t, base+"?sorteer=naam&zoek=huisarts")
	wantContains(t, body, `href="`+base+`?sorteer=-naam&amp;zoek=huisarts"`, `name="sorteer" value="naam"`)
	resp, body := e.get(t, base+"?sorteer=postcode")
	wantStatus(t, resp, body, http.StatusBadRequest)
	wantContains(t, body, "Onbekende sortering")
}

// After an import, the overview says the latest run is out of date and offers to run it
// again; a new run clears it.
func TestOverviewSaysTheRunIsOutOfDateAfterAnImport(t *testing.T) {
	e := newEnv(t)
	e.runAssessment(t)
	base := "/beleid/" + testPolicy + "/beoordeling"
	e.ids.Clock.Advance(time.Hour)
	e.importProviders(t, apptest.Providers()[0])
	_, body := e.get(t, base)
	wantContains(t, visible(body), "Deze beoordeling is verouderd. Na de beoordeling zijn zorgaanbieders geïmporteerd of gewijzigd", "Opnieuw beoordelen")
	e.ids.Clock.Advance(time.Minute)
	e.runAssessment(t)
	_, body = e.get(t, base)
	wantLacks(t, visible(body), "Deze beoordeling is verouderd")
}
