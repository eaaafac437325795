package audit

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"zorginkoop/internal/apperr"
)

// memStore is an in-memory Store.
type memStore struct {
	mu      sync.Mutex
	entries []Entry
	last    Filter // the filter of the last AuditEntries call
}

func (s *memStore) AppendAudit(_ context.Context, build func(Head) (Entry, error)) (Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var prev Head
	if n := len(s.entries); n > 0 {
		prev = Head{Seq: s.entries[n-1].Seq, Hash: s.entries[n-1].Hash}
	}
	e, err := build(prev)
	if err != nil {
		return Entry{}, err
	}
	s.entries = append(s.entries, e)
	return e, nil
}

func (s *memStore) AuditEntries(_ context.Context, f Filter) ([]Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.last = f
	var out []Entry
	for i := len(s.entries) - 1; i >= 0 && (f.Limit == 0 || len(out) < f.Limit); i-- {
		if e := s.entries[i]; f.OrgID == "" || e.OrgID == f.OrgID || e.Scope == f.OrgID {
			out = append(out, e)
		}
	}
	return out, nil
}

func (s *memStore) EachAuditEntry(_ context.Context, fn func(Entry) error) error {
	for _, e := range s.entries {
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

var t0 = time.Date(2025, 3, 1, 9, 0, 0, 123456789, time.FixedZone("CET", 3600))

func newLog() (*Log, *memStore) {
	s := &memStore{}
	return NewLog(s, func() time.Time { return t0 }), s
}

func TestRecordLinksEntriesAndNormalisesTimeAndJSON(t *testing.T) {
	log, _ := newLog()
	ctx := context.Background()
	a, err := log.Record(ctx, Entry{Action: "policy.publish", Subject: "policy:x", After: json.RawMessage("{ \"b\": 1,\n \"a\": 2 }")})
	if err != nil {
		t.Fatalf("Record: %v", err)
	}
	b, err := log.Record(ctx, Entry{Action: "policy.publish", Subject: "policy:y", Before: json.RawMessage(" null ")})
	if err != nil {
		t.Fatalf("Record: %v", err)
	}
	if a.Seq != 1 || a.PrevHash != Genesis || b.Seq != 2 || b.PrevHash != a.Hash {
		t.Errorf("not chained: a=%d/%q b=%d/%q", a.Seq, a.PrevHash, b.Seq, b.PrevHash)
	}
	if want := t0.UTC().Truncate(time.Microsecond); !a.At.Equal(want) || a.At.Location() != time.UTC || a.At.Nanosecond() != 123456000 {
		t.Errorf("At = %v, want %v in UTC", a.At, want)
	}
	if string(a.After) != `{"b":1,"a":2}` {
		t.Errorf("After = %s, want compacted with key order kept", a.After)
	}
	if b.Before != nil {
		t.Errorf("Before = %q, want nil for JSON null", b.Before)
	}
	if a.Hash != a.ComputeHash() || len(a.Hash) != 64 {
		t.Errorf("Hash = %q, want the SHA-256 of the entry", a.Hash)
	}
}

func TestRecordRefusesIncompleteOrMalformedEntries(t *testing.T) {
	tests := []struct {
		name  string
		e     Entry
		field string
	}{
		{"no action", Entry{Subject: "s"}, "action"},
		{"no subject", Entry{Action: "a"}, "subject"},
		{"before is not JSON", Entry{Action: "a", Subject: "s", Before: json.RawMessage("{oops")}, "before"},
		{"after is not JSON", Entry{Action: "a", Subject: "s", After: json.RawMessage("1 2")}, "after"},
		{"NUL in a reason (PostgreSQL text cannot hold it)", Entry{Action: "a", Subject: "s", Reason: "a\x00b"}, "reason"},
		{"invalid UTF-8 in a name", Entry{Action: "a", Subject: "s", UserName: "\xff"}, "user_name"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			log, s := newLog()
			_, err := log.Record(context.Background(), tc.e)
			if apperr.CodeOf(err) != apperr.Invalid {
				t.Fatalf("Record = %v, want Invalid", err)
			}
			found := false
			for _, e := range apperr.Errors(err) {
				found = found || e.Field == tc.field
			}
			if !found {
				t.Errorf("error %v does not name field %s", err, tc.field)
			}
			if len(s.entries) != 0 {
				t.Errorf("an invalid entry was stored")
			}
		})
	}
}

func sample() Entry {
	return Entry{
		Seq: 7, At: time.Date(2025, 3, 1, 8, 0, 0, 5000, time.UTC), UserID: "u-1", UserName: "Jan",
		OrgID: "cz", Action: "offer.send", Subject: "offer:1", Scope: "p-1", Dossier: "d-1",
		Before: json.RawMessage(`{"x":1}`), After: json.RawMessage(`{"x":2}`), Reason: "r", Denied: false,
		PrevHash: strings.Repeat("ab", 32),
	}
}

// A fixed answer, computed independently from the encoding in docs/audit.md: a change of
// the encoding must be deliberate (it breaks every stored chain).
func TestHashEncodingIsStable(t *testing.T) {
	e := sample()
	const want = "7a5b3b4d9b3d0b29c1e5f43d2d9d2df04e773108bf0daf4584166d8b1d415924"
	if got := e.ComputeHash(); got != want {
		t.Errorf("ComputeHash() = %s, want %s", got, want)
	}
}

func TestHashCoversEveryFieldButNotLayout(t *testing.T) {
	base := sample()
	h := base.ComputeHash()
	changes := map[string]func(e *Entry){
		"seq":       func(e *Entry) { e.Seq++ },
		"at":        func(e *Entry) { e.At = e.At.Add(time.Microsecond) },
		"user_id":   func(e *Entry) { e.UserID = "u-2" },
		"user_name": func(e *Entry) { e.UserName = "Piet" },
		"org_id":    func(e *Entry) { e.OrgID = "asr" },
		"action":    func(e *Entry) { e.Action = "offer.withdraw" },
		"subject":   func(e *Entry) { e.Subject = "offer:2" },
		"scope":     func(e *Entry) { e.Scope = "p-2" },
		"dossier":   func(e *Entry) { e.Dossier = "d-2" },
		"before":    func(e *Entry) { e.Before = json.RawMessage(`{"x":0}`) },
		"after":     func(e *Entry) { e.After = nil },
		"reason":    func(e *Entry) { e.Reason = "" },
		"denied":    func(e *Entry) { e.Denied = true },
		"prev_hash": func(e *Entry) { e.PrevHash = "" },
		// Without length prefixes these two would encode alike.
		"a character moved between fields": func(e *Entry) { e.UserID, e.UserName = "u-1J", "an" },
	}
	for name, change := range changes {
		e := base
		change(&e)
		if e.ComputeHash() == h {
			t.Errorf("changing %s does not change the hash", name)
		}
	}
	same := base
	same.At = same.At.In(time.FixedZone("CET", 3600))
	same.Before = json.RawMessage("{ \"x\" : 1 }")
	same.Hash = "anything"
	if same.ComputeHash() != h {
		t.Errorf("the time zone, JSON white space or the Hash field changed the hash")
	}
}

type orgViewer map[string]bool

func (v orgViewer) MayViewAudit(org string) bool { return v[org] }

func TestEntriesAreShownOnlyToWhoMayViewThem(t *testing.T) {
	ctx := context.Background()
	log, s := newLog()
	for _, org := range []string{"cz", "asr", "cz"} {
		if _, err := log.Record(ctx, Entry{OrgID: org, Scope: org, Action: "a", Subject: "s"}); err != nil {
			t.Fatal(err)
		}
	}
	cz := orgViewer{"cz": true}
	tests := []struct {
		name   string
		viewer Viewer
		f      Filter
		want   int
		code   apperr.Code
	}{
		{"an organisation sees its own trail", cz, Filter{OrgID: "cz"}, 2, ""},
		{"but not another's", cz, Filter{OrgID: "asr"}, 0, apperr.Forbidden},
		{"nor the whole trail", cz, Filter{}, 0, apperr.Forbidden},
		{"nobody sees nothing", nil, Filter{OrgID: "cz"}, 0, apperr.Forbidden},
		{"the operator sees the whole trail", Operator, Filter{}, 3, ""},
		{"a negative limit is invalid", Operator, Filter{Limit: -1}, 0, apperr.Invalid},
		{"scopes without the organisation are refused", Operator, Filter{Scopes: []string{"cz"}}, 0, apperr.Invalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			es, err := log.Entries(ctx, tc.viewer, tc.f)
			if tc.code != "" {
				if apperr.CodeOf(err) != tc.code {
					t.Fatalf("Entries = %v, want %s", err, tc.code)
				}
				return
			}
			if err != nil || len(es) != tc.want {
				t.Fatalf("Entries = %d entries, %v; want %d", len(es), err, tc.want)
			}
		})
	}
	if _, err := log.Entries(ctx, Operator, Filter{}); err != nil || s.last.Limit != DefaultLimit {
		t.Errorf("limit passed to the store = %d, want the default %d", s.last.Limit, DefaultLimit)
	}
	if _, err := log.Entries(ctx, Operator, Filter{Limit: 1 << 20}); err != nil || s.last.Limit != MaxLimit {
		t.Errorf("limit passed to the store = %d, want the cap %d", s.last.Limit, MaxLimit)
	}
}

