package pricelist

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/nl"
	"zorginkoop/internal/text"
)

// The workbook of a price list: sheet Prijslijst with a header row and a line per product,
// amounts as numbers in euros with two decimals; and the hidden, protected sheet Gegevens
// with the dossier, the part and the version it was downloaded at, so that an upload is
// checked against the version it was based on.
const (
	SheetLines = "Prijslijst"
	SheetMeta  = "Gegevens"
	// MaxImportBytes is the largest workbook Import reads; MaxErrors the most problems it
	// lists (then it says there are more).
	MaxImportBytes = 5 << 20
	MaxErrors      = 200
	// MaxRows is the most rows Import reads, blank ones and refused ones included, so that
	// a small file of a million rows is refused at once.
	MaxRows = MaxLines + 1000
	// unzip limits against a small file that unpacks to gigabytes
	maxUnzip    = 64 << 20
	maxUnzipXML = 32 << 20
)

// Header is the header row of the Prijslijst sheet, column A onwards.
var Header = []string{"Code", "Omschrijving", "Tarief (€)", "Volume", "Categorie", "Plafond (€)"}

// the meta sheet's rows
const (
	metaDossier = "Dossier"
	metaPart    = "Onderdeel"
	metaVersion = "Versie"
)

// Upload is a price list read from a workbook: its lines, and the dossier, part and
// version of its Gegevens sheet (empty and 0 when the workbook has none).
type Upload struct {
	DossierID string
	Part      string
	Version   int
	Lines     []Line
}

// Export writes version of the part's price list (0: the latest) as .xlsx to w.
func (s *Service) Export(ctx context.Context, actor identity.Principal, dossierID, part string, version int, w io.Writer) error {
	rs, err := s.Rounds(ctx, actor, dossierID, part)
	if err != nil {
		return err
	}
	r := rs[len(rs)-1]
	if version != 0 {
		if version < 1 || version > len(rs) {
			return &apperr.Error{Code: apperr.NotFound, Field: "version", Message: fmt.Sprintf("the price list has no version %d", version),
				Dutch: fmt.Sprintf("Deze prijslijst heeft geen versie %d.", version)}
		}
		r = rs[version-1]
	}
	return WriteXLSX(w, Upload{DossierID: dossierID, Part: part, Version: r.Version, Lines: r.Lines})
}

// ExportName is the file name of a downloaded price list.
func ExportName(dossierID, part string, version int) string {
	return fmt.Sprintf("prijslijst-%s-%s-v%d.xlsx", dossierID, part, version)
}

// WriteXLSX writes the lines and their dossier, part and version as a workbook.
func WriteXLSX(w io.Writer, u Upload) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	if err := f.SetSheetName("Sheet1", SheetLines); err != nil {
		return err
	}
	if err := writeLines(f, u.Lines); err != nil {
		return fmt.Errorf("write price list sheet: %w", err)
	}
	if err := writeMeta(f, u); err != nil {
		return fmt.Errorf("write price list meta: %w", err)
	}
	_, err = f.WriteTo(w)
	return err
}

