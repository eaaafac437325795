package questionnaire_test

import (
	"reflect"
	"slices"
	"testing"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/questionnaire"
	"zorginkoop/policies"
)

func library(t *testing.T) *policy.Library {
	t.Helper()
	lib, err := policy.LoadLibrary(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	return lib
}

// wantedFacts are the facts the judged requirements of the parts (k: -1 base) read, kept
// per insurer or not.
func wantedFacts(pol *policy.Compiled, k int) []string {
	var keys []string
	for i, req := range pol.Requirements {
		if pol.PartOf[i] != k || !req.Kind.Judged() {
			continue
		}
		for _, r := range []*policy.Rule{pol.Rules[i], pol.Conditions[i]} {
			if r != nil {
				keys = append(keys, r.Facts...)
			}
		}
		keys = append(keys, req.Evidence...)
	}
	return keys
}

func TestQuestionnaireAsksEveryFactOfTheBaseAndTheDossiersPartsButNoneKeptPerInsurer(t *testing.T) {
	lib := library(t)
	tests := []struct {
		policy     string
		parts      []string // as the dossier gives them (in any order)
		perInsurer []string // facts these requirements read that the insurer keeps
		evidence   []string // requirements with an evidence upload
		notAsked   []string // facts only of parts outside the dossier
	}{
		{"caresq-zbc-2026", []string{"zorgovereenkomst-zbc", "dure-geneesmiddelen"},
			[]string{"zorgovereenkomst_zbc_vorig_jaar", "datum_aanvraag_zorgovereenkomst"},
			[]string{"zorg-conform-kwaliteitsstandaarden", "kwaliteitskeurmerk-accreditatie"}, nil},
		{"cz-hz-mdz-2022", []string{"huisartsenovereenkomst", "rsv-voetzorg", "s3-vrije-prestaties"},
			[]string{"aanvraag_alleen_wijkmanagement_of_ketenzorg"},
			[]string{"ha-waarneemregeling"}, []string{"voldoet_eisen_stoppen_met_roken"}},
	}
	for _, tc := range tests {
		t.Run(tc.policy, func(t *testing.T) {
			pol, err := lib.Policy(tc.policy)
			if err != nil {
				t.Fatal(err)
			}
			q, err := questionnaire.Generate(pol, tc.parts, lib.Facts)
			if err != nil {
				t.Fatal(err)
			}
			again, _ := questionnaire.Generate(pol, tc.parts, lib.Facts)
			if !reflect.DeepEqual(q, again) {
				t.Error("two generations of the same questionnaire differ")
			}
			// Sections: the base first, then the parts in the policy's order.
			var got, want []string
			for _, s := range q.Sections {
				got = append(got, s.Part)
			}
			want = append(want, pol.Base.ID)
			for _, pt := range pol.Parts {
				if slices.Contains(tc.parts, pt.ID) {
					want = append(want, pt.ID)
				}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("sections %v, want %v", got, want)
			}
			// Every fact a section's requirements read is asked there or in an earlier
			// section, except those kept per insurer.
			asked := map[string]bool{}
			for si, s := range q.Sections {
				for _, qu := range s.Questions {
					if asked[qu.Fact] {
						t.Errorf("fact %s is asked twice", qu.Fact)
					}
					asked[qu.Fact] = true
					def, _ := lib.Facts.Lookup(qu.Fact)
					if qu.Type != def.Type || qu.Label == "" || len(qu.AskedBy) == 0 || qu.AskedBy[0].Source == "" {
						t.Errorf("question %s: %+v lacks the catalogue's type, a label or the policy's wording", qu.Fact, qu)
					}
					for _, by := range qu.AskedBy {
						if by.Kind == policy.Information {
							t.Errorf("question %s is asked by information requirement %s", qu.Fact, by.RequirementID)
						}
					}
				}
				k := -1
				if si > 0 {
					_, k, _ = pol.Part(s.Part)
				}
				for _, key := range wantedFacts(pol, k) {
					def, _ := lib.Facts.Lookup(key)
					if def.PerInsurer {
						continue
					}
					if !asked[key] {
						t.Errorf("section %s: fact %s is not asked", s.Part, key)
					}
				}
			}
			for _, key := range tc.perInsurer {
				if asked[key] {
					t.Errorf("fact %s, kept per insurer, is asked of the provider", key)
				}
			}
			for _, key := range tc.notAsked {
				if asked[key] {
					t.Errorf("fact %s of a part outside the dossier is asked", key)
				}
			}
			for _, id := range tc.evidence {
				slot, ok := q.Slot(id)
				if !ok || len(slot.Documents) == 0 || len(slot.Documents) != len(slot.Facts) {
					t.Errorf("requirement %s: evidence upload %+v, want one with the documents named", id, slot)
				}
			}
		})
	}
}

func TestAQuestionnaireForAPartThePolicyDoesNotHaveIsInvalid(t *testing.T) {
	lib := library(t)
	pol, _ := lib.Policy("caresq-zbc-2026")
	_, err := questionnaire.Generate(pol, []string{"zorgovereenkomst-zbc", "borstkanker"}, lib.Facts)
	if apperr.CodeOf(err) != apperr.Invalid {
		t.Fatalf("Generate = %v, want Invalid", err)
	}
}

func TestAPartsQuestionsAreNotAskedWithoutThePart(t *testing.T) {
	lib := library(t)
	pol, _ := lib.Policy("cz-hz-mdz-2022")
	base, _ := questionnaire.Generate(pol, []string{"huisartsenovereenkomst"}, lib.Facts)
	with, _ := questionnaire.Generate(pol, []string{"huisartsenovereenkomst", "rsv-overeenkomst"}, lib.Facts)
	if len(base.Sections) != 1 || len(with.Sections) != 2 {
		t.Fatalf("sections: %d without the part, %d with it", len(base.Sections), len(with.Sections))
	}
	_, k, _ := pol.Part("rsv-overeenkomst")
	for _, key := range wantedFacts(pol, k) {
		if _, ok := with.Question(key); !ok {
			if def, _ := lib.Facts.Lookup(key); !def.PerInsurer {
				t.Errorf("with rsv-overeenkomst: fact %s not asked", key)
			}
		}
	}
	if len(with.Questions()) <= len(base.Questions()) {
		t.Errorf("the part adds no questions: %d with, %d without", len(with.Questions()), len(base.Questions()))
	}
}
