package notify

import (
	"fmt"
	"strings"
)

// template is the Dutch subject and opening of a kind of notice; %s is the Topic.
type template struct{ subject, body string }

var templates = map[Kind]template{
	KindInvitation: {"Uitnodiging zorginkoop: %s",
		"U bent uitgenodigd voor de zorginkoop %s. In het dossier vindt u de inkoopbrief, de uitvraag en de termijnen."},
	KindQuestionnaireReceived: {"Uitvraag ontvangen: %s",
		"De uitvraag voor %s is ingediend en ontvangen. De beoordeling per onderdeel staat in het dossier."},
	KindDecision: {"Besluit over uw aanvraag: %s",
		"Er is besloten over uw aanvraag voor %s. In het dossier ziet u het besluit per onderdeel, met de toelichting."},
	KindOffer: {"Contractaanbod: %s",
		"U hebt een contractaanbod ontvangen voor %s, met een voorstel voor de prijslijst. Bekijk het aanbod per onderdeel in het dossier."},
	KindCounterProposal: {"Tegenvoorstel op de prijslijst: %s",
		"Er is een tegenvoorstel gedaan op de prijslijst voor %s. Bekijk de voorgestelde tarieven en volumes in het dossier."},
	KindAccepted: {"Prijslijst akkoord: %s",
		"De prijslijst voor %s is akkoord. Het contract wordt opgesteld en ter ondertekening aangeboden."},
	KindDeadlineApproaching: {"Herinnering: termijn nadert voor %s",
		"Een termijn in de zorginkoop %s nadert."},
	KindSigned: {"Contract ondertekend: %s",
		"Het contract voor %s is ondertekend."},
	KindPublished: {"Contract gepubliceerd: %s",
		"Het contract voor %s is gepubliceerd en staat in de zorgzoeker."},
}

// fill gives the notice the Kind's subject and body where it has none, and its link.
func fill(n *Notice) {
	t := templates[n.Kind]
	topic := n.Topic
	if topic == "" {
		topic = "dossier " + n.DossierID
	}
	if n.Subject == "" {
		n.Subject = fmt.Sprintf(t.subject, topic)
	}
	if n.Body == "" {
		n.Body = fmt.Sprintf(t.body, topic)
		if n.Detail != "" {
			n.Body += " " + n.Detail
		}
	}
	if n.Link == "" && n.DossierID != "" {
		n.Link = "/dossiers/" + n.DossierID
	}
	n.Subject = strings.Join(strings.Fields(n.Subject), " ") // one line, for the Subject header
}

// mailBody is the e-mail text: the body, the absolute link to the dossier and a footer.
func mailBody(n Notice, baseURL string) string {
	var b strings.Builder
	b.WriteString("Beste collega,\n\n")
	b.WriteString(n.Body)
	b.WriteString("\n")
	if n.Link != "" {
		b.WriteString("\nBekijk het dossier: " + absolute(baseURL, n.Link) + "\n")
	}
	b.WriteString("\nDit bericht staat ook in het berichtenoverzicht van uw organisatie op het platform.\n" +
		"U ontvangt het omdat u in uw organisatie een rol hebt in deze zorginkoop.\n")
	return b.String()
}

// absolute joins the base URL and a path.
func absolute(baseURL, link string) string {
	if baseURL == "" || strings.Contains(link, "://") {
		return link
	}
	return strings.TrimSuffix(baseURL, "/") + "/" + strings.TrimPrefix(link, "/")
}
