package questionnaire

import (
	"context"
	"fmt"
	"strings"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/assessment"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/text"
)

// ReviewItem is a requirement of a submitted dossier that came out "ter beoordeling", for
// the insurer's medisch adviseur, with the decision once handled.
type ReviewItem struct {
	Part      string `json:"part"`
	PartTitle string `json:"part_title"`
	assessment.Item
	Text   string  `json:"text,omitempty"` // the policy's wording
	Review *Review `json:"review,omitempty"`
}

// ReviewItems lists the review items of a submitted dossier in the order of the outcome
// (none before submission), for the insurer's side and the operator; the provider gets
// Forbidden (it sees the handled outcome in Result), anyone else NotFound.
func (s *Service) ReviewItems(ctx context.Context, actor identity.Principal, dossierID string) ([]ReviewItem, error) {
	d, err := s.dossier(ctx, actor, dossierID)
	if err != nil {
		return nil, err
	}
	if !MayReadReviews(actor, d) {
		return nil, identity.Deny("only the insurer's side sees the review items", "Alleen de zorgverzekeraar ziet de beoordelingspunten.")
	}
	return s.reviewItems(ctx, d)
}

func (s *Service) reviewItems(ctx context.Context, d Dossier) ([]ReviewItem, error) {
	sub, err := s.submission(ctx, d.ID)
	if err != nil || sub == nil {
		return []ReviewItem{}, err
	}
	reviews, err := s.Store.Reviews(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	pol, _ := s.Library.Policy(d.PolicyID)
	items := []ReviewItem{}
	for _, p := range sub.Outcome.Parts {
		for _, it := range p.Items {
			if it.Status != assessment.Review {
				continue
			}
			ri := ReviewItem{Part: p.Part, PartTitle: p.Title, Item: it.Item}
			if pol != nil {
				for _, req := range pol.Requirements {
					if req.ID == it.RequirementID {
						ri.Text = strings.TrimSpace(req.Text)
					}
				}
			}
			for _, r := range reviews {
				if r.RequirementID == it.RequirementID {
					r := r
					ri.Review = &r
				}
			}
			items = append(items, ri)
		}
	}
	return items, nil
}

// HandleReview records the insurer's medisch adviseur's decision on a review item of a
// submitted dossier: met or not met, with a reason (required); deciding again replaces
// the decision, and the trail keeps both. Another role of the parties gets Forbidden and
// is recorded as refused; anyone else NotFound.
func (s *Service) HandleReview(ctx context.Context, actor identity.Principal, dossierID, requirementID string, verdict Verdict, reason string) (*Review, error) {
	d, err := s.dossier(ctx, actor, dossierID)
	if err != nil {
		return nil, err
	}
	if !MayHandleReview(actor, d) {
		return nil, s.refuse(ctx, actor, ActionReview, d, d.ProviderID, "not the insurer's medisch adviseur",
			"only the insurer's medisch adviseur handles review items",
			"Alleen de medisch adviseur van de zorgverzekeraar handelt beoordelingspunten af.")
	}
	items, err := s.reviewItems(ctx, d)
	if err != nil {
		return nil, err
	}
	var item *ReviewItem
	for i := range items {
		if items[i].RequirementID == requirementID {
			item = &items[i]
		}
	}
	if err := checkReview(item, requirementID, verdict, reason); err != nil {
		return nil, err
	}
	r := Review{DossierID: d.ID, RequirementID: requirementID, Verdict: verdict, Reason: strings.TrimSpace(reason),
		DecidedBy: actor.UserID(), DecidedByName: actor.UserName(), DecidedAt: s.Now()}
	err = identity.InTx(ctx, s.Tx, func(ctx context.Context) error {
		if err := s.Store.SaveReview(ctx, r); err != nil {
			return err
		}
		var before any
		if item.Review != nil {
			before = map[string]string{"verdict": string(item.Review.Verdict), "reason": item.Review.Reason}
		}
		return identity.Record(ctx, s.Audit, actor, audit.Entry{Action: ActionReview, Subject: "dossier:" + d.ID + "/" + requirementID,
			Scope: d.ProviderID, Dossier: d.ID, Before: audit.JSON(before),
			After: audit.JSON(map[string]string{"requirement": requirementID, "verdict": string(verdict), "reason": r.Reason})})
	})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// checkReview checks a decision on the review item (nil: requirementID is none).
func checkReview(item *ReviewItem, requirementID string, verdict Verdict, reason string) error {
	var errs apperr.List
	if item == nil {
		errs = append(errs, &apperr.Error{Code: apperr.Invalid, Field: "requirement",
			Message: fmt.Sprintf("requirement %q is not a review item of this dossier", requirementID),
			Dutch:   fmt.Sprintf("De eis %q staat in dit dossier niet ter beoordeling.", requirementID)})
	}
	if _, ok := VerdictNames[verdict]; !ok {
		errs = append(errs, &apperr.Error{Code: apperr.Invalid, Field: "verdict",
			Message: fmt.Sprintf("verdict %q is not met or not_met", verdict),
			Dutch:   "Kies ‘voldoet’ of ‘voldoet niet’."})
	}
	switch reason = strings.TrimSpace(reason); {
	case reason == "":
		errs = append(errs, &apperr.Error{Code: apperr.Invalid, Field: "reason", Message: "give the reason for the decision",
			Dutch: "Geef de reden van uw beoordeling."})
	default:
		if e := text.Check("reason", reason, text.Long); e != nil {
			errs = append(errs, e)
		}
	}
	return errs.Err()
}
