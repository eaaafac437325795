package policy

import (
	"fmt"
	"regexp"
	"strings"

	"zorginkoop/internal/apperr"
)

// The claims section of a policy (ClaimRules) and the UZOVI numbers of the registry's
// labels: what claim adjudication (internal/claims) reads from the policy files.

// Claim authorisation kinds.
const (
	Machtiging  = "machtiging"  // prior authorisation of a treatment (MSR follow-up DBC)
	Toestemming = "toestemming" // prior written approval (a new add-on drug or indication)
)

// ClaimKindNames are the Dutch names of the claim authorisation kinds.
var ClaimKindNames = map[string]string{Machtiging: "machtiging", Toestemming: "toestemming"}

// BuiltinClaimRules are the names claim adjudication gives its own rules (claims.Line.Rule);
// an authorisation id may not be one of them, so that a line's rule names one thing.
var BuiltinClaimRules = []string{
	"verzekerd", "contract", "prijslijst", "dubbel", "bsn", "uzovi", "code", "datum", "credit",
	"niet-gecontracteerd", "inkoop-afgerond", "tarief",
}

var (
	// A code selector is a prefix of a PRESTATIECODE/DBC DECLARATIECODE (AN 6) or a
	// ZORGPRODUCTCODE (AN 9): an empty prefix would select every line.
	claimCodeRE = regexp.MustCompile(`^[0-9A-Z]{1,9}$`)
	zorgtypeRE  = regexp.MustCompile(`^[0-9]{2}$`) // ZORGTYPECODE (COD788): 11, 21, 51, ...
	// A specialism is a ZORGVERLENERSSPECIFICATIE (COD016): 2 digits zorgverlenerssoort,
	// 2 digits specificatie (0327 revalidatiegeneeskunde).
	specialismRE = regexp.MustCompile(`^[0-9]{4}$`)
	uzoviRE      = regexp.MustCompile(`^[0-9]{4}$`)
)

// IsEmpty reports whether the policy says nothing about claims.
func (r ClaimRules) IsEmpty() bool {
	return r.HoldUntilSigned == nil && r.SupplementaryOutsideCeiling == nil && len(r.Authorisations) == 0
}

// Authorisation returns the claim authorisation rule with id.
func (r ClaimRules) Authorisation(id string) (*ClaimAuthorisation, bool) {
	for i := range r.Authorisations {
		if r.Authorisations[i].ID == id {
			return &r.Authorisations[i], true
		}
	}
	return nil, false
}

// Selectors describes in Dutch which claim lines the rule applies to: "zorgtype 21;
// specialisme 0327".
func (a *ClaimAuthorisation) Selectors() string {
	var parts []string
	if len(a.Codes) > 0 {
		parts = append(parts, "declaratiecode begint met "+strings.Join(a.Codes, ", "))
	}
	if len(a.Zorgtypes) > 0 {
		parts = append(parts, "zorgtype "+strings.Join(a.Zorgtypes, ", "))
	}
	if len(a.Specialisms) > 0 {
		parts = append(parts, "specialisme "+strings.Join(a.Specialisms, ", "))
	}
	if a.Marked {
		parts = append(parts, "prijslijstregels gemarkeerd als toestemming vereist")
	}
	return strings.Join(parts, "; ")
}

func validateClaims(p *Policy, v *validator) {
	cl := &p.Claims
	for _, t := range []struct {
		field string
		text  *ClaimText
	}{
		{"claims.hold_until_signed", cl.HoldUntilSigned},
		{"claims.supplementary_outside_ceiling", cl.SupplementaryOutsideCeiling},
	} {
		if t.text != nil {
			v.required(t.field+".text", t.text.Text)
			v.required(t.field+".source", t.text.Source)
		}
	}
	seen := map[string]bool{}
	for i := range cl.Authorisations {
		a := &cl.Authorisations[i]
		f := fmt.Sprintf("claims.authorisations[%d]", i)
		if contains(BuiltinClaimRules, a.ID) {
			v.bad(f+".id", "id %q is the name of a built-in claim rule (%s)", a.ID, strings.Join(BuiltinClaimRules, ", "))
		} else {
			v.id(f+".id", a.ID, seen)
		}
		v.oneOf(f+".kind", a.Kind, Machtiging, Toestemming)
		v.required(f+".title", a.Title)
		v.required(f+".text", a.Text)
		v.required(f+".source", a.Source)
		if len(a.Codes)+len(a.Zorgtypes)+len(a.Specialisms) == 0 && !a.Marked {
			v.bad(f, "set at least one of codes, zorgtypes, specialisms or marked: a rule without a selector would apply to every claim line")
		}
		v.codes(f+".codes", a.Codes, claimCodeRE, "a code prefix of 1 to 9 capital letters and digits")
		v.codes(f+".zorgtypes", a.Zorgtypes, zorgtypeRE, "a zorgtype code of 2 digits")
		v.codes(f+".specialisms", a.Specialisms, specialismRE, "a specialism code of 4 digits")
	}
}

// codes checks that every item of list matches re and is listed once.
func (v *validator) codes(field string, list []string, re *regexp.Regexp, what string) {
	seen := map[string]bool{}
	for j, c := range list {
		f := fmt.Sprintf("%s[%d]", field, j)
		switch {
		case !re.MatchString(c):
			v.bad(f, "%q is not %s", c, what)
		case seen[c]:
			v.bad(f, "%q is listed twice", c)
		}
		seen[c] = true
	}
}

// checkUZOVI refuses a label whose UZOVI number is not 4 digits, or is another label's:
// a claim file names its insurer by it.
func (r *Registry) checkUZOVI(lines lineMap) error {
	var errs apperr.List
	seen := map[string]string{}
	for i, ins := range r.Insurers {
		for j, l := range ins.Labels {
			if l.UZOVI == "" {
				continue // the label receives no claims on the platform
			}
			f := fmt.Sprintf("insurers[%d].labels[%d].uzovi", i, j)
			bad := func(format string, args ...any) {
				errs = append(errs, &apperr.Error{Code: apperr.Invalid, File: "registry.yaml", Line: lines.at(f), Field: f,
					Message: fmt.Sprintf(format, args...)})
			}
			switch other, dup := seen[l.UZOVI]; {
			case !uzoviRE.MatchString(l.UZOVI):
				bad("UZOVI %q of label %s is not 4 digits", l.UZOVI, l.ID)
			case dup:
				bad("UZOVI %s of label %s is also the UZOVI of label %s", l.UZOVI, l.ID, other)
			}
			seen[l.UZOVI] = l.ID
		}
	}
	return errs.Err()
}

// LabelByUZOVI returns the label with a UZOVI number and its insurer.
func (r *Registry) LabelByUZOVI(uzovi string) (*Insurer, *Label, bool) {
	if uzovi == "" {
		return nil, nil, false
	}
	for i := range r.Insurers {
		for j := range r.Insurers[i].Labels {
			if r.Insurers[i].Labels[j].UZOVI == uzovi {
				return &r.Insurers[i], &r.Insurers[i].Labels[j], true
			}
		}
	}
	return nil, nil, false
}
