package claims

import (
	"context"
	"fmt"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/identity"
)

// Contracts lists the execution contracts f selects (without price lines) for the
// insurer's inkoper, contractbeheerder and declaratiebeoordelaar, and the operator.
func (s *Service) Contracts(ctx context.Context, actor identity.Principal, f ContractFilter, p Page) ([]Contract, int, error) {
	if actor.IsAnonymous() {
		return nil, 0, identity.LoginRequired("read contracts")
	}
	if !actor.IsOperator() {
		if f.Insurer == "" {
			return nil, 0, invalid("insurer", "name the insurer", "Kies een zorgverzekeraar.")
		}
		if !MayReadContracts(actor, f.Insurer) {
			return nil, 0, s.refuse(ctx, actor, f.Insurer, "", ActionContractImport, "contracts", "insurer "+f.Insurer,
				"your role may not read execution contracts", "Met uw rol kunt u de contracten met prijzen niet inzien.")
		}
	}
	return s.store.ListContracts(ctx, f, p.normal())
}

// Contract returns an execution contract with its price list.
func (s *Service) Contract(ctx context.Context, actor identity.Principal, id string) (*Contract, error) {
	c, err := s.store.ClaimContract(ctx, id)
	if apperr.CodeOf(err) == apperr.NotFound {
		return nil, identity.Hide("contract " + id)
	}
	if err != nil {
		return nil, err
	}
	if !MayReadContracts(actor, c.Insurer) {
		return nil, s.refuse(ctx, actor, c.Insurer, "", ActionContractImport, "claimcontract:"+id, "contract "+id,
			"your role may not read execution contracts", "Met uw rol kunt u de contracten met prijzen niet inzien.")
	}
	return c, nil
}

// ContractSigned makes the signed round contract an execution contract and adjudicates
// again the insurer's lines of that provider held until purchasing was complete (H01),
// updating them and their files' totals. Called inside the signing transaction (the
// contract's OnSigned hook), so that the signature and the release commit together.
func (s *Service) ContractSigned(ctx context.Context, contractID string) error {
	if s.lookups.RoundContract == nil {
		return missing("round contract")
	}
	return identity.InTx(ctx, s.tx, func(ctx context.Context) error {
		c, err := s.lookups.RoundContract(ctx, contractID)
		if err != nil {
			return err
		}
		c.Source, c.Signed = FromRound, true
		if c.ID == "" {
			c.ID = contractID
		}
		if c.Reference == "" {
			c.Reference = c.ID
		}
		c.UpdatedAt = s.now().UTC()
		if err := s.store.SaveContracts(ctx, []Contract{c}); err != nil {
			return err
		}
		n, err := s.release(ctx, c.Insurer, c.ProviderID, ReasonPurchasingOpen)
		if err != nil {
			return err
		}
		return s.record(ctx, identity.System(), ActionReleased, "claimcontract:"+c.ID, c.Insurer,
			map[string]any{"contract": c.ID, "provider_id": c.ProviderID, "reason": ReasonPurchasingOpen, "lines": n}, "", false)
	})
}

// releasePage is how many held lines are adjudicated again at a time.
const releasePage = 1000

// release adjudicates again the insurer's lines held with reason (of the provider, when
// set), page by page, and recounts their files. It returns how many lines it did.
func (s *Service) release(ctx context.Context, insurer, providerID string, reason Reason) (int, error) {
	books := map[string]*Book{}
	files := map[string]bool{}
	afterFile, afterNo, n := "", 0, 0
	for {
		lines, err := s.store.HeldLines(ctx, insurer, providerID, reason, afterFile, afterNo, releasePage)
		if err != nil {
			return n, err
		}
		if len(lines) == 0 {
			break
		}
		last := lines[len(lines)-1]
		afterFile, afterNo = last.FileID, last.No
		byProvider := map[string][]Line{}
		for _, l := range lines {
			byProvider[l.ProviderID] = append(byProvider[l.ProviderID], l)
			files[l.FileID] = true
		}
		for pid, ls := range byProvider {
			b := books[pid]
			if b == nil {
				if b, err = s.loadBook(ctx, insurer, pid); err != nil {
					return n, err
				}
				books[pid] = b
			}
			if err := s.adjudicateBatch(ctx, b, ls, false); err != nil {
				return n, err
			}
			n += len(ls)
		}
		if len(lines) < releasePage {
			break
		}
	}
	if len(files) == 0 {
		return 0, nil
	}
	ids := make([]string, 0, len(files))
	for id := range files {
		ids = append(ids, id)
	}
	return n, s.store.RecountFiles(ctx, uniq(ids))
}

