package provider

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/text"
)

// Provider files: JSON ({"providers": [...]} or a bare array of providers) and CSV (one row per
// provider location, one column per fact). Parsing checks the shape of the file and reports
// every problem with its line and field; the rules (codes, care types, fact values) are
// checked afterwards by Service.Validate, which takes the lines returned here.
// docs/providers-format.md describes both formats.

// ParseJSON reads providers from JSON. It returns, for each provider, the 1-based line its
// object starts on. Fact values may be JSON strings, numbers or booleans (money in euros);
// unknown fields are refused.
func ParseJSON(r io.Reader) ([]Provider, []int, error) {
	ps, where, _, errs := parseJSON(r)
	if len(errs) > 0 {
		return nil, nil, capErrors(errs)
	}
	return ps, where, nil
}

// parseJSON is ParseJSON that also returns the providers it could read when there are
// errors, for checking them too (see Service.ReadFile). A provider whose object does not
// decode is left out; one with a bad fact value is kept without that fact.
func parseJSON(r io.Reader) ([]Provider, []int, []entries, apperr.List) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, nil, nil, apperr.List{{Code: apperr.Invalid, Message: "cannot read the providers: " + err.Error(), Err: err}}
	}
	lines := newLineIndex(data)
	elems, err := splitJSONArray(data, lines)
	if err != nil {
		return nil, nil, nil, apperr.Errors(err)
	}
	var (
		errs  apperr.List
		ps    = make([]Provider, 0, len(elems))
		where = make([]int, 0, len(elems))
		ents  = make([]entries, 0, len(elems))
	)
	for i, el := range elems {
		p, err := decodeProvider(data[el.start:el.end], el.start, lines)
		for _, e := range apperr.Errors(err) {
			e.Field = "providers[" + strconv.Itoa(i) + "]" + dotted(e.Field)
			errs = append(errs, e)
		}
		if p.decoded {
			ps = append(ps, p.Provider)
			where = append(where, lines.at(el.start))
			ents = append(ents, p.entries)
		}
	}
	return ps, where, ents, errs
}

func dotted(field string) string {
	if field == "" || strings.HasPrefix(field, "[") {
		return field
	}
	return "." + field
}

type span struct{ start, end int }

// splitJSONArray finds the elements of the providers array: the document itself when it
// is an array, else its "providers" member. Only the top level is walked here; each element
// is decoded strictly on its own so its errors carry its own line.
func splitJSONArray(data []byte, lines lineIndex) ([]span, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	syntax := func(err error) error { return syntaxError(data, err, lines) }
	tok, err := dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, atLine(apperr.Invalidf("", "the file is empty: expected {\"providers\": [...]}"), lines.count())
		}
		return nil, syntax(err)
	}
	switch tok {
	case json.Delim('['):
	case json.Delim('{'):
		if !dec.More() {
			return nil, atLine(apperr.Invalidf("providers", "the file has no \"providers\" list"), lines.count())
		}
		keyOff := int(dec.InputOffset())
		key, err := dec.Token()
		if err != nil {
			return nil, syntax(err)
		}
		if key != "providers" {
			e := apperr.Invalidf(fmt.Sprint(key), "unknown field %q: the file holds {\"providers\": [...]}", key)
			e.Line = lines.at(skipSpace(data, keyOff))
			return nil, e
		}
		off := skipSpace(data, int(dec.InputOffset()))
		if t, err := dec.Token(); err != nil {
			return nil, syntax(err)
		} else if t != json.Delim('[') {
			e := apperr.Invalidf("providers", "must be a list of providers")
			e.Line = lines.at(off)
			return nil, e
		}
	default:
		return nil, atLine(apperr.Invalidf("", "expected {\"providers\": [...]} or a list of providers"), lines.at(skipSpace(data, 0)))
	}
	return elements(dec, data, lines)
}

// elements reads the members of an array whose '[' the decoder has just consumed.
func elements(dec *json.Decoder, data []byte, lines lineIndex) ([]span, error) {
	var out []span
	for dec.More() {
		start := skipSpace(data, int(dec.InputOffset()))
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, syntaxError(data, err, lines)
		}
		out = append(out, span{start, int(dec.InputOffset())})
	}
	if _, err := dec.Token(); err != nil { // the closing ']'
		return nil, syntaxError(data, err, lines)
	}
	return out, nil
}

