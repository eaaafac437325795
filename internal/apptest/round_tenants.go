package apptest

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"zorginkoop/internal/identity"
	"zorginkoop/internal/notify"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/pricelist"
	"zorginkoop/internal/questionnaire"
	"zorginkoop/internal/round"
)

// The purchasing round of the authorisation tests (issue 10): a small published policy of
// insurer A and one of insurer B that the GP practices X and Y are judged under, A's
// rounds with a dossier of X at each stage that has doors, the price-list-only dossier of
// Y (whose running contract with A covers 2022), and B's round with Y's dossier brought
// to a generated contract. The markers below are in their answers, prices, notes, quotes
// and documents, so that a leak to another tenant (or, for prices and draft answers, to a
// role of the same party that may not see them) is found.
const (
	RoundPolicyA = "cz-ronde-matrix"
	RoundPolicyB = "zz-ronde-matrix"
	// RoundBase is the base contract of both policies, RoundModule their part (initiative
	// provider), RoundReview the requirement "ter beoordeling" with an evidence upload.
	RoundBase   = "basisovereenkomst"
	RoundModule = "module-avondspreekuur"
	RoundReview = "kwaliteitsbeleid"
)

// Markers of the round.
var (
	// X's draft answer (omzet_totaal) in its unsubmitted questionnaire with A: only X
	// sees it (the insurer sees answers once submitted).
	MarkersAXDraft = []string{"76543219", "76.543.219"}
	// The price list A and X negotiate: only the parties' staff who negotiate or sign see
	// it (not X's invuller, not A's medisch adviseur or other roles).
	MarkersAXPrices = []string{"98765431", "987.654,31", "987654.31", "MATRIXAX1"}
	// The agreed price list of X's contract with A, in the contract's PDF and xlsx too.
	MarkersAXContract = []string{"13579246", "135.792,46", "135792.46", "MATRIXAXC"}
	// A's reasons, X's quote and X's document in its dossiers with A.
	MarkersAXNotes = []string{"Besluitreden Alfa-5521", "Offerte Alfa-6630", "Bewijsstuk-Alfa-3371"}
	// The price list A proposed to Y (price list only): A's side and Y, never X.
	MarkersAYPrices = []string{"24681357", "246.813,57", "246813.57", "MATRIXAY1"}
	// Y's dossier with B: its prices (agreed, in its contract), B's reason and Y's document.
	MarkersBYPrices = []string{"86420975", "864.209,75", "864209.75", "MATRIXBY1"}
	MarkersBYNotes  = []string{"Besluitreden Beta-4417", "Bewijsstuk-Beta-7730"}
)

// RoundObjects are the rounds, dossiers and other objects OpenRounds makes.
type RoundObjects struct {
	// A's rounds of RoundPolicyA for 2022–2025 and B's of RoundPolicyB for 2024.
	RoundA, RoundA2, RoundA3, RoundA4, RoundB string
	// X's dossiers with A: negotiating (A proposed, X countered: version 2, awaiting A;
	// X submitted a quote), draft (answers saved, a document uploaded, not submitted),
	// submitted (assessed, its review item open, no decision yet) and contracted (agreed,
	// contract generated, awaiting signatures).
	AXNegotiating, AXDraft, AXSubmitted, AXContract string
	// AY is Y's price-list-only dossier with A (A proposed version 1); BY Y's dossier with
	// B (agreed, contract generated).
	AY, BY string
	// ContractAX and ContractBY are the contracts of AXContract and BY.
	ContractAX, ContractBY string
	// DocumentAX is X's document in AXDraft; DocumentAXEvidence the evidence attached in
	// AXSubmitted; DocumentBY Y's evidence in BY.
	DocumentAX, DocumentAXEvidence, DocumentBY string
	// Notice* are a notice in the inbox of X, Y, A and B.
	NoticeX, NoticeY, NoticeA, NoticeB string
}

