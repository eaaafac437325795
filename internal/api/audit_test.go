package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"zorginkoop/internal/apptest"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/identity"
)

// record appends entries to the test database's trail, as the services would.
func (e *testEnv) record(t *testing.T, entries ...audit.Entry) {
	t.Helper()
	log := audit.NewLog(e.db, apptest.NewClock().Now)
	for _, en := range entries {
		if _, err := log.Record(context.Background(), en); err != nil {
			t.Fatal(err)
		}
	}
}

// seqs lists the seq of every entry of an /api/audit answer (the operator's).
func seqs(v any) []int64 { return numbers(v, "seq") }

// positions lists the position of every entry of an /api/audit answer (a beheerder's).
func positions(v any) []int64 { return numbers(v, "position") }

func numbers(v any, key string) []int64 {
	list, _ := at(v, "entries").([]any)
	out := []int64{}
	for _, en := range list {
		n, _ := at(en, key).(float64)
		out = append(out, int64(n))
	}
	return out
}

func TestAuditTrailOfAnOrganisationIsFilteredAndPaged(t *testing.T) {
	e := newEnv(t)
	e.ids.AddUser(t, apptest.OrgCZ, "beheer@cz.example", "Bea Beheer", identity.RoleAdmin)
	admin := e.userToken(t, "beheer@cz.example")
	for i := range 5 {
		e.record(t, audit.Entry{OrgID: apptest.OrgCZ, Scope: "cz-groep", Action: "dossier.update", Subject: fmt.Sprintf("dossier:d-%d", i%2+1),
			Dossier: fmt.Sprintf("d-%d", i%2+1), After: audit.JSON(map[string]int{"n": i})})
	}
	e.record(t, audit.Entry{OrgID: apptest.OrgZZ, Scope: "zorg-en-zekerheid", Action: "dossier.update", Subject: "dossier:d-1", Dossier: "d-1"})

	// Every entry of d-1 that is CZ's, newest first; not Zorg en Zekerheid's.
	resp, v := e.callAs(t, admin, "GET", "/api/audit?org=cz&dossier=d-1", "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %v", resp.StatusCode, v)
	}
	d1 := positions(v)
	if len(d1) != 3 || d1[0] < d1[1] || d1[1] < d1[2] || d1[2] < 1 {
		t.Fatalf("dossier d-1: positions %v, want CZ's 3 entries newest first", d1)
	}
	if at(v, "entries.0.dossier") != "d-1" || at(v, "entries.0.org_id") != "cz" || at(v, "next_before") != nil {
		t.Errorf("answer %v", v)
	}
	if at(v, "entries.0.after.n") != float64(4) {
		t.Errorf("after = %v, want the JSON as recorded", at(v, "entries.0.after"))
	}

	// Pages of one entry, by next_before, until there is none.
	var all []int64
	path := "/api/audit?org=cz&subject=dossier:d-2&limit=1"
	for range 5 {
		resp, v := e.callAs(t, admin, "GET", path, "")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d: %v", path, resp.StatusCode, v)
		}
		all = append(all, positions(v)...)
		next, ok := at(v, "next_before").(float64)
		if !ok {
			break
		}
		path = fmt.Sprintf("/api/audit?org=cz&subject=dossier:d-2&limit=1&before=%d", int64(next))
	}
	if len(all) != 2 || all[0] <= all[1] {
		t.Errorf("pages of subject dossier:d-2: positions %v, want 2 entries newest first and then no next page", all)
	}
}

func TestRefusedAttemptIsInTheTrailOfTheOrganisationWhoseDataItIs(t *testing.T) {
	e := newEnv(t)
	e.ids.AddUser(t, apptest.OrgCZ, "beheer@cz.example", "Bea Beheer", identity.RoleAdmin)
	// Zorg en Zekerheid's inkoper uploads a policy of CZ: refused, and recorded.
	body, _ := json.Marshal(map[string]string{"file": "concept.yaml", "yaml": draftYAML(t, "cz-overname-2027")})
	if resp, v := e.callAs(t, e.userToken(t, apptest.ZZBuyerEmail), "POST", "/api/policies", string(body)); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("upload of another insurer's policy: status %d: %v", resp.StatusCode, v)
	}
	resp, v := e.callAs(t, e.userToken(t, "beheer@cz.example"), "GET", "/api/audit?org=cz&subject=policy:cz-overname-2027", "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %v", resp.StatusCode, v)
	}
	want := map[string]any{"entries.0.denied": true, "entries.0.action": "policy.draft_save", "entries.0.action_text": "Concept zorginkoopbeleid opslaan geweigerd",
		"entries.0.org_id": apptest.OrgZZ, "entries.0.user_name": "Zeger Zorgvuldig", "entries.0.scope": "cz-groep",
		"entries.0.reason": "does not act for the policy's insurer", "entries.1": nil}
	for path, w := range want {
		if got := at(v, path); fmt.Sprint(got) != fmt.Sprint(w) {
			t.Errorf("%s = %v, want %v", path, got, w)
		}
	}
	// Zorg en Zekerheid's own trail does not hold it: that would tell it CZ's object exists.
	e.ids.AddUser(t, apptest.OrgZZ, "beheer@zz.example", "Zwaan Beheer", identity.RoleAdmin)
	_, v = e.callAs(t, e.userToken(t, "beheer@zz.example"), "GET", "/api/audit?org=zz&subject=policy:cz-overname-2027", "")
	if n := len(positions(v)); n != 0 {
		t.Errorf("the refused attempt is in the trail of the organisation that tried: %v", v)
	}
}

