package round

import (
	"context"
	"fmt"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/nl"
	"zorginkoop/internal/policy"
)

// Application is what a provider applies for: the base contract and the parts it chooses
// (parts the provider takes the initiative for; the insurer offers the others).
type Application struct {
	ProviderID string   `json:"provider_id"`
	Parts      []string `json:"parts,omitempty"`
}

// ApplyResult is the outcome of an application: the dossier, and a Dutch warning when a soft
// deadline has passed.
type ApplyResult struct {
	Dossier *Dossier `json:"dossier"`
	Warning string   `json:"warning,omitempty"`
}

// Apply applies a provider to a round, by its beheerder or contractmanager. An invited
// contract holder confirms its invitation; a provider without a dossier applies as a
// newcomer, by the application date. After it, the policy decides: refused (a hard date),
// taken into the next year's round (where the policy says so), or, once the contract year
// has begun, a mid-year application as the policy's window allows.
func (s *Service) Apply(ctx context.Context, actor identity.Principal, roundID string, a Application) (*ApplyResult, error) {
	r, pol, err := s.readRound(ctx, actor, roundID)
	if err != nil {
		return nil, err
	}
	if !actor.ActsForProvider(a.ProviderID) {
		return nil, apperr.NotFoundf("provider %q does not exist", a.ProviderID)
	}
	if !MayApply(actor, a.ProviderID) {
		return nil, forbidden("only the provider's beheerder or contractmanager applies",
			"Alleen de beheerder of contractmanager van de zorgaanbieder meldt aan.")
	}
	if _, err := s.Providers.Provider(ctx, a.ProviderID); err != nil {
		return nil, err
	}
	if err := checkParts(pol, a.Parts); err != nil {
		return nil, err
	}
	existing, err := s.Store.DossierOf(ctx, r.ID, a.ProviderID)
	if err != nil && apperr.CodeOf(err) != apperr.NotFound {
		return nil, err
	}
	if existing != nil {
		return s.confirm(ctx, actor, existing, pol, a.Parts)
	}
	d := &Dossier{ID: newDossierID(), RoundID: r.ID, PolicyID: r.PolicyID, Year: r.Year, Insurer: r.Insurer,
		ProviderID: a.ProviderID, Kind: KindNew, Stage: Applied, Version: 1}
	d.Parts = requestedParts(pol, a.Parts)
	ext, err := s.Store.Extensions(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	warning, err := s.lateness(pol, r, ext, d)
	if err != nil {
		return nil, s.refuse(ctx, actor, ActionApply, "round:"+r.ID, r.Insurer, "", err)
	}
	d.CreatedAt, d.UpdatedAt = s.Now().UTC(), s.Now().UTC()
	err = s.Tx.InTx(ctx, func(ctx context.Context) error {
		if err := s.Store.CreateDossier(ctx, d); err != nil {
			return err
		}
		if err := s.record(ctx, actor, ActionApply, subject(d), d.Insurer, d.ID, nil, brief(d), d.Note, false); err != nil {
			return err
		}
		return call(func() error { return s.Hooks.OnApplied(ctx, d.ID) }, s.Hooks.OnApplied != nil)
	})
	if err != nil {
		return nil, err
	}
	return &ApplyResult{Dossier: d, Warning: warning}, nil
}

// confirm is an invited contract holder's application: its chosen parts join the dossier.
func (s *Service) confirm(ctx context.Context, actor identity.Principal, existing *Dossier, pol *policy.Compiled, parts []string) (*ApplyResult, error) {
	var out *Dossier
	err := s.Tx.InTx(ctx, func(ctx context.Context) error {
		d, err := s.Store.Dossier(ctx, existing.ID)
		if err != nil {
			return err
		}
		if d.Stage != Invited && d.Stage != Draft {
			return &apperr.Error{Code: apperr.Conflict, Message: "the provider has applied to this round already",
				Dutch: "Deze zorgaanbieder heeft zich al aangemeld voor deze inkoopronde."}
		}
		before := clone(d)
		for _, p := range requestedParts(pol, parts) {
			if e := d.Part(p.Part); e != nil {
				e.Requested = true
			} else {
				d.Parts = append(d.Parts, p)
			}
		}
		d.Stage = Applied
		if err := s.save(ctx, actor, ActionApply, before, d, ""); err != nil {
			return err
		}
		out = d
		return call(func() error { return s.Hooks.OnApplied(ctx, d.ID) }, s.Hooks.OnApplied != nil)
	})
	if err != nil {
		return nil, err
	}
	return &ApplyResult{Dossier: out}, nil
}

// checkParts refuses a part the policy does not have, or one the insurer offers.
func checkParts(pol *policy.Compiled, parts []string) error {
	if len(parts) > len(pol.Parts) {
		return invalid("parts", "more parts than the policy has", "Meer onderdelen dan het beleid kent.")
	}
	seen := map[string]bool{}
	for i, id := range parts {
		f := fmt.Sprintf("parts[%d]", i)
		pt, _, ok := pol.Part(id)
		switch {
		case !ok:
			return invalid(f, fmt.Sprintf("the policy has no part %q", id), "Dit onderdeel staat niet in het inkoopbeleid.")
		case pt.Initiative == policy.ByInsurer:
			return invalid(f, fmt.Sprintf("part %q is offered by the insurer", id),
				fmt.Sprintf("Het onderdeel %s biedt de zorgverzekeraar aan; u kunt het niet zelf aanvragen.", pt.Title))
		case seen[id]:
			return invalid(f, fmt.Sprintf("part %q is given twice", id), "Een onderdeel staat er twee keer in.")
		}
		seen[id] = true
	}
	return nil
}

// requestedParts are the base contract and the chosen parts, as asked for.
func requestedParts(pol *policy.Compiled, parts []string) []DossierPart {
	out := []DossierPart{{Part: pol.Base.ID, Requested: true}}
	for _, id := range parts {
		out = append(out, DossierPart{Part: id, Requested: true})
	}
	return out
}

// lateness judges a newcomer's application at now: nothing when in time; a warning after
// a soft date; refused, taken into the next year's round, or a mid-year application
// after it, as the policy says.
func (s *Service) lateness(pol *policy.Compiled, r *Round, ext map[string]map[policy.Step]Extension, d *Dossier) (string, error) {
	now := s.Now()
	if !now.Before(time.Date(r.Year, 1, 1, 0, 0, 0, 0, nl.Amsterdam)) {
		return "", midYear(pol, d, now)
	}
	dl, ok := applicationDeadline(pol, r, ext)
	if !ok || !dl.Passed(now) {
		return "", nil
	}
	if w, ok := carryOver(pol, dl); ok {
		d.Note = fmt.Sprintf("Aangemeld na %s: wordt in behandeling genomen voor contractjaar %d (%s).", dl.Dutch(), r.Year+1, w.Title)
		d.NextYear = true
		return "", nil
	}
	return dl.Check(now)
}

// applicationDeadline is the date a newcomer applies by: the application step, else the
// questionnaire step (a.s.r.: the filled-in questionnaire is the application).
func applicationDeadline(pol *policy.Compiled, r *Round, ext map[string]map[policy.Step]Extension) (Deadline, bool) {
	all := deadlines(pol, r, ext, "")
	if dl, ok := all[policy.StepApplication]; ok {
		return dl, true
	}
	dl, ok := all[policy.StepQuestionnaire]
	return dl, ok
}

// carryOver is the policy's window for applications received after the date, which it
// takes into the next year's round ("Aanvragen die wij na deze datum ontvangen nemen we in
// behandeling voor het jaar 2026").
func carryOver(pol *policy.Compiled, dl Deadline) (policy.Window, bool) {
	for _, w := range pol.Windows {
		if w.Kind == "new_provider_application" && !w.Opens.IsZero() && w.Opens.After(dl.Due().Time) {
			return w, true
		}
	}
	return policy.Window{}, false
}

// midYear decides an application once the contract year has begun by the policy's
// mid_year_application window: allowed with the start date the window gives, refused
// where the policy rules it out or says nothing.
func midYear(pol *policy.Compiled, d *Dossier, now time.Time) error {
	for _, w := range pol.Windows {
		if w.Kind != "mid_year_application" {
			continue
		}
		if w.Starts == "" {
			return invalid("application", "the policy allows no mid-year application: "+w.Title,
				fmt.Sprintf("Het contractjaar is begonnen en tussentijds aanvragen is volgens het inkoopbeleid niet mogelijk: %s.", w.Title))
		}
		local := now.In(nl.Amsterdam)
		day := policy.Date{Time: time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC)}
		if (!w.Opens.IsZero() && day.Before(w.Opens.Time)) || (!w.Closes.IsZero() && day.After(w.Closes.Time)) {
			return invalid("application", "outside the policy's mid-year window "+w.ID,
				fmt.Sprintf("Tussentijds aanvragen kan volgens het inkoopbeleid alleen van %s tot en met %s.", nl.Date(w.Opens.Time), nl.Date(w.Closes.Time)))
		}
		d.Starts = startDate(w.Starts, day)
		d.Note = "Tussentijdse aanvraag (" + w.Title + ")"
		if !d.Starts.IsZero() {
			d.Note += "; de overeenkomst gaat in op " + nl.Date(d.Starts.Time)
		}
		return nil
	}
	return invalid("application", "the policy has no mid-year application",
		"Het contractjaar is begonnen en het inkoopbeleid noemt geen tussentijdse aanvraag.")
}

// startDate is when a contract approved on day starts, by a window's `starts`.
func startDate(starts string, day policy.Date) policy.Date {
	y, m, _ := day.Date()
	switch starts {
	case "first_of_month":
		return policy.Date{Time: time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)}
	case "next_quarter":
		q := (int(m)-1)/3*3 + 4
		return policy.Date{Time: time.Date(y, time.Month(q), 1, 0, 0, 0, 0, time.UTC)}
	case "next_year":
		return policy.Date{Time: time.Date(y+1, 1, 1, 0, 0, 0, 0, time.UTC)}
	}
	return policy.Date{} // decision_date: set when decided
}
