package provider

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"zorginkoop/internal/apperr"
)

// ReadFile reads a provider file in format "csv" or "json" and checks every provider in
// it (see Normalize): it reports every problem of every line, of the file's shape and of
// the rules, ordered by line, at most MaxFileErrors. The providers come back normalised,
// with the line each starts on.
func (ref Reference) ReadFile(r io.Reader, format string) ([]Provider, []int, error) {
	var (
		ps    []Provider
		lines []int
		ents  []entries
		errs  apperr.List
	)
	switch format {
	case "csv":
		ps, lines, ents, errs = parseCSV(r, ref.Catalogue)
	case "json":
		ps, lines, ents, errs = parseJSON(r)
	default:
		return nil, nil, apperr.Invalidf("format", "unknown file format %q: use csv or json", format)
	}
	at := func(i int, entry string) (int, string) {
		if e, ok := ents[i][entry]; ok && entry != "" {
			return e.line, e.label
		}
		return lines[i], ""
	}
	// A row without facts_date has one error for it, not one for each of its facts.
	noDate := map[int]bool{}
	for _, e := range errs {
		if e.Field == "column "+colFactsDate {
			noDate[e.Line] = true
		}
	}
	for _, e := range apperr.Errors(ref.check(ps, at, true)) {
		if noDate[e.Line] && (strings.HasSuffix(e.Field, ".date") || strings.HasSuffix(e.Field, fmt.Sprintf("column %q", colFactsDate))) {
			continue
		}
		errs = append(errs, e)
	}
	if len(errs) > 0 {
		slices.SortStableFunc(errs, func(a, b *apperr.Error) int { return a.Line - b.Line })
		return nil, nil, capErrors(errs)
	}
	if len(ps) == 0 {
		last := 1
		if format == "csv" {
			last = 2 // after the header
		}
		return nil, nil, atLine(apperr.Invalidf("", "the file holds no providers"), last)
	}
	return ps, lines, nil
}
