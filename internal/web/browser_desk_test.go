package web

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"zorginkoop/internal/apptest"
	"zorginkoop/internal/policy"
)

// setFile chooses a file in the file input sel selects.
func (p *pageTab) setFile(sel, path string) {
	p.t.Helper()
	ctx, cancel := p.step()
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS(sel), []string{path})); err != nil {
		p.t.Fatalf("choose %s in %s: %v", path, sel, err)
	}
}

// tick clicks what sel selects without waiting for a page (a checkbox).
func (p *pageTab) tick(sel string) {
	p.t.Helper()
	ctx, cancel := p.step()
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		p.t.Fatalf("click %s: %v", sel, err)
	}
}

// Zorg en Zekerheid's buyer writes next year's policy in a real browser: a broken file is
// refused on the line of its problem and nothing is stored; the good file (the 2024
// policy with the ZBC revenue threshold lowered) shows the changed threshold in words
// beside the policy's own list of changes, the ZBC whose outcome changes, and once
// published it is the policy in force.
func TestBrowserInsurerUploadsReviewsAndPublishesAPolicy(t *testing.T) {
	e := newAuthEnv(t, Limits{})
	apptest.ImportZBC(t, e.app)
	p := newPageTab(t, e.srv.URL)
	dir := t.TempDir()
	good := string(apptest.ZBCDraftYAML(t, deskDraft, "Zorginkoopbeleid 2025 MSZ (concept)"))
	title := "    title: \"Minimale zorgomzet ZBC"
	broken := strings.Replace(good, title, title[1:], 1)
	brokenLine := lineOf(t, broken, title[1:])
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}

	p.login(apptest.ZZBuyerEmail, apptest.Password)
	p.click(`header a[href="/beleid/nieuw"]`)
	p.wantText("main", []string{"Beleid opstellen", "Opslaan als concept"}, nil)

	// A broken file: the line of the problem, nothing stored.
	before, err := e.app.DB.PolicyVersions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	p.setFile(`input[name="bestand"]`, write("zz-msz-2025-kapot.yaml", broken))
	if status := p.click(`form[action="/beleid/nieuw"] button[type="submit"]`); status != 400 {
		t.Errorf("broken file: status %d, want 400", status)
	}
	p.wantText("main", []string{"zz-msz-2025-kapot.yaml is niet opgeslagen", "Er is niets gewijzigd",
		"Regel " + itoa(brokenLine) + ": did not find expected"}, nil)
	after, err := e.app.DB.PolicyVersions(context.Background())
	if err != nil || !sameVersions(before, after) {
		t.Errorf("the broken file changed the stored policies (%v)", err)
	}

	// The good file: the draft beside the version in force.
	p.setFile(`input[name="bestand"]`, write("zz-msz-2025.yaml", good))
	if status := p.click(`form[action="/beleid/nieuw"] button[type="submit"]`); status != 200 {
		t.Fatalf("upload: status %d; page: %s", status, p.text("main"))
	}
	p.wantText("main", []string{"Zorginkoopbeleid 2025 MSZ (concept)", "Concept, niet gepubliceerd",
		"Belangrijkste wijzigingen volgens het beleid", "Berekende verschillen met " + apptest.PolicyB,
		"Minimale zorgomzet ZBC", "Omzet Zorg en Zekerheid-verzekerden ten minste € 75.000,00 (was € 100.000,00)"},
		[]string{"001_e1881c3b75dc0785"})
	// The rule in words; its CEL only behind the toggle.
	p.wantText("#verschillen", []string{"Nu: Omzet Zorg en Zekerheid-verzekerden ten minste € 75.000,00"}, []string{"omzet_verzekeraar >= eur(75000)"})

	// The impact: the ZBC the lower threshold lets through, by name.
	p.click(`main a[href="/beleid/` + deskDraft + `/gevolgen"]`)
	p.wantText("main", []string{"Gevolgen van Zorginkoopbeleid 2025 MSZ (concept)", apptest.ZBCName, "Basisovereenkomst",
		"komt niet in aanmerking", "Minimale zorgomzet ZBC", "voldoet niet → voldoet"}, nil)

	// Publish, after confirming.
	p.open("/beleid/" + deskDraft + "/concept")
	p.tick(`input[name="bevestigen"]`)
	if status := p.click(`form[action="/beleid/` + deskDraft + `/publiceren"] button[type="submit"]`); status != 200 {
		t.Fatalf("publish: status %d; page: %s", status, p.text("main"))
	}
	p.wantText("#status", []string{"In werking"}, []string{"Concept"})
	if c, err := e.app.Library.Policy(deskDraft); err != nil || c.Status != policy.Published {
		t.Errorf("after publishing: %v", err)
	}
	p.open("/beleid/" + apptest.PolicyB)
	p.wantText("#status", []string{"een latere versie is in werking"}, nil)

	p.mu.Lock()
	defer p.mu.Unlock()
	for _, v := range p.violations {
		t.Errorf("Content-Security-Policy violation: %s", v)
	}
}
