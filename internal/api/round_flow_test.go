package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"zorginkoop/internal/apptest"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/nl"
	"zorginkoop/internal/policy"
)

// TestARoundRunsEndToEndThroughTheAPIOnBothEngines walks the purchasing round of Caresq's
// ZBC policy 2026 and of CZ's GP policy 2022 through the API alone, on SQLite and on
// PostgreSQL: open, apply, answer, upload and attach evidence, submit, outcome per part,
// the medisch adviseur's reviews, decisions, offer (e-mailed), a price list proposed,
// countered through an xlsx round trip and accepted, the contract generated and signed
// by both parties with the PDF's SHA-256, and published after the publication date. On
// the way it proves the refusals: a late signature, the wrong role (403), another
// tenant (404), a stale counter-proposal (409 with the lines back), bad input (400,
// 422), no credentials (401) and a body too large (413). Every answer is checked against
// openapi.json, and every operation of the round is answered with success at least once.
func TestARoundRunsEndToEndThroughTheAPIOnBothEngines(t *testing.T) {
	for _, engine := range apptest.Engines {
		t.Run(engine, func(t *testing.T) {
			e := newRoundEnv(t, engine)
			for _, rc := range apptest.RoundCases {
				t.Run(rc.Policy, func(t *testing.T) {
					e.t = t
					walkRound(t, e, rc)
				})
			}
			e.t = t
			e.clockAndRefusals(t)
			wantEveryOperationAnswered(t, e.contract, "round")
		})
	}
}

