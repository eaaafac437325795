package claims

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/identity"
)

// The workbook of existing contracts: sheet Contracten (a row per contract) and sheet
// Prijslijst (a row per price line), each with a header row.
const (
	SheetContracts = "Contracten"
	SheetPrices    = "Prijslijst"
	// MaxContractBytes is the largest workbook ImportContracts reads.
	MaxContractBytes = 32 << 20
	maxUnzip         = 256 << 20
)

// ContractColumns and PriceColumns are the header rows, column A onwards.
var (
	ContractColumns = []string{"contractnummer", "agb of zorgaanbieder-id", "polis-id", "ingangsdatum", "einddatum", "onderdelen"}
	PriceColumns    = []string{"contractnummer", "onderdeel", "declaratiecode", "omschrijving", "tarief", "volume", "categorie",
		"productgroep", "toestemming vereist"}
)

// ContractTemplate writes an empty workbook with both sheets' headers.
func (s *Service) ContractTemplate(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetContracts); err != nil {
		return err
	}
	if _, err := f.NewSheet(SheetPrices); err != nil {
		return err
	}
	for sheet, cols := range map[string][]string{SheetContracts: ContractColumns, SheetPrices: PriceColumns} {
		for i, h := range cols {
			cell, _ := excelize.CoordinatesToCellName(i+1, 1)
			if err := f.SetCellStr(sheet, cell, h); err != nil {
				return err
			}
		}
	}
	return f.Write(w)
}

// ImportContracts reads existing contracts of the insurer with their price lists from
// an .xlsx workbook (see ContractTemplate) and stores them in one transaction: all or
// nothing, every problem with its sheet, row and column (an *ImportError). The
// insurer's contractbeheerder. It returns the number of contracts.
func (s *Service) ImportContracts(ctx context.Context, actor identity.Principal, insurer string, r io.Reader) (int, error) {
	if !MayManageContracts(actor, insurer) && !actor.IsOperator() {
		return 0, s.refuse(ctx, actor, insurer, "", ActionContractImport, "contracts:"+insurer, "insurer "+insurer,
			"only the insurer's contractbeheerder imports contracts", "Alleen de contractbeheerder van de zorgverzekeraar importeert contracten.")
	}
	b, err := io.ReadAll(io.LimitReader(r, MaxContractBytes+1))
	if err != nil {
		return 0, readErr(err)
	}
	if len(b) > MaxContractBytes {
		return 0, &apperr.Error{Code: apperr.TooLarge, Field: "file", Message: "the workbook is too large",
			Dutch: fmt.Sprintf("Het bestand is groter dan %s.", sizeText(MaxContractBytes))}
	}
	if !bytes.HasPrefix(b, []byte("PK\x03\x04")) {
		return 0, invalid("file", "the file is not an .xlsx workbook", "Dit bestand is geen Excel-werkmap (.xlsx).")
	}
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: maxUnzip, UnzipXMLSizeLimit: maxUnzip / 2})
	if err != nil {
		return 0, invalid("file", "the file cannot be read as an .xlsx workbook", "Het bestand kan niet als Excel-werkmap (.xlsx) worden gelezen.")
	}
	defer f.Close()
	cr := &contractReader{s: s, ctx: ctx, f: f, insurer: insurer, byRef: map[string]*Contract{}}
	cs := cr.read()
	if len(cr.problems) > 0 {
		return 0, importErr(&ImportError{Problems: cr.problems})
	}
	if cr.err != nil {
		return 0, cr.err
	}
	now := s.now().UTC()
	refs := make([]string, len(cs))
	for i := range cs {
		cs[i].UpdatedAt = now
		refs[i] = cs[i].Reference
	}
	err = identity.InTx(ctx, s.tx, func(ctx context.Context) error {
		if err := s.store.SaveContracts(ctx, cs); err != nil {
			return err
		}
		return s.record(ctx, actor, ActionContractImport, "contracts:"+insurer, insurer,
			map[string]any{"contracts": refs}, "", false)
	})
	if err != nil {
		return 0, err
	}
	return len(cs), nil
}

type contractReader struct {
	s        *Service
	ctx      context.Context
	f        *excelize.File
	insurer  string
	byRef    map[string]*Contract
	order    []string
	problems []Problem
	err      error
}

func (cr *contractReader) bad(sheet string, row, col int, field, msg, dutch string) {
	if len(cr.problems) >= maxProblems {
		return
	}
	letter := ""
	if col >= 0 {
		letter, _ = excelize.ColumnNumberToName(col + 1)
	}
	where := fmt.Sprintf("Blad %s, rij %d", sheet, row)
	if letter != "" {
		where += ", kolom " + letter
		if field != "" {
			where += " (" + field + ")"
		}
	}
	cr.problems = append(cr.problems, Problem{Sheet: sheet, Row: row, Column: letter, Field: field, Message: msg,
		Dutch: where + ": " + dutch})
}

