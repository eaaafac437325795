package notify_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/apptest"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/mail"
	"zorginkoop/internal/mail/smtptest"
	"zorginkoop/internal/notify"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/store"
	"zorginkoop/internal/store/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

const (
	dossierID = "dos-00000000000000a1" // of insurer A with provider X
	baseURL   = "https://zorginkoop.example/"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type env struct {
	db    store.DB
	svc   *notify.Service
	trail *audit.Log
	ps    *apptest.Parties
	smtp  *smtptest.Server
	clock *clock
}

// newEnv wires the service to a real SMTP exchange with the in-process server; reject,
// when set, makes the server refuse a recipient.
func newEnv(t *testing.T, engine string, reject func(string) bool) *env {
	db := apptest.OpenStore(t, engine)
	srv := smtptest.Start(t, smtptest.Options{Reject: reject})
	c := &clock{t: apptest.Now}
	m, err := mail.New(mail.Config{Host: srv.Host, Port: srv.Port, From: "Zorginkoop <noreply@zorginkoop.example>", Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	trail := audit.NewLog(db, c.now)
	return &env{db: db, svc: notify.NewService(db, trail, db, m, c.now, notify.Options{BaseURL: baseURL}),
		trail: trail, ps: apptest.NewParties(t, db), smtp: srv, clock: c}
}

func forEachEngine(t *testing.T, fn func(t *testing.T, engine string)) {
	for _, engine := range apptest.Engines {
		t.Run(engine, func(t *testing.T) { fn(t, engine) })
	}
}

func offer(key string) notify.Notice {
	return notify.Notice{Kind: notify.KindOffer, Key: key, DossierID: dossierID, Topic: "CZ huisartsenzorg 2022",
		To: []notify.Party{{ProviderID: apptest.ProviderX}}}
}

func (e *env) inbox(t *testing.T, key string) notify.Inbox {
	t.Helper()
	in, err := e.svc.Inbox(context.Background(), e.ps.P(key), notify.Page{})
	if err != nil {
		t.Fatalf("inbox of %s: %v", key, err)
	}
	return in
}

func (e *env) deliver(t *testing.T) notify.Delivered {
	t.Helper()
	d, err := e.svc.Deliver(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// recipients are the envelope recipients of every message received, in order.
func (e *env) recipients() []string {
	var out []string
	for _, m := range e.smtp.Messages() {
		out = append(out, m.To...)
	}
	return out
}

func TestAnOfferLandsInTheProviderInboxOnlyAndItsEmailWithTheDossierLinkIsReceivedBySMTP(t *testing.T) {
	forEachEngine(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine, nil)
		if err := e.svc.Send(context.Background(), offer("offer:"+dossierID+":1")); err != nil {
			t.Fatal(err)
		}
		in := e.inbox(t, "x-invuller")
		if in.Total != 1 || in.Unread != 1 || in.Items[0].Kind != notify.KindOffer || in.Items[0].Link != "/dossiers/"+dossierID ||
			!strings.Contains(in.Items[0].Subject, "Contractaanbod") || in.Items[0].Read() {
			t.Errorf("X's inbox: %+v", in)
		}
		for _, key := range []string{"a-inkoper", "b-inkoper", "y-beheerder", "a-inkooporganisatie", "operator"} {
			if in := e.inbox(t, key); in.Total != 0 {
				t.Errorf("%s sees %+v", key, in)
			}
		}
		if len(e.smtp.Messages()) != 0 {
			t.Fatal("e-mail sent before Deliver")
		}
		if d := e.deliver(t); d.Sent != 4 {
			t.Errorf("delivered %+v, want 4 sent (X's active users)", d)
		}
		got := e.recipients()
		want := []string{e.ps.Email("x-beheerder"), e.ps.Email("x-invuller"), e.ps.Email("x-tekenbevoegde"), e.ps.Email("x-contractmanager")}
		if len(got) != len(want) {
			t.Fatalf("mailed %v, want %v", got, want)
		}
		for _, w := range want {
			if !contains(got, w) {
				t.Errorf("no mail to %s (got %v)", w, got)
			}
		}
		m := e.smtp.Messages()[0]
		if !strings.Contains(m.Body, "https://zorginkoop.example/dossiers/"+dossierID) || !strings.Contains(m.Subject, "Contractaanbod: CZ huisartsenzorg 2022") {
			t.Errorf("message: %q\n%s", m.Subject, m.Body)
		}
		if d := e.deliver(t); d.Sent != 0 {
			t.Errorf("second Deliver sent %+v", d)
		}
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestANoticeWithAKeySentBeforeIsDeliveredOnce(t *testing.T) {
	forEachEngine(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine, nil)
		n := offer("offer:" + dossierID + ":1")
		n.To[0].Roles = []identity.Role{identity.RoleAdmin}
		for range 3 {
			if err := e.svc.Send(context.Background(), n); err != nil {
				t.Fatal(err)
			}
		}
		e.deliver(t)
		e.deliver(t)
		if in := e.inbox(t, "x-beheerder"); in.Total != 1 {
			t.Errorf("inbox holds %d notices", in.Total)
		}
		if got := e.recipients(); len(got) != 1 || got[0] != e.ps.Email("x-beheerder") {
			t.Errorf("mailed %v, want only X's beheerder once", got)
		}
	})
}

func TestAFailedDeliveryIsRetriedAfterTheBackoffAndThenSentOnce(t *testing.T) {
	forEachEngine(t, func(t *testing.T, engine string) {
		var refusals atomic.Int32
		refusals.Store(1)
		e := newEnv(t, engine, func(string) bool { return refusals.Add(-1) >= 0 })
		n := offer("offer:" + dossierID + ":1")
		n.To[0].Roles = []identity.Role{identity.RoleSignatory}
		if err := e.svc.Send(context.Background(), n); err != nil {
			t.Fatal(err)
		}
		if d := e.deliver(t); d.Failed != 1 || d.Sent != 0 {
			t.Fatalf("first attempt: %+v", d)
		}
		if d := e.deliver(t); d != (notify.Delivered{}) {
			t.Errorf("retried before the backoff: %+v", d)
		}
		e.clock.advance(time.Minute)
		if d := e.deliver(t); d.Sent != 1 {
			t.Errorf("after the backoff: %+v", d)
		}
		e.clock.advance(time.Hour)
		if d := e.deliver(t); d != (notify.Delivered{}) {
			t.Errorf("after sending: %+v", d)
		}
		if got := e.recipients(); len(got) != 1 || got[0] != e.ps.Email("x-tekenbevoegde") {
			t.Errorf("received %v", got)
		}
	})
}

func TestAMailIsGivenUpAfterMaxAttempts(t *testing.T) {
	e := newEnv(t, "sqlite", func(string) bool { return true })
	n := offer("offer:" + dossierID + ":1")
	n.To[0].Roles = []identity.Role{identity.RoleSignatory}
	if err := e.svc.Send(context.Background(), n); err != nil {
		t.Fatal(err)
	}
	var total notify.Delivered
	for range 20 {
		d := e.deliver(t)
		total.Failed += d.Failed
		total.GaveUp += d.GaveUp
		e.clock.advance(notify.MaxBackoff)
	}
	if total.Failed != notify.DefaultMaxAttempts-1 || total.GaveUp != 1 {
		t.Errorf("got %+v", total)
	}
}

func TestARolledBackTransactionLeavesNoInboxRowAndNoMailAndDoesNotUseUpTheKey(t *testing.T) {
	forEachEngine(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine, nil)
		ctx := context.Background()
		n := offer("offer:" + dossierID + ":1")
		boom := errors.New("the offer could not be saved")
		err := e.db.InTx(ctx, func(ctx context.Context) error {
			if err := e.svc.Send(ctx, n); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if in := e.inbox(t, "x-beheerder"); in.Total != 0 {
			t.Errorf("inbox after rollback: %+v", in)
		}
		if due, err := e.db.DueMail(ctx, apptest.Now.Add(24*time.Hour), 100); err != nil || len(due) != 0 {
			t.Errorf("outbox after rollback: %v, %v", due, err)
		}
		if d := e.deliver(t); d.Sent != 0 || len(e.smtp.Messages()) != 0 {
			t.Errorf("sent after rollback: %+v", d)
		}
		// Committed with the change, the same key is sent.
		if err := e.db.InTx(ctx, func(ctx context.Context) error { return e.svc.Send(ctx, n) }); err != nil {
			t.Fatal(err)
		}
		if in := e.inbox(t, "x-beheerder"); in.Total != 1 {
			t.Errorf("inbox after commit: %+v", in)
		}
	})
}

func TestAnInsurerPartyReachesItsPurchasingPartyAndOnlyTheRolesAsked(t *testing.T) {
	forEachEngine(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine, nil)
		n := notify.Notice{Kind: notify.KindCounterProposal, Key: "counter:" + dossierID + ":2", DossierID: dossierID,
			To: []notify.Party{{Insurer: apptest.InsurerA, Roles: []identity.Role{identity.RoleBuyer}}}}
		if err := e.svc.Send(context.Background(), n); err != nil {
			t.Fatal(err)
		}
		for key, want := range map[string]int{"a-inkoper": 1, "a-medisch-adviseur": 1, "a-inkooporganisatie": 1, "b-inkoper": 0, "x-beheerder": 0} {
			if in := e.inbox(t, key); in.Total != want {
				t.Errorf("%s has %d notices, want %d", key, in.Total, want)
			}
		}
		e.deliver(t)
		got := e.recipients()
		if len(got) != 2 || !contains(got, e.ps.Email("a-inkoper")) || !contains(got, e.ps.Email("a-inkooporganisatie")) {
			t.Errorf("mailed %v, want the buyers of A and its purchasing party", got)
		}
	})
}

func TestTheInboxIsPagedNewestFirstAndMarkReadIsTheAddresseesOnly(t *testing.T) {
	forEachEngine(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine, nil)
		ctx := context.Background()
		for i, kind := range []notify.Kind{notify.KindInvitation, notify.KindDecision, notify.KindOffer} {
			n := notify.Notice{Kind: kind, Key: string(kind), DossierID: dossierID, OrgID: apptest.OrgX}
			if err := e.svc.Send(ctx, n); err != nil {
				t.Fatal(err)
			}
			e.clock.advance(time.Duration(i+1) * time.Minute)
		}
		p := e.ps.P("x-invuller")
		page, err := e.svc.Inbox(ctx, p, notify.Page{Limit: 2})
		if err != nil || page.Total != 3 || page.Unread != 3 || len(page.Items) != 2 || page.Items[0].Kind != notify.KindOffer {
			t.Fatalf("first page: %+v, %v", page, err)
		}
		last, _ := e.svc.Inbox(ctx, p, notify.Page{Offset: 2, Limit: 2})
		if len(last.Items) != 1 || last.Items[0].Kind != notify.KindInvitation {
			t.Errorf("last page: %+v", last)
		}
		id := page.Items[0].ID
		for _, key := range []string{"y-beheerder", "a-inkoper"} {
			if err := e.svc.MarkRead(ctx, e.ps.P(key), id); apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("%s marks X's notice: %v", key, err)
			}
		}
		if err := e.svc.MarkRead(ctx, identity.Anonymous, id); apperr.CodeOf(err) != apperr.Unauthenticated {
			t.Errorf("anonymous: %v", err)
		}
		if err := e.svc.MarkRead(ctx, p, id); err != nil {
			t.Fatal(err)
		}
		in := e.inbox(t, "x-beheerder")
		if in.Unread != 2 || !in.Items[0].Read() || in.Items[1].Read() {
			t.Errorf("after MarkRead: %+v", in)
		}
	})
}

