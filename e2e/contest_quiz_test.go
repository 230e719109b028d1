package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// cqScreen is one device in a contest browser test: a tab in its own
// browser context (its own cookies), optionally logged in, at a size.
type cqScreen struct {
	t    *testing.T
	name string
	ctx  context.Context
}

// cqOpen opens path as user ("" for nobody) on a w×h window and waits for
// want (a CSS selector) to show.
func cqOpen(t *testing.T, browser context.Context, base, user, path string, w, h int64, want string) *cqScreen {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	// An ordinary page first: a context whose first page is a live one may
	// not answer Runtime.evaluate afterwards (see contest_test.go).
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.CSS(`main h1`))); err != nil {
		t.Fatalf("%s first page: %v", user, err)
	}
	var vopts []chromedp.EmulateViewportOption
	if w < 500 {
		vopts = append(vopts, chromedp.EmulateMobile, chromedp.EmulatePortrait)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, h, vopts...)); err != nil {
		t.Fatalf("viewport: %v", err)
	}
	if user != "" {
		err := chromedp.Do(ctx,
			chromedp.SendKeys(chromedp.CSS(`input[name=username]`), user),
			chromedp.SendKeys(chromedp.CSS(`input[name=password]`), demoPassword),
			chromedp.Click(chromedp.CSS(`button[type=submit]`)))
		if err != nil {
			t.Fatalf("login %s: %v", user, err)
		}
		s := &cqScreen{t: t, name: user, ctx: ctx}
		s.poll("login "+user, `location.pathname === "/" ? "ok" : ""`)
	}
	var err error
	for try := 0; try < 3; try++ {
		wctx, wcancel := context.WithTimeout(ctx, 20*time.Second)
		err = chromedp.Do(wctx, chromedp.Navigate(base+path), chromedp.WaitVisible(chromedp.CSS(want)))
		wcancel()
		if err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("%s %s: %v", user, path, err)
	}
	return &cqScreen{t: t, name: user + path, ctx: ctx}
}

