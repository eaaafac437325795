package claimsdemo

import (
	"bytes"
	"strings"
	"testing"

	"zorginkoop/internal/claims"
	"zorginkoop/internal/claims/vektis"
	"zorginkoop/internal/policy"
)

// Fixture is a small provider: one contract for 2026 with three parts' price lines, a
// catalogue part it lacks, 50 insured persons, the MSR rule and one granted authorisation.
func fixture(lines int, seed uint64) Config {
	k := claims.Contract{ID: "imp-zz-K1", Source: claims.FromImport, Insurer: "zz", ProviderID: "p1", From: 20260101, To: 20261231,
		Parts: []string{"basis", "revalidatie"}, Signed: true, Lines: []claims.PriceLine{
			{Part: "basis", Code: "150001", TariffCents: 12_345, Volume: 800},
			{Part: "basis", Code: "150002", TariffCents: 250_000, Volume: 50},
			{Part: "basis", Code: "190013", TariffCents: 2_500, Volume: 3000},
			{Part: "revalidatie", Code: "210001", TariffCents: 1_500_000, Volume: 20},
		}}
	var ins []claims.Insured
	for i := range 50 {
		ins = append(ins, claims.Insured{Insurer: "zz", PolicyNumber: "P" + string(rune('A'+i%26)), BSN: validBSN(i), Label: "zz",
			PolicyType: "natura", From: 20250101})
	}
	rule := policy.ClaimAuthorisation{ID: "msr-vervolg-dbc", Kind: "machtiging", Title: "Machtiging MSR-vervolg-DBC",
		Zorgtypes: []string{"21"}, Specialisms: []string{"0327"}}
	return Config{UZOVI: "3311", AGB: "06010101", Contracts: []claims.Contract{k}, Insured: ins,
		Authorisations: []claims.Authorisation{{ID: "a1", Insurer: "zz", ProviderID: "p1", BSN: ins[0].BSN, Rule: rule.ID,
			Status: claims.Granted, ValidFrom: 20260101, ValidTo: 20261231}},
		Rules:        []policy.ClaimAuthorisation{rule},
		Uncontracted: []claims.PriceLine{{Part: "oncologie", Code: "170001", TariffCents: 99_000, Volume: 10}},
		From:         20260101, To: 20261130, Today: 20261201, Invoice: "F2026-0001", Seed: seed, Lines: lines, Plan: true}
}

func validBSN(i int) string {
	for n := 100000000 + i*1000; ; n++ {
		s := strings.Repeat("0", 9-len(itoa(n))) + itoa(n)
		if elevenTest(s) {
			return s
		}
	}
}

