package vektis

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"unsafe"
)

// ErrTooLarge is the cause (errors.Is) of the *Error a Scanner reports when
// the input exceeds Options.MaxBytes. Callers map it to their own "too
// large" error (apperr TooLarge in the claims service).
var ErrTooLarge = errors.New("vektis: file too large")

// scanBufSize is the Scanner's read buffer: memory stays at this size
// whatever the input's length.
const scanBufSize = 64 << 10

// Scanner reads a file record by record, checking each one as it comes and
// the file as a whole at its end (order, numbering, the closing record's
// counts and totals). Memory is flat: one read buffer, no copy per record.
//
// A record handed out by Scan is structurally valid on its own, but the file
// is only valid when Scan has returned false and Err is nil: a consumer that
// stores records as they come must undo everything when Err is not nil.
//
//	s := vektis.NewScanner(r, vektis.ZH308v90(), vektis.Options{MaxBytes: max})
//	for s.Scan() {
//		rec := s.Record()
//		...
//	}
//	if err := s.Err(); err != nil {
//		// refuse the whole file
//	}
type Scanner struct {
	l          *Layout
	r          io.Reader
	max        int64
	buf        []byte
	start, end int   // unread data is buf[start:end]
	eof        bool  // the reader is exhausted
	off        int64 // bytes consumed as lines
	line       int
	rec        Record
	err        error
	done       bool

	closed bool
	level  int   // nesting level of the last non-annotation detail record, -1 none
	lastID int64 // last IDENTIFICATIE DETAILRECORD of a non-annotation record
	tally
}

// tally counts what the closing record must match.
type tally struct {
	counts []int   // records per type (by table order)
	detail int     // all records between opening and closing
	sums   []int64 // signed sums per Layout.totals slot
}

func newTally(l *Layout) tally {
	return tally{counts: make([]int, len(l.Types)), sums: make([]int64, len(l.totals))}
}

// NewScanner returns a Scanner reading r against layout l. With
// opt.MaxBytes > 0 (or the default) it reads at most MaxBytes+1 bytes of r.
func NewScanner(r io.Reader, l *Layout, opt Options) *Scanner {
	max := opt.MaxBytes
	if max == 0 {
		max = DefaultMaxBytes
	}
	if max > 0 {
		r = io.LimitReader(r, max+1)
	}
	size := scanBufSize
	if min := 4 * (l.RecordLength + 2); size < min {
		size = min
	}
	return &Scanner{l: l, r: r, max: max, buf: make([]byte, size), level: -1, tally: newTally(l)}
}

// Scan advances to the next record, checked on its own and in its place in
// the file. It returns false at the end of the input or at the first error;
// then Err tells which.
func (s *Scanner) Scan() bool {
	if s.err != nil || s.done {
		return false
	}
	line, ok := s.next()
	if !ok {
		if s.err == nil {
			s.finish()
		}
		return false
	}
	if e := s.record(line); e != nil {
		s.err = e
		return false
	}
	return true
}

// Record returns the current record. Its raw text refers to the Scanner's
// buffer and is valid only until the next call of Scan; the values Record.At
// and Record.Field return are copies and stay valid.
func (s *Scanner) Record() Record { return s.rec }

// Line returns the current record's 1-based line number.
func (s *Scanner) Line() int { return s.line }

// Err returns nil after a complete valid file (closing record checked),
// otherwise the first error: an *Error (line, position, field; errors.Is
// ErrTooLarge when the input exceeds Options.MaxBytes) or the reader's
// error. Before Scan has returned false it reports nil.
func (s *Scanner) Err() error {
	if s.err == nil {
		return nil
	}
	return s.err
}

func (s *Scanner) finish() {
	s.done = true
	if s.line == 0 {
		s.err = &Error{Line: 1, Pos: 1, Msg: "file is empty"}
		return
	}
	if !s.closed {
		s.err = &Error{Line: s.line + 1, Pos: 1, Msg: fmt.Sprintf("file ends without closing record %s (truncated?)", s.l.Closing().Code)}
	}
}

