// Package audit is the tamper-evident trail of every state change on the platform: who did
// what, for which organisation, to which object, with the value before and after and the
// reason given, including attempts that were denied.
//
// The trail is append-only and hash-chained. Entry n carries the hash of entry n-1
// (PrevHash) and its own hash (Hash), computed over every field including Seq and PrevHash
// (see Entry.ComputeHash). Changing, removing or reordering an entry therefore breaks either
// that entry's hash or the link of the entry after it, and Log.Verify reports it. Removing
// the newest entries leaves a shorter chain that is still whole: that can only be detected
// by comparing the head (the last entry's seq and hash) with a head recorded earlier, which
// is what Log.VerifyAgainst does and why `zorginkoop audit verify` prints the head.
//
// The first entry's PrevHash is the empty string (Genesis).
package audit

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"zorginkoop/internal/apperr"
)

// Genesis is the PrevHash of the first entry.
const Genesis = ""

// hashVersion starts every hashed encoding, so that a later change of the encoding can be
// told apart from tampering.
const hashVersion = "zorginkoop-audit-v1"

// Entry is one recorded state change (or denied attempt).
type Entry struct {
	Seq      int64           `json:"seq"`
	At       time.Time       `json:"at"`
	UserID   string          `json:"user_id"`
	UserName string          `json:"user_name"`
	OrgID    string          `json:"org_id"`  // the organisation the user acted for
	Action   string          `json:"action"`  // e.g. "policy.publish"
	Subject  string          `json:"subject"` // the object acted on, e.g. "policy:cz-msz-2024"
	Scope    string          `json:"scope"`   // the organisation whose data it is
	Dossier  string          `json:"dossier"` // the dossier it belongs to, if any
	Before   json.RawMessage `json:"before,omitempty"`
	After    json.RawMessage `json:"after,omitempty"`
	Reason   string          `json:"reason"`
	Denied   bool            `json:"denied"` // the attempt was refused
	PrevHash string          `json:"prev_hash"`
	Hash     string          `json:"hash"`
	// Pos is the entry's place in the organisation's trail it was read from (1 for that
	// trail's first entry), set only in a tenant's view (Filter.Numbered), where Seq,
	// PrevHash and Hash are left out. Not stored and not hashed.
	Pos int64 `json:"-"`
}

// Number is the entry's number in the view it was read from: its place in the
// organisation's trail (Pos) for a tenant, its seq for the operator. A page goes on from
// the last entry's Number (Filter.Before).
func (e Entry) Number() int64 {
	if e.Pos > 0 {
		return e.Pos
	}
	return e.Seq
}

// ComputeHash returns the hex SHA-256 of the entry's canonical encoding: every field but
// Hash, in a fixed order, each written as its length (8 bytes, big-endian) followed by its
// bytes, after the version tag "zorginkoop-audit-v1". Seq is decimal, At is UTC in RFC 3339
// with nanoseconds (trailing zeros dropped), Before and After are compacted JSON (empty
// when absent), Denied is "true" or "false". Length prefixes make the encoding unambiguous:
// no two different entries encode to the same bytes.
func (e *Entry) ComputeHash() string {
	h := sha256.New()
	var n [8]byte
	field := func(b []byte) {
		binary.BigEndian.PutUint64(n[:], uint64(len(b)))
		h.Write(n[:])
		h.Write(b)
	}
	str := func(s string) { field([]byte(s)) }
	str(hashVersion)
	str(strconv.FormatInt(e.Seq, 10))
	str(e.PrevHash)
	str(e.At.UTC().Format(time.RFC3339Nano))
	str(e.UserID)
	str(e.UserName)
	str(e.OrgID)
	str(e.Action)
	str(e.Subject)
	str(e.Scope)
	str(e.Dossier)
	field(compact(e.Before))
	field(compact(e.After))
	str(e.Reason)
	str(strconv.FormatBool(e.Denied))
	return hex.EncodeToString(h.Sum(nil))
}

// compact returns raw without insignificant white space; invalid JSON is hashed as it is
// (Record never stores it).
func compact(raw json.RawMessage) []byte {
	if len(raw) == 0 {
		return nil
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return raw
	}
	return b.Bytes()
}

// JSON encodes v for Entry.Before or Entry.After; nil (or a nil pointer) gives nil. It
// panics if v cannot be encoded (a channel, a function, a cycle): that is a programming
// error, as with regexp.MustCompile.
func JSON(v any) json.RawMessage {
	if v == nil {
		return nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("audit.JSON: %v", err))
	}
	if string(b) == "null" {
		return nil
	}
	return b
}

// Head identifies the newest entry of the trail: its seq and hash. The empty trail has the
// zero Head.
type Head struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
}

func (h Head) String() string { return fmt.Sprintf("seq %d hash %s", h.Seq, h.Hash) }

