package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// The contest feature's routes in the access table. Fixtures, made as the
// admin (who becomes each contest's host): match A (zhuanban judges it) for
// reading, match D for changes and deletions, and an online quiz Q.
func init() { accessExtensions = append(accessExtensions, contestAccess) }

func contestAccess(h *harness, tokens map[string]string, f accessFixtures) map[string][]accessCase {
	t := h.t
	admin := tokens["admin"]
	form := func(kv ...string) url.Values {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	create := func(title, kind string) int64 {
		r := h.do("POST", "/contests", admin, form("title", title, "kind", kind, "stage", "final", "round", "0"))
		var id int64
		if _, err := fmt.Sscanf(r.Header.Get("Location"), "/contests/%d", &id); err != nil {
			t.Fatalf("create contest: %s", r)
		}
		return id
	}
	setup := func(id int64, judges ...string) {
		for _, step := range []struct {
			path string
			body url.Values
		}{
			{"/teams", form("name", "一队", "unit", "甲")},
			{"/teams", form("name", "二队", "unit", "乙")},
			{"/teams", form("name", "三队", "unit", "丙")},
			{"/segments", form("kind", "buzzer", "points", "10")},
			{"/segments", form("kind", "compulsory", "points", "10")},
			{"/questions", form("segment", "1", "text", "审查调查12+3种措施是什么？", "answer", "略")},
			{"/questions", form("segment", "2", "text", "走读式谈话“两不许一报告”是什么？", "answer", "略")},
		} {
			if r := h.do("POST", fmt.Sprintf("/contests/%d%s", id, step.path), admin, step.body); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("setup %s: %s", step.path, r)
			}
		}
		for _, j := range judges {
			if r := h.do("POST", fmt.Sprintf("/contests/%d/staff", id), admin, form("username", j, "role", "judge")); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("judge %s: %s", j, r)
			}
		}
	}
	a := create("访问测试A", "match")
	setup(a, "zhuanban")
	d := create("访问测试D", "match")
	setup(d, "zhuanban", "shuji")
	q := create("访问测试竞答", "quiz")
	ctx := context.Background()
	var code string
	var shujiUser, qid int64
	if err := h.app.DB.QueryRow(ctx, `SELECT join_code FROM contest_teams WHERE contest_id = ? AND team_key = 't1'`, a).Scan(&code); err != nil {
		t.Fatal(err)
	}
	if err := h.app.DB.QueryRow(ctx, `SELECT id FROM users WHERE username = 'shuji'`).Scan(&shujiUser); err != nil {
		t.Fatal(err)
	}
	if err := h.app.DB.QueryRow(ctx, `SELECT MAX(id) FROM contest_questions WHERE contest_id = ?`, d).Scan(&qid); err != nil {
		t.Fatal(err)
	}
	// A team event with two teams, zhuanban as its referee and tmpuser as a
	// referee to remove.
	r := h.do("POST", "/teamevents", admin, form("name", "访问测试拓展"))
	var te int64
	if _, err := fmt.Sscanf(r.Header.Get("Location"), "/teamevents/%d", &te); err != nil {
		t.Fatalf("create team event: %s", r)
	}
	for _, step := range []struct {
		path string
		body url.Values
	}{
		{"/teams", form("name", "甲队", "unit", "甲")},
		{"/teams", form("name", "乙队", "unit", "乙")},
		{"/teams", form("name", "待删队")},
		{"/referees", form("username", "zhuanban")},
		{"/referees", form("username", "tmpuser")},
	} {
		if r := h.do("POST", fmt.Sprintf("/teamevents/%d%s", te, step.path), admin, step.body); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("team event %s: %s", step.path, r)
		}
	}
	p := fmt.Sprintf
	const staffA = "admin zhuanban"
	return map[string][]accessCase{
		"GET /contests":  {{path: "/contests", allow: "+"}},
		"POST /contests": {{path: "/contests", body: form("title", "新比赛{role}", "kind", "match", "stage", "final", "round", "0"), allow: "admin"}},
		"GET /contests/{id}": {
			{path: p("/contests/%d", a), allow: staffA},
		},
		"POST /contests/{id}/teams":                     {{path: p("/contests/%d/teams", a), body: form("name", "队{role}"), allow: "admin"}},
		"POST /contests/{id}/teams/{key}/delete":        {{path: p("/contests/%d/teams/t3/delete", d), body: form(), allow: "admin"}},
		"POST /contests/{id}/teams/{key}/code":          {{path: p("/contests/%d/teams/t2/code", a), body: form(), allow: "admin"}},
		"POST /contests/{id}/staff":                     {{path: p("/contests/%d/staff", d), body: form("username", "{role}", "role", "judge"), allow: "admin"}},
		"POST /contests/{id}/staff/{uid}/{role}/delete": {{path: p("/contests/%d/staff/%d/judge/delete", d, shujiUser), body: form(), allow: "admin"}},
		"POST /contests/{id}/segments":                  {{path: p("/contests/%d/segments", a), body: form("kind", "risk", "points", "0", "risk_values", "10,20,30"), allow: "admin"}},
		"POST /contests/{id}/segments/{pos}/delete":     {{path: p("/contests/%d/segments/2/delete", d), body: form(), allow: "admin"}},
		"POST /contests/{id}/questions":                 {{path: p("/contests/%d/questions", a), body: form("segment", "1", "text", "题{role}", "answer", "略"), allow: "admin"}},
		"POST /contests/{id}/questions/import":          {{path: p("/contests/%d/questions/import", a), body: form("segment", "1", "from", "1", "count", "2"), allow: "admin"}},
		"POST /contests/{id}/questions/{qid}/delete":    {{path: p("/contests/%d/questions/%d/delete", d, qid), body: form(), allow: "admin"}},
		"POST /contests/{id}/rules":                     {{path: p("/contests/%d/rules", a), body: form("answer_s", "3", "judge_rule", "majority", "tie_rule", "first", "tie_window_ms", "30"), allow: "admin"}},
		"POST /contests/{id}/questions/draw":            {{path: p("/contests/%d/questions/draw", a), body: form("segment", "1", "count", "1"), allow: "admin"}},
		"POST /contests/{id}/quizrules":                 {{path: p("/contests/%d/quizrules", q), body: form("answer_s", "20"), allow: "admin"}},
		"GET /contests/{id}/host":                       {{path: p("/contests/%d/host", a), allow: "admin"}},
		"GET /contests/{id}/judge":                      {{path: p("/contests/%d/judge", a), allow: "zhuanban"}},
		"GET /contests/{id}/buzzer":                     {{path: p("/contests/%d/buzzer?code=%s", a, code), allow: "*"}, {path: p("/contests/%d/buzzer", a), allow: "*"}},
		"GET /contests/{id}/play":                       {{path: p("/contests/%d/play", q), allow: "shuji dangyuan shuji2"}, {path: p("/contests/%d/play", a), allow: ""}},
		"GET /contests/{id}/screen":                     {{path: p("/contests/%d/screen", a), allow: "*"}},
		"GET /contests/{id}/audience":                   {{path: p("/contests/%d/audience", a), allow: "*"}},
		"GET /contests/{id}/results":                    {{path: p("/contests/%d/results", a), allow: "*"}},
		"GET /contests/{id}/export":                     {{path: p("/contests/%d/export", a), allow: staffA}},
		// Without an upgrade the WebSocket route answers 426; the audience
		// role is open to all, the others are checked in the handler.
		"GET /contests/{id}/ws":               {{path: p("/contests/%d/ws?role=audience", a), allow: "*"}},
		"GET /api/v1/contests":                {{path: "/api/v1/contests", allow: "+"}},
		"GET /api/v1/contests/{id}/state":     {{path: p("/api/v1/contests/%d/state", d), allow: "admin zhuanban shuji"}},
		"POST /api/v1/contests/{id}/commands": {{path: p("/api/v1/contests/%d/commands", d), body: `{"type":"check_devices"}`, allow: "admin"}},

		"POST /teamevents":                            {{path: "/teamevents", body: form("name", "拓展{role}"), allow: "admin"}},
		"GET /teamevents/{id}":                        {{path: p("/teamevents/%d", te), allow: staffA}},
		"POST /teamevents/{id}/teams":                 {{path: p("/teamevents/%d/teams", te), body: form("name", "队{role}"), allow: "admin"}},
		"POST /teamevents/{id}/teams/{key}/delete":    {{path: p("/teamevents/%d/teams/t3/delete", te), body: form(), allow: "admin"}},
		"POST /teamevents/{id}/projects":              {{path: p("/teamevents/%d/projects", te), body: form("name", "项目{role}", "scoring", "points"), allow: "admin"}},
		"POST /teamevents/{id}/projects/{key}/delete": {{path: p("/teamevents/%d/projects/kart/delete", te), body: form(), allow: "admin"}},
		"POST /teamevents/{id}/referees":              {{path: p("/teamevents/%d/referees", te), body: form("username", "{role}"), allow: "admin"}},
		"POST /teamevents/{id}/referees/{uid}/delete": {{path: p("/teamevents/%d/referees/%d/delete", te, f.TmpUser), body: form(), allow: "admin"}},
		"GET /teamevents/{id}/enter":                  {{path: p("/teamevents/%d/enter?project=grenade", te), allow: staffA}},
		"POST /teamevents/{id}/results":               {{path: p("/teamevents/%d/results", te), body: form("project", "grenade", "team", "t1", "value", "5"), allow: staffA}},
		"GET /teamevents/{id}/standings":              {{path: p("/teamevents/%d/standings", te), allow: "*"}},
		"GET /teamevents/{id}/screen":                 {{path: p("/teamevents/%d/screen", te), allow: "*"}},
		"GET /api/v1/teamevents/{id}/standings":       {{path: p("/api/v1/teamevents/%d/standings", te), allow: "+"}},
		"POST /api/v1/teamevents/{id}/results":        {{path: p("/api/v1/teamevents/%d/results", te), body: `{"project":"tower","team":"t2","value":"1:05.3"}`, allow: staffA}},
	}
}

var _ = strings.TrimSpace