// syntaxError reports a malformed document with the line of the mistake. A streaming
// decoder's offsets are relative to its buffer, so the whole document is checked again
// (only on this error path) to find the absolute offset.
func syntaxError(data []byte, err error, lines lineIndex) error {
	var raw json.RawMessage
	if err2 := json.Unmarshal(data, &raw); err2 != nil {
		err = err2
	}
	return jsonError(err, 0, lines, "")
}

// skipSpace returns the offset of the next byte that is not white space or a comma.
func skipSpace(data []byte, off int) int {
	for off < len(data) && strings.IndexByte(" \t\r\n,:", data[off]) >= 0 {
		off++
	}
	return off
}

// jsonFile mirrors Provider with facts whose value may be any JSON scalar.
type jsonFile struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	KvK         string     `json:"kvk"`
	AGBCodes    []AGBCode  `json:"agb_codes"`
	CareTypes   []string   `json:"care_types"`
	Specialisms []string   `json:"specialisms"`
	Locations   []Location `json:"locations"`
	// Facts, parts and contracts are decoded one by one, so that each error has its
	// entry's line.
	Facts     []json.RawMessage `json:"facts"`
	Parts     []json.RawMessage `json:"parts"`
	Contracts []json.RawMessage `json:"contracts"`
}

type jsonFact struct {
	Key      string          `json:"key"`
	Insurer  string          `json:"insurer"`
	Value    json.RawMessage `json:"value"`
	Source   Source          `json:"source"`
	Date     string          `json:"date"`
	Evidence string          `json:"evidence"`
}

// decodedProvider is a provider read from JSON; decoded is false when its object did not
// decode at all.
type decodedProvider struct {
	Provider
	decoded bool
	entries entries
}

// entries are where the entries of one provider ("parts[2]") are in a file.
type entries map[string]entryPos

type entryPos struct {
	line  int
	label string // for a CSV cell: the column and item
}

// decodeProvider decodes one provider object strictly; base is its offset in the file.
func decodeProvider(raw []byte, base int, lines lineIndex) (decodedProvider, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var f jsonFile
	if err := dec.Decode(&f); err != nil {
		return decodedProvider{}, jsonError(err, base, lines, "")
	}
	p := Provider{ID: f.ID, Name: f.Name, KvK: f.KvK, AGBCodes: f.AGBCodes, CareTypes: f.CareTypes,
		Specialisms: f.Specialisms, Locations: f.Locations}
	var errs apperr.List
	ents := entries{}
	from := 0 // entries come in file order: each is looked for after the one before
	for k, el := range f.Facts {
		var jf jsonFact
		start := from + offsetOf(raw[from:], el)
		if !decodeEntry(el, raw, base, &from, lines, "facts", k, len(p.Facts), &jf, ents, &errs) {
			continue
		}
		path := "facts[" + strconv.Itoa(k) + "]"
		v, err := scalarText(jf.Value)
		if err != nil {
			e := apperr.Invalidf(path+".value", "fact %s: %v", jf.Key, err)
			e.Line = lines.at(base + start + offsetOf(el, jf.Value))
			errs = append(errs, e)
			continue
		}
		// The rules name the fact by its place in the file, not in the provider (a fact
		// left out above shifts those after it).
		ents[fmt.Sprintf("facts[%d]", len(p.Facts))] = entryPos{line: lines.at(base + start), label: path}
		p.Facts = append(p.Facts, Fact{Key: jf.Key, Insurer: jf.Insurer, Value: v, Source: jf.Source, Date: jf.Date, Evidence: jf.Evidence})
	}
	from = 0
	for k, el := range f.Parts {
		var c PartChoice
		if decodeEntry(el, raw, base, &from, lines, "parts", k, len(p.Parts), &c, ents, &errs) {
			p.Parts = append(p.Parts, c)
		}
	}
	from = 0
	for k, el := range f.Contracts {
		var c Contract
		if decodeEntry(el, raw, base, &from, lines, "contracts", k, len(p.Contracts), &c, ents, &errs) {
			p.Contracts = append(p.Contracts, c)
		}
	}
	return decodedProvider{p, true, ents}, errs.Err()
}