// Filter selects entries, newest first.
type Filter struct {
	// OrgID selects one organisation's trail: the entries its users made (OrgID) and the
	// entries about its data (Scope is OrgID or one of Scopes).
	OrgID string
	// Scopes are the further scopes of the organisation's data: the registry insurers and
	// provider records it acts for. Only with OrgID; the caller takes them from the
	// organisation's record (identity.Organisation.AuditFilter), never from the request.
	Scopes []string
	// HideDeniedElsewhere, with OrgID, leaves out the refused attempts of the
	// organisation's users at data of another scope. Such an attempt is recorded only
	// when the object exists, so showing it would tell the organisation that another's
	// object exists and whose it is; it is in the trail of the organisation whose data it
	// is (and the operator's).
	HideDeniedElsewhere bool
	Subject             string
	Dossier             string
	Limit               int // at most this many; the store treats 0 as no limit
	// Before, if > 0, selects the entries numbered below it (the next page, from the last
	// entry's Number): with a smaller seq, or when Numbered a smaller Pos.
	Before int64
	// Numbered, with OrgID, numbers the entries by their place in the organisation's
	// trail (Entry.Pos: 1, 2, 3, ... counting only that trail's entries), for a view that
	// must not show how many entries other organisations made. Log.Entries sets it for
	// every viewer but the operator.
	Numbered bool
}