// roundPolicy is a policy of insurer for GP practices, with every step of the round dated
// after Now, a base contract, a part the provider asks for, and a requirement "ter
// beoordeling" with an evidence upload.
func roundPolicy(id, insurer, years string) string {
	return fmt.Sprintf(`id: %[1]s
title: Testbeleid inkoopronde %[1]s
insurer: %[2]s
sector: huisartsenzorg
contract_years: %[3]s
published: 2021-04-01
reference_date: 2022-01-01
source: {file: ronde.txt, title: Testbeleid inkoopronde}
care_types: [huisarts]
base: {id: basisovereenkomst, title: Basisovereenkomst huisartsenzorg, source: ronde.txt §2}
parts:
  - {id: module-avondspreekuur, title: Module avondspreekuur, source: ronde.txt §3, initiative: provider, requires: basisovereenkomst}
requirements:
  - id: big
    kind: knockout
    title: BIG-registratie als huisarts
    text: Een huisarts moet beschikken over een BIG-registratie als huisarts.
    source: ronde.txt §2.1
    rule: big_registratie_huisarts
  - id: omzet
    kind: knockout
    title: Omzet
    text: De praktijk heeft ten minste € 50.000 omzet.
    source: ronde.txt §2.2
    rule: omzet_totaal >= eur(50000)
  - id: kwaliteitsbeleid
    kind: review
    title: Kwaliteitsbeleid en waarneming
    text: De medisch adviseur beoordeelt het kwaliteitsbeleid met de waarneemregeling.
    source: ronde.txt §2.3
    evidence: [waarneemregeling]
  - id: avond-geen-faillissement
    kind: knockout
    title: Geen faillissement voor het avondspreekuur
    text: Voor het avondspreekuur contracteren we niet met een praktijk in faillissement.
    source: ronde.txt §3.1
    part: module-avondspreekuur
    rule: "!in_faillissement"
timeline:
  - {id: aanmelden, step: application, kind: deadline, what: Uiterste datum aanmelden, actor: zorgaanbieder, date: 2021-12-01, hard: true, source: ronde.txt §4}
  - {id: uitvraag, step: questionnaire, kind: deadline, what: Uiterste datum uitvraag, actor: zorgaanbieder, date: 2021-12-01, hard: true, source: ronde.txt §4}
  - {id: aanbod, step: offer, kind: opening, what: Aanbod verzekeraar, actor: verzekeraar, date: 2021-11-15, hard: false, source: ronde.txt §4}
  - {id: offerte, step: quote, kind: deadline, what: Uiterste datum offerte, actor: zorgaanbieder, date: 2021-12-10, hard: true, source: ronde.txt §4}
  - {id: tekenen, step: signing, kind: deadline, what: Uiterste tekendatum, actor: zorgaanbieder, date: 2021-12-20, hard: true, source: ronde.txt §4}
  - {id: publicatie, step: publication, kind: publication, what: Publicatie gecontracteerd zorgaanbod, actor: verzekeraar, date: 2021-12-24, hard: true, source: ronde.txt §4}
contract_forms:
  - {id: pxq, kind: pxq, title: Overeenkomst p maal q, text: Tarief maal volume., source: ronde.txt §5, max_years: 1}
`, id, insurer, years)
}

