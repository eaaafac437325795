package claims

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/document"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/policy"
)

// AuthorisationRules are the claim authorisation rules of the insurer's published
// policies: what a provider may request (the request form's choices).
func (s *Service) AuthorisationRules(insurer string) []RuleRef {
	var out []RuleRef
	for _, c := range s.lib.Policies() {
		if c.Status != policy.Published || c.Insurer != insurer {
			continue
		}
		for _, r := range c.Claims.Authorisations {
			out = append(out, RuleRef{PolicyID: c.ID, ClaimAuthorisation: r})
		}
	}
	return out
}

func (s *Service) ruleOf(insurer, id string) (RuleRef, bool) {
	for _, r := range s.AuthorisationRules(insurer) {
		if r.ID == id {
			return r, true
		}
	}
	return RuleRef{}, false
}

// RequestAuthorisation: the provider's beheerder or contractmanager requests, on behalf
// of an insured person, an authorisation or prior approval the insurer's policy
// requires (one of AuthorisationRules).
func (s *Service) RequestAuthorisation(ctx context.Context, actor identity.Principal, r AuthRequest) (*Authorisation, error) {
	if actor.IsAnonymous() {
		return nil, identity.LoginRequired("request authorisations")
	}
	if !MayClaimFor(actor, r.ProviderID) {
		return nil, s.refuse(ctx, actor, "", r.ProviderID, ActionAuthRequest, "provider:"+r.ProviderID, "provider "+r.ProviderID,
			"only the provider's beheerder and contractmanager request authorisations",
			"Alleen de beheerder en de contractmanager van de zorgaanbieder vragen machtigingen aan.")
	}
	rule, ok := s.ruleOf(r.Insurer, r.Rule)
	if !ok {
		return nil, invalid("rule", fmt.Sprintf("%q is not an authorisation rule of the insurer's policies", r.Rule),
			"Kies een machtiging of toestemming uit het inkoopbeleid van de zorgverzekeraar.")
	}
	if !ElevenTest(r.BSN) {
		return nil, invalid("bsn", "the BSN fails the eleven test", "Het burgerservicenummer voldoet niet aan de elfproef.")
	}
	if r.Code != "" && !wellFormedCode(r.Code) {
		return nil, invalid("code", "the code is not a declaration code", "De declaratiecode bestaat uit hoogstens 6 cijfers of hoofdletters.")
	}
	r.Motivation = strings.TrimSpace(r.Motivation)
	if r.Motivation == "" {
		return nil, invalid("motivation", "a motivation is required", "Geef een motivering voor de aanvraag.")
	}
	kind := Machtiging
	if rule.Kind == string(Toestemming) {
		kind = Toestemming
	}
	a := &Authorisation{ID: newID("mach"), Insurer: r.Insurer, ProviderID: r.ProviderID, BSN: r.BSN, Rule: rule.ID,
		PolicyID: rule.PolicyID, Kind: kind, Code: r.Code, Indication: strings.TrimSpace(r.Indication), Motivation: r.Motivation,
		Status: Requested, RequestedBy: actor.UserID(), RequestedAt: s.now().UTC().Truncate(time.Microsecond)}
	err := identity.InTx(ctx, s.tx, func(ctx context.Context) error {
		if err := s.store.SaveAuthorisation(ctx, a); err != nil {
			return err
		}
		return s.record(ctx, actor, ActionAuthRequest, "authorisation:"+a.ID, a.Insurer,
			map[string]string{"rule": a.Rule, "kind": string(a.Kind), "code": a.Code, "provider_id": a.ProviderID}, "", false)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// Authorisation returns an authorisation to the provider's claimers and the insurer's
// medisch adviseur and declaratiebeoordelaar.
func (s *Service) Authorisation(ctx context.Context, actor identity.Principal, id string) (*Authorisation, error) {
	a, err := s.store.Authorisation(ctx, id)
	if apperr.CodeOf(err) == apperr.NotFound {
		return nil, identity.Hide("authorisation " + id)
	}
	if err != nil {
		return nil, err
	}
	if !MayReadAuthorisations(actor, a.Insurer, a.ProviderID) {
		return nil, s.refuse(ctx, actor, a.Insurer, a.ProviderID, ActionAuthDecide, "authorisation:"+id, "authorisation "+id,
			"your role may not read authorisations", "Met uw rol kunt u machtigingen niet inzien.")
	}
	return a, nil
}

// Authorisations lists the authorisations f selects that actor may read, newest first.
func (s *Service) Authorisations(ctx context.Context, actor identity.Principal, f AuthFilter, p Page) ([]Authorisation, int, error) {
	if actor.IsAnonymous() {
		return nil, 0, identity.LoginRequired("read authorisations")
	}
	switch {
	case actor.IsOperator():
	case f.ProviderID != "" && MayClaimFor(actor, f.ProviderID):
	case f.Insurer != "" && MayReadPersonal(actor, f.Insurer):
	case f.Insurer == "" && f.ProviderID == "":
		return nil, 0, invalid("insurer", "name the insurer or the provider", "Kies een zorgverzekeraar of zorgaanbieder.")
	default:
		return nil, 0, s.refuse(ctx, actor, f.Insurer, f.ProviderID, ActionAuthDecide, "authorisations", "authorisations",
			"your role may not read authorisations", "Met uw rol kunt u machtigingen niet inzien.")
	}
	return s.store.ListAuthorisations(ctx, f, p.normal())
}

// AddAuthorisationDocument adds a document (PDF, image, Office or text, at most
// Options.MaxDocument) to a request, by the provider's claimers while it is undecided.
func (s *Service) AddAuthorisationDocument(ctx context.Context, actor identity.Principal, id, name string, body io.Reader) (*Document, error) {
	a, err := s.Authorisation(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !MayClaimFor(actor, a.ProviderID) {
		return nil, s.refuse(ctx, actor, a.Insurer, a.ProviderID, ActionAuthDocument, "authorisation:"+id, "authorisation "+id,
			"only the requesting provider adds documents", "Alleen de aanvragende zorgaanbieder voegt documenten toe.")
	}
	if a.Status != Requested {
		return nil, conflict("the authorisation is decided", "Over deze aanvraag is al beslist; er kunnen geen documenten meer bij.")
	}
	name = document.CleanName(name)
	h := sha256.New()
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, io.TeeReader(io.LimitReader(body, s.opt.MaxDocument+1), h)); err != nil {
		return nil, readErr(err)
	}
	switch {
	case buf.Len() == 0:
		return nil, invalid("file", name+" is empty", name+" is leeg.")
	case int64(buf.Len()) > s.opt.MaxDocument:
		return nil, &apperr.Error{Code: apperr.TooLarge, Field: "file",
			Message: fmt.Sprintf("%s is larger than %s", name, sizeText(s.opt.MaxDocument)),
			Dutch:   fmt.Sprintf("%s is groter dan %s, het maximum voor een document.", name, sizeText(s.opt.MaxDocument))}
	}
	typ := document.Sniff(name, buf.Bytes())
	if typ == "" {
		return nil, invalid("file", name+" is not a PDF, PNG, JPEG, xlsx, docx or text file",
			name+" is geen PDF-, PNG-, JPEG-, Excel- (xlsx), Word- (docx) of tekstbestand.")
	}
	d := Document{ID: newID("adoc"), Name: name, Type: typ, Size: int64(buf.Len()), SHA256: hex.EncodeToString(h.Sum(nil)),
		At: s.now().UTC().Truncate(time.Microsecond)}
	err = identity.InTx(ctx, s.tx, func(ctx context.Context) error {
		if err := s.store.AddAuthDocument(ctx, a.ID, d, buf.Bytes()); err != nil {
			return err
		}
		return s.record(ctx, actor, ActionAuthDocument, "authorisation:"+a.ID, a.Insurer, d, "", false)
	})
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// AuthorisationDocument returns a document of an authorisation and its bytes.
func (s *Service) AuthorisationDocument(ctx context.Context, actor identity.Principal, id, docID string) (Document, []byte, error) {
	a, err := s.Authorisation(ctx, actor, id)
	if err != nil {
		return Document{}, nil, err
	}
	d, data, err := s.store.AuthDocument(ctx, a.ID, docID)
	if apperr.CodeOf(err) == apperr.NotFound {
		return Document{}, nil, identity.Hide("document " + docID)
	}
	return d, data, err
}

// DecideAuthorisation: the insurer's medisch adviseur grants (with a validity period)
// or refuses a requested authorisation, with a reason.
func (s *Service) DecideAuthorisation(ctx context.Context, actor identity.Principal, id string, d Decision) (*Authorisation, error) {
	a, err := s.Authorisation(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !MayDecide(actor, a.Insurer) {
		return nil, s.refuse(ctx, actor, a.Insurer, a.ProviderID, ActionAuthDecide, "authorisation:"+id, "authorisation "+id,
			"only the insurer's medisch adviseur decides authorisations",
			"Alleen de medisch adviseur van de zorgverzekeraar beslist over machtigingen en toestemmingen.")
	}
	if a.Status != Requested {
		return nil, conflict("the authorisation is decided already", "Over deze aanvraag is al beslist.")
	}
	d.Reason = strings.TrimSpace(d.Reason)
	if d.Reason == "" {
		return nil, invalid("reason", "a reason is required", "Geef een reden voor de beslissing.")
	}
	if d.Grant {
		if d.ValidFrom == 0 || !validDay(d.ValidFrom) || d.ValidTo != 0 && (!validDay(d.ValidTo) || d.ValidTo < d.ValidFrom) {
			return nil, invalid("valid_from", "a grant needs a validity period: a start and an end on or after it (or none)",
				"Geef bij het verlenen een geldigheidsperiode: een begindatum en eventueel een einddatum die daar niet voor ligt.")
		}
		a.Status, a.ValidFrom, a.ValidTo = Granted, d.ValidFrom, d.ValidTo
	} else {
		a.Status, a.ValidFrom, a.ValidTo = Refused, 0, 0
	}
	a.Reason, a.DecidedBy, a.DecidedAt = d.Reason, actor.UserID(), s.now().UTC().Truncate(time.Microsecond)
	err = identity.InTx(ctx, s.tx, func(ctx context.Context) error {
		if err := s.store.SaveAuthorisation(ctx, a); err != nil {
			return err
		}
		return s.record(ctx, actor, ActionAuthDecide, "authorisation:"+a.ID, a.ProviderID, map[string]any{"status": a.Status,
			"reason": a.Reason, "valid_from": a.ValidFrom.String(), "valid_to": a.ValidTo.String()}, "", false)
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// validDay reports whether d is a real calendar date.
func validDay(d Day) bool {
	t := time.Date(d.Year(), time.Month(d/100%100), int(d%100), 0, 0, 0, 0, time.UTC)
	return DayOf(t) == d && d.Year() > 1900
}

// Overview returns a page of the totals per provider, per part or per provider,
// contract, part and year (by), and how many groups there are in all: the insurer's
// overview readers see the insurer's rows, a provider's claimers their own rows.
func (s *Service) Overview(ctx context.Context, actor identity.Principal, f OverviewFilter, by Grouping, p Page) ([]OverviewRow, int, error) {
	if actor.IsAnonymous() {
		return nil, 0, identity.LoginRequired("read the claims overview")
	}
	switch {
	case actor.IsOperator():
	case f.ProviderID != "" && MayClaimFor(actor, f.ProviderID):
	case f.Insurer != "" && MayReadOverview(actor, f.Insurer):
	case f.Insurer == "" && f.ProviderID == "":
		return nil, 0, invalid("insurer", "name the insurer or the provider", "Kies een zorgverzekeraar of zorgaanbieder.")
	default:
		return nil, 0, s.refuse(ctx, actor, f.Insurer, f.ProviderID, ActionFileRead, "overview", "overview",
			"your role may not read the claims overview", "Met uw rol kunt u het declaratieoverzicht niet inzien.")
	}
	if !by.Valid() {
		return nil, 0, invalid("group", fmt.Sprintf("group %q is not one of provider, part, detail", by),
			"Kies een indeling: per zorgaanbieder, per onderdeel of per contract.")
	}
	return s.store.Overview(ctx, f, by, p.normal())
}