func (s *Scanner) tooLarge() *Error {
	return &Error{Line: s.line, Pos: 1, Msg: fmt.Sprintf("file is larger than the limit of %d bytes", s.max), Err: ErrTooLarge}
}

// fill moves the unread tail to the front and reads until the buffer is full
// or the reader is exhausted.
func (s *Scanner) fill() bool {
	if s.start > 0 {
		n := copy(s.buf, s.buf[s.start:s.end])
		s.start, s.end = 0, n
	}
	empty := 0
	for s.end < len(s.buf) && !s.eof {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		switch {
		case err == io.EOF:
			s.eof = true
		case err != nil:
			s.err = err
			return false
		case n == 0:
			if empty++; empty > 100 {
				s.err = io.ErrNoProgress
				return false
			}
		}
	}
	return true
}

// next returns the next line without its line ending (LF or CRLF; the last
// line may lack one), a slice of the buffer.
func (s *Scanner) next() ([]byte, bool) {
	rl := s.l.RecordLength
	if s.end-s.start < rl+2 && !s.eof {
		if !s.fill() {
			return nil, false
		}
	}
	avail := s.buf[s.start:s.end]
	if len(avail) == 0 {
		return nil, false
	}
	s.line++
	var line []byte
	adv := 0
	switch {
	case len(avail) > rl+1 && avail[rl] == '\r' && avail[rl+1] == '\n':
		line, adv = avail[:rl], rl+2
	case len(avail) > rl && avail[rl] == '\n' && avail[rl-1] != '\r':
		line, adv = avail[:rl], rl+1
	default:
		lim := min(len(avail), rl+2)
		if i := bytes.IndexByte(avail[:lim], '\n'); i >= 0 {
			line, adv = avail[:i], i+1
		} else if len(avail) >= rl+2 {
			if s.max > 0 && s.off+int64(rl+2) > s.max {
				s.err = s.tooLarge()
				return nil, false
			}
			if e := s.bytesOK(avail[:rl+1]); e != nil {
				s.err = e
				return nil, false
			}
			s.err = &Error{Line: s.line, Pos: rl + 1, Msg: fmt.Sprintf("line is longer than %d positions", rl)}
			return nil, false
		} else {
			line, adv = avail, len(avail) // the last line, without line ending
		}
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
	}
	s.off += int64(adv)
	if s.max > 0 && s.off > s.max {
		s.err = s.tooLarge()
		return nil, false
	}
	s.start += adv
	return line, true
}

func (s *Scanner) errf(pos int, f *Field, format string, a ...any) *Error {
	e := &Error{Line: s.line, Pos: pos, Msg: fmt.Sprintf(format, a...)}
	if f != nil {
		e.Field = f.Name
	}
	return e
}

var bom = []byte("\xef\xbb\xbf")

