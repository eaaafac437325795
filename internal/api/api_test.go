package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"testing"

	"zorginkoop/internal/app"
	"zorginkoop/internal/apptest"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/provider"
)

// call does one request with the environment's token and decodes the JSON answer (nil
// for an empty body).
func (e *testEnv) call(t *testing.T, method, path, body string) (*http.Response, any) {
	t.Helper()
	return e.callAs(t, e.token, method, path, body)
}

// callAs does one request with an API token ("" for none).
func (e *testEnv) callAs(t *testing.T, token, method, path, body string) (*http.Response, any) {
	t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatalf("%s %s: answer is not JSON: %v\n%s", method, path, err, raw)
		}
	}
	return resp, v
}

// at walks a decoded JSON value: at(v, "summaries.0.outcome"); a part "[id=x]" picks the
// element of a list whose id is x.
func at(v any, path string) any {
	for _, part := range strings.Split(path, ".") {
		if sel, ok := strings.CutPrefix(part, "["); ok {
			key, value, _ := strings.Cut(strings.TrimSuffix(sel, "]"), "=")
			list, _ := v.([]any)
			v = nil
			for _, el := range list {
				if fmt.Sprint(at(el, key)) == value {
					v = el
				}
			}
			continue
		}
		switch x := v.(type) {
		case map[string]any:
			v = x[part]
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

const (
	jsonType    = "application/json"
	problemType = "application/problem+json"
)

func TestAPIScenarios(t *testing.T) {
	e := newEnv(t)
	// The assessment scenarios read the latest run; make one first.
	if resp, v := e.call(t, "POST", "/api/policies/"+testPolicy+"/assessments", ""); resp.StatusCode != http.StatusCreated {
		t.Fatalf("running the assessment: %d %v", resp.StatusCode, v)
	}
	tests := []struct {
		name       string
		method     string
		path       string
		body       string
		wantStatus int
		wantType   string
		want       map[string]any // JSON path → value (formatted with %v)
	}{
		{"insurers list labels and who purchases for them", "GET", "/api/insurers", "", 200, jsonType,
			map[string]any{"insurers.[id=cz-groep].labels.1.name": "OHRA",
				"insurers.[id=eucare].purchasing_parties.0.name": "Caresq", "purchasing_parties.[id=caresq].buys_for.0": "eucare"}},
		{"policies in force list the shipped policy with its insurer name", "GET", "/api/policies", "", 200, jsonType,
			map[string]any{"policies.[id=" + testPolicy + "].insurer_name": "CZ groep", "policies.[id=" + testPolicy + "].published": "2021-04-01",
				"policies.[id=caresq-zbc-2026].purchaser_name": "Caresq"}},
		{"a policy is returned whole", "GET", "/api/policies/" + testPolicy, "", 200, jsonType,
			map[string]any{"id": testPolicy, "requirements.0.id": "ha-big-registratie", "requirements.0.kind": "knockout",
				"reference_date": "2022-01-01", "insurer_name": "CZ groep"}},
		{"an unknown policy is a 404 problem", "GET", "/api/policies/bestaat-niet", "", 404, problemType,
			map[string]any{"status": 404, "title": "Not Found", "detail": `policy "bestaat-niet" does not exist`}},
		{"providers are listed by name with the total", "GET", "/api/providers", "", 200, jsonType,
			map[string]any{"total": 3, "providers.0.id": "hap-de-linde", "providers.1.id": "hap-failliet", "limit": 50}},
		{"providers are paged", "GET", "/api/providers?offset=1&limit=1", "", 200, jsonType,
			map[string]any{"total": 3, "providers.0.name": "Huisartsenpraktijk Failliet", "providers.1": nil, "offset": 1}},
		{"providers are filtered by care type", "GET", "/api/providers?care_type=ziekenhuis", "", 200, jsonType,
			map[string]any{"total": 1, "providers.0.id": "ziekenhuis-zuid"}},
		{"providers are searched by name", "GET", "/api/providers?q=linde", "", 200, jsonType,
			map[string]any{"total": 1, "providers.0.kvk": "12345678"}},
		{"a bad limit names the parameter", "GET", "/api/providers?limit=100000", "", 422, problemType,
			map[string]any{"errors.0.field": "limit"}},
		{"an unknown care type filter is refused", "GET", "/api/providers?care_type=tandarts", "", 422, problemType,
			map[string]any{"errors.0.field": "care_type"}},
		{"a provider comes with its facts", "GET", "/api/providers/hap-de-linde", "", 200, jsonType,
			map[string]any{"name": "Huisartsenpraktijk De Linde", "agb_codes.1.kind": "zorgverlener", "facts.0.key": "big_registratie_huisarts",
				"locations.0.postcode": "5611 AB"}},
		{"an unknown provider is a 404 problem", "GET", "/api/providers/niemand", "", 404, problemType,
			map[string]any{"status": 404}},
		{"the latest run has counts and Dutch outcomes per provider", "GET", "/api/policies/" + testPolicy + "/assessments", "", 200, jsonType,
			map[string]any{"providers": 2, "eligible": 1, "not_eligible": 1, "summaries.0.provider_id": "hap-de-linde",
				"summaries.0.outcome_text": "komt in aanmerking", "summaries.1.outcome_text": "komt niet in aanmerking",
				"summaries.1.knockouts_open.3.id": "uitsluiting-faillissement-liquidatie", "summaries.1.knockouts_open.3.status": "not_met"}},
		{"one provider is judged per requirement with a Dutch explanation", "GET", "/api/policies/" + testPolicy + "/assessments/hap-failliet", "", 200, jsonType,
			map[string]any{"outcome": "not_eligible", "outcome_text": "komt niet in aanmerking", "items.0.status_text": "onbekend",
				"items.0.kind_text": "minimumeis", "items.0.explanation": "BIG-registratie als huisarts onbekend"}},
		{"judging an unknown provider is a 404 problem", "GET", "/api/policies/" + testPolicy + "/assessments/niemand", "", 404, problemType, nil},
		{"running an unknown policy is a 404 problem", "POST", "/api/policies/bestaat-niet/assessments", "", 404, problemType, nil},
		{"an unknown API path is a 404 problem", "GET", "/api/bestaat-niet", "", 404, problemType, nil},
		{"a wrong method is a 405 problem", "DELETE", "/api/providers/hap-de-linde", "", 405, problemType,
			map[string]any{"status": 405}},
		{"malformed JSON is a 400 problem", "POST", "/api/providers", `{"providers": [`, 400, problemType,
			map[string]any{"status": 400}},
		{"an unknown field is refused by name", "POST", "/api/providers", `{"providers": [{"id": "x", "naam": "X"}]}`, 400, problemType,
			map[string]any{"errors.0.field": "providers[0].naam", "errors.0.message": `unknown field "naam"`}},
		{"a wrongly typed field is refused by name", "POST", "/api/providers", `{"providers": [{"id": 12}]}`, 400, problemType,
			map[string]any{"errors.0.field": "providers[0].id", "errors.0.message": "must be a text, not a JSON number"}},
		{"an empty import is refused", "POST", "/api/providers", `{"providers": []}`, 422, problemType,
			map[string]any{"errors.0.field": "providers"}},
	}
	// The document describes the API's routes; these two are not among them on purpose.
	e.contract.expectUndescribed("GET /api/bestaat-niet", "DELETE /api/providers/hap-de-linde")
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, v := e.call(t, tc.method, tc.path, tc.body)
			if resp.StatusCode != tc.wantStatus {
				t.Fatalf("status %d, want %d: %v", resp.StatusCode, tc.wantStatus, v)
			}
			if ct := resp.Header.Get("Content-Type"); ct != tc.wantType {
				t.Errorf("Content-Type %q, want %q", ct, tc.wantType)
			}
			if tc.wantType == problemType && (at(v, "type") == nil || at(v, "title") == nil || at(v, "status") != float64(tc.wantStatus)) {
				t.Errorf("problem document lacks type, title or status: %v", v)
			}
			for path, want := range tc.want {
				if got := at(v, path); fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("%s = %v, want %v", path, got, want)
				}
			}
		})
	}
}