func walkRound(t *testing.T, e *roundEnv, rc apptest.RoundCase) {
	e.f.Clock.Set(rc.Start)
	deadline := rc.Start.AddDate(0, 1, 0).Format(time.DateOnly) // a soft quote date the insurer sets
	e.want(403, rc.ContractManager, "POST", "/api/rounds", fmt.Sprintf(`{"policy_id":%q,"year":%d}`, rc.Policy, rc.Year))
	e.want(422, rc.Buyer, "POST", "/api/rounds", `{"year":2026}`)
	e.want(400, rc.Buyer, "POST", "/api/rounds", `{"policy_id": 12}`)
	dates := []map[string]any{{"step": "quote", "date": deadline}}
	if rc.Policy == apptest.RoundPolicyCZ {
		// CZ's policy gives no application date; the insurer sets a soft one, passed already.
		dates = append(dates, map[string]any{"step": "application", "date": rc.Start.AddDate(0, 0, -1).Format(time.DateOnly)})
	}
	rd := e.want(201, rc.Buyer, "POST", "/api/rounds", jsonText(t, map[string]any{"policy_id": rc.Policy, "year": rc.Year, "dates": dates}))
	roundID := rd.str("id")
	e.want(409, rc.Buyer, "POST", "/api/rounds", fmt.Sprintf(`{"policy_id":%q,"year":%d}`, rc.Policy, rc.Year))
	if got := e.want(200, rc.Admin, "GET", "/api/rounds?limit=10", ""); !strings.Contains(string(got.raw), roundID) {
		t.Errorf("the provider's list of rounds lacks %s: %s", roundID, got.raw)
	}
	if v := e.want(200, rc.Admin, "GET", "/api/rounds/"+roundID, ""); v.at("stages") != nil || len(v.at("timeline").([]any)) == 0 {
		t.Errorf("a provider sees the funnel, or no timeline: %s", v.raw)
	}
	if v := e.want(200, rc.Buyer, "GET", "/api/rounds/"+roundID, ""); v.at("stages") == nil {
		t.Errorf("the inkoper sees no funnel: %s", v.raw)
	}
	e.want(404, "zz-inkoper", "GET", "/api/rounds/"+roundID+"/dossiers", "")

	// Application.
	apply := jsonText(t, map[string]any{"provider_id": rc.ProviderID, "parts": rc.Parts})
	e.want(403, rc.Filler, "POST", "/api/rounds/"+roundID+"/applications", apply)
	applied := e.want(201, rc.Admin, "POST", "/api/rounds/"+roundID+"/applications", apply)
	if (applied.str("warning") != "") != (rc.Policy == apptest.RoundPolicyCZ) {
		t.Errorf("the warning of a passed soft application date: %q", applied.str("warning"))
	}
	id := applied.str("dossier.id")
	e.want(409, rc.Admin, "POST", "/api/rounds/"+roundID+"/applications", apply)
	dossier := "/api/dossiers/" + id
	for _, other := range []string{"zz-inkoper", "ypsilon-beheerder", otherProvider(rc)} {
		e.want(404, other, "GET", dossier, "")
		e.want(404, other, "GET", dossier+"/questionnaire", "")
	}
	e.want(200, rc.Admin, "GET", "/api/dossiers", "")
	e.want(200, rc.Buyer, "GET", "/api/rounds/"+roundID+"/dossiers?stage=applied&limit=5", "")
	e.want(422, rc.Buyer, "GET", "/api/rounds/"+roundID+"/dossiers?stage=misschien", "")
	if ics := e.want(200, rc.Admin, "GET", "/api/calendar.ics", ""); !bytes.Contains(ics.raw, []byte("BEGIN:VCALENDAR")) ||
		!bytes.Contains(ics.raw, []byte("https://zorginkoop.example/dossiers/"+id)) {
		t.Errorf("the calendar is not iCalendar with the dossier's deadlines: %s", ics.raw)
	}

	// Questionnaire: answers, evidence, submission.
	form := e.want(200, rc.Filler, "GET", dossier+"/questionnaire", "")
	given := map[string]string{}
	var slots []string
	for _, s := range form.at("questionnaire.sections").([]any) {
		for _, q := range at(s, "questions").([]any) {
			fact := at(q, "fact").(string)
			given[fact] = apptest.RoundAnswer(fact, at(q, "type").(string))
		}
		ev, _ := at(s, "evidence").([]any)
		for _, slot := range ev {
			slots = append(slots, at(slot, "requirement_id").(string))
		}
	}
	for fact := range given {
		e.want(422, rc.Filler, "PUT", dossier+"/questionnaire/answers", jsonText(t, map[string]any{"answers": map[string]string{fact: "misschien"}}))
		break
	}
	e.want(204, rc.Filler, "PUT", dossier+"/questionnaire/answers", jsonText(t, map[string]any{"answers": given}))
	up := e.do(rc.Filler, "POST", dossier+"/documents?name=verklaring.pdf", apptest.SmallPDF(t), "application/pdf")
	if up.status != 201 || up.str("content_type") != "application/pdf" {
		t.Fatalf("upload: %d %s", up.status, up.raw)
	}
	docID := up.str("id")
	named := e.doHeader(rc.Filler, "POST", dossier+"/documents", []byte("Naam;Waarde\nbeddenhuis;ja\n"),
		map[string]string{"Content-Type": "text/csv", "Content-Disposition": `attachment; filename="bijlage.csv"`})
	if named.status != 201 || named.str("name") != "bijlage.csv" {
		t.Errorf("an upload named by Content-Disposition: %d %s", named.status, named.raw)
	}
	if bad := e.do(rc.Filler, "POST", dossier+"/documents?name=verklaring.pdf", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00"), "application/pdf"); bad.status != 422 {
		t.Errorf("a program named .pdf: %d %s", bad.status, bad.raw)
	}
	e.want(403, rc.Signatory, "POST", dossier+"/questionnaire/evidence", jsonText(t, map[string]string{"requirement_id": "x", "document_id": docID}))
	for _, slot := range slots {
		e.want(204, rc.Filler, "POST", dossier+"/questionnaire/evidence", jsonText(t, map[string]string{"requirement_id": slot, "document_id": docID}))
	}
	e.want(200, rc.Buyer, "GET", dossier+"/documents", "")
	if dl := e.want(200, rc.Buyer, "GET", "/api/documents/"+docID, ""); dl.header.Get("X-Content-Type-Options") != "nosniff" ||
		!strings.HasPrefix(dl.header.Get("Content-Disposition"), "attachment") || !bytes.HasPrefix(dl.raw, []byte("%PDF")) {
		t.Errorf("download: headers %v", dl.header)
	}
	e.want(404, "zz-inkoper", "GET", "/api/documents/"+docID, "")
	e.want(403, rc.Filler, "POST", dossier+"/questionnaire/submit", "")
	sub := e.want(200, rc.Admin, "POST", dossier+"/questionnaire/submit", "")
	if n := len(sub.at("outcome.parts").([]any)); n != 1+len(rc.Parts) {
		t.Fatalf("an outcome for %d parts, want the base contract and %v: %s", n, rc.Parts, sub.raw)
	}
	e.want(409, rc.Admin, "POST", dossier+"/questionnaire/submit", "")
	e.want(200, rc.Admin, "GET", dossier+"/outcome", "")

	// The medisch adviseur handles every item ter beoordeling.
	e.want(403, rc.Admin, "GET", dossier+"/reviews", "")
	reviews := e.want(200, rc.MedicalAdvisor, "GET", dossier+"/reviews", "")
	for _, it := range reviews.at("reviews").([]any) {
		path := dossier + "/reviews/" + at(it, "requirement_id").(string)
		e.want(403, rc.Buyer, "PUT", path, `{"verdict":"met","reason":"Gecontroleerd"}`)
		e.want(200, rc.MedicalAdvisor, "PUT", path, `{"verdict":"met","reason":"Gecontroleerd aan de hand van de verklaring"}`)
	}

	// Decisions per part and the offer.
	view := e.want(200, rc.Buyer, "GET", dossier, "")
	var parts []string
	for _, p := range view.at("parts").([]any) {
		parts = append(parts, at(p, "part").(string))
	}
	if len(parts) != 1+len(rc.Parts) {
		t.Fatalf("the dossier's parts %v, want the base contract and %v", parts, rc.Parts)
	}
	accepted := parts
	for i, p := range parts {
		e.want(403, rc.MedicalAdvisor, "POST", dossier+"/decisions", jsonText(t, map[string]any{"part": p, "outcome": "accepted", "reason": "Voldoet"}))
		decision := map[string]any{"part": p, "outcome": "accepted", "reason": "Voldoet aan het beleid"}
		if rc.Policy == apptest.RoundPolicyCZ && i > 0 {
			// CZ refuses the extra part om moverende redenen; the base contract goes ahead.
			decision = map[string]any{"part": p, "outcome": "refused", "discretionary": true}
			accepted = parts[:1]
		}
		d := e.want(200, rc.Buyer, "POST", dossier+"/decisions", jsonText(t, decision))
		if i > 0 && rc.Policy == apptest.RoundPolicyCZ && d.at("parts.1.decision.discretionary") != true {
			t.Errorf("the refusal om moverende redenen is not recorded: %s", d.raw)
		}
	}
	e.want(422, rc.Buyer, "POST", dossier+"/offer", `{"parts":["bestaat-niet"]}`)
	e.want(200, rc.Buyer, "POST", dossier+"/offer", jsonText(t, map[string]any{"parts": accepted}))
	e.want(200, rc.Admin, "POST", dossier+"/quote", `{"text":"Wij bieden de zorg aan tegen de voorgestelde tarieven."}`)
	if _, err := e.f.Notices.Deliver(context.Background()); err != nil {
		t.Fatal(err)
	}
	wantMail(t, e, rc.Admin, "Contractaanbod")

	// The price list: proposed, countered through an xlsx round trip, accepted.
	base := dossier + "/pricelists/" + parts[0]
	lines := `[{"code":"A100","description":"Consult","tariff_cents":10000,"volume":120},{"code":"B200","description":"Behandeling","tariff_cents":250050,"volume":10}]`
	e.want(403, rc.Admin, "POST", base, `{"lines":`+lines+`}`)
	if v := e.want(422, rc.Buyer, "POST", base, `{"lines":[{"code":"A100","tariff_cents":0,"volume":1}]}`); v.str("errors.0.field") != "lines[0].tariff_cents" {
		t.Errorf("a tariff of 0: %s", v.raw)
	}
	e.want(201, rc.Buyer, "POST", base, `{"lines":`+lines+`,"note":"Ons voorstel"}`)
	e.want(200, rc.Admin, "GET", dossier+"/pricelists", "")
	book := e.want(200, rc.Admin, "GET", base+"/xlsx", "")
	malformed := e.do(rc.Admin, "PUT", base+"/xlsx", apptest.WithPriceListCell(t, book.raw, "C3", "veel"), xlsxType)
	if malformed.status != 422 || malformed.at("errors.0.line") != float64(3) || malformed.str("errors.0.field") == "" {
		t.Errorf("a malformed sheet: %d %s", malformed.status, malformed.raw)
	}
	if v := e.want(200, rc.Admin, "GET", base, ""); v.at("price_list.version") != float64(1) {
		t.Errorf("the malformed sheet changed the price list: %s", v.raw)
	}
	changed := e.do(rc.Admin, "PUT", base+"/xlsx?note=Hoger+tarief+consult", apptest.WithPriceListCell(t, book.raw, "C2", 112.50), xlsxType)
	if changed.status != 200 || changed.at("version") != float64(2) || changed.at("lines.0.tariff_cents") != float64(11250) {
		t.Fatalf("xlsx counter-proposal: %d %s", changed.status, changed.raw)
	}
	stale := e.want(409, rc.ProviderContractManager, "POST", base+"/counter", `{"based_on":1,"lines":`+lines+`,"note":"Oud"}`)
	if stale.at("unsaved.lines.1.code") != "B200" || stale.at("unsaved.current") != float64(2) {
		t.Errorf("the stale counter-proposal's lines are not sent back: %s", stale.raw)
	}
	e.want(409, rc.ContractManager, "POST", base+"/accept", `{"based_on":1}`)
	versions := 2
	if rc.Policy == apptest.RoundPolicyCZ {
		// CZ answers with a counter-proposal of its own, which the practice accepts.
		e.want(200, rc.ContractManager, "POST", base+"/counter", `{"based_on":2,"lines":`+lines+`,"note":"Terug naar ons voorstel"}`)
		e.want(200, rc.Admin, "POST", base+"/accept", `{"based_on":3}`)
		versions = 3
	} else {
		e.want(200, rc.ContractManager, "POST", base+"/accept", `{"based_on":2}`)
	}
	if h := e.want(200, rc.Admin, "GET", base, ""); len(h.at("rounds").([]any)) != versions || h.at("price_list.status") != "agreed" {
		t.Errorf("history: %s", h.raw)
	}

	for _, other := range []string{"zz-inkoper", otherProvider(rc)} {
		e.want(404, other, "GET", base, "")
		e.want(404, other, "GET", base+"/xlsx", "")
		e.want(404, other, "POST", base+"/counter", `{"based_on":3,"lines":`+lines+`}`)
	}

	// The contract, signed by both parties with the PDF's SHA-256.
	e.want(403, rc.MedicalAdvisor, "POST", dossier+"/contract", "")
	c := e.want(200, rc.ContractManager, "POST", dossier+"/contract", "")
	contractID := c.str("id")
	e.want(200, rc.Signatory, "GET", dossier+"/contract", "")
	pdf := e.want(200, rc.Signatory, "GET", "/api/contracts/"+contractID+"/pdf", "")
	sum := sha256.Sum256(pdf.raw)
	hash := hex.EncodeToString(sum[:])
	if hash != c.str("document_sha256") || pdf.header.Get("X-Content-SHA256") != hash {
		t.Errorf("the PDF's SHA-256 %s differs from the contract's %s", hash, c.str("document_sha256"))
	}
	e.want(200, rc.Buyer, "GET", "/api/contracts/"+contractID+"/xlsx", "")
	e.want(404, "zz-inkoper", "GET", "/api/contracts/"+contractID+"/pdf", "")
	e.want(404, otherProvider(rc), "GET", dossier+"/contract", "")
	sign := jsonText(t, map[string]string{"sha256": hash})
	if rc.Policy == apptest.RoundPolicyCaresq {
		// 12 November 2025, one day after the hard signing deadline of 11 November.
		e.f.Clock.Set(time.Date(2025, 11, 12, 10, 0, 0, 0, nl.Amsterdam))
		late := e.want(409, rc.Signatory, "POST", "/api/contracts/"+contractID+"/signatures", sign)
		if !strings.Contains(late.str("detail"), "2025-11-11") {
			t.Errorf("the refusal does not name the deadline: %s", late.raw)
		}
		if v := e.want(200, rc.Signatory, "GET", dossier+"/contract", ""); len(v.at("signatures").([]any)) != 0 || v.str("status") != "awaiting_signatures" {
			t.Errorf("the refused signature changed the contract: %s", v.raw)
		}
		wantDenied(t, e, id, "contract.sign")
		e.f.Clock.Set(time.Date(2025, 11, 11, 16, 0, 0, 0, nl.Amsterdam))
	}
	e.want(403, rc.Admin, "POST", "/api/contracts/"+contractID+"/signatures", sign)
	if v := e.want(422, rc.Signatory, "POST", "/api/contracts/"+contractID+"/signatures", jsonText(t, map[string]string{"sha256": strings.Repeat("0", 64)})); v.str("errors.0.field") != "sha256" {
		t.Errorf("a signature of another document: %s", v.raw)
	}
	e.want(404, "zz-inkoper", "POST", "/api/contracts/"+contractID+"/signatures", sign)
	e.want(201, rc.Signatory, "POST", "/api/contracts/"+contractID+"/signatures", sign)
	if v := e.want(201, rc.ContractManager, "POST", "/api/contracts/"+contractID+"/signatures", sign); v.str("status") != "signed" {
		t.Errorf("after both signatures: %s", v.raw)
	}

	// Published on the publication date (12 November), without prices.
	pubDate := time.Date(rc.Year-1, 11, 12, 0, 30, 0, 0, nl.Amsterdam)
	e.f.Clock.Set(pubDate)
	if n, err := e.f.Contracts.Publish(context.Background(), e.f.Clock.Now()); err != nil || n != 1 {
		t.Fatalf("publish: %d, %v", n, err)
	}
	pub := e.want(200, "", "GET", "/api/published-contracts?insurer="+rc.Insurer, "")
	if pub.at("contracts.0.provider_id") != rc.ProviderID || bytes.Contains(pub.raw, []byte("tariff")) || bytes.Contains(pub.raw, []byte("cents")) {
		t.Errorf("published contracts: %s", pub.raw)
	}
	if v := e.want(200, rc.Admin, "GET", dossier, ""); v.str("stage") != "published" {
		t.Errorf("the dossier's stage after publication: %s", v.str("stage"))
	}
	inbox := e.want(200, rc.Admin, "GET", "/api/inbox?limit=50", "")
	if n, _ := inbox.at("total").(float64); n == 0 {
		t.Fatalf("the provider's inbox is empty")
	}
	e.want(204, rc.Admin, "POST", "/api/inbox/"+inbox.str("items.0.id")+"/read", "")
	e.want(404, "zz-inkoper", "POST", "/api/inbox/"+inbox.str("items.0.id")+"/read", "")
	e.want(204, rc.Buyer, "POST", "/api/rounds/"+roundID+"/extensions",
		jsonText(t, map[string]string{"dossier_id": id, "step": "quote", "date": rc.Start.AddDate(0, 2, 0).Format(time.DateOnly), "reason": "Storing in het portaal"}))
}

