package api

import (
	"strings"
	"testing"

	"zorginkoop/internal/apptest"
	"zorginkoop/internal/claims"
)

// The overview is summed, ordered and paged by the database: per provider the largest
// claimed amount first, with the number of groups; per part; a grouping it does not know
// is refused naming the parameter.
func TestClaimsOverviewIsPagedPerGroupWithTheTotal(t *testing.T) {
	e := newClaimsEnv(t)
	e.ts.Env.ClaimsOfProviders(t, apptest.InsurerA, 60) // € 10,00 … € 600,00; X claimed € 4.242,17
	first := e.want(t, 200, "a-inkoper", "GET", "/api/claims/overview?group=provider&limit=25", "", nil)
	items, _ := first.at("items").([]any)
	if first.at("total") != float64(61) || first.at("limit") != float64(25) || len(items) != 25 ||
		first.str("items.0.provider_id") != apptest.ProviderX || first.str("items.1.provider_id") != apptest.OverviewProvider(60) ||
		first.str("items.24.provider_id") != apptest.OverviewProvider(37) || first.str("items.0.part") != "" {
		t.Errorf("the first page per provider: %.1500s", first.raw)
	}
	last := e.want(t, 200, "a-inkoper", "GET", "/api/claims/overview?group=provider&offset=50&limit=25", "", nil)
	if items, _ := last.at("items").([]any); len(items) != 11 || last.at("total") != float64(61) || last.at("offset") != float64(50) ||
		last.str("items.10.provider_id") != apptest.OverviewProvider(1) || last.at("items.10.claimed_cents") != float64(1000) {
		t.Errorf("the last page per provider: %.1500s", last.raw)
	}
	parts := e.want(t, 200, "a-inkoper", "GET", "/api/claims/overview?group=part", "", nil)
	if parts.at("total") != float64(1) || parts.str("items.0.part") != apptest.RoundBase || parts.at("items.0.lines") != float64(61) ||
		parts.str("items.0.provider_id") != "" {
		t.Errorf("per part: %.1500s", parts.raw)
	}
	detail := e.want(t, 200, "a-inkoper", "GET", "/api/claims/overview?group=detail", "", nil)
	if items, _ := detail.at("items").([]any); detail.at("total") != float64(61) || len(items) != claims.DefaultPage {
		t.Errorf("detail, the default page: %d items of %v", len(items), detail.at("total"))
	}
	bad := e.want(t, 422, "a-inkoper", "GET", "/api/claims/overview?group=contract", "", nil)
	if bad.str("errors.0.field") != "group" {
		t.Errorf("an unknown grouping: %s", bad.raw)
	}
	e.want(t, 422, "a-inkoper", "GET", "/api/claims/overview?limit=501", "", nil)
	if b := e.want(t, 200, "b-inkoper", "GET", "/api/claims/overview?group=provider", "", nil); strings.Contains(string(b.raw), apptest.OverviewProvider(1)) {
		t.Errorf("B's overview holds A's providers: %.500s", b.raw)
	}
}