func TestImportStoresValidProviders(t *testing.T) {
	e := newEnv(t)
	body := `{"providers": [{"id": "gc-noord", "name": "Gezondheidscentrum Noord", "kvk": "45678901",
		"agb_codes": [{"code": "01034567", "kind": "praktijk"}], "care_types": ["gezondheidscentrum"],
		"locations": [{"name": "Noord", "street": "Plein 2", "postcode": "9712ab", "city": "Groningen"}],
		"facts": [{"key": "omzet_totaal", "value": "250.000,00", "date": "2021-01-01"}]}]}`
	resp, v := e.call(t, "POST", "/api/providers", body)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("status %d: %v", resp.StatusCode, v)
	}
	if at(v, "imported") != float64(1) || at(v, "ids.0") != "gc-noord" {
		t.Errorf("answer %v", v)
	}
	p, err := e.db.Provider(context.Background(), "gc-noord")
	if err != nil {
		t.Fatal(err)
	}
	if p.Locations[0].Postcode != "9712 AB" || p.Facts[0].Value != "25000000" || p.Facts[0].Source != provider.SourceProvider {
		t.Errorf("stored provider not normalised: %+v", p)
	}
}

func TestImportWithOneBadProviderStoresNothing(t *testing.T) {
	e := newEnv(t)
	body := `{"providers": [
		{"id": "gc-goed", "name": "Gezondheidscentrum Goed", "kvk": "45678901",
		 "agb_codes": [{"code": "01034567", "kind": "praktijk"}], "care_types": ["gezondheidscentrum"], "locations": []},
		{"id": "gc-fout", "name": "Gezondheidscentrum Fout", "kvk": "1234",
		 "agb_codes": [{"code": "01034568", "kind": "praktijk"}], "care_types": ["gezondheidscentrum"], "locations": []}]}`
	resp, v := e.call(t, "POST", "/api/providers", body)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422: %v", resp.StatusCode, v)
	}
	if ct := resp.Header.Get("Content-Type"); ct != problemType {
		t.Errorf("Content-Type %q", ct)
	}
	if got := at(v, "errors.0.field"); got != "provider gc-fout: kvk" {
		t.Errorf("errors.0.field = %v, want the provider and field named; problem: %v", got, v)
	}
	if msg, _ := at(v, "errors.0.message").(string); !strings.Contains(msg, "8 digits") {
		t.Errorf("errors.0.message = %q", msg)
	}
	ctx := context.Background()
	for _, id := range []string{"gc-goed", "gc-fout"} {
		if _, err := e.db.Provider(ctx, id); err == nil {
			t.Errorf("provider %s was stored although the import was refused", id)
		}
	}
	if _, total, _ := e.db.Providers(ctx, provider.AllProviders(), provider.Filter{}); total != 3 {
		t.Errorf("%d providers stored, want the 3 seeded", total)
	}
}

