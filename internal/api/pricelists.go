package api

import (
	"bytes"
	"net/http"
	"strconv"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/pricelist"
)

// Price lists per dossier and part, and their negotiation: the insurer proposes, either
// side counters (JSON or an .xlsx upload), the other accepts. Every amount is in euro
// cents; a submission based on an old version answers 409 with the submitted lines back.

func (h *Handler) priceListRoutes() {
	h.handleUser("GET /api/dossiers/{id}/pricelists", h.listPriceLists)
	h.handleUser("GET /api/dossiers/{id}/pricelists/{part}", h.getPriceList)
	h.handleUser("POST /api/dossiers/{id}/pricelists/{part}", h.proposePriceList)
	h.handleUser("POST /api/dossiers/{id}/pricelists/{part}/counter", h.counterPriceList)
	h.handleUser("POST /api/dossiers/{id}/pricelists/{part}/accept", h.acceptPriceList)
	h.handleUser("GET /api/dossiers/{id}/pricelists/{part}/xlsx", h.exportPriceList)
	h.handleUser("PUT /api/dossiers/{id}/pricelists/{part}/xlsx", h.uploadPriceList)
}

// lineJSON is a product line with its amounts in cents; category and ceiling 0 are none.
type lineJSON struct {
	Code         string `json:"code"`
	Description  string `json:"description"`
	TariffCents  int64  `json:"tariff_cents"`
	Volume       int    `json:"volume"`
	Category     int    `json:"category"`
	CeilingCents int64  `json:"ceiling_cents"`
}

func linesJSON(ls []pricelist.Line) []lineJSON {
	out := make([]lineJSON, len(ls))
	for i, l := range ls {
		out[i] = lineJSON{Code: l.Code, Description: l.Description, TariffCents: l.Tariff, Volume: l.Volume,
			Category: l.Category, CeilingCents: l.Ceiling}
	}
	return out
}

func linesOf(ls []lineJSON) []pricelist.Line {
	out := make([]pricelist.Line, len(ls))
	for i, l := range ls {
		out[i] = pricelist.Line{Code: l.Code, Description: l.Description, Tariff: l.TariffCents, Volume: l.Volume,
			Category: l.Category, Ceiling: l.CeilingCents}
	}
	return out
}

type partyJSON struct {
	Side     pricelist.Side `json:"side"`
	UserID   string         `json:"user_id"`
	UserName string         `json:"user_name"`
	OrgID    string         `json:"org_id"`
	At       time.Time      `json:"at"`
}

func partyOf(p pricelist.Party) partyJSON {
	return partyJSON{Side: p.Side, UserID: p.UserID, UserName: p.UserName, OrgID: p.OrgID, At: p.At}
}

type priceListJSON struct {
	DossierID     string           `json:"dossier_id"`
	Part          string           `json:"part"`
	Insurer       string           `json:"insurer"`
	ProviderID    string           `json:"provider_id"`
	PriceListOnly bool             `json:"price_list_only"`
	Status        pricelist.Status `json:"status"`
	Version       int              `json:"version"`
	Lines         []lineJSON       `json:"lines"`
	TotalCents    int64            `json:"total_cents"`
	By            partyJSON        `json:"by"`
	UpdatedAt     time.Time        `json:"updated_at"`
	AgreedAt      *time.Time       `json:"agreed_at"`
}

func priceListOf(pl *pricelist.PriceList) priceListJSON {
	out := priceListJSON{DossierID: pl.DossierID, Part: pl.Part, Insurer: pl.Insurer, ProviderID: pl.ProviderID,
		PriceListOnly: pl.PriceListOnly, Status: pl.Status, Version: pl.Version, Lines: linesJSON(pl.Lines),
		TotalCents: pricelist.Total(pl.Lines), By: partyOf(pl.By), UpdatedAt: pl.UpdatedAt}
	if !pl.AgreedAt.IsZero() {
		at := pl.AgreedAt
		out.AgreedAt = &at
	}
	return out
}

// diffJSON is one line compared with the version before, amounts in cents.
type diffJSON struct {
	Code              string           `json:"code"`
	Change            pricelist.Change `json:"change"`
	TariffBeforeCents int64            `json:"tariff_before_cents"`
	TariffAfterCents  int64            `json:"tariff_after_cents"`
	VolumeBefore      int              `json:"volume_before"`
	VolumeAfter       int              `json:"volume_after"`
	TariffChanged     bool             `json:"tariff_changed"`
	VolumeChanged     bool             `json:"volume_changed"`
	OtherChanged      bool             `json:"other_changed"`
}

type roundJSONOut struct {
	Version  int        `json:"version"`
	By       partyJSON  `json:"by"`
	Note     string     `json:"note"`
	Lines    []lineJSON `json:"lines"`
	Diff     []diffJSON `json:"diff"`
	Accepted *partyJSON `json:"accepted"`
}

func roundOf(r pricelist.Round) roundJSONOut {
	out := roundJSONOut{Version: r.Version, By: partyOf(r.By), Note: r.Note, Lines: linesJSON(r.Lines), Diff: []diffJSON{}}
	for _, d := range r.Diff {
		out.Diff = append(out.Diff, diffJSON{Code: d.Code, Change: d.Change, TariffBeforeCents: d.TariffBefore,
			TariffAfterCents: d.TariffAfter, VolumeBefore: d.VolumeBefore, VolumeAfter: d.VolumeAfter,
			TariffChanged: d.TariffChanged, VolumeChanged: d.VolumeChanged, OtherChanged: d.OtherChanged})
	}
	if r.Accepted != nil {
		p := partyOf(*r.Accepted)
		out.Accepted = &p
	}
	return out
}

type priceListsJSON struct {
	PriceLists []priceListJSON `json:"price_lists"`
}