// decodeEntry decodes entry k of list (el, found in raw at or after *from; raw starts at
// base in the file) strictly into v and notes its line in ents under index n, the one it
// gets in the provider. A bad entry is reported, with its line, and left out.
func decodeEntry(el, raw []byte, base int, from *int, lines lineIndex, list string, k, n int, v any, ents entries, errs *apperr.List) bool {
	off := *from + offsetOf(raw[*from:], el)
	*from = min(off+len(el), len(raw))
	at := base + off
	field := list + "[" + strconv.Itoa(k) + "]"
	dec := json.NewDecoder(bytes.NewReader(el))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		for _, e := range apperr.Errors(jsonError(err, at, lines, "")) {
			e.Field = field + dotted(e.Field)
			*errs = append(*errs, e)
		}
		return false
	}
	ents[list+"["+strconv.Itoa(n)+"]"] = entryPos{line: lines.at(at)}
	return true
}

// scalarText turns a JSON fact value into the text Canonical reads: a string as is, a number
// as written, a boolean as true/false, a list of strings as JSON.
func scalarText(v json.RawMessage) (string, error) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || string(v) == "null" {
		return "", fmt.Errorf("value is missing (leave the fact out when it is not known)")
	}
	switch v[0] {
	case '"':
		var s string
		err := json.Unmarshal(v, &s)
		return s, err
	case '[':
		var items []string
		if err := json.Unmarshal(v, &items); err != nil {
			return "", fmt.Errorf("a list value must hold texts only")
		}
		return string(v), nil
	case '{':
		return "", fmt.Errorf("value must be a text, number, true/false or a list of texts, not an object")
	}
	return string(v), nil // number, true or false: as written
}

// offsetOf finds where sub (a slice of raw) starts in raw.
func offsetOf(raw, sub []byte) int {
	if len(sub) == 0 {
		return 0
	}
	if i := bytes.Index(raw, sub); i >= 0 {
		return i
	}
	return 0
}

// jsonError turns a decoding error into an apperr with the line it happened on.
func jsonError(err error, base int, lines lineIndex, field string) error {
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
	)
	e := &apperr.Error{Code: apperr.Invalid, Field: field, Err: err}
	switch {
	case errors.As(err, &syn):
		e.Line = lines.at(base + int(syn.Offset) - 1)
		e.Message = "malformed JSON: " + syn.Error()
	case errors.As(err, &typ):
		e.Line = lines.at(base + int(typ.Offset) - 1)
		if typ.Field != "" {
			e.Field = typ.Field
		}
		e.Message = fmt.Sprintf("must be %s, not a JSON %s", jsonTypeName(typ.Type.Kind().String()), typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		e.Line = lines.count()
		e.Message = "malformed JSON: the file ends in the middle of a value"
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		e.Field = name
		e.Message = fmt.Sprintf("unknown field %q", name)
		e.Line = lines.at(base)
		if i := bytes.Index(lines.data[base:], []byte(`"`+name+`"`)); i >= 0 {
			e.Line = lines.at(base + i)
		}
	default:
		e.Message = "malformed JSON: " + err.Error()
		e.Line = lines.at(base)
	}
	return e
}

func jsonTypeName(kind string) string {
	switch kind {
	case "slice":
		return "a list"
	case "struct":
		return "an object"
	case "string":
		return "a text"
	}
	return kind
}

// lineIndex maps byte offsets to 1-based line numbers.
type lineIndex struct {
	data   []byte
	starts []int // offset where each line starts
}

func newLineIndex(data []byte) lineIndex {
	starts := []int{0}
	for i, b := range data {
		if b == '\n' {
			starts = append(starts, i+1)
		}
	}
	return lineIndex{data: data, starts: starts}
}

