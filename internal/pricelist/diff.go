package pricelist

// Change says how a line differs from the version before.
type Change string

const (
	Added     Change = "added"
	Removed   Change = "removed"
	Changed   Change = "changed"
	Unchanged Change = "unchanged"
)

// LineDiff is one product line compared with the version before, by code. Amounts are
// cents. For an added line the Before fields are zero, for a removed one the After fields.
type LineDiff struct {
	Code          string `json:"code"`
	Change        Change `json:"change"`
	TariffBefore  int64  `json:"tariff_before,omitempty"`
	TariffAfter   int64  `json:"tariff_after,omitempty"`
	VolumeBefore  int    `json:"volume_before,omitempty"`
	VolumeAfter   int    `json:"volume_after,omitempty"`
	TariffChanged bool   `json:"tariff_changed,omitempty"`
	VolumeChanged bool   `json:"volume_changed,omitempty"`
	// OtherChanged: the description, category or ceiling changed.
	OtherChanged bool `json:"other_changed,omitempty"`
}

// Diff compares after with before line by line (by code), in the order of after and then
// the removed lines in the order of before. Every line of after has an entry, unchanged
// ones too, so a page can show the whole list with its changes.
func Diff(before, after []Line) []LineDiff {
	old := make(map[string]Line, len(before))
	for _, l := range before {
		old[l.Code] = l
	}
	out := make([]LineDiff, 0, len(after))
	kept := make(map[string]bool, len(after))
	for _, l := range after {
		kept[l.Code] = true
		d := LineDiff{Code: l.Code, TariffAfter: l.Tariff, VolumeAfter: l.Volume}
		b, ok := old[l.Code]
		if !ok {
			d.Change = Added
			out = append(out, d)
			continue
		}
		d.TariffBefore, d.VolumeBefore = b.Tariff, b.Volume
		d.TariffChanged = b.Tariff != l.Tariff
		d.VolumeChanged = b.Volume != l.Volume
		d.OtherChanged = b.Description != l.Description || b.Category != l.Category || b.Ceiling != l.Ceiling
		d.Change = Unchanged
		if d.TariffChanged || d.VolumeChanged || d.OtherChanged {
			d.Change = Changed
		}
		out = append(out, d)
	}
	for _, l := range before {
		if !kept[l.Code] {
			out = append(out, LineDiff{Code: l.Code, Change: Removed, TariffBefore: l.Tariff, VolumeBefore: l.Volume})
		}
	}
	return out
}

// Changes are the entries of diffs that are not Unchanged: what an audit entry records.
func Changes(diffs []LineDiff) []LineDiff {
	var out []LineDiff
	for _, d := range diffs {
		if d.Change != Unchanged {
			out = append(out, d)
		}
	}
	return out
}

// sameLines reports whether a and b are the same list in the same order.
func sameLines(a, b []Line) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