func (h *Handler) listPriceLists(w http.ResponseWriter, r *http.Request) error {
	pls, err := h.PriceLists.PriceLists(r.Context(), principal(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := priceListsJSON{PriceLists: []priceListJSON{}}
	for i := range pls {
		out.PriceLists = append(out.PriceLists, priceListOf(&pls[i]))
	}
	return writeJSON(w, http.StatusOK, out)
}

type priceListHistory struct {
	PriceList priceListJSON  `json:"price_list"`
	Rounds    []roundJSONOut `json:"rounds"`
}

func (h *Handler) getPriceList(w http.ResponseWriter, r *http.Request) error {
	ctx, p, id, part := r.Context(), principal(r), r.PathValue("id"), r.PathValue("part")
	pl, err := h.PriceLists.PriceList(ctx, p, id, part)
	if err != nil {
		return err
	}
	rounds, err := h.PriceLists.Rounds(ctx, p, id, part)
	if err != nil {
		return err
	}
	out := priceListHistory{PriceList: priceListOf(pl), Rounds: []roundJSONOut{}}
	for _, rd := range rounds {
		out.Rounds = append(out.Rounds, roundOf(rd))
	}
	return writeJSON(w, http.StatusOK, out)
}

type proposeRequest struct {
	Lines         []lineJSON `json:"lines"`
	Note          string     `json:"note"`
	PriceListOnly bool       `json:"price_list_only"`
}

func (h *Handler) proposePriceList(w http.ResponseWriter, r *http.Request) error {
	var in proposeRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	pl, err := h.PriceLists.Propose(r.Context(), principal(r), pricelist.Proposal{DossierID: r.PathValue("id"),
		Part: r.PathValue("part"), Lines: linesOf(in.Lines), Note: in.Note, PriceListOnly: in.PriceListOnly})
	if err != nil {
		return renameFields(err, lineFields)
	}
	return writeJSON(w, http.StatusCreated, priceListOf(pl))
}

type counterRequest struct {
	BasedOn int        `json:"based_on"`
	Lines   []lineJSON `json:"lines"`
	Note    string     `json:"note"`
}

func (h *Handler) counterPriceList(w http.ResponseWriter, r *http.Request) error {
	var in counterRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.BasedOn < 1 {
		return apperr.Invalidf("based_on", "based_on must be the version the counter-proposal starts from (1 or more)")
	}
	pl, err := h.PriceLists.Counter(r.Context(), principal(r), pricelist.Submission{DossierID: r.PathValue("id"),
		Part: r.PathValue("part"), BasedOn: in.BasedOn, Lines: linesOf(in.Lines), Note: in.Note})
	if err != nil {
		return renameFields(err, lineFields)
	}
	return writeJSON(w, http.StatusOK, priceListOf(pl))
}

type acceptRequest struct {
	BasedOn int `json:"based_on"`
}

func (h *Handler) acceptPriceList(w http.ResponseWriter, r *http.Request) error {
	var in acceptRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.BasedOn < 1 {
		return apperr.Invalidf("based_on", "based_on must be the version accepted (1 or more)")
	}
	pl, err := h.PriceLists.Accept(r.Context(), principal(r), r.PathValue("id"), r.PathValue("part"), in.BasedOn)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, priceListOf(pl))
}

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

func (h *Handler) exportPriceList(w http.ResponseWriter, r *http.Request) error {
	version := 0
	if v := r.URL.Query().Get("version"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return apperr.Invalidf("version", "version %q must be a whole number of 1 or more", v)
		}
		version = n
	}
	ctx, p, id, part := r.Context(), principal(r), r.PathValue("id"), r.PathValue("part")
	var buf bytes.Buffer
	if err := h.PriceLists.Export(ctx, p, id, part, version, &buf); err != nil {
		return err
	}
	if version == 0 {
		pl, err := h.PriceLists.PriceList(ctx, p, id, part)
		if err != nil {
			return err
		}
		version = pl.Version
	}
	attachment(w, xlsxType, pricelist.ExportName(id, part, version), int64(buf.Len()))
	_, err := buf.WriteTo(w)
	return err
}

// uploadPriceList takes a workbook as a counter-proposal: the version it is based on is
// the one in the workbook's Gegevens sheet, else ?based_on=.
func (h *Handler) uploadPriceList(w http.ResponseWriter, r *http.Request) error {
	basedOn := 0
	if v := r.URL.Query().Get("based_on"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return apperr.Invalidf("based_on", "based_on %q must be a whole number of 1 or more", v)
		}
		basedOn = n
	}
	var body bytes.Buffer
	if _, err := body.ReadFrom(r.Body); err != nil {
		return decodeError(err)
	}
	pl, err := h.PriceLists.CounterUpload(r.Context(), principal(r), r.PathValue("id"), r.PathValue("part"), basedOn,
		&body, r.URL.Query().Get("note"))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, priceListOf(pl))
}

// unsavedJSON is what a refused counter-proposal or acceptance submitted, sent back in
// the 409 problem so that the client can show it beside the new version.
type unsavedJSON struct {
	BasedOn   int        `json:"based_on"`
	Current   int        `json:"current"`
	ChangedBy partyJSON  `json:"changed_by"`
	Accept    bool       `json:"accept"`
	Lines     []lineJSON `json:"lines"`
	Note      string     `json:"note"`
}

func unsavedOf(err error) *unsavedJSON {
	u, ok := pricelist.UnsavedOf(err)
	if !ok {
		return nil
	}
	return &unsavedJSON{BasedOn: u.BasedOn, Current: u.Current, ChangedBy: partyOf(u.ChangedBy), Accept: u.Accept,
		Lines: linesJSON(u.Lines), Note: u.Note}
}
