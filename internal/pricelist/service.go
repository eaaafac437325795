package pricelist

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/text"
)

// Store keeps price lists and their rounds; sqlstore implements it for both engines.
// Inside a write transaction of InTx (carried in ctx) the reads read there, and PriceList
// locks the row until the transaction ends, so that a version check and the write after it
// cannot interleave with another writer's.
type Store interface {
	// PriceList returns the price list of a part of a dossier with the lines and maker of
	// its latest version, or NotFound.
	PriceList(ctx context.Context, dossierID, part string) (*PriceList, error)
	// PriceLists returns the dossier's price lists, ordered by part.
	PriceLists(ctx context.Context, dossierID string) ([]PriceList, error)
	// PriceListRounds returns every version of a price list, oldest first (Diff not set).
	PriceListRounds(ctx context.Context, dossierID, part string) ([]Round, error)
	// CreatePriceList stores a new price list (Version 1) with its first round; Conflict
	// when the part has one already.
	CreatePriceList(ctx context.Context, pl PriceList, r Round) error
	// AddPriceListRound stores r as version pl.Version with pl's status, if the stored
	// list is still at version prev and not agreed; Conflict otherwise.
	AddPriceListRound(ctx context.Context, pl PriceList, prev int, r Round) error
	// AgreePriceList records the acceptance of version by the other side and sets the
	// status to agreed, if the stored list is still at version and not agreed; Conflict
	// otherwise.
	AgreePriceList(ctx context.Context, dossierID, part string, version int, by Party) error
}

// Hooks are what this area needs of internal/round, wired by the lead in app.New. Each
// hook is called inside the transaction of the change that causes it.
type Hooks struct {
	// Dossier looks a dossier up; required for every call.
	Dossier DossierLookup
	// OnNegotiating is called on a counter-proposal while the dossier is not yet in
	// stage negotiating (round.SetStage(ctx, id, "negotiating")).
	OnNegotiating func(ctx context.Context, dossierID string) error
	// OnAgreed is called when an acceptance leaves every price list of the dossier agreed
	// (round.SetStage(ctx, id, "agreed")). Offered parts without a price list (parts
	// bought without negotiated prices) do not hold the dossier back; a price list for a
	// part must therefore be proposed with the offer, since a dossier once agreed takes no
	// new proposals.
	OnAgreed func(ctx context.Context, dossierID string) error
	// OnRound is told of every stored change of a price list (optional): action is
	// ActionPropose, ActionCounter or ActionAccept and pl the list after it; the lead
	// wires the notices to the other side.
	OnRound func(ctx context.Context, pl PriceList, action string) error
}

// Service applies the rules of price lists. Build it with NewService.
type Service struct{ deps }

type deps struct {
	Store Store
	Audit identity.Auditor
	Tx    identity.TxRunner
	Now   func() time.Time
	Hooks
}

// NewService returns the price-list service over store, recording every change in trail in
// one transaction of tx, with now as the clock. It panics on a nil dependency; a nil hook
// makes the calls that need it fail with an Internal error (the lead wires them).
func NewService(store Store, trail identity.Auditor, tx identity.TxRunner, now func() time.Time, hooks Hooks) *Service {
	identity.Require("pricelist.NewService", "store", store)
	identity.Require("pricelist.NewService", "trail", trail)
	identity.Require("pricelist.NewService", "tx", tx)
	identity.Require("pricelist.NewService", "now", now)
	return &Service{deps{Store: store, Audit: trail, Tx: tx, Now: now, Hooks: hooks}}
}

// Proposal is the insurer's first price list for a part, sent with the offer.
type Proposal struct {
	DossierID string
	Part      string
	Lines     []Line
	Note      string
	// PriceListOnly: the new year's price list under a running multi-year contract,
	// without a contract offer (the dossier needs no offer stage then).
	PriceListOnly bool
}

// Submission is a counter-proposal: the changed lines, based on version BasedOn.
type Submission struct {
	DossierID string
	Part      string
	BasedOn   int
	Lines     []Line
	Note      string
}

// --- reading ---

// PriceList returns the current price list of a part.
func (s *Service) PriceList(ctx context.Context, actor identity.Principal, dossierID, part string) (*PriceList, error) {
	if _, err := s.readable(ctx, actor, dossierID); err != nil {
		return nil, err
	}
	pl, err := s.Store.PriceList(ctx, dossierID, part)
	if apperr.CodeOf(err) == apperr.NotFound {
		return nil, noList(part)
	}
	return pl, err
}

