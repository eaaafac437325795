package api

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"zorginkoop/internal/apptest"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/ratelimit"
)

// tourStep is one request of the tour: who sends it, what, and the status it must get.
// Its answer is checked against openapi.json by the environment's contract.
type tourStep struct {
	who    string // a key of the tour's tokens; "" is anonymous
	method string
	path   string // {name} is replaced by a value saved by an earlier step
	body   string
	status int
	save   map[string]string // name → JSON path in the answer, for later steps
}

// TestEveryOperationKeepsTheContractOnBothEngines tours every operation of the API, with
// its answers and its typical refusals (no credentials, another organisation's object,
// invalid input with field errors, a body too large, too many requests), on SQLite and on
// PostgreSQL, and fails on an answer that openapi.json does not describe.
func TestEveryOperationKeepsTheContractOnBothEngines(t *testing.T) {
	for _, engine := range apptest.Engines {
		t.Run(engine, func(t *testing.T) {
			e := openEnv(t, engine, Limits{})
			e.ids.AddUser(t, apptest.OrgCZ, "beheer@cz.example", "Bea Beheer", identity.RoleAdmin)
			e.app.InstallPartsPolicy(t)
			tokens := map[string]string{
				"":         "",
				"operator": e.token,
				"cz":       e.userToken(t, apptest.CZBuyerEmail),
				"cz-admin": e.userToken(t, "beheer@cz.example"),
				"zz":       e.userToken(t, apptest.ZZBuyerEmail),
				"linde":    e.userToken(t, apptest.LindeEmail),
				"bad":      "zk_" + strings.Repeat("x", 43),
			}
			saved := map[string]string{}
			for i, s := range tourSteps(t) {
				path := s.path
				for name, v := range saved {
					path = strings.ReplaceAll(path, "{"+name+"}", v)
				}
				resp, v := e.callAs(t, tokens[s.who], s.method, path, s.body)
				if resp.StatusCode != s.status {
					t.Errorf("step %d, %s as %q: %s %s: status %d, want %d: %v", i+1, s.method, s.who, s.method, path, resp.StatusCode, s.status, v)
				}
				for name, p := range s.save {
					saved[name] = fmt.Sprint(at(v, p))
				}
			}
			// The parts and contracts of a record, and the parts of a run, were in the answers
			// checked (not left out, which the schemas allow).
			for name, want := range map[string]string{"tour_contract": "cz-overeenkomst-2020", "tour_part": "stoppen-met-roken",
				"tour_run_part": "praktijkmanagement", "tour_initiative": "insurer"} {
				if saved[name] != want {
					t.Errorf("%s = %q, want %q", name, saved[name], want)
				}
			}
			tourLimits(t, engine)
			wantEveryOperationAnswered(t, e.contract, "")
		})
	}
}