func (l lineIndex) at(off int) int {
	lo, hi := 0, len(l.starts)
	for lo+1 < hi { // last start <= off
		mid := (lo + hi) / 2
		if l.starts[mid] <= off {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo + 1
}

func (l lineIndex) count() int { return len(l.starts) }

// CSV

// The fixed CSV columns, in the order a template lists them.
var csvFixed = []string{"id", "name", "kvk", "agb", "care_types", "specialisms", "location_name", "street", "postcode", "city",
	colPartsRequested, colPartsOffered, colContracts}

var csvRequired = []string{"id", "name", "kvk", "agb", "care_types"}

const (
	colFactsSource = "facts_source"
	colFactsDate   = "facts_date"
	evidencePrefix = "evidence:"

	colPartsRequested = "parts_requested" // POLICY:PART;... the provider asks for
	colPartsOffered   = "parts_offered"   // POLICY:PART;... the insurer offers
	colContracts      = "contracts"       // INSURER:POLICY:FIRST-LAST[:PART+PART];...
)

// csvColumn is what one header cell means.
type csvColumn struct {
	name     string // as in the header
	fixed    string // one of csvFixed, facts_source or facts_date; empty for a fact
	key      string // fact key
	insurer  string // for per-insurer facts
	evidence bool   // an evidence:KEY column
	skip     bool   // a bad column, already reported: its cells are not read
}

// ParseCSV reads providers from CSV: a header row, then one row per provider location (rows
// with the same id add locations to the provider of the first). It returns, for each
// provider, the 1-based line of its first row. When cat is not nil, fact columns are checked
// against it, so an unknown fact column is refused once, by name, rather than on every row.
func ParseCSV(r io.Reader, cat *Catalogue) ([]Provider, []int, error) {
	ps, where, _, errs := parseCSV(r, cat)
	if len(errs) > 0 {
		return nil, nil, capErrors(errs)
	}
	return ps, where, nil
}

// parseCSV is ParseCSV that also returns the providers it could read when there are
// errors, for checking them too (see Service.ReadFile). Every row is read whatever the
// errors of the rows before it; a bad fact column is left out of every row. Only broken
// quoting, after which the reader cannot find the next row, and a header without its
// required columns stop the reading.
func parseCSV(r io.Reader, cat *Catalogue) ([]Provider, []int, []entries, apperr.List) {
	br := bufio.NewReaderSize(r, csvPeek)
	if bom, _ := br.Peek(len(utf8BOM)); string(bom) == utf8BOM { // from a spreadsheet export
		br.Discard(len(utf8BOM))
	}
	cr := csv.NewReader(br)
	cr.Comma = csvSeparator(br)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, nil, nil, apperr.List{atLine(apperr.Invalidf("", "the file is empty: expected a header row (%s, then fact columns)", strings.Join(csvFixed, ",")), 1)}
	}
	if err != nil {
		return nil, nil, nil, apperr.List{csvError(err)}
	}
	if len(header) == 1 && lower(header[0]) != "id" {
		// One column that is not id: the columns are not separated by a comma, semicolon
		// or tab. Its name would only be a long "unknown column".
		return nil, nil, nil, apperr.List{atLine(apperr.Invalidf("header", "the header row is one column: separate the columns "+
			"with commas, semicolons or tabs, starting with %s", strings.Join(csvRequired, ",")), 1)}
	}
	cols, errs, usable := csvHeader(header, cat)
	if !usable {
		return nil, nil, nil, errs
	}
	var (
		ps    []Provider
		where []int
		ents  []entries
		first = map[string]int{} // id -> index in ps
		rows  = map[string][]string{}
	)
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			errs = append(errs, csvError(err))
			break // the reader cannot resync after broken quoting
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // blank line
		}
		if len(rec) != len(cols) {
			e := apperr.Invalidf("", "row has %d cells, the header has %d columns", len(rec), len(cols))
			e.Line = line
			errs = append(errs, e)
			continue
		}
		id := strings.TrimSpace(rec[0])
		if i, seen := first[id]; seen && id != "" {
			for _, e := range addLocationRow(&ps[i], cols, rec, rows[id], where[i]) {
				e.Line = line
				errs = append(errs, e)
			}
			continue
		}
		p, labels, rowErrs := csvProvider(cols, rec)
		for _, e := range rowErrs {
			e.Line = line
			errs = append(errs, e)
		}
		es := entries{}
		for entry, label := range labels {
			es[entry] = entryPos{line: line, label: label}
		}
		first[id] = len(ps)
		rows[id] = rec
		ps = append(ps, p)
		where = append(where, line)
		ents = append(ents, es)
	}
	return ps, where, ents, errs
}

// utf8BOM is the byte-order mark spreadsheets put before a UTF-8 export.
const utf8BOM = "\ufeff"

// csvPeek is how much of a CSV file is looked at to find its separator: the header row,
// or its first 64 KiB.
const csvPeek = 64 << 10

