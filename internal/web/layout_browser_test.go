package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"zorginkoop/internal/apptest"
	"zorginkoop/internal/claims"
	"zorginkoop/internal/identity"
)

// cspProbe is injected before every document loads: it keeps the Content-Security-Policy
// violations the page reports, for the test to read after the load.
const cspProbe = `window.__csp = [];
document.addEventListener('securitypolicyviolation', e =>
	window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber));`

// overflowProbe returns how wide the document is, how wide the window, and the elements
// that reach past the window's right edge (the deepest first), to name the culprit.
const overflowProbe = `(() => {
	const w = window.innerWidth, sw = document.documentElement.scrollWidth;
	const out = [];
	// an element in a box that scrolls sideways on its own does not widen the page
	const inScrollBox = el => {
		for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
			if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(a).overflowX)) return true;
		}
		return false;
	};
	if (sw > w + 1) {
		for (const el of document.querySelectorAll('body *')) {
			const r = el.getBoundingClientRect();
			if (r.right > w + 1 && (el.children.length === 0 || ["SELECT", "INPUT", "FORM", "P", "UL"].includes(el.tagName)) && !inScrollBox(el)) {
				out.push(el.tagName.toLowerCase() + (el.className ? '.' + el.className : '') + ' "' + (el.textContent || '').trim().slice(0, 40) + '" right=' + Math.round(r.right));
				if (out.length >= 5) break;
			}
		}
	}
	return {w, sw, out, csp: window.__csp || []};
})()`

type layoutReport struct {
	W   int      `json:"w"`
	SW  int      `json:"sw"`
	Out []string `json:"out"`
	CSP []string `json:"csp"`
}

// layoutPaths lists the pages to load: every GET route of the router with its
// parameters filled with seeded ids, without downloads and the OpenID Connect hops (they
// lead to another site), plus pages that show more than the routes alone do.
func layoutPaths(t *testing.T, fill map[string]string) []string {
	t.Helper()
	routes, err := Routes()
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, r := range routes {
		path, ok := strings.CutPrefix(r, "GET ")
		if !ok || strings.HasSuffix(path, ".csv") || strings.HasSuffix(path, ".json") || strings.HasSuffix(path, ".xlsx") || strings.HasSuffix(path, ".ics") || strings.HasPrefix(path, "/inloggen/oidc/") {
			continue
		}
		paths = append(paths, fillPath(t, strings.TrimSuffix(path, "{$}"), fill))
	}
	return paths
}

// fillPath fills each {parameter} of path with the value of the key in fill that the path
// up to and with the parameter ends in ("/zorgaanbieders/{id}"); the longest key wins.
func fillPath(t *testing.T, path string, fill map[string]string) string {
	t.Helper()
	for strings.Contains(path, "{") {
		i := strings.Index(path, "{")
		j := strings.Index(path, "}")
		key := path[:j+1] // the path up to and with the parameter: "/beleid/{id}"
		best := ""
		for k := range fill {
			if strings.HasSuffix(key, k) && len(k) > len(best) {
				best = k
			}
		}
		if best == "" {
			t.Fatalf("no seeded value for %s in %s: add one to the test", path[i:j+1], path)
		}
		path = path[:i] + fill[best] + path[j+1:]
	}
	return path
}