// SetPercentage sets the insurer's percentage (0–100) for non-contracted care under a
// policy type, and adjudicates again the lines held for want of it (H02). The insurer's
// contractbeheerder.
func (s *Service) SetPercentage(ctx context.Context, actor identity.Principal, insurer, policyType string, percent int) error {
	if !MayManageContracts(actor, insurer) && !actor.IsOperator() {
		return s.refuse(ctx, actor, insurer, "", ActionPercentage, "percentage:"+insurer, "insurer "+insurer,
			"only the insurer's contractbeheerder sets the percentages", "Alleen de contractbeheerder van de zorgverzekeraar stelt de vergoedingspercentages vast.")
	}
	if !s.policyTypeOf(insurer, policyType) {
		return invalid("policy_type", fmt.Sprintf("%q is not a policy type of the insurer", policyType),
			fmt.Sprintf("%q is geen polissoort van deze zorgverzekeraar.", policyType))
	}
	if percent < 0 || percent > 100 {
		return invalid("percent", "the percentage is from 0 to 100", "Het percentage ligt tussen 0 en 100.")
	}
	return identity.InTx(ctx, s.tx, func(ctx context.Context) error {
		if err := s.store.SetPercentage(ctx, insurer, policyType, percent); err != nil {
			return err
		}
		n, err := s.release(ctx, insurer, "", ReasonNoPercentage)
		if err != nil {
			return err
		}
		return s.record(ctx, actor, ActionPercentage, "percentage:"+insurer+":"+policyType, insurer,
			map[string]any{"policy_type": policyType, "percent": percent, "released": n}, "", false)
	})
}

// Percentages returns the insurer's percentages by policy type (contractbeheerder,
// declaratiebeoordelaar, inkoper, medisch adviseur: the overview's readers).
func (s *Service) Percentages(ctx context.Context, actor identity.Principal, insurer string) (map[string]int, error) {
	if !MayReadOverview(actor, insurer) {
		return nil, s.refuse(ctx, actor, insurer, "", ActionPercentage, "percentage:"+insurer, "insurer "+insurer,
			"your role may not read the percentages", "Met uw rol kunt u de vergoedingspercentages niet inzien.")
	}
	return s.store.Percentages(ctx, insurer)
}

// DefaultPolicyTypes are the policy types when none of the insurer's policies names any.
var DefaultPolicyTypes = []string{"natura", "natura-select", "restitutie", "combinatie"}

// PolicyTypes are the insurer's policy types: the registry's, else those its policies
// name, else the defaults.
func (s *Service) PolicyTypes(insurer string) []string {
	if ins, ok := s.lib.Registry.Insurer(insurer); ok && len(ins.PolicyTypes) > 0 {
		return ins.PolicyTypes
	}
	seen := map[string]bool{}
	var out []string
	for _, c := range s.lib.Policies() {
		if c.Insurer != insurer {
			continue
		}
		for _, t := range c.PolicyTypes {
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	if len(out) == 0 {
		return DefaultPolicyTypes
	}
	return out
}

func (s *Service) policyTypeOf(insurer, t string) bool {
	for _, pt := range s.PolicyTypes(insurer) {
		if pt == t {
			return true
		}
	}
	return false
}
