package pricelist_test

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/pricelist"
)

// workbook builds an .xlsx with one sheet of rows; a string cell is text, an int or a
// float64 a number.
func workbook(t testing.TB, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", pricelist.SheetLines)
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(pricelist.SheetLines, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func header() []any {
	h := make([]any, len(pricelist.Header))
	for i, s := range pricelist.Header {
		h[i] = s
	}
	return h
}

func TestExportAndImportRoundTripTheLinesAndTheVersion(t *testing.T) {
	var b bytes.Buffer
	want := pricelist.Upload{DossierID: dossierID, Part: base, Version: 3, Lines: lines()}
	if err := pricelist.WriteXLSX(&b, want); err != nil {
		t.Fatal(err)
	}
	got, err := pricelist.Import(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if got.DossierID != want.DossierID || got.Part != want.Part || got.Version != 3 || !slices.Equal(got.Lines, want.Lines) {
		t.Fatalf("Import = %+v, want %+v", got, want)
	}
	// The amounts are numbers with a euro format, the meta sheet is hidden.
	f, _ := excelize.OpenReader(bytes.NewReader(b.Bytes()))
	defer f.Close()
	if typ, _ := f.GetCellType(pricelist.SheetLines, "C4"); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
		t.Errorf("tariff cell type %v, want a number", typ)
	}
	if v, _ := f.GetCellValue(pricelist.SheetLines, "C4", excelize.Options{RawCellValue: true}); v != "1234.56" {
		t.Errorf("tariff cell %q, want 1234.56", v)
	}
	if visible, _ := f.GetSheetVisible(pricelist.SheetMeta); visible {
		t.Error("the meta sheet is visible")
	}
}

func TestImportReadsAmountsAsNumbersOrDutchText(t *testing.T) {
	tests := []struct {
		cell any
		want int64
	}{
		{1234.56, 123456},
		{12, 1200},
		{"1.234,56", 123456},
		{"€ 1.234,56", 123456},
		{"€1234,5", 123450},
		{"12,50", 1250},
		{"12.50", 1250},
		{"1.234", 123400}, // text with a thousands dot
		{1234.5599999999999, 123456},
	}
	for _, tc := range tests {
		b := workbook(t, [][]any{header(), {"A1", "Product", tc.cell, 1}})
		u, err := pricelist.Import(bytes.NewReader(b))
		if err != nil {
			t.Errorf("%v: %v", tc.cell, err)
			continue
		}
		if u.Lines[0].Tariff != tc.want {
			t.Errorf("%v read as %d cents, want %d", tc.cell, u.Lines[0].Tariff, tc.want)
		}
	}
}

func TestAMalformedSheetIsRefusedWithRowAndColumnAndNothingIsRead(t *testing.T) {
	ok := []any{"13000", "Consult", 12.5, 10}
	tests := []struct {
		name  string
		rows  [][]any
		want  []string // Dutch texts, in order
		lines []int    // the rows of the problems
	}{
		{"bad amount", [][]any{header(), ok, {"13001", "Visite", "12,3x", 5}},
			[]string{"Rij 3, kolom C (Tarief): '12,3x' is geen bedrag"}, []int{3}},
		{"missing code", [][]any{header(), ok, {"", "Visite", 20, 5}},
			[]string{"Rij 3, kolom A (Code): de code ontbreekt"}, []int{3}},
		{"code with a space", [][]any{header(), {"130 01", "Visite", 20, 5}},
			[]string{"Rij 2, kolom A (Code): '130 01' is geen geldige code"}, []int{2}},
		{"duplicate code", [][]any{header(), ok, {"13000", "Nog eens", 20, 5}},
			[]string{"Rij 3, kolom A (Code): de code '13000' staat ook in rij 2"}, []int{3}},
		{"negative volume", [][]any{header(), {"13000", "Consult", 12.5, -1}},
			[]string{"Rij 2, kolom D (Volume): '-1' is geen geheel getal"}, []int{2}},
		{"zero tariff", [][]any{header(), {"13000", "Consult", 0, 1}},
			[]string{"Rij 2, kolom C (Tarief): '0' moet een bedrag hoger dan € 0,00 en hoogstens € 100.000.000,00 zijn"}, []int{2}},
		{"three decimals", [][]any{header(), {"13000", "Consult", "12,345", 1}},
			[]string{"Rij 2, kolom C (Tarief): '12,345' heeft meer dan twee decimalen"}, []int{2}},
		{"category out of range", [][]any{header(), {"13000", "Consult", 12.5, 1, 7}},
			[]string{"Rij 2, kolom E (Categorie): '7' is geen geheel getal van 1 tot en met 6"}, []int{2}},
		{"wrong header", [][]any{{"Code", "Omschrijving", "Prijs", "Volume"}, ok},
			[]string{"Rij 1, kolom C (Tarief): de kopregel heeft 'Prijs', verwacht 'Tarief (€)'"}, []int{1}},
		{"every problem at once", [][]any{header(), {"", "x", "abc", "veel"}, ok, {"13000", "y", 1, 1}},
			[]string{"Rij 2, kolom A (Code)", "Rij 2, kolom C (Tarief)", "Rij 2, kolom D (Volume)", "Rij 4, kolom A (Code)"}, []int{2, 2, 2, 4}},
		{"only a header", [][]any{header()}, []string{"geen regels"}, []int{0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u, err := pricelist.Import(bytes.NewReader(workbook(t, tc.rows)))
			if u != nil || apperr.CodeOf(err) != apperr.Invalid {
				t.Fatalf("Import = %+v, %v; want Invalid and nothing", u, err)
			}
			errs := apperr.Errors(err)
			if len(errs) != len(tc.want) {
				t.Fatalf("%d problems, want %d: %v", len(errs), len(tc.want), dutchAll(errs))
			}
			for i, e := range errs {
				if !strings.Contains(e.Dutch, tc.want[i]) || e.Line != tc.lines[i] {
					t.Errorf("problem %d: line %d %q, want line %d containing %q", i, e.Line, e.Dutch, tc.lines[i], tc.want[i])
				}
			}
		})
	}
}

func dutchAll(errs []*apperr.Error) []string {
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = e.Dutch
	}
	return out
}

func TestAFileThatIsNoXLSXOrTooLargeIsRefusedClearly(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"text", []byte("Code;Tarief\n13000;12,50\n"), "geen Excel-werkmap (.xlsx)"},
		{"old xls", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 100)...), "oud Excel-bestand (.xls)"},
		{"broken zip", []byte("PK\x03\x04 niet echt een zip"), "kan niet als Excel-werkmap (.xlsx) worden gelezen"},
		{"too large", append([]byte("PK\x03\x04"), make([]byte, pricelist.MaxImportBytes)...), "groter dan 5 MB"},
		{"empty", nil, "geen Excel-werkmap"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u, err := pricelist.Import(bytes.NewReader(tc.data))
			if u != nil || apperr.CodeOf(err) != apperr.Invalid || !strings.Contains(dutch(err), tc.want) {
				t.Fatalf("Import = %+v, %v (%q); want Invalid saying %q", u, err, dutch(err), tc.want)
			}
		})
	}
}

