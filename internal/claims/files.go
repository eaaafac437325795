package claims

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/identity"
)

// Files lists the files actor may read that f selects, newest first: a provider's
// claimers their own provider's, the insurer's declaratiebeoordelaar and medisch adviseur
// the insurer's, the operator all. f must name the insurer or the provider (except for
// the operator).
func (s *Service) Files(ctx context.Context, actor identity.Principal, f FileFilter, p Page) ([]File, int, error) {
	if actor.IsAnonymous() {
		return nil, 0, identity.LoginRequired("read claim files")
	}
	if err := s.mayList(ctx, actor, f.Insurer, f.ProviderID); err != nil {
		return nil, 0, err
	}
	return s.store.Files(ctx, f, p.normal())
}

// mayList checks a list's scope: the insurer's readers of personal data, the provider's
// claimers, the operator.
func (s *Service) mayList(ctx context.Context, actor identity.Principal, insurer, providerID string) error {
	switch {
	case actor.IsOperator():
		return nil
	case providerID != "" && MayClaimFor(actor, providerID):
		return nil
	case insurer != "" && MayReadPersonal(actor, insurer):
		return nil
	case insurer == "" && providerID == "":
		return invalid("insurer", "name the insurer or the provider", "Kies een zorgverzekeraar of zorgaanbieder.")
	}
	return s.refuse(ctx, actor, insurer, providerID, ActionFileRead, "claimfiles", "claim files",
		"your role may not read claim files", "Met uw rol kunt u geen declaratiebestanden inzien.")
}

// File returns a file if actor may read it.
func (s *Service) File(ctx context.Context, actor identity.Principal, id string) (*File, error) {
	f, err := s.store.ClaimFile(ctx, id)
	if apperr.CodeOf(err) == apperr.NotFound {
		return nil, identity.Hide("claim file " + id)
	}
	if err != nil {
		return nil, err
	}
	if MayReadPersonal(actor, f.Insurer) || MayClaimFor(actor, f.ProviderID) {
		return f, nil
	}
	return nil, s.refuse(ctx, actor, f.Insurer, f.ProviderID, ActionFileRead, "claimfile:"+id, "claim file "+id,
		"your role may not read claim files", "Met uw rol kunt u geen declaratiebestanden inzien.")
}

// Lines returns a page of a file's lines (one outcome, or all with ""). An insurer user
// reading them is audited.
func (s *Service) Lines(ctx context.Context, actor identity.Principal, fileID string, outcome Outcome, p Page) ([]Line, int, error) {
	if outcome != "" && outcome.Dutch() == string(outcome) {
		return nil, 0, invalid("outcome", "unknown outcome", "Onbekende uitkomst.")
	}
	f, err := s.File(ctx, actor, fileID)
	if err != nil {
		return nil, 0, err
	}
	if err := s.auditFileRead(ctx, actor, f, "lines"); err != nil {
		return nil, 0, err
	}
	return s.store.Lines(ctx, LineFilter{FileID: f.ID, Outcome: outcome}, p.normal())
}

// auditFileRead records an insurer user's (or the operator's) reading of a file's lines.
func (s *Service) auditFileRead(ctx context.Context, actor identity.Principal, f *File, what string) error {
	if actor.ActsForProvider(f.ProviderID) {
		return nil
	}
	return identity.InTx(ctx, s.tx, func(ctx context.Context) error {
		return s.record(ctx, actor, ActionFileRead, "claimfile:"+f.ID, f.Insurer, map[string]string{"read": what}, "", false)
	})
}

// InsuredClaims returns a page of the claim lines of one insured person (by BSN) with the
// insurer; audited.
func (s *Service) InsuredClaims(ctx context.Context, actor identity.Principal, insurer, bsn string, p Page) ([]Line, int, error) {
	if err := s.mayReadPersons(ctx, actor, insurer); err != nil {
		return nil, 0, err
	}
	if !ElevenTest(bsn) {
		return nil, 0, invalid("bsn", "the BSN fails the eleven test", "Het burgerservicenummer voldoet niet aan de elfproef.")
	}
	err := identity.InTx(ctx, s.tx, func(ctx context.Context) error {
		return s.record(ctx, actor, ActionInsuredRead, "insured:"+bsn, insurer, map[string]string{"read": "claims"}, "", false)
	})
	if err != nil {
		return nil, 0, err
	}
	return s.store.Lines(ctx, LineFilter{Insurer: insurer, BSN: bsn}, p.normal())
}

