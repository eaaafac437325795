// Package provider holds care providers (zorgaanbieders): their organisation, AGB codes,
// locations, care types and the facts that policies judge them on.
package provider

import (
	"regexp"
	"strconv"
	"strings"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/text"
)

// Provider is a care provider organisation.
type Provider struct {
	ID          string       `json:"id"` // stable id, e.g. "kvk-12345678"
	Name        string       `json:"name"`
	KvK         string       `json:"kvk"`
	AGBCodes    []AGBCode    `json:"agb_codes"`
	CareTypes   []string     `json:"care_types"`
	Specialisms []string     `json:"specialisms,omitempty"`
	Locations   []Location   `json:"locations"`
	Facts       []Fact       `json:"facts,omitempty"`
	Parts       []PartChoice `json:"parts,omitempty"`     // parts of policies asked for or offered
	Contracts   []Contract   `json:"contracts,omitempty"` // contracts with insurers, running or past
}

// AGBKind says what an AGB code identifies.
type AGBKind string

const (
	AGBInstitution AGBKind = "instelling"
	AGBPractice    AGBKind = "praktijk"
	AGBCaregiver   AGBKind = "zorgverlener"
)

// AGBCode is a code from the Vektis AGB register.
type AGBCode struct {
	Code string  `json:"code"`
	Kind AGBKind `json:"kind"`
}

// Location is a place where the provider delivers care.
type Location struct {
	Name     string `json:"name"`
	Street   string `json:"street"`
	Postcode string `json:"postcode"`
	City     string `json:"city"`
}

var (
	eightDigits = regexp.MustCompile(`^[0-9]{8}$`)
	postcodeRE  = regexp.MustCompile(`^([1-9][0-9]{3}) ?([A-Z]{2})$`)
	idRE        = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)
)

// ValidateKvK checks a KvK number: exactly 8 digits, not all zeros.
func ValidateKvK(s string) error {
	if !eightDigits.MatchString(s) {
		return apperr.Invalidf("kvk", "KvK number %q must be exactly 8 digits", s)
	}
	if s == "00000000" {
		return apperr.Invalidf("kvk", "KvK number 00000000 does not exist")
	}
	return nil
}

// ValidateAGB checks an AGB code: 8 digits whose first two (the zorgsoort) are not 00; codes of
// practices and institutions have a 0 as third digit (the "tussennul").
func ValidateAGB(c AGBCode) error {
	if !eightDigits.MatchString(c.Code) {
		return apperr.Invalidf("agb", "AGB code %q must be exactly 8 digits", c.Code)
	}
	if c.Code[:2] == "00" {
		return apperr.Invalidf("agb", "AGB code %q: the first two digits are the care-type (zorgsoort) code and cannot be 00", c.Code)
	}
	switch c.Kind {
	case AGBInstitution, AGBPractice:
		if c.Code[2] != '0' {
			return apperr.Invalidf("agb", "AGB code %q of a %s must have 0 as third digit (the tussennul)", c.Code, c.Kind)
		}
	case AGBCaregiver:
	default:
		return apperr.Invalidf("agb", "AGB code %q: kind %q is not one of instelling, praktijk, zorgverlener", c.Code, c.Kind)
	}
	return nil
}

// NormalizePostcode returns a Dutch postcode as "1234 AB", or an error.
func NormalizePostcode(s string) (string, error) {
	m := postcodeRE.FindStringSubmatch(strings.ToUpper(strings.TrimSpace(s)))
	if m == nil {
		return "", apperr.Invalidf("postcode", "postcode %q is not a Dutch postcode like 1234 AB", s)
	}
	if m[2] == "SA" || m[2] == "SD" || m[2] == "SS" {
		return "", apperr.Invalidf("postcode", "postcode %q: the letters SA, SD and SS are not used", s)
	}
	return m[1] + " " + m[2], nil
}

