package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/notify"
	"zorginkoop/internal/store"
)

// RunNotices runs the suite of notices: the organisations of a party, a key stored once,
// inboxes per organisation with read marks, and the outbox's claims and retries.
func RunNotices(t *testing.T, open Opener) {
	run(t, open, []storeTest{
		{"a party's organisations: an insurer's own and its purchasing parties', or the provider's", testPartyOrganisations},
		{"a notice whose key exists is not stored again, nor its inbox rows and mails", testNoticeKeyOnce},
		{"the inbox is per organisation, newest first, and a read mark keeps its first time", testNoticeInbox},
		{"a claimed mail is not claimed again until its lease ends; sent and given-up mails are not due", testMailClaims},
	})
}

func testPartyOrganisations(t *testing.T, db store.DB) {
	ctx := context.Background()
	saveOrg(t, db, identity.Organisation{ID: "cz", Kind: identity.Insurer, Name: "CZ", Insurers: []string{"cz-groep"}})
	saveOrg(t, db, identity.Organisation{ID: "cz-inkoop", Kind: identity.Purchaser, Name: "Inkoop", Insurers: []string{"cz-groep", "zz"}})
	saveOrg(t, db, identity.Organisation{ID: "zz", Kind: identity.Insurer, Name: "ZZ", Insurers: []string{"zz"}})
	saveOrg(t, db, identity.Organisation{ID: "linde", Kind: identity.Provider, Name: "Linde", Providers: []string{"hap-de-linde"}})
	cases := []struct {
		insurer, provider string
		want              []string
	}{
		{"cz-groep", "", []string{"cz", "cz-inkoop"}},
		{"zz", "", []string{"cz-inkoop", "zz"}},
		{"", "hap-de-linde", []string{"linde"}},
		{"", "hap-onbekend", nil},
	}
	for _, c := range cases {
		got, err := db.PartyOrganisations(ctx, c.insurer, c.provider)
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("%q/%q: %v, %v; want %v", c.insurer, c.provider, got, err, c.want)
		}
	}
}

func notice(id, key string, at time.Time) notify.Stored {
	return notify.Stored{ID: id, Key: key, Kind: notify.KindOffer, DossierID: "dos-1", Subject: "Contractaanbod",
		Body: "U hebt een contractaanbod ontvangen.", Link: "/dossiers/dos-1", CreatedAt: at}
}

func testNoticeKeyOnce(t *testing.T, db store.DB) {
	ctx := context.Background()
	mails := []notify.Mail{{ID: "mail-1", NoticeID: "ntc-1", To: "a@x.example", Subject: "s", Body: "b"}}
	added, err := db.AddNotice(ctx, notice("ntc-1", "offer:dos-1", t0), []string{"x", "y"}, mails)
	if err != nil || !added {
		t.Fatalf("first: %v, %v", added, err)
	}
	mails2 := []notify.Mail{{ID: "mail-2", NoticeID: "ntc-2", To: "b@x.example", Subject: "s", Body: "b"}}
	added, err = db.AddNotice(ctx, notice("ntc-2", "offer:dos-1", t0), []string{"x", "z"}, mails2)
	if err != nil || added {
		t.Fatalf("second: %v, %v", added, err)
	}
	for org, want := range map[string]int{"x": 1, "y": 1, "z": 0} {
		if _, total, _, err := db.Inbox(ctx, org, 0, 10); err != nil || total != want {
			t.Errorf("inbox %s: %d, %v; want %d", org, total, err, want)
		}
	}
	due, err := db.DueMail(ctx, t0, 10)
	if err != nil || len(due) != 1 || due[0].ID != "mail-1" || due[0].To != "a@x.example" {
		t.Errorf("outbox: %+v, %v", due, err)
	}
}

func testNoticeInbox(t *testing.T, db store.DB) {
	ctx := context.Background()
	for i, id := range []string{"ntc-1", "ntc-2", "ntc-3"} {
		if _, err := db.AddNotice(ctx, notice(id, id, t0.Add(time.Duration(i)*time.Minute)), []string{"x"}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.MarkNoticeRead(ctx, "x", "ntc-2", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkNoticeRead(ctx, "x", "ntc-2", t0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkNoticeRead(ctx, "y", "ntc-2", t0); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("another organisation's notice: %v", err)
	}
	items, total, unread, err := db.Inbox(ctx, "x", 0, 2)
	if err != nil || total != 3 || unread != 2 || len(items) != 2 || items[0].ID != "ntc-3" || items[1].ID != "ntc-2" {
		t.Fatalf("inbox: %+v, %d, %d, %v", items, total, unread, err)
	}
	if !items[1].ReadAt.Equal(t0.Add(time.Hour)) || items[0].Read() || !items[0].CreatedAt.Equal(t0.Add(2*time.Minute)) {
		t.Errorf("read marks: %+v", items)
	}
}

func testMailClaims(t *testing.T, db store.DB) {
	ctx := context.Background()
	mails := []notify.Mail{{ID: "mail-1", NoticeID: "ntc-1", To: "a@x.example"}, {ID: "mail-2", NoticeID: "ntc-1", To: "b@x.example"}}
	if _, err := db.AddNotice(ctx, notice("ntc-1", "k", t0), []string{"x"}, mails); err != nil {
		t.Fatal(err)
	}
	lease := t0.Add(5 * time.Minute)
	if ok, err := db.ClaimMail(ctx, "mail-1", t0, lease); !ok || err != nil {
		t.Fatalf("claim: %v, %v", ok, err)
	}
	if ok, _ := db.ClaimMail(ctx, "mail-1", t0.Add(time.Minute), t0.Add(time.Hour)); ok {
		t.Error("claimed twice within the lease")
	}
	if due, _ := db.DueMail(ctx, t0.Add(time.Minute), 10); len(due) != 1 || due[0].ID != "mail-2" {
		t.Errorf("due while claimed: %+v", due)
	}
	if ok, _ := db.ClaimMail(ctx, "mail-1", lease, lease.Add(time.Minute)); !ok {
		t.Error("not claimable after the lease ended")
	}
	if err := db.MailSent(ctx, "mail-1", lease); err != nil {
		t.Fatal(err)
	}
	if ok, _ := db.ClaimMail(ctx, "mail-1", lease.Add(time.Hour), lease.Add(2*time.Hour)); ok {
		t.Error("a sent mail was claimed")
	}
	if err := db.MailFailed(ctx, "mail-2", 1, t0.Add(time.Hour), "550 mailbox unavailable"); err != nil {
		t.Fatal(err)
	}
	if due, _ := db.DueMail(ctx, t0.Add(30*time.Minute), 10); len(due) != 0 {
		t.Errorf("due before its retry: %+v", due)
	}
	if due, _ := db.DueMail(ctx, t0.Add(time.Hour), 10); len(due) != 1 || due[0].Attempts != 1 {
		t.Errorf("due at its retry: %+v", due)
	}
	if err := db.MailFailed(ctx, "mail-2", 2, time.Time{}, "given up"); err != nil {
		t.Fatal(err)
	}
	if due, _ := db.DueMail(ctx, t0.Add(100*time.Hour), 10); len(due) != 0 {
		t.Errorf("due after giving up: %+v", due)
	}
}
