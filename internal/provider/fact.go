package provider

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/text"
)

// FactType is the type of a fact's value.
type FactType string

const (
	Bool    FactType = "bool"
	Int     FactType = "int"
	Number  FactType = "number"
	Percent FactType = "percent"
	Money   FactType = "money" // integer euro cents
	Date    FactType = "date"  // civil date, YYYY-MM-DD
	Text    FactType = "text"
	List    FactType = "list" // of strings
)

// Valid reports whether t is a known fact type.
func (t FactType) Valid() bool {
	switch t {
	case Bool, Int, Number, Percent, Money, Date, Text, List:
		return true
	}
	return false
}

// FactDef declares a fact that policies may use in rules.
type FactDef struct {
	Key         string   `json:"key" yaml:"key"`
	Type        FactType `json:"type" yaml:"type"`
	PerInsurer  bool     `json:"per_insurer,omitempty" yaml:"per_insurer"`
	Label       string   `json:"label" yaml:"label"` // Dutch; "{verzekeraar}" is replaced by the insurer's name
	Description string   `json:"description,omitempty" yaml:"description"`
	// Min and Max bound a number, percent, int or money fact (money in euros), where the
	// vocabulary gives a range: a ZorgkaartNederland score is at most 10.
	Min *float64 `json:"min,omitempty" yaml:"min"`
	Max *float64 `json:"max,omitempty" yaml:"max"`
}

// CheckRange reports a canonical value outside the fact's range, in plain words.
func (d *FactDef) CheckRange(canonical string) error {
	if d.Min == nil && d.Max == nil {
		return nil
	}
	var v float64
	switch d.Type {
	case Int, Number, Percent:
		f, err := strconv.ParseFloat(canonical, 64)
		if err != nil {
			return nil // not canonical: Validate says so
		}
		v = f
	case Money:
		cents, err := strconv.ParseInt(canonical, 10, 64)
		if err != nil {
			return nil
		}
		v = float64(cents) / 100
	default:
		return nil
	}
	switch {
	case d.Min != nil && v < *d.Min:
		return fmt.Errorf("%s is less than %s, the lowest possible value", formatNumber(v), formatNumber(*d.Min))
	case d.Max != nil && v > *d.Max:
		return fmt.Errorf("%s is more than %s, the highest possible value", formatNumber(v), formatNumber(*d.Max))
	}
	return nil
}