// OpenRounds installs RoundPolicyA and RoundPolicyB and brings the round's objects
// (RoundObjects) to their stages through the services, as the tenants' users.
func (ts *Tenants) OpenRounds(t *testing.T) *RoundObjects {
	t.Helper()
	e := ts.Env
	files := map[string][]byte{
		RoundPolicyA + ".yaml": []byte(roundPolicy(RoundPolicyA, InsurerA, "[2022, 2023, 2024, 2025]")),
		RoundPolicyB + ".yaml": []byte(roundPolicy(RoundPolicyB, InsurerB, "[2024]")),
	}
	if _, err := policy.Install(context.Background(), e.Library, e.DB, Now, files); err != nil {
		t.Fatalf("install the round's policies: %v", err)
	}
	f := &roundFixture{t: t, ts: ts, o: &RoundObjects{}}
	o := f.o
	o.RoundA = f.open("a-inkoper", RoundPolicyA, 2022)
	o.RoundA2 = f.open("a-inkoper", RoundPolicyA, 2023)
	o.RoundA3 = f.open("a-inkoper", RoundPolicyA, 2024)
	o.RoundA4 = f.open("a-inkoper", RoundPolicyA, 2025)
	o.RoundB = f.open("b-inkoper", RoundPolicyB, 2024)

	// X with A, 2023: a draft.
	o.AXDraft = f.apply("x-beheerder", o.RoundA2, ProviderX, RoundModule)
	f.answer("x-invuller", o.AXDraft, map[string]string{"omzet_totaal": "76.543.219,87"})
	o.DocumentAX = f.upload("x-invuller", o.AXDraft, MarkersAXNotes[2]+".pdf")

	// X with A, 2024: submitted, its review item open.
	o.AXSubmitted = f.apply("x-beheerder", o.RoundA3, ProviderX, RoundModule)
	o.DocumentAXEvidence = f.evidence("x-invuller", o.AXSubmitted, "kwaliteitsbeleid-linde.pdf")
	f.submit("x-beheerder", o.AXSubmitted)

	// X with A, 2022: offered, negotiating, with a quote.
	o.AXNegotiating = f.apply("x-beheerder", o.RoundA, ProviderX, RoundModule)
	f.submit("x-beheerder", o.AXNegotiating)
	f.review("a-medisch-adviseur", o.AXNegotiating)
	f.decide("a-inkoper", o.AXNegotiating, RoundBase, round.Accepted, MarkersAXNotes[0])
	f.decide("a-inkoper", o.AXNegotiating, RoundModule, round.RefusedIt, "Geen avondspreekuur in deze regio")
	f.offer("a-inkoper", o.AXNegotiating)
	f.propose("a-inkoper", o.AXNegotiating, false, priceLines("MATRIXAX1", 98765431))
	f.counter("x-beheerder", o.AXNegotiating, 1, priceLines("MATRIXAX1", 98765431, 1))
	f.quote("x-beheerder", o.AXNegotiating, MarkersAXNotes[1])

	// X with A, 2025: agreed, its contract generated.
	o.AXContract = f.apply("x-beheerder", o.RoundA4, ProviderX)
	f.submit("x-beheerder", o.AXContract)
	f.decide("a-inkoper", o.AXContract, RoundBase, round.Accepted, "Voldoet aan alle eisen")
	f.offer("a-inkoper", o.AXContract)
	f.propose("a-contractbeheerder", o.AXContract, false, priceLines("MATRIXAXC", 13579246))
	f.accept("x-beheerder", o.AXContract, 1)
	o.ContractAX = f.generate("a-contractbeheerder", o.AXContract)

	// Y with A, 2022: invited for the price list only (its contract runs to 2022).
	o.AY = f.dossierOf(o.RoundA, ProviderY)
	f.propose("a-inkoper", o.AY, true, priceLines("MATRIXAY1", 24681357))

	// Y with B, 2024: agreed, its contract generated.
	o.BY = f.apply("y-beheerder", o.RoundB, ProviderY)
	f.answer("y-beheerder", o.BY, map[string]string{"omzet_totaal": "60.000,00"})
	o.DocumentBY = f.evidence("y-beheerder", o.BY, MarkersBYNotes[1]+".pdf")
	f.submit("y-beheerder", o.BY)
	f.decide("b-inkoper", o.BY, RoundBase, round.Accepted, MarkersBYNotes[0])
	f.offer("b-inkoper", o.BY)
	f.propose("b-inkoper", o.BY, false, priceLines("MATRIXBY1", 86420975))
	f.accept("y-beheerder", o.BY, 1)
	o.ContractBY = f.generate("b-inkoper", o.BY)

	o.NoticeX = f.notice(OrgX)
	o.NoticeY = f.notice(OrgY)
	o.NoticeA = f.notice(OrgA)
	o.NoticeB = f.notice(OrgB)
	return o
}

// priceLines is a price list of two lines: the marker code with tariff cents (plus add,
// for a counter-proposal's changed volume) and a common line.
func priceLines(code string, cents int64, add ...int) []pricelist.Line {
	volume := 120
	for _, a := range add {
		volume += a
	}
	return []pricelist.Line{
		{Code: code, Description: "Consult avondspreekuur", Tariff: cents, Volume: volume},
		{Code: "CONSULT-REGULIER", Description: "Consult regulier", Tariff: 1050, Volume: 4000},
	}
}

// roundFixture brings the round's objects to their stages, failing the test on an error.
type roundFixture struct {
	t  *testing.T
	ts *Tenants
	o  *RoundObjects
}

func (f *roundFixture) p(key string) identity.Principal { return f.ts.Actor(key).Principal }

func (f *roundFixture) check(what string, err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatalf("round fixture: %s: %v", what, err)
	}
}

func (f *roundFixture) open(key, policyID string, year int) string {
	f.t.Helper()
	r, err := f.ts.Env.Rounds.OpenRound(context.Background(), f.p(key), policyID, year, nil)
	f.check("open "+policyID, err)
	return r.ID
}

func (f *roundFixture) apply(key, roundID, providerID string, parts ...string) string {
	f.t.Helper()
	res, err := f.ts.Env.Rounds.Apply(context.Background(), f.p(key), roundID, round.Application{ProviderID: providerID, Parts: parts})
	f.check("apply to "+roundID, err)
	return res.Dossier.ID
}

func (f *roundFixture) dossierOf(roundID, providerID string) string {
	f.t.Helper()
	d, err := f.ts.Env.DB.DossierOf(context.Background(), roundID, providerID)
	f.check("dossier of "+providerID+" in "+roundID, err)
	return d.ID
}

func (f *roundFixture) answer(key, dossierID string, answers map[string]string) {
	f.t.Helper()
	f.check("answers", f.ts.Env.Questionnaires.SaveAnswers(context.Background(), f.p(key), dossierID, answers))
}