// otherProvider is the provider admin of the other round: another tenant here.
func otherProvider(rc apptest.RoundCase) string {
	if rc.Policy == apptest.RoundPolicyCaresq {
		return apptest.RoundCases[1].Admin
	}
	return apptest.RoundCases[0].Admin
}

// clockAndRefusals: the test clock is the operator's alone, no credentials is 401, and a
// document larger than the documents' limit is refused before it is read.
func (e *roundEnv) clockAndRefusals(t *testing.T) {
	e.want(200, "operator", "GET", "/api/clock", "")
	e.want(403, "eucare-inkoper", "PUT", "/api/clock", `{"now":"2025-11-12T00:00:00+01:00"}`)
	e.want(422, "operator", "PUT", "/api/clock", `{}`)
	if v := e.want(200, "operator", "PUT", "/api/clock", `{"now":"2025-11-12T00:00:00+01:00"}`); !strings.HasPrefix(v.str("now"), "2025-11-1") {
		t.Errorf("clock: %s", v.raw)
	}
	e.want(401, "", "GET", "/api/dossiers", "")
	e.want(401, "", "GET", "/api/clock", "")
	big := append([]byte("%PDF-1.4\n"), make([]byte, e.f.Documents.MaxSize())...)
	if a := e.do("kliniek-invuller", "POST", "/api/dossiers/dos-0000000000000000/documents?name=groot.pdf", big, "application/pdf"); a.status != 413 {
		t.Errorf("a document over the limit: %d %s", a.status, a.raw)
	}
	dossiers := e.want(200, "kliniek-invuller", "GET", "/api/dossiers", "")
	chunked := map[string]string{"Content-Type": "application/pdf", "Transfer-Encoding": "chunked"}
	if a := e.doHeader("kliniek-invuller", "POST", "/api/dossiers/"+dossiers.str("dossiers.0.id")+"/documents?name=groot.pdf", big, chunked); a.status != 413 {
		t.Errorf("a document over the limit, of undeclared length: %d %s", a.status, a.raw)
	}
}

