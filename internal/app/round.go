package app

import (
	"context"
	"fmt"
	"strconv"

	"zorginkoop/internal/claims"
	"zorginkoop/internal/contract"
	"zorginkoop/internal/document"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/notify"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/pricelist"
	"zorginkoop/internal/questionnaire"
	"zorginkoop/internal/round"
)

// The purchasing round spans areas that do not know each other: the round owns the
// dossier and its stage; the questionnaire, the price lists, the documents and the
// contracts look the dossier up and move its stage through the functions wired here, and
// every step tells the other party through a notice. Each hook runs inside the
// transaction of the change that causes it, so a notice or a stage change never outlives
// a change that was rolled back.

// roundLinks wires the round's siblings to it, and the notices to every step.
type roundLinks struct {
	rounds  *round.Service
	notices *notify.Service
	lib     *policy.Library
}

// roundHooks tell the provider of an invitation, a decision and an offer.
func (l roundLinks) roundHooks() round.Hooks {
	return round.Hooks{
		OnInvited: func(ctx context.Context, id string) error {
			return l.tell(ctx, id, notify.KindInvitation, "invitation:"+id, toProvider)
		},
		OnDecided: func(ctx context.Context, id, part string, outcome round.Outcome) error {
			return l.tell(ctx, id, notify.KindDecision, "decision:"+id+":"+part+":"+string(outcome), toProvider)
		},
		OnOffered: func(ctx context.Context, id string, parts []string) error {
			return l.tell(ctx, id, notify.KindOffer, fmt.Sprintf("offer:%s:%d", id, len(parts)), toProvider)
		},
	}
}

// questionnaireLinks: a submitted questionnaire moves the dossier to applied, its
// assessment to assessed, and tells the insurer.
func (l roundLinks) questionnaireLinks(docs *document.Service) questionnaire.Links {
	return questionnaire.Links{
		Dossier:  l.questionnaireDossier,
		Document: l.documentRef(docs),
		Deadline: l.deadlineCheck,
		OnSubmitted: func(ctx context.Context, id string) error {
			return l.rounds.SetStage(ctx, id, round.Applied)
		},
		OnAssessed: func(ctx context.Context, id string) error {
			if err := l.rounds.SetStage(ctx, id, round.Assessed); err != nil {
				return err
			}
			return l.tell(ctx, id, notify.KindQuestionnaireReceived, "questionnaire:"+id, toInsurer)
		},
	}
}

// priceListHooks: the first counter-proposal moves the dossier to negotiating, the last
// agreed price list to agreed; every change tells the other side.
func (l roundLinks) priceListHooks() pricelist.Hooks {
	return pricelist.Hooks{
		Dossier: l.priceListDossier,
		OnNegotiating: func(ctx context.Context, id string) error {
			return l.rounds.SetStage(ctx, id, round.Negotiating)
		},
		OnAgreed: func(ctx context.Context, id string) error {
			return l.rounds.SetStage(ctx, id, round.Agreed)
		},
		OnRound: l.priceListRound,
	}
}

// documentDossier gives the documents area a dossier's parties.
func (l roundLinks) documentDossier(ctx context.Context, id string) (document.Dossier, error) {
	d, err := l.rounds.Lookup(ctx, id)
	if err != nil {
		return document.Dossier{}, err
	}
	return document.Dossier{ID: d.ID, Insurer: d.Insurer, ProviderID: d.ProviderID}, nil
}

// Who a notice goes to: the provider of the dossier, or the insurer's purchasing staff.
type addressee int

const (
	toProvider addressee = iota
	toInsurer
)

// tell sends a notice of kind about the dossier to one side, once per key.
func (l roundLinks) tell(ctx context.Context, dossierID string, kind notify.Kind, key string, to addressee) error {
	d, err := l.rounds.Lookup(ctx, dossierID)
	if err != nil {
		return err
	}
	party := notify.Party{ProviderID: d.ProviderID}
	if to == toInsurer {
		party = notify.Party{Insurer: d.Insurer, Roles: []identity.Role{identity.RoleBuyer, identity.RoleContractManager}}
	}
	return l.notices.Send(ctx, notify.Notice{Kind: kind, Key: key, DossierID: d.ID, To: []notify.Party{party}, Topic: l.topic(d)})
}

// topic names the dossier in a notice: the policy's title and the provider record.
func (l roundLinks) topic(d *round.Dossier) string {
	title := d.PolicyID
	if c, err := l.lib.Policy(d.PolicyID); err == nil {
		title = c.Title
	}
	return title + " " + strconv.Itoa(d.Year) + " – zorgaanbieder " + d.ProviderID
}

// priceListRound tells the other side of a counter-proposal and both of an acceptance.
func (l roundLinks) priceListRound(ctx context.Context, pl pricelist.PriceList, action string) error {
	key := fmt.Sprintf("pricelist:%s:%s:%d:%s", pl.DossierID, pl.Part, pl.Version, action)
	switch action {
	case pricelist.ActionCounter:
		to := toProvider
		if pl.By.Side == pricelist.SideProvider {
			to = toInsurer
		}
		return l.tell(ctx, pl.DossierID, notify.KindCounterProposal, key, to)
	case pricelist.ActionAccept:
		return l.tellBoth(ctx, pl.DossierID, notify.KindAccepted, key)
	}
	return nil
}

