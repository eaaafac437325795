package apptest

import (
	"context"
	"fmt"
	"testing"

	"zorginkoop/internal/claims"
)

// OverviewProvider is the id of the i-th provider (1-based) ClaimsOfProviders adds.
func OverviewProvider(i int) string { return fmt.Sprintf("overzicht-%03d", i) }

// ClaimsOfProviders stores, straight through the store, one file per provider for the
// insurer from n providers (OverviewProvider(1..n), no further data) with one approved
// line each in 2021 of i × € 10,00: the n-th claimed most. For the overview's pages; the
// providers need not exist, as the overview only sums lines.
func (e *Env) ClaimsOfProviders(t testing.TB, insurer string, n int) {
	t.Helper()
	st := e.ClaimsStore(t)
	err := e.DB.InTx(context.Background(), func(ctx context.Context) error {
		ids := make([]string, 0, n)
		for i := 1; i <= n; i++ {
			id, provider := fmt.Sprintf("overzicht-%s-%03d", insurer, i), OverviewProvider(i)
			if err := st.CreateFile(ctx, &claims.File{ID: id, Insurer: insurer, ProviderID: provider, Sender: fmt.Sprintf("0699%04d", i),
				Invoice: id, Name: id + ".asc", SHA256: id, Size: 1, Standard: "ZH308 9.0", PeriodFrom: 20210101, PeriodTo: 20211231,
				Channel: claims.ViaFolder, ReceivedAt: Now, ReceivedBy: "system"}); err != nil {
				return err
			}
			cents := int64(i) * 1000
			if err := st.AddLines(ctx, []claims.Line{{FileID: id, No: 1, Record: 2, Insurer: insurer, ProviderID: provider,
				Reference: id, BSN: ClaimsBSNA, UZOVI: ClaimsUZOVIA, CodeList: "076", Code: ClaimsCode, Begin: 20210314, End: 20210314,
				Quantity: 1, ClaimedCents: cents, ContractedCents: cents, AllowedCents: cents, Outcome: claims.Approved,
				Reason: claims.ReasonContracted, ContractID: "imp-" + provider, Part: RoundBase, Rule: "contract",
				Explanation: "Goedgekeurd."}}); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return st.RecountFiles(ctx, ids)
	})
	if err != nil {
		t.Fatalf("claims of %d providers: %v", n, err)
	}
}
