package apptest

import (
	"context"
	"testing"

	"zorginkoop/internal/policy"
)

// PartsPolicy is a published policy of CZ groep (the insurer of Policy) with a base
// contract and two parts: a module offered to every GP practice, which the practice in
// bankruptcy does not get, and a programme nobody has asked for. InstallPartsPolicy adds it.
const PartsPolicy = "cz-hz-onderdelen-2022"

const partsPolicy = `id: cz-hz-onderdelen-2022
title: Testbeleid huisartsenzorg met onderdelen
insurer: cz-groep
sector: huisartsenzorg
contract_years: [2022]
published: 2021-04-01
reference_date: 2022-01-01
source: {file: test.txt, title: Testbeleid}
care_types: [huisarts]
base: {id: praktijkovereenkomst, title: Praktijkovereenkomst huisartsenzorg, source: test.txt §2}
parts:
  - {id: praktijkmanagement, title: Module praktijkmanagement, source: test.txt §3, initiative: insurer, offered_to_all: true}
  - {id: stoppen-met-roken, title: Stoppen met rokenprogramma, source: test.txt §4, initiative: provider, requires: praktijkovereenkomst}
requirements:
  - id: big
    kind: knockout
    title: BIG-registratie als huisarts
    text: Een huisarts moet beschikken over een BIG-registratie als huisarts.
    source: test.txt §2.1
    rule: big_registratie_huisarts
  - id: pm-geen-faillissement
    kind: knockout
    title: Geen faillissement voor praktijkmanagement
    text: Voor de module praktijkmanagement contracteren we niet met een praktijk in faillissement.
    source: test.txt §3.1
    part: praktijkmanagement
    rule: "!in_faillissement"
  - id: smr-omzet
    kind: knockout
    title: Omzet voor stoppen met roken
    text: Voor het programma moet de praktijk ten minste € 50.000 omzet hebben.
    source: test.txt §4.1
    part: stoppen-met-roken
    rule: omzet_totaal >= eur(50000)
`

// InstallPartsPolicy stores PartsPolicy as published and adds it to the library.
func (e *Env) InstallPartsPolicy(t testing.TB) {
	t.Helper()
	name, data := PartsPolicyFile()
	files := map[string][]byte{name: data}
	if _, err := policy.Install(context.Background(), e.Library, e.DB, Now, files); err != nil {
		t.Fatalf("install %s: %v", PartsPolicy, err)
	}
}

// PartsPolicyFile returns the file name and text of PartsPolicy, for tests that load
// policies from a folder.
func PartsPolicyFile() (string, []byte) { return PartsPolicy + ".yaml", []byte(partsPolicy) }