// matrixPDF is a small valid-looking PDF: the documents area sniffs the type from the bytes.
func matrixPDF(title string) []byte {
	return []byte("%PDF-1.4\n1 0 obj << /Title (" + title + ") >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
}

func (f *roundFixture) upload(key, dossierID, name string) string {
	f.t.Helper()
	d, err := f.ts.Env.Documents.Upload(context.Background(), f.p(key), dossierID, name, bytes.NewReader(matrixPDF(name)))
	f.check("upload "+name, err)
	return d.ID
}

// evidence uploads a document and attaches it to RoundReview.
func (f *roundFixture) evidence(key, dossierID, name string) string {
	f.t.Helper()
	id := f.upload(key, dossierID, name)
	f.check("attach "+name, f.ts.Env.Questionnaires.AttachEvidence(context.Background(), f.p(key), dossierID, RoundReview, id))
	return id
}

// submit answers what the provider's record leaves open (waarneemregeling) and submits.
func (f *roundFixture) submit(key, dossierID string) {
	f.t.Helper()
	f.answer(key, dossierID, map[string]string{"waarneemregeling": "ja"})
	_, err := f.ts.Env.Questionnaires.Submit(context.Background(), f.p(key), dossierID)
	f.check("submit "+dossierID, err)
}

func (f *roundFixture) review(key, dossierID string) {
	f.t.Helper()
	_, err := f.ts.Env.Questionnaires.HandleReview(context.Background(), f.p(key), dossierID, RoundReview, questionnaire.VerdictMet,
		"Kwaliteitsbeleid en waarneemregeling in orde")
	f.check("review "+dossierID, err)
}

func (f *roundFixture) decide(key, dossierID, part string, outcome round.Outcome, reason string) {
	f.t.Helper()
	_, err := f.ts.Env.Rounds.Decide(context.Background(), f.p(key), dossierID, round.DecisionInput{Part: part, Outcome: outcome, Reason: reason})
	f.check("decide "+part, err)
}

func (f *roundFixture) offer(key, dossierID string) {
	f.t.Helper()
	_, err := f.ts.Env.Rounds.Offer(context.Background(), f.p(key), dossierID, []string{RoundBase})
	f.check("offer", err)
}

func (f *roundFixture) propose(key, dossierID string, priceListOnly bool, lines []pricelist.Line) {
	f.t.Helper()
	_, err := f.ts.Env.PriceLists.Propose(context.Background(), f.p(key), pricelist.Proposal{DossierID: dossierID, Part: RoundBase,
		Lines: lines, Note: "Voorstel van de zorgverzekeraar", PriceListOnly: priceListOnly})
	f.check("propose", err)
}

func (f *roundFixture) counter(key, dossierID string, basedOn int, lines []pricelist.Line) {
	f.t.Helper()
	_, err := f.ts.Env.PriceLists.Counter(context.Background(), f.p(key), pricelist.Submission{DossierID: dossierID, Part: RoundBase,
		BasedOn: basedOn, Lines: lines, Note: "Tegenvoorstel van de zorgaanbieder"})
	f.check("counter", err)
}

func (f *roundFixture) accept(key, dossierID string, version int) {
	f.t.Helper()
	_, err := f.ts.Env.PriceLists.Accept(context.Background(), f.p(key), dossierID, RoundBase, version)
	f.check("accept", err)
}

func (f *roundFixture) quote(key, dossierID, text string) {
	f.t.Helper()
	_, _, err := f.ts.Env.Rounds.SubmitQuote(context.Background(), f.p(key), dossierID, round.QuoteInput{Text: text})
	f.check("quote", err)
}

func (f *roundFixture) generate(key, dossierID string) string {
	f.t.Helper()
	c, err := f.ts.Env.Contracts.Generate(context.Background(), f.p(key), dossierID)
	f.check("generate the contract of "+dossierID, err)
	return c.ID
}

// notice is the newest notice in the organisation's inbox.
func (f *roundFixture) notice(orgKey string) string {
	f.t.Helper()
	var key string
	for _, a := range f.ts.Actors {
		if a.Principal.OrgID() == orgKey && !a.Principal.IsOperator() {
			key = a.Key
			break
		}
	}
	in, err := f.ts.Env.Notices.Inbox(context.Background(), f.p(key), notify.Page{Limit: 1})
	f.check("inbox of "+orgKey, err)
	if len(in.Items) == 0 {
		f.t.Fatalf("round fixture: no notice for %s", orgKey)
	}
	return in.Items[0].ID
}
