package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestTeamEventRefereeOnPhone: the admin sets up a team event (户外拓展)
// with the default projects and three teams; a referee enters results on a
// phone-sized window, a bad entry is refused in Chinese and changes
// nothing, and the big screen's standings follow without a reload.
func TestTeamEventRefereeOnPhone(t *testing.T) {
	a := startApp(t)
	base := a.URL()
	hc := adminClient(t, base)
	res := post(t, hc, base+"/teamevents", url.Values{"name": {"樱桃沟户外拓展（测试）"}})
	var id int64
	if _, err := fmt.Sscanf(res.Request.URL.Path, "/teamevents/%d", &id); err != nil {
		t.Fatalf("created team event at %q", res.Request.URL.Path)
	}
	eu := fmt.Sprintf("%s/teamevents/%d", base, id)
	teams := []string{"机关第一支部队", "机关第二支部队", "机关第三支部队"}
	for _, n := range teams {
		post(t, hc, eu+"/teams", url.Values{"name": {n}})
	}
	post(t, hc, eu+"/referees", url.Values{"username": {"shuji"}})

	browser := contestBrowser(t)
	screen := cqOpen(t, browser, base, "", fmt.Sprintf("/teamevents/%d/screen", id), 1920, 1080, `#te-board`)
	screen.waitText(".te-progress", "已录入 0 / 15")
	phone := cqOpen(t, browser, base, "shuji", fmt.Sprintf("/teamevents/%d/enter?project=grenade", id), 375, 740, `form.te-row`)
	phone.shot("teamevent-phone-empty")

	enter := func(project, team, value string, dnf bool) {
		t.Helper()
		var err error
		for try := 0; try < 3; try++ {
			// A navigation can be aborted by the previous form post's
			// page still settling: try again.
			if err = chromedp.Do(phone.ctx, chromedp.Navigate(fmt.Sprintf("%s/enter?project=%s", eu, project))); err == nil {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		if err != nil {
			t.Fatal(err)
		}
		phone.poll("fill "+team, fmt.Sprintf(`(function(){var f=document.querySelector('form[data-team=%q]');if(!f)return "";f.querySelector("input[name=value]").value=%q;f.querySelector("input[name=dnf]").checked=%v;f.querySelector("button").click();return "ok"})()`, team, value, dnf))
	}
	enter("grenade", "t1", "8", false)
	phone.waitText(".flash", "已保存机关第一支部队的成绩")
	enter("grenade", "t2", "12", false)
	phone.waitText(".flash", "已保存机关第二支部队的成绩")
	enter("grenade", "t3", "", true)
	phone.waitText(".flash", "已保存机关第三支部队的成绩")
	phone.waitText(`form[data-team="t2"]`, "已录入）") // who entered a result is shown beside it
	screen.waitText(".te-progress", "已录入 3 / 15")
	screen.poll("第二支部 leads", `document.querySelector(".te-standings tbody tr td:nth-child(2)").textContent === "机关第二支部队" ? "ok" : ""`)

	// A time the referee mistypes: refused with a reason, nothing stored.
	enter("tower", "t1", "一分五秒", false)
	phone.waitText(".error", "机关第一支部队：用时格式有误")
	phone.poll("typed value kept", `document.querySelector('form[data-team="t1"] input.invalid').value === "一分五秒" ? "ok" : ""`)
	phone.shot("teamevent-phone-error")
	var stored int
	if err := a.DB.QueryRow(context.Background(), `SELECT COUNT(*) FROM team_event_results WHERE event_id = ?`, id).Scan(&stored); err != nil || stored != 3 {
		t.Errorf("after a refused entry: %d results stored (%v), want 3", stored, err)
	}
	enter("tower", "t1", "1:05", false)
	// Wait for the answer before the next entry: navigating away at once
	// can abort the form post still in flight.
	phone.waitText(".flash", "已保存机关第一支部队的成绩")
	enter("tower", "t3", "58.2", false)
	phone.waitText(".flash", "已保存机关第三支部队的成绩")
	phone.shot("teamevent-phone-entered")
	// 第一支部: 2nd and 2nd (8 + 8); 第二支部: 1st (10); 第三支部: DNF and 1st (10).
	screen.waitText(".te-progress", "已录入 5 / 15")
	screen.poll("第一支部 leads", `document.querySelector(".te-standings tbody tr td:nth-child(2)").textContent === "机关第一支部队" ? "ok" : ""`)
	screen.waitText(".te-standings tbody tr:first-child .total", "16")
	screen.waitText(".te-proj", "58.2秒")
	screen.shot("teamevent-screen")

	r, err := hc.Get(fmt.Sprintf("%s/api/v1/teamevents/%d/standings", base, id))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	var board struct {
		Standings []struct {
			Team   string `json:"team"`
			Points int    `json:"points"`
		} `json:"standings"`
		Entered int `json:"entered"`
	}
	if err := json.NewDecoder(r.Body).Decode(&board); err != nil {
		t.Fatal(err)
	}
	if board.Entered != 5 || len(board.Standings) != 3 || board.Standings[0].Team != "t1" || board.Standings[0].Points != 16 {
		t.Errorf("API standings %+v", board)
	}
}
