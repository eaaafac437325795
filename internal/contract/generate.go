package contract

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/nl"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/provider"
)

// StageAgreed is the dossier stage in which its price list is agreed: a contract can be
// generated from then on.
const StageAgreed = "agreed"

// Generate makes the contract of an agreed dossier, by the insurer's inkoper or
// contractbeheerder: the PDF and xlsx from the policy's contract forms, the accepted parts
// and their agreed price lists. Generating again before any signature makes a new
// version when the content changed (and returns the contract unchanged when it did not);
// after a signature the document is frozen.
func (s *Service) Generate(ctx context.Context, actor identity.Principal, dossierID string) (*Contract, error) {
	d, err := s.dossier(ctx, dossierID)
	if err != nil {
		return nil, err
	}
	if !mayRead(actor, d.Insurer, d.ProviderID) {
		return nil, identity.Hide(fmt.Sprintf("dossier %q", dossierID))
	}
	if !mayGenerate(actor, d.Insurer) {
		return nil, identity.Deny("only the insurer's inkoper or contractbeheerder generates a contract",
			"Alleen de inkoper of contractbeheerder van de zorgverzekeraar stelt het contract op.")
	}
	if d.Stage != StageAgreed {
		return nil, conflict(fmt.Sprintf("the dossier is %q: a contract is generated once the price list is agreed", d.Stage),
			"Het contract wordt opgesteld zodra de prijslijst is overeengekomen.")
	}
	var out *Contract
	err = identity.InTx(ctx, s.tx, func(ctx context.Context) error {
		out, err = s.generate(ctx, actor, d)
		return err
	})
	return out, err
}

func (s *Service) generate(ctx context.Context, actor identity.Principal, d Dossier) (*Contract, error) {
	c, err := s.store.ContractByDossier(ctx, d.ID)
	switch {
	case apperr.CodeOf(err) == apperr.NotFound:
		c = &Contract{ID: newID(), DossierID: d.ID, RoundID: d.RoundID, PolicyID: d.PolicyID, Year: d.Year,
			Insurer: d.Insurer, ProviderID: d.ProviderID, Status: AwaitingSignatures}
	case err != nil:
		return nil, err
	case len(c.Signatures) > 0:
		return nil, conflict("the contract is signed: its document is frozen",
			"Het contract is al ondertekend; het document kan niet meer worden gewijzigd.")
	}
	now := s.now()
	content, err := s.content(ctx, c.ID, d, now)
	if err != nil {
		return nil, err
	}
	raw, sum := Canonical(content)
	if c.Version > 0 && sum == c.ContentSHA256 {
		return c, nil
	}
	v, err := Render(content, now)
	if err != nil {
		return nil, err
	}
	v.Version, v.Content, v.ContentSHA256, v.CreatedBy = c.Version+1, raw, sum, actor.UserID()
	c.Version, c.Content, c.ContentSHA256, c.DocumentSHA256 = v.Version, content, sum, v.DocumentSHA256
	if c.CreatedAt.IsZero() {
		c.CreatedAt = now
	}
	c.UpdatedAt = now
	if err := s.store.SaveContractVersion(ctx, c, v); err != nil {
		return nil, err
	}
	after := map[string]any{"version": v.Version, "content_sha256": sum, "document_sha256": v.DocumentSHA256, "parts": d.Parts}
	return c, s.record(ctx, actor, ActionGenerate, c, d.Insurer, after, "", false)
}

// Render makes the documents of content, generated at: the same content and time give
// the same bytes.
func Render(content Content, at time.Time) (Version, error) {
	pdf, err := PDF(content, at)
	if err != nil {
		return Version{}, fmt.Errorf("render contract PDF: %w", err)
	}
	xlsx, err := XLSX(content)
	if err != nil {
		return Version{}, fmt.Errorf("render contract xlsx: %w", err)
	}
	sum := sha256.Sum256(pdf)
	return Version{PDF: pdf, DocumentSHA256: hex.EncodeToString(sum[:]), XLSX: xlsx, CreatedAt: at}, nil
}

// Canonical returns the canonical JSON of content (struct fields in declared order, no
// white space) and the SHA-256 of it without the generation date: the same terms,
// parties, parts and price lists give the same hash on any day.
func Canonical(content Content) ([]byte, string) {
	raw, _ := json.Marshal(content) // plain data: cannot fail
	content.Date = ""
	undated, _ := json.Marshal(content)
	sum := sha256.Sum256(undated)
	return raw, hex.EncodeToString(sum[:])
}

func newID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "con-" + hex.EncodeToString(b)
}

