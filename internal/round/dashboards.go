package round

import (
	"context"
	"slices"

	"zorginkoop/internal/identity"
	"zorginkoop/internal/policy"
)

// Funnel is the insurer's view of a round: how many dossiers are in each stage, and the
// dates ahead.
type Funnel struct {
	Round  *Round       `json:"round"`
	Stages []StageCount `json:"stages"`
	Ahead  []Date       `json:"ahead"`
}

// StageCount is the number of dossiers in one stage.
type StageCount struct {
	Stage Stage  `json:"stage"`
	Name  string `json:"name"` // Dutch
	Count int    `json:"count"`
}

// Funnel returns the funnel of a round for the insurer's side and the operator.
func (s *Service) Funnel(ctx context.Context, actor identity.Principal, roundID string) (*Funnel, error) {
	r, pol, err := s.insurerRound(ctx, actor, roundID)
	if err != nil {
		return nil, err
	}
	counts, err := s.Store.StageCounts(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	f := &Funnel{Round: r}
	for _, st := range Stages {
		f.Stages = append(f.Stages, StageCount{Stage: st, Name: StageNames[st], Count: counts[st]})
	}
	today := dayIn(s.Now())
	for _, d := range timeline(pol, r) {
		if !d.Date.Before(today) {
			f.Ahead = append(f.Ahead, d)
		}
	}
	return f, nil
}

// insurerRound returns a round the insurer's side (or the operator) reads, else NotFound.
func (s *Service) insurerRound(ctx context.Context, actor identity.Principal, roundID string) (*Round, *policy.Compiled, error) {
	r, err := s.Store.Round(ctx, roundID)
	if err != nil {
		return nil, nil, err
	}
	if !actor.IsOperator() && !MayReadAsInsurer(actor, r.Insurer) {
		return nil, nil, notFoundRound(roundID)
	}
	pol, err := s.policy(r.PolicyID)
	return r, pol, err
}

// DossierPage is one page of dossiers.
type DossierPage struct {
	Items []DossierView `json:"items"`
	Total int           `json:"total"`
	Page  Page          `json:"page"`
}

// DossierView is a dossier with its deadlines and its next action.
type DossierView struct {
	Dossier
	Deadlines []Deadline  `json:"deadlines"`
	Next      *NextAction `json:"next,omitempty"`
}

// DossierFilter selects dossiers of a round for the insurer.
type DossierFilter struct {
	Stage      Stage  `json:"stage,omitempty"`
	ProviderID string `json:"provider_id,omitempty"`
}

// Dossiers lists a round's dossiers for the insurer's side, page by page.
func (s *Service) Dossiers(ctx context.Context, actor identity.Principal, roundID string, f DossierFilter, page Page) (*DossierPage, error) {
	r, _, err := s.insurerRound(ctx, actor, roundID)
	if err != nil {
		return nil, err
	}
	if f.Stage != "" {
		if _, ok := StageNames[f.Stage]; !ok {
			return nil, invalid("stage", "unknown stage", "Onbekende fase.")
		}
	}
	page = page.normal()
	sel := Filter{RoundID: r.ID, Stage: f.Stage, Limit: page.Limit, Offset: page.Offset}
	if f.ProviderID != "" {
		sel.ProviderIDs = []string{f.ProviderID}
	}
	return s.page(ctx, sel, page)
}

func (s *Service) page(ctx context.Context, sel Filter, page Page) (*DossierPage, error) {
	ds, total, err := s.Store.Dossiers(ctx, sel)
	if err != nil {
		return nil, err
	}
	out := &DossierPage{Total: total, Page: page, Items: make([]DossierView, 0, len(ds))}
	rounds := map[string]*Round{}
	ext := map[string]map[string]map[policy.Step]Extension{}
	for i := range ds {
		dls, err := s.cachedDeadlines(ctx, &ds[i], rounds, ext)
		if err != nil {
			return nil, err
		}
		out.Items = append(out.Items, view(&ds[i], dls))
	}
	return out, nil
}

func view(d *Dossier, dls map[policy.Step]Deadline) DossierView {
	v := DossierView{Dossier: *d}
	for _, st := range policy.Steps {
		if dl, ok := dls[st]; ok {
			v.Deadlines = append(v.Deadlines, dl)
		}
	}
	if n, ok := nextAction(d, dls); ok {
		v.Next = &n
	}
	return v
}

// Dossier returns one dossier with its deadlines and next action, for its parties and
// the operator; NotFound for everyone else.
func (s *Service) Dossier(ctx context.Context, actor identity.Principal, id string) (*DossierView, error) {
	d, err := s.Store.Dossier(ctx, id)
	if err != nil {
		return nil, err
	}
	if !MayReadDossier(actor, d.Insurer, d.ProviderID) {
		return nil, notFoundDossier(id)
	}
	dls, err := s.dossierDeadlines(ctx, d)
	if err != nil {
		return nil, err
	}
	v := view(d, dls)
	return &v, nil
}

// ProviderDossiers lists every dossier of the principal's providers at every insurer,
// with the next action and its date, page by page.
func (s *Service) ProviderDossiers(ctx context.Context, actor identity.Principal, page Page) (*DossierPage, error) {
	ids := providerIDs(actor)
	page = page.normal()
	if len(ids) == 0 {
		return &DossierPage{Page: page, Items: []DossierView{}}, nil
	}
	return s.page(ctx, Filter{ProviderIDs: ids, Limit: page.Limit, Offset: page.Offset}, page)
}

// providerIDs are the provider records the principal reads dossiers of.
func providerIDs(actor identity.Principal) []string {
	if actor.Kind() != identity.Provider {
		return nil
	}
	var out []string
	for _, id := range actor.Org.Providers {
		if MayReadDossier(actor, "", id) {
			out = append(out, id)
		}
	}
	return out
}

// ProviderDeadline is a deadline of one of the provider's dossiers, for its calendar.
type ProviderDeadline struct {
	DossierID  string   `json:"dossier_id"`
	RoundID    string   `json:"round_id"`
	Insurer    string   `json:"insurer"`
	ProviderID string   `json:"provider_id"`
	Deadline   Deadline `json:"deadline"`
}

// MaxProviderDeadlines bounds the calendar feed.
const MaxProviderDeadlines = 2000

// ProviderDeadlines returns the deadlines of the open dossiers of the principal's
// providers (for the .ics feed), in date order, at most MaxProviderDeadlines.
func (s *Service) ProviderDeadlines(ctx context.Context, actor identity.Principal) ([]ProviderDeadline, error) {
	ids := providerIDs(actor)
	var out []ProviderDeadline
	for off := 0; len(ids) > 0 && len(out) < MaxProviderDeadlines; off += MaxPage {
		p, err := s.page(ctx, Filter{ProviderIDs: ids, Limit: MaxPage, Offset: off}, Page{Limit: MaxPage, Offset: off})
		if err != nil {
			return nil, err
		}
		for _, v := range p.Items {
			if !v.Stage.Open() {
				continue
			}
			for _, dl := range v.Deadlines {
				out = append(out, ProviderDeadline{DossierID: v.ID, RoundID: v.RoundID, Insurer: v.Insurer, ProviderID: v.ProviderID, Deadline: dl})
			}
		}
		if off+MaxPage >= p.Total {
			break
		}
	}
	slices.SortStableFunc(out, func(a, b ProviderDeadline) int { return a.Deadline.Due().Compare(b.Deadline.Due().Time) })
	return out[:min(len(out), MaxProviderDeadlines)], nil
}
