package web

import (
	"fmt"
	"strconv"
	"strings"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/nl"
	"zorginkoop/internal/pricelist"
)

// The lines of a price list as the form shows and reads them: one product line per row,
// "code; omschrijving; tarief; volume[; categorie; plafond]", amounts in euros the Dutch
// way. A row pasted from a spreadsheet (tab-separated) reads the same.

// linesText writes lines one per row as the form reads them back:
// "code; omschrijving; tarief; volume[; categorie; plafond]".
func linesText(lines []pricelist.Line) string {
	var b strings.Builder
	for _, l := range lines {
		fmt.Fprintf(&b, "%s; %s; %s; %d", l.Code, l.Description, euroField(l.Tariff), l.Volume)
		if l.Category != 0 || l.Ceiling != 0 {
			cat := ""
			if l.Category != 0 {
				cat = strconv.Itoa(l.Category)
			}
			ceiling := ""
			if l.Ceiling != 0 {
				ceiling = euroField(l.Ceiling)
			}
			fmt.Fprintf(&b, "; %s; %s", cat, ceiling)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// maxLineProblems bounds the problems listed of a pasted text.
const maxLineProblems = 50

// parseLines reads the lines of the form: one per row, fields separated by ";" or a tab
// (pasted from a spreadsheet); empty rows are skipped. Every problem is named by its row.
func parseLines(text string) ([]pricelist.Line, error) {
	var out []pricelist.Line
	var errs apperr.List
	bad := func(row int, dutch string) {
		if len(errs) < maxLineProblems {
			errs = append(errs, &apperr.Error{Code: apperr.Invalid, Line: row, Field: "regels",
				Message: fmt.Sprintf("row %d: %s", row, dutch), Dutch: fmt.Sprintf("Regel %d: %s", row, dutch)})
		}
	}
	for i, row := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		n := i + 1
		if strings.TrimSpace(row) == "" {
			continue
		}
		sep := ";"
		if strings.Contains(row, "\t") {
			sep = "\t"
		}
		f := strings.Split(row, sep)
		for j := range f {
			f[j] = strings.TrimSpace(f[j])
		}
		if len(f) < 4 || len(f) > 6 {
			bad(n, "schrijf code; omschrijving; tarief; volume (en eventueel; categorie; plafond).")
			continue
		}
		l := pricelist.Line{Code: f[0], Description: f[1]}
		var err error
		if l.Tariff, err = parseEuros(f[2]); err != nil {
			bad(n, "het tarief '"+f[2]+"' is geen bedrag (schrijf bijvoorbeeld 1234,56).")
		}
		if l.Volume, err = strconv.Atoi(strings.ReplaceAll(f[3], ".", "")); err != nil {
			bad(n, "het volume '"+f[3]+"' is geen geheel getal.")
		}
		if len(f) > 4 && f[4] != "" {
			if l.Category, err = strconv.Atoi(f[4]); err != nil {
				bad(n, "de categorie '"+f[4]+"' is geen getal.")
			}
		}
		if len(f) > 5 && f[5] != "" {
			if l.Ceiling, err = parseEuros(f[5]); err != nil {
				bad(n, "het plafond '"+f[5]+"' is geen bedrag.")
			}
		}
		out = append(out, l)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return out, pricelist.ValidateLines(out)
}

// parseEuros reads an amount in euros as cents: "1234,56", "1.234,56", "€ 12", "12.5".
func parseEuros(s string) (int64, error) {
	s = strings.NewReplacer("€", "", " ", "", "\u00a0", "").Replace(s)
	if strings.Contains(s, ",") {
		s = strings.ReplaceAll(s, ".", "")
		s = strings.Replace(s, ",", ".", 1)
	}
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 || len(whole) > 12 {
		return 0, fmt.Errorf("%q is not an amount", s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w < 0 {
		return 0, fmt.Errorf("%q is not an amount", s)
	}
	c, err := strconv.ParseInt(frac, 10, 64)
	if err != nil || c < 0 {
		return 0, fmt.Errorf("%q is not an amount", s)
	}
	return w*100 + c, nil
}

// lineTotal is a line's tariff × volume, for the page.
func lineTotal(l pricelist.Line) string { return nl.Money(l.Tariff * int64(l.Volume)) }