// bytesOK checks that line is printable ISO-8859-1 and does not look like
// UTF-8 (see badByte).
func (s *Scanner) bytesOK(line []byte) *Error {
	if s.line == 1 && bytes.HasPrefix(line, bom) {
		return s.errf(1, nil, "file starts with a UTF-8 byte order mark; Vektis files are ISO-8859-1 without one")
	}
	if i, utf := badByte(line); i >= 0 {
		if utf > 0 {
			return s.errf(i+1, nil, "bytes % X are UTF-8 for %q: Vektis files are ISO-8859-1 (wrong encoding)", line[i:i+utf], string(line[i:i+utf]))
		}
		return s.errf(i+1, nil, "invalid byte 0x%02X: not a printable ISO-8859-1 character (wrong encoding or binary data?)", line[i])
	}
	return nil
}

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// badByte returns the index of the first byte that is not printable
// ISO-8859-1 (0x00-0x1F, 0x7F-0x9F), or the start of a UTF-8 multi-byte
// sequence (utf > 0: its length), or -1. Eight bytes at a time: a word of
// printable ASCII (the common case) costs a few operations.
//
// UTF-8: every byte of a UTF-8 sequence is a valid Latin-1 character when
// the continuation bytes are 0xA0-0xBF ("é" is C3 A9, Latin-1 "Ã©"), so
// such text passes a pure ISO-8859-1 check. A lead byte 0xC2-0xDF followed
// by a continuation byte, or 0xE0-0xEF followed by two, is refused as UTF-8:
// in Latin-1 that is a capital letter with accent followed by a symbol
// (Ã©, Ã¼, Â«), which Dutch names, addresses and codes never contain. Other
// sequences contain a byte 0x80-0x9F and are refused as control bytes.
func badByte(b []byte) (int, int) {
	// Branch-free over the whole line: OR the per-word flags together, look
	// byte by byte only when a flag is set.
	// Given no byte >= 0x80 (x itself), x+1 sets a byte's high bit only for
	// 0x7F and x-0x20 only borrows (setting a high bit) below a byte < 0x20.
	var acc uint64
	i := 0
	for w := b; len(w) >= 32; w = w[32:] {
		x0 := binary.LittleEndian.Uint64(w[0:8])
		x1 := binary.LittleEndian.Uint64(w[8:16])
		x2 := binary.LittleEndian.Uint64(w[16:24])
		x3 := binary.LittleEndian.Uint64(w[24:32])
		acc |= x0 | (x0 + lsb) | (x0 - lsb*0x20) | x1 | (x1 + lsb) | (x1 - lsb*0x20) |
			x2 | (x2 + lsb) | (x2 - lsb*0x20) | x3 | (x3 + lsb) | (x3 - lsb*0x20)
		i += 32
	}
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		acc |= x | (x + lsb) | (x - lsb*0x20)
	}
	for ; i < len(b); i++ {
		acc |= uint64(b[i]&0x80) | uint64(b2u(b[i] < 0x20 || b[i] == 0x7f))<<7
	}
	if acc&msb == 0 {
		return -1, 0
	}
	// Latin-1 text or something wrong: look byte by byte only at the words flagged.
	for i = 0; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		if (x|(x+lsb)|(x-lsb*0x20))&msb == 0 {
			continue
		}
		if j, n := badByteSlow(b, i, i+8); j >= 0 {
			return j, n
		}
	}
	return badByteSlow(b, i, len(b))
}

func b2u(v bool) byte {
	if v {
		return 1
	}
	return 0
}

func badByteSlow(b []byte, from, to int) (int, int) {
	for j := from; j < to; j++ {
		c := b[j]
		switch {
		case c < 0x20 || c >= 0x7f && c <= 0x9f:
			return j, 0
		case c >= 0xc2 && c <= 0xdf:
			if j+1 < len(b) && cont(b[j+1]) {
				return j, 2
			}
		case c >= 0xe0 && c <= 0xef:
			if j+2 < len(b) && cont(b[j+1]) && cont(b[j+2]) {
				return j, 3
			}
		}
	}
	return -1, 0
}

func cont(c byte) bool { return c >= 0x80 && c <= 0xbf }

func (s *Scanner) typeOf(line []byte) *RecordType {
	l := s.l
	code := line[l.CodeStart-1 : l.CodeStart-1+l.CodeLength]
	for _, rt := range l.Types {
		if rt.Code == string(code) {
			return rt
		}
	}
	return nil
}

