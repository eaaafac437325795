package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/httpauth"
	"zorginkoop/internal/identity"
)

// The users of an organisation, managed by its beheerder (the operator: of any
// organisation): list, invite, change roles, disable and enable. The identity service
// decides who may do what; these handlers read the form and show its answer.

const usersPerPage = 50

func (h *Handler) userRoutes() {
	h.handle("GET /organisatie/gebruikers", h.usersPage)
	h.handle("POST /organisatie/gebruikers", h.inviteUser)
	h.handle("GET /organisatie/gebruikers/{id}", h.userPage)
	h.handle("POST /organisatie/gebruikers/{id}/rollen", h.setUserRoles)
	h.handle("POST /organisatie/gebruikers/{id}/uitschakelen", func(w http.ResponseWriter, r *http.Request) error { return h.setUserDisabled(w, r, true) })
	h.handle("POST /organisatie/gebruikers/{id}/inschakelen", func(w http.ResponseWriter, r *http.Request) error { return h.setUserDisabled(w, r, false) })
}

// fieldLabels name the fields of the users' forms in the errors the service gives.
var fieldLabels = map[string]string{"name": "Naam", "email": "E-mailadres", "roles": "Rollen", "reason": "Reden", "user": "Gebruiker"}

// formErrors are the Dutch messages of err, each with the label of its field, or the
// error itself when the user cannot correct it on the form (a missing page, an internal error).
func formErrors(err error) (int, []string, error) {
	status, _ := formError(err)
	if status == 0 {
		return 0, nil, err
	}
	var out []string
	for _, e := range apperr.Errors(err) {
		msg := e.Dutch
		if msg == "" {
			msg = answers[e.Code].Message
		}
		if l, ok := fieldLabels[e.Field]; ok && e.Code == apperr.Invalid {
			// internal/text names the field by its code ("Het veld name is …"): name it by its label.
			if rest, cut := strings.CutPrefix(msg, "Het veld "+e.Field+" "); cut {
				msg = rest
			}
			msg = l + ": " + msg
		}
		out = append(out, msg)
	}
	if len(out) == 0 {
		ep, _ := answer(err)
		out = append(out, ep.Message)
	}
	return status, out, nil
}

type roleChoice struct {
	Role    identity.Role
	Name    string
	Checked bool
}

// roleChoices are the roles users of org may hold, those in have ticked.
func roleChoices(org *identity.Organisation, have []identity.Role) []roleChoice {
	var out []roleChoice
	for _, r := range identity.RolesFor(org.Kind) {
		out = append(out, roleChoice{Role: r, Name: identity.RoleNames[r], Checked: slices.Contains(have, r)})
	}
	return out
}

// formRoles are the roles ticked on a form.
func formRoles(r *http.Request) []identity.Role {
	var out []identity.Role
	for _, v := range r.PostForm["rol"] {
		out = append(out, identity.Role(v))
	}
	return out
}

type userRow struct {
	identity.User
	Status string
}

// userStatus says whether a user can log in, in Dutch.
func userStatus(u identity.User) string {
	switch {
	case u.Disabled:
		return "uitgeschakeld"
	case u.PasswordHash == "" && u.OIDCSubject == "" && u.CertFingerprint == "":
		return "uitgenodigd; nog geen wachtwoord gekozen"
	}
	return "actief"
}

type inviteForm struct {
	Name, Email string
	Roles       []roleChoice
}

type usersView struct {
	CSRF    string
	Org     *identity.Organisation
	Orgs    []identity.Organisation // the operator's choice; nil for a beheerder
	Rows    []userRow
	Total   int
	PrevURL string
	NextURL string
	Page    int
	Pages   int
	Invite  inviteForm
	Errors  []string
	Notice  string
}

// managedOrg is the organisation whose users the page shows: the beheerder's own, or the
// one the operator chose (organisatie in the query or form). Whether the caller may
// manage it, the service decides when the users are read.
func (h *Handler) managedOrg(r *http.Request) (*identity.Organisation, []identity.Organisation, error) {
	p := principal(r)
	if p.IsAnonymous() {
		return nil, nil, identity.LoginRequired("manage users")
	}
	id := strings.TrimSpace(r.FormValue("organisatie"))
	if !p.IsOperator() || id == "" || id == p.OrgID() {
		if id != "" && id != p.OrgID() {
			return nil, nil, identity.Hide("organisation " + id)
		}
		var orgs []identity.Organisation
		if p.IsOperator() {
			var err error
			if orgs, err = h.Identity.AuditOrganisations(r.Context(), p); err != nil {
				return nil, nil, err
			}
		}
		return p.Org, orgs, nil
	}
	orgs, err := h.Identity.AuditOrganisations(r.Context(), p)
	if err != nil {
		return nil, nil, err
	}
	for i := range orgs {
		if orgs[i].ID == id {
			return &orgs[i], orgs, nil
		}
	}
	return nil, nil, identity.Hide("organisation " + id)
}

