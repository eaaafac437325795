package apptest_test

import (
	"net/url"
	"slices"
	"strconv"
	"testing"

	"zorginkoop/internal/apptest"
	"zorginkoop/internal/claims"
	"zorginkoop/internal/identity"
)

// ---- claims (issue 11) ----
//
// The claims doors, pages and API, on the objects of apptest.OpenClaims: X's file, lines,
// return, contract and authorisations with A, and Y's with B. By the claims area's role
// table: the insurer's declaratiebeoordelaar and medisch adviseur read its files, lines
// and insured persons; its inkoper, contractbeheerder and declaratiebeoordelaar its
// execution contracts; those and the medisch adviseur its overview; the contractbeheerder
// imports contracts and sets percentages; the medisch adviseur decides authorisations.
// The provider's beheerder and contractmanager send files, read their own and request
// authorisations. Another tenant's object does not exist (404); a role of the party that
// may not act gets 403. Writes that would change shared objects for good are sent where
// they are refused after the permission check (a workbook that is no workbook, a decided
// request), so every actor meets the same object.

func init() {
	for table, cols := range map[string][]string{
		"claim_files": {"id"}, "claim_lines": {"file_id", "no"}, "claim_contracts": {"id"}, "claim_contract_lines": {"contract_id", "pos"},
		"claim_insured": {"insurer", "policy_number", "day_from"}, "claim_percentages": {"insurer", "policy_type"},
		"claim_authorisations": {"id"}, "claim_auth_documents": {"auth_id", "id"},
	} {
		rowKeys[table] = cols
	}
	groups["a-claims"] = []string{"a-declaratiebeoordelaar", "a-medisch-adviseur"}
	groups["a-claims-overview"] = []string{"a-inkoper", "a-contractbeheerder", "a-declaratiebeoordelaar", "a-medisch-adviseur", "a-inkooporganisatie"}
	groups["a-claims-contracts"] = []string{"a-inkoper", "a-contractbeheerder", "a-declaratiebeoordelaar", "a-inkooporganisatie"}
	groups["x-claims"] = []string{"x-beheerder", "x-contractmanager"}
	for k := range leaks {
		switch {
		case k == "operator":
		case k == "anoniem":
			leaks[k] = slices.Concat(leaks[k], apptest.MarkersClaimsAX, apptest.MarkersClaimsBY)
		case k == "b-inkoper" || k == "y-beheerder":
			leaks[k] = slices.Concat(leaks[k], apptest.MarkersClaimsAX)
		default: // A's side and X
			leaks[k] = slices.Concat(leaks[k], apptest.MarkersClaimsBY)
		}
	}
}

type claimPick func(o *apptest.ClaimsObjects) string

var (
	fileAX     claimPick = func(o *apptest.ClaimsObjects) string { return o.FileAX }
	fileBY     claimPick = func(o *apptest.ClaimsObjects) string { return o.FileBY }
	cContractA claimPick = func(o *apptest.ClaimsObjects) string { return o.ContractAX }
	cContractB claimPick = func(o *apptest.ClaimsObjects) string { return o.ContractBY }
	authAX     claimPick = func(o *apptest.ClaimsObjects) string { return o.AuthAX }
	authAXDone claimPick = func(o *apptest.ClaimsObjects) string { return o.AuthAXDecided }
	authBY     claimPick = func(o *apptest.ClaimsObjects) string { return o.AuthBY }
)

// claimAt is a request to prefix + the object's id + suffix.
func claimAt(method, prefix string, obj claimPick, suffix string) func(*testing.T, *matrix, int) request {
	return func(_ *testing.T, m *matrix, _ int) request {
		return request{method: method, path: prefix + obj(m.claims) + suffix}
	}
}

// claimBody is a request with a raw body.
func claimBody(method, path, contentType string, body func(t *testing.T, m *matrix, n int) []byte) func(*testing.T, *matrix, int) request {
	return func(t *testing.T, m *matrix, n int) request {
		return request{method: method, path: path, contentType: contentType, body: string(body(t, m, n))}
	}
}

