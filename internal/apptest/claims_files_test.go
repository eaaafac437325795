package apptest_test

import (
	"bytes"
	"testing"

	"zorginkoop/internal/apptest"
	"zorginkoop/internal/claims/vektis"
)

func TestClaimFileIsAValidZH308File(t *testing.T) {
	f := apptest.ClaimFile{SenderAGB: "06010101", UZOVI: "3311", Invoice: "F-1", PeriodFrom: "20260101", PeriodTo: "20260331",
		Lines: []apptest.ClaimLine{{BSN: "999999990", Code: "150000", Begin: "20260110", End: "20260120", Cents: 12345, Reference: "R1"},
			{BSN: "123456782", Code: "150000", Begin: "20260110", End: "20260120", Cents: 500, Reference: "R2", Credit: true, PrevReference: "R1"}}}
	if _, err := vektis.Parse(bytes.NewReader(f.Bytes(t)), vektis.ZH308v90(), vektis.Options{}); err != nil {
		t.Fatal(err)
	}
}