// deadlineCheck checks a step's deadline of the dossier now: the questionnaire's.
func (l roundLinks) deadlineCheck(ctx context.Context, dossierID, step string) (string, error) {
	dl, ok, err := l.rounds.DeadlineFor(ctx, dossierID, policy.Step(step))
	if err != nil || !ok {
		return "", err
	}
	return dl.Check(l.rounds.Now())
}

func (l roundLinks) questionnaireDossier(ctx context.Context, id string) (questionnaire.Dossier, error) {
	d, err := l.rounds.Lookup(ctx, id)
	if err != nil {
		return questionnaire.Dossier{}, err
	}
	var parts []string
	for _, p := range d.Parts {
		if p.Requested || p.Offered {
			parts = append(parts, p.Part)
		}
	}
	return questionnaire.Dossier{ID: d.ID, PolicyID: d.PolicyID, Year: d.Year, Insurer: d.Insurer, ProviderID: d.ProviderID,
		Parts: parts, Stage: string(d.Stage)}, nil
}

func (l roundLinks) priceListDossier(ctx context.Context, id string) (pricelist.Dossier, error) {
	d, err := l.rounds.Lookup(ctx, id)
	if err != nil {
		return pricelist.Dossier{}, err
	}
	parts := d.OfferedParts()
	if d.Kind == round.KindPriceListOnly {
		parts = d.PartIDs()
	}
	return pricelist.Dossier{ID: d.ID, PolicyID: d.PolicyID, Year: d.Year, Insurer: d.Insurer, ProviderID: d.ProviderID,
		Parts: parts, Stage: string(d.Stage)}, nil
}

func (l roundLinks) documentRef(docs *document.Service) questionnaire.DocumentLookup {
	return func(ctx context.Context, id string) (questionnaire.DocumentRef, error) {
		r, err := docs.Ref(ctx, id)
		if err != nil {
			return questionnaire.DocumentRef{}, err
		}
		return questionnaire.DocumentRef{ID: r.ID, DossierID: r.DossierID, Name: r.Name, SHA256: r.SHA256}, nil
	}
}

// contractLookups give the contract area the accepted parts of a dossier, their agreed
// price lists and the signing and publication dates; a signature by both parties moves
// the dossier to signed, publication to published, and each tells both parties.
func (l roundLinks) contractLookups(priceLists *pricelist.Service, contracts contract.Store, cl *claims.Service) contract.Lookups {
	return contract.Lookups{
		Dossier: func(ctx context.Context, id string) (contract.Dossier, error) {
			d, err := l.rounds.Lookup(ctx, id)
			if err != nil {
				return contract.Dossier{}, err
			}
			return contract.Dossier{ID: d.ID, RoundID: d.RoundID, PolicyID: d.PolicyID, Year: d.Year, Insurer: d.Insurer,
				ProviderID: d.ProviderID, Parts: d.AcceptedParts(), Stage: string(d.Stage)}, nil
		},
		PriceList: func(ctx context.Context, dossierID, part string) ([]contract.PriceLine, error) {
			pls, err := priceLists.Agreed(ctx, dossierID)
			if err != nil {
				return nil, err
			}
			var out []contract.PriceLine
			for _, pl := range pls {
				if pl.Part != part {
					continue
				}
				for _, ln := range pl.Lines {
					out = append(out, contract.PriceLine{Code: ln.Code, Description: ln.Description, TariffCents: ln.Tariff,
						Volume: ln.Volume, Category: ln.Category, CeilingCents: ln.Ceiling})
				}
			}
			return out, nil
		},
		Deadline: func(ctx context.Context, dossierID, step string) (contract.Deadline, bool, error) {
			dl, ok, err := l.rounds.DeadlineFor(ctx, dossierID, policy.Step(step))
			if err != nil || !ok {
				return contract.Deadline{}, ok, err
			}
			return contract.Deadline{What: dl.What, Date: dl.Due(), Hard: dl.Hard}, true, nil
		},
		OnSigned: func(ctx context.Context, id string) error {
			if err := l.rounds.SetStage(ctx, id, round.Signed); err != nil {
				return err
			}
			// The signed contract is executed from now: claims held until purchasing
			// was complete are adjudicated again, in this same transaction.
			c, err := contracts.ContractByDossier(ctx, id)
			if err != nil {
				return err
			}
			if err := cl.ContractSigned(ctx, c.ID); err != nil {
				return err
			}
			return l.tellBoth(ctx, id, notify.KindSigned, "signed:"+id)
		},
		OnPublished: func(ctx context.Context, id string) error {
			if err := l.rounds.SetStage(ctx, id, round.Published); err != nil {
				return err
			}
			return l.tellBoth(ctx, id, notify.KindPublished, "published:"+id)
		},
	}
}

// tellBoth sends a notice to both parties of the dossier, once per key and side.
func (l roundLinks) tellBoth(ctx context.Context, dossierID string, kind notify.Kind, key string) error {
	if err := l.tell(ctx, dossierID, kind, key+":aanbieder", toProvider); err != nil {
		return err
	}
	return l.tell(ctx, dossierID, kind, key+":verzekeraar", toInsurer)
}
