package contract

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"zorginkoop/internal/nl"
)

// The PDF is A4 with the core Helvetica font (Dutch text in Windows-1252, which has € and
// the accented letters), uncompressed, with the creation date of the generation and no
// random ids, so that the same content and time give the same bytes.

const (
	pageMargin = 15.0
	lineHeight = 5.0
)

// priceColumns are the columns of a price list table, widths in mm (180 in all).
var priceColumns = []struct {
	title string
	width float64
	align string
}{
	{"Code", 22, "L"}, {"Omschrijving", 58, "L"}, {"Tarief", 25, "R"}, {"Volume", 15, "R"},
	{"Bedrag", 28, "R"}, {"Cat.", 10, "C"}, {"Plafond", 22, "R"},
}

type pdfWriter struct {
	*fpdf.Fpdf
	tr func(string) string
}

// PDF renders the contract document of content, generated at.
func PDF(c Content, at time.Time) ([]byte, error) {
	f := fpdf.New("P", "mm", "A4", "")
	w := &pdfWriter{Fpdf: f, tr: f.UnicodeTranslatorFromDescriptor("")}
	f.SetCompression(false)
	f.SetCreationDate(at.UTC().Truncate(time.Second))
	f.SetModificationDate(at.UTC().Truncate(time.Second))
	f.SetCatalogSort(true)
	f.SetProducer("zorginkoop", true)
	f.SetTitle(documentTitle(c), true)
	f.SetMargins(pageMargin, pageMargin, pageMargin)
	f.SetAutoPageBreak(true, 20)
	f.AliasNbPages("{nb}")
	_, sum := Canonical(c)
	f.SetFooterFunc(func() {
		f.SetY(-14)
		f.SetFont("Helvetica", "", 7)
		w.cell(0, 4, fmt.Sprintf("Contract %s · inhoud SHA-256 %s", c.ContractID, sum), "L", 1)
		w.cell(0, 4, fmt.Sprintf("Pagina %d van {nb}", f.PageNo()), "R", 0)
	})
	f.AddPage()
	w.header(c)
	w.parties(c)
	w.terms(c)
	for _, p := range c.Parts {
		w.part(p)
	}
	w.totals(c)
	w.signatures(c)
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (w *pdfWriter) cell(width, h float64, text, align string, ln int) {
	w.CellFormat(width, h, w.tr(text), "", ln, align, false, 0, "")
}

func (w *pdfWriter) para(text string) {
	if strings.TrimSpace(text) == "" {
		return
	}
	w.SetFont("Helvetica", "", 9)
	w.MultiCell(0, lineHeight-0.5, w.tr(strings.TrimSpace(text)), "", "L", false)
}

func (w *pdfWriter) heading(text string) {
	w.Ln(3)
	w.SetFont("Helvetica", "B", 12)
	w.cell(0, 7, text, "L", 1)
}

func (w *pdfWriter) field(label, value string) {
	w.SetFont("Helvetica", "B", 9)
	w.cell(45, lineHeight, label, "L", 0)
	w.SetFont("Helvetica", "", 9)
	w.MultiCell(0, lineHeight, w.tr(value), "", "L", false)
}

func (w *pdfWriter) header(c Content) {
	w.SetFont("Helvetica", "B", 16)
	w.MultiCell(0, 8, w.tr(documentTitle(c)), "", "L", false)
	w.SetFont("Helvetica", "", 10)
	w.cell(0, 6, yearsText(c.Years)+" · opgesteld op "+dutchDate(c.Date), "L", 1)
}

// documentTitle is the base contract's title (the first part), else the policy's.
func documentTitle(c Content) string {
	if len(c.Parts) > 0 {
		return c.Parts[0].Title
	}
	return "Overeenkomst " + c.PolicyTitle
}

func (w *pdfWriter) parties(c Content) {
	w.heading("Partijen")
	w.field("Zorgverzekeraar", c.Insurer.Name)
	w.field("Zorgaanbieder", c.Provider.Name)
	w.field("KvK-nummer", orDash(c.Provider.KvK))
	w.field("AGB-code(s)", orDash(strings.Join(c.Provider.AGB, ", ")))
	w.field("Zorginkoopbeleid", c.PolicyTitle+" ("+c.PolicyID+")")
}

func (w *pdfWriter) terms(c Content) {
	if len(c.Terms) == 0 {
		return
	}
	w.heading("Contractvorm en voorwaarden")
	for _, t := range c.Terms {
		w.SetFont("Helvetica", "B", 10)
		w.MultiCell(0, 6, w.tr(t.Title), "", "L", false)
		for _, line := range formLines(t) {
			w.field(line[0], line[1])
		}
		w.para(t.Text)
		for _, cat := range t.Categories {
			w.field(fmt.Sprintf("Categorie %d", cat.Number), categoryText(cat))
		}
		w.Ln(1)
	}
}

// formLines are the form's properties, in the template of its kind.
func formLines(t Term) [][2]string {
	lines := [][2]string{{"Contractvorm", kindName(t.Kind)}}
	if t.Kind == "pxq" || t.RevenueCeiling != "niet genoemd in het beleid" {
		lines = append(lines, [2]string{"Omzetplafond", t.RevenueCeiling})
	}
	if t.Kind == "pxq" || t.KeepDelivering != "niet genoemd in het beleid" {
		lines = append(lines, [2]string{"Doorleverplicht", t.KeepDelivering})
	}
	if t.SettlementAfterwards != "niet genoemd in het beleid" {
		lines = append(lines, [2]string{"Nacalculatie", t.SettlementAfterwards})
	}
	if t.MaxYears > 0 {
		lines = append(lines, [2]string{"Looptijd", fmt.Sprintf("ten hoogste %d jaar", t.MaxYears)})
	}
	return lines
}

func kindName(kind string) string {
	names := map[string]string{"pxq": "p x q (prijs maal volume)", "lump_sum": "lumpsum", "categories": "categorieën",
		"integral": "integrale bekostiging", "subscription": "abonnement", "per_patient": "per patiënt", "other": "overig"}
	if n, ok := names[kind]; ok {
		return n
	}
	return kind
}

func categoryText(c Category) string {
	s := c.Title
	if c.MarginPercent > 0 {
		s += fmt.Sprintf("; marge %d%%", c.MarginPercent)
	}
	if c.Substitution != "" {
		s += "; substitutie: " + map[string]string{"none": "geen", "within_category": "binnen de categorie", "full": "volledig"}[c.Substitution]
	}
	if c.SettlementYears > 0 {
		s += fmt.Sprintf("; %d jaar nacalculatie", c.SettlementYears)
	}
	return s
}

func (w *pdfWriter) part(p PartTerm) {
	w.heading(p.Title)
	if p.Addendum != "" {
		w.para("Addendum bij " + p.Addendum + ".")
	}
	w.para(p.Text)
	w.SetFont("Helvetica", "B", 8)
	for _, col := range priceColumns {
		w.CellFormat(col.width, 6, w.tr(col.title), "B", 0, col.align, false, 0, "")
	}
	w.Ln(-1)
	w.SetFont("Helvetica", "", 8)
	for _, l := range p.Lines {
		cat, ceiling := "", ""
		if l.Category > 0 {
			cat = strconv.Itoa(l.Category)
		}
		if l.CeilingCents > 0 {
			ceiling = nl.Money(l.CeilingCents)
		}
		values := []string{l.Code, w.fit(l.Description, priceColumns[1].width-1), nl.Money(l.TariffCents),
			nl.Int(int64(l.Volume)), nl.Money(l.AmountCents()), cat, ceiling}
		for i, col := range priceColumns {
			w.cell(col.width, lineHeight, values[i], col.align, 0)
		}
		w.Ln(-1)
	}
	w.SetFont("Helvetica", "B", 8)
	w.cell(120, 6, "Totaal "+p.Title, "L", 0)
	w.cell(28, 6, nl.Money(p.TotalCents), "R", 0)
	w.cell(10, 6, "", "C", 0)
	if p.CeilingCents > 0 {
		w.cell(22, 6, nl.Money(p.CeilingCents), "R", 0)
	}
	w.Ln(-1)
}

// fit shortens text to the width, in the current font.
func (w *pdfWriter) fit(text string, width float64) string {
	if w.GetStringWidth(w.tr(text)) <= width {
		return text
	}
	r := []rune(text)
	for len(r) > 0 && w.GetStringWidth(w.tr(string(r)+"…")) > width {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

func (w *pdfWriter) totals(c Content) {
	w.heading("Totalen")
	w.field("Totaal (tarief × volume)", nl.Money(c.TotalCents))
	if c.CeilingCents > 0 {
		w.field("Omzetplafond", nl.Money(c.CeilingCents))
	}
}

func (w *pdfWriter) signatures(c Content) {
	w.heading("Ondertekening")
	w.para("Deze overeenkomst wordt elektronisch ondertekend, eerst door de tekenbevoegde van de zorgaanbieder en " +
		"daarna namens de zorgverzekeraar. Een handtekening geldt voor dit document met de SHA-256 die het platform " +
		"bij de ondertekening toont; de inhoud is vastgelegd met de SHA-256 onderaan elke pagina.")
	w.Ln(2)
	w.field("Namens", c.Provider.Name)
	w.field("Namens", c.Insurer.Name)
}

func yearsText(years []int) string {
	if len(years) == 1 {
		return "Contractjaar " + strconv.Itoa(years[0])
	}
	return fmt.Sprintf("Contractjaren %d–%d", years[0], years[len(years)-1])
}

func dutchDate(iso string) string {
	t, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		return iso
	}
	return nl.Date(t)
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}