// wantDenied fails unless the dossier's trail has a refused attempt at action.
func wantDenied(t *testing.T, e *roundEnv, dossierID, action string) {
	t.Helper()
	es, err := e.f.Audit.Entries(context.Background(), audit.Operator, audit.Filter{Dossier: dossierID})
	if err != nil {
		t.Fatal(err)
	}
	for _, en := range es {
		if en.Action == action && en.Denied {
			return
		}
	}
	t.Errorf("no refused %s in the trail of %s", action, dossierID)
}

// wantMail fails unless the user with key got an e-mail whose subject has subject.
func wantMail(t *testing.T, e *roundEnv, key, subject string) {
	t.Helper()
	to := e.f.Email(key)
	for _, m := range e.f.Mail.Messages() {
		for _, rcpt := range m.To {
			if rcpt == to && strings.Contains(m.Subject, subject) {
				return
			}
		}
	}
	var got []string
	for _, m := range e.f.Mail.Messages() {
		got = append(got, fmt.Sprint(m.To, " ", m.Subject))
	}
	t.Errorf("no e-mail %q to %s; received: %v", subject, to, got)
}

// Without a test clock the server has no clock routes: the operator's request is 404,
// so a production server never lets anyone move its date.
func TestTheClockRoutesDoNotExistWithoutATestClock(t *testing.T) {
	e := newEnv(t)
	for _, method := range []string{"GET", "PUT"} {
		body := ""
		if method == "PUT" {
			body = `{"now":"2025-11-12T00:00:00+01:00"}`
		}
		if resp, v := e.call(t, method, "/api/clock", body); resp.StatusCode != 404 {
			t.Errorf("%s /api/clock without a test clock: %d %v", method, resp.StatusCode, v)
		}
	}
}

