package policy

import (
	"fmt"
	"io"
)

// ClaimChange is a claim rule (policy.Claims) that came, went or changed between two
// versions. Old and New are the rule in words (its kind and the lines it selects), set on
// the side(s) where it exists; TextChanged says the policy's wording of it changed.
type ClaimChange struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Old         string `json:"old,omitempty"`
	New         string `json:"new,omitempty"`
	TextChanged bool   `json:"text_changed,omitempty"`
	NewText     string `json:"new_text,omitempty"`
}

// Titles of the claim rules that are texts (ClaimText) rather than authorisations.
const (
	HoldUntilSignedTitle             = "Declaraties pas in behandeling na afronding van het inkooptraject"
	SupplementaryOutsideCeilingTitle = "Zorg uit aanvullende verzekeringen buiten het financiële kader en het omzetplafond"
)

// ClaimAuthorisationWords is an authorisation rule in words: "machtiging; zorgtype 21;
// specialisme 0327".
func ClaimAuthorisationWords(a *ClaimAuthorisation) string {
	return ClaimKindNames[a.Kind] + "; " + a.Selectors()
}

// applies is the words of a claim rule that is a text: it applies, or not.
const applies = "geldt"

// compareClaims lists the claim rules added, removed or changed from old to new.
func compareClaims(old, new ClaimRules) []ClaimChange {
	var out []ClaimChange
	texts := []struct {
		id, title string
		old, new  *ClaimText
	}{
		{"hold_until_signed", HoldUntilSignedTitle, old.HoldUntilSigned, new.HoldUntilSigned},
		{"supplementary_outside_ceiling", SupplementaryOutsideCeilingTitle, old.SupplementaryOutsideCeiling, new.SupplementaryOutsideCeiling},
	}
	for _, t := range texts {
		ch := ClaimChange{ID: t.id, Title: t.title}
		switch {
		case t.old == nil && t.new == nil:
			continue
		case t.old == nil:
			ch.New = applies
		case t.new == nil:
			ch.Old = applies
		case normalize(t.old.Text) == normalize(t.new.Text):
			continue
		default:
			ch.Old, ch.New, ch.TextChanged, ch.NewText = applies, applies, true, t.new.Text
		}
		out = append(out, ch)
	}
	for i := range new.Authorisations {
		na := &new.Authorisations[i]
		ch := ClaimChange{ID: na.ID, Title: na.Title, New: ClaimAuthorisationWords(na)}
		oa, ok := old.Authorisation(na.ID)
		if ok {
			ch.Old = ClaimAuthorisationWords(oa)
			ch.TextChanged = normalize(oa.Text) != normalize(na.Text)
			if ch.Old == ch.New && !ch.TextChanged {
				continue
			}
			if ch.TextChanged {
				ch.NewText = na.Text
			}
		}
		out = append(out, ch)
	}
	for i := range old.Authorisations {
		oa := &old.Authorisations[i]
		if _, ok := new.Authorisation(oa.ID); !ok {
			out = append(out, ClaimChange{ID: oa.ID, Title: oa.Title, Old: ClaimAuthorisationWords(oa)})
		}
	}
	return out
}

// writeClaims renders the claim rules of a diff: + new, - removed, ~ changed.
func writeClaims(w io.Writer, changes []ClaimChange) {
	if len(changes) == 0 {
		return
	}
	fmt.Fprintln(w, "\nClaim rules")
	words := func(s string) string { // a text rule has no words beyond its title
		if s == applies {
			return ""
		}
		return ", " + s
	}
	for _, c := range changes {
		switch {
		case c.Old == "":
			fmt.Fprintf(w, "  + %s (%s%s)\n", c.Title, c.ID, words(c.New))
		case c.New == "":
			fmt.Fprintf(w, "  - %s (%s%s)\n", c.Title, c.ID, words(c.Old))
		default:
			fmt.Fprintf(w, "  ~ %s (%s)\n", c.Title, c.ID)
			if c.Old != c.New {
				fmt.Fprintf(w, "      regel: was %s, wordt %s\n", c.Old, c.New)
			}
			if c.TextChanged {
				fmt.Fprintf(w, "      tekst gewijzigd, nu: %s\n", normalize(c.NewText))
			}
		}
	}
}
