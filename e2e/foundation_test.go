package e2e

// Browser tests of the foundation (issue 2): navigation by role, the roster
// import with a bad row, the secretary's scope and the login lockout. Each
// test starts its own platform, so they run in parallel.

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"xuejiangping/internal/app"
)

const (
	ownBranch   = "区人社局机关党支部"   // shuji's and dangyuan's branch
	otherBranch = "区财政局机关第一党支部" // a branch outside shuji's scope
)

// labels returns the trimmed text of every element matching the CSS
// selector css; with onlyVisible, only of those that are rendered (not
// display:none, not inside a closed <details>, not visibility:hidden).
func labels(t *testing.T, ctx context.Context, css string, onlyVisible bool) []string {
	t.Helper()
	js := fmt.Sprintf(`[...document.querySelectorAll(%q)]
		.filter(e => !%t || e.checkVisibility({visibilityProperty: true, opacityProperty: true}))
		.map(e => e.textContent.trim())`, css, onlyVisible)
	out, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](js))
	if err != nil {
		t.Fatalf("labels %s: %v", css, err)
	}
	return out
}

// textOf returns the rendered text of the first element matching the CSS
// selector css, or "" if there is none (it does not wait: the pages are
// server-rendered and loaded by the time it runs).
func textOf(t *testing.T, ctx context.Context, css string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q)?.innerText ?? ""`, css)))
	if err != nil {
		t.Fatalf("text %s: %v", css, err)
	}
	return strings.TrimSpace(s)
}

// visit navigates to path and returns the HTTP status of the document.
func visit(t *testing.T, ctx context.Context, base, path string) int {
	t.Helper()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(base+path))
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	if resp == nil {
		t.Fatalf("open %s: no response", path)
	}
	return int(resp.Status)
}

// submit clicks sel, waits for the page that the form leads to, and returns
// its HTTP status (after redirects).
func submit(t *testing.T, ctx context.Context, sel string) int {
	t.Helper()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("submit %s: %v", sel, err)
	}
	if resp == nil {
		t.Fatalf("submit %s: no response", sel)
	}
	return int(resp.Status)
}

// newPhone is a browser with a 375×800 mobile viewport. newBrowser(t, 375,
// 800) alone gives a 500-px page: headless chromium does not make a window
// narrower than 500 px, so the viewport must be emulated.
func newPhone(t *testing.T) context.Context {
	t.Helper()
	ctx := newBrowser(t, 375, 800)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(375, 800, chromedp.EmulateMobile, chromedp.EmulateTouch)); err != nil {
		t.Fatalf("emulate phone: %v", err)
	}
	return ctx
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

func TestNavigationByRole(t *testing.T) {
	t.Parallel()
	a := startApp(t)
	base := a.URL()
	all := []string{"首页", "组织架构", "开展情况", "通知", "整改台账", "学习资料", "练习考试", "专班研判", "先锋二七", "知识竞赛",
		"名册导入", "账号与角色", "投诉建议处理", "审计日志", "我的信息"}
	cases := []struct {
		user      string
		want      []string
		forbidden string // a page the role may not open: 403
	}{
		{"admin", []string{"首页", "组织架构", "开展情况", "通知", "整改台账", "学习资料", "练习考试", "专班研判", "先锋二七", "知识竞赛",
			"名册导入", "账号与角色", "投诉建议处理"}, "/audit"},
		{"shenji", []string{"首页", "审计日志"}, "/orgs"},
		{"zhuanban", []string{"首页", "组织架构", "开展情况", "通知", "整改台账", "学习资料", "练习考试", "专班研判", "先锋二七", "知识竞赛"}, "/import"},
		{"shuji", []string{"首页", "组织架构", "开展情况", "通知", "整改台账", "学习资料", "练习考试", "先锋二七", "知识竞赛",
			"名册导入", "我的信息"}, "/roles"},
		{"dangyuan", []string{"首页", "通知", "整改台账", "学习资料", "练习考试", "先锋二七", "知识竞赛", "我的信息"}, "/roles"},
	}
	for _, c := range cases {
		t.Run(c.user, func(t *testing.T) {
			t.Parallel()
			ctx := newBrowser(t, 1280, 900)
			login(t, ctx, base, c.user)

			got := labels(t, ctx, "nav.desk a", true)
			if !slices.Equal(got, c.want) {
				t.Errorf("desktop nav of %s = %q, want %q", c.user, got, c.want)
			}
			for _, l := range all {
				if !slices.Contains(c.want, l) && slices.Contains(got, l) {
					t.Errorf("%s sees forbidden nav link %q", c.user, l)
				}
			}
			if menu := labels(t, ctx, "details.menu summary", true); len(menu) != 0 {
				t.Errorf("phone menu is visible on the desktop: %q", menu)
			}
			// Every link the nav offers opens (no link to a 403).
			hrefs, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
				`[...document.querySelectorAll("nav.desk a")].map(a => a.getAttribute("href"))`))
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range hrefs {
				if st := visit(t, ctx, base, h); st != 200 {
					t.Errorf("%s: nav link %s answers %d", c.user, h, st)
				}
			}

			if st := visit(t, ctx, base, c.forbidden); st != 403 {
				t.Errorf("%s opening %s: status %d, want 403", c.user, c.forbidden, st)
			}
			h1 := textOf(t, ctx, "main h1")
			if !strings.Contains(h1, "没有") || !strings.Contains(h1, "权限") {
				t.Errorf("%s opening %s: 403 page says %q, want a Chinese 'no permission' message", c.user, c.forbidden, h1)
			}
			if got := labels(t, ctx, "nav.desk a", true); !slices.Equal(got, c.want) {
				t.Errorf("403 page nav of %s = %q, want %q", c.user, got, c.want)
			}
			shot(t, ctx, "nav-"+c.user+"-403")
		})
	}

	t.Run("dangyuan-other-member", func(t *testing.T) {
		t.Parallel()
		// A member sees only their own record, even within their branch.
		var own, other int64
		if err := a.DB.QueryRow(context.Background(), `SELECT member_id FROM users WHERE username = 'dangyuan'`).Scan(&own); err != nil {
			t.Fatal(err)
		}
		if err := a.DB.QueryRow(context.Background(),
			`SELECT m.id FROM members m JOIN orgs o ON o.id = m.org_id WHERE o.name = ? AND m.id <> ? ORDER BY m.id LIMIT 1`,
			ownBranch, own).Scan(&other); err != nil {
			t.Fatal(err)
		}
		ctx := newBrowser(t, 1280, 900)
		login(t, ctx, base, "dangyuan")
		if st := visit(t, ctx, base, fmt.Sprintf("/members/%d", own)); st != 200 {
			t.Errorf("dangyuan's own record: status %d", st)
		}
		if st := visit(t, ctx, base, fmt.Sprintf("/members/%d", other)); st != 404 {
			t.Errorf("dangyuan opening a fellow member: status %d, want 404", st)
		}
		if h1 := textOf(t, ctx, "main h1"); !strings.Contains(h1, "不存在或无权查看") {
			t.Errorf("404 page says %q", h1)
		}
	})

	t.Run("zhuanban-masked-phones", func(t *testing.T) {
		t.Parallel()
		// The task force reads the members of every branch, with the
		// phone numbers masked (138****1234).
		var unit int64
		if err := a.DB.QueryRow(context.Background(), `SELECT id FROM orgs WHERE name = ?`, ownBranch).Scan(&unit); err != nil {
			t.Fatal(err)
		}
		ctx := newBrowser(t, 1280, 900)
		login(t, ctx, base, "zhuanban")
		if st := visit(t, ctx, base, fmt.Sprintf("/orgs/%d", unit)); st != 200 {
			t.Fatalf("zhuanban opening %s: status %d", ownBranch, st)
		}
		phones := labels(t, ctx, "main table td.num", false)
		if len(phones) == 0 {
			t.Fatalf("no phone column on %s's page", ownBranch)
		}
		masked := regexp.MustCompile(`^1\d{2}\*{4}\d{4}$`)
		for _, ph := range phones {
			if ph != "" && !masked.MatchString(ph) {
				t.Errorf("zhuanban sees an unmasked phone %q", ph)
			}
		}
	})

	t.Run("phone-menu", func(t *testing.T) {
		t.Parallel()
		ctx := newPhone(t)
		login(t, ctx, base, "shuji")
		if w, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.innerWidth`)); err != nil || w != 375 {
			t.Fatalf("phone viewport is %d px wide (%v), want 375", w, err)
		}
		if got := labels(t, ctx, "nav.desk a", true); len(got) != 0 {
			t.Errorf("desktop nav is visible on a phone: %q", got)
		}
		if got := labels(t, ctx, "details.menu a", true); len(got) != 0 {
			t.Errorf("phone menu links are visible before the menu is opened: %q", got)
		}
		shot(t, ctx, "nav-phone-closed")
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("details.menu summary"))); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`details.menu a[href="/orgs"]`))); err != nil {
			t.Fatal(err)
		}
		want := []string{"首页", "组织架构", "开展情况", "通知", "整改台账", "学习资料", "练习考试", "先锋二七", "知识竞赛",
			"名册导入", "我的信息", "修改密码"}
		if got := labels(t, ctx, "details.menu a", true); !slices.Equal(got, want) {
			t.Errorf("phone menu links = %q, want %q", got, want)
		}
		if got := labels(t, ctx, "details.menu button", true); len(got) != 1 || !strings.HasPrefix(got[0], "退出") {
			t.Errorf("phone menu logout = %q", got)
		}
		// Every menu entry fits the 375-px screen.
		overflow, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
			`[...document.querySelectorAll("details.menu a, details.menu button")]
			.filter(e => { const r = e.getBoundingClientRect(); return r.left < 0 || r.right > window.innerWidth })
			.map(e => e.textContent.trim())`))
		if err != nil {
			t.Fatal(err)
		}
		if len(overflow) != 0 {
			t.Errorf("phone menu entries run off the screen: %q", overflow)
		}
		wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`))
		if err != nil {
			t.Fatal(err)
		}
		if wide {
			t.Errorf("the home page scrolls sideways on a 375-px phone")
		}
		shot(t, ctx, "nav-phone-open")
		if st := submit(t, ctx, `details.menu a[href="/orgs"]`); st != 200 {
			t.Errorf("phone menu 组织架构: status %d", st)
		}
		if h1 := textOf(t, ctx, "main h1"); h1 == "" {
			t.Errorf("org tree page has no heading")
		}
	})
}

// writeRoster writes an .xlsx roster with the template's headers.
func writeRoster(t *testing.T, path string, rows [][]string) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	head := []string{"姓名", "性别", "出生日期", "入党日期", "手机号", "职务", "状态", "所属组织"}
	for r, vals := range append([][]string{head}, rows...) {
		for c, v := range vals {
			cell, err := excelize.CoordinatesToCellName(c+1, r+1)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.SetCellStr("Sheet1", cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

func countMembers(t *testing.T, a *app.App, where string, args ...any) int {
	t.Helper()
	var n int
	if err := a.DB.QueryRow(context.Background(), `SELECT COUNT(*) FROM members `+where, args...).Scan(&n); err != nil {
		t.Fatalf("count members: %v", err)
	}
	return n
}

func TestAdminImportsRosterWithOneBadRow(t *testing.T) {
	t.Parallel()
	a := startApp(t)
	base := a.URL()
	dir := t.TempDir()
	// Phones in the 199 range, which the demo generator does not use; the
	// count check below fails loudly if it ever does.
	good := [][]string{
		{"测试甲", "男", "1985-06-01", "2010-07-01", "19912340001", "科员", "正常", ownBranch},
		{"测试乙", "女", "1990-03-15", "2015-07-01", "19912340002", "副科长", "正常", ownBranch},
		{"测试丙", "男", "1979-11-30", "2002-06-30", "19912340003", "科长", "正常", ownBranch},
	}
	names := []string{"测试甲", "测试乙", "测试丙"}
	if n := countMembers(t, a, `WHERE name IN (?, ?, ?) OR phone LIKE '199123400%'`, names[0], names[1], names[2]); n != 0 {
		t.Fatalf("the demo already has %d of the test members", n)
	}
	bad := slices.Clone(good)
	bad[1] = slices.Clone(good[1])
	bad[1][4] = "12345" // spreadsheet row 3 (row 1 is the header)
	badPath := filepath.Join(dir, "bad.xlsx")
	goodPath := filepath.Join(dir, "good.xlsx")
	writeRoster(t, badPath, bad)
	writeRoster(t, goodPath, good)
	before := countMembers(t, a, "")

	ctx := newBrowser(t, 1280, 900)
	login(t, ctx, base, "admin")

	// The bad file: every error reported, nothing offered, nothing written.
	if st := visit(t, ctx, base, "/import"); st != 200 {
		t.Fatalf("/import: status %d", st)
	}
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS(`input[type=file]`), []string{badPath})); err != nil {
		t.Fatal(err)
	}
	if st := submit(t, ctx, `main form[action="/import"] button[type=submit]`); st != 422 {
		t.Errorf("preview of a bad roster: status %d, want 422", st)
	}
	shot(t, ctx, "import-bad")
	cells, err := chromedp.Run(ctx, chromedp.Evaluate[[][]string](
		`[...document.querySelectorAll("#import-errors tr.bad-row")].map(tr => [...tr.cells].map(td => td.textContent.trim()))`))
	if err != nil {
		t.Fatal(err)
	}
	if len(cells) != 1 {
		t.Fatalf("error rows = %q, want exactly one", cells)
	}
	if row := cells[0]; len(row) != 3 || row[0] != "3" || row[1] != "手机号" || !hasHan(row[2]) {
		t.Errorf("error row = %q, want [3 手机号 <Chinese reason>]", row)
	} else if !strings.Contains(row[2], "手机号") && !strings.Contains(row[2], "11") {
		t.Errorf("reason %q does not say what is wrong with the phone", row[2])
	}
	if alert := textOf(t, ctx, "main .error"); !strings.Contains(alert, "没有写入") {
		t.Errorf("alert = %q, want it to say nothing was written", alert)
	}
	if n := len(labels(t, ctx, `form[action="/import/confirm"] button, input[name=rows]`, false)); n != 0 {
		t.Errorf("a bad roster is offered for confirmation (%d confirm elements)", n)
	}
	if body := textOf(t, ctx, "main"); strings.Contains(body, "确认导入") {
		t.Errorf("the bad roster's page offers 确认导入")
	}
	if after := countMembers(t, a, ""); after != before {
		t.Errorf("the bad roster wrote %d members", after-before)
	}

	// The corrected file: a preview of three rows, then the import.
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS(`input[type=file]`), []string{goodPath})); err != nil {
		t.Fatal(err)
	}
	if st := submit(t, ctx, `main form[action="/import"] button[type=submit]`); st != 200 {
		t.Errorf("preview of a good roster: status %d, want 200", st)
	}
	shot(t, ctx, "import-preview")
	if n := len(labels(t, ctx, "#import-errors", false)); n != 0 {
		t.Errorf("the good roster shows an error table")
	}
	preview, err := chromedp.Run(ctx, chromedp.Evaluate[[][]string](
		`[...document.querySelectorAll('form[action="/import/confirm"]')].flatMap(f => [...f.closest("section").querySelectorAll("tbody tr")])
		 .map(tr => [...tr.cells].map(td => td.textContent.trim()))`))
	if err != nil {
		t.Fatal(err)
	}
	if len(preview) != 3 {
		t.Fatalf("preview rows = %q, want 3", preview)
	}
	for i, row := range preview {
		if !slices.Contains(row, names[i]) || !slices.Contains(row, good[i][4]) || !slices.Contains(row, ownBranch) {
			t.Errorf("preview row %d = %q, want %s, %s, %s", i, row, names[i], good[i][4], ownBranch)
		}
	}
	if h2 := textOf(t, ctx, `main section:has(form[action="/import/confirm"]) h2`); !strings.Contains(h2, "3") {
		t.Errorf("preview heading = %q, want it to count 3 rows", h2)
	}
	if after := countMembers(t, a, ""); after != before {
		t.Errorf("the preview wrote %d members", after-before)
	}
	if st := submit(t, ctx, `form[action="/import/confirm"] button[type=submit]`); st != 200 {
		t.Errorf("confirm: status %d, want 200", st)
	}
	shot(t, ctx, "import-done")
	if flash := textOf(t, ctx, "main .flash"); !strings.Contains(flash, "已导入 3 名党员") {
		t.Errorf("flash = %q, want 已导入 3 名党员", flash)
	}
	if after := countMembers(t, a, ""); after != before+3 {
		t.Errorf("the import wrote %d members, want 3", after-before)
	}
	for _, g := range good {
		n := countMembers(t, a, `WHERE name = ? AND phone = ? AND gender = ? AND birth_date = ? AND position = ?
			AND org_id = (SELECT id FROM orgs WHERE name = ?)`, g[0], g[4], g[1], g[2], g[5], g[7])
		if n != 1 {
			t.Errorf("member %s in %s: %d rows, want 1", g[0], g[7], n)
		}
	}

	// The branch's page lists them.
	var unit int64
	if err := a.DB.QueryRow(context.Background(), `SELECT id FROM orgs WHERE name = ?`, ownBranch).Scan(&unit); err != nil {
		t.Fatal(err)
	}
	if st := visit(t, ctx, base, fmt.Sprintf("/orgs/%d", unit)); st != 200 {
		t.Fatalf("unit page: status %d", st)
	}
	listed := labels(t, ctx, `main table a[href^="/members/"]`, true)
	for _, n := range names {
		if !slices.Contains(listed, n) {
			t.Errorf("%s's page does not list %s (lists %q)", ownBranch, n, listed)
		}
	}
	shot(t, ctx, "import-unit")

	// Importing the same file again is refused as a duplicate.
	if st := visit(t, ctx, base, "/import"); st != 200 {
		t.Fatalf("/import: status %d", st)
	}
	if err := chromedp.Do(ctx, chromedp.SetUploadFiles(chromedp.CSS(`input[type=file]`), []string{goodPath})); err != nil {
		t.Fatal(err)
	}
	if st := submit(t, ctx, `main form[action="/import"] button[type=submit]`); st != 422 {
		t.Errorf("re-import preview: status %d, want 422", st)
	}
	if n := len(labels(t, ctx, "#import-errors tr.bad-row", true)); n < 3 {
		t.Errorf("re-import shows %d errors, want at least one per row", n)
	}
}

func TestSecretaryCannotOpenOtherBranchMember(t *testing.T) {
	t.Parallel()
	a := startApp(t)
	base := a.URL()
	bg := context.Background()
	var otherID, otherOrg int64
	var otherName string
	// A member anywhere under the other branch (it may have party groups).
	if err := a.DB.QueryRow(bg, `SELECT m.id, m.name, b.id FROM members m JOIN orgs o ON o.id = m.org_id
		JOIN orgs b ON o.path LIKE b.path || '%' WHERE b.name = ? ORDER BY m.id LIMIT 1`, otherBranch).
		Scan(&otherID, &otherName, &otherOrg); err != nil {
		t.Fatalf("find a member of %s: %v", otherBranch, err)
	}
	var ownID, ownOrg int64
	var ownName string
	if err := a.DB.QueryRow(bg, `SELECT m.id, m.name, o.id FROM members m JOIN orgs o ON o.id = m.org_id
		WHERE o.name = ? AND m.id NOT IN (SELECT member_id FROM users WHERE member_id IS NOT NULL) ORDER BY m.id LIMIT 1`, ownBranch).
		Scan(&ownID, &ownName, &ownOrg); err != nil {
		t.Fatalf("find a member of %s: %v", ownBranch, err)
	}

	ctx := newBrowser(t, 1280, 900)
	login(t, ctx, base, "shuji")

	if st := visit(t, ctx, base, fmt.Sprintf("/members/%d", otherID)); st != 404 {
		t.Errorf("shuji opening %s's member: status %d, want 404", otherBranch, st)
	}
	shot(t, ctx, "secretary-404")
	if h1 := textOf(t, ctx, "main h1"); !strings.Contains(h1, "不存在或无权查看") {
		t.Errorf("404 page says %q, want 不存在或无权查看", h1)
	}
	if body := textOf(t, ctx, "body"); strings.Contains(body, otherName) {
		t.Errorf("the 404 page leaks the member's name %q", otherName)
	}

	if st := visit(t, ctx, base, fmt.Sprintf("/members/%d", ownID)); st != 200 {
		t.Errorf("shuji opening own branch member: status %d, want 200", st)
	}
	if h1 := textOf(t, ctx, "main h1"); h1 != ownName {
		t.Errorf("own branch member page heading = %q, want %q", h1, ownName)
	}
	if dd := textOf(t, ctx, "main dl.facts"); !strings.Contains(dd, ownBranch) {
		t.Errorf("member page facts do not name the branch: %q", dd)
	}
	shot(t, ctx, "secretary-own-member")

	if st := visit(t, ctx, base, fmt.Sprintf("/orgs/%d", otherOrg)); st != 404 {
		t.Errorf("shuji opening %s's page: status %d, want 404", otherBranch, st)
	}
	if h1 := textOf(t, ctx, "main h1"); !strings.Contains(h1, "不存在或无权查看") {
		t.Errorf("org 404 page says %q", h1)
	}
	if body := textOf(t, ctx, "body"); strings.Contains(body, otherBranch) {
		t.Errorf("the 404 page leaks the branch's name")
	}
	if st := visit(t, ctx, base, fmt.Sprintf("/orgs/%d", ownOrg)); st != 200 {
		t.Errorf("shuji opening own branch page: status %d, want 200", st)
	}
	if h1 := textOf(t, ctx, "main h1"); !strings.Contains(h1, ownBranch) {
		t.Errorf("own branch page heading = %q", h1)
	}
	// The secretary's tree shows nothing of the other branch.
	if st := visit(t, ctx, base, "/orgs"); st != 200 {
		t.Errorf("/orgs: status %d", st)
	}
	if body := textOf(t, ctx, "main"); strings.Contains(body, otherBranch) {
		t.Errorf("shuji's org tree shows %s", otherBranch)
	}
}

func TestLoginLockoutMessage(t *testing.T) {
	t.Parallel()
	a := startApp(t)
	base := a.URL()
	ctx := newBrowser(t, 1280, 900)
	try := func(password string) (int, string) {
		t.Helper()
		if st := visit(t, ctx, base, "/login"); st != 200 {
			t.Fatalf("/login: status %d", st)
		}
		if err := chromedp.Do(ctx,
			chromedp.SendKeys(chromedp.CSS(`input[name=username]`), "zhuanban"),
			chromedp.SendKeys(chromedp.CSS(`input[name=password]`), password),
		); err != nil {
			t.Fatal(err)
		}
		st := submit(t, ctx, `main form button[type=submit]`)
		return st, textOf(t, ctx, `main .error[role=alert]`)
	}
	for i := 1; i <= 4; i++ {
		st, msg := try("Wrong@2026x")
		if st != 401 || !strings.Contains(msg, "密码错误") || !strings.Contains(msg, fmt.Sprintf("再失败 %d 次", 5-i)) {
			t.Errorf("attempt %d: status %d, message %q", i, st, msg)
		}
	}
	st, msg := try("Wrong@2026x")
	if st != 423 || !strings.Contains(msg, "已锁定") || !strings.Contains(msg, "30 分钟") {
		t.Errorf("fifth attempt: status %d, message %q, want 423 and 已锁定 … 30 分钟", st, msg)
	}
	shot(t, ctx, "login-locked")
	// Locked means locked: the right password is refused too.
	st, msg = try(demoPassword)
	if st != 423 || !strings.Contains(msg, "锁定") {
		t.Errorf("right password while locked: status %d, message %q", st, msg)
	}
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err != nil || !strings.HasSuffix(loc, "/login") {
		t.Errorf("after a locked login the browser is at %q (%v), want /login", loc, err)
	}
	var fails int
	if err := a.DB.QueryRow(context.Background(),
		`SELECT COUNT(*) FROM audit_log WHERE action = 'login' AND target = 'zhuanban' AND result = 'failed'`).Scan(&fails); err != nil {
		t.Fatal(err)
	}
	if fails != 6 {
		t.Errorf("audit log has %d failed logins of zhuanban, want 6", fails)
	}
}
