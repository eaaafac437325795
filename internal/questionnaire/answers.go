package questionnaire

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/nl"
	"zorginkoop/internal/provider"
	"zorginkoop/internal/text"
)

// Unknown is the answer that says explicitly that the provider does not know the fact.
const Unknown = "onbekend"

// SaveAnswers stores draft answers (by fact key) of the dossier's questionnaire, for the
// provider's invuller, beheerder or contractmanager. Each value is written as in the
// provider files (Dutch decimal commas, amounts in euros such as 80.000,00, dates as
// 31-12-2026 or 2026-12-31, ja/nee) or is "onbekend"; an empty value is skipped. Every
// answer is checked against its fact's type and range, and one that is not a question of
// this questionnaire, or that the register or the insurer keeps for this provider, is
// refused: all problems at once, each naming the fact, and nothing is saved.
func (s *Service) SaveAnswers(ctx context.Context, actor identity.Principal, dossierID string, answers map[string]string) error {
	d, err := s.dossier(ctx, actor, dossierID)
	if err != nil {
		return err
	}
	if !MayAnswer(actor, d) {
		return identity.Deny("only the provider's invuller, beheerder or contractmanager answers the questionnaire",
			"Alleen de invuller, beheerder of contractmanager van de zorgaanbieder vult de uitvraag in.")
	}
	if err := s.notSubmitted(ctx, d.ID); err != nil {
		return err
	}
	_, q, err := s.questionnaire(d)
	if err != nil {
		return err
	}
	p, err := s.Providers.Provider(ctx, actor, d.ProviderID)
	if err != nil {
		return err
	}
	now := s.Now()
	var (
		errs  apperr.List
		saved []Answer
	)
	for _, key := range slices.Sorted(maps.Keys(answers)) {
		raw := strings.TrimSpace(answers[key])
		if raw == "" {
			continue
		}
		a, e := answer(q, p, key, raw)
		if e != nil {
			errs = append(errs, e)
			continue
		}
		a.DossierID, a.SavedBy, a.SavedAt = d.ID, actor.UserID(), now
		saved = append(saved, a)
	}
	if len(errs) > 0 {
		return errs
	}
	if len(saved) == 0 {
		return nil
	}
	keys := make([]string, len(saved))
	for i, a := range saved {
		keys[i] = a.Fact
	}
	return identity.InTx(ctx, s.Tx, func(ctx context.Context) error {
		if err := s.notSubmitted(ctx, d.ID); err != nil { // again, in the transaction
			return err
		}
		if err := s.Store.SaveAnswers(ctx, saved); err != nil {
			return err
		}
		return identity.Record(ctx, s.Audit, actor, audit.Entry{Action: ActionAnswers, Subject: "dossier:" + d.ID, Scope: d.ProviderID,
			Dossier: d.ID, After: audit.JSON(map[string]any{"facts": keys})})
	})
}

// answer checks the answer raw to the question about key and returns it in canonical form.
func answer(q *Questionnaire, p *provider.Provider, key, raw string) (Answer, *apperr.Error) {
	if e := text.Check(key, raw, text.Long); e != nil {
		return Answer{}, e
	}
	qu, ok := q.Question(key)
	if !ok {
		return Answer{}, &apperr.Error{Code: apperr.Invalid, Field: key,
			Message: fmt.Sprintf("fact %s is not asked in this questionnaire", key),
			Dutch:   fmt.Sprintf("Het gegeven %q wordt in deze uitvraag niet gevraagd.", key)}
	}
	if f, kept := keptFact(p, key); kept {
		return Answer{}, &apperr.Error{Code: apperr.Invalid, Field: key,
			Message: fmt.Sprintf("fact %s is known from source %s and cannot be answered by the provider", key, f.Source),
			Dutch:   fmt.Sprintf("%s (%s): dit gegeven is bekend uit de bron %s en kunt u niet zelf opgeven.", qu.Label, key, f.Source)}
	}
	if strings.EqualFold(raw, Unknown) {
		return Answer{Fact: key, Unknown: true}, nil
	}
	v, err := provider.Canonical(qu.Type, raw)
	reason := ""
	if err != nil {
		reason = invalidDutch(qu.Type)
	} else if err = rangeOf(qu).CheckRange(v); err != nil {
		reason = rangeDutch(qu)
	}
	if err != nil {
		return Answer{}, &apperr.Error{Code: apperr.Invalid, Field: key, Message: fmt.Sprintf("fact %s: %v", key, err),
			Dutch: fmt.Sprintf("%s (%s): %q %s.", qu.Label, key, raw, reason)}
	}
	return Answer{Fact: key, Value: v}, nil
}