func TestRemindersAreSentOncePerKeyToTheSideThatMustActAndAudited(t *testing.T) {
	forEachEngine(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine, nil)
		ctx := context.Background()
		date, _ := policy.ParseDate("2021-11-08")
		rs := []notify.Reminder{
			{Key: "reminder:" + dossierID + ":signing:7", DossierID: dossierID, Side: notify.SideProvider, Insurer: apptest.InsurerA,
				ProviderID: apptest.ProviderX, What: "Ondertekenen van het contract", Date: date, DaysBefore: 7},
			{Key: "reminder:" + dossierID + ":decision:2", DossierID: dossierID, Side: notify.SideInsurer, Insurer: apptest.InsurerA,
				ProviderID: apptest.ProviderX, What: "Besluit per onderdeel", Date: date, DaysBefore: 2},
		}
		for round, want := range []int{2, 0} {
			n, err := e.svc.SendReminders(ctx, rs)
			if err != nil || n != want {
				t.Errorf("round %d: sent %d, %v; want %d", round, n, err, want)
			}
		}
		x := e.inbox(t, "x-tekenbevoegde")
		if x.Total != 1 || x.Items[0].Kind != notify.KindDeadlineApproaching ||
			!strings.Contains(x.Items[0].Subject, "uiterlijk 8 november 2021") || !strings.Contains(x.Items[0].Body, "over 7 dagen") {
			t.Errorf("X's reminders: %+v", x)
		}
		if a := e.inbox(t, "a-inkoper"); a.Total != 1 || !strings.Contains(a.Items[0].Subject, "Besluit per onderdeel") {
			t.Errorf("A's reminders: %+v", a)
		}
		entries, err := e.trail.Entries(ctx, audit.Operator, audit.Filter{Dossier: dossierID})
		if err != nil || len(entries) != 2 || entries[0].Action != notify.ActionReminder {
			t.Errorf("audit: %+v, %v", entries, err)
		}
	})
}