func tourSteps(t *testing.T) []tourStep {
	draft, _ := json.Marshal(map[string]string{"file": "tour.yaml", "yaml": draftYAML(t, "cz-tour-2027")})
	invalid, _ := json.Marshal(map[string]string{"file": "tour.yaml",
		"yaml": strings.Replace(draftYAML(t, "cz-tour-2027"), "sector: huisartsenzorg", "sector: huisartsenzorg\nkleur: blauw", 1)})
	provider := `{"providers": [{"id": "gc-tour", "name": "Gezondheidscentrum Tour", "kvk": "45678901",
		"agb_codes": [{"code": "01034567", "kind": "praktijk"}], "care_types": ["gezondheidscentrum"],
		"locations": [{"name": "Tour", "street": "Plein 2", "postcode": "9712ab", "city": "Groningen"}],
		"facts": [{"key": "omzet_totaal", "value": "250.000,00", "date": "2021-01-01"}]}]}`
	otherRecord := `{"providers": [{"id": "hap-failliet", "name": "Huisartsenpraktijk Failliet", "kvk": "87654321",
		"agb_codes": [{"code": "01099999", "kind": "praktijk"}], "care_types": ["huisartsenzorg"]}]}`
	// A GP practice that asks for one part of the parts policy, is offered the other and
	// has a contract with CZ: the record with its part choices and contracts.
	dealings := `{"providers": [{"id": "hap-tour", "name": "Huisartsenpraktijk Tour", "kvk": "45678902",
		"agb_codes": [{"code": "01034568", "kind": "praktijk"}], "care_types": ["huisarts"], "locations": [],
		"facts": [{"key": "big_registratie_huisarts", "value": "ja", "date": "2021-01-01"}, {"key": "omzet_totaal", "value": 80000, "date": "2021-01-01"}],
		"parts": [{"policy": "` + apptest.PartsPolicy + `", "part": "stoppen-met-roken", "by": "aanbieder"},
			{"policy": "` + apptest.PartsPolicy + `", "part": "praktijkmanagement", "by": "verzekeraar"}],
		"contracts": [{"insurer": "cz-groep", "policy": "cz-overeenkomst-2020", "parts": ["praktijkmanagement"], "first_year": 2020, "last_year": 2022}]}]}`
	parts := "/api/policies/" + apptest.PartsPolicy
	pol := "/api/policies/" + testPolicy
	return []tourStep{
		{"", "GET", "/api/openapi.json", "", 200, nil},
		{"", "GET", "/api/insurers", "", 200, nil},
		{"bad", "GET", "/api/insurers", "", 401, nil},
		{"cz", "GET", "/api/me", "", 200, nil},
		{"", "GET", "/api/me", "", 401, nil},
		{"cz", "GET", "/api/me", `{"x": "` + strings.Repeat("x", MaxBodyBytes) + `"}`, 413, nil},

		{"cz", "POST", "/api/tokens", `{"name": "tour"}`, 201, map[string]string{"token_id": "id"}},
		{"cz", "POST", "/api/tokens", `{"name": ""}`, 422, nil},
		{"cz", "POST", "/api/tokens", `{"name": `, 400, nil},
		{"cz", "POST", "/api/tokens", `{"name": "` + strings.Repeat("x", MaxBodyBytes) + `"}`, 413, nil},
		{"", "POST", "/api/tokens", `{"name": "tour"}`, 401, nil},
		{"cz", "GET", "/api/tokens", "", 200, nil},
		{"", "GET", "/api/tokens", "", 401, nil},
		{"zz", "DELETE", "/api/tokens/{token_id}", "", 404, nil},
		{"", "DELETE", "/api/tokens/{token_id}", "", 401, nil},
		{"cz", "DELETE", "/api/tokens/{token_id}", "", 204, nil},

		{"", "GET", "/api/policies", "", 200, nil},
		{"cz", "POST", "/api/policies", string(draft), 201, nil},
		{"cz", "POST", "/api/policies", string(draft), 200, nil},
		{"cz", "POST", "/api/policies", string(invalid), 422, nil},
		{"cz", "POST", "/api/policies", `{"yaml": 12}`, 400, nil},
		{"zz", "POST", "/api/policies", string(draft), 403, nil},
		{"linde", "POST", "/api/policies", string(draft), 403, nil},
		{"", "POST", "/api/policies", string(draft), 401, nil},
		{"cz", "GET", "/api/policies", "", 200, nil},
		{"cz", "GET", "/api/policies/cz-tour-2027", "", 200, nil},
		{"zz", "GET", "/api/policies/cz-tour-2027", "", 404, nil},
		{"", "GET", "/api/policies/bestaat-niet", "", 404, nil},
		{"cz", "GET", "/api/policies/cz-tour-2027/impact", "", 200, nil},
		{"zz", "GET", "/api/policies/cz-tour-2027/impact", "", 404, nil},
		{"", "GET", "/api/policies/cz-tour-2027/impact", "", 401, nil},
		{"zz", "POST", "/api/policies/cz-tour-2027/publish", "", 404, nil},
		{"", "POST", "/api/policies/cz-tour-2027/publish", "", 401, nil},
		{"cz", "POST", "/api/policies/cz-tour-2027/publish", "", 200, nil},
		{"cz", "POST", "/api/policies/cz-tour-2027/publish", "", 409, nil},
		{"", "GET", "/api/policies/cz-tour-2027", "", 200, nil},

		{"cz", "GET", pol + "/assessments", "", 404, nil},
		{"cz", "POST", pol + "/assessments", "", 201, nil},
		{"zz", "POST", pol + "/assessments", "", 404, nil},
		{"", "POST", pol + "/assessments", "", 401, nil},
		{"cz", "POST", "/api/policies/bestaat-niet/assessments", "", 404, nil},
		{"cz", "GET", pol + "/assessments", "", 200, nil},
		{"cz", "GET", pol + "/assessments?limit=1", "", 200, nil},
		{"cz", "GET", pol + "/assessments?outcome=eligible&q=linde", "", 200, nil},
		{"cz", "GET", pol + "/assessments?outcome=misschien&limit=0", "", 422, nil},
		{"zz", "GET", pol + "/assessments", "", 404, nil},
		{"", "GET", pol + "/assessments", "", 401, nil},
		{"cz", "GET", pol + "/assessments/hap-de-linde", "", 200, nil},
		{"cz", "GET", pol + "/assessments/hap-failliet", "", 200, nil},
		{"cz", "GET", pol + "/assessments/niemand", "", 404, nil},
		{"zz", "GET", pol + "/assessments/hap-de-linde", "", 404, nil},
		{"", "GET", pol + "/assessments/hap-de-linde", "", 401, nil},

		{"operator", "GET", "/api/providers", "", 200, nil},
		{"cz", "GET", "/api/providers?care_type=ziekenhuis&q=zuid&offset=0&limit=1", "", 200, nil},
		{"linde", "GET", "/api/providers", "", 200, nil},
		{"operator", "GET", "/api/providers?limit=0&care_type=tandarts", "", 422, nil},
		{"", "GET", "/api/providers", "", 401, nil},
		{"linde", "GET", "/api/providers/hap-de-linde", "", 200, nil},
		{"cz", "GET", "/api/providers/hap-failliet", "", 200, nil},
		{"linde", "GET", "/api/providers/hap-failliet", "", 404, nil},
		{"operator", "GET", "/api/providers/niemand", "", 404, nil},
		{"", "GET", "/api/providers/hap-de-linde", "", 401, nil},
		{"operator", "POST", "/api/providers", provider, 201, nil},
		{"operator", "POST", "/api/providers", `{"providers": []}`, 422, nil},
		{"operator", "POST", "/api/providers", `{"providers": [{"id": "x", "naam": "X"}]}`, 400, nil},
		{"operator", "POST", "/api/providers", strings.Replace(provider, `"45678901"`, `"1234"`, 1), 422, nil},
		{"linde", "POST", "/api/providers", otherRecord, 403, nil},
		{"", "POST", "/api/providers", provider, 401, nil},
		{"operator", "POST", "/api/providers", dealings, 201, nil},
		{"operator", "GET", "/api/providers/hap-tour", "", 200, map[string]string{"tour_contract": "contracts.0.policy", "tour_part": "parts.0.part"}},
		{"cz", "GET", "/api/providers/hap-tour", "", 200, nil},
		{"zz", "GET", "/api/providers/hap-tour", "", 200, nil},
		{"cz", "GET", "/api/providers?q=tour", "", 200, nil},
		{"", "GET", parts, "", 200, nil},
		{"cz", "POST", parts + "/assessments", "", 201, map[string]string{"tour_run_part": "part_counts.0.part"}},
		{"cz", "GET", parts + "/assessments", "", 200, nil},
		{"cz", "GET", parts + "/assessments?part=praktijkmanagement&part_outcome=eligible", "", 200, nil},
		{"cz", "GET", parts + "/assessments?part=bestaat-niet&part_outcome=eligible", "", 422, nil},
		{"cz", "GET", parts + "/assessments/hap-tour", "", 200, map[string]string{"tour_initiative": "contract.1.initiative"}},

		{"operator", "GET", "/api/audit", "", 200, nil},
		{"operator", "GET", "/api/audit?limit=2", "", 200, nil},
		{"cz-admin", "GET", "/api/audit?org=cz", "", 200, nil},
		{"cz-admin", "GET", "/api/audit?org=cz&subject=policy:cz-tour-2027&limit=1", "", 200, nil},
		{"cz-admin", "GET", "/api/audit?org=cz&before=0&limit=100000", "", 422, nil},
		{"cz", "GET", "/api/audit?org=cz", "", 403, nil},
		{"zz", "GET", "/api/audit?org=cz", "", 404, nil},
		{"cz-admin", "GET", "/api/audit", "", 403, nil},
		{"", "GET", "/api/audit?org=cz", "", 401, nil},
	}
}

