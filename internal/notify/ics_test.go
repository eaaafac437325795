package notify_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"zorginkoop/internal/notify"
	"zorginkoop/internal/policy"
)

func TestTheICalendarFeedParsesBackWithItsEventsFoldedAndEscaped(t *testing.T) {
	sign, _ := policy.ParseDate("2025-11-07")
	quote, _ := policy.ParseDate("2025-06-30")
	long := "Onderteken het contract voor Caresq ZBC 2026 – Kliniek Zonnehof, met de onderdelen " +
		"‘orthopedie’; ‘dermatologie’, en de prijslijst.\nUiterlijk 23:59 uur (Europe/Amsterdam); daarna is ondertekenen niet meer mogelijk."
	cal := notify.Calendar{Name: "Termijnen Kliniek Zonnehof", Stamp: time.Date(2025, 6, 1, 8, 0, 0, 0, time.UTC), Events: []notify.Event{
		{UID: "dos-00000000000000a1-signing", Summary: "Ondertekenen: Caresq ZBC 2026 " + strings.Repeat("é–", 40), Description: long, Date: sign,
			URL: "https://zorginkoop.example/dossiers/dos-00000000000000a1"},
		{UID: "dos-00000000000000a1-quote@zorginkoop.example", Summary: "Offerte indienen, prijslijst; tarieven", Date: quote},
	}}
	var b bytes.Buffer
	if err := notify.WriteICS(&b, cal); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for i, line := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Errorf("line %d has %d octets: %q", i+1, len(line), line)
		}
		if strings.Contains(line, "\n") {
			t.Errorf("line %d ends in a bare LF", i+1)
		}
	}
	var again bytes.Buffer
	notify.WriteICS(&again, cal)
	if again.String() != out {
		t.Error("the same calendar is not written the same")
	}

	parsed, err := ics.ParseCalendar(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	events := parsed.Events()
	if len(events) != 2 {
		t.Fatalf("%d events", len(events))
	}
	wantUID := []string{"dos-00000000000000a1-signing@zorginkoop", "dos-00000000000000a1-quote@zorginkoop.example"}
	for i, ev := range events {
		want := cal.Events[i]
		if ev.Id() != wantUID[i] {
			t.Errorf("event %d: UID %q", i, ev.Id())
		}
		if got := prop(ev, ics.ComponentPropertySummary); got != want.Summary {
			t.Errorf("event %d: summary %q", i, got)
		}
		if got := prop(ev, ics.ComponentPropertyDescription); got != want.Description {
			t.Errorf("event %d: description %q, want %q", i, got, want.Description)
		}
		start, err := ev.GetAllDayStartAt()
		if err != nil || start.Format(time.DateOnly) != want.Date.String() {
			t.Errorf("event %d: starts %v, %v", i, start, err)
		}
		end, err := ev.GetAllDayEndAt()
		if err != nil || end.Format(time.DateOnly) != want.Date.AddDate(0, 0, 1).Format(time.DateOnly) {
			t.Errorf("event %d: ends %v, %v", i, end, err)
		}
	}
	if got := prop(events[0], ics.ComponentPropertyUrl); got != cal.Events[0].URL {
		t.Errorf("URL %q", got)
	}
	if !strings.Contains(out, "X-WR-CALNAME:Termijnen Kliniek Zonnehof\r\n") || !strings.Contains(out, "DTSTAMP:20250601T080000Z\r\n") {
		t.Errorf("calendar:\n%s", out)
	}
}

func prop(ev *ics.VEvent, p ics.ComponentProperty) string {
	if v := ev.GetProperty(p); v != nil {
		return v.Value
	}
	return ""
}