func (s *Scanner) record(line []byte) *Error {
	l := s.l
	if e := s.bytesOK(line); e != nil {
		return e
	}
	if len(line) > l.RecordLength {
		return s.errf(l.RecordLength+1, nil, "line is %d positions, longer than the record length %d", len(line), l.RecordLength)
	}
	if len(line) < l.CodeStart-1+l.CodeLength {
		return s.errf(len(line)+1, nil, "line is %d positions, shorter than the record length %d (truncated or wrongly padded)", len(line), l.RecordLength)
	}
	rt := s.typeOf(line)
	if rt == nil {
		return s.errf(l.CodeStart, &l.Types[0].Fields[0], "unknown record type %q", line[l.CodeStart-1:l.CodeStart-1+l.CodeLength])
	}
	if len(line) < l.RecordLength {
		var f *Field
		for i := range rt.Fields {
			if rt.Fields[i].End > len(line) {
				f = &rt.Fields[i]
				break
			}
		}
		return s.errf(len(line)+1, f, "%s is %d positions, shorter than the record length %d (truncated or wrongly padded)", rt.Name, len(line), l.RecordLength)
	}
	if e := s.order(rt); e != nil {
		return e
	}
	if k, e := checkFields(rt, line); e != nil {
		f := &rt.Fields[rt.checks[k].field]
		return s.errf(e.pos, f, "%s", e.msg)
	}
	switch {
	case rt == l.Closing():
		if e := s.checkClosing(rt, line); e != nil {
			return e
		}
		s.closed = true
	case rt != l.Opening():
		if e := s.checkSeq(rt, line); e != nil {
			return e
		}
		if e := s.add(rt, line); e != nil {
			return s.errf(e.pos, &rt.Fields[e.field], "%s", e.msg)
		}
	}
	s.rec = Record{Type: rt, Line: s.line, raw: unsafe.String(&line[0], len(line))}
	return nil
}

func (s *Scanner) order(rt *RecordType) *Error {
	l := s.l
	codeField := &rt.Fields[0]
	switch {
	case s.closed:
		return s.errf(l.CodeStart, codeField, "record %s after the closing record %s", rt.Code, l.Closing().Code)
	case s.line == 1:
		if rt != l.Opening() {
			return s.errf(l.CodeStart, codeField, "file must start with opening record %s, found %s", l.Opening().Code, rt.Code)
		}
		s.level = -1
	case rt == l.Opening():
		return s.errf(l.CodeStart, codeField, "second opening record %s", rt.Code)
	case rt == l.Closing():
	case rt.annot:
		if s.level < 0 {
			return s.errf(l.CodeStart, codeField, "%s %s before any detail record", rt.Name, rt.Code)
		}
	default:
		if rt.level > s.level+1 {
			want := ""
			for _, t := range l.Types {
				if t.level == rt.level-1 && !t.annot && t != l.Opening() && t != l.Closing() {
					want = t.Code
				}
			}
			return s.errf(l.CodeStart, codeField, "%s %s must follow a record %s it belongs to", rt.Name, rt.Code, want)
		}
		s.level = rt.level
	}
	return nil
}

func (s *Scanner) checkSeq(rt *RecordType, line []byte) *Error {
	if rt.seq < 0 {
		return nil
	}
	f := &rt.Fields[rt.seq]
	v := line[f.Start-1 : f.End]
	n, ok := parseNum(v)
	if !ok {
		return s.errf(f.Start, f, "%q is not a sequence number", bytes.Trim(v, " "))
	}
	if rt.annot {
		if n != s.lastID {
			return s.errf(f.Start, f, "%s carries detail number %d, want %d (the record it comments on)", rt.Name, n, s.lastID)
		}
		return nil
	}
	if n != s.lastID+1 {
		return s.errf(f.Start, f, "detail record number %d, want %d (numbers start at 1 and go up by 1)", n, s.lastID+1)
	}
	s.lastID = n
	return nil
}

// fieldErr is a field check's failure: position (1-based) and message.
type fieldErr struct {
	field int
	pos   int
	msg   string
}