// The areas register their actions (see provider/actions.go, ...); these are the test's own.
func init() {
	Register(
		Action{Name: "test.publish", Dutch: "Getest beleid gepubliceerd", Refused: "Getest beleid publiceren geweigerd"},
		Action{Name: "test.switch", Dutch: "Schakelaar omgezet", Refused: "Schakelaar omzetten geweigerd",
			Text: func(e Entry) string {
				if string(e.After) == "true" {
					return "Schakelaar aangezet"
				}
				return ""
			}},
	)
}

func TestActionTextIsDutchAndSaysWhatWasRefused(t *testing.T) {
	tests := []struct {
		e    Entry
		want string
	}{
		{Entry{Action: "test.publish"}, "Getest beleid gepubliceerd"},
		{Entry{Action: "test.publish", Denied: true}, "Getest beleid publiceren geweigerd"},
		{Entry{Action: "test.switch", After: JSON(true)}, "Schakelaar aangezet"},
		{Entry{Action: "test.switch", After: JSON(false)}, "Schakelaar omgezet"},
		{Entry{Action: "test.switch", After: JSON(true), Denied: true}, "Schakelaar omzetten geweigerd"},
		{Entry{Action: "offer.send"}, "offer.send"},
		{Entry{Action: "offer.send", Denied: true}, "offer.send"},
	}
	for _, tc := range tests {
		if got := ActionText(tc.e); got != tc.want {
			t.Errorf("ActionText(%s, denied %v) = %q, want %q", tc.e.Action, tc.e.Denied, got, tc.want)
		}
	}
}

