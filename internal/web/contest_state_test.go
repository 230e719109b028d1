package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// GET /api/v1/contests/{id}/state answers for both kinds: a match's state,
// and a quiz's snapshot (the question without its answer while it is
// open); a member who is not the host is refused (404).
func TestContestStateAPI(t *testing.T) {
	for _, eng := range engines() {
		t.Run(string(eng), func(t *testing.T) {
			h := newHarnessOn(t, eng)
			admin := h.login("admin", demoPW)
			r := h.do("POST", "/contests", admin, url.Values{"title": {"状态接口竞答"}, "kind": {"quiz"}, "stage": {"final"}, "round": {"0"}})
			var id int64
			if _, err := fmt.Sscanf(r.Header.Get("Location"), "/contests/%d", &id); err != nil {
				t.Fatalf("create: %s", r)
			}
			h.do("POST", fmt.Sprintf("/contests/%d/questions/draw", id), admin, url.Values{"count": {"2"}}).expect(t, http.StatusSeeOther, "draw")
			api := fmt.Sprintf("/api/v1/contests/%d/state", id)
			type quizState struct {
				Kind string `json:"kind"`
				Quiz struct {
					Index    int    `json:"index"`
					Open     bool   `json:"open"`
					Token    string `json:"token"`
					Total    int    `json:"total"`
					Question *struct {
						Text   string `json:"text"`
						Answer string `json:"answer"`
					} `json:"question"`
				} `json:"quiz"`
			}
			var before quizState
			r = h.do("GET", api, admin, nil)
			r.expect(t, http.StatusOK, "state")
			r.json(t, &before)
			if before.Kind != "quiz" || before.Quiz.Index != -1 || before.Quiz.Total != 2 || before.Quiz.Open {
				t.Fatalf("before the first question: %+v", before)
			}
			h.do("POST", fmt.Sprintf("/api/v1/contests/%d/commands", id), admin, `{"type":"quiz_open"}`).expect(t, http.StatusOK, "open")
			var open quizState
			r = h.do("GET", api, admin, nil)
			r.expect(t, http.StatusOK, "state")
			r.json(t, &open)
			if !open.Quiz.Open || open.Quiz.Index != 0 || open.Quiz.Token == "" || open.Quiz.Question == nil || open.Quiz.Question.Text == "" {
				t.Fatalf("after quiz_open: %+v", open)
			}
			if open.Quiz.Question.Answer != "" {
				t.Error("an open question's snapshot gives the answer away")
			}
			// Not the host, not a judge: the contest is not there for them.
			h.do("GET", api, h.login("dangyuan", demoPW), nil).expect(t, http.StatusNotFound, "member")
		})
	}
}

// The setup page names the rules in Chinese and its rules form starts from
// the contest's current rules, so saving it unchanged changes nothing.
func TestContestRulesShownAndKept(t *testing.T) {
	h := newHarnessOn(t, engines()[0])
	admin := h.login("admin", demoPW)
	r := h.do("POST", "/contests", admin, url.Values{"title": {"规则显示测试"}, "kind": {"match"}, "stage": {"final"}, "round": {"0"}})
	var id int64
	if _, err := fmt.Sscanf(r.Header.Get("Location"), "/contests/%d", &id); err != nil {
		t.Fatalf("create: %s", r)
	}
	bad := h.do("POST", fmt.Sprintf("/contests/%d/rules", id), admin, url.Values{"answer_s": {"5"}, "judge_rule": {"unanimous"},
		"tie_rule": {"draw"}, "tie_window_ms": {"40"}, "foul_points": {"5"}, "max_device_spread_ms": {"5000"}})
	if bad.StatusCode != http.StatusBadRequest || !strings.Contains(string(bad.Body), "设备检测允许的延迟差须在0至1000毫秒之间") {
		t.Fatalf("a 5 s device bound: %s", bad)
	}
	h.do("POST", fmt.Sprintf("/contests/%d/rules", id), admin, url.Values{"answer_s": {"5"}, "judge_rule": {"unanimous"},
		"tie_rule": {"draw"}, "tie_window_ms": {"40"}, "foul_points": {"5"}, "delay_compensation": {"1"}, "delay_cap_ms": {"100"},
		"max_device_spread_ms": {"40"}}).expect(t, http.StatusSeeOther, "rules")
	page := h.do("GET", fmt.Sprintf("/contests/%d", id), admin, nil)
	page.expect(t, http.StatusOK, "setup page")
	body := string(page.Body)
	for _, want := range []string{"同时抢答：抽签（窗口 40 毫秒）", `name="answer_s" min="1" max="600" value="5"`,
		`<option value="unanimous" selected>`, `<option value="draw" selected>`, `name="tie_window_ms" min="1" max="1000" value="40"`,
		"抢先按键（犯规）：扣 5 分 ·", "扣除各设备实测延迟，最多 100 毫秒", "各抢答器延迟相差不得超过 40 毫秒，否则不能开赛",
		`name="foul_lockout" value="1">`, `name="delay_compensation" value="1" checked>`, `name="max_device_spread_ms" min="0" max="1000" value="40"`} {
		if !strings.Contains(body, want) {
			t.Errorf("setup page lacks %q", want)
		}
	}
	if strings.Contains(body, "同时抢答：draw") {
		t.Error("the tie rule is shown as its code")
	}
}

