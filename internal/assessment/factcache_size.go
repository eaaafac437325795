package assessment

import (
	"slices"
	"unsafe"

	"zorginkoop/internal/provider"
)

// The cache's own accounting of the memory it holds: the Go structs and slices of each
// provider and the bytes of its strings, except those of a small vocabulary (fact keys,
// insurers, sources, dates, care types, part and policy ids), which the interner shares
// between all providers and counts once. It leaves out the allocator's rounding and the
// map of the interner's own; BenchmarkFactCache compares it with the heap measured.

const (
	providerSize = int64(unsafe.Sizeof(provider.Provider{})) + 8 // and its pointer in the entry
	factSize     = int64(unsafe.Sizeof(provider.Fact{}))
	agbSize      = int64(unsafe.Sizeof(provider.AGBCode{}))
	locationSize = int64(unsafe.Sizeof(provider.Location{}))
	choiceSize   = int64(unsafe.Sizeof(provider.PartChoice{}))
	contractSize = int64(unsafe.Sizeof(provider.Contract{}))
	stringSize   = int64(unsafe.Sizeof(""))
)

// providerBytes is the memory p holds besides the interned strings.
func providerBytes(p *provider.Provider) int64 {
	n := providerSize + int64(len(p.ID)+len(p.Name)+len(p.KvK))
	n += int64(cap(p.AGBCodes)) * agbSize
	for _, a := range p.AGBCodes {
		n += int64(len(a.Code))
	}
	n += int64(cap(p.CareTypes)+cap(p.Specialisms)) * stringSize
	n += int64(cap(p.Locations)) * locationSize
	for _, l := range p.Locations {
		n += int64(len(l.Name) + len(l.Street) + len(l.Postcode) + len(l.City))
	}
	n += int64(cap(p.Facts)) * factSize
	for _, f := range p.Facts {
		n += int64(len(f.Value) + len(f.Evidence))
	}
	n += int64(cap(p.Parts))*choiceSize + int64(cap(p.Contracts))*contractSize
	for _, c := range p.Contracts {
		n += int64(cap(c.Parts)) * stringSize
	}
	return n
}

// interner shares the strings of a small vocabulary between providers.
type interner struct {
	strs  map[string]string
	bytes int64 // the strings held, once each
}

func (in *interner) s(v string) string {
	if in.strs == nil {
		in.strs = map[string]string{}
	}
	if w, ok := in.strs[v]; ok {
		return w
	}
	in.strs[v] = v
	in.bytes += int64(len(v)) + 2*stringSize // the string and its map entry, roughly
	return v
}

// provider makes p share the vocabulary's strings and hold its facts in an array of their size.
func (in *interner) provider(p *provider.Provider) {
	for i := range p.CareTypes {
		p.CareTypes[i] = in.s(p.CareTypes[i])
	}
	for i := range p.Specialisms {
		p.Specialisms[i] = in.s(p.Specialisms[i])
	}
	for i := range p.AGBCodes {
		p.AGBCodes[i].Kind = provider.AGBKind(in.s(string(p.AGBCodes[i].Kind)))
	}
	// The stream places each fact at its stored position and then closes the gaps of the
	// facts not selected: the array underneath still has room for all of them (about 100
	// for a hospital, of which a policy reads 20 to 70). A copy of the right size frees it.
	p.Facts = slices.Clone(p.Facts)
	for i := range p.Facts {
		f := &p.Facts[i]
		f.Key, f.Insurer, f.Date = in.s(f.Key), in.s(f.Insurer), in.s(f.Date)
		f.Source = provider.Source(in.s(string(f.Source)))
	}
	for i := range p.Parts {
		c := &p.Parts[i]
		c.Policy, c.Part, c.Insurer = in.s(c.Policy), in.s(c.Part), in.s(c.Insurer)
		c.By = provider.Source(in.s(string(c.By)))
	}
	for i := range p.Contracts {
		c := &p.Contracts[i]
		c.Insurer, c.Policy = in.s(c.Insurer), in.s(c.Policy)
		for j := range c.Parts {
			c.Parts[j] = in.s(c.Parts[j])
		}
	}
}
