package claims

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/claims/vektis"
	"zorginkoop/internal/identity"
)

// Intake receives a claim file: it reads the body once to hash it (spooling it to a
// temporary file when it cannot seek), refuses a duplicate, then in ONE transaction
// stores the file, adjudicates its claim lines in batches and stores them, and recounts
// the file. A structural error anywhere refuses the whole file: nothing is stored. The
// file is returned (acknowledged) only after the commit.
func (s *Service) Intake(ctx context.Context, actor identity.Principal, u Upload) (*File, error) {
	if actor.IsAnonymous() {
		return nil, identity.LoginRequired("send claim files")
	}
	if u.Body == nil {
		return nil, invalid("file", "no file", "Er is geen bestand meegestuurd.")
	}
	if u.Channel == "" {
		u.Channel = ViaWeb
	}
	src, sum, size, cleanup, err := s.spool(u.Body)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	if size > s.opt.MaxFileBytes {
		return nil, s.structural(u.Name, &vektis.Error{Line: 1, Pos: 1, Msg: "file too large", Err: vektis.ErrTooLarge})
	}
	l := vektis.ZH308v90()
	sc := vektis.NewScanner(src, l, vektis.Options{MaxBytes: s.opt.MaxFileBytes})
	if !sc.Scan() {
		return nil, s.structural(u.Name, sc.Err())
	}
	hdr, err := readHeader(sc.Record())
	if err != nil {
		return nil, s.structural(u.Name, err)
	}
	f, err := s.newFile(ctx, actor, u, hdr, sum, size, l)
	if err != nil {
		return nil, err
	}
	err = identity.InTx(ctx, s.tx, func(ctx context.Context) error {
		if err := s.store.CreateFile(ctx, f); err != nil {
			if apperr.CodeOf(err) == apperr.Conflict { // the same file, received meanwhile
				return &apperr.Error{Code: apperr.Conflict, Field: "file", Err: err, Message: "the file was received meanwhile",
					Dutch: "Dit bestand is zojuist al ontvangen; het is niet nog eens verwerkt."}
			}
			return err
		}
		if err := s.adjudicateFile(ctx, f, hdr, sc, l); err != nil {
			return err
		}
		if err := s.store.RecountFiles(ctx, []string{f.ID}); err != nil {
			return err
		}
		stored, err := s.store.ClaimFile(ctx, f.ID)
		if err != nil {
			return err
		}
		f = stored
		return s.record(ctx, actor, ActionIntake, "claimfile:"+f.ID, intakeScope(actor, f), fileSummary(f), "", false)
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// intakeScope: the audit entry is in the other party's trail too (the actor's own
// organisation sees it as its own).
func intakeScope(actor identity.Principal, f *File) string {
	if actor.ActsForProvider(f.ProviderID) {
		return f.Insurer
	}
	return f.ProviderID
}

func fileSummary(f *File) map[string]any {
	return map[string]any{"name": f.Name, "sender": f.Sender, "invoice": f.Invoice, "sha256": f.SHA256, "lines": f.Lines,
		"counts": f.Counts, "claimed_cents": f.ClaimedCents, "allowed_cents": f.AllowedCents, "channel": f.Channel}
}

// newFile identifies the sender, the provider and the insurer from the opening record,
// authorises actor, and refuses a duplicate.
func (s *Service) newFile(ctx context.Context, actor identity.Principal, u Upload, hdr Header, sum string, size int64, l *vektis.Layout) (*File, error) {
	providerID, err := s.store.ProviderByAGB(ctx, hdr.Sender)
	if apperr.CodeOf(err) == apperr.NotFound {
		return nil, &apperr.Error{Code: apperr.Invalid, Line: 1, Field: hdr.SenderKind,
			Message: fmt.Sprintf("the sender's AGB code %s is not a provider on the platform", hdr.Sender),
			Dutch:   fmt.Sprintf("Het bestand is geweigerd: AGB-code %s (regel 1, %s) is van geen zorgaanbieder op het platform.", hdr.Sender, hdr.SenderKind)}
	}
	if err != nil {
		return nil, err
	}
	insurer, ok := s.insurerOfUZOVI(hdr.UZOVI)
	if !ok {
		return nil, &apperr.Error{Code: apperr.Invalid, Line: 1, Field: "UZOVI-NUMMER",
			Message: fmt.Sprintf("UZOVI number %q is not a label of an insurer on the platform", hdr.UZOVI),
			Dutch:   fmt.Sprintf("Het bestand is geweigerd: UZOVI-nummer %q (regel 1) hoort bij geen zorgverzekeraar op het platform.", hdr.UZOVI)}
	}
	if err := s.mayIntake(ctx, actor, insurer, providerID, hdr); err != nil {
		return nil, err
	}
	if err := s.notDuplicate(ctx, sum, hdr); err != nil {
		return nil, err
	}
	return &File{ID: newID("clf"), Insurer: insurer, ProviderID: providerID, Sender: hdr.Sender, Invoice: hdr.Invoice,
		Name: u.Name, SHA256: sum, Size: size, Standard: l.Standard + " 9.0", PeriodFrom: hdr.PeriodFrom,
		PeriodTo: hdr.PeriodTo, Channel: u.Channel, ReceivedAt: s.now().UTC().Truncate(1000), ReceivedBy: actor.UserID(),
		Counts: map[Outcome]int{}}, nil
}

// mayIntake: the provider's claimers for its own AGB codes, the insurer's
// declaratiebeoordelaar, and the operator (the watched folder). A provider never claims
// as another: Forbidden, audited.
func (s *Service) mayIntake(ctx context.Context, actor identity.Principal, insurer, providerID string, hdr Header) error {
	if actor.IsOperator() || MayClaimFor(actor, providerID) || MayUploadForInsurer(actor, insurer) {
		return nil
	}
	reason := fmt.Sprintf("bestand van AGB-code %s (factuurnummer %s) aangeleverd zonder bevoegdheid", hdr.Sender, hdr.Invoice)
	s.denied(ctx, actor, ActionIntake, "agb:"+hdr.Sender, actor.OrgID(), reason)
	if actor.Kind() == identity.Provider && !actor.ActsForProvider(providerID) {
		return identity.Deny(fmt.Sprintf("the file's sender AGB code %s is not one of your organisation's", hdr.Sender),
			fmt.Sprintf("U kunt alleen declareren met de AGB-codes van uw eigen organisatie; dit bestand is verstuurd met AGB-code %s.", hdr.Sender))
	}
	return identity.Deny("your role may not send claim files for this party",
		"Met uw rol kunt u geen declaratiebestanden aanleveren (dat kunnen beheerder en contractmanager van de zorgaanbieder, en de declaratiebeoordelaar van de zorgverzekeraar).")
}

// notDuplicate refuses a file received before: the same content, or the same sender's
// file reference.
func (s *Service) notDuplicate(ctx context.Context, sum string, hdr Header) error {
	prev, err := s.store.FileByHash(ctx, sum)
	if apperr.CodeOf(err) == apperr.NotFound {
		prev, err = s.store.FileByInvoice(ctx, hdr.Sender, hdr.Invoice)
	}
	if apperr.CodeOf(err) == apperr.NotFound {
		return nil
	}
	if err != nil {
		return err
	}
	return DuplicateFile(prev)
}

// DuplicateFile is the refusal of a file received before as prev.
func DuplicateFile(prev *File) error {
	return &apperr.Error{Code: apperr.Conflict, Field: "file",
		Message: fmt.Sprintf("already received on %s as file %s", prev.ReceivedAt.Format("2006-01-02"), prev.ID),
		Dutch:   fmt.Sprintf("Dit bestand is al ontvangen op %s (bestand %s).", DayText(DayOf(prev.ReceivedAt.In(amsterdam()))), prev.ID)}
}

// structural turns a Scanner's error into the refusal of the whole file.
func (s *Service) structural(name string, err error) error {
	if err == nil {
		err = &vektis.Error{Line: 1, Pos: 1, Msg: "file is empty"}
	}
	var ve *vektis.Error
	if !errors.As(err, &ve) {
		return err
	}
	if errors.Is(err, vektis.ErrTooLarge) {
		return &apperr.Error{Code: apperr.TooLarge, Field: "file", Err: err,
			Message: fmt.Sprintf("%s is larger than %d bytes, the most a claim file may be", name, s.opt.MaxFileBytes),
			Dutch:   fmt.Sprintf("%s is groter dan %s, het maximum voor een declaratiebestand.", name, sizeText(s.opt.MaxFileBytes))}
	}
	where := fmt.Sprintf("regel %d, positie %d", ve.Line, ve.Pos)
	if ve.Field != "" {
		where += ", veld " + ve.Field
	}
	return &apperr.Error{Code: apperr.Invalid, File: name, Line: ve.Line, Field: ve.Field, Err: err, Message: ve.Error(),
		Dutch: fmt.Sprintf("Het bestand is in zijn geheel geweigerd: het voldoet niet aan de Vektis-standaard ZH308 (%s): %s. Er is niets opgeslagen.", where, ve.Msg)}
}

// sizeText is a limit in GB, MB or kB.
func sizeText(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GB", n>>30)
	case n >= 1<<20:
		return fmt.Sprintf("%d MB", n>>20)
	}
	return fmt.Sprintf("%d kB", (n+1023)>>10)
}

// spool reads the body once to hash it and returns a reader of the same bytes from the
// start: the body itself when it can seek, else a temporary file. Memory stays flat.
func (s *Service) spool(body io.Reader) (io.Reader, string, int64, func(), error) {
	h := sha256.New()
	if rs, ok := body.(io.ReadSeeker); ok {
		start, err := rs.Seek(0, io.SeekCurrent)
		if err == nil {
			n, err := io.Copy(h, io.LimitReader(rs, s.opt.MaxFileBytes+1))
			if err != nil {
				return nil, "", 0, nil, readErr(err)
			}
			if _, err := rs.Seek(start, io.SeekStart); err != nil {
				return nil, "", 0, nil, readErr(err)
			}
			return rs, sumOf(h), n, func() {}, nil
		}
	}
	tmp, err := os.CreateTemp("", "zorginkoop-claims-*.zh308")
	if err != nil {
		return nil, "", 0, nil, err
	}
	cleanup := func() { tmp.Close(); os.Remove(tmp.Name()) }
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(body, s.opt.MaxFileBytes+1))
	if err == nil {
		_, err = tmp.Seek(0, io.SeekStart)
	}
	if err != nil {
		cleanup()
		return nil, "", 0, nil, readErr(err)
	}
	return tmp, sumOf(h), n, cleanup, nil
}

func sumOf(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }

func readErr(err error) error {
	return &apperr.Error{Code: apperr.Invalid, Field: "file", Message: "reading the file: " + err.Error(),
		Dutch: "Het bestand kon niet worden gelezen.", Err: err}
}

// newID is a random id with a prefix.
func newID(prefix string) string {
	b := make([]byte, 8)
	rand.Read(b)
	return prefix + "-" + hex.EncodeToString(b)
}

// insurerOfUZOVI finds the insurer whose label has the UZOVI number.
func (s *Service) insurerOfUZOVI(uzovi string) (string, bool) {
	if uzovi == "" {
		return "", false
	}
	for _, ins := range s.lib.Registry.Insurers {
		for _, lb := range ins.Labels {
			if lb.UZOVI == uzovi {
				return ins.ID, true
			}
		}
	}
	return "", false
}
