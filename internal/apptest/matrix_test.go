package apptest_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"go.yaml.in/yaml/v3"

	"zorginkoop/internal/api"
	"zorginkoop/internal/apptest"
	"zorginkoop/internal/clock"
	"zorginkoop/internal/httpauth"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/nl"
	"zorginkoop/internal/provider"
	"zorginkoop/internal/ratelimit"
	"zorginkoop/internal/store/pgtest"
	"zorginkoop/internal/web"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// The authorisation matrix: every API endpoint and every page, for every role of every
// kind of organisation, on objects of the caller's own organisation and of others. Each
// cell asserts the status, and that the answer holds no data of another tenant (the
// markers of apptest: B's draft, Y's revenue with A, X's and Y's records...). It runs on
// SQLite and on PostgreSQL, with real API tokens for the API and real session cookies
// (with the CSRF token on forms) for the pages. Every request is also bracketed by a
// snapshot of the database (writes_test.go): a read changes nothing, and a write only what
// the row's writes allow the actor that sent it.
//
// The rows are checked against api.Handler.Routes and web.Routes: a new endpoint or page
// without a row fails TestAuthorisationMatrix.

// Special expectations.
const (
	login     = -1 // API: 401; pages: 401 or a redirect to the login page
	anyStatus = 0  // any answer but a server error: pages of the login area, which have their own tests; only leaks are checked here
)

// groups name sets of actors in expectations; every actor key is a group of its own too.
var groups = map[string][]string{
	"anon":      {"anoniem"},
	"a-staff":   {"a-inkoper", "a-contractbeheerder", "a-medisch-adviseur", "a-beheerder"}, // may assess A's policies
	"a-other":   {"a-zorgbemiddelaar", "a-declaratiebeoordelaar"},                          // A's side, no assessments
	"a-writers": {"a-inkoper", "a-beheerder", "a-inkooporganisatie"},                       // write A's policies
	"a-side": {"a-inkoper", "a-contractbeheerder", "a-medisch-adviseur", "a-zorgbemiddelaar", "a-declaratiebeoordelaar",
		"a-beheerder", "a-inkooporganisatie"},
	"a-assess": {"a-inkoper", "a-contractbeheerder", "a-medisch-adviseur", "a-beheerder", "a-inkooporganisatie"},
	"b":        {"b-inkoper"},
	"x":        {"x-beheerder", "x-invuller", "x-tekenbevoegde", "x-contractmanager"},
	"y":        {"y-beheerder"},
	"op":       {"operator"},
	"a-org": {"a-inkoper", "a-contractbeheerder", "a-medisch-adviseur", "a-zorgbemiddelaar", "a-declaratiebeoordelaar",
		"a-beheerder"}, // users of A itself, not of its purchasing party
	"beheerders": {"a-beheerder", "x-beheerder", "y-beheerder"}, // each reads its own organisation's audit trail
	// The purchasing round (round.MayReadAsInsurer, MayRunRound; pricelist.MayRead; questionnaire.MayAnswer).
	"a-round":    {"a-inkoper", "a-contractbeheerder", "a-medisch-adviseur", "a-inkooporganisatie"}, // read A's rounds and dossiers
	"a-nonround": {"a-zorgbemiddelaar", "a-declaratiebeoordelaar", "a-beheerder"},                   // A's side, no part in the round
	"a-buyers":   {"a-inkoper", "a-inkooporganisatie"},                                              // run A's rounds
	"a-prices":   {"a-inkoper", "a-contractbeheerder", "a-inkooporganisatie"},                       // see and negotiate A's prices
	"x-apply":    {"x-beheerder", "x-contractmanager"},                                              // apply, quote and negotiate for X
	"x-answer":   {"x-beheerder", "x-invuller", "x-contractmanager"},                                // answer X's questionnaires
	"x-prices":   {"x-beheerder", "x-tekenbevoegde", "x-contractmanager"},                           // see X's prices
}

// leaks are the markers each actor must never receive (unless its own request holds them).
var leaks = func() map[string][]string {
	cat := func(lists ...[]string) []string { return slices.Concat(lists...) }
	m := map[string][]string{
		"anoniem": cat(apptest.MarkersDraftA, apptest.MarkersDraftB, apptest.MarkersYRevenueA, apptest.MarkersYRevenueB, apptest.MarkersX, apptest.MarkersY,
			apptest.MarkersYContractA, apptest.MarkersYContractB),
		"b-inkoper":   cat(apptest.MarkersDraftA, apptest.MarkersYRevenueA, apptest.MarkersYContractA),
		"y-beheerder": cat(apptest.MarkersDraftA, apptest.MarkersDraftB, apptest.MarkersX),
		"operator":    nil,
	}
	for _, k := range groups["a-side"] {
		m[k] = cat(apptest.MarkersDraftB, apptest.MarkersYRevenueB, apptest.MarkersYContractB)
	}
	for _, k := range groups["x"] {
		m[k] = cat(apptest.MarkersDraftA, apptest.MarkersDraftB, apptest.MarkersY, apptest.MarkersYRevenueA, apptest.MarkersYRevenueB,
			apptest.MarkersYContractA, apptest.MarkersYContractB)
	}
	// The round: another tenant's dossiers, prices, notes and documents; X's draft answers
	// to the insurer; prices to the roles of a party that may not see them.
	ax := cat(apptest.MarkersAXDraft, apptest.MarkersAXPrices, apptest.MarkersAXContract, apptest.MarkersAXNotes)
	byY := cat(apptest.MarkersBYPrices, apptest.MarkersBYNotes)
	m["anoniem"] = cat(m["anoniem"], ax, apptest.MarkersAYPrices, byY)
	m["b-inkoper"] = cat(m["b-inkoper"], ax, apptest.MarkersAYPrices)
	m["y-beheerder"] = cat(m["y-beheerder"], ax)
	for _, k := range groups["a-side"] {
		m[k] = cat(m[k], byY, apptest.MarkersAXDraft)
		// Not A's beheerder: it reads its organisation's whole audit trail (the Logboek),
		// price-list changes included.
		if !slices.Contains(groups["a-prices"], k) && k != "a-beheerder" {
			m[k] = cat(m[k], apptest.MarkersAXPrices, apptest.MarkersAYPrices, apptest.MarkersAXContract)
		}
	}
	for _, k := range groups["x"] {
		m[k] = cat(m[k], byY, apptest.MarkersAYPrices)
		if !slices.Contains(groups["x-prices"], k) {
			m[k] = cat(m[k], apptest.MarkersAXPrices, apptest.MarkersAXContract)
		}
	}
	return m
}()

// expect is the status per actor key.
type expect map[string]int

// want gives every actor def, then the status of each following (group, status) pair,
// later pairs overriding earlier ones.
func want(def int, pairs ...any) expect {
	e := expect{}
	for k := range leaks {
		e[k] = def
	}
	for i := 0; i < len(pairs); i += 2 {
		g, st := pairs[i].(string), pairs[i+1].(int)
		keys, ok := groups[g]
		if !ok {
			keys = []string{g}
		}
		for _, k := range keys {
			if _, known := e[k]; !known {
				panic("unknown actor " + k)
			}
			e[k] = st
		}
	}
	return e
}

// request is one concrete request of a row.
type request struct {
	method, path string
	contentType  string
	body         string
	// file, for a page's form: sent as multipart/form-data with the fields of body.
	file *formFile
}

// formFile is a file in a form: its field, its name and its content.
type formFile struct {
	field, name string
	data        []byte
}

// upload is the policy desk's upload form with a shipped file under another id and title,
// shortened (see shortened).
func upload(shipped, base, title string) func(*testing.T, *matrix, int) request {
	return func(t *testing.T, _ *matrix, n int) request {
		data := shortened(t, apptest.DraftYAML(t, shipped, fmt.Sprintf("%s-%d", base, n), title))
		return request{method: "POST", path: "/beleid/nieuw", file: &formFile{field: "bestand", name: "concept.yaml", data: data}}
	}
}

// row is one route on one object.
type row struct {
	route  string // the pattern as Routes lists it
	object string
	// req builds the request; n is unique per request, for objects made for it.
	req  func(t *testing.T, m *matrix, n int) request
	want expect
	// see: texts that an actor of the group must find in a successful answer, so that a
	// service hiding everything does not pass.
	see map[string][]string
	// writes: what the request may change in the database, each judged by the rights of
	// the actor that sent it (writes_test.go); nil for nothing.
	writes []mayChange
}

func get(path string) func(*testing.T, *matrix, int) request {
	return func(*testing.T, *matrix, int) request { return request{method: "GET", path: path} }
}

func post(path string) func(*testing.T, *matrix, int) request {
	return func(*testing.T, *matrix, int) request { return request{method: "POST", path: path} }
}

func postJSON(path string, v any) func(*testing.T, *matrix, int) request {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return func(*testing.T, *matrix, int) request {
		return request{method: "POST", path: path, contentType: "application/json", body: string(b)}
	}
}

func postForm(path string, form url.Values) func(*testing.T, *matrix, int) request {
	return func(*testing.T, *matrix, int) request {
		return request{method: "POST", path: path, contentType: "application/x-www-form-urlencoded", body: form.Encode()}
	}
}

// userPath is the page of the actor with key's user, with suffix.
func userPath(key, suffix string) func(*testing.T, *matrix, int) request {
	return func(t *testing.T, m *matrix, n int) request {
		return get("/organisatie/gebruikers/"+m.ts.Actor(key).Principal.UserID()+suffix)(t, m, n)
	}
}

// userForm posts form to the page of the actor with key's user, with suffix.
func userForm(key, suffix string, form url.Values) func(*testing.T, *matrix, int) request {
	return func(t *testing.T, m *matrix, n int) request {
		return postForm("/organisatie/gebruikers/"+m.ts.Actor(key).Principal.UserID()+suffix, form)(t, m, n)
	}
}

// draftJSON is the API body that uploads a shipped file with another id and title.
func draftJSON(t *testing.T, shipped, id, title string) request {
	b, _ := json.Marshal(map[string]string{"file": "concept.yaml", "yaml": string(apptest.DraftYAML(t, shipped, id, title))})
	return request{method: "POST", path: "/api/policies", contentType: "application/json", body: string(b)}
}

// freshDraft saves a new draft for the matrix request n, as the actor with key, and
// returns its id: publishing it or overwriting it changes no other row's objects. Its id
// and title hold no marker when a request may publish it or make it another insurer's.
func freshDraft(t *testing.T, m *matrix, key, shipped, base, title string, n int) string {
	id := fmt.Sprintf("%s-m%d", base, n)
	m.ts.SaveDraft(t, key, shortened(t, apptest.DraftYAML(t, shipped, id, title)))
	return id
}