func formatNumber(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// LabelFor returns the Dutch label with the insurer's name filled in.
func (d *FactDef) LabelFor(insurerName string) string {
	return strings.ReplaceAll(d.Label, "{verzekeraar}", insurerName)
}

// Catalogue is the set of declared facts, in declaration order.
type Catalogue struct {
	Defs  []FactDef
	index map[string]int
}

// NewCatalogue indexes defs; keys must be unique.
func NewCatalogue(defs []FactDef) (*Catalogue, error) {
	c := &Catalogue{Defs: defs, index: make(map[string]int, len(defs))}
	for i, d := range defs {
		if _, dup := c.index[d.Key]; dup {
			return nil, apperr.Invalidf("facts", "fact %q is declared twice", d.Key)
		}
		c.index[d.Key] = i
	}
	return c, nil
}

// Lookup returns the definition of key.
func (c *Catalogue) Lookup(key string) (*FactDef, bool) {
	i, ok := c.index[key]
	if !ok {
		return nil, false
	}
	return &c.Defs[i], true
}

// Index returns the position of key in Defs, or -1.
func (c *Catalogue) Index(key string) int {
	if i, ok := c.index[key]; ok {
		return i
	}
	return -1
}

// Source says where a fact comes from.
type Source string

const (
	SourceProvider Source = "aanbieder"   // declared by the provider
	SourceRegister Source = "register"    // from a public register (KvK, AGB, BIG, IGJ, ...)
	SourceInsurer  Source = "verzekeraar" // from the insurer's own data
)

// Valid reports whether s is a known source.
func (s Source) Valid() bool {
	return s == SourceProvider || s == SourceRegister || s == SourceInsurer
}

// Fact is one known thing about a provider. Value is in canonical text form (see Canonical).
type Fact struct {
	Key      string `json:"key"`
	Insurer  string `json:"insurer,omitempty"` // for per-insurer facts: the insurer id
	Value    string `json:"value"`
	Source   Source `json:"source"`
	Date     string `json:"date"`               // when the fact was established, YYYY-MM-DD
	Evidence string `json:"evidence,omitempty"` // reference to the evidence document
}

// Bounds on fact values. Rules are checked against them for cost when a policy loads.
const (
	MaxListItems  = 100
	MaxTextLength = 2000
)

// Canonical converts a value written by a person (CSV cell or JSON scalar text) into the
// canonical text stored for type t: bool "true"/"false", int "12", number "1.5", money in
// cents "8000000" (input in euros, "80000" or "80000.50" or "80.000,50"), date "2024-01-31",
// list as a JSON array of strings (input: JSON array or "a;b;c").
func Canonical(t FactType, raw string) (string, error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", fmt.Errorf("value is empty")
	}
	switch t {
	case Bool:
		switch strings.ToLower(s) {
		case "true", "ja", "j", "yes", "1":
			return "true", nil
		case "false", "nee", "n", "no", "0":
			return "false", nil
		}
		return "", fmt.Errorf("%q is not ja/nee (true/false)", raw)
	case Int:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return "", fmt.Errorf("%q is not a whole number", raw)
		}
		return strconv.FormatInt(n, 10), nil
	case Number, Percent:
		signed := t == Percent && strings.HasSuffix(s, "%")
		if signed {
			s = strings.TrimSpace(strings.TrimSuffix(s, "%"))
		}
		f, err := strconv.ParseFloat(decimalPoint(s), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return "", fmt.Errorf("%q is not a number", raw)
		}
		if t == Percent && (f < 0 || f > 100) {
			return "", fmt.Errorf("%q is not a percentage between 0 and 100", raw)
		}
		if t == Percent && f > 0 && f < 1 && !signed {
			// 0.95 is most often a fraction meant as 95%; less than one percent is
			// rare enough to ask for the sign.
			return "", fmt.Errorf("%q looks like a fraction: write 95 for 95%%, or %s%% for less than one percent", raw, s)
		}
		return strconv.FormatFloat(f, 'f', -1, 64), nil
	case Money:
		cents, err := ParseEuros(s)
		if err != nil {
			return "", err
		}
		return strconv.FormatInt(cents, 10), nil
	case Date:
		d, err := time.Parse(time.DateOnly, s)
		if err != nil { // the Dutch notation a spreadsheet saves: 31-1-2024, 31-01-2024
			d, err = time.Parse("2-1-2006", s)
		}
		if err != nil {
			return "", fmt.Errorf("%q is not a date like 2024-01-31 or 31-1-2024", raw)
		}
		return d.Format(time.DateOnly), nil
	case Text:
		if n := utf8.RuneCountInString(s); n > MaxTextLength {
			return "", fmt.Errorf("the text is %d characters long; at most %d are allowed", n, MaxTextLength)
		}
		return s, nil
	case List:
		var items []string
		if strings.HasPrefix(s, "[") {
			if err := json.Unmarshal([]byte(s), &items); err != nil {
				return "", fmt.Errorf("%q is not a list of texts", raw)
			}
		} else {
			for _, it := range strings.Split(s, ";") {
				if it = strings.TrimSpace(it); it != "" {
					items = append(items, it)
				}
			}
		}
		if len(items) > MaxListItems {
			return "", fmt.Errorf("the list has %d items; at most %d are allowed", len(items), MaxListItems)
		}
		for i, it := range items { // a JSON list hides its escapes (\u0000) from Fact.CheckText
			if e := text.Check("item "+strconv.Itoa(i+1), it, text.Line); e != nil {
				return "", fmt.Errorf("item %d of the list %s", i+1, e.Message)
			}
		}
		b, _ := json.Marshal(items)
		return string(b), nil
	}
	return "", fmt.Errorf("unknown fact type %q", t)
}

// isCanonical reports whether v is already in the canonical form for type t.
func isCanonical(t FactType, v string) bool {
	switch t {
	case Money:
		_, err := strconv.ParseInt(v, 10, 64)
		return err == nil
	case Percent: // a stored 0.5 (%) is canonical; only a person must write it as 0,5%
		f, err := strconv.ParseFloat(v, 64)
		return err == nil && f >= 0 && f <= 100 && strconv.FormatFloat(f, 'f', -1, 64) == v
	}
	c, err := Canonical(t, v)
	return err == nil && c == v
}

// dutchGrouped is a number in Dutch notation with dots grouping thousands and a decimal
// comma, as a Dutch spreadsheet writes it: 1.250,5.
var dutchGrouped = regexp.MustCompile(`^[-+]?\d{1,3}(\.\d{3})+,\d+$`)