// Every page, as each role, fits a 1,280 × 800 window and a 390 × 844 phone without
// scrolling sideways, and reports no Content-Security-Policy violation.
func TestBrowserEveryPageFitsTheWindowWithoutCSPViolations(t *testing.T) {
	e := newAuthEnv(t, Limits{})
	e.app.InstallPartsPolicy(t)
	e.ids.AddUser(t, apptest.OrgCZ, czAdminEmail, "Bea Beheer", identity.RoleAdmin)
	ctx := context.Background()
	for _, pol := range []string{apptest.Policy, apptest.PartsPolicy} {
		if _, err := e.app.Assessments.AssessAll(ctx, e.ids.Operator, pol, nil); err != nil {
			t.Fatalf("assess %s: %v", pol, err)
		}
	}
	buyer := e.ids.Principal(t, e.ids.User(t, apptest.CZBuyerEmail))
	const draft = "cz-concept-2027"
	if _, _, err := e.app.Policies.SaveDraft(ctx, buyer, "cz-concept-2027.yaml",
		apptest.DraftYAML(t, apptest.Policy+".yaml", draft, "Concept huisartsenzorg 2027 met een lange titel die op een telefoon moet afbreken")); err != nil {
		t.Fatalf("save a draft: %v", err)
	}
	fill := map[string]string{
		"/beleid/{id}":                 apptest.Policy,
		"/beoordeling/{providerID}":    "hap-de-linde",
		"/zorgaanbieders/{id}":         "hap-de-linde",
		"/organisatie/gebruikers/{id}": e.ids.User(t, apptest.CZBuyerEmail).ID,
		"/rondes/{id}":                 apptest.Policy + "-2022", // no round opened: the pages answer 404
		"/dossiers/{id}":               "dos-0000000000000000",
		"/documenten/{id}":             "doc-0000000000000000",
	}
	for k, v := range seedRound(t, e.ids.Services, e.ids) { // a round with a dossier up to its contract
		fill[k] = v
	}
	fill["/contracten/{file}"] = "geen-contract" // the route downloads a PDF or xlsx; this is its HTML 404
	// A claim file of De Linde to CZ with its return, and an unknown authorisation (404).
	linde := e.ids.Principal(t, e.ids.User(t, apptest.LindeEmail))
	file, err := e.app.Claims.Intake(ctx, linde, claims.Upload{Name: "linde-2021-maart-met-een-lange-naam.asc",
		Body: bytes.NewReader(apptest.ClaimFileAX(t, "LAYOUT-1")), Channel: claims.ViaWeb})
	if err != nil {
		t.Fatalf("claim file: %v", err)
	}
	fill["/declaraties/{id}"] = file.ID
	fill["/machtigingen/{id}"] = "auth-0000000000000000"
	fill["/documenten/{doc}"] = "adoc-0000000000000000"
	var paths []string
	for _, p := range layoutPaths(t, fill) {
		if strings.HasSuffix(p, "/concept") || strings.HasSuffix(p, "/gevolgen") { // a draft's pages
			p = strings.Replace(p, "/"+apptest.Policy+"/", "/"+draft+"/", 1)
		}
		paths = append(paths, p)
	}
	paths = append(paths,
		"/beleid/"+apptest.PartsPolicy+"/beoordeling",
		"/beleid/"+apptest.PartsPolicy+"/beoordeling/hap-failliet",
		"/beleid/"+apptest.Policy+"/beoordeling/hap-failliet",
		"/zorgaanbieders?q=huisarts",
		"/pagina-die-niet-bestaat")

	roles := []struct{ name, email string }{
		{"anoniem", ""},
		{"inkoper van een verzekeraar", apptest.CZBuyerEmail},
		{"beheerder van een verzekeraar", czAdminEmail},
		{"beheerder van een zorgaanbieder", apptest.LindeEmail},
		{"platformbeheerder", apptest.OperatorEmail},
	}
	sizes := []struct{ w, h int64 }{{1280, 800}, {390, 844}}

	p := newPageTab(t, e.srv.URL)
	if err := chromedp.Do(p.ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: cspProbe})
		return err
	})); err != nil {
		t.Fatalf("inject the CSP probe: %v", err)
	}
	checked := 0
	for _, role := range roles {
		if err := chromedp.Do(p.ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := cdp.Call(ctx, t, network.ClearBrowserCookies, cdp.Empty{})
			return err
		})); err != nil {
			t.Fatalf("clear cookies: %v", err)
		}
		if role.email != "" {
			if err := chromedp.Do(p.ctx, chromedp.EmulateViewport(1280, 800)); err != nil {
				t.Fatal(err)
			}
			p.login(role.email, apptest.Password)
		}
		for _, size := range sizes {
			if err := chromedp.Do(p.ctx, chromedp.EmulateViewport(size.w, size.h)); err != nil {
				t.Fatalf("window %d × %d: %v", size.w, size.h, err)
			}
			for _, path := range paths {
				status := p.open(path)
				if status == http.StatusInternalServerError {
					t.Errorf("%s, as %s: status %d", path, role.name, status)
				}
				ctx, cancel := p.step()
				rep, err := chromedp.Run(ctx, chromedp.Evaluate[layoutReport](overflowProbe))
				cancel()
				if err != nil {
					t.Fatalf("measure %s: %v", path, err)
				}
				where := fmt.Sprintf("%s as %s at %d × %d (status %d)", path, role.name, size.w, size.h, status)
				if rep.SW > int(size.w)+1 || rep.SW > rep.W+1 {
					t.Errorf("%s: the page is %d px wide in a window of %d px; too wide: %s", where, rep.SW, rep.W, strings.Join(rep.Out, "; "))
				}
				for _, v := range rep.CSP {
					t.Errorf("%s: Content-Security-Policy violation: %s", where, v)
				}
				checked++
			}
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, v := range p.violations {
		t.Errorf("Content-Security-Policy violation in the console: %s", v)
	}
	t.Logf("%d pages measured", checked)
}