// keptFact returns the provider's stored fact key (not kept per insurer) from the register
// or an insurer: the provider does not declare it.
func keptFact(p *provider.Provider, key string) (provider.Fact, bool) {
	for _, f := range p.Facts {
		if f.Key == key && f.Insurer == "" && f.Source != provider.SourceProvider {
			return f, true
		}
	}
	return provider.Fact{}, false
}

func rangeOf(qu *Question) *provider.FactDef {
	return &provider.FactDef{Key: qu.Fact, Type: qu.Type, Min: qu.Min, Max: qu.Max}
}

func invalidDutch(t provider.FactType) string {
	switch t {
	case provider.Bool:
		return "is geen ja of nee"
	case provider.Int:
		return "is geen geheel getal"
	case provider.Number:
		return "is geen getal (schrijf bijvoorbeeld 7,5)"
	case provider.Percent:
		return "is geen percentage van 0 tot en met 100 (schrijf bijvoorbeeld 12,5)"
	case provider.Money:
		return "is geen bedrag in euro's met hoogstens twee decimalen (schrijf bijvoorbeeld 80.000,00)"
	case provider.Date:
		return "is geen datum (schrijf bijvoorbeeld 31-12-2026)"
	case provider.List:
		return "is geen lijst van ten hoogste " + strconv.Itoa(provider.MaxListItems) + " teksten, gescheiden door puntkomma's"
	}
	return "is te lang: ten hoogste " + strconv.Itoa(provider.MaxTextLength) + " tekens"
}

func rangeDutch(qu *Question) string {
	show := func(f float64) string {
		if qu.Type == provider.Money {
			return nl.Money(int64(f * 100))
		}
		return nl.Number(f)
	}
	switch {
	case qu.Min != nil && qu.Max != nil:
		return "ligt niet tussen " + show(*qu.Min) + " en " + show(*qu.Max)
	case qu.Min != nil:
		return "is lager dan " + show(*qu.Min) + ", de laagst mogelijke waarde"
	}
	return "is hoger dan " + show(*qu.Max) + ", de hoogst mogelijke waarde"
}

// AttachEvidence attaches the uploaded document documentID, which must belong to the same
// dossier, as evidence for requirement requirementID of the questionnaire, for the
// provider's invuller, beheerder or contractmanager. At submission the document becomes
// the evidence of the requirement's evidence facts.
func (s *Service) AttachEvidence(ctx context.Context, actor identity.Principal, dossierID, requirementID, documentID string) error {
	d, err := s.dossier(ctx, actor, dossierID)
	if err != nil {
		return err
	}
	if !MayAnswer(actor, d) {
		return identity.Deny("only the provider's invuller, beheerder or contractmanager attaches evidence",
			"Alleen de invuller, beheerder of contractmanager van de zorgaanbieder voegt bewijsstukken toe.")
	}
	if s.Links.Document == nil {
		return unwired("Document")
	}
	if err := s.notSubmitted(ctx, d.ID); err != nil {
		return err
	}
	_, q, err := s.questionnaire(d)
	if err != nil {
		return err
	}
	if _, ok := q.Slot(requirementID); !ok {
		return &apperr.Error{Code: apperr.Invalid, Field: "requirement",
			Message: fmt.Sprintf("requirement %q asks for no evidence in this questionnaire", requirementID),
			Dutch:   fmt.Sprintf("Voor de eis %q wordt in deze uitvraag geen bewijsstuk gevraagd.", requirementID)}
	}
	doc, err := s.Links.Document(ctx, documentID)
	if err == nil && doc.DossierID != d.ID {
		err = apperr.NotFoundf("document %q does not exist", documentID) // another dossier's: no hint that it exists
	}
	if err != nil {
		return err
	}
	ev := Evidence{DossierID: d.ID, RequirementID: requirementID, DocumentID: doc.ID, Name: doc.Name, SHA256: doc.SHA256,
		AttachedBy: actor.UserID(), AttachedAt: s.Now()}
	return identity.InTx(ctx, s.Tx, func(ctx context.Context) error {
		if err := s.notSubmitted(ctx, d.ID); err != nil { // again, in the transaction
			return err
		}
		if err := s.Store.AttachEvidence(ctx, ev); err != nil {
			return err
		}
		return identity.Record(ctx, s.Audit, actor, audit.Entry{Action: ActionEvidence, Subject: "dossier:" + d.ID, Scope: d.ProviderID,
			Dossier: d.ID, After: audit.JSON(map[string]string{"requirement": requirementID, "document": doc.ID, "sha256": doc.SHA256})})
	})
}
