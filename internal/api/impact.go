package api

import (
	"bufio"
	"encoding/json"
	"net/http"

	"zorginkoop/internal/assessment"
)

// policyImpact streams the impact of a draft as one JSON object: {"changes": [...],
// "totals": {...}}, each change written as it is found, so that memory stays flat. The
// object begins with the first change (or the totals), so that a refusal still gets its
// own problem answer; an error after that cuts the object short, which a client sees as
// invalid JSON, and goes to the log.
func (h *Handler) policyImpact(w http.ResponseWriter, r *http.Request) error {
	var (
		bw    *bufio.Writer
		enc   *json.Encoder
		count int
	)
	begin := func() {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		bw = bufio.NewWriter(w)
		enc = json.NewEncoder(bw)
		bw.WriteString(`{"changes":[`)
	}
	totals, err := h.Assessments.Impact(r.Context(), principal(r), r.PathValue("id"), func(c *assessment.Change) error {
		if bw == nil {
			begin()
		}
		if count > 0 {
			bw.WriteByte(',')
		}
		count++
		return enc.Encode(c)
	})
	if bw == nil {
		if err != nil {
			return err
		}
		begin()
	}
	if err != nil {
		h.Log.Error("impact broken off", "policy", r.PathValue("id"), "err", err)
		return bw.Flush()
	}
	bw.WriteString(`],"totals":`)
	if err := enc.Encode(totals); err != nil {
		return err
	}
	bw.WriteString("}\n")
	return bw.Flush()
}
