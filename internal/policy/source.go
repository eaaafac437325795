package policy

import (
	"slices"
	"sort"
	"strings"
)

// Sources as people read them. A source reference in a policy file names the seed file and
// the section ("001_e1881c3b75dc0785.txt §5.1"); the file name is the platform's own
// bookkeeping, so pages show the insurer's document title (the policy's source.title) and
// the section instead.

// Section is the section of a source reference: "§5.1" of "001_e1881c3b75dc0785.txt §5.1",
// "§1" of "§1"; "" when the reference names no section.
func Section(ref string) string {
	i := strings.Index(ref, "§")
	if i < 0 {
		return ""
	}
	return strings.TrimSpace(ref[i:])
}

// Cite names a source reference of c for people: the document title and the section, as
// "Zorginkoopbeleid 2024 Medisch-specialistische zorg, §5.1". Without a title it is
// "zorginkoopbeleid" and the section.
func (c *Compiled) Cite(ref string) string {
	title := strings.TrimSpace(c.Source.Title)
	if title == "" {
		title = "zorginkoopbeleid"
	}
	if s := Section(ref); s != "" {
		return title + ", " + s
	}
	return title
}

// InForce is the published policy a draft would replace: the one it names in previous
// when that one is published, else the latest published policy of the same insurer and
// sector (by its last contract year, then its publication date). nil when there is none.
func (lib *Library) InForce(c *Compiled) *Compiled {
	if c.Previous != "" {
		if p, err := lib.Policy(c.Previous); err == nil && p.Status == Published {
			return p
		}
	}
	return lib.latestPublished(c.Insurer, c.Sector, c.ID)
}

// InWork reports whether c is the policy in force of its insurer and sector: published,
// and no later published policy of both replaces it.
func (lib *Library) InWork(c *Compiled) bool {
	return c.Status == Published && lib.latestPublished(c.Insurer, c.Sector, "") == c
}

// latestPublished is the latest published policy of the insurer and sector, other than
// the one with id except; nil when there is none.
func (lib *Library) latestPublished(insurer, sector, except string) *Compiled {
	var candidates []*Compiled
	for _, p := range lib.Policies() {
		if p.ID != except && p.Status == Published && p.Insurer == insurer && p.Sector == sector {
			candidates = append(candidates, p)
		}
	}
	// A policy that another one names as its previous version is replaced by it.
	replaced := map[string]bool{}
	for _, p := range candidates {
		replaced[p.Previous] = true
	}
	candidates = slices.DeleteFunc(candidates, func(p *Compiled) bool { return replaced[p.ID] })
	if len(candidates) == 0 {
		return nil
	}
	sort.SliceStable(candidates, func(i, j int) bool {
		a, b := candidates[i], candidates[j]
		if lastYear(a) != lastYear(b) {
			return lastYear(a) > lastYear(b)
		}
		if !a.Published.Equal(b.Published.Time) {
			return a.Published.After(b.Published.Time)
		}
		return a.ID > b.ID
	})
	return candidates[0]
}

func lastYear(c *Compiled) int {
	y := 0
	for _, v := range c.ContractYears {
		y = max(y, v)
	}
	return y
}