// freshClaimFile is a new file of X to A for request n.
func freshClaimFile(t *testing.T, _ *matrix, n int) []byte {
	return apptest.ClaimFileAX(t, "MX-"+strconv.Itoa(n))
}

func fixedBytes(s string) func(*testing.T, *matrix, int) []byte {
	return func(*testing.T, *matrix, int) []byte { return []byte(s) }
}

// claimIntake: a new claim file, with its lines, of a provider the actor sends files for
// or of an insurer whose declaratiebeoordelaar it is.
func claimIntake(w *written, c change) bool {
	if c.before != nil || c.after == nil {
		return false
	}
	switch {
	case c.table == "claim_files":
		return mayIntake(w.actor, c.after["insurer"], c.after["provider_id"])
	case c.table == "claim_lines": // on PostgreSQL read through the partitioned table
		f := w.after.row("claim_files", c.after["file_id"])
		return f != nil && w.before.row("claim_files", c.after["file_id"]) == nil && mayIntake(w.actor, f["insurer"], f["provider_id"])
	}
	return false
}

func mayIntake(p identity.Principal, insurer, providerID string) bool {
	// The operator too: the service lets it send files (the spec says it writes through
	// the command line only; reported).
	return p.IsOperator() || claims.MayClaimFor(p, providerID) || claims.MayUploadForInsurer(p, insurer)
}

// claimPercentage: the contractbeheerder of the insurer sets a percentage.
func claimPercentage(w *written, c change) bool {
	return c.table == "claim_percentages" && (w.actor.IsOperator() || claims.MayManageContracts(w.actor, c.row()["insurer"]))
}

// claimAuthDocument: a document added to a request of a provider the actor requests for.
func claimAuthDocument(w *written, c change) bool {
	if c.table != "claim_auth_documents" || c.before != nil {
		return false
	}
	a := w.after.row("claim_authorisations", c.after["auth_id"])
	return a != nil && claims.MayClaimFor(w.actor, a["provider_id"])
}