func itoa(n int) string {
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func elevenTest(s string) bool {
	if len(s) != 9 {
		return false
	}
	sum := 0
	for i := range 9 {
		w := 9 - i
		if i == 8 {
			w = -1
		}
		sum += int(s[i]-'0') * w
	}
	return sum%11 == 0
}

func TestGeneratedFileIsValidZH308WithEveryKind(t *testing.T) {
	c := fixture(3000, 7)
	data, sum, err := Generate(c)
	if err != nil {
		t.Fatal(err)
	}
	f, err := vektis.Parse(bytes.NewReader(data), vektis.ZH308v90(), vektis.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Records) != sum.Records || sum.Lines != 3000 || len(sum.Plan) != 3000 {
		t.Fatalf("records %d/%d lines %d plan %d", len(f.Records), sum.Records, sum.Lines, len(sum.Plan))
	}
	for _, k := range Kinds {
		if sum.Kinds[k] == 0 {
			t.Errorf("no line of kind %s: %v", k, sum.Kinds)
		}
	}
	if sum.Kinds[Normal] < 2000 {
		t.Errorf("normal lines %d, want most", sum.Kinds[Normal])
	}
	o := f.Opening()
	if o.Field("UZOVI-NUMMER") != "3311" || o.Field("INSTELLINGSCODE") != "06010101" || o.Field("FACTUURNUMMER DECLARANT") != "F2026-0001" {
		t.Fatalf("opening %q", o.Raw()[:120])
	}
	insured := map[string]bool{}
	for _, p := range c.Insured {
		insured[p.BSN] = true
	}
	tariff := map[string]int64{}
	for _, pl := range c.Contracts[0].Lines {
		tariff[pl.Code] = pl.TariffCents
	}
	refs := map[string]int{}
	var total int64
	for _, p := range sum.Plan {
		refs[p.Reference]++
		total += p.ClaimedCents
		if p.Begin < c.From || p.Begin > c.To {
			t.Fatalf("%s: begin %v outside the period", p.Reference, p.Begin)
		}
		switch p.Kind {
		case InvalidBSN:
			if elevenTest(p.BSN) {
				t.Fatalf("%s: BSN %s passes the eleven test", p.Reference, p.BSN)
			}
		case NotInsured:
			if !elevenTest(p.BSN) || insured[p.BSN] {
				t.Fatalf("%s: BSN %s invalid or insured", p.Reference, p.BSN)
			}
		case Normal:
			if !insured[p.BSN] || tariff[p.Code] == 0 || p.ClaimedCents > tariff[p.Code]*int64(p.Quantity) {
				t.Fatalf("%s: normal line %+v", p.Reference, p)
			}
		case AboveTariff:
			if p.ClaimedCents <= tariff[p.Code]*int64(p.Quantity) {
				t.Fatalf("%s: not above tariff %+v", p.Reference, p)
			}
		case NotInPriceList:
			if tariff[p.Code] != 0 || p.Code == "170001" {
				t.Fatalf("%s: code %s is known", p.Reference, p.Code)
			}
		case NonContractedPart:
			if p.Code != "170001" {
				t.Fatalf("%s: code %s", p.Reference, p.Code)
			}
		case Authorised:
			if p.BSN != c.Authorisations[0].BSN {
				t.Fatalf("%s: authorised line for %s", p.Reference, p.BSN)
			}
		case NoAuthorisation:
			if p.BSN == c.Authorisations[0].BSN {
				t.Fatalf("%s: no-authorisation line for the authorised person", p.Reference)
			}
		case Credit, UnknownCredit:
			if p.ClaimedCents >= 0 {
				t.Fatalf("%s: credit of %d", p.Reference, p.ClaimedCents)
			}
		}
	}
	for r, n := range refs {
		if n > 1 && sum.Kinds[Duplicate] == 0 {
			t.Fatalf("reference %s twice without duplicates", r)
		}
	}
	if total != sum.ClaimedCents {
		t.Fatalf("plan total %d, summary %d", total, sum.ClaimedCents)
	}
	// The closing record's total is the signed sum of the lines.
	cl := f.Closing()
	want := sum.ClaimedCents
	sign := "D"
	if want < 0 {
		want, sign = -want, "C"
	}
	if cl.Field("TOTAAL DECLARATIEBEDRAG") != pad(want, 11) || cl.Field("INDICATIE DEBET/CREDIT") != sign {
		t.Fatalf("closing total %s %s, want %d", cl.Field("TOTAAL DECLARATIEBEDRAG"), cl.Field("INDICATIE DEBET/CREDIT"), want)
	}
}

func pad(n int64, w int) string {
	s := itoa(int(n))
	return strings.Repeat("0", w-len(s)) + s
}

func TestSameSeedSameFileOtherSeedOtherFile(t *testing.T) {
	a, _, err := Generate(fixture(500, 1))
	if err != nil {
		t.Fatal(err)
	}
	b, _, _ := Generate(fixture(500, 1))
	c, _, _ := Generate(fixture(500, 2))
	if !bytes.Equal(a, b) {
		t.Fatal("same seed, different bytes")
	}
	if bytes.Equal(a, c) {
		t.Fatal("other seed, same bytes")
	}
}

func TestWithoutContractEveryLineIsNonContracted(t *testing.T) {
	c := fixture(300, 3)
	c.Contracts = nil
	_, sum, err := Generate(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range sum.Plan {
		if p.Kind == Normal && p.Code != "170001" {
			t.Fatalf("normal line claims %s, not a catalogue product", p.Code)
		}
	}
	if sum.Kinds[AboveTariff]+sum.Kinds[NonContractedPart]+sum.Kinds[NoAuthorisation]+sum.Kinds[Authorised] != 0 {
		t.Fatalf("contract-only kinds without contract: %v", sum.Kinds)
	}
}

func TestRefusesWhatCannotMakeAFile(t *testing.T) {
	for name, mod := range map[string]func(*Config){
		"no lines":         func(c *Config) { c.Lines = 0 },
		"bad AGB":          func(c *Config) { c.AGB = "123" },
		"bad UZOVI":        func(c *Config) { c.UZOVI = "33x1" },
		"no insured":       func(c *Config) { c.Insured = nil },
		"long invoice":     func(c *Config) { c.Invoice = "1234567890123" },
		"nothing to claim": func(c *Config) { c.Contracts, c.Uncontracted = nil, nil },
		"period before care": func(c *Config) {
			c.From, c.To = 20200101, 20200131
			c.Insured = c.Insured[:1]
			c.Insured[0].From = 20250101
		},
	} {
		c := fixture(10, 1)
		mod(&c)
		if _, _, err := Generate(c); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// BenchmarkGenerate: go test ./internal/claims/claimsdemo -run '^$' -bench Generate -benchtime 1x
func BenchmarkGenerate(b *testing.B) {
	c := fixture(100_000, 1)
	c.Plan = false
	for b.Loop() {
		var n counter
		if _, err := Write(&n, c); err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(n))
	}
}

type counter int64

func (c *counter) Write(p []byte) (int, error) { *c += counter(len(p)); return len(p), nil }
