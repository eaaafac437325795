package apptest

import (
	"bytes"
	"testing"

	"github.com/go-pdf/fpdf"
	"github.com/xuri/excelize/v2"
)

// SmallPDF is a real one-page PDF: the evidence a provider uploads in the round's tests.
func SmallPDF(t testing.TB) []byte {
	t.Helper()
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddPage()
	pdf.SetFont("Helvetica", "", 12)
	pdf.Cell(40, 10, "Verklaring kwaliteitsstandaarden")
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// WithPriceListCell sets a cell of the price-list sheet of a downloaded workbook, as a
// user would in Excel (C2: the first line's tariff in euros), and returns the workbook.
func WithPriceListCell(t testing.TB, book []byte, cell string, value any) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(book))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.SetCellValue("Prijslijst", cell, value); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
