package pricelist_test

import (
	"bytes"
	"testing"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/pricelist"
)

// FuzzImport: whatever the bytes, Import returns valid lines or an Invalid error, never a
// panic or lines that break the rules.
func FuzzImport(f *testing.F) {
	var b bytes.Buffer
	pricelist.WriteXLSX(&b, pricelist.Upload{DossierID: dossierID, Part: base, Version: 1, Lines: lines()})
	f.Add(b.Bytes())
	f.Add(workbook(f, [][]any{header(), {"13000", "Consult", "€ 1.234,56", "1.200"}}))
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte("Code;Tarief"))
	f.Fuzz(func(t *testing.T, data []byte) {
		u, err := pricelist.Import(bytes.NewReader(data))
		if err != nil {
			if c := apperr.CodeOf(err); c != apperr.Invalid && c != apperr.Internal {
				t.Fatalf("Import error with code %s: %v", c, err)
			}
			return
		}
		if err := pricelist.ValidateLines(u.Lines); err != nil {
			t.Fatalf("Import returned lines that break the rules: %v", err)
		}
	})
}
