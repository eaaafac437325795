package web

import (
	"encoding/xml"
	"strings"
	"testing"
)

func TestClaimsChartEscapesEveryTextAndIsWellFormedSVG(t *testing.T) {
	c := chart{Title: `Declaraties <script>alert(1)</script> & co`, Bars: []bar{
		{Label: `Ziekenhuis "A" <b>`, Segments: []barSegment{{Name: "goedgekeurd", Class: "ok", Cents: 123456}, {Name: "afgewezen", Class: "rejected", Cents: 5000}}},
		{Label: "Kliniek B", Segments: []barSegment{{Name: "goedgekeurd", Class: "ok", Cents: -100}, {Name: "afgewezen", Class: "rejected", Cents: 0}}},
	}}
	out := string(c.svg())
	if strings.Contains(out, "<script>") || strings.Contains(out, "<b>") {
		t.Fatalf("unescaped text in the chart:\n%s", out)
	}
	if err := xml.Unmarshal([]byte(out), new(struct{})); err != nil {
		t.Fatalf("the chart is not well-formed XML: %v\n%s", err, out)
	}
	for _, s := range []string{"€ 1.234,56", "Kliniek B", "goedgekeurd", "<title id=\"chart-title\">"} {
		if !strings.Contains(out, s) {
			t.Errorf("the chart lacks %q", s)
		}
	}
	if strings.Count(out, "<rect") != 2+2 { // two segments of the first bar, none of the second, two legend keys
		t.Errorf("want 4 rects (zero and negative amounts are not drawn):\n%s", out)
	}
}