func TestLatestRunBeforeAnyRunIs404(t *testing.T) {
	e := newEnv(t)
	resp, v := e.call(t, "GET", "/api/policies/"+testPolicy+"/assessments", "")
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(fmt.Sprint(at(v, "detail")), "not been assessed") {
		t.Errorf("status %d, detail %v", resp.StatusCode, at(v, "detail"))
	}
}

func TestInternalErrorHidesTheCause(t *testing.T) {
	var logged strings.Builder
	h := New(&app.Services{}, Options{Log: newTextLogger(&logged)})
	rec := recordRequest(h, "GET", "/api/openapi.json")
	if rec.Code != http.StatusOK {
		t.Fatalf("openapi.json: %d", rec.Code)
	}
	rec = recordFail(h, fmt.Errorf("database is on fire: %w", io.ErrClosedPipe))
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status %d", rec.Code)
	}
	if body := rec.Body.String(); strings.Contains(body, "fire") || !strings.Contains(body, `"detail":"internal error"`) {
		t.Errorf("client sees %s", body)
	}
	if !strings.Contains(logged.String(), "database is on fire") {
		t.Errorf("the cause was not logged: %s", logged.String())
	}
}

// TestOpenAPIDescribesEveryRoute: every registered route is in the document and the
// document has no route the server lacks.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	var doc struct {
		OpenAPI string                    `json:"openapi"`
		Paths   map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatalf("openapi.json is not JSON: %v", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.1") {
		t.Errorf("openapi %q, want 3.1", doc.OpenAPI)
	}
	var documented, served []string
	for path, ops := range doc.Paths {
		for method := range ops {
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	served = Routes()
	sort.Strings(documented)
	sort.Strings(served)
	if strings.Join(documented, "\n") != strings.Join(served, "\n") {
		t.Errorf("routes and OpenAPI document differ\nserved:\n%s\n\ndocumented:\n%s", strings.Join(served, "\n"), strings.Join(documented, "\n"))
	}
}

func TestMeNamesUserOrganisationAndRoles(t *testing.T) {
	e := newEnv(t)
	resp, v := e.callAs(t, e.userToken(t, apptest.CZBuyerEmail), "GET", "/api/me", "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %v", resp.StatusCode, v)
	}
	want := map[string]any{"user.email": apptest.CZBuyerEmail, "organisation.id": apptest.OrgCZ, "organisation.kind": "insurer",
		"organisation.insurers.0": "cz-groep", "roles.0.id": "inkoper", "roles.0.name": "inkoper"}
	for path, w := range want {
		if got := at(v, path); fmt.Sprint(got) != fmt.Sprint(w) {
			t.Errorf("%s = %v, want %v", path, got, w)
		}
	}
	resp, v = e.callAs(t, "", "GET", "/api/me", "")
	if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") == "" {
		t.Errorf("anonymous: status %d, WWW-Authenticate %q: %v", resp.StatusCode, resp.Header.Get("WWW-Authenticate"), v)
	}
	resp, _ = e.callAs(t, "zk_"+strings.Repeat("x", 43), "GET", "/api/me", "")
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("unknown token: status %d, want 401", resp.StatusCode)
	}
}

