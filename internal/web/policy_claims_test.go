package web

import (
	"net/http"
	"testing"
)

// The policy page shows the claim rules a policy sets, with the lines they apply to in
// words and their source; a policy that sets none shows no such section.
func TestPolicyPageShowsClaimRules(t *testing.T) {
	e := newEnv(t)
	resp, body := e.get(t, "/beleid/caresq-zbc-2026")
	wantStatus(t, resp, body, http.StatusOK)
	wantContains(t, body, "<h2>Declaraties</h2>", "Machtiging vóór het ingaan van een vervolg-DBC medisch specialistische revalidatiezorg",
		"zorgtype 21; specialisme 0327", "machtiging", "§3 Machtiging medisch specialistische revalidatiezorg")
	resp, body = e.get(t, "/beleid/asr-msz-2025")
	wantStatus(t, resp, body, http.StatusOK)
	wantContains(t, body, "<h2>Declaraties</h2>", "Declaraties pas in behandeling na afronding van het inkooptraject")
	resp, body = e.get(t, "/beleid/cz-hz-mdz-2022")
	wantStatus(t, resp, body, http.StatusOK)
	wantLacks(t, body, "<h2>Declaraties</h2>")
}