func TestRegisteringAnActionTwiceOrWithoutDutchPanics(t *testing.T) {
	for _, a := range []Action{
		{Name: "test.publish", Dutch: "Nogmaals", Refused: "Nogmaals geweigerd"},
		{Name: "test.nameless"},
		{Dutch: "Zonder naam", Refused: "Zonder naam geweigerd"},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Register(%+v) did not panic", a)
				}
			}()
			Register(a)
		}()
	}
	if Registered("test.nameless") {
		t.Errorf("an action without Dutch texts was registered")
	}
}

func TestVerifyNamesTheBrokenEntry(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		tamper func(es []Entry) []Entry
		seq    int64
		want   string
	}{
		{"changed", func(es []Entry) []Entry { es[2].Reason = "x"; return es }, 3, "entry 3 was changed (its hash does not match its contents)"},
		{"removed", func(es []Entry) []Entry { return append(es[:1], es[2:]...) }, 3, "entry 3 does not follow entry 1: entry 2 was removed or the entries were reordered"},
		{"several removed", func(es []Entry) []Entry { return append(es[:1], es[3:]...) }, 4, "entries 2 to 3 were removed"},
		{"the first removed", func(es []Entry) []Entry { return es[1:] }, 2, "entry 2 does not follow the start of the trail: entry 1 was removed"},
		{"the first relinked", func(es []Entry) []Entry {
			es[0].PrevHash = "x"
			es[0].Hash = es[0].ComputeHash()
			return es
		}, 1, "entry 1 does not start the trail"},
		{"out of order", func(es []Entry) []Entry { es[1], es[2] = es[2], es[1]; return es }, 2, "entry 2 comes after entry 3: the entries were reordered"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			log, s := newLog()
			for range 4 {
				if _, err := log.Record(ctx, Entry{Action: "a", Subject: "s"}); err != nil {
					t.Fatal(err)
				}
			}
			if r, _ := log.Verify(ctx); !r.OK() || r.Entries != 4 || r.Head.Seq != 4 {
				t.Fatalf("before tampering: %+v", r)
			}
			s.entries = tc.tamper(s.entries)
			r, err := log.Verify(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if r.OK() {
				t.Fatalf("Verify found nothing wrong")
			}
			for _, p := range r.Problems {
				if p.Seq == tc.seq && strings.Contains(p.Message, tc.want) {
					return
				}
			}
			t.Errorf("no problem at %d saying %q: %+v", tc.seq, tc.want, r.Problems)
		})
	}
}