func writeLines(f *excelize.File, lines []Line) error {
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	money := `[$€-413] #,##0.00`
	euro, err := f.NewStyle(&excelize.Style{CustomNumFmt: &money})
	if err != nil {
		return err
	}
	for i, h := range Header {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		if err := f.SetCellStr(SheetLines, cell, h); err != nil {
			return err
		}
	}
	if err := f.SetRowStyle(SheetLines, 1, 1, bold); err != nil {
		return err
	}
	for i, l := range lines {
		row := i + 2
		set := func(col string, fn func(cell string) error) {
			if err == nil {
				err = fn(col + strconv.Itoa(row))
			}
		}
		set("A", func(c string) error { return f.SetCellStr(SheetLines, c, l.Code) })
		set("B", func(c string) error { return f.SetCellStr(SheetLines, c, l.Description) })
		set("C", func(c string) error { return f.SetCellDefault(SheetLines, c, euros(l.Tariff)) })
		set("D", func(c string) error { return f.SetCellInt(SheetLines, c, int64(l.Volume)) })
		if l.Category != 0 {
			set("E", func(c string) error { return f.SetCellInt(SheetLines, c, int64(l.Category)) })
		}
		if l.Ceiling != 0 {
			set("F", func(c string) error { return f.SetCellDefault(SheetLines, c, euros(l.Ceiling)) })
		}
		if err != nil {
			return err
		}
	}
	for _, col := range []string{"C", "F"} {
		if err := f.SetColStyle(SheetLines, col, euro); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(SheetLines, "B", "B", 48); err != nil {
		return err
	}
	if err := f.SetColWidth(SheetLines, "C", "F", 14); err != nil {
		return err
	}
	return f.SetPanes(SheetLines, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}

func writeMeta(f *excelize.File, u Upload) error {
	if _, err := f.NewSheet(SheetMeta); err != nil {
		return err
	}
	rows := [][]string{
		{metaDossier, u.DossierID},
		{metaPart, u.Part},
		{metaVersion, strconv.Itoa(u.Version)},
		{"Let op", "Niet wijzigen: hiermee wordt bij het uploaden gecontroleerd op welke versie van de prijslijst uw wijzigingen zijn gebaseerd."},
	}
	for i, r := range rows {
		for j, v := range r {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := f.SetCellStr(SheetMeta, cell, v); err != nil {
				return err
			}
		}
	}
	if err := f.ProtectSheet(SheetMeta, &excelize.SheetProtectionOptions{SelectLockedCells: true}); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	return f.SetSheetVisible(SheetMeta, false, true)
}

// --- reading ---

// Import reads a price list from an .xlsx workbook: the sheet Prijslijst (or the first
// sheet) with the header row of Header (Categorie and Plafond may be left out), and the
// Gegevens sheet if present. Every problem is collected and returned at once as an
// apperr.List with row (Line) and column (Field, e.g. "C (Tarief)"), and then no lines are
// returned: nothing of a malformed sheet is applied.
func Import(r io.Reader) (*Upload, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxImportBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read workbook: %w", err)
	}
	if len(b) > MaxImportBytes {
		return nil, fileError(fmt.Sprintf("the file is larger than %d MB", MaxImportBytes>>20),
			fmt.Sprintf("Het bestand is groter dan %d MB. Een prijslijst heeft hoogstens %s regels.", MaxImportBytes>>20, nl.Int(MaxLines)))
	}
	if err := sniff(b); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: maxUnzip, UnzipXMLSizeLimit: maxUnzipXML})
	if err != nil {
		return nil, fileError("the file cannot be read as an .xlsx workbook: "+err.Error(),
			"Het bestand kan niet als Excel-werkmap (.xlsx) worden gelezen. Download de prijslijst opnieuw en vul die in.")
	}
	defer f.Close()
	u := &Upload{}
	errs := readMeta(f, u)
	lines, lineErrs := readLines(f)
	errs = append(errs, lineErrs...)
	if len(errs) > 0 {
		return nil, errs
	}
	u.Lines = lines
	return u, nil
}

