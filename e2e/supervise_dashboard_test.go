package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The task force opens the dashboard at the district, follows the drill-down
// links to a committee and then to a branch, and sees the figures and the
// server-drawn charts at each level.
func TestDashboardDrillDown(t *testing.T) {
	a := startApp(t)
	ctx := newBrowser(t, 1280, 900)
	login(t, ctx, a.URL(), "zhuanban")
	if err := chromedp.Do(ctx, chromedp.Navigate(a.URL()+"/supervise/dashboard"), chromedp.WaitVisible(`main h1`)); err != nil {
		t.Fatal(err)
	}
	if h := text(t, ctx, "main h1"); !strings.Contains(h, "例会研判") {
		t.Fatalf("h1 = %q", h)
	}
	district := text(t, ctx, "main h1")
	links := func(kind string) []string {
		t.Helper()
		js := `[...document.querySelectorAll('table tbody tr td a[href^="/supervise/dashboard?"]')].filter(a=>a.parentElement.innerText.includes("` + kind + `")).map(a=>a.getAttribute('href'))`
		out, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](js))
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	committees := links("党委")
	if len(committees) == 0 {
		t.Fatal("the district page has no drill-down link to a committee")
	}
	// Into each committee until one has a branch split into groups (a
	// branch without groups is a unit and has no further link).
	var branch string
	for _, c := range committees {
		if err := chromedp.Do(ctx, chromedp.Click(`a[href="`+c+`"]`), chromedp.WaitVisible(`main h1`)); err != nil {
			t.Fatal(err)
		}
		if h := text(t, ctx, "main h1"); h == district {
			t.Fatalf("still on %q after following %s", h, c)
		}
		if crumbs := text(t, ctx, "nav.crumbs"); !strings.Contains(crumbs, "›") {
			t.Errorf("breadcrumbs %q do not show the path", crumbs)
		}
		if bs := links("党支部"); len(bs) > 0 {
			branch = bs[0]
			break
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(a.URL()+"/supervise/dashboard"), chromedp.WaitVisible(`main h1`)); err != nil {
			t.Fatal(err)
		}
	}
	if branch == "" {
		t.Fatal("no committee offers a drill-down link to a branch")
	}
	if err := chromedp.Do(ctx, chromedp.Click(`a[href="`+branch+`"]`), chromedp.WaitVisible(`main h1`)); err != nil {
		t.Fatal(err)
	}
	if rows := text(t, ctx, "main"); !strings.Contains(rows, "党小组") {
		t.Errorf("the branch page does not list its groups: %q", rows)
	}
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('figure svg').length`))
	if err != nil || n < 1 {
		t.Errorf("charts on the branch page = %d (%v)", n, err)
	}
	body := text(t, ctx, "main")
	for _, want := range []string{"按时开展率", "出勤率", "比学赶帮超", "各轮趋势"} {
		if !strings.Contains(body, want) {
			t.Errorf("branch page lacks %q", want)
		}
	}
	shot(t, ctx, "dashboard-branch")
}