// decimalPoint turns a decimal comma into a point (7,5 is 7.5), and drops the thousands
// dots of a Dutch-grouped number (1.250,5 is 1250.5). Anything else is left for ParseFloat
// to refuse: 1,250.5 is not read as a Dutch number.
func decimalPoint(s string) string {
	if dutchGrouped.MatchString(s) {
		s = strings.ReplaceAll(s, ".", "")
	}
	return strings.Replace(s, ",", ".", 1)
}

// ParseEuros parses an amount in euros ("80000", "80000.50", "80.000,50", "€ 1.250") into
// cents, exactly: no floating point.
func ParseEuros(s string) (int64, error) {
	orig := s
	s = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(s), "€"))
	s = strings.ReplaceAll(s, " ", "")
	if strings.Contains(s, ",") { // Dutch notation: dots group thousands, comma is decimal
		s = strings.ReplaceAll(s, ".", "")
		s = strings.Replace(s, ",", ".", 1)
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok || strings.ContainsAny(s, "eE/") {
		return 0, fmt.Errorf("%q is not an amount in euros", orig)
	}
	r.Mul(r, big.NewRat(100, 1))
	if !r.IsInt() {
		return 0, fmt.Errorf("%q has more than two decimals", orig)
	}
	if !r.Num().IsInt64() {
		return 0, fmt.Errorf("%q is too large", orig)
	}
	return r.Num().Int64(), nil
}

// CheckText checks the fact's text fields (see package text): valid UTF-8, no NUL or
// control characters, a length limit each. Run it before Normalize and Validate, whose
// errors repeat the key and the value.
func (f *Fact) CheckText() apperr.List {
	return text.CheckAll(
		text.Field{Name: "key", Value: f.Key, Max: text.Code},
		text.Field{Name: "insurer", Value: f.Insurer, Max: text.Code},
		text.Field{Name: "value", Value: f.Value, Max: text.Long},
		text.Field{Name: "source", Value: string(f.Source), Max: text.Code},
		text.Field{Name: "date", Value: f.Date, Max: text.Code},
		text.Field{Name: "evidence", Value: f.Evidence, Max: text.Line},
	)
}

// Normalize converts the fact's value from a person's notation (see Canonical) into its
// canonical form. Call it once on input read from a file or an API body, before Validate.
func (f *Fact) Normalize(c *Catalogue) error {
	def, ok := c.Lookup(f.Key)
	if !ok {
		return apperr.Invalidf("key", "unknown fact %q (see policies/facts/)", f.Key)
	}
	v, err := Canonical(def.Type, f.Value)
	if err == nil {
		err = def.CheckRange(v)
	}
	if err != nil {
		return apperr.Invalidf("value", "fact %s: %v", f.Key, err)
	}
	f.Value = v
	if d, err := time.Parse("2-1-2006", strings.TrimSpace(f.Date)); err == nil { // a spreadsheet's 30-6-2025
		f.Date = d.Format(time.DateOnly)
	}
	return nil
}

// Validate checks a fact, whose value must be in canonical form (see Normalize), against
// the catalogue. Validating twice gives the same result.
func (f *Fact) Validate(c *Catalogue, insurers map[string]bool) error {
	def, ok := c.Lookup(f.Key)
	if !ok {
		return apperr.Invalidf("key", "unknown fact %q (see policies/facts/)", f.Key)
	}
	if !isCanonical(def.Type, f.Value) {
		return apperr.Invalidf("value", "fact %s: %q is not a canonical %s value", f.Key, f.Value, def.Type)
	}
	if err := def.CheckRange(f.Value); err != nil {
		return apperr.Invalidf("value", "fact %s: %v", f.Key, err)
	}
	switch {
	case def.PerInsurer && f.Insurer == "":
		return apperr.Invalidf("insurer", "fact %s is kept per insurer: name the insurer", f.Key)
	case !def.PerInsurer && f.Insurer != "":
		return apperr.Invalidf("insurer", "fact %s is not kept per insurer: leave the insurer empty", f.Key)
	case f.Insurer != "" && !insurers[f.Insurer]:
		return apperr.Invalidf("insurer", "fact %s: unknown insurer %q", f.Key, f.Insurer)
	}
	if f.Source == "" {
		f.Source = SourceProvider
	}
	if !f.Source.Valid() {
		return apperr.Invalidf("source", "fact %s: source %q is not one of aanbieder, register, verzekeraar", f.Key, f.Source)
	}
	if _, err := time.Parse(time.DateOnly, f.Date); err != nil {
		return apperr.Invalidf("date", "fact %s: date %q is not a date like 2024-01-31", f.Key, f.Date)
	}
	return nil
}
