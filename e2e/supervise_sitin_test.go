package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"xuejiangping/internal/db"
)

// TestSitIn is a sit-in seen from both sides: the task force (zhuanban)
// signs up in the district calendar for a planned meeting of
// 区人社局机关党支部, records a score per criterion and a problem found; the
// branch's secretary (shuji) sees who came, the feedback, and the problem
// in the rectification ledger.
func TestSitIn(t *testing.T) {
	a := startApp(t)
	base := a.URL()
	meetingID := svPlannedMeeting(t, a.DB)

	tf := newBrowser(t, 1280, 900)
	login(t, tf, base, "zhuanban")
	day := time.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")
	svOpen(t, tf, base+"/supervise/calendar?from="+day+"&days=7")
	signUp := fmt.Sprintf(`form[action^="/meetings/%d/sitins"] button`, meetingID)
	svSubmit(t, tf, signUp)
	if got := svText(t, tf, "main"); !strings.Contains(got, "已报名旁听") || !strings.Contains(got, "您已报名") {
		t.Fatalf("after signing up the calendar says:\n%s", got)
	}

	// The meeting begins: scores can be recorded from its start.
	if _, err := a.DB.Exec(t.Context(), `UPDATE meetings SET planned_at = ? WHERE id = ?`, time.Now().UTC().Add(-30*time.Minute), meetingID); err != nil {
		t.Fatal(err)
	}
	svOpen(t, tf, fmt.Sprintf("%s/meetings/%d/sitins", base, meetingID))
	for key, v := range map[string]int{"study": 4, "speak": 5, "review": 2, "followup": 3} {
		if err := chromedp.Do(tf, chromedp.Click(fmt.Sprintf(`input[name=%s][value="%d"]`, key, v))); err != nil {
			t.Fatalf("score %s: %v", key, err)
		}
	}
	if err := chromedp.Do(tf, chromedp.SendKeys(`textarea[name=comments]`, "领学联系业务实际；互评流于表面")); err != nil {
		t.Fatal(err)
	}
	svSubmit(t, tf, `form[action$="/sitins/record"] button[type=submit]`)
	shot(t, tf, "sitin-recorded")

	var shujiMember int64
	if err := a.DB.QueryRow(t.Context(), `SELECT member_id FROM users WHERE username = 'shuji'`).Scan(&shujiMember); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Do(tf,
		chromedp.SendKeys(`textarea[name=problem]`, "互评只讲优点，未指出具体问题"),
		chromedp.SetValue(`select[name=owner_id]`, fmt.Sprint(shujiMember)),
		chromedp.SendKeys(`textarea[name=measure]`, "下轮互评每人至少指出一条具体问题"),
	)
	if err != nil {
		t.Fatalf("problem form: %v", err)
	}
	svSubmit(t, tf, `form[action$="/problems"] button[type=submit]`)
	if got := svText(t, tf, "main"); !strings.Contains(got, "列入该单位整改台账") || !strings.Contains(got, "互评只讲优点") {
		t.Fatalf("after raising the problem the page says:\n%s", got)
	}

	// The unit's side.
	sj := newBrowser(t, 390, 900)
	login(t, sj, base, "shuji")
	svOpen(t, sj, fmt.Sprintf("%s/meetings/%d/sitins", base, meetingID))
	got := svText(t, sj, "main")
	for _, want := range []string{"旁听人员", "工作专班", "4 / 5", "5 / 5", "2 / 5", "3 / 5", "领学联系业务实际", "互评只讲优点，未指出具体问题"} {
		if !strings.Contains(got, want) {
			t.Errorf("the secretary's sit-in page lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "记录我的旁听评价") {
		t.Error("the secretary is offered the observer's form")
	}
	shot(t, sj, "sitin-unit-view")
	svOpen(t, sj, base+"/rectifications")
	if got := svText(t, sj, "main"); !strings.Contains(got, "互评只讲优点，未指出具体问题") {
		t.Errorf("the ledger lacks the sit-in's problem:\n%s", got)
	}
}

// svPlannedMeeting returns the demo branch's meeting of the current round,
// planning one two days ahead when the demo has none.
func svPlannedMeeting(t *testing.T, d *db.DB) int64 {
	t.Helper()
	ctx := t.Context()
	var branch, id int64
	if err := d.QueryRow(ctx, `SELECT id FROM orgs WHERE name = '区人社局机关党支部'`).Scan(&branch); err != nil {
		t.Fatalf("demo branch: %v", err)
	}
	at := time.Now().UTC().Add(48 * time.Hour)
	err := d.QueryRow(ctx, `SELECT id FROM meetings WHERE org_id = ? AND finalized_at IS NULL ORDER BY id DESC LIMIT 1`, branch).Scan(&id)
	if db.IsNoRows(err) {
		err = d.InTx(ctx, func(tx *db.Tx) error {
			var err error
			id, err = tx.Insert(ctx, `INSERT INTO meetings (org_id, round_key, planned_at, place, topic, secret, created_at, updated_at)
				VALUES (?, 'e2e-1', ?, '局机关三楼会议室', '“学讲评”：学习贯彻全会精神', 'e2e', ?, ?)`, branch, at, tx.Now, tx.Now)
			return err
		})
	} else if err == nil {
		_, err = d.Exec(ctx, `UPDATE meetings SET planned_at = ? WHERE id = ?`, at, id)
	}
	if err != nil {
		t.Fatalf("planned meeting: %v", err)
	}
	return id
}

func svOpen(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitVisible(`main`)); err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
}

// svSubmit clicks a submit button and waits for the page it leads to.
func svSubmit(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(sel))
	if err != nil || resp == nil {
		t.Fatalf("submit %s: %v", sel, err)
	}
	if resp.Status >= 400 {
		t.Fatalf("submit %s: HTTP %d\n%s", sel, resp.Status, svText(t, ctx, "main"))
	}
}

func svText(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q)?.innerText ?? ""`, sel)))
	if err != nil {
		t.Fatalf("text %s: %v", sel, err)
	}
	return s
}
