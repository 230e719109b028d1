package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"xuejiangping/internal/db"
)

// The 学讲评 cycle's routes in the access table. Fixtures: a notice for the
// whole district, a meeting in each test branch (shuji records BranchA's,
// so dangyuan is an ordinary member there), rectifications, postponement
// requests and a training order — all made as the admin through the API.
func init() { accessExtensions = append(accessExtensions, cycleAccess) }

type cycleFixtures struct {
	Round                   string
	NewDate                 string
	Notice                  int64
	MeetingA, MeetingB      int64
	MaterialA               int64
	RectA, RectA2, RectFile int64
	PostPage, PostAPI       int64
	Training                int64
}

func makeCycleFixtures(h *harness, admin string, f accessFixtures) cycleFixtures {
	t := h.t
	var c cycleFixtures
	var rounds struct {
		Rounds []struct {
			Key       string `json:"id"`
			WindowEnd string `json:"window_end"`
			Current   bool
		}
	}
	r := h.do("GET", "/api/v1/rounds", admin, nil)
	r.expect(t, http.StatusOK, "rounds")
	r.json(t, &rounds)
	for _, x := range rounds.Rounds {
		if x.Current {
			c.Round = x.Key
			end, err := time.Parse("2006-01-02", x.WindowEnd)
			if err != nil {
				t.Fatal(err)
			}
			c.NewDate = end.AddDate(0, 0, 3).Format("2006-01-02")
		}
	}
	if c.Round == "" {
		t.Fatal("no current round")
	}
	var created struct{ ID int64 }
	post := func(path string, body any, what string) int64 {
		r := h.do("POST", path, admin, body)
		r.expect(t, http.StatusCreated, what)
		created.ID = 0
		r.json(t, &created)
		return created.ID
	}
	c.Notice = post("/api/v1/notices", map[string]any{"round_key": c.Round, "kind": "reminder", "title": "访问测试通知", "body": "正文"}, "notice")
	when := time.Now().Add(time.Hour).Format(time.RFC3339)
	plan := func(org, host, lead int64) int64 {
		// The demo history may already have planned this unit's meeting for
		// the current round; the fixture then uses that one, as recorded by
		// host, so that the table's recorder rules hold.
		if id := h.idOrZero(`SELECT id FROM meetings WHERE org_id = ? AND round_key = ?`, org, c.Round); id != 0 {
			h.exec(`UPDATE meetings SET host_id = ?, recorder_id = ?, lead_reader_id = ?, finalized_at = NULL, held_at = NULL WHERE id = ?`, host, host, lead, id)
			return id
		}
		return post("/api/v1/meetings", map[string]any{"org_id": org, "round_key": c.Round, "planned_at": when, "place": "会议室",
			"host_id": host, "recorder_id": host, "lead_reader_id": lead,
			"materials": []map[string]string{{"title": "讲话", "category": "speeches"}, {"title": "党章", "category": "party_rules"},
				{"title": "文件", "category": "higher_documents"}, {"title": "政策", "category": "unit_policy"}}}, "plan meeting")
	}
	c.MeetingA = plan(f.BranchA, f.Shuji, f.Dang)
	c.MeetingB = plan(f.BranchB, f.MemberB, f.MemberB2)
	c.MaterialA = h.id(`SELECT MIN(id) FROM meeting_materials WHERE meeting_id = ?`, c.MeetingA)
	problem := func(owner int64) int64 {
		return post(fmt.Sprintf("/api/v1/meetings/%d/problems", c.MeetingA), map[string]any{"problem": "访问测试问题", "category": "business",
			"owner_id": owner, "measure": "措施", "deadline": time.Now().AddDate(0, 1, 0).Format("2006-01-02")}, "problem")
	}
	c.RectA, c.RectA2, c.RectFile = problem(f.Dang), problem(f.Dang), problem(f.Dang)
	h.exec(`INSERT INTO files (name, mime, size, data, created_at) VALUES ('证明.pdf', 'application/pdf', 4, ?, ?)`, []byte("%PDF"), time.Now().UTC())
	h.exec(`UPDATE rectifications SET evidence_file_id = (SELECT MAX(id) FROM files) WHERE id = ?`, c.RectFile)
	postpone := func(org int64) int64 {
		r := h.do("POST", "/api/v1/postponements", admin, map[string]any{"org_id": org, "round_key": c.Round, "reason": "集中培训", "new_date": c.NewDate})
		r.expect(t, http.StatusCreated, "postpone")
		return h.id(`SELECT id FROM postponements WHERE org_id = ? AND round_key = ?`, org, c.Round)
	}
	c.PostPage, c.PostAPI = postpone(f.BranchA), postpone(f.BranchB)
	c.Training = post("/api/v1/training-orders", map[string]any{"org_id": f.BranchA, "topic": "访问测试培训", "people": 3}, "training")
	return c
}

