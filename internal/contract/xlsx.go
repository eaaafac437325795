package contract

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/xuri/excelize/v2"
)

// The xlsx of a contract holds its price lists, one row per line on the sheet
// "Prijslijst" with the part it belongs to, and the contract's identity on "Contract".

// XLSXColumns are the columns of the sheet "Prijslijst".
var XLSXColumns = []string{"Onderdeel", "Code", "Omschrijving", "Tarief (€)", "Volume", "Bedrag (€)", "Categorie", "Plafond (€)"}

// euros is an amount in cents as the decimal number Excel shows (exact to the cent in a
// spreadsheet's 15 significant digits; the contract itself keeps cents).
func euros(cents int64) float64 {
	f, _ := strconv.ParseFloat(fmt.Sprintf("%d.%02d", cents/100, abs(cents%100)), 64)
	if cents < 0 && cents > -100 {
		f = -f
	}
	return f
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// XLSX renders the price lists of content as a workbook.
func XLSX(c Content) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "Prijslijst"); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter("Prijslijst")
	if err != nil {
		return nil, err
	}
	header := make([]any, len(XLSXColumns))
	for i, h := range XLSXColumns {
		header[i] = h
	}
	if err := sw.SetRow("A1", header); err != nil {
		return nil, err
	}
	row := 2
	money, err := f.NewStyle(&excelize.Style{NumFmt: 4}) // #,##0.00
	if err != nil {
		return nil, err
	}
	for _, p := range c.Parts {
		for _, l := range p.Lines {
			cat := any(nil)
			if l.Category > 0 {
				cat = l.Category
			}
			cells := []any{p.ID, l.Code, l.Description,
				excelize.Cell{StyleID: money, Value: euros(l.TariffCents)}, l.Volume,
				excelize.Cell{StyleID: money, Value: euros(l.AmountCents())}, cat,
				excelize.Cell{StyleID: money, Value: euros(l.CeilingCents)}}
			cell, _ := excelize.CoordinatesToCellName(1, row)
			if err := sw.SetRow(cell, cells); err != nil {
				return nil, err
			}
			row++
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	if err := contractSheet(f, c); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func contractSheet(f *excelize.File, c Content) error {
	if _, err := f.NewSheet("Contract"); err != nil {
		return err
	}
	_, sum := Canonical(c)
	rows := [][2]any{{"Contract", c.ContractID}, {"Zorginkoopbeleid", c.PolicyTitle}, {"Contractjaar", c.Year},
		{"Zorgverzekeraar", c.Insurer.Name}, {"Zorgaanbieder", c.Provider.Name}, {"KvK-nummer", c.Provider.KvK},
		{"Totaal (€)", euros(c.TotalCents)}, {"Omzetplafond (€)", euros(c.CeilingCents)}, {"Inhoud SHA-256", sum}}
	for i, r := range rows {
		if err := f.SetSheetRow("Contract", fmt.Sprintf("A%d", i+1), &[]any{r[0], r[1]}); err != nil {
			return err
		}
	}
	return nil
}
