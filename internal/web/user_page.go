package web

import (
	"net/http"
	"slices"
	"strings"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/audit"
	"zorginkoop/internal/httpauth"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/nl"
)

// One user's page: its data, its roles to change, and disabling or enabling it with a
// reason; each change through the identity service, which refuses what the caller may not.

type userView struct {
	CSRF      string
	User      *identity.User
	Org       *identity.Organisation
	Status    string
	Self      bool
	Roles     []roleChoice
	LastLogin string // "" when the trail's newest entries about the user hold no login
	Reason    string
	Errors    []string
	Notice    string
	BackURL   string
}

func (h *Handler) newUserView(r *http.Request) (*userView, error) {
	p := principal(r)
	u, err := h.Identity.ManagedUser(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	org := p.Org
	if u.OrgID != p.OrgID() {
		orgs, err := h.Identity.AuditOrganisations(r.Context(), p)
		if err != nil {
			return nil, err
		}
		i := slices.IndexFunc(orgs, func(o identity.Organisation) bool { return o.ID == u.OrgID })
		if i < 0 {
			return nil, identity.Hide("user " + u.ID)
		}
		org = &orgs[i]
	}
	v := &userView{CSRF: httpauth.CSRFToken(r.Context()), User: u, Org: org, Status: userStatus(*u), Self: u.ID == p.UserID(),
		Roles: roleChoices(org, u.Roles), Notice: notice(r, userNotices), BackURL: usersURL(p, org.ID, "", "")}
	v.LastLogin = h.lastLogin(r, u)
	return v, nil
}

// lastLogin is when the user last logged in, from the newest entries about the user in
// its organisation's trail; "" when none of them is a login.
func (h *Handler) lastLogin(r *http.Request, u *identity.User) string {
	pg, err := h.Identity.AuditTrail(r.Context(), principal(r), u.OrgID, audit.Filter{Subject: "user:" + u.ID, Limit: auditPerPage})
	if err != nil {
		return ""
	}
	for _, e := range pg.Entries {
		if !e.Denied && (e.Action == identity.ActionLogin || e.Action == identity.ActionLoginOIDC) {
			return nl.DateTime(e.At)
		}
	}
	return ""
}

func (h *Handler) userPage(w http.ResponseWriter, r *http.Request) error {
	v, err := h.newUserView(r)
	if err != nil {
		return err
	}
	return h.render(w, http.StatusOK, "user.html", v.User.Name, v)
}

// userChanged shows the user's page again with the service's refusal, or goes to it with
// the notice.
func (h *Handler) userChanged(w http.ResponseWriter, r *http.Request, v *userView, err error, notice string) error {
	if err != nil {
		if apperr.CodeOf(err) == apperr.NotFound {
			return err
		}
		status, msgs, ferr := formErrors(err)
		if ferr != nil {
			return ferr
		}
		fresh, rerr := h.newUserView(r)
		if rerr != nil {
			return rerr
		}
		fresh.Errors, fresh.Reason = msgs, v.Reason
		return h.render(w, status, "user.html", v.User.Name, fresh)
	}
	http.Redirect(w, r, usersURL(principal(r), v.Org.ID, v.User.ID, notice), http.StatusSeeOther)
	return nil
}

func (h *Handler) setUserRoles(w http.ResponseWriter, r *http.Request) error {
	v, err := h.newUserView(r)
	if err != nil {
		return err
	}
	v.Reason = strings.TrimSpace(r.PostFormValue("reden"))
	_, err = h.Identity.SetRoles(r.Context(), principal(r), v.User.ID, formRoles(r), v.Reason)
	return h.userChanged(w, r, v, err, "gewijzigd")
}

func (h *Handler) setUserDisabled(w http.ResponseWriter, r *http.Request, disabled bool) error {
	v, err := h.newUserView(r)
	if err != nil {
		return err
	}
	v.Reason = strings.TrimSpace(r.PostFormValue("reden"))
	if v.Reason == "" {
		fresh := *v
		fresh.Errors = []string{"Reden: vul in waarom u de gebruiker " + map[bool]string{true: "uitschakelt", false: "inschakelt"}[disabled] + "."}
		return h.render(w, http.StatusBadRequest, "user.html", v.User.Name, &fresh)
	}
	_, err = h.Identity.SetDisabled(r.Context(), principal(r), v.User.ID, disabled, v.Reason)
	return h.userChanged(w, r, v, err, map[bool]string{true: "uitgeschakeld", false: "ingeschakeld"}[disabled])
}
