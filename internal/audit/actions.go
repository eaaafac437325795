package audit

// actionTexts are the Dutch names of the recorded actions: what was done, and what was
// refused. An action without a name here is shown by its code.
var actionTexts = map[string]struct{ done, refused string }{
	"login":                    {"Ingelogd", "Inloggen geweigerd"},
	"login.oidc":               {"Ingelogd via OpenID Connect", "Inloggen via OpenID Connect geweigerd"},
	"logout":                   {"Uitgelogd", "Uitloggen geweigerd"},
	"organisation.save":        {"Organisatie opgeslagen", "Organisatie opslaan geweigerd"},
	"user.add":                 {"Gebruiker toegevoegd", "Gebruiker toevoegen geweigerd"},
	"user.roles":               {"Rollen gewijzigd", "Rollen wijzigen geweigerd"},
	"user.disable":             {"Gebruiker in- of uitgeschakeld", "Gebruiker in- of uitschakelen geweigerd"},
	"user.certificate":         {"Certificaat gewijzigd", "Certificaat wijzigen geweigerd"},
	"user.oidc_link":           {"OpenID Connect-account gekoppeld", "OpenID Connect-account koppelen geweigerd"},
	"token.create":             {"API-token aangemaakt", "API-token aanmaken geweigerd"},
	"password.reset_requested": {"Wachtwoordherstel aangevraagd", "Wachtwoordherstel aanvragen geweigerd"},
	"password.reset":           {"Wachtwoord opnieuw ingesteld", "Wachtwoord opnieuw instellen geweigerd"},
	"password.change":          {"Wachtwoord gewijzigd", "Wachtwoord wijzigen geweigerd"},
	"policy.draft_save":        {"Concept opgeslagen", "Concept opslaan geweigerd"},
	"policy.publish":           {"Beleid gepubliceerd", "Beleid publiceren geweigerd"},
	"assessment.run":           {"Beoordeling uitgevoerd", "Beoordeling uitvoeren geweigerd"},
	"provider.import":          {"Zorgaanbieders geïmporteerd", "Zorgaanbieders importeren geweigerd"},
	"provider.facts":           {"Gegevens van de verzekeraar over zorgaanbieders gewijzigd", "Gegevens van de verzekeraar over zorgaanbieders wijzigen geweigerd"},
}

// ActionText is the Dutch name of what e records, for the pages and the API: "Beleid
// gepubliceerd", or for a refused attempt "Beleid publiceren geweigerd". An action
// without a Dutch name is shown by its code ("offer.send").
func ActionText(e Entry) string {
	t, ok := actionTexts[e.Action]
	switch {
	case !ok:
		return e.Action
	case e.Denied:
		return t.refused
	}
	switch e.Action {
	case "user.disable": // after: the new state
		switch string(e.After) {
		case "true":
			return "Gebruiker uitgeschakeld"
		case "false":
			return "Gebruiker ingeschakeld"
		}
	case "user.certificate": // after: the new fingerprint, "" when removed
		switch string(e.After) {
		case `""`:
			return "Certificaat ontkoppeld"
		case "":
		default:
			return "Certificaat gekoppeld"
		}
	}
	return t.done
}
