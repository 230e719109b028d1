package e2e

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"xuejiangping/internal/app"
	"xuejiangping/internal/demo"
	"xuejiangping/internal/meeting"
	"xuejiangping/internal/round"
	"xuejiangping/internal/settings"
)

// TestWholeRound runs one round of the 学讲评 cycle in the browser: the
// admin's notice → the secretary's plan (first refused for a missing
// category) → the member's self-study on a phone → QR sign-in from that
// second browser → sign-ins by hand → speeches → reviews → a problem and
// its rectification verified → the minutes finalised → the unit shows
// 按时开展 on the round's compliance page.
func TestWholeRound(t *testing.T) {
	a := startApp(t)
	base := a.URL()
	ctx := context.Background()
	start, _ := round.ParseDate(round.DefaultStart)
	if v, err := settings.Get(ctx, a.DB, settings.ProgrammeStart, round.DefaultStart); err == nil {
		if d, err := round.ParseDate(v); err == nil {
			start = d
		}
	}
	cur := round.RoundAt(round.DefaultCalendar(start), time.Now())
	branch := cyID(t, a, `SELECT id FROM orgs WHERE name = ?`, demo.DemoBranch)
	shujiID := cyID(t, a, `SELECT member_id FROM users WHERE username = 'shuji'`)
	dangID := cyID(t, a, `SELECT member_id FROM users WHERE username = 'dangyuan'`)
	other := cyID(t, a, `SELECT MIN(id) FROM members WHERE org_id = ? AND id NOT IN (?, ?)`, branch, shujiID, dangID)
	cyClearMeeting(t, a, branch, cur.Key())

	// A planned time inside the current round: an hour from now, unless
	// the window closes before that.
	planned := time.Now().Add(time.Hour)
	if !planned.Before(cur.WindowEnd) {
		planned = time.Now().Add(-time.Hour)
	}
	zone := round.DefaultCalendar(start).Zone()

	// 1. The admin publishes the round's notice requiring two categories.
	admin := newBrowser(t, 1280, 900)
	cyLogin(t, admin, base, "admin")
	visit(t, admin, base, "/notices")
	cyDo(t, admin, "fill the notice",
		chromedp.SetValue(`select[name=round_key]`, cur.Key()),
		chromedp.SetValue(`select[name=kind]`, "reminder"),
		chromedp.SendKeys(`input[name=title]`, "本轮学讲评工作提醒"),
		chromedp.SendKeys(`textarea[name=body]`, "请各支部按时开展“学讲评”活动。"),
		chromedp.Click(`input[name=categories][value=speeches]`),
		chromedp.Click(`input[name=categories][value=party_rules]`),
	)
	if st := submit(t, admin, `form[action="/notices"] button.primary`); st != http.StatusOK {
		t.Fatalf("publish: %d", st)
	}
	if got := textOf(t, admin, "main h1"); got != "本轮学讲评工作提醒" {
		t.Fatalf("after publishing: %q", got)
	}

	// 2. The secretary plans; the first try lacks 党章党规 and is refused.
	shuji := newBrowser(t, 1280, 900)
	cyLogin(t, shuji, base, "shuji")
	visit(t, shuji, base, fmt.Sprintf("/meetings/new?org=%d&round=%s", branch, cur.Key()))
	cyDo(t, shuji, "fill the plan",
		chromedp.SetValue(`input[name=planned_at]`, planned.In(zone).Format("2006-01-02T15:04")),
		chromedp.SendKeys(`input[name=place]`, "三楼会议室"),
		chromedp.SendKeys(`input[name=topic]`, "学讲评：服务群众最后一公里"),
		chromedp.SetValue(`select[name=host_id]`, fmt.Sprint(shujiID)),
		chromedp.SetValue(`select[name=recorder_id]`, fmt.Sprint(shujiID)),
		chromedp.SetValue(`select[name=lead_reader_id]`, fmt.Sprint(dangID)),
		chromedp.SendKeys(cyMaterialRow("speeches"), "总书记近期重要讲话选编"),
	)
	if st := submit(t, shuji, `form[action="/meetings"] button.primary`); st != http.StatusUnprocessableEntity {
		t.Fatalf("plan without 党章党规: status %d", st)
	}
	if msg := textOf(t, shuji, ".error"); !strings.Contains(msg, "党章党规详细解读") {
		t.Fatalf("the page does not name the missing category: %q", msg)
	}
	shot(t, shuji, "cycle-plan-missing")
	// The refused form keeps the first material and offers a row per
	// category still missing; fill them all (the demo's own notices for the
	// round may require the other two).
	cyDo(t, shuji, "add the missing materials",
		chromedp.SendKeys(cyMaterialRow("party_rules"), "党章第二章党员的义务和权利"),
		chromedp.SendKeys(cyMaterialRow("higher_documents"), "区委全会精神"),
		chromedp.SendKeys(cyMaterialRow("unit_policy"), "本局窗口服务规范"),
	)
	if st := submit(t, shuji, `form[action="/meetings"] button.primary`); st != http.StatusOK {
		t.Fatalf("plan: %d %s", st, textOf(t, shuji, ".error"))
	}
	loc, err := chromedp.Run(shuji, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	var mid int64
	if _, err := fmt.Sscanf(loc[strings.Index(loc, "/meetings/"):], "/meetings/%d", &mid); err != nil || mid == 0 {
		t.Fatalf("not on the meeting page: %s", loc)
	}
	meetingURL := fmt.Sprintf("/meetings/%d", mid)

	// 3. The member marks the materials read on a phone.
	phone := newPhone(t)
	cyLogin(t, phone, base, "dangyuan")
	visit(t, phone, base, meetingURL)
	for i := 0; i < 4; i++ {
		if st := submit(t, phone, `#study form.inline button`); st != http.StatusOK {
			t.Fatalf("self-study %d: %d", i, st)
		}
	}
	if n := len(labels(t, phone, "#study .ok", true)); n != 4 {
		t.Fatalf("%d materials marked read, want 4", n)
	}
	shot(t, phone, "cycle-selfstudy-phone")

	// 4. The QR page; the phone opens the link it encodes and confirms.
	visit(t, shuji, base, meetingURL+"/qr")
	if n := len(labels(t, shuji, `img[alt="签到二维码"]`, true)); n != 1 {
		t.Fatal("no QR code on the sign-in screen")
	}
	visit(t, phone, base, fmt.Sprintf("%s/signin?c=%s", meetingURL, cySigninCode(t, a, mid)))
	if st := submit(t, phone, `form button.primary`); st != http.StatusOK {
		t.Fatalf("QR sign-in: %d %s", st, textOf(t, phone, ".error"))
	}
	if e := textOf(t, phone, ".error"); e != "" {
		t.Fatalf("QR sign-in refused: %s", e)
	}

	// 5. The secretary (recorder) signs two more in by hand.
	visit(t, shuji, base, meetingURL)
	for _, id := range []int64{shujiID, other} {
		cyOpen(t, shuji, `#attendance form select[name=member_id]`)
		cyDo(t, shuji, "choose the member", chromedp.SetValue(`#attendance form select[name=member_id]`, fmt.Sprint(id)))
		if st := submit(t, shuji, `#attendance form button[type=submit]`); st != http.StatusOK {
			t.Fatalf("sign in %d by hand: %d %s", id, st, textOf(t, shuji, ".error"))
		}
	}
	if att := textOf(t, shuji, "#attendance"); strings.Count(att, "已签到") != 3 {
		t.Fatalf("attendance after sign-ins: %s", att)
	}

	// 6. Speeches: the member drafts their own; the recorder enters another's.
	visit(t, phone, base, meetingURL)
	cyOpen(t, phone, `#speeches textarea[name=content]`)
	cyDo(t, phone, "the member's speech",
		chromedp.Click(`#speeches input[name=kinds][value=understanding]`),
		chromedp.SendKeys(`#speeches input[name=problem]`, "窗口咨询量大，政策解释不一致"),
		chromedp.SendKeys(`#speeches textarea[name=content]`, "学习总书记讲话后，我认为要把政策讲明白。"),
	)
	if st := submit(t, phone, `#speeches button.primary`); st != http.StatusOK {
		t.Fatalf("own speech: %d %s", st, textOf(t, phone, ".error"))
	}
	visit(t, shuji, base, meetingURL)
	cyOpen(t, shuji, `#speeches textarea[name=content]`)
	cyDo(t, shuji, "a speech entered for another",
		chromedp.SetValue(`#speeches select[name=member_id]`, fmt.Sprint(other)),
		chromedp.Click(`#speeches input[name=kinds][value=experience]`),
		chromedp.SendKeys(`#speeches textarea[name=content]`, "结合一起劳动仲裁案例谈工作经验。"),
	)
	if st := submit(t, shuji, `#speeches button.primary`); st != http.StatusOK {
		t.Fatalf("entered speech: %d %s", st, textOf(t, shuji, ".error"))
	}
	if n := len(labels(t, shuji, "#speeches article.speech", false)); n != 2 {
		t.Fatalf("%d speeches, want 2", n)
	}

	// 7. Reviews: self and the first assigned peer on the phone; overall by the secretary.
	visit(t, phone, base, meetingURL)
	selfForm := `#reviews form:has(input[name=kind][value=self])`
	cyOpen(t, phone, selfForm+` textarea`)
	cyDo(t, phone, "self review", chromedp.SetValue(selfForm+` select[name=rating]`, "good"), chromedp.SendKeys(selfForm+` textarea`, "思路清楚，联系实际还不够。"))
	if st := submit(t, phone, selfForm+` button`); st != http.StatusOK {
		t.Fatalf("self review: %d %s", st, textOf(t, phone, ".error"))
	}
	peerForm := `#reviews form:has(input[name=kind][value=peer])`
	cyOpen(t, phone, peerForm+` textarea`)
	cyDo(t, phone, "peer review", chromedp.SetValue(peerForm+` select[name=rating]`, "excellent"), chromedp.SendKeys(peerForm+` textarea`, "以案说法，方法具体。"))
	if st := submit(t, phone, peerForm+` button`); st != http.StatusOK {
		t.Fatalf("peer review: %d %s", st, textOf(t, phone, ".error"))
	}
	visit(t, shuji, base, meetingURL)
	overall := `#reviews form:has(input[name=kind][value=overall])`
	cyOpen(t, shuji, overall+` textarea`)
	cyDo(t, shuji, "overall review", chromedp.SetValue(overall+` select[name=reviewee_id]`, fmt.Sprint(dangID)), chromedp.SendKeys(overall+` textarea`, "目标明确，下一步要更贴近群众。"))
	if st := submit(t, shuji, overall+` button`); st != http.StatusOK {
		t.Fatalf("overall review: %d %s", st, textOf(t, shuji, ".error"))
	}
	if n := len(labels(t, shuji, "#reviews p.review", false)); n != 3 {
		t.Fatalf("%d reviews, want 3", n)
	}

	// 8. A problem raised, owned by the member.
	cyOpen(t, shuji, `#problems textarea[name=problem]`)
	cyDo(t, shuji, "raise a problem",
		chromedp.SendKeys(`#problems textarea[name=problem]`, "政策解释口径不一致"),
		chromedp.SetValue(`#problems select[name=category]`, "business"),
		chromedp.SetValue(`#problems select[name=owner_id]`, fmt.Sprint(dangID)),
		chromedp.SendKeys(`#problems textarea[name=measure]`, "编写统一问答口径"),
	)
	if st := submit(t, shuji, `#problems button[type=submit]`); st != http.StatusOK {
		t.Fatalf("problem: %d %s", st, textOf(t, shuji, ".error"))
	}
	href, err := chromedp.Run(shuji, chromedp.Evaluate[string](`document.querySelector('#problems a[href^="/rectifications/"]')?.getAttribute('href') ?? ""`))
	if err != nil || href == "" {
		t.Fatalf("no rectification link: %v", err)
	}

	// 9. The owner reports it done with evidence; the secretary verifies.
	visit(t, phone, base, href)
	if st := submit(t, phone, `form input[name=status][value=in_progress] ~ button`); st != http.StatusOK {
		t.Fatalf("start: %d %s", st, textOf(t, phone, ".error"))
	}
	cyDo(t, phone, "evidence", chromedp.SendKeys(`textarea[name=evidence]`, "已编写问答口径并组织全员学习。"))
	if st := submit(t, phone, `form:has(input[name=status][value=done]) button`); st != http.StatusOK {
		t.Fatalf("done: %d %s", st, textOf(t, phone, ".error"))
	}
	if got := textOf(t, phone, "dl.facts"); !strings.Contains(got, "已整改") {
		t.Fatalf("after reporting done: %s", got)
	}
	visit(t, shuji, base, href)
	if st := submit(t, shuji, `form:has(input[name=status][value=verified]) button`); st != http.StatusOK {
		t.Fatalf("verify: %d %s", st, textOf(t, shuji, ".error"))
	}
	if got := textOf(t, shuji, "dl.facts"); !strings.Contains(got, "已验收") {
		t.Fatalf("after verifying: %s", got)
	}

	// 10. Finalise.
	visit(t, shuji, base, meetingURL)
	cyDo(t, shuji, "summary", chromedp.SendKeys(`#finalize textarea[name=summary]`, "本次活动学得深、讲得实、评得准。"))
	if st := submit(t, shuji, `#finalize button.primary`); st != http.StatusOK {
		t.Fatalf("finalise: %d", st)
	}
	if e := textOf(t, shuji, ".error"); e != "" {
		t.Fatalf("finalise refused: %s", e)
	}
	if got := textOf(t, shuji, "dl.facts"); !strings.Contains(got, "已定稿") {
		t.Fatalf("after finalising: %s", got)
	}
	shot(t, shuji, "cycle-meeting-final")

	// 11. The round's compliance page shows the unit 按时开展.
	visit(t, admin, base, "/rounds/"+cur.Key())
	row, err := chromedp.Run(admin, chromedp.Evaluate[string](fmt.Sprintf(
		`[...document.querySelectorAll('tbody tr')].find(r => r.cells[0].innerText.trim() === %q)?.innerText ?? ""`, demo.DemoBranch)))
	if err != nil || !strings.Contains(row, "按时开展") {
		t.Fatalf("compliance row for %s: %q %v", demo.DemoBranch, row, err)
	}
	shot(t, admin, "cycle-compliance")
}

// cyLogin logs in and waits until the browser has left the login page, so
// that the next navigation does not abort the redirect still in flight.
func cyLogin(t *testing.T, ctx context.Context, base, user string) {
	t.Helper()
	login(t, ctx, base, user)
	for deadline := time.Now().Add(10 * time.Second); ; {
		loc, err := chromedp.Run(ctx, chromedp.Location())
		if err == nil && !strings.HasSuffix(loc, "/login") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("login %s: still on %s (%v)", user, loc, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	cyDo(t, ctx, "home page", chromedp.WaitReady(`body`))
}

// cyDo runs actions, failing the test with what they were for.
func cyDo(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// cyOpen opens the <details> around the element matching css, as a click
// on its summary would.
func cyOpen(t *testing.T, ctx context.Context, css string) {
	t.Helper()
	ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf(
		`(() => { const e = document.querySelector(%q); if (!e) return false; const d = e.closest('details'); if (d && !d.open) d.querySelector('summary').click(); return true })()`, css)))
	if err != nil || !ok {
		t.Fatalf("open %s: %v (found %v)", css, err, ok)
	}
}

// cyMaterialRow is the title input of the plan's material row whose
// category select has value cat.
func cyMaterialRow(cat string) string {
	return fmt.Sprintf(`.materials .row:has(select[name=material_category] option[value=%q]:checked) input[name=material_title]`, cat)
}

func cyID(t *testing.T, a *app.App, q string, args ...any) int64 {
	t.Helper()
	var id int64
	if err := a.DB.QueryRow(context.Background(), q, args...).Scan(&id); err != nil || id == 0 {
		t.Fatalf("fixture %q: %v", q, err)
	}
	return id
}

// cyClearMeeting moves aside the unit's meeting for the round if the demo
// history planned one, so that the test plans it itself.
func cyClearMeeting(t *testing.T, a *app.App, orgID int64, key string) {
	t.Helper()
	ctx := context.Background()
	var id int64
	if err := a.DB.QueryRow(ctx, `SELECT id FROM meetings WHERE org_id = ? AND round_key = ?`, orgID, key).Scan(&id); err != nil {
		return
	}
	// Moved aside rather than deleted: sit-ins, exemplars and reports may
	// refer to it.
	if _, err := a.DB.Exec(ctx, `UPDATE meetings SET round_key = ? WHERE id = ?`, "1999-01-1", id); err != nil {
		t.Fatalf("move the demo's meeting aside: %v", err)
	}
}

// cySigninCode is what the QR encodes now: the code made with the app's
// sign-in key (settings "signin.key") and the meeting's secret.
func cySigninCode(t *testing.T, a *app.App, id int64) string {
	t.Helper()
	ctx := context.Background()
	key, err := settings.Get(ctx, a.DB, "signin.key", "")
	if err != nil || key == "" {
		t.Fatalf("signin key: %v", err)
	}
	var secret string
	if err := a.DB.QueryRow(ctx, `SELECT secret FROM meetings WHERE id = ?`, id).Scan(&secret); err != nil {
		t.Fatal(err)
	}
	return meeting.Code([]byte(key+secret), id, time.Now())
}
