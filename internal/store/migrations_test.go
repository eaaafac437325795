package store

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// Every migration exists on both engines under the same number, so that a change made for
// one engine is not forgotten on the other.
func TestMigrationNumbersMatchAcrossEngines(t *testing.T) {
	numbers := func(dir string) []string {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".sql") {
				out = append(out, strings.SplitN(e.Name(), "_", 2)[0])
			}
		}
		slices.Sort(out)
		return out
	}
	lite, pg := numbers("sqlite/migrations"), numbers("postgres/migrations")
	if len(lite) == 0 || !slices.Equal(lite, pg) {
		t.Errorf("migration numbers differ: sqlite %v, postgres %v", lite, pg)
	}
	for i := 1; i < len(lite); i++ {
		if lite[i] == lite[i-1] {
			t.Errorf("migration number %s is used twice", lite[i])
		}
	}
}
