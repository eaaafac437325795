package questionnaire

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/assessment"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/nl"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/provider"
)

// StepQuestionnaire is the step whose deadline a submission must meet.
const StepQuestionnaire = "questionnaire"

// Submit submits the dossier's questionnaire, for the provider's beheerder only: it
// checks the deadline and that every question is answered (or marked onbekend, or known
// already from the provider's record), declares the answers as the provider's facts
// (source aanbieder, dated today in Europe/Amsterdam, with the attached documents as the
// evidence of the evidence facts), assesses the provider at once against the policy with
// the dossier's parts, stores the outcome per part, and calls OnSubmitted and OnAssessed:
// all in one transaction with the audit entries, so that a failed submission changes
// nothing. A late or unauthorised attempt is recorded as refused.
func (s *Service) Submit(ctx context.Context, actor identity.Principal, dossierID string) (*Submission, error) {
	d, err := s.dossier(ctx, actor, dossierID)
	if err != nil {
		return nil, err
	}
	if !MaySubmit(actor, d) {
		return nil, s.refuse(ctx, actor, ActionSubmit, d, d.Insurer, "not the provider's beheerder",
			"only the provider's beheerder submits the questionnaire", "Alleen de beheerder van de zorgaanbieder dient de uitvraag in.")
	}
	if s.Links.OnSubmitted == nil || s.Links.OnAssessed == nil {
		return nil, unwired("OnSubmitted/OnAssessed")
	}
	if err := s.notSubmitted(ctx, d.ID); err != nil {
		return nil, err
	}
	warning := ""
	if s.Links.Deadline != nil {
		if warning, err = s.Links.Deadline(ctx, d.ID, StepQuestionnaire); err != nil {
			identity.Record(ctx, s.Audit, actor, audit.Entry{Action: ActionSubmit, Subject: "dossier:" + d.ID, Scope: d.Insurer,
				Dossier: d.ID, Reason: err.Error(), Denied: true})
			return nil, err
		}
	}
	pol, q, err := s.questionnaire(d)
	if err != nil {
		return nil, err
	}
	p, err := s.Providers.Provider(ctx, actor, d.ProviderID)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	var sub *Submission
	err = identity.InTx(ctx, s.Tx, func(ctx context.Context) error {
		// Read again in the transaction: answers saved meanwhile are in or out entirely.
		if err := s.notSubmitted(ctx, d.ID); err != nil {
			return err
		}
		answers, err := s.Store.Answers(ctx, d.ID)
		if err != nil {
			return err
		}
		if err := complete(q, p, answers); err != nil {
			return err
		}
		evidence, err := s.Store.Evidence(ctx, d.ID)
		if err != nil {
			return err
		}
		facts := declared(q, p, answers, evidence, now.In(nl.Amsterdam).Format(time.DateOnly))
		if len(facts) > 0 {
			if err := s.Providers.Declare(ctx, actor, d.ProviderID, facts); err != nil {
				return err
			}
		}
		res, err := s.Assessments.AssessRecord(ctx, actor, pol.ID, withDossier(p, facts, pol, d))
		if err != nil {
			return err
		}
		sub = &Submission{DossierID: d.ID, PolicyID: pol.ID, ProviderID: d.ProviderID, Insurer: d.Insurer,
			SubmittedBy: actor.UserID(), SubmittedAt: now, FactDate: now.In(nl.Amsterdam).Format(time.DateOnly),
			Facts: factKeys(facts), Outcome: outcomeOf(res, q), Warning: warning}
		if err := s.Store.SaveSubmission(ctx, *sub); err != nil {
			return err
		}
		if err := identity.Record(ctx, s.Audit, actor, audit.Entry{Action: ActionSubmit, Subject: "dossier:" + d.ID, Scope: d.Insurer,
			Dossier: d.ID, After: audit.JSON(submitSummary(sub)), Reason: warning}); err != nil {
			return err
		}
		if err := s.Links.OnSubmitted(ctx, d.ID); err != nil {
			return err
		}
		return s.Links.OnAssessed(ctx, d.ID)
	})
	if err != nil {
		return nil, err
	}
	return sub, nil
}

