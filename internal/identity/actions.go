package identity

import "zorginkoop/internal/audit"

// The actions identity records in the audit trail.
const (
	ActionLogin              = "login"
	ActionLoginOIDC          = "login.oidc"
	ActionLogout             = "logout"
	ActionOrganisationSave   = "organisation.save"
	ActionUserAdd            = "user.add"
	ActionUserInvite         = "user.invite"
	ActionUserRoles          = "user.roles"
	ActionUserDisable        = "user.disable"
	ActionUserCertificate    = "user.certificate"
	ActionUserOIDCLink       = "user.oidc_link"
	ActionTokenCreate        = "token.create"
	ActionTokenRevoke        = "token.revoke"
	ActionPasswordResetAsked = "password.reset_requested"
	ActionPasswordReset      = "password.reset"
	ActionPasswordChange     = "password.change"
)

func init() {
	audit.Register(
		audit.Action{Name: ActionLogin, Dutch: "Ingelogd", Refused: "Inloggen mislukt"},
		audit.Action{Name: ActionLoginOIDC, Dutch: "Ingelogd via OpenID Connect", Refused: "Inloggen via OpenID Connect mislukt"},
		audit.Action{Name: ActionLogout, Dutch: "Uitgelogd", Refused: "Uitloggen geweigerd"},
		audit.Action{Name: ActionOrganisationSave, Dutch: "Organisatie opgeslagen", Refused: "Organisatie opslaan geweigerd"},
		audit.Action{Name: ActionUserAdd, Dutch: "Gebruiker toegevoegd", Refused: "Gebruiker toevoegen geweigerd"},
		audit.Action{Name: ActionUserInvite, Dutch: "Uitnodiging verstuurd", Refused: "Uitnodiging versturen geweigerd"},
		audit.Action{Name: ActionUserRoles, Dutch: "Rollen gewijzigd", Refused: "Rollen wijzigen geweigerd"},
		audit.Action{Name: ActionUserDisable, Dutch: "Gebruiker in- of uitgeschakeld", Refused: "Gebruiker in- of uitschakelen geweigerd",
			Text: userDisableText},
		audit.Action{Name: ActionUserCertificate, Dutch: "Certificaat gewijzigd", Refused: "Certificaat wijzigen geweigerd",
			Text: userCertificateText},
		audit.Action{Name: ActionUserOIDCLink, Dutch: "OpenID Connect-account gekoppeld", Refused: "OpenID Connect-account koppelen geweigerd"},
		audit.Action{Name: ActionTokenCreate, Dutch: "API-token aangemaakt", Refused: "API-token aanmaken geweigerd"},
		audit.Action{Name: ActionTokenRevoke, Dutch: "API-token ingetrokken", Refused: "API-token intrekken geweigerd"},
		audit.Action{Name: ActionPasswordResetAsked, Dutch: "Wachtwoordherstel aangevraagd", Refused: "Wachtwoordherstel aanvragen geweigerd"},
		audit.Action{Name: ActionPasswordReset, Dutch: "Wachtwoord opnieuw ingesteld", Refused: "Wachtwoord opnieuw instellen geweigerd"},
		audit.Action{Name: ActionPasswordChange, Dutch: "Wachtwoord gewijzigd", Refused: "Wachtwoord wijzigen geweigerd"},
	)
}

// userDisableText names the new state, which the entry's After holds.
func userDisableText(e audit.Entry) string {
	switch string(e.After) {
	case "true":
		return "Gebruiker uitgeschakeld"
	case "false":
		return "Gebruiker ingeschakeld"
	}
	return ""
}

// userCertificateText names the change by the new fingerprint in After, "" when removed.
func userCertificateText(e audit.Entry) string {
	switch string(e.After) {
	case `""`:
		return "Certificaat ontkoppeld"
	case "":
		return ""
	}
	return "Certificaat gekoppeld"
}