func claimsAPIRows() []row {
	ins := "?insurer=" + apptest.InsurerA
	return []row{
		{route: "POST /api/claims/files", object: "a new file of X to A",
			req:  claimBody("POST", "/api/claims/files?name=matrix.asc", "application/octet-stream", freshClaimFile),
			want: want(403, "anon", login, "x-claims", 201, "a-declaratiebeoordelaar", 201, "op", 201), writes: []mayChange{claimIntake}},
		{route: "GET /api/claims/files", object: "own files", req: get("/api/claims/files"),
			want: want(403, "anon", login, "a-claims", 200, "x-claims", 200, "y", 200, "op", 200),
			see:  map[string][]string{"a-claims": {"MATRIX-AX"}, "x-claims": {"MATRIX-AX"}, "y": {"MATRIX-BY"}}},
		{route: "GET /api/claims/files/{id}", object: "X's file to A", req: claimAt("GET", "/api/claims/files/", fileAX, ""),
			want: want(404, "anon", login, "a-side", 403, "x", 403, "a-claims", 200, "x-claims", 200, "op", 200), see: map[string][]string{"x-claims": {"MATRIX-AX"}}},
		{route: "GET /api/claims/files/{id}", object: "Y's file to B", req: claimAt("GET", "/api/claims/files/", fileBY, ""),
			want: want(404, "anon", login, "b", 403, "y", 200, "op", 200)},
		{route: "GET /api/claims/files/{id}/lines", object: "X's file to A", req: claimAt("GET", "/api/claims/files/", fileAX, "/lines"),
			want: want(404, "anon", login, "a-side", 403, "x", 403, "a-claims", 200, "x-claims", 200, "op", 200), see: map[string][]string{"a-claims": {apptest.ClaimsBSNA}, "x-claims": {apptest.ClaimsBSNA}}},
		{route: "GET /api/claims/files/{id}/lines", object: "Y's file to B", req: claimAt("GET", "/api/claims/files/", fileBY, "/lines"),
			want: want(404, "anon", login, "b", 403, "y", 200, "op", 200), see: map[string][]string{"y": {apptest.ClaimsBSNB}}},
		{route: "GET /api/claims/files/{id}/return.csv", object: "X's file to A", req: claimAt("GET", "/api/claims/files/", fileAX, "/return.csv"),
			want: want(404, "anon", login, "a-side", 403, "x", 403, "a-claims", 200, "x-claims", 200, "op", 200), see: map[string][]string{"x-claims": {apptest.ClaimsBSNA}}},
		{route: "GET /api/claims/files/{id}/return.json", object: "Y's file to B", req: claimAt("GET", "/api/claims/files/", fileBY, "/return.json"),
			want: want(404, "anon", login, "b", 403, "y", 200, "op", 200), see: map[string][]string{"y": {apptest.ClaimsBSNB}}},
		{route: "GET /api/claims/overview", object: "own overview", req: get("/api/claims/overview"),
			want: want(403, "anon", login, "a-claims-overview", 200, "b", 200, "x-claims", 200, "y", 200, "op", 200)},
		{route: "POST /api/claims/contracts", object: "A's import, no workbook",
			req:  claimBody("POST", "/api/claims/contracts"+ins, "application/octet-stream", fixedBytes(roundBadWorkbook)),
			want: want(403, "anon", login, "a-contractbeheerder", 422, "b", 404, "x", 404, "y", 404, "op", 422)},
		{route: "GET /api/claims/contracts", object: "own contracts", req: get("/api/claims/contracts"),
			want: want(403, "anon", login, "a-claims-contracts", 200, "b", 200, "op", 200),
			see:  map[string][]string{"a-claims-contracts": {"MATRIX-AX"}, "b": {"MATRIX-BY"}}},
		{route: "GET /api/claims/contracts/{id}", object: "X's contract with A", req: claimAt("GET", "/api/claims/contracts/", cContractA, ""),
			want: want(404, "anon", login, "a-side", 403, "a-claims-contracts", 200, "op", 200), see: map[string][]string{"a-claims-contracts": {"424217"}}},
		{route: "GET /api/claims/contracts/{id}", object: "Y's contract with B", req: claimAt("GET", "/api/claims/contracts/", cContractB, ""),
			want: want(404, "anon", login, "b", 200, "op", 200)},
		{route: "GET /api/claims/contract-template.xlsx", object: "the template", req: get("/api/claims/contract-template.xlsx"),
			want: want(200, "anon", login)},
		{route: "POST /api/claims/insured", object: "A's import, a bad CSV",
			req:  claimBody("POST", "/api/claims/insured"+ins, "text/csv", fixedBytes("geen;kopregel\n")),
			want: want(403, "anon", login, "a-declaratiebeoordelaar", 422, "b", 404, "x", 404, "y", 404, "op", 422)},
		{route: "GET /api/claims/insured", object: "A's insured", req: get("/api/claims/insured" + ins),
			want: want(403, "anon", login, "a-claims", 200, "b", 404, "x", 404, "y", 404, "op", 200), see: map[string][]string{"a-claims": {apptest.ClaimsBSNA}}},
		{route: "POST /api/claims/insured/lines", object: "A's insured person", req: postJSON("/api/claims/insured/lines"+ins, map[string]string{"bsn": apptest.ClaimsBSNA}),
			want: want(403, "anon", login, "a-claims", 200, "b", 404, "x", 404, "y", 404, "op", 200), see: map[string][]string{"a-claims": {"AX-MATRIX-AX"}}},
		{route: "GET /api/claims/percentages", object: "A's percentages", req: get("/api/claims/percentages" + ins),
			want: want(403, "anon", login, "a-claims-overview", 200, "b", 404, "x", 404, "y", 404, "op", 200)},
		{route: "PUT /api/claims/percentages/{policy_type}", object: "A's natura percentage",
			req: func(t *testing.T, m *matrix, n int) request {
				return request{method: "PUT", path: "/api/claims/percentages/natura" + ins, contentType: "application/json", body: `{"percent":80}`}
			},
			want: want(403, "anon", login, "a-contractbeheerder", 204, "b", 404, "x", 404, "y", 404, "op", 204), writes: []mayChange{claimPercentage}},
		{route: "POST /api/claims/authorisations", object: "X with A, an unknown rule",
			req: postJSON("/api/claims/authorisations", map[string]string{"insurer": apptest.InsurerA, "provider_id": apptest.ProviderX,
				"bsn": apptest.ClaimsBSNA, "rule": "bestaat-niet", "motivation": "Matrix"}),
			want: want(403, "anon", login, "x-claims", 422, "a-side", 404, "b", 404, "y", 404, "op", 404)},
		{route: "GET /api/claims/authorisations", object: "own authorisations", req: get("/api/claims/authorisations"),
			want: want(403, "anon", login, "a-medisch-adviseur", 200, "a-declaratiebeoordelaar", 200, "x-claims", 200, "y", 200, "op", 200),
			see:  map[string][]string{"x-claims": {"auth-matrix-ax"}, "a-medisch-adviseur": {"auth-matrix-ax"}, "y": {"auth-matrix-by"}}},
		{route: "GET /api/claims/authorisations/{id}", object: "X's request with A", req: claimAt("GET", "/api/claims/authorisations/", authAX, ""),
			want: want(404, "anon", login, "a-side", 403, "x", 403, "a-claims", 200, "x-claims", 200, "op", 200)},
		{route: "GET /api/claims/authorisations/{id}", object: "Y's request with B", req: claimAt("GET", "/api/claims/authorisations/", authBY, ""),
			want: want(404, "anon", login, "b", 403, "y", 200, "op", 200)},
		{route: "POST /api/claims/authorisations/{id}/documents", object: "X's request with A",
			req: func(t *testing.T, m *matrix, n int) request {
				return request{method: "POST", path: "/api/claims/authorisations/" + m.claims.AuthAX + "/documents?name=m" + strconv.Itoa(n) + ".pdf",
					contentType: "application/pdf", body: string(evidencePDF)}
			},
			want: want(404, "anon", login, "a-side", 403, "x", 403, "x-claims", 201), writes: []mayChange{claimAuthDocument}},
		{route: "GET /api/claims/authorisations/{id}/documents/{doc}", object: "X's document with A",
			req: func(_ *testing.T, m *matrix, _ int) request {
				return get("/api/claims/authorisations/"+m.claims.AuthAX+"/documents/"+m.claims.DocAX)(nil, m, 0)
			},
			want: want(404, "anon", login, "a-side", 403, "x", 403, "a-claims", 200, "x-claims", 200, "op", 200)},
		{route: "POST /api/claims/authorisations/{id}/decision", object: "X's decided request with A",
			req: func(_ *testing.T, m *matrix, _ int) request {
				return postJSON("/api/claims/authorisations/"+m.claims.AuthAXDecided+"/decision", map[string]any{"grant": true, "reason": "Matrix"})(nil, m, 0)
			},
			want: want(404, "anon", login, "a-side", 403, "x", 403, "a-medisch-adviseur", 409)},
	}
}