// Every seed policy's round shows the policy's timeline: each milestone with its date,
// in date order, and the dates the insurer set beside them, marked as the insurer's.
func TestEverySeedPolicysRoundShowsItsTimeline(t *testing.T) {
	e := newRoundEnv(t, "sqlite")
	for _, c := range e.f.Library.Policies() {
		if c.Status != policy.Published || len(c.ContractYears) == 0 {
			continue
		}
		t.Run(c.ID, func(t *testing.T) {
			e.t = t
			buyer := apptest.RoundBuyers[c.Insurer]
			year := c.ContractYears[0]
			set := fmt.Sprintf("%d-10-15", year-1)
			r := e.want(201, buyer, "POST", "/api/rounds", jsonText(t, map[string]any{"policy_id": c.ID, "year": year,
				"dates": []map[string]any{{"step": "quote", "date": set, "hard": true}}}))
			v := e.want(200, buyer, "GET", "/api/rounds/"+r.str("id"), "")
			var want []string
			for _, m := range c.TimelineByDate() {
				want = append(want, m.Date.String()+" "+m.What)
			}
			var got, dates, fromPolicy []string
			for _, d := range v.at("timeline").([]any) {
				line := at(d, "date").(string) + " " + at(d, "what").(string)
				got, dates = append(got, line), append(dates, at(d, "date").(string))
				if at(d, "source") == "beleid" {
					fromPolicy = append(fromPolicy, line)
				} else if at(d, "date") != set || at(d, "hard") != true || at(d, "step") != "quote" {
					t.Errorf("the insurer's date: %v", d)
				}
			}
			if strings.Join(fromPolicy, "\n") != strings.Join(want, "\n") {
				t.Errorf("timeline from the policy:\n%s\nwant:\n%s", strings.Join(fromPolicy, "\n"), strings.Join(want, "\n"))
			}
			if len(got) != len(want)+1 || !slices.IsSorted(dates) {
				t.Errorf("the timeline is not the policy's milestones and the insurer's date in date order:\n%s", strings.Join(got, "\n"))
			}
		})
	}
}