// tourLimits makes each limit answer 429 on an environment of the engine with low limits.
func tourLimits(t *testing.T, engine string) {
	clock := apptest.NewClock()
	gate := ratelimit.NewGate(1, 10, 10*time.Second)
	e := openEnv(t, engine, Limits{
		Public:  ratelimit.New(1, time.Minute, 0, clock.Now),
		PerUser: ratelimit.New(3, time.Minute, 0, clock.Now),
		Heavy:   gate,
	})
	cz := e.userToken(t, apptest.CZBuyerEmail)
	wantStatus := func(token, method, path string, status int) {
		t.Helper()
		if resp, v := e.callAs(t, token, method, path, ""); resp.StatusCode != status {
			t.Errorf("%s %s: status %d, want %d: %v", method, path, resp.StatusCode, status, v)
		}
	}
	wantStatus("", "GET", "/api/openapi.json", 200)
	wantStatus("", "GET", "/api/policies", 429)
	wantStatus("", "GET", "/api/policies/"+testPolicy, 429)
	wantStatus("", "GET", "/api/insurers", 429)
	// A heavy request while the user has one in flight.
	user := e.ids.User(t, apptest.CZBuyerEmail)
	release, ok := gate.Enter("user " + user.ID)
	if !ok {
		t.Fatal("the gate refused the first request")
	}
	wantStatus(cz, "GET", "/api/providers", 429)
	wantStatus(cz, "POST", "/api/policies/"+testPolicy+"/assessments", 429)
	release()
	// The user's third request of the minute is the last; the fourth is refused.
	wantStatus(cz, "GET", "/api/me", 200)
	wantStatus(cz, "GET", "/api/tokens", 429)
}

