package claims

import (
	"context"
	"io"

	"zorginkoop/internal/identity"
	"zorginkoop/internal/policy"
)

// Upload is a claim file as it arrives.
type Upload struct {
	Name    string
	Body    io.Reader
	Channel Channel
}

// AuthRequest is a provider's request for an authorisation on behalf of an insured person.
type AuthRequest struct{ Insurer, ProviderID, BSN, Rule, Code, Indication, Motivation string }

// Decision is the medisch adviseur's decision on an authorisation.
type Decision struct {
	Grant              bool
	Reason             string
	ValidFrom, ValidTo Day
}

// RuleRef is a claim authorisation rule of a published policy.
type RuleRef struct {
	PolicyID string
	policy.ClaimAuthorisation
}

func (s *Service) Intake(ctx context.Context, actor identity.Principal, u Upload) (*File, error) {
	return nil, notBuilt("Intake")
}
func (s *Service) Files(ctx context.Context, actor identity.Principal, f FileFilter, p Page) ([]File, int, error) {
	return nil, 0, notBuilt("Files")
}
func (s *Service) File(ctx context.Context, actor identity.Principal, id string) (*File, error) {
	return nil, notBuilt("File")
}
func (s *Service) Lines(ctx context.Context, actor identity.Principal, fileID string, outcome Outcome, p Page) ([]Line, int, error) {
	return nil, 0, notBuilt("Lines")
}
func (s *Service) WriteReturn(ctx context.Context, actor identity.Principal, fileID, format string, w io.Writer) error {
	return notBuilt("WriteReturn")
}
func (s *Service) InsuredClaims(ctx context.Context, actor identity.Principal, insurer, bsn string, p Page) ([]Line, int, error) {
	return nil, 0, notBuilt("InsuredClaims")
}
func (s *Service) ImportContracts(ctx context.Context, actor identity.Principal, insurer string, r io.Reader) (int, error) {
	return 0, notBuilt("ImportContracts")
}
func (s *Service) ContractTemplate(w io.Writer) error { return notBuilt("ContractTemplate") }
func (s *Service) Contracts(ctx context.Context, actor identity.Principal, f ContractFilter, p Page) ([]Contract, int, error) {
	return nil, 0, notBuilt("Contracts")
}
func (s *Service) Contract(ctx context.Context, actor identity.Principal, id string) (*Contract, error) {
	return nil, notBuilt("Contract")
}
func (s *Service) ContractSigned(ctx context.Context, contractID string) error {
	return nil
}
func (s *Service) ImportInsured(ctx context.Context, actor identity.Principal, insurer string, r io.Reader) (int, error) {
	return 0, notBuilt("ImportInsured")
}
func (s *Service) InsuredList(ctx context.Context, actor identity.Principal, insurer string, p Page) ([]Insured, int, error) {
	return nil, 0, notBuilt("InsuredList")
}
func (s *Service) SetPercentage(ctx context.Context, actor identity.Principal, insurer, policyType string, percent int) error {
	return notBuilt("SetPercentage")
}
func (s *Service) Percentages(ctx context.Context, actor identity.Principal, insurer string) (map[string]int, error) {
	return nil, notBuilt("Percentages")
}
func (s *Service) RequestAuthorisation(ctx context.Context, actor identity.Principal, r AuthRequest) (*Authorisation, error) {
	return nil, notBuilt("RequestAuthorisation")
}
func (s *Service) AddAuthorisationDocument(ctx context.Context, actor identity.Principal, id, name string, body io.Reader) (*Document, error) {
	return nil, notBuilt("AddAuthorisationDocument")
}
func (s *Service) AuthorisationDocument(ctx context.Context, actor identity.Principal, id, docID string) (Document, []byte, error) {
	return Document{}, nil, notBuilt("AuthorisationDocument")
}
func (s *Service) DecideAuthorisation(ctx context.Context, actor identity.Principal, id string, d Decision) (*Authorisation, error) {
	return nil, notBuilt("DecideAuthorisation")
}
func (s *Service) Authorisations(ctx context.Context, actor identity.Principal, f AuthFilter, p Page) ([]Authorisation, int, error) {
	return nil, 0, notBuilt("Authorisations")
}
func (s *Service) Authorisation(ctx context.Context, actor identity.Principal, id string) (*Authorisation, error) {
	return nil, notBuilt("Authorisation")
}
func (s *Service) AuthorisationRules(insurer string) []RuleRef { return nil }
func (s *Service) Overview(ctx context.Context, actor identity.Principal, f OverviewFilter) ([]OverviewRow, error) {
	return nil, notBuilt("Overview")
}