func TestCreatedTokenWorksOnce(t *testing.T) {
	e := newEnv(t)
	resp, v := e.callAs(t, e.userToken(t, apptest.ZZBuyerEmail), "POST", "/api/tokens", `{"name": "inkoopsysteem"}`)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("status %d: %v", resp.StatusCode, v)
	}
	token, _ := at(v, "token").(string)
	if !strings.HasPrefix(token, "zk_") || at(v, "name") != "inkoopsysteem" || at(v, "expires_at") == nil {
		t.Fatalf("answer %v", v)
	}
	if resp, v := e.callAs(t, token, "GET", "/api/me", ""); resp.StatusCode != 200 || at(v, "user.email") != apptest.ZZBuyerEmail {
		t.Errorf("the new token: status %d, %v", resp.StatusCode, v)
	}
	if resp, v := e.callAs(t, "", "POST", "/api/tokens", `{"name": "x"}`); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("anonymous token request: status %d, %v", resp.StatusCode, v)
	}
	if resp, v := e.callAs(t, token, "POST", "/api/tokens", `{"name": ""}`); resp.StatusCode != http.StatusUnprocessableEntity || at(v, "errors.0.field") != "name" {
		t.Errorf("token without a name: status %d, %v", resp.StatusCode, v)
	}
}

func TestTokensAreListedAndRevokedByTheirOwnerOnly(t *testing.T) {
	e := newEnv(t)
	mine := e.userToken(t, apptest.ZZBuyerEmail)
	resp, v := e.callAs(t, mine, "POST", "/api/tokens", `{"name": "inkoopsysteem"}`)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create: status %d: %v", resp.StatusCode, v)
	}
	id, _ := at(v, "id").(string)
	resp, v = e.callAs(t, mine, "GET", "/api/tokens", "")
	list, _ := v.([]any)
	if resp.StatusCode != http.StatusOK || len(list) != 2 || strings.Contains(fmt.Sprint(v), "zk_") {
		t.Fatalf("list: status %d: %v; want both tokens without secrets", resp.StatusCode, v)
	}
	for _, tok := range list {
		newOne := at(tok, "id") == id
		if newOne && at(tok, "name") != "inkoopsysteem" || at(tok, "created_at") == nil || (at(tok, "last_used_at") == nil) != newOne {
			t.Errorf("token %v: want the new one never used, the one in use with its last use", tok)
		}
	}
	other := e.userToken(t, apptest.CZBuyerEmail)
	if resp, v := e.callAs(t, other, "DELETE", "/api/tokens/"+id, ""); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another user revoking the token: status %d, %v; want 404", resp.StatusCode, v)
	}
	if resp, v := e.callAs(t, "", "DELETE", "/api/tokens/"+id, ""); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("anonymous revocation: status %d, %v", resp.StatusCode, v)
	}
	if resp, v := e.callAs(t, mine, "DELETE", "/api/tokens/"+id, ""); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("revoke: status %d, %v", resp.StatusCode, v)
	}
	if resp, v := e.callAs(t, mine, "GET", "/api/tokens", ""); len(v.([]any)) != 1 {
		t.Errorf("list after the revocation: status %d, %v; want the token in use only", resp.StatusCode, v)
	}
}

func TestTheTwentyFirstTokenIs409(t *testing.T) {
	e := newEnv(t)
	token := e.userToken(t, apptest.ZZBuyerEmail) // the first
	for i := 2; i <= identity.MaxAPITokens; i++ {
		if resp, v := e.callAs(t, token, "POST", "/api/tokens", fmt.Sprintf(`{"name": "koppeling %d"}`, i)); resp.StatusCode != http.StatusCreated {
			t.Fatalf("token %d: status %d, %v", i, resp.StatusCode, v)
		}
	}
	resp, v := e.callAs(t, token, "POST", "/api/tokens", `{"name": "een te veel"}`)
	if resp.StatusCode != http.StatusConflict || !strings.Contains(fmt.Sprint(v), "revoke one") {
		t.Errorf("token 21: status %d, %v; want 409 saying to revoke one", resp.StatusCode, v)
	}
}

