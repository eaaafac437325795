// Package nl formats values the way Dutch users read them: amounts as "€ 100.000,00",
// dates as "9 november 2023", percentages as "12,5%".
package nl

import (
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Amsterdam must work on a machine without a zoneinfo database
)

// Amsterdam is the time zone of Dutch clock times and deadlines.
var Amsterdam = mustZone("Europe/Amsterdam")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

var months = [...]string{"januari", "februari", "maart", "april", "mei", "juni", "juli",
	"augustus", "september", "oktober", "november", "december"}

// Money formats integer euro cents as "€ 100.000,00" (negative: "€ -12,50").
func Money(cents int64) string {
	sign := ""
	if cents < 0 {
		sign = "-"
		cents = -cents
	}
	euros, rest := cents/100, cents%100
	return "€ " + sign + group(euros) + "," + pad2(rest)
}

// Date formats a civil date as "9 november 2023".
func Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return strconv.Itoa(t.Day()) + " " + months[t.Month()-1] + " " + strconv.Itoa(t.Year())
}

// Time formats the clock time of an instant in Amsterdam as "14:05".
func Time(t time.Time) string { return t.In(Amsterdam).Format("15:04") }

// DateTime formats an instant in Amsterdam as "9 november 2023 om 14:05".
func DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return Date(t.In(Amsterdam)) + " om " + Time(t)
}

// MonthName returns the Dutch name of a month.
func MonthName(m time.Month) string { return months[m-1] }

// Number formats a decimal with a comma and at most two decimals: 1,5 and 12.
func Number(f float64) string {
	s := strconv.FormatFloat(f, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	intPart, frac, hasFrac := strings.Cut(s, ".")
	neg := strings.HasPrefix(intPart, "-")
	intPart = strings.TrimPrefix(intPart, "-")
	n, _ := strconv.ParseInt(intPart, 10, 64)
	out := group(n)
	if neg {
		out = "-" + out
	}
	if hasFrac {
		out += "," + frac
	}
	return out
}

// Int formats an integer with thousands separators: 100.000.
func Int(n int64) string {
	if n < 0 {
		return "-" + group(-n)
	}
	return group(n)
}

// Percent formats a percentage: "12%" or "12,5%".
func Percent(f float64) string { return Number(f) + "%" }

// Bool answers "ja" or "nee".
func Bool(b bool) string {
	if b {
		return "ja"
	}
	return "nee"
}

func group(n int64) string {
	s := strconv.FormatInt(n, 10)
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	lead := len(s) % 3
	if lead > 0 {
		b.WriteString(s[:lead])
	}
	for i := lead; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

func pad2(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

// Join joins parts the Dutch way: "a, b en c" (or "of" with JoinOr).
func Join(parts []string) string { return join(parts, " en ") }

// JoinOr joins parts as "a, b of c".
func JoinOr(parts []string) string { return join(parts, " of ") }

func join(parts []string, last string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + last + parts[len(parts)-1]
}
