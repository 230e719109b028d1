package e2e

import (
	"os"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestScreens visits the main pages as each role and saves screenshots
// (only when XUEJIANGPING_SCREENSHOTS is set): a way to look at the UI.
func TestScreens(t *testing.T) {
	if os.Getenv("XUEJIANGPING_SCREENSHOTS") == "" {
		t.Skip("set XUEJIANGPING_SCREENSHOTS=dir to take screenshots")
	}
	a := startApp(t)
	for _, size := range []struct {
		name string
		w, h int
	}{{"phone", 375, 800}, {"desk", 1280, 900}} {
		ctx := newBrowser(t, size.w, size.h)
		if err := chromedp.Do(ctx, chromedp.Navigate(a.URL()+"/login")); err != nil {
			t.Fatal(err)
		}
		shot(t, ctx, size.name+"-login")
		login(t, ctx, a.URL(), "admin")
		for _, p := range []struct{ name, path string }{
			{"home", "/"}, {"orgs", "/orgs"}, {"org-oversize", "/orgs/1"}, {"import", "/import"}, {"roles", "/roles"}, {"feedback", "/feedback"},
		} {
			if err := chromedp.Do(ctx, chromedp.Navigate(a.URL()+p.path), chromedp.WaitVisible("main")); err != nil {
				t.Fatal(err)
			}
			shot(t, ctx, size.name+"-"+p.name)
		}
	}
}
