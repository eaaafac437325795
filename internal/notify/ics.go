package notify

import (
	"io"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"zorginkoop/internal/policy"
)

// Calendar is an iCalendar feed of deadlines, e.g. all of a provider's dossiers' dates.
type Calendar struct {
	Name   string // shown by calendar programs (X-WR-CALNAME)
	Events []Event
	// Stamp is when the feed was made (DTSTAMP of each event); the clock's now.
	Stamp time.Time
}

// Event is one deadline: an all-day event on its civil date (a deadline ends at 23:59:59
// in Europe/Amsterdam on that day, so the whole day is the last day to act). All-day
// events need no time zone: a calendar shows them on that date wherever it is.
type Event struct {
	// UID identifies the event across refreshes, so that a moved deadline moves the
	// event instead of adding one: build it from the dossier and the deadline, e.g.
	// "dos-…-signing". "@zorginkoop" is added when it has no domain.
	UID         string
	Summary     string
	Description string
	Date        policy.Date
	URL         string // absolute link to the dossier
}

// WriteICS writes cal as iCalendar (RFC 5545): CRLF line ends, lines folded at 75 octets,
// text escaped, one all-day VEVENT per event.
func WriteICS(w io.Writer, cal Calendar) error {
	c := ics.NewCalendarFor("Zorginkoop")
	c.SetProductId("-//Zorginkoop//Termijnen//NL")
	c.SetMethod(ics.MethodPublish)
	if cal.Name != "" {
		c.SetName(cal.Name)
		c.SetXWRCalName(cal.Name)
	}
	c.SetXWRTimezone("Europe/Amsterdam")
	c.SetRefreshInterval("PT12H")
	stamp := cal.Stamp
	if stamp.IsZero() {
		stamp = time.Now()
	}
	for _, e := range cal.Events {
		uid := e.UID
		if !strings.Contains(uid, "@") {
			uid += "@zorginkoop"
		}
		ev := c.AddEvent(uid)
		ev.SetDtStampTime(stamp)
		day := e.Date.Time
		ev.SetAllDayStartAt(day)
		ev.SetAllDayEndAt(day.AddDate(0, 0, 1))
		ev.SetSummary(e.Summary)
		if e.Description != "" {
			ev.SetDescription(e.Description)
		}
		if e.URL != "" {
			ev.SetURL(e.URL)
		}
		ev.SetProperty(ics.ComponentPropertyTransp, "TRANSPARENT")
	}
	return c.SerializeTo(w, ics.WithNewLine("\r\n"))
}