// content gathers what the contract of d says.
func (s *Service) content(ctx context.Context, id string, d Dossier, now time.Time) (Content, error) {
	pol, err := s.lib.Policy(d.PolicyID)
	if err != nil {
		return Content{}, err
	}
	prov, err := s.providers.Provider(ctx, d.ProviderID)
	if err != nil {
		return Content{}, err
	}
	c := Content{ContractID: id, DossierID: d.ID, PolicyID: pol.ID, PolicyTitle: pol.Title, Year: d.Year,
		Years:    contractYears(pol.Policy, d.Year),
		Insurer:  Party{ID: d.Insurer, Name: s.lib.InsurerName(d.Insurer)},
		Provider: providerParty(prov), Terms: terms(pol.Policy),
		Date: now.In(nl.Amsterdam).Format(time.DateOnly)}
	if len(d.Parts) == 0 {
		return Content{}, invalid("parts", "the dossier has no accepted parts", "Het dossier heeft geen geaccepteerde onderdelen.")
	}
	for _, id := range d.Parts {
		pt, err := s.partTerm(ctx, pol.Policy, d.ID, id)
		if err != nil {
			return Content{}, err
		}
		c.Parts = append(c.Parts, pt)
		c.TotalCents += pt.TotalCents
		c.CeilingCents += pt.CeilingCents
	}
	return c, nil
}

func (s *Service) partTerm(ctx context.Context, pol *policy.Policy, dossierID, id string) (PartTerm, error) {
	part, ok := findPart(pol, id)
	if !ok {
		return PartTerm{}, invalid("parts", fmt.Sprintf("policy %s has no part %q", pol.ID, id),
			fmt.Sprintf("Het beleid kent geen onderdeel %q.", id))
	}
	if s.lookups.PriceList == nil {
		return PartTerm{}, missing("price list")
	}
	lines, err := s.lookups.PriceList(ctx, dossierID, id)
	if err != nil {
		return PartTerm{}, err
	}
	pt := PartTerm{ID: id, Title: part.Title, Text: part.Text, Lines: lines}
	if part.Requires != "" {
		if req, ok := findPart(pol, part.Requires); ok {
			pt.Addendum = req.Title
		}
	}
	for _, l := range lines {
		pt.TotalCents += l.AmountCents()
		pt.CeilingCents += l.CeilingCents
	}
	if pt.Lines == nil {
		pt.Lines = []PriceLine{}
	}
	return pt, nil
}

func findPart(pol *policy.Policy, id string) (policy.Part, bool) {
	if pol.Base.ID == id {
		return pol.Base, true
	}
	for _, p := range pol.Parts {
		if p.ID == id {
			return p, true
		}
	}
	return policy.Part{}, false
}

func providerParty(p *provider.Provider) Party {
	party := Party{ID: p.ID, Name: p.Name, KvK: p.KvK}
	for _, a := range p.AGBCodes {
		party.AGB = append(party.AGB, a.Code)
	}
	return party
}

// terms states every contract form of the policy.
func terms(pol *policy.Policy) []Term {
	out := make([]Term, 0, len(pol.ContractForms))
	for _, f := range pol.ContractForms {
		t := Term{FormID: f.ID, Kind: f.Kind, Title: f.Title, Text: f.Text, Source: f.Source,
			RevenueCeiling: f.RevenueCeiling.Dutch(), KeepDelivering: f.KeepDelivering.Dutch(),
			SettlementAfterwards: f.SettlementAfterwards.Dutch(), MaxYears: f.MaxYears}
		for _, c := range f.Categories {
			t.Categories = append(t.Categories, Category{Number: c.Number, Title: c.Title, Substitution: c.Substitution,
				MarginPercent: c.MarginPercent, SettlementYears: c.SettlementYears, Text: c.Text})
		}
		out = append(out, t)
	}
	return out
}

// contractYears are the years the contract runs: the dossier's year, and for a policy
// whose first contract form is multi-year (max_years > 1) the following years up to
// that term, within the policy's contract years when it names later ones.
func contractYears(pol *policy.Policy, year int) []int {
	years := []int{year}
	if len(pol.ContractForms) == 0 || pol.ContractForms[0].MaxYears <= 1 {
		return years
	}
	last := year + pol.ContractForms[0].MaxYears - 1
	if n := len(pol.ContractYears); n > 0 && pol.ContractYears[n-1] >= year && pol.ContractYears[n-1] < last {
		last = pol.ContractYears[n-1]
	}
	for y := year + 1; y <= last; y++ {
		years = append(years, y)
	}
	return years
}