// OrgScopes are the scopes an organisation's trail shows: OrgID and Scopes, without
// duplicates or empty ones.
func (f Filter) OrgScopes() []string {
	var out []string
	for _, s := range append([]string{f.OrgID}, f.Scopes...) {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// Store keeps the trail.
type Store interface {
	// AppendAudit reads the head and inserts the entry that build makes from it, in one
	// write transaction that no other appender (in this process or another) can interleave
	// with. An error from build aborts the append.
	AppendAudit(ctx context.Context, build func(prev Head) (Entry, error)) (Entry, error)
	// AuditEntries returns the matching entries, newest first; with f.Numbered, each with
	// its place in the organisation's trail (Pos), counted before Subject and Dossier
	// filter it, so that an entry keeps its number in every filtered view.
	AuditEntries(ctx context.Context, f Filter) ([]Entry, error)
	// EachAuditEntry calls fn with every entry in seq order, stopping at fn's first error.
	EachAuditEntry(ctx context.Context, fn func(Entry) error) error
}

// Viewer is who asks to read the trail.
type Viewer interface {
	// MayViewAudit reports whether the viewer may read the trail of organisation orgID;
	// orgID "" asks for the whole trail.
	MayViewAudit(orgID string) bool
}

// Operator is the Viewer of the operator's command line: it may view the whole trail.
var Operator Viewer = operator{}

type operator struct{}

func (operator) MayViewAudit(string) bool { return true }

// Limits of Entries.
const (
	DefaultLimit = 50
	MaxLimit     = 1000
)

// Log records and checks the trail. Build it with NewLog.
type Log struct {
	store Store
	clock func() time.Time
}

// NewLog returns the trail kept in store, with now as the clock. It panics on a nil store
// or clock: a trail that cannot record is a wiring bug.
func NewLog(store Store, now func() time.Time) *Log {
	if store == nil || now == nil {
		panic("audit.NewLog: store and now are required; wire services with app.New")
	}
	return &Log{store: store, clock: now}
}

func (l *Log) now() time.Time { return l.clock() }

// Record appends e to the trail and returns it as stored. Action and Subject are required;
// Before and After, if set, must be JSON. Seq, At, PrevHash and Hash are set here: At from
// the clock, in UTC and truncated to microseconds (what both engines store exactly).
func (l *Log) Record(ctx context.Context, e Entry) (Entry, error) {
	if err := validate(&e); err != nil {
		return Entry{}, err
	}
	return l.store.AppendAudit(ctx, func(prev Head) (Entry, error) {
		// Under the store's lock, so times follow seq order within one clock.
		e.Seq = prev.Seq + 1
		e.PrevHash = prev.Hash
		e.At = l.now().UTC().Truncate(time.Microsecond)
		e.Hash = e.ComputeHash()
		return e, nil
	})
}

// validate checks e and stores its JSON compacted, so the stored text is what is hashed.
func validate(e *Entry) error {
	var errs apperr.List
	if e.Action == "" {
		errs = append(errs, apperr.Invalidf("action", "an audit entry needs an action"))
	}
	if e.Subject == "" {
		errs = append(errs, apperr.Invalidf("subject", "an audit entry needs a subject (the object acted on)"))
	}
	texts := []struct{ name, value string }{
		{"user_id", e.UserID}, {"user_name", e.UserName}, {"org_id", e.OrgID}, {"action", e.Action},
		{"subject", e.Subject}, {"scope", e.Scope}, {"dossier", e.Dossier}, {"reason", e.Reason},
	}
	for _, t := range texts {
		// PostgreSQL text holds neither; refuse on both engines alike.
		if !utf8.ValidString(t.value) || bytes.IndexByte([]byte(t.value), 0) >= 0 {
			errs = append(errs, apperr.Invalidf(t.name, "must be UTF-8 text without NUL characters"))
		}
	}
	var err error
	if e.Before, err = normalJSON(e.Before); err != nil {
		errs = append(errs, apperr.Invalidf("before", "is not valid JSON: %v", err))
	}
	if e.After, err = normalJSON(e.After); err != nil {
		errs = append(errs, apperr.Invalidf("after", "is not valid JSON: %v", err))
	}
	return errs.Err()
}

// normalJSON returns raw compacted, and nil for absent or JSON null.
func normalJSON(raw json.RawMessage) (json.RawMessage, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, nil
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return nil, err
	}
	if b.String() == "null" {
		return nil, nil
	}
	return b.Bytes(), nil
}

// SeesWholeTrail reports whether viewer sees the trail as stored: every entry with its seq
// and hashes (the operator). Everyone else reads an organisation's trail numbered by
// place in it (Filter.Numbered), without seq or hashes: seqs count every organisation's
// entries, and the hashes of two neighbouring entries would give the seq away (it is
// hashed), so either would tell how much the other organisations do.
func SeesWholeTrail(viewer Viewer) bool { return viewer != nil && viewer.MayViewAudit("") }

// Entries returns the entries the viewer asks for, newest first. A viewer sees the whole
// trail only if it may view all (SeesWholeTrail); otherwise f.OrgID must name an
// organisation whose trail it may view, and the entries come numbered by their place in
// that trail (Entry.Pos), without Seq, PrevHash and Hash. Limit defaults to DefaultLimit
// and is capped at MaxLimit; page on with Before set to the last entry's Number, or use
// Page, which says where the next page starts.
func (l *Log) Entries(ctx context.Context, viewer Viewer, f Filter) ([]Entry, error) {
	f, err := readFilter(viewer, f)
	if err != nil {
		return nil, err
	}
	return l.read(ctx, f)
}

// Page is one page of the trail, newest first, and where the next (older) page starts.
type Page struct {
	Entries []Entry
	// Next is the Before of the next page: the Number of the last entry here. 0 on the
	// last page.
	Next int64
}

// Page returns the entries of Entries as a page: at most f.Limit of them, and whether
// older ones follow, told by reading one entry more than the page holds. Every door pages
// the trail with it.
func (l *Log) Page(ctx context.Context, viewer Viewer, f Filter) (Page, error) {
	f, err := readFilter(viewer, f)
	if err != nil {
		return Page{}, err
	}
	size := f.Limit
	f.Limit++ // beyond MaxLimit by one: a full page of MaxLimit knows whether another follows
	es, err := l.read(ctx, f)
	if err != nil {
		return Page{}, err
	}
	if len(es) <= size {
		return Page{Entries: es}, nil
	}
	es = es[:size]
	return Page{Entries: es, Next: es[size-1].Number()}, nil
}

// readFilter checks that viewer may read what f asks for, and sets its limit and numbering.
func readFilter(viewer Viewer, f Filter) (Filter, error) {
	if viewer == nil {
		return f, &apperr.Error{Code: apperr.Forbidden, Message: "you may not view the audit trail"}
	}
	if f.OrgID == "" && !viewer.MayViewAudit("") {
		return f, &apperr.Error{Code: apperr.Forbidden, Field: "org",
			Message: "you may not view the whole audit trail: choose an organisation whose trail you may view"}
	}
	if f.OrgID != "" && !viewer.MayViewAudit(f.OrgID) {
		return f, &apperr.Error{Code: apperr.Forbidden, Field: "org",
			Message: fmt.Sprintf("you may not view the audit trail of organisation %q", f.OrgID)}
	}
	if f.OrgID == "" && (len(f.Scopes) > 0 || f.HideDeniedElsewhere) {
		return f, apperr.Invalidf("org", "scopes select an organisation's data: give the organisation too")
	}
	if f.Limit < 0 {
		return f, apperr.Invalidf("limit", "must be 0 or more")
	}
	if f.Before < 0 {
		return f, apperr.Invalidf("before", "must be 0 or more")
	}
	if f.Limit == 0 {
		f.Limit = DefaultLimit
	}
	f.Limit = min(f.Limit, MaxLimit)
	f.Numbered = !SeesWholeTrail(viewer)
	return f, nil
}

// read reads the entries of a checked filter; a numbered view leaves out seq and hashes.
func (l *Log) read(ctx context.Context, f Filter) ([]Entry, error) {
	es, err := l.store.AuditEntries(ctx, f)
	if err != nil || !f.Numbered {
		return es, err
	}
	for i := range es {
		es[i].Seq, es[i].PrevHash, es[i].Hash = 0, "", ""
	}
	return es, nil
}

// Problem is one thing wrong with the trail, at entry Seq.
type Problem struct {
	Seq     int64  `json:"seq"`
	Message string `json:"message"` // plain English, naming the entry
}

// MaxProblems is how many problems a Report lists; more are counted in Omitted.
const MaxProblems = 1000

// Report is the outcome of a verification.
type Report struct {
	Entries  int       `json:"entries"`
	Head     Head      `json:"head"` // the last entry read
	Problems []Problem `json:"problems"`
	Omitted  int       `json:"omitted,omitempty"` // problems beyond MaxProblems
}

// OK reports whether the trail is intact.
func (r Report) OK() bool { return len(r.Problems) == 0 && r.Omitted == 0 }

func (r *Report) add(seq int64, format string, args ...any) {
	if len(r.Problems) >= MaxProblems {
		r.Omitted++
		return
	}
	r.Problems = append(r.Problems, Problem{Seq: seq, Message: fmt.Sprintf(format, args...)})
}

// Verify walks the whole trail in seq order and reports every entry whose hash does not
// match its contents and every break in the chain (a gap in the seqs, or a PrevHash that
// is not the previous entry's hash). A trail whose newest entries were removed still
// verifies: compare Report.Head with a head recorded earlier, or use VerifyAgainst.
func (l *Log) Verify(ctx context.Context) (Report, error) {
	return l.verify(ctx, nil)
}

// VerifyAgainst is Verify that also checks that entry known.Seq still exists with hash
// known.Hash, a head printed by an earlier verification. That detects the removal of the
// newest entries and a rewrite of the chain up to that entry, which Verify alone cannot.
func (l *Log) VerifyAgainst(ctx context.Context, known Head) (Report, error) {
	if known.Seq <= 0 || known.Hash == "" {
		return Report{}, apperr.Invalidf("head", "a recorded head needs a seq of 1 or more and a hash")
	}
	return l.verify(ctx, &known)
}

func (l *Log) verify(ctx context.Context, known *Head) (Report, error) {
	var (
		r         Report
		prev      Head // the previous entry as stored
		knownSeen bool
	)
	err := l.store.EachAuditEntry(ctx, func(e Entry) error {
		r.Entries++
		if e.ComputeHash() != e.Hash {
			r.add(e.Seq, "entry %d was changed (its hash does not match its contents)", e.Seq)
		}
		checkLink(&r, prev, e)
		if known != nil && e.Seq == known.Seq {
			knownSeen = true
			if e.Hash != known.Hash {
				r.add(e.Seq, "entry %d is not the entry recorded earlier (hash %s): the trail was rewritten up to entry %d", e.Seq, known.Hash, e.Seq)
			}
		}
		prev = Head{Seq: e.Seq, Hash: e.Hash}
		return nil
	})
	if err != nil {
		return Report{}, fmt.Errorf("verify audit trail: %w", err)
	}
	r.Head = prev
	if known != nil && !knownSeen {
		r.add(known.Seq, "entry %d, recorded earlier as the head, is missing: entries up to %d were removed (the trail now ends at entry %d)", known.Seq, known.Seq, prev.Seq)
	}
	return r, nil
}

// checkLink reports whether e follows prev (the zero Head at the start of the trail).
func checkLink(r *Report, prev Head, e Entry) {
	after := fmt.Sprintf("entry %d", prev.Seq)
	if prev.Seq == 0 {
		after = "the start of the trail"
	}
	switch {
	case e.Seq == prev.Seq+2:
		r.add(e.Seq, "entry %d does not follow %s: entry %d was removed or the entries were reordered", e.Seq, after, prev.Seq+1)
	case e.Seq > prev.Seq+2:
		r.add(e.Seq, "entry %d does not follow %s: entries %d to %d were removed or the entries were reordered", e.Seq, after, prev.Seq+1, e.Seq-1)
	case e.Seq <= prev.Seq: // the store returns seq order; cannot happen with a primary key
		r.add(e.Seq, "entry %d comes after %s: the entries were reordered", e.Seq, after)
	case e.PrevHash != prev.Hash && prev.Seq == 0:
		r.add(e.Seq, "entry %d does not start the trail: it links to an earlier entry (entries before it were removed, or it was changed)", e.Seq)
	case e.PrevHash != prev.Hash:
		r.add(e.Seq, "entry %d does not follow %s: its link to the previous entry does not match (entry %d was changed or removed, or the entries were reordered)", e.Seq, after, prev.Seq)
	}
}
