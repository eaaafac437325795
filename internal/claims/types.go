package claims

import (
	"io"

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
