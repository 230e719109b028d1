package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// adminClient logs the admin in over plain HTTP, to set a contest up
// quickly; the browsers then play it.
func adminClient(t *testing.T, base string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar}
	res, err := hc.PostForm(base+"/login", url.Values{"username": {"admin"}, "password": {demoPassword}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return hc
}

func post(t *testing.T, hc *http.Client, u string, v url.Values) *http.Response {
	t.Helper()
	res, err := hc.PostForm(u, v)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("POST %s: status %d", u, res.StatusCode)
	}
	return res
}

// TestContestBuzzerQuestion plays one buzzer question to a decision with a
// host, three judges, two team buzzers and the big screen, each in its own
// browser context (separate cookies, as on separate devices).
func TestContestBuzzerQuestion(t *testing.T) {
	a := startApp(t)
	base := a.URL()
	hc := adminClient(t, base)
	res := post(t, hc, base+"/contests", url.Values{"title": {"测试决赛"}, "kind": {"match"}, "stage": {"final"}, "round": {"0"}})
	var id int64
	if _, err := fmt.Sscanf(res.Request.URL.Path, "/contests/%d", &id); err != nil {
		t.Fatalf("created contest at %q", res.Request.URL.Path)
	}
	cu := fmt.Sprintf("%s/contests/%d", base, id)
	post(t, hc, cu+"/teams", url.Values{"name": {"第一支部队"}, "unit": {"机关第一支部"}})
	post(t, hc, cu+"/teams", url.Values{"name": {"第二支部队"}, "unit": {"机关第二支部"}})
	for i, u := range []string{"zhuanban", "shuji", "dangyuan"} {
		v := url.Values{"username": {u}, "role": {"judge"}}
		if i == 0 {
			v.Set("chief", "1")
		}
		post(t, hc, cu+"/staff", v)
	}
	post(t, hc, cu+"/segments", url.Values{"kind": {"buzzer"}, "points": {"10"}})
	post(t, hc, cu+"/questions", url.Values{"segment": {"1"}, "text": {"审查调查12+3种措施是什么？"}, "answer": {"谈话、讯问、询问等12项调查措施，及限制出境等3项"}})
	codes := map[string]string{}
	rows, err := a.DB.Query(context.Background(), `SELECT team_key, join_code FROM contest_teams WHERE contest_id = ?`, id)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k, c string
		if err := rows.Scan(&k, &c); err != nil {
			t.Fatal(err)
		}
		codes[k] = c
	}
	rows.Close()

	browser := contestBrowser(t)
	start := time.Now()
	open := func(user, path string) context.Context {
		ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
		t.Cleanup(cancel)
		if user == "" {
			// A context whose first page is the live one does not answer
			// Runtime.evaluate afterwards (chromedp 0.23 with a new browser
			// context); opening an ordinary page first avoids it.
			if err := chromedp.Do(ctx, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.CSS(`main h1`))); err != nil {
				t.Fatalf("first page: %v", err)
			}
		}
		if user != "" {
			login(t, ctx, base, user)
			// login returns once an h1 shows, which the login page has too:
			// wait for the redirect to the home page before navigating on.
			deadline := time.Now().Add(20 * time.Second)
			for {
				p, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
				if err == nil && p == "/" {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("login %s: still at %q", user, p)
				}
				time.Sleep(100 * time.Millisecond)
			}
		}
		var err error
		for try := 0; try < 3; try++ {
			wctx, wcancel := context.WithTimeout(ctx, 15*time.Second)
			// A navigation right after the login can be aborted by the
			// login's own redirect finishing: try again.
			err = chromedp.Do(wctx, chromedp.Navigate(cu+path), chromedp.WaitVisible(chromedp.CSS(`#conn.ok`)))
			wcancel()
			if err == nil {
				break
			}
		}
		if err != nil {
			html, _ := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS(`main`)))
			t.Fatalf("%s %s: %v\n%s", user, path, err, html)
		}
		t.Logf("%s %s ready after %v", user, path, time.Since(start).Round(time.Millisecond))
		return ctx
	}
	host := open("admin", "/host")
	judges := []context.Context{open("zhuanban", "/judge"), open("shuji", "/judge"), open("dangyuan", "/judge")}
	team1 := open("", "/buzzer?code="+codes["t1"])
	team2 := open("", "/buzzer?code="+codes["t2"])
	screen := open("", "/screen")

	// The screens rebuild their DOM on every frame, so queries go through
	// JavaScript and poll, rather than hold on to a node that may be gone.
	poll := func(ctx context.Context, what, js string) string {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for {
			cctx, ccancel := context.WithTimeout(ctx, 3*time.Second)
			v, err := chromedp.Run(cctx, chromedp.Evaluate[string](js))
			ccancel()
			if err == nil && v != "" {
				return v
			}
			if time.Now().After(deadline) {
				dump, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("live").outerHTML`))
				t.Fatalf("%s: not reached (err %v)\n%s", what, err, dump)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	click := func(ctx context.Context, label string) {
		t.Helper()
		poll(ctx, "click "+label, fmt.Sprintf(`(function(){var b=[...document.querySelectorAll("button")].find(function(b){return b.textContent.trim()===%q && !b.disabled});if(!b)return "";b.click();return "ok"})()`, label))
	}
	waitText := func(ctx context.Context, sel, want string) {
		t.Helper()
		poll(ctx, sel+" contains "+want, fmt.Sprintf(`(function(){var e=document.querySelector(%q);return e && e.textContent.indexOf(%q)>=0 ? "ok" : ""})()`, sel, want))
	}

	waitText(screen, ".qtext", "比赛即将开始")
	waitText(team1, ".lock-state", "比赛尚未开始")
	click(host, "开始比赛")
	waitText(screen, ".qtext", "请稍候")
	click(host, "下一题")
	waitText(screen, ".qtext", "审查调查12+3种措施")
	waitText(team1, ".lock-state", "读题中")
	click(host, "读题完毕，开放抢答")
	waitText(team1, ".lock-state", "抢答开始")
	click(team1, "抢 答")
	waitText(screen, ".phase .who", "第一支部队")
	waitText(team2, ".lock-state", "第一支部队 抢到")
	waitText(team1, ".lock-state", "本队抢到")
	waitText(host, ".presses", "第一支部队")
	shot(t, screen, "contest-screen-buzzed")
	shot(t, team1, "contest-buzzer-won")

	click(host, "作答结束，交评委")
	click(judges[0], "正确")
	waitText(host, ".votes", "正确")
	click(judges[1], "正确")
	// Two of three is a majority: the decision is on every screen.
	waitText(screen, ".outcome", "第一支部队 回答正确，+10 分")
	waitText(team1, ".team-score", "本队得分 10")
	waitText(judges[2], ".outcome", "回答正确")
	waitText(screen, ".scoreboard", "10")
	shot(t, screen, "contest-screen-scored")

	// The results page (public, no script) shows the same outcome.
	res2, err := http.Get(cu + "/results")
	if err != nil {
		t.Fatal(err)
	}
	defer res2.Body.Close()
	var b strings.Builder
	buf := make([]byte, 1<<16)
	for {
		n, err := res2.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	if !strings.Contains(b.String(), "第一支部队 正确 &#43;10") {
		t.Errorf("results page lacks the scored answer")
	}
}

// contestBrowser is newBrowser with room for seven devices: four logins and
// seven pages take longer than the harness's 90 s on a busy 2-core machine.
func contestBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		t.Skip("chromium not installed")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-sync", true),
		// Seven pages play at once: none of them may be frozen or throttled
		// for being in the background.
		chromedp.Flag("disable-background-timer-throttling", true),
		chromedp.Flag("disable-backgrounding-occluded-windows", true),
		chromedp.Flag("disable-renderer-backgrounding", true),
		chromedp.Flag("disable-features", "IntensiveWakeUpThrottling,CalculateNativeWinOcclusion"),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1920, 1080),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}