// csvSeparator is the separator of the CSV file br starts with: of comma, semicolon (a
// Dutch spreadsheet's default, where the comma is the decimal sign) and tab, the one that
// occurs most often outside quotes in the header row; comma when there is none.
func csvSeparator(br *bufio.Reader) rune {
	head, _ := br.Peek(csvPeek) // a short file gives what it has
	counts := map[byte]int{}
	quoted := false
	for _, c := range head {
		if c == '"' {
			quoted = !quoted
		}
		if c == '\n' && !quoted {
			break
		}
		if !quoted {
			counts[c]++
		}
	}
	sep := byte(',')
	for _, c := range []byte{';', '\t'} {
		if counts[c] > counts[sep] {
			sep = c
		}
	}
	return rune(sep)
}

// atLine sets the line of e.
func atLine(e *apperr.Error, line int) *apperr.Error {
	e.Line = line
	return e
}

// MaxFileErrors is the most problems reported for one file; a last error says how many
// more there are.
const MaxFileErrors = 1000

// capErrors returns errs with at most MaxFileErrors, then one saying how many more.
func capErrors(errs apperr.List) error {
	if len(errs) <= MaxFileErrors {
		return errs.Err()
	}
	n := len(errs) - MaxFileErrors
	more := &apperr.Error{Code: apperr.Invalid, Message: fmt.Sprintf("and %d more problems", n),
		Dutch: fmt.Sprintf("En nog %d andere fouten.", n)}
	return append(errs[:MaxFileErrors:MaxFileErrors], more)
}

func csvError(err error) *apperr.Error {
	e := &apperr.Error{Code: apperr.Invalid, Message: "malformed CSV: " + err.Error(), Err: err}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		e.Line = pe.Line
		e.Message = "malformed CSV: " + pe.Err.Error()
	}
	return e
}

// csvHeader interprets the header row; id must be the first column. A bad fact column is
// marked skip, so that the rows can still be read; usable is false when they cannot (id is
// not first, or a required column is missing).
func csvHeader(header []string, cat *Catalogue) (cols []csvColumn, errs apperr.List, usable bool) {
	usable = true
	bad := func(col, format string, args ...any) {
		e := apperr.Invalidf("column "+col, format, args...)
		e.Line = 1
		errs = append(errs, e)
	}
	fixed := map[string]bool{colFactsSource: true, colFactsDate: true}
	for _, c := range csvFixed {
		fixed[c] = true
	}
	cols = make([]csvColumn, len(header))
	seen := map[string]bool{}
	for i, h := range header {
		name := strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")) // a BOM from spreadsheet exports
		col := csvColumn{name: name}
		if e := text.Check("column "+strconv.Itoa(i+1), name, text.Name); e != nil {
			e.Line = 1
			errs = append(errs, e)
			col.name, col.skip = strconv.Itoa(i+1), true
			cols[i] = col
			continue
		}
		if seen[name] {
			bad(name, "column %q appears twice", name)
			col.skip = true
		}
		seen[name] = true
		switch {
		case fixed[lower(name)]:
			col.fixed = lower(name)
		case name == "":
			bad(strconv.Itoa(i+1), "column %d has no name", i+1)
			col.skip = true
		default:
			spec := name
			if strings.HasPrefix(spec, evidencePrefix) {
				col.evidence, spec = true, strings.TrimPrefix(spec, evidencePrefix)
			}
			col.key, col.insurer, _ = strings.Cut(spec, "@")
			if err := checkFactColumn(col, cat); err != "" {
				bad(name, "%s", err)
				col.skip = true
			}
		}
		cols[i] = col
	}
	if len(cols) > 0 && cols[0].fixed != "id" {
		bad(cols[0].name, "the first column must be id")
		usable = false
	}
	for _, c := range csvRequired {
		if !seen[c] {
			e := apperr.Invalidf("header", "required column %q is missing", c)
			e.Line = 1
			errs = append(errs, e)
			usable = false
		}
	}
	return cols, errs, usable
}