// PriceLists returns every price list of the dossier, ordered by part.
func (s *Service) PriceLists(ctx context.Context, actor identity.Principal, dossierID string) ([]PriceList, error) {
	if _, err := s.readable(ctx, actor, dossierID); err != nil {
		return nil, err
	}
	return s.Store.PriceLists(ctx, dossierID)
}

// Rounds returns the history of a part's price list, oldest first, each version with its
// diff against the one before.
func (s *Service) Rounds(ctx context.Context, actor identity.Principal, dossierID, part string) ([]Round, error) {
	if _, err := s.readable(ctx, actor, dossierID); err != nil {
		return nil, err
	}
	rs, err := s.Store.PriceListRounds(ctx, dossierID, part)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, noList(part)
	}
	var prev []Line
	for i := range rs {
		rs[i].Diff = Diff(prev, rs[i].Lines)
		prev = rs[i].Lines
	}
	return rs, nil
}

// Agreed returns the dossier's agreed price lists, for other services (the contract
// documents): no actor, so never serve it to a user directly.
func (s *Service) Agreed(ctx context.Context, dossierID string) ([]PriceList, error) {
	pls, err := s.Store.PriceLists(ctx, dossierID)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(pls, func(pl PriceList) bool { return pl.Status != Agreed }), nil
}

// --- changing ---

// Propose stores the insurer's first proposal for a part of the dossier (version 1,
// status proposed). The part must be one offered in the dossier; the dossier must be in
// an offer stage (assessed, offered, negotiating), or with PriceListOnly in any stage but
// draft and the closed ones.
func (s *Service) Propose(ctx context.Context, actor identity.Principal, p Proposal) (*PriceList, error) {
	d, err := s.party(ctx, actor, p.DossierID)
	if err != nil {
		return nil, err
	}
	if !MayPropose(actor, d) {
		return nil, s.refuse(ctx, actor, d, p.Part, ActionPropose,
			"only the insurer's inkoper or contractbeheerder proposes a price list",
			"Alleen een inkoper of contractbeheerder van de zorgverzekeraar stelt een prijslijst voor.")
	}
	if err := checkProposal(d, p); err != nil {
		return nil, err
	}
	now := s.Now().UTC()
	by := party(actor, SideInsurer, now)
	pl := PriceList{DossierID: d.ID, Part: p.Part, Insurer: d.Insurer, ProviderID: d.ProviderID, PriceListOnly: p.PriceListOnly,
		Status: Proposed, Version: 1, Lines: p.Lines, UpdatedAt: now, By: by}
	err = s.inTx(ctx, func(ctx context.Context) error {
		if err := s.Store.CreatePriceList(ctx, pl, Round{Version: 1, By: by, Note: p.Note, Lines: p.Lines}); err != nil {
			if apperr.CodeOf(err) == apperr.Conflict {
				return conflict(err, "a price list was proposed for this part already; make a counter-proposal",
					"Voor dit onderdeel is al een prijslijst voorgesteld. Doe een tegenvoorstel op de bestaande prijslijst.")
			}
			return err
		}
		after := map[string]any{"version": 1, "status": Proposed, "price_list_only": p.PriceListOnly, "lines": len(p.Lines),
			"changes": Diff(nil, p.Lines)}
		if err := s.record(ctx, actor, d, p.Part, ActionPropose, nil, after, p.Note, false); err != nil {
			return err
		}
		return s.told(ctx, pl, ActionPropose)
	})
	if err != nil {
		return nil, err
	}
	return &pl, nil
}

