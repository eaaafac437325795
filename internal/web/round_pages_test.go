package web

import (
	"net/http"
	"testing"
)

func TestRoundFixtureReachesAgreed(t *testing.T) {
	e := newRoundEnv(t)
	id := e.agreed(t)
	if d := e.dossier(t, id); d.Stage != "agreed" {
		t.Fatalf("stage %s", d.Stage)
	}
	s := e.session(t, euBuyer)
	resp, body := s.get(t, "/dossiers/"+id)
	wantStatus(t, resp, body, http.StatusOK)
}