func TestVerifyAgainstNeedsAHead(t *testing.T) {
	log, _ := newLog()
	if _, err := log.VerifyAgainst(context.Background(), Head{}); apperr.CodeOf(err) != apperr.Invalid {
		t.Errorf("VerifyAgainst(zero head) = %v, want Invalid", err)
	}
}

func TestJSON(t *testing.T) {
	var nilPtr *struct{ A int }
	if JSON(nil) != nil || JSON(nilPtr) != nil {
		t.Errorf("JSON of nil should be nil")
	}
	if got := string(JSON(map[string]int{"a": 1})); got != `{"a":1}` {
		t.Errorf("JSON = %s", got)
	}
}

// Only the operator reads seqs and hashes; an organisation reads its trail numbered by
// place in it, since the seqs count (and neighbouring hashes give away) everyone's entries.
func TestAnOrganisationReadsItsTrailNumberedWithoutSeqsOrHashes(t *testing.T) {
	ctx := context.Background()
	log, s := newLog()
	if _, err := log.Record(ctx, Entry{OrgID: "cz", Scope: "cz", Action: "a", Subject: "s"}); err != nil {
		t.Fatal(err)
	}
	es, err := log.Entries(ctx, orgViewer{"cz": true}, Filter{OrgID: "cz", Numbered: false})
	if err != nil || len(es) != 1 {
		t.Fatalf("Entries = %v, %v", es, err)
	}
	if !s.last.Numbered || es[0].Seq != 0 || es[0].PrevHash != "" || es[0].Hash != "" {
		t.Errorf("an organisation's view: numbered %v, entry %+v; want numbered, without seq and hashes", s.last.Numbered, es[0])
	}
	es, err = log.Entries(ctx, Operator, Filter{OrgID: "cz", Numbered: true})
	if err != nil || s.last.Numbered || es[0].Seq != 1 || es[0].Hash == "" {
		t.Errorf("the operator's view: numbered %v, entry %+v, %v; want it as stored", s.last.Numbered, es, err)
	}
}

func TestAPageSaysWhereTheNextStartsOnlyWhenThereIsOne(t *testing.T) {
	ctx := context.Background()
	log, s := newLog()
	for range MaxLimit {
		if _, err := log.Record(ctx, Entry{Action: "login", Subject: "user:u-1"}); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name    string
		limit   int
		entries int
		next    int64
	}{
		{"a page short of the trail goes on from its last entry", 2, 2, MaxLimit - 1},
		{"a page of the whole trail is the last", MaxLimit, MaxLimit, 0},
		{"a page of the largest size short of the trail goes on", MaxLimit - 1, MaxLimit - 1, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pg, err := log.Page(ctx, Operator, Filter{Limit: tc.limit})
			if err != nil || len(pg.Entries) != tc.entries || pg.Next != tc.next {
				t.Errorf("Page = %d entries, next %d, %v; want %d, next %d", len(pg.Entries), pg.Next, err, tc.entries, tc.next)
			}
		})
	}
	if _, err := log.Page(ctx, Operator, Filter{Limit: 1 << 20}); err != nil || s.last.Limit != MaxLimit+1 {
		t.Errorf("limit passed to the store = %d, want the cap %d and one more", s.last.Limit, MaxLimit)
	}
	if _, err := log.Page(ctx, orgViewer{"cz": true}, Filter{}); apperr.CodeOf(err) != apperr.Forbidden {
		t.Errorf("a page of the whole trail for an organisation: %v, want Forbidden", err)
	}
}