// rows reads a sheet's rows (raw values), checking its header.
func (cr *contractReader) rows(sheet string, cols []string) [][]string {
	rows, err := cr.f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		cr.bad(sheet, 0, -1, "", "missing sheet "+sheet, "het blad "+sheet+" ontbreekt.")
		return nil
	}
	if len(rows) == 0 {
		cr.bad(sheet, 1, -1, "", "no header row", "de kopregel ontbreekt.")
		return nil
	}
	for i, want := range cols {
		got := ""
		if i < len(rows[0]) {
			got = strings.ToLower(strings.TrimSpace(rows[0][i]))
		}
		if got != want {
			cr.bad(sheet, 1, i, want, fmt.Sprintf("header %q expected", want), fmt.Sprintf("de kop moet '%s' zijn.", want))
		}
	}
	return rows[1:]
}

func cell(row []string, i int) string {
	if i < len(row) {
		return strings.TrimSpace(row[i])
	}
	return ""
}

func blankRow(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func (cr *contractReader) read() []Contract {
	crow := cr.rows(SheetContracts, ContractColumns)
	prow := cr.rows(SheetPrices, PriceColumns)
	if len(cr.problems) > 0 {
		return nil
	}
	for i, row := range crow {
		if !blankRow(row) {
			cr.contract(i+2, row)
		}
	}
	for i, row := range prow {
		if !blankRow(row) {
			cr.priceLine(i+2, row)
		}
	}
	if len(cr.order) == 0 {
		cr.bad(SheetContracts, 2, -1, "", "no contracts", "er staan geen contracten in het blad.")
	}
	out := make([]Contract, 0, len(cr.order))
	for _, ref := range cr.order {
		out = append(out, *cr.byRef[ref])
	}
	return out
}

func (cr *contractReader) contract(row int, r []string) {
	const sheet = SheetContracts
	c := &Contract{Source: FromImport, Insurer: cr.insurer, Signed: true, Reference: cell(r, 0)}
	switch {
	case c.Reference == "":
		cr.bad(sheet, row, 0, ContractColumns[0], "missing contract number", "het contractnummer ontbreekt.")
	case cr.byRef[c.Reference] != nil:
		cr.bad(sheet, row, 0, ContractColumns[0], "contract number twice", fmt.Sprintf("contractnummer '%s' staat er twee keer in.", c.Reference))
	}
	c.ID = "imp-" + cr.insurer + "-" + c.Reference
	c.ProviderID = cr.provider(row, cell(r, 1))
	if pid := cell(r, 2); pid != "" {
		if cp, err := cr.s.lib.Policy(pid); err != nil || cp.Insurer != cr.insurer {
			cr.bad(sheet, row, 2, ContractColumns[2], "unknown policy", fmt.Sprintf("'%s' is geen inkoopbeleid van deze zorgverzekeraar.", pid))
		}
		c.PolicyID = pid
	}
	c.From = cr.day(sheet, row, 3, cell(r, 3))
	c.To = cr.day(sheet, row, 4, cell(r, 4))
	if c.From != 0 && c.To != 0 && c.To < c.From {
		cr.bad(sheet, row, 4, ContractColumns[4], "end before start", "de einddatum ligt voor de ingangsdatum.")
	}
	for _, p := range strings.Split(cell(r, 5), ",") {
		if p = strings.TrimSpace(p); p != "" {
			c.Parts = append(c.Parts, p)
		}
	}
	if len(c.Parts) == 0 {
		cr.bad(sheet, row, 5, ContractColumns[5], "no parts", "noem ten minste één onderdeel (bijvoorbeeld basis).")
	}
	if c.Reference != "" && cr.byRef[c.Reference] == nil {
		cr.byRef[c.Reference] = c
		cr.order = append(cr.order, c.Reference)
	}
}

// provider is the provider id of an AGB code (8 digits) or the id itself.
func (cr *contractReader) provider(row int, v string) string {
	if v == "" {
		cr.bad(SheetContracts, row, 1, ContractColumns[1], "missing provider", "de AGB-code of het zorgaanbieder-id ontbreekt.")
		return ""
	}
	if len(v) != 8 || strings.Trim(v, "0123456789") != "" {
		return v
	}
	id, err := cr.s.store.ProviderByAGB(cr.ctx, v)
	if apperr.CodeOf(err) == apperr.NotFound {
		cr.bad(SheetContracts, row, 1, ContractColumns[1], "unknown AGB code", fmt.Sprintf("AGB-code %s is van geen zorgaanbieder op het platform.", v))
		return ""
	}
	if err != nil && cr.err == nil {
		cr.err = err
	}
	return id
}

func (cr *contractReader) day(sheet string, row, col int, v string) Day {
	if v == "" {
		cr.bad(sheet, row, col, ContractColumns[col], "missing date", "de datum ontbreekt.")
		return 0
	}
	if n, err := strconv.ParseFloat(v, 64); err == nil && n > 1 && n < 100000 {
		t, err := excelize.ExcelDateToTime(n, false)
		if err == nil {
			return DayOf(t)
		}
	}
	d, ok := ParseDay(v)
	if !ok {
		cr.bad(sheet, row, col, ContractColumns[col], "not a date", fmt.Sprintf("'%s' is geen datum (schrijf 2026-01-01 of 01-01-2026).", v))
	}
	return d
}

func (cr *contractReader) priceLine(row int, r []string) {
	const sheet = SheetPrices
	ref := cell(r, 0)
	c := cr.byRef[ref]
	if c == nil {
		cr.bad(sheet, row, 0, PriceColumns[0], "unknown contract number", fmt.Sprintf("contractnummer '%s' staat niet in het blad %s.", ref, SheetContracts))
		return
	}
	pl := PriceLine{Part: cell(r, 1), Code: strings.ToUpper(cell(r, 2)), Description: cell(r, 3), Group: cell(r, 7)}
	if pl.Part == "" || !contains(","+strings.Join(c.Parts, ",")+",", ","+pl.Part+",") {
		cr.bad(sheet, row, 1, PriceColumns[1], "part not in the contract", fmt.Sprintf("onderdeel '%s' is geen onderdeel van contract %s.", pl.Part, ref))
	}
	if !wellFormedCode(pl.Code) {
		cr.bad(sheet, row, 2, PriceColumns[2], "not a declaration code", fmt.Sprintf("'%s' is geen declaratiecode (hoogstens 6 cijfers of hoofdletters).", pl.Code))
	}
	for _, l := range c.Lines {
		if l.Code == pl.Code {
			cr.bad(sheet, row, 2, PriceColumns[2], "code twice in the contract", fmt.Sprintf("declaratiecode %s staat twee keer in contract %s.", pl.Code, ref))
			break
		}
	}
	cents, ok := parseEuro(cell(r, 4))
	if !ok || cents <= 0 {
		cr.bad(sheet, row, 4, PriceColumns[4], "not an amount above 0", fmt.Sprintf("'%s' is geen bedrag hoger dan € 0,00 (schrijf bijvoorbeeld 1234,56).", cell(r, 4)))
	}
	pl.TariffCents = cents
	pl.Volume = cr.whole(row, 5, cell(r, 5), 0, 1e9)
	pl.Category = cr.whole(row, 6, cell(r, 6), 0, 6)
	switch strings.ToLower(cell(r, 8)) {
	case "", "nee", "n", "false", "0":
	case "ja", "j", "true", "1":
		pl.ApprovalRequired = true
	default:
		cr.bad(sheet, row, 8, PriceColumns[8], "ja or nee", fmt.Sprintf("'%s' moet ja of nee zijn.", cell(r, 8)))
	}
	c.Lines = append(c.Lines, pl)
}

func (cr *contractReader) whole(row, col int, v string, lo, hi int) int {
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(strings.TrimSuffix(v, ".0"))
	if err != nil || n < lo || n > hi {
		cr.bad(SheetPrices, row, col, PriceColumns[col], "not a whole number in range",
			fmt.Sprintf("'%s' is geen geheel getal van %d tot en met %d.", v, lo, hi))
	}
	return n
}

// parseEuro reads euros into cents without floats: "1234,56", "1.234,56", "€ 12",
// or a number cell's raw "1234.56".
func parseEuro(v string) (int64, bool) {
	v = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), "€"))
	if v == "" {
		return 0, false
	}
	if strings.Contains(v, ",") {
		v = strings.ReplaceAll(v, ".", "")
		v = strings.Replace(v, ",", ".", 1)
	}
	whole, frac, _ := strings.Cut(v, ".")
	if len(frac) > 2 {
		if strings.Trim(frac[2:], "0") != "" {
			return 0, false
		}
		frac = frac[:2]
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, err1 := strconv.ParseInt(whole, 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil || w < 0 || w > 1e12 {
		return 0, false
	}
	return w*100 + f, true
}