// complete refuses a questionnaire with a question that has no answer (nor onbekend) and
// that the provider's record does not answer already, listing them all.
func complete(q *Questionnaire, p *provider.Provider, answers []Answer) error {
	have := map[string]bool{}
	for _, a := range answers {
		have[a.Fact] = true
	}
	for _, f := range p.Facts {
		if f.Insurer == "" {
			have[f.Key] = true
		}
	}
	var missing, keys []string
	for _, qu := range q.Questions() {
		if !have[qu.Fact] {
			missing = append(missing, qu.Label+" ("+qu.Fact+")")
			keys = append(keys, qu.Fact)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return &apperr.Error{Code: apperr.Invalid, Field: strings.Join(keys, ", "),
		Message: fmt.Sprintf("%d questions are not answered: %s; answer them or mark them onbekend", len(keys), strings.Join(keys, ", ")),
		Dutch:   fmt.Sprintf("Nog niet beantwoord: %s. Beantwoord deze vragen of kies ‘onbekend’.", nl.Join(missing))}
}

// declared are the facts a submission declares: every answer but onbekend, and every
// stored declaration of the provider's that is an evidence fact with a document attached
// now, dated today; an evidence fact carries the first document attached to a requirement
// that asks for it as "document:<id>".
func declared(q *Questionnaire, p *provider.Provider, answers []Answer, evidence []Evidence, today string) []provider.Fact {
	docs := map[string]string{} // evidence fact -> document id
	for _, e := range evidence {
		slot, ok := q.Slot(e.RequirementID)
		if !ok {
			continue
		}
		for _, key := range slot.Facts {
			if _, set := docs[key]; !set {
				docs[key] = "document:" + e.DocumentID
			}
		}
	}
	var out []provider.Fact
	done := map[string]bool{}
	for _, a := range answers {
		if a.Unknown {
			continue
		}
		if _, asked := q.Question(a.Fact); !asked {
			continue // a part no longer in the dossier
		}
		out = append(out, provider.Fact{Key: a.Fact, Value: a.Value, Source: provider.SourceProvider, Date: today, Evidence: docs[a.Fact]})
		done[a.Fact] = true
	}
	for _, f := range p.Facts {
		if doc := docs[f.Key]; doc != "" && !done[f.Key] && f.Insurer == "" && f.Source == provider.SourceProvider {
			f.Date, f.Evidence = today, doc
			out = append(out, f)
		}
	}
	return out
}

// withDossier is the provider record as the submission leaves it, for the assessment: the
// declared facts in, and the dossier's parts chosen.
func withDossier(p *provider.Provider, facts []provider.Fact, pol *policy.Compiled, d Dossier) *provider.Provider {
	r := *p
	r.Facts = provider.MergeDeclared(p.Facts, facts)
	r.Parts = slices.Clone(p.Parts)
	for _, id := range d.Parts {
		pt, _, ok := pol.Part(id)
		if !ok || r.Chose(pol.ID, id) {
			continue
		}
		by := provider.SourceProvider
		if pt.Initiative == policy.ByInsurer {
			by = provider.SourceInsurer
		}
		r.Parts = append(r.Parts, provider.PartChoice{Policy: pol.ID, Part: id, By: by, Insurer: pol.Insurer})
	}
	return &r
}

func factKeys(fs []provider.Fact) []string {
	keys := make([]string, len(fs))
	for i, f := range fs {
		keys[i] = f.Key
	}
	return keys
}

// outcomeOf keeps of an assessment the base contract and the dossier's parts (the sections
// of q), each with its judged requirements.
func outcomeOf(res *assessment.Result, q *Questionnaire) Outcome {
	out := Outcome{PolicyID: res.PolicyID}
	for _, sec := range q.Sections {
		for _, pr := range res.Contract {
			if pr.Part != sec.Part {
				continue
			}
			po := PartOutcome{PartResult: pr, Items: []ItemOutcome{}}
			for _, it := range res.Items {
				if it.Part == sec.Part || sec.Base && it.Part == "" {
					po.Items = append(po.Items, ItemOutcome{Item: it})
				}
			}
			out.Parts = append(out.Parts, po)
		}
	}
	return out
}

func submitSummary(sub *Submission) map[string]any {
	parts := map[string]string{}
	for _, p := range sub.Outcome.Parts {
		parts[p.Part] = string(p.Outcome)
	}
	return map[string]any{"facts": sub.Facts, "fact_date": sub.FactDate, "outcomes": parts}
}

// Result returns the outcome per part of the dossier's submitted questionnaire with the
// Dutch explanations, for both parties and the operator: every "ter beoordeling" item
// with the medisch adviseur's decision once handled (to the provider without the
// adviser's name). NotFound until submitted.
func (s *Service) Result(ctx context.Context, actor identity.Principal, dossierID string) (*Outcome, error) {
	d, err := s.dossier(ctx, actor, dossierID)
	if err != nil {
		return nil, err
	}
	sub, err := s.submission(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	if sub == nil {
		return nil, &apperr.Error{Code: apperr.NotFound, Message: "the questionnaire of this dossier has not been submitted yet",
			Dutch: "De uitvraag van dit dossier is nog niet ingediend; er is nog geen uitkomst."}
	}
	reviews, err := s.Store.Reviews(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	out := sub.Outcome
	for i := range out.Parts {
		for j := range out.Parts[i].Items {
			it := &out.Parts[i].Items[j]
			for _, r := range reviews {
				if r.RequirementID == it.RequirementID && it.Status == assessment.Review {
					r := r
					if !MayReadReviews(actor, d) {
						r.DecidedBy, r.DecidedByName = "", ""
					}
					it.Review = &r
				}
			}
		}
	}
	return &out, nil
}