// wantEveryOperationAnswered fails when an operation of openapi.json tagged tag (""
// for the untagged ones) was never answered with a success, or no refusal of the kinds
// the tour is about was seen. The purchasing round (tag "round") has a tour of its own
// (round_flow_test.go), as its operations need a round walked through in order.
func wantEveryOperationAnswered(t *testing.T, c *contract, tag string) {
	t.Helper()
	seen := c.covered()
	statuses := map[string]bool{}
	ok := map[string]bool{}
	for k := range seen {
		op, status, _ := strings.Cut(k[:strings.LastIndex(k, " ")]+"\x00"+k[strings.LastIndex(k, " ")+1:], "\x00")
		statuses[status] = true
		if strings.HasPrefix(status, "2") {
			ok[op] = true
		}
	}
	var missing []string
	for path, item := range c.doc.Paths.Map() {
		for method, o := range item.Operations() {
			if !hasTag(o.Tags, tag) {
				continue
			}
			if op := method + " " + path; !ok[op] {
				missing = append(missing, op)
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("operations never answered with success in the tour:\n%s", strings.Join(missing, "\n"))
	}
	for _, st := range []string{"400", "401", "403", "404", "409", "413", "422"} {
		if !statuses[st] {
			t.Errorf("no %s answer was validated in the tour", st)
		}
	}
}

// hasTag reports whether tags holds tag, or is empty when tag is "".
func hasTag(tags []string, tag string) bool {
	if tag == "" {
		return len(tags) == 0
	}
	return slices.Contains(tags, tag)
}