func lower(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// checkFactColumn returns why a fact column is wrong, or "".
func checkFactColumn(col csvColumn, cat *Catalogue) string {
	if col.key == "" {
		return fmt.Sprintf("column %q names no fact", col.name)
	}
	if cat == nil {
		return ""
	}
	def, ok := cat.Lookup(col.key)
	switch {
	case !ok:
		return fmt.Sprintf("unknown column %q: it is not one of %s, facts_source, facts_date, and %q is not a known fact (see policies/facts/)",
			col.name, strings.Join(csvFixed, ", "), col.key)
	case def.PerInsurer && col.insurer == "":
		return fmt.Sprintf("fact %s is kept per insurer: name the column %s@INSURER, e.g. %s@zorg-en-zekerheid", col.key, col.key, col.key)
	case !def.PerInsurer && col.insurer != "":
		return fmt.Sprintf("fact %s is not kept per insurer: name the column %s", col.key, col.key)
	}
	return ""
}

func splitList(s string) []string {
	var out []string
	for _, it := range strings.Split(s, ";") {
		if it = strings.TrimSpace(it); it != "" {
			out = append(out, it)
		}
	}
	return out
}

// csvProvider builds a provider from its first row. labels name the column and item of
// each part choice and contract ("parts[0]": "column parts_offered, item 2").
func csvProvider(cols []csvColumn, rec []string) (p Provider, labels map[string]string, errs []*apperr.Error) {
	var loc Location
	labels = map[string]string{}
	source, date := "", ""
	evidence := map[string]string{}    // key@insurer -> evidence
	evidenceCol := map[string]string{} // key@insurer -> column name
	for i, c := range cols {
		if c.skip {
			continue
		}
		v := strings.TrimSpace(rec[i])
		switch c.fixed {
		case "id":
			p.ID = v
		case "name":
			p.Name = v
		case "kvk":
			p.KvK = v
		case "agb":
			for _, code := range splitList(v) {
				num, kind, hasKind := strings.Cut(code, ":")
				k := AGBInstitution
				if hasKind {
					k = AGBKind(lower(kind))
				}
				p.AGBCodes = append(p.AGBCodes, AGBCode{Code: strings.TrimSpace(num), Kind: k})
			}
		case "care_types":
			p.CareTypes = splitList(v)
		case "specialisms":
			p.Specialisms = splitList(v)
		case "location_name":
			loc.Name = v
		case "street":
			loc.Street = v
		case "postcode":
			loc.Postcode = v
		case "city":
			loc.City = v
		case colFactsSource:
			source = v
		case colFactsDate:
			date = v
		case colPartsRequested, colPartsOffered:
			errs = append(errs, csvParts(&p, c.name, v, labels)...)
		case colContracts:
			errs = append(errs, csvContracts(&p, c.name, v, labels)...)
		case "":
			if v == "" {
				continue
			}
			id := c.key + "@" + c.insurer
			if c.evidence {
				evidence[id], evidenceCol[id] = v, c.name
				continue
			}
			labels["facts["+strconv.Itoa(len(p.Facts))+"]"] = fmt.Sprintf("column %q", c.name)
			p.Facts = append(p.Facts, Fact{Key: c.key, Insurer: c.insurer, Value: v})
		}
	}
	if loc != (Location{}) {
		p.Locations = append(p.Locations, loc)
	}
	for k := range p.Facts {
		f := &p.Facts[k]
		f.Source, f.Date = Source(source), date
		id := f.Key + "@" + f.Insurer
		f.Evidence = evidence[id]
		delete(evidence, id)
		// An error of the fact's date, source or evidence names that cell's column.
		entry := "facts[" + strconv.Itoa(k) + "]."
		labels[entry+"date"] = fmt.Sprintf("column %q", colFactsDate)
		labels[entry+"source"] = fmt.Sprintf("column %q", colFactsSource)
		if col, ok := evidenceCol[id]; ok {
			labels[entry+"evidence"] = fmt.Sprintf("column %q", col)
		}
	}
	for id, col := range evidenceCol {
		if _, unused := evidence[id]; unused {
			errs = append(errs, apperr.Invalidf("column "+col, "evidence is given but the fact has no value"))
		}
	}
	if len(p.Facts) > 0 && date == "" {
		errs = append(errs, apperr.Invalidf("column "+colFactsDate, "the row has facts, so facts_date (when they were established, e.g. 2025-06-30) is required"))
	}
	return p, labels, errs
}

// csvParts adds the part choices of a parts_requested or parts_offered cell: POLICY:PART
// items separated by ';'. An item is not repeated in an error: it may be long or broken.
func csvParts(p *Provider, col, cell string, labels map[string]string) []*apperr.Error {
	by := SourceProvider
	if col == colPartsOffered {
		by = SourceInsurer
	}
	var errs []*apperr.Error
	for j, item := range splitList(cell) {
		label := "column " + col + ", item " + strconv.Itoa(j+1)
		policy, part, ok := strings.Cut(item, ":")
		if !ok {
			errs = append(errs, apperr.Invalidf(label, "an item is POLICY:PART, e.g. cz-msz-2024:selectief-borstkankerzorg"))
			continue
		}
		labels["parts["+strconv.Itoa(len(p.Parts))+"]"] = label
		p.Parts = append(p.Parts, PartChoice{Policy: strings.TrimSpace(policy), Part: strings.TrimSpace(part), By: by})
	}
	return errs
}

// csvContracts adds the contracts of a contracts cell: INSURER:POLICY:YEARS[:PARTS] items
// separated by ';', where YEARS is FIRST-LAST or one year, and PARTS part ids joined by '+'.
func csvContracts(p *Provider, col, cell string, labels map[string]string) []*apperr.Error {
	var errs []*apperr.Error
	for j, item := range splitList(cell) {
		label := "column " + col + ", item " + strconv.Itoa(j+1)
		c, ok := contractItem(item)
		if !ok {
			errs = append(errs, apperr.Invalidf(label, "an item is INSURER:POLICY:FIRST-LAST or INSURER:POLICY:FIRST-LAST:PART+PART, e.g. cz-groep:cz-hz-mdz-2021:2021-2022:rsv-voetzorg"))
			continue
		}
		labels["contracts["+strconv.Itoa(len(p.Contracts))+"]"] = label
		p.Contracts = append(p.Contracts, c)
	}
	return errs
}

func contractItem(item string) (Contract, bool) {
	f := strings.Split(item, ":")
	if len(f) != 3 && len(f) != 4 {
		return Contract{}, false
	}
	first, last, span := strings.Cut(strings.TrimSpace(f[2]), "-")
	if !span {
		last = first
	}
	y1, err1 := strconv.Atoi(strings.TrimSpace(first))
	y2, err2 := strconv.Atoi(strings.TrimSpace(last))
	if err1 != nil || err2 != nil {
		return Contract{}, false
	}
	c := Contract{Insurer: strings.TrimSpace(f[0]), Policy: strings.TrimSpace(f[1]), FirstYear: y1, LastYear: y2}
	if len(f) == 4 {
		for _, part := range strings.Split(f[3], "+") {
			c.Parts = append(c.Parts, strings.TrimSpace(part))
		}
	}
	return c, true
}

// addLocationRow adds the location of a further row of provider p. The row's other cells
// must be empty or repeat the first row: a provider's facts are written once.
func addLocationRow(p *Provider, cols []csvColumn, rec, firstRec []string, firstLine int) []*apperr.Error {
	var (
		loc  Location
		errs []*apperr.Error
	)
	for i, c := range cols {
		if c.skip {
			continue
		}
		v := strings.TrimSpace(rec[i])
		switch c.fixed {
		case "location_name":
			loc.Name = v
		case "street":
			loc.Street = v
		case "postcode":
			loc.Postcode = v
		case "city":
			loc.City = v
		default:
			if v != "" && v != strings.TrimSpace(firstRec[i]) {
				errs = append(errs, apperr.Invalidf("column "+c.name,
					"a further row of provider %s only adds a location; %q differs from its first row (line %d): leave it empty", p.ID, v, firstLine))
			}
		}
	}
	if loc == (Location{}) {
		errs = append(errs, apperr.Invalidf("column location_name", "a further row of provider %s must give a location", p.ID))
		return errs
	}
	p.Locations = append(p.Locations, loc)
	return errs
}

// FileValue writes a canonical fact value in the notation provider files use, so that
// Canonical reads it back to the same value: money goes from cents to euros ("8000000" to
// "80000.00"); other types are already in file notation.
func FileValue(t FactType, canonical string) string {
	if t != Money {
		return canonical
	}
	cents, err := strconv.ParseInt(canonical, 10, 64)
	if err != nil {
		return canonical
	}
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return fmt.Sprintf("%s%d.%02d", sign, cents/100, cents%100)
}

// FileForm returns copies of providers whose fact values are in file notation (see
// FileValue), for writing them out or passing them through Service.Validate again: money
// in canonical cents would otherwise be read as euros.
func FileForm(cat *Catalogue, ps []Provider) []Provider {
	out := make([]Provider, len(ps))
	for i, p := range ps {
		facts := make([]Fact, len(p.Facts))
		for k, f := range p.Facts {
			if def, ok := cat.Lookup(f.Key); ok {
				f.Value = FileValue(def.Type, f.Value)
			}
			facts[k] = f
		}
		p.Facts = facts
		out[i] = p
	}
	return out
}
