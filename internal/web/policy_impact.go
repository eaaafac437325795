package web

import (
	"net/http"
	"strings"

	"zorginkoop/internal/assessment"
	"zorginkoop/internal/csvout"
	"zorginkoop/internal/policy"
)

// impactShown is how many changes the impact page lists; the download has them all.
const impactShown = 200

// impactView is the page "Gevolgen bekijken" of a draft.
type impactView struct {
	Policy  *policy.Compiled
	InForce *policy.Compiled
	Totals  assessment.ImpactTotals
	Changes []assessment.Change // the first impactShown
}

// More reports whether there are changes the page does not list.
func (v impactView) More() bool { return v.Totals.Changed > len(v.Changes) }

func (h *Handler) impactPage(w http.ResponseWriter, r *http.Request) error {
	actor := principal(r)
	var v impactView
	totals, err := h.Assessments.Impact(r.Context(), actor, r.PathValue("id"), func(c *assessment.Change) error {
		if len(v.Changes) < impactShown {
			cp := *c
			cp.Requirements = append([]assessment.StatusChange(nil), c.Requirements...)
			v.Changes = append(v.Changes, cp)
		}
		return nil
	})
	if err != nil {
		return err
	}
	v.Totals = totals
	if v.Policy, err = h.Library.Policy(totals.Draft); err != nil {
		return err
	}
	if v.InForce, err = h.Library.Policy(totals.InForce); err != nil {
		return err
	}
	return h.render(w, http.StatusOK, "policy_impact.html", "Gevolgen: "+v.Policy.Title, v)
}

var impactHeader = []string{"Zorgaanbieder", "ID", "Onderdeel", "Uitkomst nu", "Uitkomst met concept", "Eisen die het verschil maken"}

// impactCSV streams every change (csvout). The header is written with the first change,
// or at the end when there is none: a refusal comes before it and gets its own answer.
func (h *Handler) impactCSV(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	var cw *csvout.Writer
	begin := func() {
		csvout.Download(w, "gevolgen-"+id+".csv")
		cw = csvout.New(w, impactHeader)
	}
	record := make([]string, 0, len(impactHeader))
	_, err := h.Assessments.Impact(r.Context(), principal(r), id, func(c *assessment.Change) error {
		if cw == nil {
			begin()
		}
		record = append(record[:0], c.ProviderName, c.ProviderID, c.PartTitle,
			c.OldText, c.NewText, statusChanges(c.Requirements))
		return cw.Write(record)
	})
	if cw == nil {
		if err != nil {
			return err // nothing written yet: the error gets its own answer
		}
		begin()
	}
	if err == nil {
		err = cw.Flush()
	}
	if err != nil {
		h.Log.Error("impact CSV broken off", "policy", id, "err", err)
	}
	return nil
}

// statusChanges says the requirements of a change in words:
// "Minimale zorgomzet ZBC: voldoet niet → voldoet".
func statusChanges(list []assessment.StatusChange) string {
	parts := make([]string, len(list))
	for i, s := range list {
		parts[i] = s.Title + ": " + statusWord(s.Old, "nieuw") + " → " + statusWord(s.New, "vervallen")
	}
	return strings.Join(parts, "; ")
}

func statusWord(s assessment.Status, absent string) string {
	if s == "" {
		return absent
	}
	return assessment.StatusNames[s]
}
