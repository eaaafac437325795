package web

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"zorginkoop/internal/apptest"
)

// chromiumPath finds headless Chromium. Without it the browser tests skip, except under
// CI=true, where they must run.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	const msg = "Chromium is not installed (Debian package chromium), so the browser test cannot run"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + "; under CI=true it must")
	}
	t.Skip(msg)
	return ""
}

// pageTab is one tab of a headless Chromium that runs as long as the test, and the
// Content-Security-Policy violations it reported.
type pageTab struct {
	t    *testing.T
	ctx  context.Context
	base string

	mu         sync.Mutex
	violations []string
}

func newPageTab(t *testing.T, base string) *pageTab {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromiumPath(t)), chromedp.DisableGPU,
		chromedp.Flag("disable-dev-shm-usage", true))
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox) // Chromium refuses to run as root with its sandbox
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// The first run starts the browser; it must not have a timeout of its own.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	p := &pageTab{t: t, ctx: ctx, base: base}
	console := chromedp.Console(ctx)
	go func() {
		for m, err := range console {
			if err != nil {
				return
			}
			if strings.Contains(m.Text, "Content Security Policy") {
				p.mu.Lock()
				p.violations = append(p.violations, m.Text)
				p.mu.Unlock()
			}
		}
	}()
	return p
}

// step bounds one action, so that a page that never comes fails the test quickly.
func (p *pageTab) step() (context.Context, context.CancelFunc) {
	return context.WithTimeout(p.ctx, 15*time.Second)
}

// open loads a path and returns the status of the page.
func (p *pageTab) open(path string) int64 {
	p.t.Helper()
	ctx, cancel := p.step()
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(p.base+path))
	if err != nil {
		p.t.Fatalf("open %s: %v", path, err)
	}
	return resp.Status
}

// click clicks what sel selects and waits for the page it leads to.
func (p *pageTab) click(sel string) int64 {
	p.t.Helper()
	ctx, cancel := p.step()
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		p.t.Fatalf("click %s: %v", sel, err)
	}
	return resp.Status
}

// text is the visible text of the first element sel selects.
func (p *pageTab) text(sel string) string {
	p.t.Helper()
	ctx, cancel := p.step()
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		p.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// login logs in through the login form, as a person would.
func (p *pageTab) login(email, password string) {
	p.t.Helper()
	if status := p.open("/inloggen"); status != 200 {
		p.t.Fatalf("login page: status %d", status)
	}
	ctx, cancel := p.step()
	defer cancel()
	err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), email),
		chromedp.SendKeys(chromedp.CSS(`input[name="wachtwoord"]`), password))
	if err != nil {
		p.t.Fatalf("fill in the login form: %v", err)
	}
	if status := p.click(`form[action="/inloggen"] button[type="submit"]`); status != 200 {
		p.t.Fatalf("log in as %s: status %d; page: %s", email, status, p.text("main"))
	}
}

func (p *pageTab) wantText(sel string, wants, nots []string) {
	p.t.Helper()
	s := p.text(sel)
	for _, w := range wants {
		if !strings.Contains(s, w) {
			p.t.Errorf("%s lacks %q; it reads:\n%s", sel, w, s)
		}
	}
	for _, n := range nots {
		if strings.Contains(s, n) {
			p.t.Errorf("%s shows %q; it reads:\n%s", sel, n, s)
		}
	}
}

// An insurer's buyer and a provider's user log in through the form in a real browser:
// each sees its own data, and another party's is not there, not even by typing its address.
func TestBrowserEachPartySeesOnlyItsOwnData(t *testing.T) {
	e := newAuthEnv(t, Limits{})
	p := newPageTab(t, e.srv.URL)
	for _, pol := range []string{apptest.Policy, "zz-msz-2024"} {
		if _, err := e.app.Assessments.AssessAll(context.Background(), e.ids.Operator, pol, nil); err != nil {
			t.Fatalf("assess %s: %v", pol, err)
		}
	}

	// The buyer of CZ.
	p.login(apptest.CZBuyerEmail, apptest.Password)
	p.wantText("header", []string{"Ingrid Inkoper · CZ groep", "Beoordelingen", "Zorgaanbieders", "Mijn account", "Uitloggen"},
		[]string{"Inloggen"})
	p.click(`header a[href="/beoordelingen"]`)
	p.wantText("main", []string{"Zorginkoopbeleid Huisartsenzorg en multidisciplinaire zorg 2022"}, []string{"Zorg en Zekerheid"})
	p.click(`main a[href="/beleid/` + apptest.Policy + `/beoordeling"]`)
	p.wantText("main", []string{"Huisartsenpraktijk De Linde", "Huisartsenpraktijk Failliet", "komt in aanmerking", "komt niet in aanmerking"}, nil)
	if status := p.open("/beleid/zz-msz-2024/beoordeling"); status != 404 {
		t.Errorf("another insurer's assessment: status %d, want 404", status)
	}
	p.wantText("main", []string{"Pagina niet gevonden"}, []string{"Ziekenhuis Zuid"})
	p.open("/")
	p.click(`form.logout button`)
	p.wantText("main", []string{"U bent uitgelogd."}, nil)
	p.wantText("header", []string{"Inloggen"}, []string{"Ingrid Inkoper"})

	// The beheerder of Huisartsenpraktijk De Linde.
	p.login(apptest.LindeEmail, apptest.Password)
	p.wantText("header", []string{"Lotte van der Linde · Huisartsenpraktijk De Linde", "Mijn beoordelingen"}, []string{"Zorgaanbieders"})
	p.click(`header a[href="/beoordelingen"]`)
	p.wantText("main", []string{"Huisartsenpraktijk De Linde"}, []string{"Failliet", "Ziekenhuis Zuid"})
	p.click(`main a[href="/beleid/` + apptest.Policy + `/beoordeling/hap-de-linde"]`)
	p.wantText("main", []string{"Huisartsenpraktijk De Linde", "12345678", "komt in aanmerking"}, []string{"Failliet"})
	for _, path := range []string{"/beleid/" + apptest.Policy + "/beoordeling/hap-failliet", "/beleid/" + apptest.Policy + "/beoordeling"} {
		if status := p.open(path); status < 400 {
			t.Errorf("%s: status %d, want a refusal", path, status)
		}
		p.wantText("main", nil, []string{"Huisartsenpraktijk Failliet", "23456789"})
	}

	p.mu.Lock()
	defer p.mu.Unlock()
	for _, v := range p.violations {
		t.Errorf("Content-Security-Policy violation: %s", v)
	}
}
