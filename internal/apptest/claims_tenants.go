package apptest

import (
	"bytes"
	"context"
	"testing"

	"zorginkoop/internal/claims"
	"zorginkoop/internal/identity"
)

// The claims objects of the authorisation tests (issue 11): X's execution contract with A
// and Y's with B (imported, with a tariff that is a marker), an insured person of A and
// one of B (their BSNs are markers), a claim file X sent to A and one Y sent to B, and an
// authorisation request of X with A (open) and one decided, with a document. The BSN and
// the tariff of one tenant must never reach another tenant.
const (
	ClaimsBSNA = "718293046" // A's insured person, in X's file
	ClaimsBSNB = "625374812" // B's insured person, in Y's file
	// UZOVI numbers of a label of A (CZ) and of B (Zorg en Zekerheid), policies/registry.yaml.
	ClaimsUZOVIA = "9903"
	ClaimsUZOVIB = "9908"
	ClaimsCode   = "150000"
	// AGB codes of X and Y (their practice codes).
	ClaimsAGBX = "01012345"
	ClaimsAGBY = "01098765"
)

// Markers of the claims: a BSN and a tariff per tenant pair.
var (
	MarkersClaimsAX = []string{ClaimsBSNA, "424217", "4.242,17", "4242.17", "MATRIX-AX"}
	MarkersClaimsBY = []string{ClaimsBSNB, "313129", "3.131,29", "3131.29", "MATRIX-BY"}
)

// ClaimsObjects are the objects OpenClaims makes.
type ClaimsObjects struct {
	FileAX, FileBY         string // X's file to A, Y's file to B
	ContractAX, ContractBY string
	AuthAX                 string // X's open request with A
	AuthAXDecided          string // granted already
	AuthBY                 string // Y's open request with B
	DocAX                  string // a document of AuthAX
}

// ClaimsStore is the claims part of the test database.
func (e *Env) ClaimsStore(t testing.TB) claims.Store {
	s, ok := any(e.DB).(claims.Store)
	if !ok {
		t.Fatal("the store does not keep claims (store.DB without claims.Store)")
	}
	return s
}

// ClaimFileAX is a claim file X sends to A with one line of A's insured person; invoice
// makes it unique.
func ClaimFileAX(t testing.TB, invoice string) []byte {
	return ClaimFile{SenderAGB: ClaimsAGBX, UZOVI: ClaimsUZOVIA, Invoice: invoice, PeriodFrom: "20210101", PeriodTo: "20210930",
		Lines: []ClaimLine{{BSN: ClaimsBSNA, Code: ClaimsCode, Begin: "20210314", End: "20210314", Cents: 424217, Reference: "AX-" + invoice}}}.Bytes(t)
}

// OpenClaims stores the contracts, insured persons and authorisations through the store
// and takes in the two claim files through the claims service as the watched folder does.
func (ts *Tenants) OpenClaims(t *testing.T) *ClaimsObjects {
	t.Helper()
	ctx := context.Background()
	st := ts.Env.ClaimsStore(t)
	o := &ClaimsObjects{ContractAX: "imp-" + InsurerA + "-MATRIX-AX", ContractBY: "imp-" + InsurerB + "-MATRIX-BY",
		AuthAX: "auth-matrix-ax", AuthAXDecided: "auth-matrix-ax-besluit", AuthBY: "auth-matrix-by", DocAX: "doc-matrix-ax"}
	contract := func(id, ref, insurer, providerID string, tariff int64) claims.Contract {
		return claims.Contract{ID: id, Source: claims.FromImport, Reference: ref, Insurer: insurer, ProviderID: providerID,
			From: 20210101, To: 20211231, Parts: []string{RoundBase}, Signed: true, UpdatedAt: Now,
			Lines: []claims.PriceLine{{Part: RoundBase, Code: ClaimsCode, Description: "Consult", TariffCents: tariff, Volume: 10}}}
	}
	if err := st.SaveContracts(ctx, []claims.Contract{contract(o.ContractAX, "MATRIX-AX", InsurerA, ProviderX, 424217),
		contract(o.ContractBY, "MATRIX-BY", InsurerB, ProviderY, 313129)}); err != nil {
		t.Fatalf("claims contracts: %v", err)
	}
	if err := st.SaveInsured(ctx, []claims.Insured{
		{Insurer: InsurerA, PolicyNumber: "MATRIX-A-1", BSN: ClaimsBSNA, Label: "cz", PolicyType: "natura", From: 20210101},
		{Insurer: InsurerB, PolicyNumber: "MATRIX-B-1", BSN: ClaimsBSNB, Label: "zorg-en-zekerheid", PolicyType: "natura", From: 20210101},
	}); err != nil {
		t.Fatalf("claims insured: %v", err)
	}
	auth := func(id, insurer, providerID, bsn string, status claims.AuthStatus) *claims.Authorisation {
		a := &claims.Authorisation{ID: id, Insurer: insurer, ProviderID: providerID, BSN: bsn, Rule: "matrix-machtiging",
			Kind: claims.Machtiging, Code: ClaimsCode, Motivation: "Verwijzing na revalidatie", Status: status,
			RequestedBy: "matrix", RequestedAt: Now}
		if status == claims.Granted {
			a.Reason, a.ValidFrom, a.ValidTo, a.DecidedBy, a.DecidedAt = "Voldoet", 20210101, 20211231, "matrix", Now
		}
		return a
	}
	for _, a := range []*claims.Authorisation{auth(o.AuthAX, InsurerA, ProviderX, ClaimsBSNA, claims.Requested),
		auth(o.AuthAXDecided, InsurerA, ProviderX, ClaimsBSNA, claims.Granted),
		auth(o.AuthBY, InsurerB, ProviderY, ClaimsBSNB, claims.Requested)} {
		if err := st.SaveAuthorisation(ctx, a); err != nil {
			t.Fatalf("claims authorisation %s: %v", a.ID, err)
		}
	}
	pdf := SmallPDF(t)
	if err := st.AddAuthDocument(ctx, o.AuthAX, claims.Document{ID: o.DocAX, Name: "verwijzing.pdf", Type: "application/pdf",
		Size: int64(len(pdf)), SHA256: "0", At: Now}, pdf); err != nil {
		t.Fatalf("claims document: %v", err)
	}
	intake := func(name string, body []byte) string {
		f, err := ts.Identity.Services.Claims.Intake(ctx, identity.System(), claims.Upload{Name: name, Body: bytes.NewReader(body), Channel: claims.ViaFolder})
		if err != nil {
			t.Fatalf("claims intake %s: %v", name, err)
		}
		return f.ID
	}
	o.FileAX = intake("matrix-ax.asc", ClaimFileAX(t, "MATRIX-AX"))
	o.FileBY = intake("matrix-by.asc", ClaimFile{SenderAGB: ClaimsAGBY, UZOVI: ClaimsUZOVIB, Invoice: "MATRIX-BY", PeriodFrom: "20210101", PeriodTo: "20210930",
		Lines: []ClaimLine{{BSN: ClaimsBSNB, Code: ClaimsCode, Begin: "20210314", End: "20210314", Cents: 313129, Reference: "BY-1"}}}.Bytes(t))
	return o
}
