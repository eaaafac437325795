package web

import (
	"net/http"
	"strings"
	"testing"
)

// No folder is listed: /static/ once showed a listing of its files.
func TestStaticFolderIsNotListed(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/static/", "/static", "/static//", "/static/./", "/static/%2e/"} {
		resp, body := e.get(t, path)
		if resp.StatusCode != http.StatusNotFound || strings.Contains(body, "style.css") {
			t.Errorf("GET %s: status %d, want 404 without a listing; body:\n%s", path, resp.StatusCode, body)
		}
	}
	if resp, body := e.get(t, "/static/style.css"); resp.StatusCode != http.StatusOK || body == "" {
		t.Errorf("GET /static/style.css: status %d, want the file", resp.StatusCode)
	}
}