func TestAuditTrailQueryErrorsNameTheParameter(t *testing.T) {
	e := newEnv(t)
	e.ids.AddUser(t, apptest.OrgCZ, "beheer@cz.example", "Bea Beheer", identity.RoleAdmin)
	admin := e.userToken(t, "beheer@cz.example")
	tests := []struct {
		name   string
		token  string
		path   string
		status int
		field  string
	}{
		{"before is not a number", admin, "/api/audit?org=cz&before=gisteren", 422, "before"},
		{"before is not positive", admin, "/api/audit?org=cz&before=0", 422, "before"},
		{"limit is 0", admin, "/api/audit?org=cz&limit=0", 422, "limit"},
		{"limit is over the maximum", admin, fmt.Sprintf("/api/audit?org=cz&limit=%d", audit.MaxLimit+1), 422, "limit"},
		{"the whole trail is the operator's", admin, "/api/audit", 403, "org"},
		{"another organisation's trail is like a missing one", admin, "/api/audit?org=zz", 404, ""},
		{"a missing organisation", admin, "/api/audit?org=bestaat-niet", 404, ""},
		{"the organisation's inkoper", e.userToken(t, apptest.CZBuyerEmail), "/api/audit?org=cz", 403, ""},
		{"anonymous", "", "/api/audit?org=cz", 401, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, v := e.callAs(t, tc.token, "GET", tc.path, "")
			if resp.StatusCode != tc.status || resp.Header.Get("Content-Type") != problemType {
				t.Fatalf("status %d (%s), want %d problem: %v", resp.StatusCode, resp.Header.Get("Content-Type"), tc.status, v)
			}
			if tc.field != "" && at(v, "errors.0.field") != tc.field {
				t.Errorf("errors.0.field = %v, want %q: %v", at(v, "errors.0.field"), tc.field, v)
			}
		})
	}
	// The operator reads the whole trail, the organisations' set-up included.
	resp, v := e.call(t, "GET", "/api/audit?subject=organisation:zz", "")
	if resp.StatusCode != http.StatusOK || at(v, "entries.0.action_text") != "Organisatie opgeslagen" {
		t.Errorf("the whole trail for the operator: status %d: %v", resp.StatusCode, v)
	}
}

// A beheerder's answer numbers the entries by their place in the organisation's trail and
// leaves out the seq and hashes: it stays the same when another organisation acts, so it
// tells nothing of how much others do. It once gave the global seq and prev_hash. The
// operator still reads the entries as stored.
func TestAuditTrailOfATenantDoesNotMoveWhenAnotherTenantActs(t *testing.T) {
	e := newEnv(t)
	e.ids.AddUser(t, apptest.OrgCZ, "beheer@cz.example", "Bea Beheer", identity.RoleAdmin)
	admin := e.userToken(t, "beheer@cz.example")
	zzActs := func(n int) {
		for range n {
			e.record(t, audit.Entry{OrgID: apptest.OrgZZ, Scope: "zorg-en-zekerheid", Action: "dossier.view", Subject: "dossier:zz-1", Dossier: "zz-1"})
		}
	}
	for i := range 4 {
		zzActs(2)
		e.record(t, audit.Entry{OrgID: apptest.OrgCZ, Scope: "cz-groep", Action: "dossier.update", Subject: "dossier:d-1", Dossier: "d-1",
			After: audit.JSON(map[string]int{"n": i})})
	}
	get := func(path string) (string, any) {
		t.Helper()
		resp, v := e.callAs(t, admin, "GET", path, "")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d: %v", path, resp.StatusCode, v)
		}
		b, _ := json.Marshal(v)
		return string(b), v
	}
	pages := []string{"/api/audit?org=cz", "/api/audit?org=cz&limit=2", "/api/audit?org=cz&dossier=d-1", "/api/audit?org=cz&limit=2&before=3"}
	var before []string
	for _, p := range pages {
		b, _ := get(p)
		before = append(before, b)
	}
	zzActs(9)
	for i, p := range pages {
		if after, _ := get(p); after != before[i] {
			t.Errorf("%s changed when Zorg en Zekerheid acted:\nbefore %s\nafter  %s", p, before[i], after)
		}
	}

	_, v := get("/api/audit?org=cz")
	pos := positions(v)
	for i, p := range pos {
		if p != int64(len(pos)-i) {
			t.Fatalf("positions %v, want %d down to 1: CZ's own count", pos, len(pos))
		}
	}
	for _, key := range []string{"seq", "prev_hash", "hash"} {
		if _, ok := at(v, "entries.0").(map[string]any)[key]; ok {
			t.Errorf("a beheerder's entry has %q: %v", key, at(v, "entries.0"))
		}
	}
	_, v = get("/api/audit?org=cz&limit=2")
	if at(v, "next_before") != float64(pos[1]) {
		t.Errorf("next_before = %v, want the position %d of the last entry shown", at(v, "next_before"), pos[1])
	}

	// The operator reads the same trail as stored: seqs with the gaps of the others' entries, and hashes.
	resp, v := e.call(t, "GET", "/api/audit?org=cz&dossier=d-1", "")
	if s := seqs(v); resp.StatusCode != http.StatusOK || len(s) != 4 || s[0]-s[3] <= 3 || at(v, "entries.0.hash") == "" || at(v, "entries.0.position") != nil {
		t.Errorf("the operator's view: status %d, seqs %v: %v", resp.StatusCode, s, v)
	}
}