var userNotices = map[string]string{
	"uitgenodigd":   "De gebruiker is toegevoegd en heeft een e-mail gekregen met een link om een wachtwoord te kiezen.",
	"gewijzigd":     "De rollen zijn gewijzigd.",
	"uitgeschakeld": "De gebruiker is uitgeschakeld en op alle apparaten uitgelogd.",
	"ingeschakeld":  "De gebruiker is weer ingeschakeld.",
}

func notice(r *http.Request, notices map[string]string) string {
	for key, text := range notices {
		if r.URL.Query().Get(key) == "1" {
			return text
		}
	}
	return ""
}

func (h *Handler) newUsersView(r *http.Request) (*usersView, error) {
	org, orgs, err := h.managedOrg(r)
	if err != nil {
		return nil, err
	}
	users, err := h.Identity.Users(r.Context(), principal(r), org.ID)
	if err != nil {
		return nil, err
	}
	v := &usersView{CSRF: httpauth.CSRFToken(r.Context()), Org: org, Orgs: orgs, Total: len(users), Page: 1,
		Invite: inviteForm{Roles: roleChoices(org, nil)}, Notice: notice(r, userNotices)}
	if n, err := strconv.Atoi(r.URL.Query().Get("pagina")); err == nil && n > 1 {
		v.Page = n
	}
	v.Pages = max(1, (len(users)+usersPerPage-1)/usersPerPage)
	from := min((v.Page-1)*usersPerPage, len(users))
	for _, u := range users[from:min(from+usersPerPage, len(users))] {
		v.Rows = append(v.Rows, userRow{User: u, Status: userStatus(u)})
	}
	link := func(page int) string {
		q := url.Values{"pagina": {strconv.Itoa(page)}}
		if orgs != nil {
			q.Set("organisatie", org.ID)
		}
		return "/organisatie/gebruikers?" + q.Encode()
	}
	if v.Page > 1 {
		v.PrevURL = link(v.Page - 1)
	}
	if v.Page < v.Pages {
		v.NextURL = link(v.Page + 1)
	}
	return v, nil
}

func (h *Handler) usersPage(w http.ResponseWriter, r *http.Request) error {
	v, err := h.newUsersView(r)
	if err != nil {
		return err
	}
	return h.render(w, http.StatusOK, "users.html", "Gebruikers van "+v.Org.Name, v)
}

func (h *Handler) inviteUser(w http.ResponseWriter, r *http.Request) error {
	v, err := h.newUsersView(r)
	if err != nil {
		return err
	}
	roles := formRoles(r)
	v.Invite = inviteForm{Name: strings.TrimSpace(r.PostFormValue("naam")), Email: strings.TrimSpace(r.PostFormValue("email")),
		Roles: roleChoices(v.Org, roles)}
	_, err = h.Identity.InviteUser(r.Context(), principal(r), identity.NewUser{OrgID: v.Org.ID, Name: v.Invite.Name, Email: v.Invite.Email, Roles: roles})
	if err != nil {
		status, msgs, err := formErrors(err)
		if err != nil {
			return err
		}
		v.Errors = msgs
		return h.render(w, status, "users.html", "Gebruikers van "+v.Org.Name, v)
	}
	http.Redirect(w, r, usersURL(principal(r), v.Org.ID, "", "uitgenodigd"), http.StatusSeeOther)
	return nil
}

// usersURL is the list (userID "") or one user's page, with a notice; the operator's
// links keep the organisation.
func usersURL(p identity.Principal, orgID, userID, notice string) string {
	path := "/organisatie/gebruikers"
	if userID != "" {
		path += "/" + url.PathEscape(userID)
	}
	q := url.Values{}
	if notice != "" {
		q.Set(notice, "1")
	}
	if p.IsOperator() && orgID != p.OrgID() && userID == "" {
		q.Set("organisatie", orgID)
	}
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}
