package apptest

import (
	"bytes"
	"fmt"
	"strconv"
	"testing"

	"zorginkoop/internal/claims/vektis"
)

// ClaimFile describes a small ZH308 v9.0 file for the tests of the claims doors: who sends
// it to which insurer label, and its claim lines.
type ClaimFile struct {
	SenderAGB  string // INSTELLINGSCODE of the sender
	UZOVI      string // the receiving label's UZOVI number
	Invoice    string // FACTUURNUMMER DECLARANT
	PeriodFrom string // YYYYMMDD
	PeriodTo   string
	Lines      []ClaimLine
}

// ClaimLine is one prestatierecord with one tariefrecord.
type ClaimLine struct {
	BSN, Code, CodeList string // CodeList "" is 020 (DBC)
	ProductCode         string
	Zorgtype            string
	Specialism          string
	Begin, End          string // YYYYMMDD
	Quantity            int    // 0 is 1
	Cents               int64
	Reference           string
	PrevReference       string
	Credit              bool
}

// Bytes writes the file with vektis.Write (closing record computed).
func (f ClaimFile) Bytes(t testing.TB) []byte {
	t.Helper()
	l := vektis.ZH308v90()
	rec := func(code string, v map[string]string) vektis.Record {
		r, err := vektis.NewRecord(l, code, v)
		if err != nil {
			t.Fatalf("ZH308 record %s: %v", code, err)
		}
		return r
	}
	recs := []vektis.Record{rec("01", map[string]string{
		"CODE EXTERNE-INTEGRATIEBERICHT": "101", "VERSIENUMMER BERICHTSTANDAARD": "9", "SOORT BERICHT": "P",
		"UZOVI-NUMMER": f.UZOVI, "IDENTIFICATIECODE BETALING AAN": "03", "BEGINDATUM DECLARATIEPERIODE": f.PeriodFrom,
		"EINDDATUM DECLARATIEPERIODE": f.PeriodTo, "FACTUURNUMMER DECLARANT": f.Invoice,
		"DAGTEKENING FACTUUR": f.PeriodTo, "VALUTACODE": "EUR", "INSTELLINGSCODE": f.SenderAGB,
	})}
	id := 0
	next := func() string { id++; return strconv.Itoa(id) }
	seenBSN := map[string]bool{}
	for _, c := range f.Lines {
		if !seenBSN[c.BSN] {
			seenBSN[c.BSN] = true
			recs = append(recs, rec("02", map[string]string{
				"IDENTIFICATIE DETAILRECORD": next(), "BURGERSERVICENUMMER (BSN) VERZEKERDE": c.BSN,
				"UZOVI-NUMMER": f.UZOVI, "DATUM GEBOORTE VERZEKERDE": "19700101", "CODE GESLACHT VERZEKERDE": "1",
				"NAAMCODE/NAAMGEBRUIK (01)": "1", "NAAM VERZEKERDE (01)": "Verzekerde", "VOORLETTERS VERZEKERDE": "J",
				"INDICATIE CLIENT OVERLEDEN": "2", "POSTCODE (HUISADRES) VERZEKERDE": "1234AB",
			}))
		}
		list := c.CodeList
		if list == "" {
			list = "020"
		}
		qty := c.Quantity
		if qty == 0 {
			qty = 1
		}
		dc := "D"
		if c.Credit {
			dc = "C"
		}
		pres := map[string]string{
			"IDENTIFICATIE DETAILRECORD": next(), "BURGERSERVICENUMMER (BSN) VERZEKERDE": c.BSN, "UZOVI-NUMMER": f.UZOVI,
			"DOORSTUREN TOEGESTAAN": "1", "DATUM GEBOORTE VERZEKERDE": "19700101", "AANDUIDING PRESTATIECODELIJST": list,
			"PRESTATIECODE/DBC DECLARATIECODE": c.Code, "BEGINDATUM PRESTATIE": c.Begin, "EINDDATUM PRESTATIE": c.End,
			"PRESTATIEVOLGNUMMER": "1", "CODE (ZELF)VERWIJZER": "03", "AANTAL UITGEVOERDE PRESTATIES": strconv.Itoa(qty),
			"CODE HERDECLARATIE": "0", "INDICATIE DEBET/CREDIT": dc, "REFERENTIENUMMER DIT PRESTATIERECORD": c.Reference,
		}
		for k, v := range map[string]string{"ZORGPRODUCTCODE": c.ProductCode, "ZORGTYPECODE": c.Zorgtype,
			"ZORGVERLENERSSPECIFICATIE BEHANDELAAR/UITVOERDER (SUBBEROEPSGROEP)": c.Specialism,
			"REFERENTIENUMMER VOORGAANDE GERELATEERDE PRESTATIERECORD":           c.PrevReference} {
			if v != "" {
				pres[k] = v
			}
		}
		recs = append(recs, rec("04", pres))
		amount := c.Cents
		if amount < 0 {
			amount = -amount
		}
		recs = append(recs, rec("06", map[string]string{
			"IDENTIFICATIE DETAILRECORD": next(), "BURGERSERVICENUMMER (BSN) VERZEKERDE": c.BSN, "UZOVI-NUMMER": f.UZOVI,
			"AANDUIDING PRESTATIECODELIJST (01)": list, "PRESTATIECODE/DBC DECLARATIECODE": c.Code,
			"BEGINDATUM PRESTATIE": c.Begin, "PRESTATIEVOLGNUMMER": "1", "SOORT PRESTATIE/TARIEF": "02",
			"VERREKENPERCENTAGE": "10000", "INDICATIE DEBET/CREDIT (01)": dc, "DECLARATIEBEDRAG (INCL. BTW)": fmt.Sprint(amount),
			"INDICATIE DEBET/CREDIT (02)": dc, "REFERENTIENUMMER DIT TARIEFRECORD": "T" + c.Reference,
		}))
	}
	cl, err := vektis.ClosingRecord(l, recs[1:])
	if err != nil {
		t.Fatal(err)
	}
	recs = append(recs, cl)
	var buf bytes.Buffer
	if err := vektis.Write(&buf, l, recs); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