// freshToken makes an API token of the actor with key for the matrix request n and returns
// its id: revoking it leaves the token the actor calls the API with. It revokes the fresh
// tokens of earlier requests, which other actors could not revoke, to stay under the cap.
func freshToken(t *testing.T, m *matrix, key string, n int) string {
	t.Helper()
	ctx, ids, p := context.Background(), m.ts.Identity.Service, m.ts.Actor(key).Principal
	old, err := ids.APITokens(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range old {
		if strings.HasPrefix(tok.Name, "matrix-fresh ") {
			if err := ids.RevokeAPIToken(ctx, p, tok.ID()); err != nil {
				t.Fatal(err)
			}
		}
	}
	secret, err := ids.CreateAPIToken(ctx, p, fmt.Sprintf("matrix-fresh %d", n))
	if err != nil {
		t.Fatal(err)
	}
	tok := identity.Token{TokenHash: identity.HashSecret(secret)}
	return tok.ID()
}

// shortened is a policy file with its first requirement only and without the parts
// nothing checks: the fresh drafts of the matrix, some 50 per engine, are then a few
// hundred bytes instead of 60 kB each, which the write snapshots read far faster.
func shortened(t *testing.T, file []byte) []byte {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(file, &doc); err != nil {
		t.Fatal(err)
	}
	root := doc.Content[0]
	var kept []*yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "summary", "changes", "timeline", "contract_forms", "windows", "contacts":
			continue
		case "requirements":
			v.Content = v.Content[:1]
		}
		kept = append(kept, k, v)
	}
	root.Content = kept
	out, err := yaml.Marshal(&doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func providersBody(p provider.Provider) map[string]any {
	return map[string]any{"providers": []provider.Provider{p}}
}

// forgedY is Y's record as its beheerder might send it to take the insurers' facts out of
// its assessment: without the facts that carry an insurer, and with a fact that claims to
// come from B's own data.
func forgedY() provider.Provider {
	y := apptest.ProviderYFile()
	y.Facts = slices.DeleteFunc(y.Facts, func(f provider.Fact) bool { return f.Insurer != "" })
	y.Facts = append(y.Facts, provider.Fact{Key: "registratie_interne_verwijzingsregister", Insurer: apptest.InsurerB,
		Value: "nee", Source: provider.SourceInsurer, Date: "2021-06-01"})
	return y
}

const (
	shippedA = apptest.PolicyA + ".yaml"
	shippedB = apptest.PolicyB + ".yaml"
)

func apiRows() []row {
	pa, pb, da, db := apptest.PolicyA, apptest.PolicyB, apptest.DraftA, apptest.DraftB
	x, y := apptest.ProviderX, apptest.ProviderY
	return []row{
		{route: "GET /api/openapi.json", object: "public", req: get("/api/openapi.json"), want: want(200)},
		{route: "GET /api/insurers", object: "public", req: get("/api/insurers"), want: want(200)},
		{route: "GET /api/me", object: "own account", req: get("/api/me"), want: want(200, "anon", login),
			see: map[string][]string{"x-invuller": {apptest.OrgX}, "b": {apptest.OrgB}}},
		{route: "POST /api/tokens", object: "own account", req: postJSON("/api/tokens", map[string]string{"name": "matrix"}),
			want: want(201, "anon", login), writes: []mayChange{ownAPIToken}},
		{route: "POST /api/tokens", object: "another user's account",
			req: func(t *testing.T, m *matrix, _ int) request {
				return postJSON("/api/tokens", map[string]string{"name": "matrix", "user_id": m.ts.Actor("b-inkoper").Principal.UserID()})(t, m, 0)
			},
			want: want(400, "anon", login), writes: []mayChange{ownAPIToken}},
		{route: "GET /api/tokens", object: "own tokens", req: get("/api/tokens"), want: want(200, "anon", login),
			see: map[string][]string{"a-inkoper": {`"name":"matrix"`}}},
		{route: "DELETE /api/tokens/{id}", object: "a token of a-inkoper",
			req: func(t *testing.T, m *matrix, n int) request {
				return request{method: "DELETE", path: "/api/tokens/" + freshToken(t, m, "a-inkoper", n)}
			},
			want: want(404, "anon", login, "a-inkoper", 204), writes: []mayChange{ownAPIToken}},
		{route: "GET /api/policies", object: "published and drafts", req: get("/api/policies"), want: want(200),
			see: map[string][]string{"a-side": {apptest.DraftATitle}, "b": {apptest.DraftBTitle}, "anon": {pa}, "op": {apptest.DraftATitle, apptest.DraftBTitle}}},
		{route: "POST /api/policies", object: "a file of insurer A",
			req: func(t *testing.T, _ *matrix, n int) request {
				return draftJSON(t, shippedA, fmt.Sprintf("cz-matrix-%d", n), "Matrixconcept")
			},
			want: want(403, "anon", login, "a-writers", 201, "op", 201), writes: []mayChange{draft}},
		{route: "POST /api/policies", object: "a file of insurer B",
			req: func(t *testing.T, _ *matrix, n int) request {
				return draftJSON(t, shippedB, fmt.Sprintf("zz-matrix-%d", n), "Matrixconcept")
			},
			want: want(403, "anon", login, "b", 201, "op", 201), writes: []mayChange{draft}},
		{route: "POST /api/policies", object: "a file of A under the id of B's draft",
			req: func(t *testing.T, m *matrix, n int) request {
				id := freshDraft(t, m, "b-inkoper", shippedB, "zz-overname", apptest.DraftBTitle, n)
				return draftJSON(t, shippedA, id, "Poging")
			},
			// Ids are namespaced per insurer: A's file cannot have an id of B's, whoever sends
			// it, and the answer is the one of an id B does not use (next row).
			want: want(403, "anon", login, "a-writers", 422, "op", 422), writes: []mayChange{draft}},
		{route: "POST /api/policies", object: "a file of A under a free id of B's namespace",
			req: func(t *testing.T, _ *matrix, n int) request {
				return draftJSON(t, shippedA, fmt.Sprintf("zz-vrij-%d", n), "Poging")
			},
			want: want(403, "anon", login, "a-writers", 422, "op", 422), writes: []mayChange{draft}},
		{route: "GET /api/policies/{id}", object: "A's published policy", req: get("/api/policies/" + pa), want: want(200)},
		{route: "GET /api/policies/{id}", object: "A's draft", req: get("/api/policies/" + da), want: want(404, "a-side", 200, "op", 200),
			see: map[string][]string{"a-side": {apptest.DraftATitle}}},
		{route: "GET /api/policies/{id}", object: "B's draft", req: get("/api/policies/" + db), want: want(404, "b", 200, "op", 200),
			see: map[string][]string{"b": {apptest.DraftBTitle}}},
		{route: "POST /api/policies/{id}/publish", object: "A's draft",
			req: func(t *testing.T, m *matrix, n int) request {
				return request{method: "POST", path: "/api/policies/" + freshDraft(t, m, "a-inkoper", shippedA, "cz-publiceren", "Te publiceren", n) + "/publish"}
			},
			want: want(404, "anon", login, "a-side", 403, "a-writers", 200, "op", 200), writes: []mayChange{publication}},
		{route: "POST /api/policies/{id}/publish", object: "B's draft",
			req: func(t *testing.T, m *matrix, n int) request {
				return request{method: "POST", path: "/api/policies/" + freshDraft(t, m, "b-inkoper", shippedB, "zz-publiceren", "Te publiceren", n) + "/publish"}
			},
			want: want(404, "anon", login, "b", 200, "op", 200), writes: []mayChange{publication}},
		{route: "POST /api/policies/{id}/publish", object: "A's published policy", req: post("/api/policies/" + pa + "/publish"),
			want: want(403, "anon", login, "a-writers", 409, "op", 409), writes: []mayChange{publication}},
		// The impact of a draft: for who may assess the insurer's policies; to everyone else
		// but the insurer's side the draft does not exist.
		{route: "GET /api/policies/{id}/impact", object: "A's draft", req: get("/api/policies/" + da + "/impact"),
			want: want(404, "anon", login, "a-other", 403, "a-assess", 200, "op", 200), see: map[string][]string{"a-assess": {`"in_force":"`}}},
		{route: "GET /api/policies/{id}/impact", object: "B's draft", req: get("/api/policies/" + db + "/impact"),
			want: want(404, "anon", login, "b", 200, "op", 200)},
		{route: "POST /api/policies/{id}/assessments", object: "A's published policy", req: post("/api/policies/" + pa + "/assessments"),
			want: want(404, "anon", login, "a-other", 403, "a-assess", 201, "op", 201), writes: []mayChange{run}},
		{route: "POST /api/policies/{id}/assessments", object: "A's draft", req: post("/api/policies/" + da + "/assessments"),
			want: want(404, "a-other", 403, "a-assess", 201, "op", 201), writes: []mayChange{run}},
		{route: "POST /api/policies/{id}/assessments", object: "B's published policy", req: post("/api/policies/" + pb + "/assessments"),
			want: want(404, "anon", login, "b", 201, "op", 201), writes: []mayChange{run}},
		{route: "GET /api/policies/{id}/assessments", object: "A's run", req: get("/api/policies/" + pa + "/assessments"),
			want: want(404, "anon", login, "a-other", 403, "a-assess", 200, "op", 200),
			see:  map[string][]string{"a-assess": {x, y}}},
		{route: "GET /api/policies/{id}/assessments", object: "B's run", req: get("/api/policies/" + pb + "/assessments"),
			want: want(404, "anon", login, "b", 200, "op", 200)},
		{route: "GET /api/policies/{id}/assessments/{providerID}", object: "A's assessment of X", req: get("/api/policies/" + pa + "/assessments/" + x),
			want: want(404, "anon", login, "a-other", 403, "a-assess", 200, "x", 200, "op", 200)},
		{route: "GET /api/policies/{id}/assessments/{providerID}", object: "A's assessment of Y", req: get("/api/policies/" + pa + "/assessments/" + y),
			want: want(404, "anon", login, "a-other", 403, "a-assess", 200, "y", 200, "op", 200),
			see:  map[string][]string{"y": {"Ypsilon"}}},
		{route: "GET /api/policies/{id}/assessments/{providerID}", object: "X under A's draft", req: get("/api/policies/" + da + "/assessments/" + x),
			want: want(404, "a-other", 403, "a-assess", 200, "op", 200)},
		{route: "GET /api/providers", object: "the register", req: get("/api/providers"), want: want(200, "anon", login),
			see: map[string][]string{"x": {"De Linde"}, "y": {"Ypsilon"}, "b": {"Ypsilon", "De Linde"}, "a-side": {"Ypsilon"}}},
		{route: "GET /api/providers/{id}", object: "X's record", req: get("/api/providers/" + x), want: want(200, "anon", login, "y", 404)},
		{route: "GET /api/providers/{id}", object: "Y's record", req: get("/api/providers/" + y), want: want(200, "anon", login, "x", 404),
			see: map[string][]string{"a-side": {apptest.MarkersYRevenueA[1], apptest.MarkersYContractA[0]},
				"b":  {apptest.MarkersYRevenueB[1], apptest.MarkersYContractB[0]},
				"y":  {apptest.MarkersYRevenueA[1], apptest.MarkersYRevenueB[1], apptest.MarkersYContractA[0], apptest.MarkersYContractB[0]},
				"op": {apptest.MarkersYContractA[0], apptest.MarkersYContractB[0]}}},
		{route: "POST /api/providers", object: "X's record", req: postJSON("/api/providers", providersBody(apptest.Providers()[0])),
			want: want(403, "anon", login, "x-beheerder", 201, "op", 201), writes: []mayChange{providerRecord}},
		{route: "POST /api/providers", object: "Y's record", req: postJSON("/api/providers", providersBody(apptest.ProviderYFile())),
			want: want(403, "anon", login, "y-beheerder", 201, "op", 201), writes: []mayChange{providerRecord}},
		{route: "POST /api/providers", object: "X's and Y's records in one import",
			req:  postJSON("/api/providers", map[string]any{"providers": []provider.Provider{apptest.Providers()[0], apptest.ProviderYFile()}}),
			want: want(403, "anon", login, "op", 201), writes: []mayChange{providerRecord}},
		// Y's beheerder sends Y's record back without the facts that carry an insurer (its
		// revenue with A and with B) and with a fact "from B's own data" that B never
		// gave. Whatever the answer, the insurers' facts must stay as they were.
		{route: "POST /api/providers", object: "Y's record without the facts that carry an insurer, with a forged verzekeraar fact of B",
			req:  postJSON("/api/providers", providersBody(forgedY())),
			want: want(403, "anon", login, "y-beheerder", anyStatus, "op", 201), writes: []mayChange{providerRecord}},
		// An organisation's audit trail: its beheerder and the operator read it; its other
		// users get 403 (they may know it exists, as for assessments their role does not
		// allow); everyone else 404, as for an organisation that does not exist.
		{route: "GET /api/audit", object: "A's trail, one draft", req: get("/api/audit?org=" + apptest.OrgA + "&subject=policy:" + da),
			want: want(404, "anon", login, "a-org", 403, "a-beheerder", 200, "op", 200),
			see:  map[string][]string{"a-beheerder": {"Concept zorginkoopbeleid opgeslagen", "Gebruiker a-inkoper"}, "op": {"Concept zorginkoopbeleid opgeslagen"}}},
		{route: "GET /api/audit", object: "A's whole trail", req: get("/api/audit?limit=1000&org=" + apptest.OrgA),
			want: want(404, "anon", login, "a-org", 403, "a-beheerder", 200, "op", 200),
			see:  map[string][]string{"a-beheerder": {"Gebruiker a-beheerder", "policy:" + da}}},
		{route: "GET /api/audit", object: "X's whole trail", req: get("/api/audit?limit=1000&org=" + apptest.OrgX),
			want: want(404, "anon", login, "x", 403, "x-beheerder", 200, "op", 200),
			see:  map[string][]string{"x-beheerder": {"De Linde", "Gebruiker x-invuller"}}},
		{route: "GET /api/audit", object: "B's trail", req: get("/api/audit?org=" + apptest.OrgB),
			want: want(404, "anon", login, "b", 403, "op", 200)},
		{route: "GET /api/audit", object: "an organisation that does not exist", req: get("/api/audit?org=bestaat-niet"),
			want: want(404, "anon", login)},
		{route: "GET /api/audit", object: "the whole trail", req: get("/api/audit?limit=1000"), want: want(403, "anon", login, "op", 200),
			see: map[string][]string{"op": {"Gebruiker b-inkoper", "Gebruiker y-beheerder"}}},
	}
}

func pageRows() []row {
	pa, pb, da, db := apptest.PolicyA, apptest.PolicyB, apptest.DraftA, apptest.DraftB
	x, y := apptest.ProviderX, apptest.ProviderY
	overview := "/beleid/" + pa + "/beoordeling"
	emailA, emailB := "a-inkoper@"+apptest.OrgA+".example", "b-inkoper@"+apptest.OrgB+".example"
	return []row{
		{route: "GET /{$}", object: "policies", req: get("/"), want: want(200),
			see: map[string][]string{"a-side": {apptest.DraftATitle}, "b": {apptest.DraftBTitle}}},
		{route: "GET /beleid/{id}", object: "A's published policy", req: get("/beleid/" + pa), want: want(200)},
		{route: "GET /beleid/{id}", object: "A's draft", req: get("/beleid/" + da), want: want(404, "a-side", 200, "op", 200),
			see: map[string][]string{"a-side": {apptest.DraftATitle}}},
		{route: "GET /beleid/{id}", object: "B's draft", req: get("/beleid/" + db), want: want(404, "b", 200, "op", 200)},
		// The policy desk: uploading, the draft beside the version in force, its impact
		// and publishing it. To anyone outside the insurer's side a draft does not exist.
		{route: "GET /beleid/nieuw", object: "the upload form", req: get("/beleid/nieuw"),
			want: want(403, "anon", login, "a-writers", 200, "b", 200, "op", 200), see: map[string][]string{"a-writers": {"Beleid opstellen"}}},
		{route: "POST /beleid/nieuw", object: "a file of insurer A", req: upload(shippedA, "cz-webmatrix", "Matrixconcept"),
			want: want(403, "anon", login, "a-writers", 303, "op", 303), writes: []mayChange{draft}},
		{route: "POST /beleid/nieuw", object: "a file of insurer B", req: upload(shippedB, "zz-webmatrix", "Matrixconcept"),
			want: want(403, "anon", login, "b", 303, "op", 303), writes: []mayChange{draft}},
		{route: "POST /beleid/nieuw", object: "no file", req: postForm("/beleid/nieuw", url.Values{}),
			want: want(403, "anon", login, "a-writers", 400, "b", 400, "op", 400)},
		{route: "GET /beleid/{id}/concept", object: "A's draft", req: get("/beleid/" + da + "/concept"),
			want: want(404, "anon", login, "a-side", 200, "op", 200), see: map[string][]string{"a-side": {apptest.DraftATitle, "Berekende verschillen"}}},
		{route: "GET /beleid/{id}/concept", object: "B's draft", req: get("/beleid/" + db + "/concept"),
			want: want(404, "anon", login, "b", 200, "op", 200), see: map[string][]string{"b": {apptest.DraftBTitle}}},
		{route: "GET /beleid/{id}/concept", object: "A's published policy", req: get("/beleid/" + pa + "/concept"),
			want: want(404, "anon", login, "a-side", 200, "op", 200)},
		{route: "GET /beleid/{id}/gevolgen", object: "A's draft", req: get("/beleid/" + da + "/gevolgen"),
			want: want(404, "anon", login, "a-other", 403, "a-assess", 200, "op", 200), see: map[string][]string{"a-assess": {"Gevolgen van " + apptest.DraftATitle}}},
		{route: "GET /beleid/{id}/gevolgen", object: "B's draft", req: get("/beleid/" + db + "/gevolgen"),
			want: want(404, "anon", login, "b", 200, "op", 200)},
		{route: "GET /beleid/{id}/gevolgen.csv", object: "A's draft", req: get("/beleid/" + da + "/gevolgen.csv"),
			want: want(404, "anon", login, "a-other", 403, "a-assess", 200, "op", 200), see: map[string][]string{"a-assess": {"Uitkomst met concept"}}},
		{route: "GET /beleid/{id}/gevolgen.csv", object: "B's draft", req: get("/beleid/" + db + "/gevolgen.csv"),
			want: want(404, "anon", login, "b", 200, "op", 200)},
		{route: "POST /beleid/{id}/publiceren", object: "A's draft",
			req: func(t *testing.T, m *matrix, n int) request {
				id := freshDraft(t, m, "a-inkoper", shippedA, "cz-webpubliceren", "Te publiceren", n)
				return postForm("/beleid/"+id+"/publiceren", url.Values{"bevestigen": {"ja"}})(t, m, n)
			},
			want: want(404, "anon", login, "a-side", 403, "a-writers", 303, "op", 303), writes: []mayChange{publication}},
		{route: "POST /beleid/{id}/publiceren", object: "B's draft",
			req: func(t *testing.T, m *matrix, n int) request {
				id := freshDraft(t, m, "b-inkoper", shippedB, "zz-webpubliceren", "Te publiceren", n)
				return postForm("/beleid/"+id+"/publiceren", url.Values{"bevestigen": {"ja"}})(t, m, n)
			},
			want: want(404, "anon", login, "b", 303, "op", 303), writes: []mayChange{publication}},
		{route: "GET /beleid/{id}/beoordeling", object: "A's run", req: get(overview),
			want: want(404, "anon", login, "a-other", 403, "a-assess", 200, "op", 200),
			see:  map[string][]string{"a-assess": {"De Linde", "Ypsilon"}}},
		{route: "GET /beleid/{id}/beoordeling", object: "B's run", req: get("/beleid/" + pb + "/beoordeling"),
			want: want(404, "anon", login, "b", 200, "op", 200)},
		{route: "POST /beleid/{id}/beoordeling", object: "A's published policy", req: post(overview),
			want: want(404, "anon", login, "a-other", 403, "a-assess", 303, "op", 303), writes: []mayChange{run}},
		{route: "POST /beleid/{id}/beoordeling", object: "B's draft", req: post("/beleid/" + db + "/beoordeling"),
			want: want(404, "b", 303, "op", 303), writes: []mayChange{run}},
		{route: "GET /beleid/{id}/beoordeling.csv", object: "A's run", req: get(overview + ".csv"),
			want: want(404, "anon", login, "a-other", 403, "a-assess", 200, "op", 200),
			see:  map[string][]string{"a-assess": {"Ypsilon"}}},
		{route: "GET /beleid/{id}/beoordeling.csv", object: "B's run", req: get("/beleid/" + pb + "/beoordeling.csv"),
			want: want(404, "anon", login, "b", 200, "op", 200)},
		{route: "GET /beleid/{id}/beoordeling.xlsx", object: "A's run", req: get(overview + ".xlsx"),
			want: want(404, "anon", login, "a-other", 403, "a-assess", 200, "op", 200),
			see:  map[string][]string{"a-assess": {"Ypsilon"}}},
		{route: "GET /beleid/{id}/beoordeling/{providerID}", object: "A's assessment of X", req: get(overview + "/" + x),
			want: want(404, "anon", login, "a-other", 403, "a-assess", 200, "x", 200, "op", 200)},
		{route: "GET /beleid/{id}/beoordeling/{providerID}", object: "A's assessment of Y", req: get(overview + "/" + y),
			want: want(404, "anon", login, "a-other", 403, "a-assess", 200, "y", 200, "op", 200),
			see:  map[string][]string{"a-assess": {"31.415.926"}}},
		{route: "GET /zorgaanbieders", object: "the register", req: get("/zorgaanbieders"), want: want(200, "anon", login),
			see: map[string][]string{"x": {"De Linde"}, "b": {"Ypsilon"}}},
		{route: "GET /beoordelingen", object: "own assessments", req: get("/beoordelingen"), want: want(200, "anon", login),
			see: map[string][]string{"a-assess": {apptest.DraftATitle}, "x": {"De Linde"}}},
		// The Logboek: without an organisation a beheerder's own, the operator's the whole
		// platform's; statuses as for GET /api/audit.
		{route: "GET /logboek", object: "own organisation's trail", req: get("/logboek"),
			want: want(403, "anon", login, "beheerders", 200, "op", 200),
			see: map[string][]string{"a-beheerder": {"Logboek van CZ groep", "Ingelogd", "Gebruiker a-beheerder"},
				"x-beheerder": {"Logboek van Huisartsenpraktijk De Linde", "Gebruiker x-beheerder"}, "op": {"Logboek van het hele platform"}}},
		{route: "GET /logboek", object: "A's trail, one draft", req: get("/logboek?organisatie=" + apptest.OrgA + "&onderwerp=policy:" + da),
			want: want(404, "anon", login, "a-org", 403, "a-beheerder", 200, "op", 200),
			see:  map[string][]string{"a-beheerder": {"Concept zorginkoopbeleid opgeslagen", "Gebruiker a-inkoper"}, "op": {"Concept zorginkoopbeleid opgeslagen"}}},
		{route: "GET /logboek", object: "X's trail", req: get("/logboek?organisatie=" + apptest.OrgX),
			want: want(404, "anon", login, "x", 403, "x-beheerder", 200, "op", 200)},
		{route: "GET /logboek.csv", object: "own organisation's trail", req: get("/logboek.csv"),
			want: want(403, "anon", login, "beheerders", 200, "op", 200),
			see:  map[string][]string{"beheerders": {"Volgnummer;Tijdstip", "Ingelogd"}}},
		{route: "GET /logboek.csv", object: "A's whole trail", req: get("/logboek.csv?organisatie=" + apptest.OrgA),
			want: want(404, "anon", login, "a-org", 403, "a-beheerder", 200, "op", 200),
			see:  map[string][]string{"a-beheerder": {"policy:" + da, "Concept zorginkoopbeleid opgeslagen"}}},
		{route: "GET /logboek.csv", object: "Y's whole trail", req: get("/logboek.csv?organisatie=" + apptest.OrgY),
			want: want(404, "anon", login, "y-beheerder", 200, "op", 200),
			see:  map[string][]string{"y-beheerder": {"provider:" + y}}},
		// An organisation's users: its beheerder and the operator manage them; its other
		// users get 403; everyone else 404, as for an organisation or user that does not
		// exist. The forms are sent incomplete, so that they change nothing even where allowed
		// (an invitation answers 409 first here: the matrix's server mails no links).
		{route: "GET /organisatie/gebruikers", object: "own organisation's users", req: get("/organisatie/gebruikers"),
			want: want(403, "anon", login, "beheerders", 200, "op", 200),
			see:  map[string][]string{"a-beheerder": {"Gebruiker a-inkoper"}, "x-beheerder": {"Gebruiker x-invuller"}}},
		{route: "GET /organisatie/gebruikers", object: "A's users", req: get("/organisatie/gebruikers?organisatie=" + apptest.OrgA),
			want: want(404, "anon", login, "a-org", 403, "a-beheerder", 200, "op", 200),
			see:  map[string][]string{"op": {"Gebruiker a-inkoper"}}},
		{route: "POST /organisatie/gebruikers", object: "own organisation, without roles",
			req:  postForm("/organisatie/gebruikers", url.Values{"naam": {"Nieuw"}, "email": {"nieuw@matrix.example"}}),
			want: want(403, "anon", login, "beheerders", 409, "op", 409)},
		{route: "POST /organisatie/gebruikers", object: "A's users, without roles",
			req:  postForm("/organisatie/gebruikers", url.Values{"organisatie": {apptest.OrgA}, "naam": {"Nieuw"}, "email": {"nieuw@matrix.example"}}),
			want: want(404, "anon", login, "a-org", 403, "a-beheerder", 409, "op", 409)},
		{route: "GET /organisatie/gebruikers/{id}", object: "a-inkoper", req: userPath("a-inkoper", ""),
			want: want(404, "anon", login, "a-org", 403, "a-beheerder", 200, "op", 200),
			see:  map[string][]string{"a-beheerder": {"Gebruiker a-inkoper", "inkoper"}}},
		{route: "POST /organisatie/gebruikers/{id}/rollen", object: "a-inkoper, without roles", req: userForm("a-inkoper", "/rollen", url.Values{"reden": {"x"}}),
			want: want(404, "anon", login, "a-org", 403, "a-beheerder", 400, "op", 400)},
		{route: "POST /organisatie/gebruikers/{id}/uitschakelen", object: "a-inkoper, without a reason", req: userForm("a-inkoper", "/uitschakelen", url.Values{}),
			want: want(404, "anon", login, "a-org", 403, "a-beheerder", 400, "op", 400)},
		{route: "POST /organisatie/gebruikers/{id}/inschakelen", object: "x-invuller, without a reason", req: userForm("x-invuller", "/inschakelen", url.Values{}),
			want: want(404, "anon", login, "x", 403, "x-beheerder", 400, "op", 400)},
		// A provider's page: the register's readers and the provider itself; per-insurer facts
		// only for that insurer's side (the leak markers).
		{route: "GET /zorgaanbieders/{id}", object: "X's record", req: get("/zorgaanbieders/" + x), want: want(200, "anon", login, "y", 404),
			see: map[string][]string{"x": {"De Linde"}}},
		{route: "GET /zorgaanbieders/{id}", object: "Y's record", req: get("/zorgaanbieders/" + y), want: want(200, "anon", login, "x", 404),
			see: map[string][]string{"a-side": {apptest.MarkersYRevenueA[2]}, "b": {apptest.MarkersYRevenueB[2]},
				"y": {apptest.MarkersYRevenueA[2], apptest.MarkersYRevenueB[2]}}},
		// The login area (internal/web/auth.go, oidc.go) has its own tests; here only
		// that it answers without a server error and without another tenant's data.
		{route: "GET /inloggen", object: "login page", req: get("/inloggen"), want: want(anyStatus)},
		{route: "POST /inloggen", object: "a wrong password",
			req:  postForm("/inloggen", url.Values{"email": {emailA}, "wachtwoord": {"fout wachtwoord 123"}}),
			want: want(anyStatus), writes: []mayChange{failedLogin}},
		{route: "POST /uitloggen", object: "own session", req: post("/uitloggen"), want: want(anyStatus), writes: []mayChange{ownSessionEnded}},
		{route: "GET /wachtwoord/vergeten", object: "form", req: get("/wachtwoord/vergeten"), want: want(anyStatus)},
		{route: "POST /wachtwoord/vergeten", object: "an address",
			req: postForm("/wachtwoord/vergeten", url.Values{"email": {emailB}}), want: want(anyStatus), writes: []mayChange{resetLink(emailB)}},
		{route: "GET /wachtwoord/herstellen", object: "an unknown link", req: get("/wachtwoord/herstellen?token=r_onbekend"), want: want(anyStatus)},
		{route: "POST /wachtwoord/herstellen", object: "an unknown link",
			req: postForm("/wachtwoord/herstellen", url.Values{"token": {"r_onbekend"}, "wachtwoord": {"een heel nieuw wachtwoord"}}), want: want(anyStatus)},
		{route: "GET /account", object: "own account", req: get("/account"), want: want(anyStatus)},
		{route: "POST /account/wachtwoord", object: "a wrong current password",
			req: postForm("/account/wachtwoord", url.Values{"huidig": {"fout"}, "wachtwoord": {"een heel nieuw wachtwoord"}}), want: want(anyStatus),
			writes: []mayChange{ownPassword}},
		{route: "POST /account/token", object: "a new token", req: postForm("/account/token", url.Values{"naam": {"matrix"}}), want: want(anyStatus),
			writes: []mayChange{ownAPIToken}},
		{route: "POST /account/token", object: "another user's account",
			req: func(t *testing.T, m *matrix, _ int) request {
				return postForm("/account/token", url.Values{"naam": {"matrix"}, "gebruiker": {m.ts.Actor("b-inkoper").Principal.UserID()},
					"user_id": {m.ts.Actor("b-inkoper").Principal.UserID()}})(t, m, 0)
			},
			want: want(anyStatus), writes: []mayChange{ownAPIToken}},
		{route: "POST /account/token/{id}/intrekken", object: "a token of a-inkoper",
			req: func(t *testing.T, m *matrix, n int) request {
				return postForm("/account/token/"+freshToken(t, m, "a-inkoper", n)+"/intrekken", url.Values{})(t, m, n)
			},
			want: want(404, "anon", login, "a-inkoper", 303), writes: []mayChange{ownAPIToken}},
		{route: "GET /inloggen/oidc/{org}", object: "an organisation without OIDC", req: get("/inloggen/oidc/" + apptest.OrgA), want: want(anyStatus)},
		{route: "GET /inloggen/oidc/{org}/terug", object: "no login started", req: get("/inloggen/oidc/" + apptest.OrgA + "/terug?state=x&code=y"), want: want(anyStatus)},
		{route: "/", object: "an unknown page", req: get("/bestaat-niet"), want: want(404)},
	}
}

// matrix is the site over one engine's database, with the tenants.
type matrix struct {
	ts     *apptest.Tenants
	rounds *apptest.RoundObjects
	claims *apptest.ClaimsObjects
	srv    *httptest.Server
	n      atomic.Int64
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func newMatrix(t *testing.T, engine string) *matrix {
	t.Helper()
	env := apptest.Open(t, engine)
	ts := apptest.NewTenants(t, env)
	rounds := ts.OpenRounds(t)
	claimObjects := ts.OpenClaims(t)
	// A test clock for its doors (only the operator's), which the services do not read:
	// they stay on apptest.Now.
	ts.Identity.Services.Clock = clock.NewTest()
	ts.Identity.Services.Clock.Set(apptest.Now)
	log := slog.New(slog.DiscardHandler)
	generous := func() *ratelimit.Limiter { return ratelimit.New(100000, time.Minute, 0, nil) }
	pages, err := web.New(ts.Identity.Services, web.Options{Log: log,
		Limits: web.Limits{FormsPerIP: generous(), FormsPerAccount: generous(), Public: generous(), PerUser: generous()}})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/api/", web.Secure(api.New(ts.Identity.Services, api.Options{Limits: api.Limits{Public: generous(), PerUser: generous()}, Log: log})))
	mux.Handle("/", pages)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &matrix{ts: ts, rounds: rounds, claims: claimObjects, srv: srv}
}

// answer is what came back.
type answer struct {
	status   int
	location string
	body     string // the text; an xlsx file's cells
}

// prepare builds r as the actor a: with its API token for /api/, else with a new session
// cookie (and its CSRF token on forms); anonymous forms carry the pre-login CSRF cookie.
func (m *matrix) prepare(t *testing.T, a *apptest.Actor, r request) *http.Request {
	t.Helper()
	isAPI := strings.HasPrefix(r.path, "/api/")
	body := r.body
	var cookies []*http.Cookie
	if !isAPI {
		secret, csrf := m.ts.Session(t, a)
		if secret != "" {
			cookies = append(cookies, &http.Cookie{Name: httpauth.SessionCookie, Value: secret})
		} else {
			csrf = anonCSRF()
			cookies = append(cookies, &http.Cookie{Name: httpauth.CSRFCookie, Value: csrf})
		}
		if r.method == "POST" {
			form, _ := url.ParseQuery(body)
			form.Set(httpauth.CSRFField, csrf)
			body, r.contentType = form.Encode(), "application/x-www-form-urlencoded"
			if r.file != nil {
				body, r.contentType = multipartBody(t, form, r.file)
			}
		}
	}
	req, err := http.NewRequest(r.method, m.srv.URL+r.path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	if isAPI && a.Token != "" {
		req.Header.Set("Authorization", "Bearer "+a.Token)
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	return req
}

// multipartBody is form with file as multipart/form-data, and its content type.
func multipartBody(t *testing.T, form url.Values, file *formFile) (string, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, vs := range form {
		for _, v := range vs {
			if err := mw.WriteField(k, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	fw, err := mw.CreateFormFile(file.field, file.name)
	if err == nil {
		_, err = fw.Write(file.data)
	}
	if err == nil {
		err = mw.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.String(), mw.FormDataContentType()
}

// send sends a prepared request.
func send(t *testing.T, req *http.Request) answer {
	t.Helper()
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	ans := answer{status: resp.StatusCode, location: resp.Header.Get("Location"), body: string(raw)}
	if strings.Contains(resp.Header.Get("Content-Type"), "spreadsheetml") {
		ans.body = xlsxText(t, raw)
	}
	return ans
}

func anonCSRF() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// xlsxText is every cell of every sheet, so that the leak check reads a spreadsheet too.
func xlsxText(t *testing.T, raw []byte) string {
	f, err := excelize.OpenReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("xlsx does not open: %v", err)
	}
	defer f.Close()
	var b strings.Builder
	for _, sheet := range f.GetSheetList() {
		rows, _ := f.GetRows(sheet)
		for _, r := range rows {
			b.WriteString(strings.Join(r, "\t") + "\n")
		}
	}
	return b.String()
}

// check compares one answer with the row's expectation for the actor.
func (rw row) check(t *testing.T, a *apptest.Actor, r request, ans answer) {
	t.Helper()
	want := rw.want[a.Key]
	isAPI := strings.HasPrefix(r.path, "/api/")
	ok := false
	switch {
	case want == anyStatus:
		ok = ans.status < 500
	case want == login && isAPI:
		ok = ans.status == http.StatusUnauthorized
	case want == login:
		ok = ans.status == http.StatusUnauthorized ||
			(ans.status == http.StatusSeeOther || ans.status == http.StatusFound) && strings.HasPrefix(ans.location, "/inloggen")
	default:
		ok = ans.status == want
	}
	if !ok {
		t.Errorf("%s %s as %s: status %d (Location %q), want %s\n%.400s", r.method, r.path, a.Key, ans.status, ans.location, describe(want), ans.body)
	}
	sent := r.path + " " + r.body
	for _, marker := range leaks[a.Key] {
		if !strings.Contains(sent, marker) && strings.Contains(ans.body, marker) {
			t.Errorf("%s %s as %s: the answer holds %q, another tenant's data", r.method, r.path, a.Key, marker)
		}
	}
	if ans.status >= 300 || !ok {
		return
	}
	for g, texts := range rw.see {
		keys, known := groups[g]
		if !known {
			keys = []string{g}
		}
		if !slices.Contains(keys, a.Key) {
			continue
		}
		for _, s := range texts {
			if !strings.Contains(ans.body, s) {
				t.Errorf("%s %s as %s: the answer lacks %q, which this actor may see", r.method, r.path, a.Key, s)
			}
		}
	}
}

func describe(st int) string {
	switch st {
	case login:
		return "login required"
	case anyStatus:
		return "no server error"
	}
	return fmt.Sprint(st)
}

func TestAuthorisationMatrix(t *testing.T) {
	apiRoutes := api.Routes()
	pageRoutes, err := web.Routes()
	if err != nil {
		t.Fatal(err)
	}
	rows := slices.Concat(apiRows(), roundAPIRows(), pageRows(), roundPageRows(), claimsAPIRows(), claimsPageRows())
	checkEveryRouteHasARow(t, append(apiRoutes, pageRoutes...), rows)
	for _, engine := range apptest.Engines {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			m := newMatrix(t, engine)
			for _, rw := range rows {
				t.Run(rw.route+" on "+rw.object, func(t *testing.T) {
					for _, a := range m.ts.Actors {
						if _, ok := rw.want[a.Key]; !ok {
							t.Fatalf("no expectation for %s", a.Key)
						}
						m.run(t, rw, a)
					}
				})
			}
		})
	}
}

// run sends the row's request as a and checks the answer and what changed in the
// database: a read changes nothing, a write only what rw.writes allows a. A changed
// provider record is put back, so that later rows see the seeded records.
func (m *matrix) run(t *testing.T, rw row, a *apptest.Actor) {
	t.Helper()
	r := rw.req(t, m, int(m.n.Add(1)))
	req := m.prepare(t, a, r)
	var saved map[string]provider.Provider
	if rw.route == "POST /api/providers" {
		saved = m.providerRecords(t)
	}
	before := takeSnapshot(t, m.ts.Env.DB)
	rw.check(t, a, r, send(t, req))
	m.checkWrites(t, rw, a, r, before)
	if saved != nil {
		m.restoreProviders(t, saved, before)
	}
}

// checkEveryRouteHasARow: a route without a row, or a row for a route that is gone, fails.
func checkEveryRouteHasARow(t *testing.T, routes []string, rows []row) {
	t.Helper()
	covered := map[string]bool{}
	for _, rw := range rows {
		covered[rw.route] = true
		if !slices.Contains(routes, rw.route) {
			t.Errorf("matrix row for %q, which is not a route", rw.route)
		}
	}
	var missing []string
	for _, r := range routes {
		if !covered[r] {
			missing = append(missing, r)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("routes without a row in the authorisation matrix (add one per object, with the status for every role):\n%s", strings.Join(missing, "\n"))
	}
	// Every actor of the tenants has leak markers and therefore an expectation in every row.
	for _, rw := range rows {
		if len(rw.want) != len(leaks) {
			t.Errorf("row %s on %s: %d expectations for %d actors", rw.route, rw.object, len(rw.want), len(leaks))
		}
	}
}

// ---- the purchasing round (issue 10) ----
//
// The round's objects are made by apptest.OpenRounds: A's rounds with X's dossiers at each
// stage, Y's price-list-only dossier with A, and Y's dossier with B up to its contract.
// Who may do what follows the areas' authz.go: the insurer's inkoper runs the round,
// its medisch adviseur handles review items, inkoper and contractbeheerder negotiate and
// generate the contract, the contractbeheerder signs for the insurer; the provider's
// beheerder (or contractmanager) applies, submits, quotes and negotiates, its invuller
// answers, its tekenbevoegde signs. Another tenant's dossier does not exist (404); a role
// of the party that may not act gets 403. Writes that would move a dossier on for good are
// sent on objects where they are refused after the permission check (a stale version, a
// dossier in another stage), so that every actor meets the same object; writes that can
// be repeated (answers, uploads, reviews, decisions on an assessed dossier, quotes,
// extensions, reading a notice) succeed for every actor allowed.

// pick selects one of the round's objects.
type pick func(o *apptest.RoundObjects) string

var (
	axNeg             pick = func(o *apptest.RoundObjects) string { return o.AXNegotiating }
	axDraft           pick = func(o *apptest.RoundObjects) string { return o.AXDraft }
	axSubmitted       pick = func(o *apptest.RoundObjects) string { return o.AXSubmitted }
	axContract        pick = func(o *apptest.RoundObjects) string { return o.AXContract }
	ay                pick = func(o *apptest.RoundObjects) string { return o.AY }
	by                pick = func(o *apptest.RoundObjects) string { return o.BY }
	contractAX        pick = func(o *apptest.RoundObjects) string { return o.ContractAX }
	contractBY        pick = func(o *apptest.RoundObjects) string { return o.ContractBY }
	documentAX        pick = func(o *apptest.RoundObjects) string { return o.DocumentAX }
	documentBY        pick = func(o *apptest.RoundObjects) string { return o.DocumentBY }
	noticeX           pick = func(o *apptest.RoundObjects) string { return o.NoticeX }
	noticeA           pick = func(o *apptest.RoundObjects) string { return o.NoticeA }
	noticeY           pick = func(o *apptest.RoundObjects) string { return o.NoticeY }
	roundIDA               = apptest.RoundPolicyA + "-2022"
	roundIDB               = apptest.RoundPolicyB + "-2024"
	roundBasePart          = apptest.RoundBase
	roundPriceLines        = []map[string]any{{"code": "CONSULT-NIEUW", "description": "Consult", "tariff_cents": 1050, "volume": 100}}
	roundPriceText         = "CONSULT-NIEUW;Consult;10,50;100"
	roundBadWorkbook       = "geen werkmap"
	roundWrongSHA256       = strings.Repeat("0", 64)
	roundExtendedDate      = "2021-12-15"
)

// at is a request to prefix + the object's id + suffix.
func at(method, prefix string, obj pick, suffix string) func(*testing.T, *matrix, int) request {
	return func(_ *testing.T, m *matrix, _ int) request {
		return request{method: method, path: prefix + obj(m.rounds) + suffix}
	}
}

// atJSON sends the JSON of body(objects) to prefix + the object's id + suffix.
func atJSON(method, prefix string, obj pick, suffix string, body func(o *apptest.RoundObjects) any) func(*testing.T, *matrix, int) request {
	return func(_ *testing.T, m *matrix, _ int) request {
		b, err := json.Marshal(body(m.rounds))
		if err != nil {
			panic(err)
		}
		return request{method: method, path: prefix + obj(m.rounds) + suffix, contentType: "application/json", body: string(b)}
	}
}

// fixed is a body that does not depend on the objects.
func fixed(v any) func(*apptest.RoundObjects) any {
	return func(*apptest.RoundObjects) any { return v }
}

// atForm posts form to prefix + the object's id + suffix.
func atForm(prefix string, obj pick, suffix string, form url.Values) func(*testing.T, *matrix, int) request {
	return func(t *testing.T, m *matrix, n int) request {
		return postForm(prefix+obj(m.rounds)+suffix, form)(t, m, n)
	}
}

// atFile posts form with a file to prefix + the object's id + suffix.
func atFile(prefix string, obj pick, suffix string, form url.Values, file formFile) func(*testing.T, *matrix, int) request {
	return func(t *testing.T, m *matrix, n int) request {
		f := file
		return request{method: "POST", path: prefix + obj(m.rounds) + suffix, body: form.Encode(), file: &f}
	}
}

// evidencePDF is a small PDF for an upload of the matrix.
var evidencePDF = []byte("%PDF-1.4\n1 0 obj << /Title (Matrix) >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

func roundAPIRows() []row {
	return []row{
		// Rounds: every provider sees the rounds of published policies (to apply to); of
		// the insurer's side the roles of the round; the round's dossiers only that side.
		{route: "GET /api/rounds", object: "the rounds", req: get("/api/rounds"), want: want(200, "anon", login),
			see: map[string][]string{"a-round": {roundIDA}, "b": {roundIDB}, "x": {roundIDA, roundIDB}}},
		{route: "POST /api/rounds", object: "A's round of 2022, open already",
			req:  postJSON("/api/rounds", map[string]any{"policy_id": apptest.RoundPolicyA, "year": 2022}),
			want: want(403, "anon", login, "a-buyers", 409), writes: []mayChange{roundOpened, told}},
		{route: "POST /api/rounds", object: "B's round of 2024, open already",
			req:  postJSON("/api/rounds", map[string]any{"policy_id": apptest.RoundPolicyB, "year": 2024}),
			want: want(403, "anon", login, "b", 409), writes: []mayChange{roundOpened, told}},
		{route: "GET /api/rounds/{id}", object: "A's round", req: get("/api/rounds/" + roundIDA),
			want: want(404, "anon", login, "a-round", 200, "x", 200, "y", 200, "op", 200), see: map[string][]string{"a-round": {roundIDA}}},
		{route: "GET /api/rounds/{id}", object: "B's round", req: get("/api/rounds/" + roundIDB),
			want: want(404, "anon", login, "b", 200, "x", 200, "y", 200, "op", 200)},
		{route: "GET /api/rounds/{id}/dossiers", object: "A's round", req: get("/api/rounds/" + roundIDA + "/dossiers"),
			want: want(404, "anon", login, "a-round", 200, "op", 200), see: map[string][]string{"a-round": {apptest.ProviderX, apptest.ProviderY}}},
		{route: "GET /api/rounds/{id}/dossiers", object: "B's round", req: get("/api/rounds/" + roundIDB + "/dossiers"),
			want: want(404, "anon", login, "b", 200, "op", 200), see: map[string][]string{"b": {apptest.ProviderY}}},
		{route: "POST /api/rounds/{id}/extensions", object: "A's round",
			req:  postJSON("/api/rounds/"+roundIDA+"/extensions", map[string]string{"step": "questionnaire", "date": roundExtendedDate, "reason": "Storing van het portaal"}),
			want: want(404, "anon", login, "a-round", 403, "a-buyers", 204, "op", 403), writes: []mayChange{deadlineMoved}},
		{route: "POST /api/rounds/{id}/extensions", object: "B's round",
			req:  postJSON("/api/rounds/"+roundIDB+"/extensions", map[string]string{"step": "questionnaire", "date": roundExtendedDate, "reason": "Storing van het portaal"}),
			want: want(404, "anon", login, "b", 204, "op", 403), writes: []mayChange{deadlineMoved}},
		{route: "POST /api/rounds/{id}/applications", object: "X to A's round, applied already",
			req:  postJSON("/api/rounds/"+roundIDA+"/applications", map[string]any{"provider_id": apptest.ProviderX}),
			want: want(404, "anon", login, "x", 403, "x-apply", 409), writes: []mayChange{applied, told}},
		// Dossiers.
		{route: "GET /api/dossiers", object: "own dossiers", req: get("/api/dossiers"), want: want(200, "anon", login),
			see: map[string][]string{"x": {roundIDA, apptest.RoundPolicyA + "-2025"}, "y": {roundIDA, roundIDB}}},
		{route: "GET /api/dossiers/{id}", object: "X's dossier with A, negotiating", req: at("GET", "/api/dossiers/", axNeg, ""),
			want: want(404, "anon", login, "a-round", 200, "a-nonround", 404, "x", 200, "op", 200),
			see:  map[string][]string{"a-round": {apptest.ProviderX, apptest.MarkersAXNotes[0]}, "x": {apptest.MarkersAXNotes[0], apptest.MarkersAXNotes[1]}}},
		{route: "GET /api/dossiers/{id}", object: "Y's dossier with B", req: at("GET", "/api/dossiers/", by, ""),
			want: want(404, "anon", login, "b", 200, "y", 200, "op", 200), see: map[string][]string{"y": {apptest.MarkersBYNotes[0]}}},
		{route: "POST /api/dossiers/{id}/decisions", object: "X's submitted dossier with A",
			req: atJSON("POST", "/api/dossiers/", axSubmitted, "/decisions",
				fixed(map[string]string{"part": roundBasePart, "outcome": "accepted", "reason": "Voldoet aan de eisen"})),
			want: want(404, "anon", login, "a-round", 403, "a-buyers", 200, "a-nonround", 404, "x", 403, "op", 403), writes: []mayChange{decided, told}},
		{route: "POST /api/dossiers/{id}/decisions", object: "Y's dossier with B, agreed",
			req: atJSON("POST", "/api/dossiers/", by, "/decisions",
				fixed(map[string]string{"part": roundBasePart, "outcome": "accepted", "reason": "Voldoet aan de eisen"})),
			want: want(404, "anon", login, "b", 409, "y", 403, "op", 403), writes: []mayChange{decided, told}},
		{route: "POST /api/dossiers/{id}/offer", object: "X's dossier with A, negotiating",
			req:  atJSON("POST", "/api/dossiers/", axNeg, "/offer", fixed(map[string]any{"parts": []string{roundBasePart}})),
			want: want(404, "anon", login, "a-round", 403, "a-buyers", 409, "a-nonround", 404, "x", 403, "op", 403), writes: []mayChange{decided, told}},
		{route: "POST /api/dossiers/{id}/quote", object: "X's dossier with A, negotiating",
			req:  atJSON("POST", "/api/dossiers/", axNeg, "/quote", fixed(map[string]string{"text": apptest.MarkersAXNotes[1]})),
			want: want(404, "anon", login, "a-round", 403, "a-nonround", 404, "x", 403, "x-apply", 200, "op", 403), writes: []mayChange{quoted, told}},
		// The questionnaire: the parties read it (the insurer the answers once submitted);
		// the provider's invuller and beheerder answer, its beheerder submits.
		{route: "GET /api/dossiers/{id}/questionnaire", object: "X's draft with A", req: at("GET", "/api/dossiers/", axDraft, "/questionnaire"),
			want: want(404, "anon", login, "a-round", 200, "a-nonround", 404, "x", 200, "op", 200), see: map[string][]string{"x": {apptest.MarkersAXDraft[0]}}},
		{route: "GET /api/dossiers/{id}/questionnaire", object: "Y's dossier with B", req: at("GET", "/api/dossiers/", by, "/questionnaire"),
			want: want(404, "anon", login, "b", 200, "y", 200, "op", 200)},
		{route: "PUT /api/dossiers/{id}/questionnaire/answers", object: "X's draft with A",
			req:  atJSON("PUT", "/api/dossiers/", axDraft, "/questionnaire/answers", fixed(map[string]any{"answers": map[string]string{"omzet_totaal": "76.543.219,87"}})),
			want: want(404, "anon", login, "a-side", 403, "a-nonround", 404, "x", 403, "x-answer", 204, "op", 403), writes: []mayChange{answered}},
		{route: "POST /api/dossiers/{id}/questionnaire/evidence", object: "X's draft with A, X's document",
			req: atJSON("POST", "/api/dossiers/", axDraft, "/questionnaire/evidence", func(o *apptest.RoundObjects) any {
				return map[string]string{"requirement_id": apptest.RoundReview, "document_id": o.DocumentAX}
			}),
			want: want(404, "anon", login, "a-side", 403, "a-nonround", 404, "x", 403, "x-answer", 204, "op", 403), writes: []mayChange{answered}},
		{route: "POST /api/dossiers/{id}/questionnaire/evidence", object: "X's draft with A, Y's document of B",
			req: atJSON("POST", "/api/dossiers/", axDraft, "/questionnaire/evidence", func(o *apptest.RoundObjects) any {
				return map[string]string{"requirement_id": apptest.RoundReview, "document_id": o.DocumentBY}
			}),
			want: want(404, "anon", login, "a-side", 403, "a-nonround", 404, "x-tekenbevoegde", 403, "op", 403), writes: []mayChange{answered}},
		{route: "POST /api/dossiers/{id}/questionnaire/submit", object: "X's dossier with A, submitted already",
			req:  at("POST", "/api/dossiers/", axSubmitted, "/questionnaire/submit"),
			want: want(404, "anon", login, "a-side", 403, "a-nonround", 404, "x", 403, "x-beheerder", 409, "op", 403), writes: []mayChange{submitted, providerRecord, told}},
		{route: "GET /api/dossiers/{id}/outcome", object: "X's submitted dossier with A", req: at("GET", "/api/dossiers/", axSubmitted, "/outcome"),
			want: want(404, "anon", login, "a-round", 200, "a-nonround", 404, "x", 200, "op", 200), see: map[string][]string{"x": {apptest.RoundReview}}},
		{route: "GET /api/dossiers/{id}/reviews", object: "X's submitted dossier with A", req: at("GET", "/api/dossiers/", axSubmitted, "/reviews"),
			want: want(404, "anon", login, "a-round", 200, "a-nonround", 404, "x", 403, "op", 200), see: map[string][]string{"a-medisch-adviseur": {apptest.RoundReview}}},
		{route: "PUT /api/dossiers/{id}/reviews/{requirementID}", object: "X's submitted dossier with A",
			req:  atJSON("PUT", "/api/dossiers/", axSubmitted, "/reviews/"+apptest.RoundReview, fixed(map[string]string{"verdict": "met", "reason": "In orde"})),
			want: want(404, "anon", login, "a-side", 403, "a-nonround", 404, "a-medisch-adviseur", 200, "x", 403, "op", 403), writes: []mayChange{reviewed}},
		// Documents: the parties read them; who may answer or decide uploads.
		{route: "POST /api/dossiers/{id}/documents", object: "X's draft with A",
			req: func(_ *testing.T, m *matrix, _ int) request {
				return request{method: "POST", path: "/api/dossiers/" + m.rounds.AXDraft + "/documents?name=matrix.pdf", contentType: "application/pdf", body: string(evidencePDF)}
			},
			want: want(404, "anon", login, "a-side", 403, "a-nonround", 404, "a-round", 201, "x-answer", 201, "x-tekenbevoegde", 403, "op", 403), writes: []mayChange{documentStored}},
		{route: "GET /api/dossiers/{id}/documents", object: "X's draft with A", req: at("GET", "/api/dossiers/", axDraft, "/documents"),
			want: want(404, "anon", login, "a-round", 200, "a-nonround", 404, "x", 200, "op", 200), see: map[string][]string{"x": {apptest.MarkersAXNotes[2]}, "a-round": {apptest.MarkersAXNotes[2]}}},
		{route: "GET /api/documents/{id}", object: "X's document with A", req: at("GET", "/api/documents/", documentAX, ""),
			want: want(404, "anon", login, "a-round", 200, "a-nonround", 404, "x", 200, "op", 200)},
		{route: "GET /api/documents/{id}", object: "Y's document with B", req: at("GET", "/api/documents/", documentBY, ""),
			want: want(404, "anon", login, "b", 200, "y", 200, "op", 200)},
		// Price lists: of the parties only who negotiates or signs sees prices.
		{route: "GET /api/dossiers/{id}/pricelists", object: "X's dossier with A, negotiating", req: at("GET", "/api/dossiers/", axNeg, "/pricelists"),
			want: want(404, "anon", login, "a-side", 403, "a-prices", 200, "x", 403, "x-prices", 200, "op", 200),
			see:  map[string][]string{"a-prices": {"MATRIXAX1"}, "x-prices": {"MATRIXAX1"}}},
		{route: "GET /api/dossiers/{id}/pricelists", object: "Y's dossier with B", req: at("GET", "/api/dossiers/", by, "/pricelists"),
			want: want(404, "anon", login, "b", 200, "y", 200, "op", 200), see: map[string][]string{"y": {"MATRIXBY1"}}},
		{route: "GET /api/dossiers/{id}/pricelists/{part}", object: "X's dossier with A, negotiating", req: at("GET", "/api/dossiers/", axNeg, "/pricelists/"+roundBasePart),
			want: want(404, "anon", login, "a-side", 403, "a-prices", 200, "x", 403, "x-prices", 200, "op", 200),
			see:  map[string][]string{"a-prices": {"MATRIXAX1"}}},
		{route: "GET /api/dossiers/{id}/pricelists/{part}", object: "Y's price list only with A", req: at("GET", "/api/dossiers/", ay, "/pricelists/"+roundBasePart),
			want: want(404, "anon", login, "a-side", 403, "a-prices", 200, "y", 200, "op", 200), see: map[string][]string{"y": {"MATRIXAY1"}}},
		{route: "POST /api/dossiers/{id}/pricelists/{part}", object: "X's dossier with A, proposed already",
			req:  atJSON("POST", "/api/dossiers/", axNeg, "/pricelists/"+roundBasePart, fixed(map[string]any{"lines": roundPriceLines})),
			want: want(404, "anon", login, "a-side", 403, "a-prices", 409, "x", 403, "op", 403), writes: []mayChange{negotiated, told}},
		{route: "POST /api/dossiers/{id}/pricelists/{part}/counter", object: "X's dossier with A, a stale version",
			req:  atJSON("POST", "/api/dossiers/", axNeg, "/pricelists/"+roundBasePart+"/counter", fixed(map[string]any{"based_on": 1, "lines": roundPriceLines})),
			want: want(404, "anon", login, "a-side", 403, "a-prices", 409, "x", 403, "x-apply", 409, "op", 403), writes: []mayChange{negotiated, told}},
		{route: "POST /api/dossiers/{id}/pricelists/{part}/accept", object: "X's dossier with A, a stale version",
			req:  atJSON("POST", "/api/dossiers/", axNeg, "/pricelists/"+roundBasePart+"/accept", fixed(map[string]any{"based_on": 1})),
			want: want(404, "anon", login, "a-side", 403, "a-prices", 409, "x", 403, "x-apply", 409, "op", 403), writes: []mayChange{negotiated, told}},
		{route: "POST /api/dossiers/{id}/pricelists/{part}/accept", object: "Y's dossier with B, agreed",
			req:  atJSON("POST", "/api/dossiers/", by, "/pricelists/"+roundBasePart+"/accept", fixed(map[string]any{"based_on": 1})),
			want: want(404, "anon", login, "b", 409, "y", 409, "op", 403), writes: []mayChange{negotiated, told}},
		{route: "GET /api/dossiers/{id}/pricelists/{part}/xlsx", object: "X's dossier with A, negotiating",
			req:  at("GET", "/api/dossiers/", axNeg, "/pricelists/"+roundBasePart+"/xlsx"),
			want: want(404, "anon", login, "a-side", 403, "a-prices", 200, "x", 403, "x-prices", 200, "op", 200),
			see:  map[string][]string{"a-prices": {"MATRIXAX1"}, "x-prices": {"MATRIXAX1"}}},
		{route: "PUT /api/dossiers/{id}/pricelists/{part}/xlsx", object: "X's dossier with A, not a workbook",
			req: func(_ *testing.T, m *matrix, _ int) request {
				return request{method: "PUT", path: "/api/dossiers/" + m.rounds.AXNegotiating + "/pricelists/" + roundBasePart + "/xlsx?based_on=2",
					contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body: roundBadWorkbook}
			},
			want: want(404, "anon", login, "a-side", 403, "a-prices", 422, "x", 403, "x-apply", 422, "op", 403), writes: []mayChange{negotiated, told}},
		// Contracts: the parties read them; the insurer's inkoper or contractbeheerder
		// generates (again: unchanged); the tekenbevoegde, then the contractbeheerder signs.
		{route: "POST /api/dossiers/{id}/contract", object: "X's agreed dossier with A, generated already",
			req:  at("POST", "/api/dossiers/", axContract, "/contract"),
			want: want(404, "anon", login, "a-side", 403, "a-prices", 200, "x", 403, "op", 403), writes: []mayChange{generated}},
		{route: "GET /api/dossiers/{id}/contract", object: "X's agreed dossier with A", req: at("GET", "/api/dossiers/", axContract, "/contract"),
			want: want(404, "anon", login, "a-side", 403, "a-prices", 200, "x", 403, "x-prices", 200, "op", 200), see: map[string][]string{"x-beheerder": {"MATRIXAXC"}, "a-inkoper": {"MATRIXAXC"}}},
		{route: "GET /api/dossiers/{id}/contract", object: "Y's agreed dossier with B", req: at("GET", "/api/dossiers/", by, "/contract"),
			want: want(404, "anon", login, "b", 200, "y", 200, "op", 200)},
		{route: "GET /api/contracts/{id}/pdf", object: "X's contract with A", req: at("GET", "/api/contracts/", contractAX, "/pdf"),
			want: want(404, "anon", login, "a-side", 403, "a-prices", 200, "x", 403, "x-prices", 200, "op", 200)},
		{route: "GET /api/contracts/{id}/pdf", object: "Y's contract with B", req: at("GET", "/api/contracts/", contractBY, "/pdf"),
			want: want(404, "anon", login, "b", 200, "y", 200, "op", 200)},
		{route: "GET /api/contracts/{id}/xlsx", object: "X's contract with A", req: at("GET", "/api/contracts/", contractAX, "/xlsx"),
			want: want(404, "anon", login, "a-side", 403, "a-prices", 200, "x", 403, "x-prices", 200, "op", 200), see: map[string][]string{"x-tekenbevoegde": {"MATRIXAXC"}}},
		{route: "GET /api/contracts/{id}/xlsx", object: "Y's contract with B", req: at("GET", "/api/contracts/", contractBY, "/xlsx"),
			want: want(404, "anon", login, "b", 200, "y", 200, "op", 200)},
		{route: "POST /api/contracts/{id}/signatures", object: "X's contract with A, another document's hash",
			req:  atJSON("POST", "/api/contracts/", contractAX, "/signatures", fixed(map[string]string{"sha256": roundWrongSHA256})),
			want: want(404, "anon", login, "a-side", 403, "a-contractbeheerder", 409, "x", 403, "x-tekenbevoegde", 422, "op", 403), writes: []mayChange{signed, told}},
		{route: "POST /api/contracts/{id}/signatures", object: "Y's contract with B, another document's hash",
			req:  atJSON("POST", "/api/contracts/", contractBY, "/signatures", fixed(map[string]string{"sha256": roundWrongSHA256})),
			want: want(404, "anon", login, "b", 403, "y", 403, "op", 403), writes: []mayChange{signed, told}},
		{route: "GET /api/published-contracts", object: "public", req: get("/api/published-contracts"), want: want(200)},
		// Notices and the deadline feed.
		{route: "GET /api/inbox", object: "own organisation's notices", req: get("/api/inbox"), want: want(200, "anon", login),
			see: map[string][]string{"x": {apptest.ProviderX}, "y": {apptest.ProviderY}}},
		{route: "POST /api/inbox/{id}/read", object: "a notice of X", req: at("POST", "/api/inbox/", noticeX, "/read"),
			want: want(404, "anon", login, "x", 204), writes: []mayChange{ownNoticeRead}},
		{route: "POST /api/inbox/{id}/read", object: "a notice of A", req: at("POST", "/api/inbox/", noticeA, "/read"),
			want: want(404, "anon", login, "a-side", 204), writes: []mayChange{ownNoticeRead}},
		{route: "GET /api/calendar.ics", object: "own deadlines", req: get("/api/calendar.ics"), want: want(200, "anon", login),
			see: map[string][]string{"x": {"BEGIN:VCALENDAR", "Uiterste tekendatum"}}},
		// The test clock: only the operator, only on a server that has one (the matrix's).
		{route: "GET /api/clock", object: "the test clock", req: get("/api/clock"), want: want(403, "anon", login, "op", 200)},
		{route: "PUT /api/clock", object: "the test clock, set to its time",
			req: func(*testing.T, *matrix, int) request {
				b, _ := json.Marshal(map[string]time.Time{"now": apptest.Now})
				return request{method: "PUT", path: "/api/clock", contentType: "application/json", body: string(b)}
			},
			want: want(403, "anon", login, "op", 200)},
	}
}

func roundPageRows() []row {
	lines := url.Values{"regels": {roundPriceText}, "versie": {"1"}, "toelichting": {"Matrix"}}
	return []row{
		{route: "GET /rondes", object: "the rounds", req: get("/rondes"), want: want(200, "anon", login),
			see: map[string][]string{"a-round": {roundIDA}, "b": {roundIDB}}},
		{route: "POST /rondes", object: "A's round of 2022, open already",
			req:  postForm("/rondes", url.Values{"beleid": {apptest.RoundPolicyA}, "jaar": {"2022"}}),
			want: want(403, "anon", login, "a-buyers", 409), writes: []mayChange{roundOpened, told}},
		{route: "GET /rondes/{id}", object: "A's round", req: get("/rondes/" + roundIDA),
			want: want(404, "anon", login, "a-round", 200, "x", 200, "y", 200, "op", 200), see: map[string][]string{"a-round": {"Ypsilon"}}},
		{route: "GET /rondes/{id}", object: "B's round", req: get("/rondes/" + roundIDB),
			want: want(404, "anon", login, "b", 200, "x", 200, "y", 200, "op", 200)},
		{route: "POST /rondes/{id}/verlenging", object: "A's round",
			req:  postForm("/rondes/"+roundIDA+"/verlenging", url.Values{"stap": {"questionnaire"}, "datum": {roundExtendedDate}, "reden": {"Storing van het portaal"}}),
			want: want(404, "anon", login, "a-round", 403, "a-buyers", 303, "op", 403), writes: []mayChange{deadlineMoved}},
		{route: "GET /rondes/{id}/aanmelden", object: "A's round", req: get("/rondes/" + roundIDA + "/aanmelden"),
			want: want(404, "anon", login, "x", 403, "x-apply", 200, "y", 200)},
		{route: "POST /rondes/{id}/aanmelden", object: "X to A's round, applied already",
			req:  postForm("/rondes/"+roundIDA+"/aanmelden", url.Values{"zorgaanbieder": {apptest.ProviderX}}),
			want: want(404, "anon", login, "x", 403, "x-apply", 409), writes: []mayChange{applied, told}},
		{route: "GET /dossiers/{id}", object: "X's dossier with A, negotiating", req: at("GET", "/dossiers/", axNeg, ""),
			want: want(404, "anon", login, "a-round", 200, "a-nonround", 404, "x", 200, "op", 200),
			see:  map[string][]string{"a-round": {"De Linde", apptest.MarkersAXNotes[0]}, "x": {apptest.MarkersAXNotes[0]}}},
		{route: "GET /dossiers/{id}", object: "Y's dossier with B", req: at("GET", "/dossiers/", by, ""),
			want: want(404, "anon", login, "b", 200, "y", 200, "op", 200)},
		{route: "POST /dossiers/{id}/beoordeling/{requirementID}", object: "X's submitted dossier with A",
			req:  atForm("/dossiers/", axSubmitted, "/beoordeling/"+apptest.RoundReview, url.Values{"oordeel": {"met"}, "reden": {"In orde"}}),
			want: want(404, "anon", login, "a-side", 403, "a-nonround", 404, "a-medisch-adviseur", 303, "x", 403, "op", 403), writes: []mayChange{reviewed}},
		{route: "POST /dossiers/{id}/besluit", object: "X's submitted dossier with A",
			req:  atForm("/dossiers/", axSubmitted, "/besluit", url.Values{"onderdeel": {roundBasePart}, "besluit": {"toekennen"}, "reden": {"Voldoet aan de eisen"}}),
			want: want(404, "anon", login, "a-round", 403, "a-buyers", 303, "a-nonround", 404, "x", 403, "op", 403), writes: []mayChange{decided, told}},
		{route: "POST /dossiers/{id}/aanbod", object: "X's dossier with A, negotiating",
			req:  atForm("/dossiers/", axNeg, "/aanbod", url.Values{"onderdeel": {roundBasePart}}),
			want: want(404, "anon", login, "a-round", 403, "a-buyers", 409, "a-nonround", 404, "x", 403, "op", 403), writes: []mayChange{decided, told}},
		{route: "POST /dossiers/{id}/offerte", object: "X's dossier with A, negotiating",
			req:  atForm("/dossiers/", axNeg, "/offerte", url.Values{"tekst": {apptest.MarkersAXNotes[1]}}),
			want: want(404, "anon", login, "a-round", 403, "a-nonround", 404, "x", 403, "x-apply", 303, "op", 403), writes: []mayChange{quoted, told}},
		{route: "GET /dossiers/{id}/prijslijst/{part}", object: "X's dossier with A, negotiating", req: at("GET", "/dossiers/", axNeg, "/prijslijst/"+roundBasePart),
			want: want(404, "anon", login, "a-side", 403, "a-nonround", 404, "a-prices", 200, "x", 403, "x-prices", 200, "op", 200),
			see:  map[string][]string{"a-prices": {"MATRIXAX1"}, "x-prices": {"MATRIXAX1"}}},
		{route: "GET /dossiers/{id}/prijslijst/{part}", object: "X's dossier with A, the xlsx", req: at("GET", "/dossiers/", axNeg, "/prijslijst/"+roundBasePart+".xlsx"),
			want: want(404, "anon", login, "a-side", 403, "a-nonround", 403, "a-prices", 200, "x", 403, "x-prices", 200, "op", 200),
			see:  map[string][]string{"a-prices": {"MATRIXAX1"}}},
		{route: "GET /dossiers/{id}/prijslijst/{part}", object: "Y's price list only with A", req: at("GET", "/dossiers/", ay, "/prijslijst/"+roundBasePart),
			want: want(404, "anon", login, "a-side", 403, "a-nonround", 404, "a-prices", 200, "y", 200, "op", 200), see: map[string][]string{"y": {"MATRIXAY1"}}},
		{route: "POST /dossiers/{id}/prijslijst/{part}", object: "X's dossier with A, a counter-proposal on a stale version",
			req:  atForm("/dossiers/", axNeg, "/prijslijst/"+roundBasePart, lines),
			want: want(404, "anon", login, "a-side", 403, "a-nonround", 404, "a-prices", 409, "x", 403, "x-apply", 409, "op", 403), writes: []mayChange{negotiated, told}},
		{route: "POST /dossiers/{id}/prijslijst/{part}/akkoord", object: "X's dossier with A, a stale version",
			req:  atForm("/dossiers/", axNeg, "/prijslijst/"+roundBasePart+"/akkoord", url.Values{"versie": {"1"}}),
			want: want(404, "anon", login, "a-side", 403, "a-nonround", 404, "a-prices", 409, "x", 403, "x-apply", 409, "op", 403), writes: []mayChange{negotiated, told}},
		{route: "POST /dossiers/{id}/prijslijst/{part}/upload", object: "X's dossier with A, not a workbook",
			req: atFile("/dossiers/", axNeg, "/prijslijst/"+roundBasePart+"/upload", url.Values{"versie": {"2"}},
				formFile{field: "bestand", name: "prijslijst.xlsx", data: []byte(roundBadWorkbook)}),
			want: want(404, "anon", login, "a-side", 403, "a-nonround", 404, "a-prices", 400, "x", 403, "x-apply", 400, "op", 403), writes: []mayChange{negotiated, told}},
		{route: "GET /dossiers/{id}/contract", object: "X's agreed dossier with A", req: at("GET", "/dossiers/", axContract, "/contract"),
			want: want(404, "anon", login, "a-side", 403, "a-nonround", 404, "a-prices", 200, "x", 403, "x-prices", 200, "op", 200)},
		{route: "GET /dossiers/{id}/contract", object: "Y's agreed dossier with B", req: at("GET", "/dossiers/", by, "/contract"),
			want: want(404, "anon", login, "b", 200, "y", 200, "op", 200)},
		{route: "POST /dossiers/{id}/contract", object: "X's agreed dossier with A, generated already",
			req:  atForm("/dossiers/", axContract, "/contract", url.Values{}),
			want: want(404, "anon", login, "a-side", 403, "a-nonround", 404, "a-prices", 303, "x", 403, "op", 403), writes: []mayChange{generated}},
		{route: "GET /contracten/{file}", object: "X's contract with A, the PDF", req: at("GET", "/contracten/", contractAX, ".pdf"),
			want: want(404, "anon", login, "a-side", 403, "a-prices", 200, "x", 403, "x-prices", 200, "op", 200)},
		{route: "GET /contracten/{file}", object: "X's contract with A, the xlsx", req: at("GET", "/contracten/", contractAX, ".xlsx"),
			want: want(404, "anon", login, "a-side", 403, "a-prices", 200, "x", 403, "x-prices", 200, "op", 200), see: map[string][]string{"x-beheerder": {"MATRIXAXC"}}},
		{route: "GET /contracten/{file}", object: "Y's contract with B, the PDF", req: at("GET", "/contracten/", contractBY, ".pdf"),
			want: want(404, "anon", login, "b", 200, "y", 200, "op", 200)},
		{route: "POST /contracten/{id}/ondertekenen", object: "X's contract with A, another document's hash",
			req:  atForm("/contracten/", contractAX, "/ondertekenen", url.Values{"sha256": {roundWrongSHA256}}),
			want: want(404, "anon", login, "a-side", 403, "a-contractbeheerder", 409, "x", 403, "x-tekenbevoegde", 400, "op", 403), writes: []mayChange{signed, told}},
		{route: "GET /dossiers/{id}/uitvraag", object: "X's draft with A", req: at("GET", "/dossiers/", axDraft, "/uitvraag"),
			want: want(404, "anon", login, "a-round", 200, "a-nonround", 404, "x", 200, "op", 200), see: map[string][]string{"x": {apptest.MarkersAXDraft[1]}}},
		{route: "GET /dossiers/{id}/uitvraag", object: "Y's dossier with B", req: at("GET", "/dossiers/", by, "/uitvraag"),
			want: want(404, "anon", login, "b", 200, "y", 200, "op", 200)},
		{route: "POST /dossiers/{id}/uitvraag", object: "X's draft with A",
			req:  atForm("/dossiers/", axDraft, "/uitvraag", url.Values{"antwoord-omzet_totaal": {"76.543.219,87"}}),
			want: want(404, "anon", login, "a-side", 403, "a-nonround", 404, "x", 403, "x-answer", 303, "op", 403), writes: []mayChange{answered}},
		{route: "POST /dossiers/{id}/uitvraag/bewijs", object: "X's draft with A",
			req: atFile("/dossiers/", axDraft, "/uitvraag/bewijs", url.Values{"eis": {apptest.RoundReview}},
				formFile{field: "bestand", name: "waarneemregeling.pdf", data: evidencePDF}),
			want: want(404, "anon", login, "a-side", 403, "a-nonround", 404, "x", 403, "x-answer", 303, "op", 403), writes: []mayChange{answered, documentStored}},
		{route: "POST /dossiers/{id}/uitvraag/indienen", object: "X's dossier with A, submitted already",
			req:  atForm("/dossiers/", axSubmitted, "/uitvraag/indienen", url.Values{}),
			want: want(404, "anon", login, "a-side", 403, "a-nonround", 404, "x", 403, "x-beheerder", 409, "op", 403), writes: []mayChange{submitted, providerRecord, told}},
		{route: "GET /documenten/{id}", object: "X's document with A", req: at("GET", "/documenten/", documentAX, ""),
			want: want(404, "anon", login, "a-round", 200, "a-nonround", 404, "x", 200, "op", 200)},
		{route: "GET /documenten/{id}", object: "Y's document with B", req: at("GET", "/documenten/", documentBY, ""),
			want: want(404, "anon", login, "b", 200, "y", 200, "op", 200)},
		{route: "GET /mijn-dossiers", object: "own dossiers", req: get("/mijn-dossiers"), want: want(404, "anon", login, "x", 200, "y", 200),
			see: map[string][]string{"x": {"Testbeleid inkoopronde " + apptest.RoundPolicyA}}},
		{route: "GET /mijn-dossiers.ics", object: "own deadlines", req: get("/mijn-dossiers.ics"), want: want(404, "anon", login, "x", 200, "y", 200),
			see: map[string][]string{"x": {"BEGIN:VCALENDAR"}}},
		{route: "GET /berichten", object: "own organisation's notices", req: get("/berichten"), want: want(200, "anon", login)},
		{route: "POST /berichten/{id}/gelezen", object: "a notice of X", req: atForm("/berichten/", noticeX, "/gelezen", url.Values{}),
			want: want(404, "anon", login, "x", 303), writes: []mayChange{ownNoticeRead}},
		{route: "POST /berichten/{id}/gelezen", object: "a notice of Y", req: atForm("/berichten/", noticeY, "/gelezen", url.Values{}),
			want: want(404, "anon", login, "y", 303), writes: []mayChange{ownNoticeRead}},
		{route: "GET /platform/klok", object: "the test clock", req: get("/platform/klok"), want: want(403, "anon", login, "op", 200)},
		{route: "POST /platform/klok", object: "the test clock, set to its time",
			req: postForm("/platform/klok", url.Values{"datum": {apptest.Now.In(nl.Amsterdam).Format("2006-01-02")},
				"tijd": {apptest.Now.In(nl.Amsterdam).Format("15:04")}}),
			want: want(403, "anon", login, "op", 303)},
	}
}
