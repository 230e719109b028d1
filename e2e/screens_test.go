package e2e

import (
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestScreens visits the main pages as each role and saves screenshots
// (only when XUEJIANGPING_SCREENSHOTS is set): a way to look at the UI.
func TestScreens(t *testing.T) {
	if os.Getenv("XUEJIANGPING_SCREENSHOTS") == "" {
		t.Skip("set XUEJIANGPING_SCREENSHOTS=dir to take screenshots")
	}
	base := os.Getenv("XUEJIANGPING_SCREENS_BASE") // an already running server, or
	if base == "" {
		base = startApp(t).URL()
	}
	pages := []struct{ name, path string }{
		{"home", "/"}, {"orgs", "/orgs"}, {"org-oversize", "/orgs/1"}, {"import", "/import"}, {"roles", "/roles"}, {"feedback", "/feedback"},
	}
	if extra := os.Getenv("XUEJIANGPING_SCREENS_PAGES"); extra != "" {
		pages = nil
		for _, p := range strings.Split(extra, ",") {
			name := strings.NewReplacer("/", "_", "?", "_", "=", "_").Replace(strings.Trim(p, "/"))
			pages = append(pages, struct{ name, path string }{name, p})
		}
	}
	user := os.Getenv("XUEJIANGPING_SCREENS_USER")
	if user == "" {
		user = "admin"
	}
	for _, size := range []struct {
		name string
		w, h int
	}{{"phone", 375, 800}, {"desk", 1280, 900}} {
		ctx := newBrowser(t, size.w, size.h)
		if err := chromedp.Do(ctx, chromedp.Navigate(base+"/login")); err != nil {
			t.Fatal(err)
		}
		shot(t, ctx, size.name+"-login")
		login(t, ctx, base, user)
		for _, p := range pages {
			// Live contest screens have no <main>: wait for their connection.
			ready := chromedp.WaitVisible("main")
			if strings.Contains(p.path, "/contests/") && !strings.HasSuffix(strings.TrimRight(p.path, "/"), "results") {
				ready = chromedp.WaitVisible("body")
			}
			if err := chromedp.Do(ctx, chromedp.Navigate(base+p.path), ready); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(p.path, "/screen") || strings.Contains(p.path, "/host") || strings.Contains(p.path, "/audience") {
				_ = chromedp.Do(ctx, chromedp.WaitVisible(`#conn.ok`))
			}
			shot(t, ctx, size.name+"-"+p.name)
		}
	}
}
