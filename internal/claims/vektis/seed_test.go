package vektis

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestWriteFuzzSeeds (VEKTIS_WRITE_SEEDS=1) writes one seed file per bad-input kind and
// the valid file into testdata/fuzz/FuzzScan and FuzzParse, in the fuzz corpus format.
func TestWriteFuzzSeeds(t *testing.T) {
	if os.Getenv("VEKTIS_WRITE_SEEDS") == "" {
		t.Skip("set VEKTIS_WRITE_SEEDS=1 to rewrite the seed corpus")
	}
	var buf bytes.Buffer
	if err := Write(&buf, ZH308v90(), validRecords(t)); err != nil {
		t.Fatal(err)
	}
	seeds := map[string][]byte{"valid-zh308": buf.Bytes()}
	for _, c := range badInputs(t) {
		name := strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
				return r
			}
			if r >= 'A' && r <= 'Z' {
				return r + 'a' - 'A'
			}
			return '-'
		}, c.name)
		seeds["bad-"+name] = c.in
	}
	for _, fz := range []string{"FuzzScan", "FuzzParse"} {
		dir := filepath.Join("testdata", "fuzz", fz)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, data := range seeds {
			body := "go test fuzz v1\n[]byte(" + strconv.Quote(string(data)) + ")\n"
			if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
