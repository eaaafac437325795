package claims

import (
	"bytes"
	"strconv"
	"testing"

	"zorginkoop/internal/claims/vektis"
)

// zhHeader is the opening record of a test file.
type zhHeader struct {
	Sender   string // INSTELLINGSCODE
	UZOVI    string
	Invoice  string
	From, To string // YYYYMMDD
}

// zhClaim is one claim line of a test file: a prestatierecord and one tariefrecord.
type zhClaim struct {
	BSN, UZOVI, List, Code, Product, Zorgtype, Specialism, Ref, PrevRef string
	Begin, End                                                          string
	Qty                                                                 int
	Cents                                                               int64
	Credit                                                              bool
}

// buildZH308 writes a valid ZH308 file: a verzekerdenrecord whenever the BSN changes,
// then per claim a prestatierecord and a tariefrecord.
func buildZH308(tb testing.TB, h zhHeader, cs []zhClaim) []byte {
	tb.Helper()
	l := vektis.ZH308v90()
	rec := func(code string, v map[string]string) vektis.Record {
		r, err := vektis.NewRecord(l, code, v)
		if err != nil {
			tb.Fatal(err)
		}
		return r
	}
	open := rec("01", map[string]string{
		"CODE EXTERNE-INTEGRATIEBERICHT": "101", "VERSIENUMMER BERICHTSTANDAARD": "9", "SOORT BERICHT": "P",
		"IDENTIFICATIECODE BETALING AAN": "03", "BEGINDATUM DECLARATIEPERIODE": h.From, "UZOVI-NUMMER": h.UZOVI,
		"EINDDATUM DECLARATIEPERIODE": h.To, "FACTUURNUMMER DECLARANT": h.Invoice,
		"DAGTEKENING FACTUUR": h.To, "VALUTACODE": "EUR", "INSTELLINGSCODE": h.Sender,
	})
	var details []vektis.Record
	id := 0
	next := func() string { id++; return strconv.Itoa(id) }
	lastBSN := ""
	for _, c := range cs {
		if c.List == "" {
			c.List = "020"
		}
		if c.UZOVI == "" {
			c.UZOVI = h.UZOVI
		}
		if c.Qty == 0 {
			c.Qty = 1
		}
		if c.End == "" {
			c.End = c.Begin
		}
		dc := "D"
		if c.Credit {
			dc = "C"
		}
		if c.BSN != lastBSN {
			details = append(details, rec("02", map[string]string{
				"IDENTIFICATIE DETAILRECORD": next(), "BURGERSERVICENUMMER (BSN) VERZEKERDE": c.BSN,
				"UZOVI-NUMMER": c.UZOVI, "DATUM GEBOORTE VERZEKERDE": "19700101", "CODE GESLACHT VERZEKERDE": "1",
				"NAAMCODE/NAAMGEBRUIK (01)": "1", "NAAM VERZEKERDE (01)": "Jansen", "VOORLETTERS VERZEKERDE": "J",
				"INDICATIE CLIENT OVERLEDEN": "2",
			}))
			lastBSN = c.BSN
		}
		details = append(details, rec("04", map[string]string{
			"IDENTIFICATIE DETAILRECORD": next(), "BURGERSERVICENUMMER (BSN) VERZEKERDE": c.BSN, "UZOVI-NUMMER": c.UZOVI,
			"DOORSTUREN TOEGESTAAN": "1", "DATUM GEBOORTE VERZEKERDE": "19700101", "AANDUIDING PRESTATIECODELIJST": c.List,
			"PRESTATIECODE/DBC DECLARATIECODE": c.Code, "BEGINDATUM PRESTATIE": c.Begin, "EINDDATUM PRESTATIE": c.End,
			"PRESTATIEVOLGNUMMER": "1", "CODE (ZELF)VERWIJZER": "03", "AANTAL UITGEVOERDE PRESTATIES": strconv.Itoa(c.Qty),
			"ZORGPRODUCTCODE": c.Product, "ZORGTYPECODE": c.Zorgtype,
			"ZORGVERLENERSSPECIFICATIE BEHANDELAAR/UITVOERDER (SUBBEROEPSGROEP)": c.Specialism,
			"CODE HERDECLARATIE": "0", "INDICATIE DEBET/CREDIT": dc, "REFERENTIENUMMER DIT PRESTATIERECORD": c.Ref,
			"REFERENTIENUMMER VOORGAANDE GERELATEERDE PRESTATIERECORD": c.PrevRef,
		}))
		cents := c.Cents
		if cents < 0 {
			cents = -cents
		}
		details = append(details, rec("06", map[string]string{
			"IDENTIFICATIE DETAILRECORD": next(), "BURGERSERVICENUMMER (BSN) VERZEKERDE": c.BSN, "UZOVI-NUMMER": c.UZOVI,
			"AANDUIDING PRESTATIECODELIJST (01)": c.List, "PRESTATIECODE/DBC DECLARATIECODE": c.Code,
			"BEGINDATUM PRESTATIE": c.Begin, "PRESTATIEVOLGNUMMER": "1", "SOORT PRESTATIE/TARIEF": "02",
			"VERREKENPERCENTAGE": "10000", "INDICATIE DEBET/CREDIT (01)": dc, "DECLARATIEBEDRAG (INCL. BTW)": strconv.FormatInt(cents, 10),
			"INDICATIE DEBET/CREDIT (02)": dc, "REFERENTIENUMMER DIT TARIEFRECORD": "T" + c.Ref,
		}))
	}
	closing, err := vektis.ClosingRecord(l, details)
	if err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	recs := append(append([]vektis.Record{open}, details...), closing)
	if err := vektis.Write(&buf, l, recs); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// bsnAt is the i-th BSN that passes the eleven test, from 100000000 on.
func bsnAt(i int) string {
	for n := 100000000 + i*11; ; n++ {
		s := strconv.Itoa(n)
		if ElevenTest(s) {
			return s
		}
	}
}