// A quiz's rules form: bad numbers are refused in Chinese and change
// nothing; good ones are shown on the setup page and prefill the form; a
// question can have its own answer time.
func TestQuizRulesForm(t *testing.T) {
	h := newHarnessOn(t, engines()[0])
	admin := h.login("admin", demoPW)
	r := h.do("POST", "/contests", admin, url.Values{"title": {"分值设置测试"}, "kind": {"quiz"}, "stage": {"final"}, "round": {"0"}})
	var id int64
	if _, err := fmt.Sscanf(r.Header.Get("Location"), "/contests/%d", &id); err != nil {
		t.Fatalf("create: %s", r)
	}
	rules := fmt.Sprintf("/contests/%d/quizrules", id)
	zero := h.do("POST", rules, admin, url.Values{"answer_s": {"15"}, "base_points": {"0"}, "speed_points": {"5"}})
	if body := string(zero.Body); !strings.Contains(body, "答对得分须为1至100之间的整数") || strings.Contains(body, "base_points") {
		t.Errorf("the error page should say which figure is wrong in Chinese, not name the form field's code: %s", zero)
	}
	for _, bad := range []url.Values{
		{"answer_s": {"15"}, "base_points": {"0"}, "speed_points": {"5"}},
		{"answer_s": {"15"}, "base_points": {"20"}, "speed_points": {"快"}},
		{"answer_s": {"2"}, "base_points": {"20"}, "speed_points": {"5"}},
	} {
		r := h.do("POST", rules, admin, bad)
		if r.StatusCode != http.StatusBadRequest || !hasHan(string(r.Body)) {
			t.Errorf("%v: %s", bad, r)
		}
	}
	page := string(h.do("GET", fmt.Sprintf("/contests/%d", id), admin, nil).Body)
	if !strings.Contains(page, "每题作答时间 20 秒（单独设定的题目除外）。答对得10分，另按作答速度加0至10分") {
		t.Fatal("refused rules changed the quiz, or the rules are not shown")
	}
	h.do("POST", rules, admin, url.Values{"answer_s": {"15"}, "base_points": {"20"}, "speed_points": {"5"}}).expect(t, http.StatusSeeOther, "rules")
	h.do("POST", fmt.Sprintf("/contests/%d/questions", id), admin, url.Values{"text": {"单独限时的题"}, "options": {"甲\n乙"},
		"answer": {"A"}, "answer_s": {"45"}}).expect(t, http.StatusSeeOther, "question")
	page = string(h.do("GET", fmt.Sprintf("/contests/%d", id), admin, nil).Body)
	for _, want := range []string{"每题作答时间 15 秒（单独设定的题目除外）。答对得20分，另按作答速度加0至5分",
		`name="base_points" min="1" max="100" value="20"`, `name="speed_points" min="1" max="100" value="5"`, "限时 45 秒"} {
		if !strings.Contains(page, want) {
			t.Errorf("setup page lacks %q", want)
		}
	}
}