// add counts a detail record and adds its amounts to the sums.
func (t *tally) add(rt *RecordType, line []byte) *fieldErr {
	t.counts[rt.order]++
	t.detail++
	for _, ref := range rt.sums {
		f := &rt.Fields[ref.f]
		v := line[f.Start-1 : f.End]
		if isBlank(v) {
			continue
		}
		n, ok := parseNum(v)
		if !ok {
			return &fieldErr{field: ref.f, pos: f.Start, msg: fmt.Sprintf("amount %q is not a number", bytes.Trim(v, " "))}
		}
		if ref.sign >= 0 {
			sf := &rt.Fields[ref.sign]
			switch sv := line[sf.Start-1 : sf.End]; {
			case len(sv) == 1 && sv[0] == 'D':
			case len(sv) == 1 && sv[0] == 'C':
				n = -n
			default:
				return &fieldErr{field: ref.sign, pos: sf.Start, msg: fmt.Sprintf("debit/credit indicator %q is not D or C", sv)}
			}
		}
		t.sums[ref.slot] += n
	}
	return nil
}

func (s *Scanner) checkClosing(rt *RecordType, line []byte) *Error {
	for _, c := range rt.closes {
		f := &rt.Fields[c.field]
		v := line[f.Start-1 : f.End]
		got := int64(0)
		if !isBlank(v) {
			n, ok := parseNum(v)
			if !ok {
				return s.errf(f.Start, f, "%q is not a number", bytes.Trim(v, " "))
			}
			got = n
		}
		var want int64
		switch c.kind {
		case clDetails:
			want = int64(s.detail)
		case clCount:
			if c.typ >= 0 {
				want = int64(s.counts[c.typ])
			}
		case clTotal:
			if c.sign >= 0 {
				sf := &rt.Fields[c.sign]
				switch sv := line[sf.Start-1 : sf.End]; {
				case len(sv) == 1 && sv[0] == 'D':
				case len(sv) == 1 && sv[0] == 'C':
					got = -got
				default:
					return s.errf(sf.Start, sf, "debit/credit indicator %q is not D or C", sv)
				}
			}
			if sum := s.sums[c.slot]; got != sum {
				return s.errf(f.Start, f, "closing total is %d cents, the records add up to %d", got, sum)
			}
			continue
		}
		if got != want {
			return s.errf(f.Start, f, "closing record says %d, the file has %d", got, want)
		}
	}
	return nil
}

// checkFields runs the record type's field checks; on failure it returns
// the index of the failing check and the error. Fields of up to 8 positions
// are checked as one word (blank, all digits); longer ones word by word.
func checkFields(rt *RecordType, line []byte) (int, *fieldErr) {
	if len(line) < 8 {
		return checkFieldsSlow(rt, line, 0)
	}
	for si := range rt.steps {
		st := &rt.steps[si]
		k := st.k
		if st.run {
			if nonDigit(line[st.off:st.end]) >= 0 {
				return checkFieldsSlow(rt, line, k)
			}
			for _, d := range st.dates {
				if c := &rt.checks[d]; !validDate(line[c.off:c.end]) {
					return checkFieldsSlow(rt, line, k)
				}
			}
			continue
		}
		c := &rt.checks[k]
		if c.n <= 8 {
			x := binary.LittleEndian.Uint64(line[c.lo:]) >> c.sh & c.mask
			if x == c.blank {
				if c.mand {
					return checkFieldsSlow(rt, line, k)
				}
				continue
			}
			if c.kind == ckMandatory {
				continue
			}
			if c.digits || c.kind == ckDate {
				if x&c.hi != c.d30 || (x+c.d06)&c.hi != c.d30 {
					return checkFieldsSlow(rt, line, k)
				}
				if c.digits || !c.mand && x == c.d30 {
					continue
				}
			}
		} else if c.digits || c.kind == ckMandatory {
			v := line[c.off:c.end]
			if isBlank(v) {
				if c.mand {
					return checkFieldsSlow(rt, line, k)
				}
				continue
			}
			if c.kind == ckMandatory || nonDigit(v) < 0 {
				continue
			}
			return checkFieldsSlow(rt, line, k)
		}
		if e := checkField(c, line[c.off:c.end]); e != nil {
			return k, e
		}
	}
	return 0, nil
}

