package claims

import "context"

// LineRef is what the intake needs of an earlier line with a given reference: a
// duplicate is refused, a credit line reverses what the original was allowed.
type LineRef struct {
	FileID       string
	No           int
	Reference    string
	Outcome      Outcome
	AllowedCents int64
	Credit       bool
}

// Store keeps execution contracts, insured persons, percentages, authorisations, claim
// files and lines. Writes join the transaction in their context (identity.TxRunner);
// reads inside one see its writes. Lists are paged and lines are streamed: memory stays
// flat whatever the number of lines.
type Store interface {
	// SaveContracts inserts or replaces each contract by ID, with its price lines.
	SaveContracts(ctx context.Context, cs []Contract) error
	// ClaimContract returns an execution contract with its lines, or an apperr NotFound error.
	ClaimContract(ctx context.Context, id string) (*Contract, error)
	// ContractsOf returns the provider's execution contracts with the insurer, with lines.
	ContractsOf(ctx context.Context, insurer, providerID string) ([]Contract, error)
	// ListContracts returns the contracts f selects, without lines, ordered by insurer,
	// provider and id, and how many f selects in all.
	ListContracts(ctx context.Context, f ContractFilter, p Page) ([]Contract, int, error)
	// PartsOfCodes returns, for each code that appears in any of the insurer's execution
	// contracts, the part it is under (to tell "no contract for this part" from "not in
	// the price list").
	PartsOfCodes(ctx context.Context, insurer string, codes []string) (map[string]string, error)
	// ProviderByAGB returns the id of the provider that holds the AGB code, or an apperr
	// NotFound error.
	ProviderByAGB(ctx context.Context, agb string) (string, error)

	// SaveInsured inserts or replaces each coverage period by (insurer, policy number, from).
	SaveInsured(ctx context.Context, ps []Insured) error
	// InsuredByBSN returns the insurer's coverage periods of the BSNs, by BSN.
	InsuredByBSN(ctx context.Context, insurer string, bsns []string) (map[string][]Insured, error)
	// ListInsured returns a page of the insurer's coverage periods ordered by policy
	// number and start, and how many there are.
	ListInsured(ctx context.Context, insurer string, p Page) ([]Insured, int, error)

	// SetPercentage stores the insurer's percentage for non-contracted care under a
	// policy type.
	SetPercentage(ctx context.Context, insurer, policyType string, percent int) error
	// Percentages returns the insurer's percentages by policy type.
	Percentages(ctx context.Context, insurer string) (map[string]int, error)

	// SaveAuthorisation inserts or updates an authorisation by ID (not its documents).
	SaveAuthorisation(ctx context.Context, a *Authorisation) error
	// Authorisation returns an authorisation with its documents' metadata, or an apperr
	// NotFound error.
	Authorisation(ctx context.Context, id string) (*Authorisation, error)
	// ListAuthorisations returns the authorisations f selects, newest first, and how
	// many f selects in all.
	ListAuthorisations(ctx context.Context, f AuthFilter, p Page) ([]Authorisation, int, error)
	// AuthorisationsFor returns the granted authorisations of the provider with the
	// insurer for the BSNs, by BSN.
	AuthorisationsFor(ctx context.Context, insurer, providerID string, bsns []string) (map[string][]Authorisation, error)
	// AddAuthDocument stores a document of an authorisation.
	AddAuthDocument(ctx context.Context, authID string, d Document, data []byte) error
	// AuthDocument returns a document of an authorisation and its bytes, or an apperr
	// NotFound error.
	AuthDocument(ctx context.Context, authID, docID string) (Document, []byte, error)

	// FileByHash returns the file received with the content hash, or an apperr NotFound error.
	FileByHash(ctx context.Context, sha256 string) (*File, error)
	// FileByInvoice returns the file the sender sent with the reference, or an apperr
	// NotFound error.
	FileByInvoice(ctx context.Context, sender, invoice string) (*File, error)
	// CreateFile stores a new file (its totals follow with RecountFiles). The same hash
	// or the same sender's reference twice violates a unique constraint: an apperr
	// Conflict error.
	CreateFile(ctx context.Context, f *File) error
	// AddLines stores adjudicated lines of a created file (COPY on PostgreSQL).
	AddLines(ctx context.Context, lines []Line) error
	// LinesByReference returns, of the provider's stored lines, the first one with each
	// reference that was not itself rejected as a duplicate, by reference.
	LinesByReference(ctx context.Context, providerID string, refs []string) (map[string]LineRef, error)
	// HeldLines returns up to limit held lines with the reason, of the insurer (and of
	// the provider when providerID is set), ordered by file and number, after the line
	// (afterFile, afterNo).
	HeldLines(ctx context.Context, insurer, providerID string, reason Reason, afterFile string, afterNo, limit int) ([]Line, error)
	// UpdateAdjudication stores a new adjudication of lines (outcome, reason, amounts,
	// contract, part, rule, explanation, supplementary), by file and number.
	UpdateAdjudication(ctx context.Context, lines []Line) error
	// RecountFiles sets the files' line counts and amounts from their lines.
	RecountFiles(ctx context.Context, fileIDs []string) error
	// Files returns the files f selects, newest first, and how many f selects in all.
	Files(ctx context.Context, f FileFilter, p Page) ([]File, int, error)
	// ClaimFile returns a file, or an apperr NotFound error.
	ClaimFile(ctx context.Context, id string) (*File, error)
	// Lines returns the lines f selects ordered by file and number, and how many f
	// selects in all.
	Lines(ctx context.Context, f LineFilter, p Page) ([]Line, int, error)
	// EachLine calls fn with every line of the file in order, streamed; fn's error stops it.
	EachLine(ctx context.Context, fileID string, fn func(*Line) error) error
	// Overview returns a page of the totals of the lines f selects per group of the
	// grouping, aggregated and ordered in the database (see Grouping), and how many
	// groups there are in all. An unknown grouping is an apperr Invalid error.
	Overview(ctx context.Context, f OverviewFilter, by Grouping, p Page) ([]OverviewRow, int, error)
}
