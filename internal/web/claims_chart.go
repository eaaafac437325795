package web

import (
	"fmt"
	"html/template"
	"strings"

	"zorginkoop/internal/nl"
)

// A small server-side chart: horizontal stacked bars as inline SVG, readable without
// JavaScript. Every text is escaped; the SVG carries a title and a description for
// screen readers, and the page shows the same figures as a table beside it.

// barSegment is one coloured piece of a bar.
type barSegment struct {
	Name  string // the legend's name: goedgekeurd, verlaagd, ...
	Class string // the CSS class of its colour
	Cents int64
}

// bar is one labelled bar: a provider, a contract or a part.
type bar struct {
	Label    string
	Segments []barSegment
}

// chart is a titled set of bars.
type chart struct {
	ID    string // tells its title and description apart from another chart's on the page ("chart" when empty)
	Title string
	Bars  []bar
}

const (
	chartWidth  = 720
	chartLabelW = 220
	chartBarH   = 22
	chartGap    = 10
	chartTop    = 30
)

// svg renders the chart. Bars are scaled to the largest bar; negative amounts (credits)
// count as zero in the drawing and stay in the table.
func (c chart) svg() template.HTML {
	var maxTotal int64
	for _, b := range c.Bars {
		maxTotal = max(maxTotal, b.total())
	}
	h := chartTop + len(c.Bars)*(chartBarH+chartGap) + 30
	var s strings.Builder
	id := c.ID
	if id == "" {
		id = "chart"
	}
	fmt.Fprintf(&s, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 %d %d" width="100%%" aria-labelledby="%s-title %s-desc">`, chartWidth, h, esc(id), esc(id))
	fmt.Fprintf(&s, `<title id="%s-title">%s</title>`, esc(id), esc(c.Title))
	fmt.Fprintf(&s, `<desc id="%s-desc">%s</desc>`, esc(id), esc(c.description()))
	span := float64(chartWidth - chartLabelW - 110)
	for i, b := range c.Bars {
		y := chartTop + i*(chartBarH+chartGap)
		fmt.Fprintf(&s, `<text x="%d" y="%d" text-anchor="end" class="chart-label">%s</text>`, chartLabelW-8, y+chartBarH-6, esc(shorten(b.Label, 30)))
		x := float64(chartLabelW)
		for _, seg := range b.Segments {
			if seg.Cents <= 0 || maxTotal == 0 {
				continue
			}
			w := span * float64(seg.Cents) / float64(maxTotal)
			fmt.Fprintf(&s, `<rect x="%.1f" y="%d" width="%.1f" height="%d" class="%s"><title>%s: %s</title></rect>`,
				x, y, w, chartBarH, esc(seg.Class), esc(seg.Name), esc(nl.Money(seg.Cents)))
			x += w
		}
		fmt.Fprintf(&s, `<text x="%.1f" y="%d" class="chart-value">%s</text>`, x+6, y+chartBarH-6, esc(nl.Money(b.total())))
	}
	ly := h - 12
	lx := chartLabelW
	for _, seg := range c.legend() {
		fmt.Fprintf(&s, `<rect x="%d" y="%d" width="12" height="12" class="%s"/><text x="%d" y="%d" class="chart-legend">%s</text>`,
			lx, ly-10, esc(seg.Class), lx+16, ly, esc(seg.Name))
		lx += 20 + 8*len([]rune(seg.Name)) + 16
	}
	s.WriteString(`</svg>`)
	return template.HTML(s.String()) // every text above went through esc
}

func (b bar) total() int64 {
	var t int64
	for _, s := range b.Segments {
		t += max(s.Cents, 0)
	}
	return t
}

// legend is the segments of the first bar (all bars have the same kinds).
func (c chart) legend() []barSegment {
	if len(c.Bars) == 0 {
		return nil
	}
	return c.Bars[0].Segments
}

// description is the chart in one sentence per bar, for screen readers.
func (c chart) description() string {
	var parts []string
	for _, b := range c.Bars {
		var segs []string
		for _, s := range b.Segments {
			segs = append(segs, s.Name+" "+nl.Money(s.Cents))
		}
		parts = append(parts, b.Label+": "+strings.Join(segs, ", "))
	}
	return strings.Join(parts, "; ")
}

// esc escapes text for an SVG text node or attribute.
func esc(s string) string { return template.HTMLEscapeString(s) }

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