// draftYAML is the CZ policy of the scenarios as a new draft.
func draftYAML(t *testing.T, id string) string {
	return string(apptest.DraftYAML(t, apptest.Policy+".yaml", id, "Concept huisartsenzorg 2027"))
}

func TestDraftPolicyIsUploadedChangedAndPublished(t *testing.T) {
	e := newEnv(t)
	buyer := e.userToken(t, apptest.CZBuyerEmail)
	other := e.userToken(t, apptest.ZZBuyerEmail)
	body, _ := json.Marshal(map[string]string{"file": "concept.yaml", "yaml": draftYAML(t, "cz-concept-2027")})
	resp, v := e.callAs(t, buyer, "POST", "/api/policies", string(body))
	if resp.StatusCode != http.StatusCreated || at(v, "status") != "draft" || at(v, "version") != float64(1) {
		t.Fatalf("upload: status %d: %v", resp.StatusCode, v)
	}
	if loc := resp.Header.Get("Location"); loc != "/api/policies/cz-concept-2027" {
		t.Errorf("Location %q", loc)
	}
	// The same id again, as the YAML file itself: a new version of the draft.
	req, _ := http.NewRequest("POST", e.srv.URL+"/api/policies?file=concept.yaml", strings.NewReader(draftYAML(t, "cz-concept-2027")))
	req.Header.Set("Authorization", "Bearer "+buyer)
	req.Header.Set("Content-Type", "application/yaml")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("changing the draft: status %d", resp.StatusCode)
	}
	for _, tc := range []struct {
		who    string
		token  string
		status int
	}{{"its insurer", buyer, 200}, {"another insurer", other, 404}, {"anonymous", "", 404}} {
		if resp, _ := e.callAs(t, tc.token, "GET", "/api/policies/cz-concept-2027", ""); resp.StatusCode != tc.status {
			t.Errorf("draft read by %s: status %d, want %d", tc.who, resp.StatusCode, tc.status)
		}
		_, v := e.callAs(t, tc.token, "GET", "/api/policies", "")
		listed := at(v, "policies.[id=cz-concept-2027]") != nil
		if listed != (tc.status == 200) {
			t.Errorf("draft listed for %s: %v", tc.who, listed)
		}
	}
	if resp, v := e.callAs(t, other, "POST", "/api/policies/cz-concept-2027/publish", ""); resp.StatusCode != http.StatusNotFound {
		t.Errorf("publish by another insurer: status %d: %v", resp.StatusCode, v)
	}
	resp, v = e.callAs(t, buyer, "POST", "/api/policies/cz-concept-2027/publish", "")
	if resp.StatusCode != http.StatusOK || at(v, "status") != "published" || at(v, "version") != float64(3) {
		t.Fatalf("publish: status %d: %v", resp.StatusCode, v)
	}
	if resp, _ := e.callAs(t, "", "GET", "/api/policies/cz-concept-2027", ""); resp.StatusCode != http.StatusOK {
		t.Errorf("published policy read anonymously: status %d", resp.StatusCode)
	}
	if resp, _ := e.callAs(t, buyer, "POST", "/api/policies/cz-concept-2027/publish", ""); resp.StatusCode != http.StatusConflict {
		t.Errorf("publishing twice: status %d, want 409", resp.StatusCode)
	}
	if resp, v := e.callAs(t, buyer, "POST", "/api/policies", string(body)); resp.StatusCode != http.StatusConflict || at(v, "errors.0.field") != "id" {
		t.Errorf("a draft over a published policy: status %d, want 409: %v", resp.StatusCode, v)
	}
}

func TestInvalidDraftNamesTheLine(t *testing.T) {
	e := newEnv(t)
	yaml := strings.Replace(draftYAML(t, "cz-concept-2027"), "sector: huisartsenzorg", "sector: huisartsenzorg\nkleur: blauw", 1)
	body, _ := json.Marshal(map[string]string{"file": "concept.yaml", "yaml": yaml})
	resp, v := e.callAs(t, e.userToken(t, apptest.CZBuyerEmail), "POST", "/api/policies", string(body))
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d: %v", resp.StatusCode, v)
	}
	if at(v, "errors.0.line") != float64(6) || !strings.Contains(fmt.Sprint(at(v, "errors.0.message")), "kleur") {
		t.Errorf("errors: %v", at(v, "errors"))
	}
	// A provider's user may not upload policies at all, whatever the file.
	resp, v = e.callAs(t, e.userToken(t, apptest.LindeEmail), "POST", "/api/policies", string(body))
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("provider upload: status %d, want 403: %v", resp.StatusCode, v)
	}
}