func claimsPageRows() []row {
	form := func(path string, v url.Values) func(*testing.T, *matrix, int) request { return postForm(path, v) }
	fileForm := func(path string, data func(t *testing.T, m *matrix, n int) []byte, name string, fields url.Values) func(*testing.T, *matrix, int) request {
		return func(t *testing.T, m *matrix, n int) request {
			return request{method: "POST", path: path, body: fields.Encode(), file: &formFile{field: "bestand", name: name, data: data(t, m, n)}}
		}
	}
	ins := url.Values{"verzekeraar": {apptest.InsurerA}}
	return []row{
		{route: "GET /declaraties", object: "own files", req: get("/declaraties"),
			want: want(403, "anon", login, "a-claims", 200, "x-claims", 200, "y", 200, "op", 200),
			see:  map[string][]string{"x-claims": {"matrix-ax.asc", "Declaratiebestand uploaden"}, "a-claims": {"matrix-ax.asc"}}},
		{route: "POST /declaraties", object: "a new file of X to A", req: fileForm("/declaraties", freshClaimFile, "matrix.asc", url.Values{}),
			want: want(403, "anon", login, "x-claims", 303, "a-declaratiebeoordelaar", 303, "op", 303), writes: []mayChange{claimIntake}},
		{route: "GET /declaraties/{id}", object: "X's file to A", req: claimAt("GET", "/declaraties/", fileAX, ""),
			want: want(404, "anon", login, "a-side", 403, "x", 403, "a-claims", 200, "x-claims", 200, "op", 200),
			see:  map[string][]string{"x-claims": {"Retourinformatie", apptest.ClaimsBSNA[:0] + "AX-MATRIX-AX"}}},
		{route: "GET /declaraties/{id}", object: "Y's file to B", req: claimAt("GET", "/declaraties/", fileBY, ""),
			want: want(404, "anon", login, "b", 403, "y", 200, "op", 200)},
		{route: "GET /declaraties/{id}/retour.csv", object: "X's file to A", req: claimAt("GET", "/declaraties/", fileAX, "/retour.csv"),
			want: want(404, "anon", login, "a-side", 403, "x", 403, "a-claims", 200, "x-claims", 200, "op", 200), see: map[string][]string{"x-claims": {apptest.ClaimsBSNA}}},
		{route: "GET /declaraties/{id}/retour.json", object: "Y's file to B", req: claimAt("GET", "/declaraties/", fileBY, "/retour.json"),
			want: want(404, "anon", login, "b", 403, "y", 200, "op", 200)},
		{route: "GET /declaraties/overzicht", object: "own overview", req: get("/declaraties/overzicht"),
			want: want(403, "anon", login, "a-claims-overview", 200, "b", 200, "x-claims", 200, "y", 200, "op", 200)},
		{route: "GET /declaraties/contracten", object: "A's contracts", req: get("/declaraties/contracten"),
			want: want(403, "anon", login, "a-claims-contracts", 200, "b", 200, "op", 403),
			see:  map[string][]string{"a-claims-contracts": {"MATRIX-AX"}, "b": {"MATRIX-BY"}}},
		{route: "POST /declaraties/contracten", object: "A's import, no workbook",
			req:  fileForm("/declaraties/contracten", fixedBytes(roundBadWorkbook), "contracten.xlsx", ins),
			want: want(403, "anon", login, "a-contractbeheerder", 400)},
		{route: "GET /declaraties/contracten/sjabloon.xlsx", object: "the template", req: get("/declaraties/contracten/sjabloon.xlsx"),
			want: want(403, "anon", login, "a-side", 200, "b", 200)},
		{route: "GET /declaraties/verzekerden", object: "A's insured", req: get("/declaraties/verzekerden"),
			want: want(403, "anon", login, "a-claims", 200, "b", 403, "op", 403), see: map[string][]string{"a-claims": {apptest.ClaimsBSNA}}},
		{route: "POST /declaraties/verzekerden", object: "A's import, a bad CSV",
			req:  fileForm("/declaraties/verzekerden", fixedBytes("geen;kopregel\n"), "verzekerden.csv", ins),
			want: want(403, "anon", login, "a-declaratiebeoordelaar", 400)},
		{route: "POST /declaraties/verzekerden/declaraties", object: "A's insured person",
			req:  form("/declaraties/verzekerden/declaraties", url.Values{"verzekeraar": {apptest.InsurerA}, "bsn": {apptest.ClaimsBSNA}}),
			want: want(403, "anon", login, "a-claims", 200, "b", 403, "op", 403), see: map[string][]string{"a-claims": {"Declaratieregels van BSN"}}},
		{route: "GET /declaraties/vergoedingen", object: "A's percentages", req: get("/declaraties/vergoedingen"),
			want: want(403, "anon", login, "a-claims-overview", 200, "b", 200, "op", 403)},
		{route: "POST /declaraties/vergoedingen", object: "A's natura percentage",
			req:  form("/declaraties/vergoedingen", url.Values{"verzekeraar": {apptest.InsurerA}, "polissoort": {"natura"}, "percentage": {"80"}}),
			want: want(403, "anon", login, "a-contractbeheerder", 303), writes: []mayChange{claimPercentage}},
		{route: "GET /machtigingen", object: "own authorisations", req: get("/machtigingen"),
			want: want(403, "anon", login, "a-claims", 200, "x-claims", 200, "y", 200, "op", 200),
			see:  map[string][]string{"x-claims": {"auth-matrix-ax", "Aanvragen"}, "a-medisch-adviseur": {"auth-matrix-ax"}}},
		{route: "POST /machtigingen", object: "X with A, no rule chosen",
			req:  form("/machtigingen", url.Values{"zorgaanbieder": {apptest.ProviderX}, "bsn": {apptest.ClaimsBSNA}, "motivering": {"Matrix"}}),
			want: want(403, "anon", login, "x-claims", 400, "y", 400)},
		{route: "GET /machtigingen/{id}", object: "X's request with A", req: claimAt("GET", "/machtigingen/", authAX, ""),
			want: want(404, "anon", login, "a-side", 403, "x", 403, "a-claims", 200, "x-claims", 200, "op", 200), see: map[string][]string{"a-medisch-adviseur": {"Besluit vastleggen"}}},
		{route: "GET /machtigingen/{id}", object: "Y's request with B", req: claimAt("GET", "/machtigingen/", authBY, ""),
			want: want(404, "anon", login, "b", 403, "y", 200, "op", 200)},
		{route: "POST /machtigingen/{id}/documenten", object: "X's request with A",
			req: func(t *testing.T, m *matrix, n int) request {
				return request{method: "POST", path: "/machtigingen/" + m.claims.AuthAX + "/documenten",
					file: &formFile{field: "bestand", name: "m" + strconv.Itoa(n) + ".pdf", data: evidencePDF}}
			},
			want: want(404, "anon", login, "a-side", 403, "x", 403, "x-claims", 303), writes: []mayChange{claimAuthDocument}},
		{route: "GET /machtigingen/{id}/documenten/{doc}", object: "X's document with A",
			req: func(_ *testing.T, m *matrix, _ int) request {
				return get("/machtigingen/"+m.claims.AuthAX+"/documenten/"+m.claims.DocAX)(nil, m, 0)
			},
			want: want(404, "anon", login, "a-side", 403, "x", 403, "a-claims", 200, "x-claims", 200, "op", 200)},
		{route: "POST /machtigingen/{id}/besluit", object: "X's decided request with A",
			req:  claimFormAt("/machtigingen/", authAXDone, "/besluit", url.Values{"besluit": {"toekennen"}, "reden": {"Matrix"}}),
			want: want(404, "anon", login, "a-side", 403, "x", 403, "a-medisch-adviseur", 409)},
	}
}

func claimFormAt(prefix string, obj claimPick, suffix string, v url.Values) func(*testing.T, *matrix, int) request {
	return func(t *testing.T, m *matrix, n int) request { return postForm(prefix+obj(m.claims)+suffix, v)(t, m, n) }
}
