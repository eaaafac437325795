package main

import "testing"

func TestDerivedBaseURL(t *testing.T) {
	for addr, want := range map[string]string{
		"127.0.0.1:8080":       "http://127.0.0.1:8080",
		"zorginkoop.local:443": "http://zorginkoop.local:443",
		"[::1]:8080":           "http://[::1]:8080",
		":8080":                "",
		"0.0.0.0:8080":         "",
		"[::]:8080":            "",
		"127.0.0.1:0":          "",
		"no-port":              "",
	} {
		if got := derivedBaseURL(addr, false); got != want {
			t.Errorf("derivedBaseURL(%q) = %q, want %q", addr, got, want)
		}
	}
	if got := derivedBaseURL("127.0.0.1:8443", true); got != "https://127.0.0.1:8443" {
		t.Errorf("with TLS: %q", got)
	}
}