func TestAnUploadOfAnotherPartOrWithAMalformedSheetChangesNothing(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.propose(t, base)
		e.propose(t, partS3)
		var b bytes.Buffer
		other := lines()
		other[0].Tariff = 1
		pricelist.WriteXLSX(&b, pricelist.Upload{DossierID: dossierID, Part: partS3, Version: 1, Lines: other})
		_, err := e.svc.CounterUpload(t.Context(), contractmanager, dossierID, base, 1, &b, "")
		wantCode(t, "upload of the S3 price list on the base contract", err, apperr.Invalid)
		bad := workbook(t, [][]any{header(), {"13000", "Consult", "12,3x", 1}})
		_, err = e.svc.CounterUpload(t.Context(), contractmanager, dossierID, base, 1, bytes.NewReader(bad), "")
		wantCode(t, "malformed upload", err, apperr.Invalid)
		if got := e.stored(t, base); got.Version != 1 || !slices.Equal(got.Lines, lines()) {
			t.Fatalf("stored after refused uploads: %+v", got)
		}
	})
}

func TestARowAfterEmptyRowsIsNamedByItsOwnNumber(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", pricelist.SheetLines)
	h := header()
	f.SetSheetRow(pricelist.SheetLines, "A1", &h)
	f.SetSheetRow(pricelist.SheetLines, "A7", &[]any{"13001", "Visite", "12,3x", 5})
	var b bytes.Buffer
	f.WriteTo(&b)
	_, err := pricelist.Import(&b)
	errs := apperr.Errors(err)
	if len(errs) != 1 || errs[0].Line != 7 || errs[0].Dutch != "Rij 7, kolom C (Tarief): '12,3x' is geen bedrag (schrijf bijvoorbeeld 1.234,56)." {
		t.Fatalf("Import = %v", dutchAll(errs))
	}
}

func TestASheetWithTooManyLinesIsRefused(t *testing.T) {
	rows := [][]any{header()}
	for i := range pricelist.MaxLines + 1 {
		rows = append(rows, []any{"x" + strconv.Itoa(i), "", "abc", 1}) // refused rows count too
	}
	_, err := pricelist.Import(bytes.NewReader(workbook(t, rows)))
	if errs := apperr.Errors(err); len(errs) != 1 || !strings.Contains(errs[0].Dutch, "meer dan 10.000 regels") {
		t.Fatalf("Import = %v", dutchAll(errs))
	}
}