// Counter stores a counter-proposal (either side) based on version sub.BasedOn: a new
// version with status countered. It is refused with a Conflict carrying an *Unsaved when
// the list changed meanwhile, and when it is agreed. The first counter-proposal of the
// dossier moves it to negotiating (Hooks.OnNegotiating).
func (s *Service) Counter(ctx context.Context, actor identity.Principal, sub Submission) (*PriceList, error) {
	d, err := s.party(ctx, actor, sub.DossierID)
	if err != nil {
		return nil, err
	}
	side, ok := MayNegotiate(actor, d)
	if !ok {
		return nil, s.refuse(ctx, actor, d, sub.Part, ActionCounter,
			"only the insurer's inkoper or contractbeheerder and the provider's beheerder or contractmanager negotiate",
			"Alleen een inkoper of contractbeheerder van de zorgverzekeraar en een beheerder of contractmanager van de zorgaanbieder onderhandelen over de prijslijst.")
	}
	if err := checkSubmission(d, sub.Lines, sub.Note); err != nil {
		return nil, err
	}
	if d.Stage != StageNegotiating && s.OnNegotiating == nil {
		return nil, unwired("OnNegotiating")
	}
	var out PriceList
	err = s.inTx(ctx, func(ctx context.Context) error {
		pl, err := s.current(ctx, sub.DossierID, sub.Part, sub.BasedOn, false, sub.Lines, sub.Note)
		if err != nil {
			return err
		}
		if sameLines(pl.Lines, sub.Lines) {
			return &apperr.Error{Code: apperr.Invalid, Field: "lines", Message: "the counter-proposal changes nothing; accept the proposal or change a line",
				Dutch: "Het tegenvoorstel is gelijk aan de huidige prijslijst. Accepteer het voorstel, of wijzig een tarief of volume."}
		}
		now := s.Now().UTC()
		by := party(actor, side, now)
		prev, diff := pl.Version, Diff(pl.Lines, sub.Lines)
		out = *pl
		out.Status, out.Version, out.Lines, out.UpdatedAt, out.By = Countered, prev+1, sub.Lines, now, by
		if err := s.Store.AddPriceListRound(ctx, out, prev, Round{Version: out.Version, By: by, Note: sub.Note, Lines: sub.Lines}); err != nil {
			return err
		}
		before := map[string]any{"version": prev, "status": pl.Status}
		after := map[string]any{"version": out.Version, "status": Countered, "side": side, "lines": len(sub.Lines), "changes": Changes(diff)}
		if err := s.record(ctx, actor, d, sub.Part, ActionCounter, before, after, sub.Note, false); err != nil {
			return err
		}
		if err := s.told(ctx, out, ActionCounter); err != nil {
			return err
		}
		if d.Stage != StageNegotiating {
			return s.OnNegotiating(ctx, d.ID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// Accept records that the actor's side accepts version basedOn, the latest proposal of
// the other side: the price list is agreed and immutable from then on. When every price
// list of the dossier is agreed, Hooks.OnAgreed moves the dossier to agreed.
func (s *Service) Accept(ctx context.Context, actor identity.Principal, dossierID, part string, basedOn int) (*PriceList, error) {
	d, err := s.party(ctx, actor, dossierID)
	if err != nil {
		return nil, err
	}
	side, ok := MayNegotiate(actor, d)
	if !ok {
		return nil, s.refuse(ctx, actor, d, part, ActionAccept,
			"only the insurer's inkoper or contractbeheerder and the provider's beheerder or contractmanager accept a price list",
			"Alleen een inkoper of contractbeheerder van de zorgverzekeraar en een beheerder of contractmanager van de zorgaanbieder accepteren een prijslijst.")
	}
	if s.OnAgreed == nil {
		return nil, unwired("OnAgreed")
	}
	var out PriceList
	err = s.inTx(ctx, func(ctx context.Context) error {
		pl, err := s.current(ctx, dossierID, part, basedOn, true, nil, "")
		if err != nil {
			return err
		}
		if pl.By.Side == side {
			return &apperr.Error{Code: apperr.Conflict, Field: "version",
				Message: "this is your own side's proposal; the other side accepts it",
				Dutch: fmt.Sprintf("Versie %d is het voorstel van uw eigen kant. Alleen %s kan het accepteren, of doe een nieuw tegenvoorstel.",
					pl.Version, side.Other().Dutch())}
		}
		now := s.Now().UTC()
		if err := s.Store.AgreePriceList(ctx, dossierID, part, pl.Version, party(actor, side, now)); err != nil {
			return err
		}
		out = *pl
		out.Status, out.AgreedAt = Agreed, now
		before := map[string]any{"version": pl.Version, "status": pl.Status}
		after := map[string]any{"version": pl.Version, "status": Agreed, "side": side, "lines": len(pl.Lines), "total": Total(pl.Lines)}
		if err := s.record(ctx, actor, d, part, ActionAccept, before, after, "", false); err != nil {
			return err
		}
		if err := s.told(ctx, out, ActionAccept); err != nil {
			return err
		}
		return s.agreeDossier(ctx, d.ID)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// Total is the sum of tariff × volume in cents, for valid lines (each product fits an
// int64); it stops at math.MaxInt64 rather than overflow.
func Total(lines []Line) int64 {
	var t int64
	for _, l := range lines {
		p := l.Tariff * int64(l.Volume)
		if p < 0 || t > math.MaxInt64-p {
			return math.MaxInt64
		}
		t += p
	}
	return t
}

// told calls Hooks.OnRound, when wired, with the list after a change.
func (s *Service) told(ctx context.Context, pl PriceList, action string) error {
	if s.OnRound == nil {
		return nil
	}
	return s.OnRound(ctx, pl, action)
}

// agreeDossier calls OnAgreed when every price list of the dossier is agreed.
func (s *Service) agreeDossier(ctx context.Context, dossierID string) error {
	pls, err := s.Store.PriceLists(ctx, dossierID)
	if err != nil {
		return err
	}
	for _, pl := range pls {
		if pl.Status != Agreed {
			return nil
		}
	}
	return s.OnAgreed(ctx, dossierID)
}

// current reads the stored price list in the transaction and checks that the submission
// based on version basedOn may change it.
func (s *Service) current(ctx context.Context, dossierID, part string, basedOn int, accept bool, lines []Line, note string) (*PriceList, error) {
	pl, err := s.Store.PriceList(ctx, dossierID, part)
	if apperr.CodeOf(err) == apperr.NotFound {
		return nil, noList(part)
	}
	if err != nil {
		return nil, err
	}
	if pl.Version != basedOn {
		return nil, (&Unsaved{DossierID: dossierID, Part: part, BasedOn: basedOn, Current: pl.Version, ChangedBy: pl.By,
			Accept: accept, Lines: lines, Note: note}).apperr()
	}
	if pl.Status == Agreed {
		return nil, &apperr.Error{Code: apperr.Conflict, Field: "version",
			Message: fmt.Sprintf("the price list was agreed at version %d and cannot change", pl.Version),
			Dutch:   fmt.Sprintf("Deze prijslijst is overeengekomen (versie %d) en kan niet meer worden gewijzigd.", pl.Version)}
	}
	return pl, nil
}

// --- checks and helpers ---

// closedStages take no proposals: the dossier is agreed, signed, published or refused.
var closedStages = []string{StageAgreed, StageSigned, StagePublished, StageRefused}

// offerStages are those in which an offer with its price list is sent.
var offerStages = []string{StageAssessed, StageOffered, StageNegotiating}

func checkProposal(d Dossier, p Proposal) error {
	if !slices.Contains(d.Parts, p.Part) {
		return &apperr.Error{Code: apperr.Invalid, Field: "part", Message: fmt.Sprintf("part %q is not offered in this dossier", p.Part),
			Dutch: fmt.Sprintf("Onderdeel '%s' is in dit dossier niet aangeboden.", p.Part)}
	}
	switch {
	case slices.Contains(closedStages, d.Stage) || d.Stage == StageDraft:
		return stageConflict(d.Stage)
	case !p.PriceListOnly && !slices.Contains(offerStages, d.Stage):
		return &apperr.Error{Code: apperr.Conflict, Field: "stage",
			Message: fmt.Sprintf("a price list is proposed with an offer; the dossier is in stage %s", d.Stage),
			Dutch:   "Een prijslijst wordt met het contractaanbod voorgesteld; dit dossier is nog niet zover. Voor een lopend meerjarig contract: stel alleen de prijslijst van het nieuwe jaar voor."}
	}
	return checkSubmission(d, p.Lines, p.Note)
}

func checkSubmission(d Dossier, lines []Line, note string) error {
	if slices.Contains(closedStages, d.Stage) {
		return stageConflict(d.Stage)
	}
	var errs apperr.List
	if e := text.Check("note", note, text.Long); e != nil {
		errs = append(errs, e)
	}
	errs = append(errs, apperr.Errors(ValidateLines(lines))...)
	return errs.Err()
}

func stageConflict(stage string) error {
	return &apperr.Error{Code: apperr.Conflict, Field: "stage", Message: fmt.Sprintf("the dossier is in stage %s and takes no price lists", stage),
		Dutch: "In deze fase van het dossier kan de prijslijst niet (meer) worden gewijzigd."}
}

func noList(part string) error {
	return &apperr.Error{Code: apperr.NotFound, Field: "part", Message: fmt.Sprintf("part %q has no price list", part),
		Dutch: fmt.Sprintf("Voor onderdeel '%s' is nog geen prijslijst voorgesteld.", part)}
}

func conflict(cause error, msg, dutch string) error {
	return &apperr.Error{Code: apperr.Conflict, Message: msg, Dutch: dutch, Err: cause}
}

func unwired(hook string) error {
	return &apperr.Error{Code: apperr.Internal, Message: "pricelist: hook " + hook + " is not wired (app.New)"}
}

// party looks the dossier up for a party of it: NotFound for who is no party, so that
// another tenant's dossier does not leak.
func (s *Service) party(ctx context.Context, actor identity.Principal, dossierID string) (Dossier, error) {
	if actor.IsAnonymous() {
		return Dossier{}, identity.LoginRequired("see price lists")
	}
	if s.Dossier == nil {
		return Dossier{}, unwired("Dossier")
	}
	d, err := s.Dossier(ctx, dossierID)
	if apperr.CodeOf(err) == apperr.NotFound || err == nil && !IsParty(actor, d) {
		return Dossier{}, &apperr.Error{Code: apperr.NotFound, Field: "dossier", Message: fmt.Sprintf("dossier %q does not exist", dossierID),
			Dutch: "Dit dossier bestaat niet."}
	}
	if err != nil {
		return Dossier{}, fmt.Errorf("dossier %s: %w", dossierID, err)
	}
	return d, nil
}

// readable is party, and checks that actor may read the dossier's price lists: Forbidden
// for a party's staff who see no prices.
func (s *Service) readable(ctx context.Context, actor identity.Principal, dossierID string) (Dossier, error) {
	d, err := s.party(ctx, actor, dossierID)
	if err != nil {
		return d, err
	}
	if !MayRead(actor, d) {
		return Dossier{}, &apperr.Error{Code: apperr.Forbidden, Message: "prices are shown only to the staff who negotiate or sign",
			Dutch: "Prijzen zijn vertrouwelijk: alleen de inkoper en contractbeheerder van de zorgverzekeraar en de beheerder, contractmanager en tekenbevoegde van de zorgaanbieder zien ze."}
	}
	return d, nil
}

// refuse records a party's refused attempt in its own transaction and returns Forbidden.
func (s *Service) refuse(ctx context.Context, actor identity.Principal, d Dossier, part, action, msg, dutch string) error {
	err := s.inTx(ctx, func(ctx context.Context) error {
		return s.record(ctx, actor, d, part, action, nil, nil, msg, true)
	})
	if err != nil {
		return err
	}
	return &apperr.Error{Code: apperr.Forbidden, Message: msg, Dutch: dutch}
}

func (s *Service) inTx(ctx context.Context, fn func(ctx context.Context) error) error {
	return identity.InTx(ctx, s.Tx, fn)
}

// record writes the audit entry of a change to a part's price list, scoped to the other
// party (see actions.go).
func (s *Service) record(ctx context.Context, actor identity.Principal, d Dossier, part, action string, before, after any, reason string, denied bool) error {
	scope := d.Insurer
	if actor.ActsForInsurer(d.Insurer) {
		scope = d.ProviderID
	}
	_, err := s.Audit.Record(ctx, audit.Entry{UserID: actor.UserID(), UserName: actor.UserName(), OrgID: actor.OrgID(),
		Action: action, Subject: Subject(d.ID, part), Scope: scope, Dossier: d.ID,
		Before: audit.JSON(before), After: audit.JSON(after), Reason: reason, Denied: denied})
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

func party(actor identity.Principal, side Side, at time.Time) Party {
	return Party{Side: side, UserID: actor.UserID(), UserName: actor.UserName(), OrgID: actor.OrgID(), At: at}
}

// --- conflicts ---

// Unsaved is what a refused counter-proposal or acceptance submitted, because the price
// list changed meanwhile: the cause (errors.As) of the Conflict error, so that the caller
// shows the submitted lines and note back beside the new version, and nothing is lost.
// The stored price list is untouched.
type Unsaved struct {
	DossierID string
	Part      string
	BasedOn   int   // the version the submission was based on
	Current   int   // the stored version
	ChangedBy Party // who made the stored version
	Accept    bool  // the submission was an acceptance (no lines)
	Lines     []Line
	Note      string
}

func (u *Unsaved) Error() string {
	return fmt.Sprintf("price list %s/%s changed meanwhile (version %d, submitted on version %d); nothing was saved",
		u.DossierID, u.Part, u.Current, u.BasedOn)
}

// UnsavedOf returns the unsaved submission of a Conflict error, if err is one.
func UnsavedOf(err error) (*Unsaved, bool) {
	var u *Unsaved
	ok := errors.As(err, &u)
	return u, ok
}

func (u *Unsaved) apperr() error {
	who := u.ChangedBy.UserName
	if who == "" {
		who = u.ChangedBy.Side.Dutch()
	} else {
		who += " (" + u.ChangedBy.Side.Dutch() + ")"
	}
	what := "Uw wijziging is niet opgeslagen; uw regels en toelichting zijn bewaard. Vergelijk ze met versie %d en dien uw wijziging opnieuw in."
	if u.Accept {
		what = "Uw acceptatie is niet opgeslagen. Bekijk versie %d voordat u accepteert."
	}
	return &apperr.Error{Code: apperr.Conflict, Field: "version", Message: u.Error(), Err: u,
		Dutch: fmt.Sprintf("Deze prijslijst is intussen gewijzigd door %s (versie %d). "+what, who, u.Current, u.Current)}
}