// textFields are the free-text fields of the provider and its locations, with the limit
// of each (see package text).
func (p *Provider) textFields() []text.Field {
	fs := []text.Field{{Name: "id", Value: p.ID, Max: text.Code}, {Name: "name", Value: p.Name, Max: text.Name},
		{Name: "kvk", Value: p.KvK, Max: text.Code}}
	for i, c := range p.AGBCodes {
		at := "agb_codes[" + strconv.Itoa(i) + "]"
		fs = append(fs, text.Field{Name: at + ".code", Value: c.Code, Max: text.Code}, text.Field{Name: at + ".kind", Value: string(c.Kind), Max: text.Code})
	}
	for i, ct := range p.CareTypes {
		fs = append(fs, text.Field{Name: "care_types[" + strconv.Itoa(i) + "]", Value: ct, Max: text.Code})
	}
	for i, sp := range p.Specialisms {
		fs = append(fs, text.Field{Name: "specialisms[" + strconv.Itoa(i) + "]", Value: sp, Max: text.Name})
	}
	for i, l := range p.Locations {
		at := "locations[" + strconv.Itoa(i) + "]."
		fs = append(fs, text.Field{Name: at + "name", Value: l.Name, Max: text.Name}, text.Field{Name: at + "street", Value: l.Street, Max: text.Name},
			text.Field{Name: at + "postcode", Value: l.Postcode, Max: text.Code}, text.Field{Name: at + "city", Value: l.City, Max: text.Name})
	}
	return fs
}

// Validate checks a provider and normalises its postcodes. Care types must exist in careTypes.
// Free-text fields are checked first (valid UTF-8, no NUL or control characters, a length
// limit: see package text); a field that fails is not checked further, so that no error
// repeats a broken or huge value.
func (p *Provider) Validate(careTypes map[string]bool) error {
	var errs apperr.List
	add := func(err error, field string) {
		if err == nil {
			return
		}
		e := err.(*apperr.Error)
		e.Field = field
		errs = append(errs, e)
	}
	bad := map[string]bool{}
	for _, e := range text.CheckAll(p.textFields()...) {
		bad[e.Field] = true
		errs = append(errs, e)
	}
	ok := func(fields ...string) bool {
		for _, f := range fields {
			if bad[f] {
				return false
			}
		}
		return true
	}
	if ok("id") && !idRE.MatchString(p.ID) {
		add(apperr.Invalidf("", "id %q must be lowercase letters, digits and '-' (at most 63)", p.ID), "id")
	}
	if ok("name") && strings.TrimSpace(p.Name) == "" {
		add(apperr.Invalidf("", "name is required"), "name")
	}
	if ok("kvk") {
		add(ValidateKvK(p.KvK), "kvk")
	}
	if len(p.AGBCodes) == 0 {
		add(apperr.Invalidf("", "at least one AGB code is required"), "agb_codes")
	}
	for i, c := range p.AGBCodes {
		at := "agb_codes[" + strconv.Itoa(i) + "]"
		if ok(at+".code", at+".kind") {
			add(ValidateAGB(c), at)
		}
	}
	if len(p.CareTypes) == 0 {
		add(apperr.Invalidf("", "at least one care type is required"), "care_types")
	}
	if len(p.CareTypes) > MaxListItems || len(p.Specialisms) > MaxListItems {
		add(apperr.Invalidf("", "at most %d care types and %d specialisms are allowed", MaxListItems, MaxListItems), "care_types")
	}
	for i, ct := range p.CareTypes {
		if at := "care_types[" + strconv.Itoa(i) + "]"; ok(at) && !careTypes[ct] {
			add(apperr.Invalidf("", "unknown care type %q", ct), at)
		}
	}
	for i := range p.Locations {
		l := &p.Locations[i]
		at := "locations[" + strconv.Itoa(i) + "]."
		if ok(at + "postcode") {
			pc, err := NormalizePostcode(l.Postcode)
			add(err, at+"postcode")
			if err == nil {
				l.Postcode = pc
			}
		}
		if ok(at+"city") && strings.TrimSpace(l.City) == "" {
			add(apperr.Invalidf("", "city is required"), at+"city")
		}
	}
	return errs.Err()
}

// HasCareType reports whether the provider delivers one of the given care types.
func (p *Provider) HasCareType(types []string) bool {
	for _, want := range types {
		for _, have := range p.CareTypes {
			if have == want {
				return true
			}
		}
	}
	return false
}
