package web

import (
	"net/http"

	"zorginkoop/internal/httpauth"
	"zorginkoop/internal/identity"
	"zorginkoop/internal/notify"
)

// The organisation's inbox (/berichten): the messages of the round, newest first, unread
// ones marked; each links to its dossier and can be marked read.

const messagesPerPage = 25

type inboxView struct {
	CSRF string
	notify.Inbox
	pager
}

func (h *Handler) inboxPage(w http.ResponseWriter, r *http.Request) error {
	actor := principal(r)
	if actor.IsAnonymous() {
		return identity.LoginRequired("read messages")
	}
	n := pageOf(r)
	in, err := h.Notices.Inbox(r.Context(), actor, notify.Page{Offset: (n - 1) * messagesPerPage, Limit: messagesPerPage})
	if err != nil {
		return err
	}
	v := inboxView{CSRF: httpauth.CSRFToken(r.Context()), Inbox: in, pager: newPager("/berichten", n, messagesPerPage, in.Total)}
	return h.render(w, http.StatusOK, "inbox.html", "Berichten", v)
}

// markRead marks a message read and goes back to the inbox, or on to the message's dossier
// when the form asks ("open").
func (h *Handler) markRead(w http.ResponseWriter, r *http.Request) error {
	actor := principal(r)
	if actor.IsAnonymous() {
		return identity.LoginRequired("read messages")
	}
	if err := h.Notices.MarkRead(r.Context(), actor, r.PathValue("id")); err != nil {
		return err
	}
	to := "/berichten"
	if link := r.PostFormValue("open"); link != "" {
		to = localPath(link)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}