func checkFieldsSlow(rt *RecordType, line []byte, from int) (int, *fieldErr) {
	for k := from; k < len(rt.checks); k++ {
		c := &rt.checks[k]
		if e := checkField(c, line[c.off:c.end]); e != nil {
			return k, e
		}
	}
	return 0, nil
}

// checkField is one field's check, byte by byte, with the error message.
func checkField(c *check, v []byte) *fieldErr {
	if isBlank(v) {
		if c.mand {
			return &fieldErr{pos: c.off + 1, msg: "mandatory field is empty"}
		}
		return nil
	}
	if c.numeric {
		if i := nonDigit(v); i >= 0 {
			return &fieldErr{pos: c.off + 1, msg: fmt.Sprintf("numeric field %q holds a non-digit at position %d", v, c.off+1+i)}
		}
	}
	switch c.kind {
	case ckDate:
		if !c.mand && allZero(v) {
			return nil
		}
		if !validDate(v) {
			return &fieldErr{pos: c.off + 1, msg: fmt.Sprintf("%q is not a valid date (%s)", v, c.pat)}
		}
	case ckPattern:
		for i, c2 := range v {
			ok := true
			switch c.pat[i] {
			case 'N':
				ok = c2 >= '0' && c2 <= '9'
			case 'A':
				ok = c2 >= 'A' && c2 <= 'Z' || c2 >= 'a' && c2 <= 'z'
			}
			if !ok {
				return &fieldErr{pos: c.off + 1, msg: fmt.Sprintf("%q does not match pattern %s at position %d", v, c.pat, c.off+1+i)}
			}
		}
	}
	return nil
}

// isBlank reports whether v is all spaces.
func isBlank(v []byte) bool {
	for len(v) >= 8 {
		if binary.LittleEndian.Uint64(v) != lsb*' ' {
			return false
		}
		v = v[8:]
	}
	for _, c := range v {
		if c != ' ' {
			return false
		}
	}
	return true
}

// nonDigit returns the index of the first byte of v that is not an ASCII
// digit, or -1.
func nonDigit(v []byte) int {
	i := 0
	for ; i+8 <= len(v); i += 8 {
		x := binary.LittleEndian.Uint64(v[i:])
		// Digits are 0x30-0x39: high nibble 3, and adding 6 keeps it 3.
		if x&(lsb*0xf0) == lsb*0x30 && (x+lsb*0x06)&(lsb*0xf0) == lsb*0x30 {
			continue
		}
		break
	}
	for ; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return i
		}
	}
	return -1
}

func allZero(v []byte) bool {
	for _, c := range v {
		if c != '0' {
			return false
		}
	}
	return true
}

// parseNum parses a right-aligned number, surrounding spaces allowed, at
// most 18 digits.
func parseNum(v []byte) (int64, bool) {
	i, j := 0, len(v)
	for i < j && v[i] == ' ' {
		i++
	}
	for j > i && v[j-1] == ' ' {
		j--
	}
	if i == j || j-i > 18 {
		return 0, false
	}
	var n int64
	for _, c := range v[i:j] {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// validDate checks a date of the patterns EEJJMMDD, EEJJMM or EEJJ (the
// length tells which), all digits.
func validDate(v []byte) bool {
	num := func(b []byte) int {
		n := 0
		for _, c := range b {
			if c < '0' || c > '9' {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	y := num(v[:4])
	if y < 0 {
		return false
	}
	if len(v) == 4 {
		return true
	}
	m := num(v[4:6])
	if m < 1 || m > 12 {
		return false
	}
	if len(v) == 6 {
		return true
	}
	d := num(v[6:8])
	return d >= 1 && d <= daysIn(m, y)
}

func daysIn(m, y int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