func cycleAccess(h *harness, tokens map[string]string, f accessFixtures) map[string][]accessCase {
	c := makeCycleFixtures(h, tokens["admin"], f)
	p := fmt.Sprintf
	const (
		users    = "+"
		readers  = "admin zhuanban shuji shuji2"
		admin    = "admin"
		seeA     = "admin zhuanban shuji dangyuan"        // BranchA's meeting and rectifications
		noticeTo = "admin zhuanban shuji dangyuan shuji2" // a district-wide notice: all but the auditor
		ledger   = "admin zhuanban shuji dangyuan shuji2" // everyone with a scope or a member record
		leadA    = "admin shuji"                          // who leads BranchA
		inA      = "shuji dangyuan"                       // members of BranchA
		writeA   = "admin shuji dangyuan"                 // own entries, or the recorder's
	)
	form := func(kv ...string) url.Values {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Add(kv[i], kv[i+1])
		}
		return v
	}
	id := func(n int64) string { return fmt.Sprint(n) }
	deadline := time.Now().AddDate(0, 1, 0).Format("2006-01-02")
	planForm := form("org_id", id(f.BranchA), "round_key", c.Round, "planned_at", time.Now().Add(time.Hour).Format("2006-01-02T15:04"),
		"place", "会议室", "host_id", id(f.Shuji), "recorder_id", id(f.Shuji), "lead_reader_id", id(f.Dang),
		"material_title", "讲话", "material_category", "speeches", "material_title", "党章", "material_category", "party_rules",
		"material_title", "文件", "material_category", "higher_documents", "material_title", "政策", "material_category", "unit_policy")
	planJSON := p(`{"org_id":%d,"round_key":%q,"planned_at":%q,"place":"会议室","host_id":%d,"recorder_id":%d,"lead_reader_id":%d,"materials":[{"title":"讲话","category":"speeches"},{"title":"党章","category":"party_rules"},{"title":"文件","category":"higher_documents"},{"title":"政策","category":"unit_policy"}]}`,
		f.BranchA, c.Round, time.Now().Add(time.Hour).Format(time.RFC3339), f.Shuji, f.Shuji, f.Dang)
	problemJSON := p(`{"problem":"问题","category":"business","owner_id":%d,"measure":"措施","deadline":%q}`, f.Dang, deadline)
	mA := func(suffix string) string { return p("/meetings/%d%s", c.MeetingA, suffix) }
	apiA := func(suffix string) string { return p("/api/v1/meetings/%d%s", c.MeetingA, suffix) }
	return map[string][]accessCase{
		"GET /rounds":             {{path: "/rounds", allow: readers}},
		"POST /rounds/calendar":   {{path: "/rounds/calendar", body: form("start", "2025-10-01", "tolerance", "3"), allow: admin}},
		"GET /rounds/{key}":       {{path: "/rounds/" + c.Round, allow: readers}},
		"GET /notices":            {{path: "/notices", allow: users}},
		"POST /notices":           {{path: "/notices", body: form("round_key", c.Round, "kind", "supplement", "title", "补充{role}", "body", "正文"), allow: admin}},
		"GET /notices/{id}":       {{path: p("/notices/%d", c.Notice), allow: noticeTo}},
		"POST /notices/{id}/read": {{path: p("/notices/%d/read", c.Notice), body: form(), allow: noticeTo}},
		"GET /postponements":      {{path: "/postponements", allow: readers}},
		"POST /postponements": {{path: "/postponements", body: form("org_id", id(f.BranchA), "round_key", c.Round, "new_date", c.NewDate, "reason", "原因"),
			allow: leadA}},
		"POST /postponements/{id}": {{path: p("/postponements/%d", c.PostPage), body: form("decision", "approve"), allow: admin}},
		"GET /meetings/new":        {{path: "/meetings/new", allow: "admin shuji shuji2"}},
		"POST /meetings":           {{path: "/meetings", body: planForm, allow: leadA}},
		"GET /meetings/{id}": {
			{path: mA(""), allow: seeA},
			{path: p("/meetings/%d", c.MeetingB), allow: "admin zhuanban shuji2"},
		},
		"GET /meetings/{id}/minutes":    {{path: mA("/minutes"), allow: seeA}},
		"GET /meetings/{id}/qr":         {{path: mA("/qr"), allow: leadA}},
		"GET /meetings/{id}/signin":     {{path: mA("/signin?c=x"), allow: seeA}},
		"POST /meetings/{id}/signin":    {{path: mA("/signin"), body: form("member_id", id(f.Dang)), allow: leadA}},
		"POST /meetings/{id}/selfstudy": {{path: mA("/selfstudy"), body: form("material_id", id(c.MaterialA)), allow: inA}},
		"POST /meetings/{id}/speeches":  {{path: mA("/speeches"), body: form("kinds", "understanding", "content", "发言{role}"), allow: writeA}},
		"POST /meetings/{id}/reviews":   {{path: mA("/reviews"), body: form("kind", "self", "rating", "good", "comment", "自评"), allow: writeA}},
		"POST /meetings/{id}/problems": {{path: mA("/problems"), body: form("problem", "问题", "category", "business", "owner_id", id(f.Dang),
			"measure", "措施", "deadline", deadline), allow: leadA}},
		"POST /meetings/{id}/finalize":       {{path: mA("/finalize"), body: form("summary", "小结"), allow: leadA}},
		"GET /rectifications":                {{path: "/rectifications", allow: ledger}},
		"GET /rectifications/export.xlsx":    {{path: "/rectifications/export.xlsx", allow: readers}},
		"GET /rectifications/{id}":           {{path: p("/rectifications/%d", c.RectA), allow: seeA}},
		"POST /rectifications/{id}":          {{path: p("/rectifications/%d", c.RectA), body: form("status", "in_progress"), allow: writeA}},
		"GET /rectifications/{id}/evidence":  {{path: p("/rectifications/%d/evidence", c.RectFile), allow: seeA}},
		"GET /training":                      {{path: "/training", allow: readers}},
		"POST /training":                     {{path: "/training", body: form("org_id", id(f.BranchA), "topic", "培训{role}", "people", "3"), allow: leadA}},
		"POST /training/{id}":                {{path: p("/training/%d", c.Training), body: form("status", "accepted"), allow: admin}},
		"GET /points":                        {{path: "/points", allow: users}},
		"POST /points":                       {{path: "/points", body: form("enabled", "0"), allow: admin}},
		"GET /api/v1/rounds":                 {{path: "/api/v1/rounds", allow: readers}},
		"GET /api/v1/rounds/{id}/compliance": {{path: "/api/v1/rounds/" + c.Round + "/compliance", allow: readers}},
		"GET /api/v1/notices":                {{path: "/api/v1/notices", allow: users}},
		"POST /api/v1/notices":               {{path: "/api/v1/notices", body: p(`{"round_key":%q,"kind":"reminder","title":"接口{role}","body":"正文"}`, c.Round), allow: admin}},
		"POST /api/v1/notices/{id}/read":     {{path: p("/api/v1/notices/%d/read", c.Notice), allow: noticeTo}},
		"GET /api/v1/notices/{id}/receipts":  {{path: p("/api/v1/notices/%d/receipts", c.Notice), allow: "admin zhuanban"}},
		"POST /api/v1/postponements": {{path: "/api/v1/postponements", body: p(`{"org_id":%d,"round_key":%q,"reason":"原因","new_date":%q}`, f.BranchA, c.Round, c.NewDate),
			allow: leadA}},
		"POST /api/v1/postponements/{id}/decision": {{path: p("/api/v1/postponements/%d/decision", c.PostAPI), body: `{"approve":false}`, allow: admin}},
		"POST /api/v1/meetings":                    {{path: "/api/v1/meetings", body: planJSON, allow: leadA}},
		"GET /api/v1/meetings/{id}":                {{path: apiA(""), allow: seeA}},
		"POST /api/v1/meetings/{id}/selfstudy":     {{path: apiA("/selfstudy"), body: p(`{"material_id":%d}`, c.MaterialA), allow: inA}},
		"POST /api/v1/meetings/{id}/signin":        {{path: apiA("/signin"), body: p(`{"member_id":%d}`, f.Dang), allow: leadA}},
		"POST /api/v1/meetings/{id}/speeches":      {{path: apiA("/speeches"), body: `{"kinds":["reflection"],"content":"接口发言"}`, allow: writeA}},
		"POST /api/v1/meetings/{id}/reviews":       {{path: apiA("/reviews"), body: `{"kind":"self","rating":"good","comment":"接口自评"}`, allow: writeA}},
		"POST /api/v1/meetings/{id}/problems":      {{path: apiA("/problems"), body: problemJSON, allow: leadA}},
		"POST /api/v1/meetings/{id}/finalize":      {{path: apiA("/finalize"), body: `{"summary":"小结"}`, allow: leadA}},
		"GET /api/v1/rectifications":               {{path: "/api/v1/rectifications", allow: ledger}},
		"PATCH /api/v1/rectifications/{id}":        {{path: p("/api/v1/rectifications/%d", c.RectA2), body: `{"status":"in_progress"}`, allow: writeA}},
		"GET /api/v1/training-orders":              {{path: "/api/v1/training-orders", allow: readers}},
		"POST /api/v1/training-orders":             {{path: "/api/v1/training-orders", body: p(`{"org_id":%d,"topic":"接口培训","people":2}`, f.BranchA), allow: leadA}},
		"GET /api/v1/points":                       {{path: "/api/v1/points", allow: users}},
	}
}

// exec runs a statement on the app's database (fixtures only).
func (h *harness) exec(q string, args ...any) {
	h.t.Helper()
	if _, err := h.app.DB.Exec(context.Background(), q, args...); err != nil {
		h.t.Fatalf("exec %s: %v", q, err)
	}
}

// idOrZero is h.id for a row that may not exist.
func (h *harness) idOrZero(q string, args ...any) int64 {
	h.t.Helper()
	var id int64
	err := h.app.DB.QueryRow(context.Background(), q, args...).Scan(&id)
	if err != nil && !db.IsNoRows(err) {
		h.t.Fatalf("%s: %v", q, err)
	}
	return id
}
