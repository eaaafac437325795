package policy_test

import (
	"strings"
	"testing"
)

// A rule reads as a Dutch sentence: facts by their labels with the insurer's name, the
// thresholds in Dutch notation, "of" between alternatives.
func TestRuleInWords(t *testing.T) {
	lib := base(t)
	cases := []struct{ rule, want string }{
		{"omzet_verzekeraar >= eur(100000) || marktaandeel_verzekeraar >= 25 || jaren_volwaardig_in_bedrijf >= 2",
			"Omzet Zorg en Zekerheid-verzekerden ten minste € 100.000,00, marktaandeel Zorg en Zekerheid ten minste 25% of jaren volwaardig in bedrijf ten minste 2"},
		{"zkn_lid && (omzet_totaal > eur(50) || !in_faillissement)",
			"Aangesloten bij Zelfstandige Klinieken Nederland (ZKN): ja en (totale omzet basisverzekerde zorg meer dan € 50,00 of in staat van faillissement of surseance van betaling: nee)"},
		{"zkn_keurmerk_geldig_tot >= peildatum", "ZKN-keurmerk geldig tot op of na de peildatum"},
	}
	for _, tc := range cases {
		r, err := lib.Env.Compile(tc.rule)
		if err != nil {
			t.Fatalf("%s: %v", tc.rule, err)
		}
		if got := r.Words(lib.Env, "Zorg en Zekerheid"); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.rule, got, tc.want)
		}
	}
}

// A draft that lowers the ZBC threshold and adds an alternative shows both in words.
func TestDiffShowsThresholdAndNewAlternativeInWords(t *testing.T) {
	lib := base(t)
	old, err := lib.Parse("old.yaml", []byte(validPolicy))
	if err != nil {
		t.Fatal(err)
	}
	src := strings.Replace(validPolicy, "eur(100000)", "eur(75000)", 1)
	src = strings.Replace(src, "jaren_volwaardig_in_bedrijf >= 2", "jaren_volwaardig_in_bedrijf >= 2 || zkn_lid", 1)
	src = strings.Replace(src, "id: test-2024", "id: test-2025", 1)
	new, err := lib.Parse("new.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	d := lib.Compare(old, new)
	if len(d.Changed) != 1 {
		t.Fatalf("changed = %+v", d.Changed)
	}
	ch := d.Changed[0]
	if len(ch.Thresholds) != 1 || ch.Thresholds[0].Old != "€ 100.000,00" || ch.Thresholds[0].New != "€ 75.000,00" {
		t.Errorf("thresholds = %+v", ch.Thresholds)
	}
	if strings.Join(ch.AddedAlternatives, "|") != "aangesloten bij Zelfstandige Klinieken Nederland (ZKN): ja" || ch.RemovedAlternatives != nil {
		t.Errorf("alternatives: added %q, removed %q", ch.AddedAlternatives, ch.RemovedAlternatives)
	}
	if !strings.Contains(ch.NewWords, "ten minste € 75.000,00") || !strings.Contains(ch.OldWords, "ten minste € 100.000,00") {
		t.Errorf("words: old %q, new %q", ch.OldWords, ch.NewWords)
	}
}

func TestSectionAndCite(t *testing.T) {
	lib := base(t)
	c, err := lib.Parse("test.yaml", []byte(strings.Replace(validPolicy, "source: {file: test.txt}", "source: {file: test.txt, title: Zorginkoopbeleid ZBC}", 1)))
	if err != nil {
		t.Fatal(err)
	}
	for ref, want := range map[string]string{
		"001_e1881c3b75dc0785.txt §5.1 Algemeen": "Zorginkoopbeleid ZBC, §5.1 Algemeen",
		"§1":                       "Zorginkoopbeleid ZBC, §1",
		"001_e1881c3b75dc0785.txt": "Zorginkoopbeleid ZBC",
	} {
		if got := c.Cite(ref); got != want {
			t.Errorf("Cite(%q) = %q, want %q", ref, got, want)
		}
	}
}