// mayReadPersons: the insurer's declaratiebeoordelaar and medisch adviseur, the operator.
func (s *Service) mayReadPersons(ctx context.Context, actor identity.Principal, insurer string) error {
	if actor.IsAnonymous() {
		return identity.LoginRequired("read insured persons")
	}
	if MayReadPersonal(actor, insurer) {
		return nil
	}
	return s.refuse(ctx, actor, insurer, "", ActionInsuredRead, "insured", "insurer "+insurer,
		"only the insurer's declaratiebeoordelaar and medisch adviseur read insured persons and their claims",
		"Alleen de declaratiebeoordelaar en de medisch adviseur van de zorgverzekeraar zien verzekerden en hun declaraties.")
}

// ReturnHeader is the header of the return CSV.
const ReturnHeader = "regel;referentie;bsn;datum;declaratiecode;aantal;gedeclareerd;toegekend;uitkomst;redencode;reden;aanvullende_verzekering;regel_id"

// WriteReturn writes the file's return information (retourinformatie) as "csv" (UTF-8
// with BOM, ";" separated, euro amounts with a decimal comma) or "json" (the file's
// summary and a "lines" array), streamed line by line.
func (s *Service) WriteReturn(ctx context.Context, actor identity.Principal, fileID, format string, w io.Writer) error {
	if format != "csv" && format != "json" {
		return invalid("format", "format must be csv or json", "Kies CSV of JSON.")
	}
	f, err := s.File(ctx, actor, fileID)
	if err != nil {
		return err
	}
	if err := s.auditFileRead(ctx, actor, f, "return "+format); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	if format == "csv" {
		err = s.writeCSV(ctx, f, bw)
	} else {
		err = s.writeJSON(ctx, f, bw)
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

func (s *Service) writeCSV(ctx context.Context, f *File, w *bufio.Writer) error {
	w.WriteString("\ufeff" + ReturnHeader + "\r\n")
	var b []byte
	return s.store.EachLine(ctx, f.ID, func(l *Line) error {
		b = b[:0]
		b = strconv.AppendInt(b, int64(l.No), 10)
		b = append(b, ';')
		b = appendCSV(b, l.Reference)
		b = append(b, ';')
		b = append(b, l.BSN...)
		b = append(b, ';')
		b = append(b, l.Begin.String()...)
		b = append(b, ';')
		b = appendCSV(b, l.Code)
		b = append(b, ';')
		b = strconv.AppendInt(b, int64(l.Quantity), 10)
		b = append(b, ';')
		b = appendEuro(b, l.ClaimedCents)
		b = append(b, ';')
		b = appendEuro(b, l.AllowedCents)
		b = append(b, ';')
		b = append(b, l.Outcome.Dutch()...)
		b = append(b, ';')
		b = append(b, l.Reason...)
		b = append(b, ';')
		b = appendCSV(b, ReasonText(l.Reason))
		b = append(b, ';')
		if l.Supplementary {
			b = append(b, "ja"...)
		} else {
			b = append(b, "nee"...)
		}
		b = append(b, ';')
		b = append(b, fmt.Sprintf("%s/%d", l.FileID, l.No)...)
		b = append(b, '\r', '\n')
		_, err := w.Write(b)
		return err
	})
}

// appendEuro appends cents as euros with a decimal comma, no thousands separator: 1234,56.
func appendEuro(b []byte, cents int64) []byte {
	if cents < 0 {
		b = append(b, '-')
		cents = -cents
	}
	b = strconv.AppendInt(b, cents/100, 10)
	r := cents % 100
	return append(b, ',', byte('0'+r/10), byte('0'+r%10))
}

// appendCSV appends a field, quoted when it holds the separator, a quote or a line end.
func appendCSV(b []byte, s string) []byte {
	quote := false
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == ';' || c == '"' || c == '\n' || c == '\r' {
			quote = true
			break
		}
	}
	if !quote {
		return append(b, s...)
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}

// returnLine is a line of the JSON return.
type returnLine struct {
	*Line
	OutcomeText string `json:"outcome_text"`
	ReasonText  string `json:"reason_text"`
}

func (s *Service) writeJSON(ctx context.Context, f *File, w *bufio.Writer) error {
	head, err := json.Marshal(f)
	if err != nil {
		return err
	}
	w.Write(head[:len(head)-1])
	w.WriteString(`,"lines":[`)
	first := true
	enc := json.NewEncoder(w)
	err = s.store.EachLine(ctx, f.ID, func(l *Line) error {
		if !first {
			w.WriteByte(',')
		}
		first = false
		return enc.Encode(returnLine{Line: l, OutcomeText: l.Outcome.Dutch(), ReasonText: ReasonText(l.Reason)})
	})
	if err != nil {
		return err
	}
	_, err = w.WriteString("]}\n")
	return err
}
