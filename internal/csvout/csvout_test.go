package csvout

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

func TestFormulaCellsAreGuarded(t *testing.T) {
	var buf bytes.Buffer
	w := New(&buf, []string{"Naam", "ID"})
	for _, name := range []string{"=HYPERLINK(\"http://x\")", "+31", "-1+2", "@SUM(A1)", "\tx", "Gewoon"} {
		w.Write([]string{name, "p1"})
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "\uFEFFNaam;ID\n") {
		t.Fatalf("no BOM and semicolon header: %q", buf.String()[:20])
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\uFEFF")))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs[1:] {
		if c := rec[0][0]; strings.ContainsRune("=+-@\t", rune(c)) {
			t.Errorf("cell %q starts with %q: a spreadsheet reads it as a formula", rec[0], c)
		}
	}
	if recs[6][0] != "Gewoon" || recs[1][0] != "'=HYPERLINK(\"http://x\")" {
		t.Errorf("cells changed beyond the guard: %q", recs)
	}
}

func TestWriterStreamsAsItGoes(t *testing.T) {
	var buf bytes.Buffer
	w := New(&buf, []string{"a"})
	for i := 0; i < 1000; i++ {
		w.Write([]string{"x"})
	}
	if buf.Len() < 1000 {
		t.Fatalf("after 1000 rows only %d bytes reached the writer: rows are held back", buf.Len())
	}
}
