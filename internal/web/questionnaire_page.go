package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/document"
	"zorginkoop/internal/httpauth"
	"zorginkoop/internal/nl"
	"zorginkoop/internal/policy"
	"zorginkoop/internal/provider"
	"zorginkoop/internal/questionnaire"
)

// The questionnaire of a dossier (/dossiers/{id}/uitvraag): the questions the policy asks,
// per part (the base contract first), with the policy's words, the answer's type, unit
// and range and the answer saved so far; an upload per evidence slot; and, for the
// beheerder, the submission, after which the page shows the outcome per part.

// answerField is the prefix of an answer's form field: "antwoord-<fact>".
const answerField = "antwoord-"

type questionView struct {
	questionnaire.Question
	Field string // the form field
	Value string // in the input: the saved answer, or what was entered when refused
	Hint  string // Dutch: how to write it
	Error string
}

type attachedDoc struct {
	ID, Name, SHA256, Size string
}

type slotView struct {
	questionnaire.EvidenceSlot
	Attached []attachedDoc
	Error    string
}

type sectionView struct {
	Title, Source string
	Base          bool
	Questions     []questionView
	Slots         []slotView
}

type questionnaireView struct {
	CSRF      string
	DossierID string
	Policy    *policy.Compiled
	Year      int
	Sections  []sectionView
	MayAnswer bool
	MaySubmit bool
	Submitted *questionnaire.Submission
	Outcome   *questionnaire.Outcome
	Errors    []string // problems not beside one field
	Saved     string   // what the last action did
	HasSlots  bool     // some requirement asks for evidence
	MaxUpload string
}

func (h *Handler) questionnairePage(w http.ResponseWriter, r *http.Request) error {
	v, err := h.questionnaireView(r, nil)
	if err != nil {
		return err
	}
	switch r.URL.Query().Get("gedaan") {
	case "opgeslagen":
		v.Saved = "De antwoorden zijn opgeslagen."
	case "bewijs":
		v.Saved = "Het bewijsstuk is toegevoegd."
	case "ingediend":
		v.Saved = "De uitvraag is ingediend en beoordeeld. Hieronder staat de uitkomst per onderdeel."
	}
	return h.renderQuestionnaire(w, http.StatusOK, v)
}

func (h *Handler) renderQuestionnaire(w http.ResponseWriter, status int, v *questionnaireView) error {
	title := "Uitvraag"
	if v.Policy != nil {
		title = "Uitvraag " + v.Policy.Title
	}
	return h.render(w, status, "questionnaire.html", title, v)
}

