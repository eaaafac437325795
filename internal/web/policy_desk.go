package web

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/assessment"
	"zorginkoop/internal/httpauth"
	"zorginkoop/internal/nl"
	"zorginkoop/internal/policy"
)

// The insurer's policy desk: upload a new version of a policy as a draft, see it beside
// the version in force, see what it changes for the providers (policy_impact.go) and
// publish it. The rules are the policy and assessment services'; these handlers read the
// form and show the answer.

// MaxPolicyFileBytes is the largest policy file the upload form takes: the shipped files
// are under 100 kB. A larger request body than MaxFormBytes is refused before it is read.
const MaxPolicyFileBytes = 512 << 10

// uploadView is the upload form and, after a refused upload, why.
type uploadView struct {
	CSRF     string
	File     string   // the name of the refused file
	Errors   []string // every problem, "Regel N, veld X: …"
	MaxBytes string
}

func (h *Handler) uploadPage(w http.ResponseWriter, r *http.Request) error {
	if err := policy.MayUpload(principal(r)); err != nil {
		return err
	}
	return h.renderUpload(w, r, http.StatusOK, uploadView{})
}

func (h *Handler) renderUpload(w http.ResponseWriter, r *http.Request, status int, v uploadView) error {
	v.CSRF, v.MaxBytes = httpauth.CSRFToken(r.Context()), sizeName(MaxPolicyFileBytes)
	return h.render(w, status, "policy_new.html", "Beleid opstellen", v)
}

// upload stores the file of the form as a draft and shows it; a refused file is shown
// with every problem on the form again, and nothing is stored.
func (h *Handler) upload(w http.ResponseWriter, r *http.Request) error {
	actor := principal(r)
	if err := policy.MayUpload(actor); err != nil {
		return err
	}
	name, data, err := policyFile(r)
	if err == nil {
		var c *policy.Compiled
		if c, _, err = h.Policies.SaveDraft(r.Context(), actor, name, data); err == nil {
			http.Redirect(w, r, "/beleid/"+url.PathEscape(c.ID)+"/concept", http.StatusSeeOther)
			return nil
		}
	}
	status, _ := formError(err)
	if status == 0 {
		return err
	}
	return h.renderUpload(w, r, status, uploadView{File: name, Errors: problemLines(err)})
}

// policyFile reads the uploaded file of the form: a .yaml or .yml file of at most
// MaxPolicyFileBytes.
func policyFile(r *http.Request) (string, []byte, error) {
	f, hd, err := r.FormFile("bestand")
	if err != nil {
		return "", nil, &apperr.Error{Code: apperr.Invalid, Field: "bestand", Message: "no file was sent",
			Dutch: "Kies een beleidsbestand (YAML) om te uploaden."}
	}
	defer f.Close()
	name := path.Base(strings.ReplaceAll(hd.Filename, `\`, "/"))
	if ext := strings.ToLower(path.Ext(name)); ext != ".yaml" && ext != ".yml" {
		return name, nil, &apperr.Error{Code: apperr.Invalid, Field: "bestand", Message: "the file is not a YAML file",
			Dutch: fmt.Sprintf("%s is geen YAML-bestand. Upload het beleid als .yaml- of .yml-bestand (zie docs/policy-format.md).", name)}
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxPolicyFileBytes+1))
	if err != nil {
		return name, nil, err
	}
	if len(data) > MaxPolicyFileBytes {
		return name, nil, &apperr.Error{Code: apperr.Invalid, Field: "bestand", Message: "the file is too large",
			Dutch: fmt.Sprintf("%s is groter dan %s en is niet verwerkt.", name, sizeName(MaxPolicyFileBytes))}
	}
	return name, data, nil
}

// problemLines says every problem of err on a line of its own, where it is first:
// "Regel 12, veld requirements[3].rule: …". The service's Dutch words when it has them,
// else its (English) message.
func problemLines(err error) []string {
	var out []string
	for _, e := range apperr.Errors(err) {
		var where []string
		if e.Line > 0 {
			where = append(where, "Regel "+nl.Int(int64(e.Line)))
		}
		if e.Field != "" && e.Field != "bestand" {
			where = append(where, "veld "+e.Field)
		}
		msg := e.Dutch
		if msg == "" {
			msg = e.Message
		}
		if len(where) > 0 {
			where[0] = strings.ToUpper(where[0][:1]) + where[0][1:]
			msg = strings.Join(where, ", ") + ": " + msg
		}
		out = append(out, msg)
	}
	if len(out) == 0 {
		_, own := answer(err)
		out = append(out, own)
	}
	return out
}

// draftView is the draft page: the draft beside the version in force.
type draftView struct {
	*policy.Comparison
	InWork       bool // the policy is published and in force
	MayPublish   bool
	MayImpact    bool
	CSRF         string
	PublishError string
	Sections     []partSection // the base contract first, then every part
}

func (h *Handler) draftPage(w http.ResponseWriter, r *http.Request) error {
	return h.renderDraft(w, r, http.StatusOK, "")
}

func (h *Handler) renderDraft(w http.ResponseWriter, r *http.Request, status int, publishError string) error {
	actor := principal(r)
	cmp, err := h.Policies.Compare(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	c := cmp.Policy
	v := draftView{Comparison: cmp, InWork: h.Library.InWork(c), CSRF: httpauth.CSRFToken(r.Context()), PublishError: publishError,
		MayPublish: c.Status == policy.Draft && policy.MayWrite(actor, c.Insurer),
		MayImpact:  cmp.InForce != nil && assessment.MayAssess(actor, c.Insurer), Sections: sections(c)}
	title := "Concept: " + c.Title
	if c.Status == policy.Published {
		title = c.Title
	}
	return h.render(w, status, "policy_draft.html", title, v)
}

// publish makes the draft public after the confirmation on its page, then shows it as
// the policy in force.
func (h *Handler) publish(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if r.PostFormValue("bevestigen") != "ja" {
		// Only who may see the draft learns that it needs a confirmation.
		if _, err := h.Policies.Compare(r.Context(), principal(r), id); err != nil {
			return err
		}
		return h.renderDraft(w, r, http.StatusBadRequest, "Vink aan dat u dit beleid wilt publiceren.")
	}
	c, err := h.Policies.Publish(r.Context(), principal(r), id)
	if code := apperr.CodeOf(err); code == apperr.Conflict || code == apperr.Invalid {
		// Published already, or its previous version is not: said on the draft's page.
		status, _ := formError(err)
		return h.renderDraft(w, r, status, strings.Join(problemLines(err), " "))
	}
	if err != nil {
		return err
	}
	h.Log.Info("policy published from the web", "policy", c.ID, "version", c.Version)
	http.Redirect(w, r, "/beleid/"+url.PathEscape(c.ID), http.StatusSeeOther)
	return nil
}