func TestANoticeNeedsAKindAKeyAndAnAddressee(t *testing.T) {
	e := newEnv(t, "sqlite", nil)
	cases := map[string]notify.Notice{
		"unknown kind":         {Kind: "gossip", Key: "k", OrgID: apptest.OrgX},
		"no key":               {Kind: notify.KindOffer, OrgID: apptest.OrgX},
		"no addressee":         {Kind: notify.KindOffer, Key: "k"},
		"a party of two sides": {Kind: notify.KindOffer, Key: "k", To: []notify.Party{{Insurer: "a", ProviderID: "b"}}},
	}
	for name, n := range cases {
		if err := e.svc.Send(context.Background(), n); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestEveryKindHasADutchTemplateWithTheLink(t *testing.T) {
	e := newEnv(t, "sqlite", nil)
	for _, k := range notify.Kinds {
		if err := e.svc.Send(context.Background(), notify.Notice{Kind: k, Key: string(k), DossierID: dossierID, OrgID: apptest.OrgY}); err != nil {
			t.Fatal(err)
		}
	}
	in := e.inbox(t, "y-beheerder")
	if in.Total != len(notify.Kinds) {
		t.Fatalf("%d notices", in.Total)
	}
	for _, it := range in.Items {
		if it.Subject == "" || it.Body == "" || strings.Contains(it.Subject+it.Body, "%!") || it.Link != "/dossiers/"+dossierID {
			t.Errorf("%s: %q / %q / %q", it.Kind, it.Subject, it.Body, it.Link)
		}
	}
}

func TestSendersRunningAtOnceSendEachMailOnce(t *testing.T) {
	forEachEngine(t, func(t *testing.T, engine string) {
		e := newEnv(t, engine, nil)
		if err := e.svc.Send(context.Background(), offer("offer:"+dossierID+":1")); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var sent atomic.Int32
		for range 4 {
			wg.Go(func() {
				d, err := e.svc.Deliver(context.Background())
				if err != nil {
					t.Error(err)
				}
				sent.Add(int32(d.Sent))
			})
		}
		wg.Wait()
		if got := e.recipients(); len(got) != 4 || sent.Load() != 4 {
			t.Errorf("received %d messages, counted %d sent; want 4 (one per user of X)", len(got), sent.Load())
		}
	})
}