// questionnaireView reads the form of the dossier with its answers and evidence; entered
// (after a refused save) are the values to show back instead of the saved ones.
func (h *Handler) questionnaireView(r *http.Request, entered map[string]string) (*questionnaireView, error) {
	actor := principal(r)
	id := r.PathValue("id")
	form, err := h.Questionnaires.Form(r.Context(), actor, id)
	if err != nil {
		return nil, err
	}
	v := &questionnaireView{CSRF: httpauth.CSRFToken(r.Context()), DossierID: id, Year: form.Dossier.Year,
		MayAnswer: questionnaire.MayAnswer(actor, form.Dossier), MaySubmit: questionnaire.MaySubmit(actor, form.Dossier),
		Submitted: form.Submitted, MaxUpload: sizeName(h.Documents.MaxSize())}
	if pol, err := h.Library.Policy(form.Dossier.PolicyID); err == nil {
		v.Policy = pol
	}
	docs, err := h.Documents.List(r.Context(), actor, id, document.Page{Limit: document.MaxPageSize})
	if err != nil {
		return nil, err
	}
	byID := map[string]document.Document{}
	for _, d := range docs.Documents {
		byID[d.ID] = d
	}
	for _, sec := range form.Questionnaire.Sections {
		sv := sectionView{Title: sec.Title, Source: sec.Source, Base: sec.Base}
		for _, q := range sec.Questions {
			qv := questionView{Question: q, Field: answerField + q.Fact, Hint: answerHint(q)}
			if a, ok := form.Answers[q.Fact]; ok {
				qv.Value = inputValue(q.Type, a)
			}
			if e, ok := entered[q.Fact]; ok {
				qv.Value = e
			}
			sv.Questions = append(sv.Questions, qv)
		}
		for _, slot := range sec.Evidence {
			s := slotView{EvidenceSlot: slot}
			for _, e := range form.Evidence {
				if e.RequirementID != slot.RequirementID {
					continue
				}
				ad := attachedDoc{ID: e.DocumentID, Name: e.Name, SHA256: e.SHA256}
				if d, ok := byID[e.DocumentID]; ok {
					ad.Size = sizeName(d.Size)
				}
				s.Attached = append(s.Attached, ad)
			}
			sv.Slots = append(sv.Slots, s)
			v.HasSlots = true
		}
		v.Sections = append(v.Sections, sv)
	}
	if form.Submitted != nil {
		if v.Outcome, err = h.Questionnaires.Result(r.Context(), actor, id); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// saveAnswers saves the entered answers; a refused answer is shown beside its field,
// every entered value is shown back, and nothing is saved.
func (h *Handler) saveAnswers(w http.ResponseWriter, r *http.Request) error {
	entered := map[string]string{}
	for key, vals := range r.PostForm {
		if fact, ok := strings.CutPrefix(key, answerField); ok && len(vals) > 0 {
			entered[fact] = vals[0]
		}
	}
	err := h.Questionnaires.SaveAnswers(r.Context(), principal(r), r.PathValue("id"), entered)
	if err == nil {
		http.Redirect(w, r, questionnaireURL(r, "opgeslagen"), http.StatusSeeOther)
		return nil
	}
	return h.questionnaireError(w, r, err, entered, "")
}

// questionnaireError shows the page again with err: each problem beside its question (or
// evidence slot), the others above the form.
func (h *Handler) questionnaireError(w http.ResponseWriter, r *http.Request, err error, entered map[string]string, slot string) error {
	status, _ := formError(err)
	if status == 0 {
		return err
	}
	v, verr := h.questionnaireView(r, entered)
	if verr != nil {
		return verr
	}
	for _, e := range apperr.Errors(err) {
		msg := e.Dutch
		if msg == "" {
			msg = answers[e.Code].Message
		}
		if !v.placeError(e.Field, slot, msg) {
			v.Errors = append(v.Errors, msg)
		}
	}
	if len(apperr.Errors(err)) == 0 {
		v.Errors = append(v.Errors, answers[apperr.CodeOf(err)].Message)
	}
	return h.renderQuestionnaire(w, status, v)
}

// placeError puts msg beside the question about field, or beside the evidence slot of an
// upload; false when neither is on the page.
func (v *questionnaireView) placeError(field, slot, msg string) bool {
	for i := range v.Sections {
		for j := range v.Sections[i].Questions {
			if q := &v.Sections[i].Questions[j]; field != "" && q.Fact == field {
				q.Error = msg
				return true
			}
		}
		for j := range v.Sections[i].Slots {
			if s := &v.Sections[i].Slots[j]; slot != "" && s.RequirementID == slot {
				s.Error = msg
				return true
			}
		}
	}
	return false
}

// uploadEvidence stores the uploaded file in the dossier (the documents service sniffs
// its type and checks its size) and attaches it to the requirement's evidence slot.
func (h *Handler) uploadEvidence(w http.ResponseWriter, r *http.Request) error {
	actor, id, slot := principal(r), r.PathValue("id"), r.PostFormValue("eis")
	f, hd, err := r.FormFile("bestand")
	if err != nil {
		return h.questionnaireError(w, r, &apperr.Error{Code: apperr.Invalid, Field: "bestand", Message: "no file was sent",
			Dutch: "Kies een bestand om te uploaden."}, nil, slot)
	}
	defer f.Close()
	if err := h.mayAttach(r, slot); err != nil {
		return h.questionnaireError(w, r, err, nil, slot)
	}
	doc, err := h.Documents.Upload(r.Context(), actor, id, hd.Filename, f)
	if err == nil {
		err = h.Questionnaires.AttachEvidence(r.Context(), actor, id, slot, doc.ID)
	}
	if err != nil {
		return h.questionnaireError(w, r, err, nil, slot)
	}
	http.Redirect(w, r, questionnaireURL(r, "bewijs"), http.StatusSeeOther)
	return nil
}

// mayAttach checks what AttachEvidence would refuse before the file is stored, so that a
// refused upload leaves no document behind: the caller answers the questionnaire, it is
// not submitted yet, and the requirement asks for evidence.
func (h *Handler) mayAttach(r *http.Request, slot string) error {
	actor := principal(r)
	form, err := h.Questionnaires.Form(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	switch _, ok := form.Questionnaire.Slot(slot); {
	case !questionnaire.MayAnswer(actor, form.Dossier):
		return &apperr.Error{Code: apperr.Forbidden, Message: "only the provider's invuller, beheerder or contractmanager attaches evidence",
			Dutch: "Alleen de invuller, beheerder of contractmanager van de zorgaanbieder voegt bewijsstukken toe."}
	case form.Submitted != nil:
		return &apperr.Error{Code: apperr.Conflict, Message: "the questionnaire was submitted",
			Dutch: "De uitvraag is al ingediend; er kunnen geen bewijsstukken meer bij."}
	case !ok:
		return &apperr.Error{Code: apperr.Invalid, Field: "eis", Message: "the requirement asks for no evidence",
			Dutch: "Voor deze eis wordt in deze uitvraag geen bewijsstuk gevraagd."}
	}
	return nil
}

// submitQuestionnaire submits the questionnaire (the beheerder only); the page then shows
// the outcome per part.
func (h *Handler) submitQuestionnaire(w http.ResponseWriter, r *http.Request) error {
	if _, err := h.Questionnaires.Submit(r.Context(), principal(r), r.PathValue("id")); err != nil {
		var denied *apperr.Error
		if errors.As(err, &denied) && denied.Code == apperr.Forbidden {
			return err // the error page: this user may not submit at all
		}
		return h.questionnaireError(w, r, err, nil, "")
	}
	http.Redirect(w, r, questionnaireURL(r, "ingediend"), http.StatusSeeOther)
	return nil
}

func questionnaireURL(r *http.Request, done string) string {
	return "/dossiers/" + url.PathEscape(r.PathValue("id")) + "/uitvraag?gedaan=" + done
}

// inputValue is a saved answer as the provider would type it: "ja", "80.000,00", "7,5".
func inputValue(t provider.FactType, a questionnaire.Answer) string {
	if a.Unknown {
		return questionnaire.Unknown
	}
	switch t {
	case provider.Bool:
		return nl.Bool(a.Value == "true")
	case provider.Money:
		if cents, err := strconv.ParseInt(a.Value, 10, 64); err == nil {
			return strings.TrimPrefix(nl.Money(cents), "€ ")
		}
	case provider.Number, provider.Percent:
		return strings.ReplaceAll(a.Value, ".", ",")
	}
	return a.Value
}

// typeHints say how to write an answer of each type.
var typeHints = map[provider.FactType]string{
	provider.Bool: "ja of nee", provider.Int: "een geheel getal", provider.Number: "een getal, bijvoorbeeld 7,5",
	provider.Percent: "een percentage, bijvoorbeeld 12,5", provider.Money: "een bedrag in euro's, bijvoorbeeld 80.000,00",
	provider.Date: "een datum, bijvoorbeeld 31-12-2026", provider.Text: "tekst",
	provider.List: "teksten gescheiden door puntkomma's",
}

// answerHint says in Dutch how to answer q: its type, unit and range.
func answerHint(q questionnaire.Question) string {
	hint := typeHints[q.Type]
	if q.Unit != "" {
		hint += " (" + q.Unit + ")"
	}
	show := func(f float64) string {
		if q.Type == provider.Money {
			return nl.Money(int64(f * 100))
		}
		return nl.Number(f)
	}
	switch {
	case q.Min != nil && q.Max != nil:
		hint += ", van " + show(*q.Min) + " tot en met " + show(*q.Max)
	case q.Min != nil:
		hint += ", ten minste " + show(*q.Min)
	case q.Max != nil:
		hint += ", ten hoogste " + show(*q.Max)
	}
	return hint + "; of “onbekend”"
}