// sniff refuses what is not an .xlsx by its first bytes, not by its name.
func sniff(b []byte) error {
	switch {
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		return nil
	case bytes.HasPrefix(b, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return fileError("the file is an old .xls workbook or a password-protected one, not .xlsx",
			"Dit is een oud Excel-bestand (.xls) of een met een wachtwoord beveiligd bestand. Sla het op als Excel-werkmap (.xlsx) zonder wachtwoord.")
	}
	return fileError("the file is not an .xlsx workbook",
		"Dit bestand is geen Excel-werkmap (.xlsx). Upload de prijslijst als .xlsx.")
}

func fileError(msg, dutch string) error {
	return &apperr.Error{Code: apperr.Invalid, Field: "file", Message: msg, Dutch: dutch}
}

// readMeta reads the Gegevens sheet, if the workbook has one.
func readMeta(f *excelize.File, u *Upload) apperr.List {
	if idx, err := f.GetSheetIndex(SheetMeta); err != nil || idx < 0 {
		return nil
	}
	rows, err := f.GetRows(SheetMeta, excelize.Options{RawCellValue: true})
	if err != nil {
		return apperr.List{fileError("sheet "+SheetMeta+" cannot be read", "Het blad "+SheetMeta+" kan niet worden gelezen.").(*apperr.Error)}
	}
	for i, r := range rows {
		if len(r) < 2 || i >= 10 {
			continue
		}
		v := strings.TrimSpace(r[1])
		switch strings.TrimSpace(r[0]) {
		case metaDossier:
			u.DossierID = v
		case metaPart:
			u.Part = v
		case metaVersion:
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return apperr.List{{Code: apperr.Invalid, Line: i + 1, Field: "B (" + metaVersion + ")",
					Message: fmt.Sprintf("sheet %s: %q is not a version", SheetMeta, v),
					Dutch:   fmt.Sprintf("Blad %s, rij %d, kolom B (%s): '%s' is geen versienummer. Wijzig dit blad niet.", SheetMeta, i+1, metaVersion, v)}}
			}
			u.Version = n
		}
	}
	return nil
}

// column is one column of the sheet: its letter and header name.
type column struct {
	letter, name string
}

func (c column) field() string { return c.letter + " (" + c.name + ")" }

var columns = func() []column {
	cs := make([]column, len(Header))
	for i, h := range Header {
		letter, _ := excelize.ColumnNumberToName(i + 1)
		cs[i] = column{letter: letter, name: strings.TrimSuffix(h, " (€)")}
	}
	return cs
}()

// requiredColumns are the columns every sheet has: Code to Volume.
const requiredColumns = 4

// sheetReader collects a sheet's problems, capped at MaxErrors.
type sheetReader struct {
	f     *excelize.File
	sheet string
	errs  apperr.List
	more  int
}

func (sr *sheetReader) bad(row int, c column, msg, dutch string) {
	if len(sr.errs) >= MaxErrors {
		sr.more++
		return
	}
	sr.errs = append(sr.errs, &apperr.Error{Code: apperr.Invalid, Line: row, Field: c.field(), Message: msg,
		Dutch: fmt.Sprintf("Rij %d, kolom %s: %s", row, c.field(), dutch)})
}

// readLines reads the product lines of the price-list sheet, row 2 onwards.
func readLines(f *excelize.File) ([]Line, apperr.List) {
	sheet := SheetLines
	if idx, err := f.GetSheetIndex(sheet); err != nil || idx < 0 {
		sheet = f.GetSheetName(0)
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, apperr.List{fileError("the price-list sheet cannot be read", "Het blad met de prijslijst kan niet worden gelezen.").(*apperr.Error)}
	}
	defer rows.Close()
	sr := &sheetReader{f: f, sheet: sheet}
	var (
		lines []Line
		seen  = map[string]int{}
		row   int
		data  int // rows with something in them, after the header
	)
	for rows.Next() {
		row++
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, apperr.List{fileError(fmt.Sprintf("row %d cannot be read", row), fmt.Sprintf("Rij %d kan niet worden gelezen.", row)).(*apperr.Error)}
		}
		if row == 1 {
			if !sr.header(cells) {
				return nil, sr.errs
			}
			continue
		}
		if row > MaxRows {
			return nil, apperr.List{fileError(fmt.Sprintf("the sheet has more than %d rows", MaxRows),
				fmt.Sprintf("Het blad heeft meer dan %s rijen; een prijslijst heeft hoogstens %s regels.", nl.Int(MaxRows), nl.Int(MaxLines))).(*apperr.Error)}
		}
		if blank(cells) {
			continue
		}
		if data++; data > MaxLines {
			return nil, apperr.List{fileError(fmt.Sprintf("the sheet has more than %d lines", MaxLines),
				fmt.Sprintf("Het blad heeft meer dan %s regels; een prijslijst heeft er hoogstens %s.", nl.Int(MaxLines), nl.Int(MaxLines))).(*apperr.Error)}
		}
		l, ok := sr.line(row, cells)
		if !ok {
			continue
		}
		if first, dup := seen[l.Code]; dup {
			sr.bad(row, columns[0], fmt.Sprintf("code %q occurs in row %d too", l.Code, first),
				fmt.Sprintf("de code '%s' staat ook in rij %d; elke code komt één keer voor.", l.Code, first))
			continue
		}
		seen[l.Code] = row
		lines = append(lines, l)
	}
	if err := rows.Error(); err != nil {
		return nil, apperr.List{fileError("the sheet cannot be read: "+err.Error(), "Het blad kan niet worden gelezen.").(*apperr.Error)}
	}
	if row == 0 {
		return nil, apperr.List{fileError("the sheet has no header row and no lines",
			"Het blad is leeg: verwacht een kopregel ("+strings.Join(Header, ", ")+") en een regel per product.").(*apperr.Error)}
	}
	if len(lines) == 0 && len(sr.errs) == 0 {
		sr.errs = append(sr.errs, fileError("the sheet has no lines", "Het blad heeft geen regels onder de kopregel.").(*apperr.Error))
	}
	if sr.more > 0 {
		sr.errs = append(sr.errs, &apperr.Error{Code: apperr.Invalid, Field: "file", Message: fmt.Sprintf("and %d more problems", sr.more),
			Dutch: fmt.Sprintf("En nog %d fouten.", sr.more)})
	}
	return lines, sr.errs
}

