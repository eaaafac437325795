package api

import (
	"encoding/json"
	"testing"

	"zorginkoop/internal/apptest"
)

// The impact of a draft, streamed: B's buyer sees the ZBC whose outcome the lower
// threshold changes; A's buyer gets the answer of a policy that does not exist.
func TestPolicyImpactStreamsTheChanges(t *testing.T) {
	e := newEnv(t)
	apptest.ImportZBC(t, e.app)
	zz := e.userToken(t, apptest.ZZBuyerEmail)
	body, _ := json.Marshal(map[string]string{"file": "zz.yaml", "yaml": string(apptest.ZBCDraftYAML(t, "zz-msz-2025", "Concept 2025"))})
	if resp, v := e.callAs(t, zz, "POST", "/api/policies", string(body)); resp.StatusCode != 201 {
		t.Fatalf("save draft: %d %v", resp.StatusCode, v)
	}
	resp, v := e.callAs(t, zz, "GET", "/api/policies/zz-msz-2025/impact", "")
	if resp.StatusCode != 200 {
		t.Fatalf("impact: %d %v", resp.StatusCode, v)
	}
	changes := at(v, "changes").([]any)
	if len(changes) != 1 || at(changes[0], "provider_id") != apptest.ZBCID || at(changes[0], "old") != "not_eligible" ||
		at(changes[0], "old_text") != "komt niet in aanmerking" || at(changes[0], "part") != "" {
		t.Errorf("changes: %v", changes)
	}
	if at(v, "totals.in_force") != apptest.PolicyB || at(v, "totals.changed") != float64(1) {
		t.Errorf("totals: %v", at(v, "totals"))
	}
	cz := e.userToken(t, apptest.CZBuyerEmail)
	missing, _ := e.callAs(t, cz, "GET", "/api/policies/zz-bestaat-niet/impact", "")
	if resp, _ := e.callAs(t, cz, "GET", "/api/policies/zz-msz-2025/impact", ""); resp.StatusCode != 404 || missing.StatusCode != 404 {
		t.Errorf("another insurer's draft: %d, want 404 as for none (%d)", resp.StatusCode, missing.StatusCode)
	}
	if resp, _ := e.callAs(t, "", "GET", "/api/policies/zz-msz-2025/impact", ""); resp.StatusCode != 401 {
		t.Errorf("anonymous: %d, want 401", resp.StatusCode)
	}
}
