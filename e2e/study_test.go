package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"xuejiangping/internal/demo"
	"xuejiangping/internal/round"
)

// requireMaterial publishes, as the admin through the API, a notice of the
// current round that lists a library material as required reading.
func requireMaterial(t *testing.T, base, roundKey, title string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar}
	post := func(path string, body any, want int) {
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest("POST", base+path, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", base)
		res, err := hc.Do(req)
		if err != nil {
			t.Fatalf("POST %s: %v", path, err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Fatalf("POST %s: status %d, want %d", path, res.StatusCode, want)
		}
	}
	post("/api/v1/session", map[string]string{"username": "admin", "password": demoPassword}, http.StatusOK)
	post("/api/v1/notices", map[string]any{"round_key": roundKey, "kind": "reminder", "title": "本轮学习提醒",
		"body": "请完成本轮必学资料的自学。", "materials": []string{title}}, http.StatusCreated)
}

// TestLibraryOnPhone: a member opens the library on a phone, finds the
// material this round's notice requires in their unread list, searches for
// it in Chinese, opens it, declares it read, and sees it leave the list.
func TestLibraryOnPhone(t *testing.T) {
	t.Parallel()
	a := startApp(t)
	ctx := context.Background()
	if err := demo.LoadMaterials(ctx, a.DB); err != nil {
		t.Fatalf("demo materials: %v", err)
	}
	cur, _, err := round.NewService(a.DB).Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	base := a.URL()
	title := demo.DemoRequiredMaterial
	requireMaterial(t, base, cur.Key(), title)

	b := newPhone(t)
	login(t, b, base, "dangyuan")
	if err := chromedp.Do(b, chromedp.Navigate(base+"/library"), chromedp.WaitVisible(`#unread`)); err != nil {
		t.Fatalf("open library: %v", err)
	}
	if got := text(t, b, "#unread"); !strings.Contains(got, title) {
		t.Fatalf("unread list lacks the required material %q: %q", title, got)
	}
	shot(t, b, "library-phone")
	// The page fits the phone: nothing wider than the viewport.
	width, err := chromedp.Run(b, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil || width > 375 {
		t.Errorf("library page is %d px wide on a 375-px phone (%v)", width, err)
	}

	// Search in Chinese, no spaces: two characters of the title.
	err = chromedp.Do(b,
		chromedp.SendKeys(`input[name=q]`, "总纲"),
		chromedp.Submit(`input[name=q]`),
		chromedp.WaitVisible(`#result-count`),
	)
	if err != nil {
		t.Fatalf("search: %v", err)
	}
	if got := text(t, b, ".materials-list"); !strings.Contains(got, title) {
		t.Fatalf("search for 总纲 does not list %q: %q", title, got)
	}
	err = chromedp.Do(b,
		chromedp.Click(`.materials-list h3 a`),
		chromedp.WaitVisible(`#mark-read`),
	)
	if err != nil {
		t.Fatalf("open material: %v", err)
	}
	if got := text(t, b, "main h1"); got != title {
		t.Errorf("material page title = %q, want %q", got, title)
	}
	if got := text(t, b, ".material-body"); !strings.Contains(got, "党的性质和宗旨") {
		t.Errorf("rendered body lacks its heading: %q", got)
	}
	err = chromedp.Do(b,
		chromedp.Click(`#mark-read`),
		chromedp.WaitVisible(`.flash`),
	)
	if err != nil {
		t.Fatalf("mark read: %v", err)
	}
	if got := text(t, b, "#progress"); !strings.Contains(got, "已学习") {
		t.Errorf("progress after marking: %q", got)
	}
	shot(t, b, "material-read-phone")
	if err := chromedp.Do(b, chromedp.Navigate(base+"/library"), chromedp.WaitVisible(`#unread`)); err != nil {
		t.Fatal(err)
	}
	if got := text(t, b, "#unread"); strings.Contains(got, title) {
		t.Errorf("material still in the unread list after marking it read: %q", got)
	}
}
