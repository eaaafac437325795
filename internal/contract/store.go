package contract

import "context"

// Store keeps contracts, their versions, signatures and publications. Inside a write
// transaction (identity.TxRunner) its reads read there and lock the contract's row until
// the transaction ends, so that two signatures of one contract take turns.
type Store interface {
	// Contract returns the contract with id with its current version's hashes and content
	// and its signatures, or an apperr NotFound error.
	Contract(ctx context.Context, id string) (*Contract, error)
	// ContractByDossier is Contract for the dossier's contract.
	ContractByDossier(ctx context.Context, dossierID string) (*Contract, error)
	// SaveContractVersion stores v as the contract's current version, inserting the
	// contract when it is new (c.Version == 1) and updating it otherwise.
	SaveContractVersion(ctx context.Context, c *Contract, v Version) error
	// AddSignature stores a signature and the contract's new status. A second
	// signature of the same side violates a unique constraint: an apperr Conflict error.
	AddSignature(ctx context.Context, contractID string, s Signature, status Status) error
	// ContractDocument returns the PDF or the xlsx ("pdf", "xlsx") of a version.
	ContractDocument(ctx context.Context, contractID string, version int, format string) ([]byte, error)
	// ContractsWithStatus lists the contracts with status, oldest first.
	ContractsWithStatus(ctx context.Context, status Status) ([]Contract, error)
	// SavePublished stores a publication and marks the contract published; publishing a
	// contract twice is an apperr Conflict error.
	SavePublished(ctx context.Context, p PublishedContract) error
	// PublishedContracts returns the publications f selects, ordered by insurer,
	// provider and contract id, and how many f selects in all.
	PublishedContracts(ctx context.Context, f PublishedFilter, p Page) ([]PublishedContract, int, error)
}
