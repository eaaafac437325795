package storetest

import (
	"context"
	"testing"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/contract"
	"zorginkoop/internal/store"
)

// RunContracts tests the contract store: versions, one signature per side, publication
// once, and the published list's filter and pages.
func RunContracts(t *testing.T, open Opener) {
	run(t, open, []storeTest{
		{"a contract keeps its current version and documents", testContractVersions},
		{"a side signs once", testContractSignatureOnce},
		{"a contract is published once and listed by filter and page", testContractPublished},
	})
}

var contractAt = time.Date(2021, 11, 1, 9, 0, 0, 0, time.UTC)

func saveContract(t *testing.T, db store.DB, id, dossier string, version int, content contract.Content) *contract.Contract {
	t.Helper()
	c := &contract.Contract{ID: id, DossierID: dossier, RoundID: "r", PolicyID: "p", Year: 2022, Insurer: "cz-groep",
		ProviderID: "prov-" + id, Status: contract.AwaitingSignatures, Version: version, CreatedAt: contractAt, UpdatedAt: contractAt}
	raw, sum := contract.Canonical(content)
	v := contract.Version{Version: version, Content: raw, ContentSHA256: sum, PDF: []byte("%PDF-" + id),
		DocumentSHA256: "pdf-" + id + string(rune('0'+version)), XLSX: []byte("xlsx"), CreatedAt: contractAt, CreatedBy: "u"}
	if err := db.SaveContractVersion(context.Background(), c, v); err != nil {
		t.Fatal(err)
	}
	return c
}

func testContractVersions(t *testing.T, db store.DB) {
	ctx := context.Background()
	saveContract(t, db, "con-1", "dos-1", 1, contract.Content{PolicyTitle: "één"})
	saveContract(t, db, "con-1", "dos-1", 2, contract.Content{PolicyTitle: "twee"})
	c, err := db.ContractByDossier(ctx, "dos-1")
	if err != nil {
		t.Fatal(err)
	}
	if c.ID != "con-1" || c.Version != 2 || c.Content.PolicyTitle != "twee" || c.DocumentSHA256 != "pdf-con-12" || !c.CreatedAt.Equal(contractAt) {
		t.Errorf("contract %+v", c)
	}
	pdf, err := db.ContractDocument(ctx, "con-1", 1, "pdf")
	if err != nil || string(pdf) != "%PDF-con-1" {
		t.Errorf("version 1 PDF %q, %v", pdf, err)
	}
	if _, err := db.Contract(ctx, "con-x"); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("unknown contract: %v", err)
	}
	if _, err := db.ContractDocument(ctx, "con-1", 3, "xlsx"); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("unknown version: %v", err)
	}
}

func testContractSignatureOnce(t *testing.T, db store.DB) {
	ctx := context.Background()
	saveContract(t, db, "con-1", "dos-1", 1, contract.Content{})
	s := contract.Signature{Side: contract.ProviderSide, Version: 1, UserID: "u1", UserName: "Één", OrgID: "o", KvK: "12345678",
		DocumentSHA256: "pdf-con-11", SignedAt: contractAt}
	if err := db.AddSignature(ctx, "con-1", s, contract.ProviderSigned); err != nil {
		t.Fatal(err)
	}
	s.UserID = "u2"
	if err := db.AddSignature(ctx, "con-1", s, contract.ProviderSigned); apperr.CodeOf(err) != apperr.Conflict {
		t.Errorf("second provider signature: %v, want a conflict", err)
	}
	c, err := db.Contract(ctx, "con-1")
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != contract.ProviderSigned || len(c.Signatures) != 1 || c.Signatures[0].UserID != "u1" || !c.Signatures[0].SignedAt.Equal(contractAt) {
		t.Errorf("contract %s %+v", c.Status, c.Signatures)
	}
}

func testContractPublished(t *testing.T, db store.DB) {
	ctx := context.Background()
	for _, id := range []string{"con-1", "con-2", "con-3"} {
		saveContract(t, db, id, "dos-"+id, 1, contract.Content{})
		for _, side := range []contract.Side{contract.ProviderSide, contract.InsurerSide} {
			s := contract.Signature{Side: side, Version: 1, UserID: "u", UserName: "u", OrgID: "o", KvK: "1", DocumentSHA256: "x", SignedAt: contractAt}
			if err := db.AddSignature(ctx, id, s, contract.Signed); err != nil {
				t.Fatal(err)
			}
		}
	}
	signed, err := db.ContractsWithStatus(ctx, contract.Signed)
	if err != nil || len(signed) != 3 {
		t.Fatalf("signed %d, %v", len(signed), err)
	}
	for i, id := range []string{"con-1", "con-2", "con-3"} {
		p := contract.PublishedContract{ContractID: id, Insurer: "cz-groep", Labels: []string{"cz"}, PolicyTypes: []string{"natura"},
			PolicyID: "p", Parts: []string{"base"}, ProviderID: "prov-" + id, ProviderName: "P", Locations: []contract.Location{{City: "Breda"}},
			Years: []int{2022, 2022 + i}, PublishedAt: contractAt}
		if err := db.SavePublished(ctx, p); err != nil {
			t.Fatal(err)
		}
		if err := db.SavePublished(ctx, p); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("publishing %s twice: %v", id, err)
		}
	}
	page, total, err := db.PublishedContracts(ctx, contract.PublishedFilter{Insurer: "cz-groep"}, contract.Page{Offset: 1, Limit: 1})
	if err != nil || total != 3 || len(page) != 1 || page[0].ContractID != "con-2" || page[0].Locations[0].City != "Breda" {
		t.Errorf("page %+v total %d, %v", page, total, err)
	}
	in2024, total, err := db.PublishedContracts(ctx, contract.PublishedFilter{Year: 2024}, contract.Page{Limit: 10})
	if err != nil || total != 1 || in2024[0].ContractID != "con-3" {
		t.Errorf("year 2024: %+v %d, %v", in2024, total, err)
	}
}
