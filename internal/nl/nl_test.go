package nl

import (
	"testing"
	"time"
)

func TestFormats(t *testing.T) {
	cases := []struct{ got, want string }{
		{Money(10000000), "€ 100.000,00"},
		{Money(8000000), "€ 80.000,00"},
		{Money(5), "€ 0,05"},
		{Money(-1250), "€ -12,50"},
		{Money(123456789), "€ 1.234.567,89"},
		{Date(time.Date(2023, 11, 9, 0, 0, 0, 0, time.UTC)), "9 november 2023"},
		{Date(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)), "1 januari 2026"},
		{Percent(12), "12%"},
		{Percent(12.5), "12,5%"},
		{Number(1234.25), "1.234,25"},
		{Number(-0.5), "-0,5"},
		{Int(100000), "100.000"},
		{Join([]string{"a", "b", "c"}), "a, b en c"},
		{JoinOr([]string{"a", "b"}), "a of b"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestDateTimeIsInAmsterdam(t *testing.T) {
	winter := time.Date(2023, 11, 9, 13, 5, 0, 0, time.UTC)
	summer := time.Date(2024, 7, 1, 22, 30, 0, 0, time.UTC)
	if got := DateTime(winter); got != "9 november 2023 om 14:05" {
		t.Errorf("DateTime(winter) = %q", got)
	}
	if got := DateTime(summer); got != "2 juli 2024 om 00:30" {
		t.Errorf("DateTime(summer) = %q", got)
	}
}