// poll evaluates js until it returns a non-empty string: the live screens
// rebuild their DOM on frames, so nodes are not held across frames.
func (s *cqScreen) poll(what, js string) string {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		cctx, cancel := context.WithTimeout(s.ctx, 3*time.Second)
		v, err := chromedp.Run(cctx, chromedp.Evaluate[string](js))
		cancel()
		if err == nil && v != "" {
			return v
		}
		if time.Now().After(deadline) {
			dump, _ := chromedp.Run(s.ctx, chromedp.Evaluate[string](`(document.getElementById("live") ? "last close: " + document.getElementById("live").getAttribute("data-closed") + "\n" : "") + document.body.innerText`))
			s.t.Fatalf("%s: %s not reached (err %v)\n%s", s.name, what, err, dump)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (s *cqScreen) waitText(sel, want string) {
	s.t.Helper()
	s.poll(sel+" contains "+want, fmt.Sprintf(`(function(){var e=[...document.querySelectorAll(%q)].find(function(e){return e.textContent.indexOf(%q)>=0});return e?"ok":""})()`, sel, want))
}

func (s *cqScreen) click(sel string) {
	s.t.Helper()
	s.poll("click "+sel, fmt.Sprintf(`(function(){var b=document.querySelector(%q);if(!b||b.disabled)return "";b.click();return "ok"})()`, sel))
}

func (s *cqScreen) clickLabel(label string) {
	s.t.Helper()
	s.poll("click "+label, fmt.Sprintf(`(function(){var b=[...document.querySelectorAll("button")].find(function(b){return b.textContent.trim()===%q && !b.disabled});if(!b)return "";b.click();return "ok"})()`, label))
}

func (s *cqScreen) shot(name string) { shot(s.t, s.ctx, name) }

// answerQuiz taps the letters of choice on a member's phone (several and
// then submit for a multiple choice), and taps twice: a double tap.
//
// Whether the question is a multiple choice is read from the page (its
// submit button), not from the choice: a wrong answer to a multiple-choice
// question can be one letter, and the draw from the bank is random.
func (s *cqScreen) answerQuiz(choice string) {
	s.t.Helper()
	s.poll("question open", `document.querySelector("button.quiz-opt:not([disabled])") ? "ok" : ""`)
	if s.poll("multiple choice?", `document.querySelector("button.quiz-submit") ? "multi" : "single"`) == "single" {
		s.poll("double tap "+choice, fmt.Sprintf(`(function(){var b=document.querySelector('button.quiz-opt[data-letter=%q]');if(!b||b.disabled)return "";b.click();b.click();return "ok"})()`, choice))
		return
	}
	for _, l := range choice {
		s.click(fmt.Sprintf(`button.quiz-opt[data-letter=%q]`, string(l)))
	}
	s.clickLabel("提交答案")
}

// TestContestOnlineQuiz runs an online quiz (线上竞答) end to end: the admin
// sets it up with questions drawn from the bank; two members answer on
// phone-sized windows (one right, one wrong, then both right; one phone
// reloads mid-question and still knows it answered); the big screen shows
// the answer counts, the per-choice counts once a question closes, and the
// final standings; the results page and the export have them too.
func TestContestOnlineQuiz(t *testing.T) {
	a := startApp(t)
	base := a.URL()
	hc := adminClient(t, base)
	res := post(t, hc, base+"/contests", url.Values{"title": {"应知应会线上竞答"}, "kind": {"quiz"}, "stage": {"final"}, "round": {"0"}})
	var id int64
	if _, err := fmt.Sscanf(res.Request.URL.Path, "/contests/%d", &id); err != nil {
		t.Fatalf("created quiz at %q", res.Request.URL.Path)
	}
	cu := fmt.Sprintf("%s/contests/%d", base, id)
	ctx := context.Background()
	var setID int64
	if err := a.DB.QueryRow(ctx, `SELECT id FROM question_sets WHERE name = '应知应会30问'`).Scan(&setID); err != nil {
		t.Fatal(err)
	}
	post(t, hc, cu+"/questions/draw", url.Values{"set": {fmt.Sprint(setID)}, "count": {"2"}})
	post(t, hc, cu+"/quizrules", url.Values{"answer_s": {"60"}})
	var answers []string
	var optionsJSON []string
	rows, err := a.DB.Query(ctx, `SELECT answer, options FROM contest_questions WHERE contest_id = ? ORDER BY segment, position, id`, id)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var ans, opts string
		if err := rows.Scan(&ans, &opts); err != nil {
			t.Fatal(err)
		}
		answers, optionsJSON = append(answers, ans), append(optionsJSON, opts)
	}
	rows.Close()
	if len(answers) != 2 {
		t.Fatalf("drew %d questions", len(answers))
	}
	names := map[string]string{}
	for _, u := range []string{"dangyuan", "shuji"} {
		var n string
		if err := a.DB.QueryRow(ctx, `SELECT m.name FROM users u JOIN members m ON m.id = u.member_id WHERE u.username = ?`, u).Scan(&n); err != nil {
			t.Fatal(err)
		}
		names[u] = n
	}
	// A wrong answer: the first letter that is not in the answer.
	wrong := func(ans string) string {
		for _, l := range "ABCDEFGH" {
			if !strings.ContainsRune(ans, l) {
				return string(l)
			}
		}
		return "A"
	}

	browser := contestBrowser(t)
	setup := cqOpen(t, browser, base, "admin", fmt.Sprintf("/contests/%d", id), 1280, 900, `main h1`)
	setup.waitText("main", fmt.Sprintf("/contests/%d/play", id)) // where members join, with its QR
	setup.waitText("main", "题目（2）")
	setup.waitText("main", "每题作答时间 60 秒")
	setup.shot("quiz-setup")
	host := cqOpen(t, browser, base, "admin", fmt.Sprintf("/contests/%d/host", id), 1280, 900, `#conn.ok`)
	screen := cqOpen(t, browser, base, "", fmt.Sprintf("/contests/%d/screen", id), 1920, 1080, `#conn.ok`)
	m1 := cqOpen(t, browser, base, "dangyuan", fmt.Sprintf("/contests/%d/play", id), 375, 740, `#conn.ok`)
	m2 := cqOpen(t, browser, base, "shuji", fmt.Sprintf("/contests/%d/play", id), 375, 740, `#conn.ok`)

	screen.waitText(".qtext", "线上竞答即将开始")
	screen.poll("join QR shown before the first question", `document.getElementById("quiz-join") && !document.getElementById("quiz-join").hidden ? "ok" : ""`)
	m1.waitText(".qtext", "竞答即将开始")
	screen.shot("quiz-screen-waiting")

	// Question 1: dangyuan right (with a double tap), shuji wrong.
	host.clickLabel("开放第 1 题")
	m1.answerQuiz(answers[0])
	m2.answerQuiz(wrong(answers[0]))
	m1.waitText(".quiz-mine", "已提交")
	screen.waitText(".quiz-count", "已作答 2 人")
	host.waitText(".quiz-count", "已作答 2 人")
	screen.shot("quiz-screen-open")
	screen.poll("join QR hidden during a question", `document.getElementById("quiz-join").hidden ? "ok" : ""`)
	m1.shot("quiz-phone-answered")
	host.clickLabel("提前结束本题")
	screen.waitText(".quiz-correct", "答对 1 人")
	screen.waitText(".answer", "正确答案："+answers[0])
	m1.waitText(".quiz-mine", "回答正确")
	m2.waitText(".quiz-mine", "回答错误")
	screen.shot("quiz-screen-closed")
	m2.shot("quiz-phone-wrong")

	// Question 2: both right; shuji's phone reloads after answering and
	// still shows the answer as submitted (its buttons stay locked).
	host.clickLabel("开放第 2 题")
	m1.answerQuiz(answers[1])
	m2.answerQuiz(answers[1])
	m2.waitText(".quiz-mine", "已提交")
	if err := chromedp.Do(m2.ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	m2.waitText(".quiz-mine", "已提交 "+answers[1])
	m2.poll("buttons locked after reload", `document.querySelector("button.quiz-opt") && !document.querySelector("button.quiz-opt:not([disabled])") ? "ok" : ""`)
	screen.waitText(".quiz-count", "已作答 2 人")
	host.clickLabel("提前结束本题")

	// The end: the final standings on the big screen and the phones.
	screen.waitText(".quiz-final", "共 2 人参加")
	screen.waitText(".final-persons", names["dangyuan"])
	screen.waitText(".final-persons", names["shuji"])
	screen.waitText(".final-branches", "支部排名")
	first := screen.poll("first place", `document.querySelector(".final-persons tr td.name").textContent`)
	if first != names["dangyuan"] {
		t.Errorf("first place %q, want %q (two right answers against one)", first, names["dangyuan"])
	}
	m2.waitText(".quiz-final", names["shuji"])
	host.waitText(".quiz-final", "竞答结束")
	screen.shot("quiz-screen-final")
	m1.shot("quiz-phone-final")
	host.shot("quiz-host-final")

	// The results page (public) and the export (staff).
	body := get(t, http.DefaultClient, cu+"/results")
	for _, want := range []string{"支部成绩", "个人成绩", names["dangyuan"], names["shuji"], "速度分"} {
		if !strings.Contains(body, want) {
			t.Errorf("results page lacks %q", want)
		}
	}
	r, err := hc.Get(cu + "/export")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != 200 || len(b) < 100 || string(b[:2]) != "PK" {
		t.Errorf("export: status %d, %d bytes", r.StatusCode, len(b))
	}
	var n int
	if err := a.DB.QueryRow(ctx, `SELECT COUNT(*) FROM contest_quiz_answers WHERE contest_id = ?`, id).Scan(&n); err != nil || n != 4 {
		t.Errorf("%d answers stored (double taps included), want 4", n)
	}
}

func get(t *testing.T, hc *http.Client, u string) string {
	t.Helper()
	r, err := hc.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	if r.StatusCode != 200 {
		t.Fatalf("GET %s: %d", u, r.StatusCode)
	}
	return string(b)
}