// header checks the header row: Code, Omschrijving, Tarief (€), Volume, and optionally
// Categorie and Plafond (€), in that order; nothing after them.
func (sr *sheetReader) header(cells []string) bool {
	for i, c := range columns {
		got := ""
		if i < len(cells) {
			got = cells[i]
		}
		if got == "" && i >= requiredColumns {
			continue
		}
		if normalHeader(got) != normalHeader(Header[i]) {
			sr.bad(1, c, fmt.Sprintf("header %q, want %q", got, Header[i]),
				fmt.Sprintf("de kopregel heeft '%s', verwacht '%s'. De kolommen zijn: %s.", got, Header[i], strings.Join(Header, ", ")))
		}
	}
	for i := len(columns); i < len(cells); i++ {
		if strings.TrimSpace(cells[i]) != "" {
			letter, _ := excelize.ColumnNumberToName(i + 1)
			sr.bad(1, column{letter: letter, name: cells[i]}, "unknown column", "onbekende kolom; laat alleen de kolommen "+strings.Join(Header, ", ")+" staan.")
		}
	}
	return len(sr.errs) == 0
}

func normalHeader(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	for _, suffix := range []string{"(€)", "(eur)", "(euro)", "in €", "€"} {
		s = strings.TrimSpace(strings.TrimSuffix(s, suffix))
	}
	return s
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// line reads one row into a line; false when the row has problems (recorded).
func (sr *sheetReader) line(row int, cells []string) (Line, bool) {
	cell := func(i int) string {
		if i < len(cells) {
			return strings.TrimSpace(cells[i])
		}
		return ""
	}
	n := len(sr.errs) + sr.more
	var l Line
	l.Code = cell(0)
	switch {
	case l.Code == "":
		sr.bad(row, columns[0], "missing code", "de code ontbreekt (zorgproduct of declaratiecode).")
	case len(l.Code) > MaxCodeLen || !codePattern.MatchString(l.Code):
		sr.bad(row, columns[0], fmt.Sprintf("%q is not a code", l.Code),
			fmt.Sprintf("'%s' is geen geldige code: hoogstens %d tekens, zonder spaties (letters, cijfers en . - _ /).", l.Code, MaxCodeLen))
	}
	l.Description = cell(1)
	if e := text.Check("description", l.Description, text.Line); e != nil {
		sr.bad(row, columns[1], e.Message, fmt.Sprintf("de omschrijving is ongeldig (hoogstens %d tekens, geen stuurtekens).", text.Line))
	}
	l.Tariff = sr.amount(row, 2, cell(2), true, MaxTariff)
	l.Volume = int(sr.whole(row, 3, cell(3), 0, MaxVolume, true))
	l.Category = int(sr.whole(row, 4, cell(4), 1, MaxCategory, false))
	l.Ceiling = sr.amount(row, 5, cell(5), false, MaxCents)
	return l, len(sr.errs)+sr.more == n
}

// numeric reports whether the cell at (col, row) is a number cell; asked only when the
// raw value could be either (1.234).
func (sr *sheetReader) numeric(row, col int, v string) bool {
	if !isDutchGrouped(v) {
		return rawNumber.MatchString(v)
	}
	name, _ := excelize.CoordinatesToCellName(col+1, row)
	t, err := sr.f.GetCellType(sr.sheet, name)
	return err == nil && (t == excelize.CellTypeUnset || t == excelize.CellTypeNumber)
}

// amount reads an amount in euros into cents, > 0 and at most limit; an empty optional
// cell is 0.
func (sr *sheetReader) amount(row, col int, v string, required bool, limit int64) int64 {
	c := columns[col]
	if v == "" {
		if required {
			sr.bad(row, c, "missing amount", "het bedrag ontbreekt.")
		}
		return 0
	}
	cents, err := parseCents(v, sr.numeric(row, col, v))
	switch {
	case errors.Is(err, errDecimals):
		sr.bad(row, c, fmt.Sprintf("%q has more than two decimals", v), fmt.Sprintf("'%s' heeft meer dan twee decimalen.", v))
	case err != nil:
		sr.bad(row, c, fmt.Sprintf("%q is not an amount", v), fmt.Sprintf("'%s' is geen bedrag (schrijf bijvoorbeeld 1.234,56).", v))
	case cents <= 0 || cents > limit:
		sr.bad(row, c, fmt.Sprintf("%q must be more than 0", v), fmt.Sprintf("'%s' moet een bedrag hoger dan € 0,00 en hoogstens %s zijn.", v, nl.Money(limit)))
	default:
		return cents
	}
	return 0
}

// whole reads a whole number between lo and hi; an empty optional cell is 0.
func (sr *sheetReader) whole(row, col int, v string, lo, hi int64, required bool) int64 {
	c := columns[col]
	if v == "" {
		if required {
			sr.bad(row, c, "missing number", "het getal ontbreekt (0 of meer).")
		}
		return 0
	}
	n, err := parseWhole(v, sr.numeric(row, col, v))
	if err != nil || n < lo || n > hi {
		sr.bad(row, c, fmt.Sprintf("%q is not a whole number from %d to %d", v, lo, hi),
			fmt.Sprintf("'%s' is geen geheel getal van %s tot en met %s.", v, nl.Int(lo), nl.Int(hi)))
		return 0
	}
	return n
}

// --- counter-proposal by upload ---

// CounterUpload reads a workbook (Import) and makes it a counter-proposal on the part's
// price list. The version it is based on is the one in the workbook's Gegevens sheet,
// or basedOn when it has none; a workbook of another dossier or part is refused. A
// malformed workbook is refused with every problem and nothing is stored.
func (s *Service) CounterUpload(ctx context.Context, actor identity.Principal, dossierID, part string, basedOn int, r io.Reader, note string) (*PriceList, error) {
	d, err := s.party(ctx, actor, dossierID)
	if err != nil {
		return nil, err
	}
	if _, ok := MayNegotiate(actor, d); !ok {
		return s.Counter(ctx, actor, Submission{DossierID: dossierID, Part: part}) // refused and recorded there
	}
	u, err := Import(r)
	if err != nil {
		return nil, err
	}
	if u.DossierID != "" && (u.DossierID != dossierID || u.Part != part) {
		return nil, fileError(fmt.Sprintf("the workbook is the price list of %s/%s, not of %s/%s", u.DossierID, u.Part, dossierID, part),
			fmt.Sprintf("Dit bestand is de prijslijst van een ander dossier of onderdeel (%s). Download de prijslijst van dit onderdeel en vul die in.", u.Part))
	}
	if u.Version != 0 {
		basedOn = u.Version
	}
	return s.Counter(ctx, actor, Submission{DossierID: dossierID, Part: part, BasedOn: basedOn, Lines: u.Lines, Note: note})
}
