package web_test

// HTTP scenario tests for the 学讲评 cycle's JSON API (issue 3): one round
// run through the documented routes with the shapes they answer, Chinese
// error bodies for bad input, and scope (another unit's meeting is 404).

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"xuejiangping/internal/meeting"
	"xuejiangping/internal/settings"
)

type roundRowJSON struct {
	ID          string `json:"id"`
	Label       string `json:"label"`
	Due         string `json:"due"`
	WindowStart string `json:"window_start"`
	WindowEnd   string `json:"window_end"`
	Current     bool   `json:"current"`
}

type meetingJSON struct {
	ID        int64  `json:"id"`
	OrgID     int64  `json:"org_id"`
	OrgName   string `json:"org_name"`
	RoundKey  string `json:"round_key"`
	PlannedAt string `json:"planned_at"`
	HeldAt    string `json:"held_at"`
	Final     string `json:"finalized_at"`
	Members   []struct {
		ID     int64  `json:"id"`
		Name   string `json:"name"`
		Status string `json:"status"`
		Method string `json:"method"`
	} `json:"members"`
	Materials []struct {
		ID       int64   `json:"id"`
		Category string  `json:"category"`
		ReadBy   []int64 `json:"read_by"`
	} `json:"materials"`
	Speeches []struct {
		MemberID int64    `json:"member_id"`
		Kinds    []string `json:"kinds"`
	} `json:"speeches"`
	Reviews []struct {
		Kind       string `json:"kind"`
		ReviewerID int64  `json:"reviewer_id"`
		RevieweeID int64  `json:"reviewee_id"`
	} `json:"reviews"`
	Problems []struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
	} `json:"problems"`
	Rotation []struct {
		Reviewer int64
		Reviewee int64
	} `json:"rotation"`
	Required       []string `json:"required_categories"`
	Missing        []string `json:"missing_categories"`
	Present        int      `json:"present"`
	AttendanceRate float64  `json:"attendance_rate"`
}

// currentRound asks the API for the round in progress.
func (h *harness) currentRound(tok string) roundRowJSON {
	h.t.Helper()
	r := h.do("GET", "/api/v1/rounds", tok, nil)
	r.expect(h.t, http.StatusOK, "GET rounds")
	var out struct{ Rounds []roundRowJSON }
	r.json(h.t, &out)
	for _, x := range out.Rounds {
		if x.Current {
			return x
		}
	}
	h.t.Fatalf("no current round in %s", r)
	return roundRowJSON{}
}

// clearRound moves aside a unit's meeting for a round if the demo planned one,
// so that the test plans it itself.
func (h *harness) clearRound(orgID int64, key string) {
	h.t.Helper()
	ctx := context.Background()
	var id int64
	if err := h.app.DB.QueryRow(ctx, `SELECT id FROM meetings WHERE org_id = ? AND round_key = ?`, orgID, key).Scan(&id); err != nil {
		return
	}
	// Moved aside rather than deleted: sit-ins, exemplars and reports may
	// refer to it.
	if _, err := h.app.DB.Exec(ctx, `UPDATE meetings SET round_key = ? WHERE id = ?`, "1999-01-1", id); err != nil {
		h.t.Fatalf("move the demo's meeting aside: %v", err)
	}
}

// signinCode is the code the meeting's QR shows at t, made with the app's key.
func (h *harness) signinCode(id int64, t time.Time) string {
	h.t.Helper()
	ctx := context.Background()
	key, err := settings.Get(ctx, h.app.DB, "signin.key", "")
	if err != nil || key == "" {
		h.t.Fatalf("signin key: %v", err)
	}
	var secret string
	if err := h.app.DB.QueryRow(ctx, `SELECT secret FROM meetings WHERE id = ?`, id).Scan(&secret); err != nil {
		h.t.Fatal(err)
	}
	return meeting.Code([]byte(key+secret), id, t)
}

func (h *harness) getMeeting(tok string, id int64) meetingJSON {
	h.t.Helper()
	r := h.do("GET", fmt.Sprintf("/api/v1/meetings/%d", id), tok, nil)
	r.expect(h.t, http.StatusOK, "GET meeting")
	var m meetingJSON
	r.json(h.t, &m)
	return m
}

func TestCycleAPIRound(t *testing.T) {
	h := newHarness(t)
	admin, shuji, dang := h.login("admin", demoPW), h.login("shuji", demoPW), h.login("dangyuan", demoPW)
	cur := h.currentRound(admin)
	if cur.Label == "" || cur.WindowStart > cur.Due || cur.Due > cur.WindowEnd {
		t.Fatalf("current round: %+v", cur)
	}
	h.clearRound(h.fx.BranchA, cur.ID)
	h.do("GET", "/api/v1/rounds?year=2026", shuji, nil).expect(t, http.StatusOK, "rounds as secretary")
	h.do("GET", "/api/v1/rounds", dang, nil).expect(t, http.StatusForbidden, "rounds as member")

	// Notice.
	notice := map[string]any{"round_key": cur.ID, "kind": "reminder", "title": "本轮工作提醒", "body": "请按时开展学讲评活动。",
		"categories": []string{"speeches", "party_rules"}, "materials": []string{"学习材料一"}}
	h.do("POST", "/api/v1/notices", dang, notice).expect(t, http.StatusForbidden, "member publishes")
	bad := map[string]any{"round_key": cur.ID, "kind": "memo", "title": "x", "body": "y"}
	r := h.do("POST", "/api/v1/notices", admin, bad)
	r.expect(t, http.StatusBadRequest, "bad kind")
	r.apiErr(t)
	r = h.do("POST", "/api/v1/notices", admin, notice)
	r.expect(t, http.StatusCreated, "publish")
	var created struct{ ID int64 }
	r.json(t, &created)
	nid := created.ID
	r = h.do("GET", "/api/v1/notices?round="+cur.ID, shuji, nil)
	r.expect(t, http.StatusOK, "notices")
	if !strings.Contains(string(r.Body), `"title":"本轮工作提醒"`) || !strings.Contains(string(r.Body), `"read":false`) {
		t.Errorf("notices: %s", r)
	}
	h.do("POST", fmt.Sprintf("/api/v1/notices/%d/read", nid), shuji, nil).expect(t, http.StatusNoContent, "read")
	r = h.do("GET", fmt.Sprintf("/api/v1/notices/%d/receipts", nid), admin, nil)
	r.expect(t, http.StatusOK, "receipts")
	var rec struct {
		Receipts []struct {
			OrgID  int64  `json:"org_id"`
			Read   bool   `json:"read"`
			ReadBy string `json:"read_by"`
		}
		Unread []struct {
			OrgID int64 `json:"org_id"`
		}
	}
	r.json(t, &rec)
	readA := false
	for _, x := range rec.Receipts {
		if x.OrgID == h.fx.BranchA {
			readA = x.Read && x.ReadBy != ""
		}
	}
	if !readA || len(rec.Unread) != len(rec.Receipts)-1 {
		t.Errorf("receipts: A read=%v, %d unread of %d", readA, len(rec.Unread), len(rec.Receipts))
	}
	h.do("GET", fmt.Sprintf("/api/v1/notices/%d/receipts", nid), shuji, nil).expect(t, http.StatusForbidden, "receipts as secretary")

	// Plan.
	var members []int64
	rows, err := h.app.DB.Query(context.Background(), `SELECT id FROM members WHERE org_id = ? ORDER BY id`, h.fx.BranchA)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		_ = rows.Scan(&id)
		members = append(members, id)
	}
	rows.Close()
	plan := map[string]any{"org_id": h.fx.BranchA, "round_key": cur.ID, "planned_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339),
		"place": "三楼会议室", "host_id": h.fx.Shuji, "recorder_id": h.fx.Shuji, "lead_reader_id": h.fx.Dang,
		"materials": []map[string]string{{"title": "总书记重要讲话", "category": "speeches"}}}
	r = h.do("POST", "/api/v1/meetings", shuji, plan)
	r.expect(t, http.StatusUnprocessableEntity, "plan missing a category")
	if e := r.apiErr(t); !strings.Contains(e.Error.Message, "党章党规详细解读") {
		t.Errorf("missing category not named: %s", e.Error.Message)
	}
	h.do("POST", "/api/v1/meetings", shuji, `{"org_id":1,"surprise":true}`).apiErr(t)
	// All four, whatever the demo's own notices for the round require.
	plan["materials"] = []map[string]string{{"title": "总书记重要讲话", "category": "speeches"}, {"title": "党章", "category": "党章党规详细解读"},
		{"title": "区委文件", "category": "higher_documents"}, {"title": "本单位业务政策", "category": "unit_policy"}}
	h.do("POST", "/api/v1/meetings", dang, plan).expect(t, http.StatusForbidden, "member plans")
	planB := map[string]any{}
	for k, v := range plan {
		planB[k] = v
	}
	planB["org_id"], planB["host_id"], planB["recorder_id"], planB["lead_reader_id"] = h.fx.BranchB, h.fx.MemberB, h.fx.MemberB, h.fx.MemberB
	h.do("POST", "/api/v1/meetings", shuji, planB).expect(t, http.StatusNotFound, "plan for another branch")
	r = h.do("POST", "/api/v1/meetings", shuji, plan)
	r.expect(t, http.StatusCreated, "plan")
	r.json(t, &created)
	mid := created.ID
	h.do("POST", "/api/v1/meetings", shuji, plan).expect(t, http.StatusConflict, "plan twice")

	m := h.getMeeting(dang, mid)
	if m.OrgID != h.fx.BranchA || m.RoundKey != cur.ID || len(m.Materials) != 4 || len(m.Required) < 2 || len(m.Missing) != 0 || len(m.Members) != len(members) {
		t.Fatalf("meeting: %+v", m)
	}

	// 学: self-study.
	h.do("POST", fmt.Sprintf("/api/v1/meetings/%d/selfstudy", mid), dang, map[string]int64{"material_id": m.Materials[0].ID}).expect(t, http.StatusNoContent, "self-study")
	h.do("POST", fmt.Sprintf("/api/v1/meetings/%d/selfstudy", mid), dang, map[string]int64{"material_id": 0}).expect(t, http.StatusNotFound, "self-study of nothing")

	// Sign-in: QR code, an old code, by hand.
	old := h.do("POST", fmt.Sprintf("/api/v1/meetings/%d/signin", mid), dang, map[string]string{"code": h.signinCode(mid, time.Now().Add(-65*time.Second))})
	old.expect(t, http.StatusUnprocessableEntity, "old code")
	if e := old.apiErr(t); !strings.Contains(e.Error.Message, "已过期") {
		t.Errorf("old code message: %s", e.Error.Message)
	}
	h.do("POST", fmt.Sprintf("/api/v1/meetings/%d/signin", mid), dang, map[string]string{"code": h.signinCode(mid, time.Now())}).expect(t, http.StatusNoContent, "QR sign-in")
	h.do("POST", fmt.Sprintf("/api/v1/meetings/%d/signin", mid), dang, map[string]int64{"member_id": members[2]}).expect(t, http.StatusForbidden, "member signs in another")
	for _, id := range []int64{h.fx.Shuji, members[2], members[3]} {
		if id == h.fx.Dang {
			continue
		}
		h.do("POST", fmt.Sprintf("/api/v1/meetings/%d/signin", mid), shuji, map[string]any{"member_id": id}).expect(t, http.StatusNoContent, "sign in by hand")
	}

	// 讲 and 评.
	h.do("POST", fmt.Sprintf("/api/v1/meetings/%d/speeches", mid), dang, map[string]any{"kinds": []string{"唱歌"}, "content": "x"}).apiErr(t)
	h.do("POST", fmt.Sprintf("/api/v1/meetings/%d/speeches", mid), dang, map[string]any{"kinds": []string{"understanding"}, "problem": "窗口咨询多", "content": "我的发言。"}).
		expect(t, http.StatusNoContent, "own speech")
	h.do("POST", fmt.Sprintf("/api/v1/meetings/%d/speeches", mid), shuji, map[string]any{"member_id": members[2], "kinds": []string{"experience"}, "content": "代录发言。", "is_case": true}).
		expect(t, http.StatusNoContent, "speech entered by the recorder")
	m = h.getMeeting(shuji, mid)
	var peer int64
	for _, a := range m.Rotation {
		if a.Reviewer == h.fx.Dang {
			peer = a.Reviewee
			break
		}
	}
	if peer == 0 || m.Present < 3 {
		t.Fatalf("rotation %+v, present %d", m.Rotation, m.Present)
	}
	h.do("POST", fmt.Sprintf("/api/v1/meetings/%d/reviews", mid), dang, map[string]any{"kind": "self", "rating": "良好", "comment": "联系实际不够。"}).expect(t, http.StatusNoContent, "self review")
	h.do("POST", fmt.Sprintf("/api/v1/meetings/%d/reviews", mid), dang, map[string]any{"kind": "peer", "reviewee_id": peer, "rating": "优秀", "comment": "方法具体。"}).expect(t, http.StatusNoContent, "peer review")
	h.do("POST", fmt.Sprintf("/api/v1/meetings/%d/reviews", mid), dang, map[string]any{"kind": "overall", "reviewee_id": peer, "rating": "优秀", "comment": "好"}).expect(t, http.StatusForbidden, "member overall review")
	h.do("POST", fmt.Sprintf("/api/v1/meetings/%d/reviews", mid), shuji, map[string]any{"kind": "overall", "reviewee_id": h.fx.Dang, "rating": "良好", "comment": "目标明确。"}).expect(t, http.StatusNoContent, "overall review")
	h.do("POST", fmt.Sprintf("/api/v1/meetings/%d/reviews", mid), dang, map[string]any{"kind": "self", "rating": "满分", "comment": "x"}).apiErr(t)

	// Problem → rectification.
	deadline := time.Now().AddDate(0, 0, 20).Format("2006-01-02")
	r = h.do("POST", fmt.Sprintf("/api/v1/meetings/%d/problems", mid), shuji, map[string]any{"problem": "政策解读不够通俗", "category": "capability", "owner_id": h.fx.Dang, "measure": "编写问答", "deadline": deadline})
	r.expect(t, http.StatusCreated, "problem")
	r.json(t, &created)
	rid := created.ID
	h.do("POST", fmt.Sprintf("/api/v1/meetings/%d/problems", mid), shuji, map[string]any{"problem": "x", "category": "capability", "owner_id": h.fx.Dang, "measure": "y", "deadline": "明天"}).
		apiErr(t)
	r = h.do("GET", "/api/v1/rectifications?mine=1", dang, nil)
	r.expect(t, http.StatusOK, "ledger")
	var ledger struct {
		Rectifications []struct {
			ID          int64  `json:"id"`
			Status      string `json:"status"`
			StatusLabel string `json:"status_label"`
			Overdue     bool   `json:"overdue"`
		}
	}
	r.json(t, &ledger)
	if len(ledger.Rectifications) == 0 || ledger.Rectifications[0].ID != rid || ledger.Rectifications[0].StatusLabel != "待整改" {
		t.Errorf("ledger: %s", r)
	}
	h.do("PATCH", fmt.Sprintf("/api/v1/rectifications/%d", rid), dang, map[string]string{"status": "完成"}).apiErr(t)
	h.do("PATCH", fmt.Sprintf("/api/v1/rectifications/%d", rid), dang, map[string]string{"status": "in_progress"}).expect(t, http.StatusOK, "start")
	h.do("PATCH", fmt.Sprintf("/api/v1/rectifications/%d", rid), dang, map[string]string{"status": "done", "evidence": "问答手册已印发"}).expect(t, http.StatusOK, "done")
	h.do("PATCH", fmt.Sprintf("/api/v1/rectifications/%d", rid), dang, map[string]string{"status": "verified"}).expect(t, http.StatusForbidden, "owner verifies")
	r = h.do("PATCH", fmt.Sprintf("/api/v1/rectifications/%d", rid), shuji, map[string]string{"status": "verified"})
	r.expect(t, http.StatusOK, "verify")
	if !strings.Contains(string(r.Body), `"status":"verified"`) || !strings.Contains(string(r.Body), `"verified_at"`) {
		t.Errorf("verified item: %s", r)
	}

	// Finalise: not by a member; then locked.
	h.do("POST", fmt.Sprintf("/api/v1/meetings/%d/finalize", mid), dang, map[string]string{"summary": "x"}).expect(t, http.StatusForbidden, "member finalises")
	h.do("POST", fmt.Sprintf("/api/v1/meetings/%d/finalize", mid), shuji, map[string]string{"summary": "本次活动紧扣主题。"}).expect(t, http.StatusNoContent, "finalise")
	r = h.do("POST", fmt.Sprintf("/api/v1/meetings/%d/speeches", mid), dang, map[string]any{"kinds": []string{"understanding"}, "content": "改"})
	r.expect(t, http.StatusConflict, "change after finalising")
	r.apiErr(t)
	m = h.getMeeting(dang, mid)
	if m.Final == "" || m.HeldAt == "" {
		t.Errorf("finalised meeting: held %q final %q", m.HeldAt, m.Final)
	}

	// The unit's status follows.
	r = h.do("GET", "/api/v1/rounds/"+cur.ID+"/compliance", admin, nil)
	r.expect(t, http.StatusOK, "compliance")
	var comp struct {
		Round   string         `json:"round"`
		Summary map[string]int `json:"summary"`
		Units   []struct {
			ID          int64  `json:"id"`
			Name        string `json:"name"`
			Status      string `json:"status"`
			StatusLabel string `json:"status_label"`
			MeetingID   int64  `json:"meeting_id"`
		}
	}
	r.json(t, &comp)
	var a *struct {
		ID          int64  `json:"id"`
		Name        string `json:"name"`
		Status      string `json:"status"`
		StatusLabel string `json:"status_label"`
		MeetingID   int64  `json:"meeting_id"`
	}
	total := 0
	for i := range comp.Units {
		if comp.Units[i].ID == h.fx.BranchA {
			a = &comp.Units[i]
		}
	}
	for _, n := range comp.Summary {
		total += n
	}
	if comp.Round != cur.ID || a == nil || a.Status != "on_time" || a.StatusLabel != "按时开展" || a.MeetingID != mid || total != len(comp.Units) || comp.Summary["on_time"] < 1 {
		t.Errorf("compliance: round %s, A %+v, summary %v over %d units", comp.Round, a, comp.Summary, len(comp.Units))
	}
	r = h.do("GET", "/api/v1/rounds/"+cur.ID+"/compliance", shuji, nil)
	r.expect(t, http.StatusOK, "compliance as secretary")
	r.json(t, &comp)
	if len(comp.Units) != 1 || comp.Units[0].ID != h.fx.BranchA {
		t.Errorf("secretary's compliance lists %d units", len(comp.Units))
	}
	h.do("GET", "/api/v1/rounds/2026-13-1/compliance", admin, nil).apiErr(t)
	h.do("GET", fmt.Sprintf("/api/v1/rounds/%s/compliance?org=%d", cur.ID, h.fx.BranchB), shuji, nil).expect(t, http.StatusNotFound, "another branch's compliance")

	// Points: off by default, nothing but the switch.
	r = h.do("GET", "/api/v1/points", dang, nil)
	r.expect(t, http.StatusOK, "points")
	if !strings.Contains(string(r.Body), `"enabled":false`) || strings.Contains(string(r.Body), "unit_outcomes") {
		t.Errorf("points while off: %s", r)
	}
}

// TestCycleAPIScope: another unit's meeting is invisible to a member and
// to a secretary of a different branch.
func TestCycleAPIScope(t *testing.T) {
	h := newHarness(t)
	admin, shuji, dang := h.login("admin", demoPW), h.login("shuji", demoPW), h.login("dangyuan", demoPW)
	cur := h.currentRound(admin)
	h.clearRound(h.fx.BranchB, cur.ID)
	plan := map[string]any{"org_id": h.fx.BranchB, "round_key": cur.ID, "planned_at": time.Now().Add(2 * time.Hour).UTC().Format(time.RFC3339),
		"place": "会议室", "host_id": h.fx.MemberB, "recorder_id": h.fx.MemberB, "lead_reader_id": h.fx.MemberB2,
		"materials": []map[string]string{{"title": "讲话", "category": "speeches"}, {"title": "党章", "category": "party_rules"},
			{"title": "文件", "category": "higher_documents"}, {"title": "政策", "category": "unit_policy"}}}
	r := h.do("POST", "/api/v1/meetings", admin, plan)
	r.expect(t, http.StatusCreated, "admin plans for B")
	var created struct{ ID int64 }
	r.json(t, &created)
	base := fmt.Sprintf("/api/v1/meetings/%d", created.ID)
	for _, c := range []struct {
		tok, method, path string
		body              any
		want              int
	}{
		{dang, "GET", base, nil, http.StatusNotFound},
		{dang, "POST", base + "/selfstudy", map[string]int64{"material_id": 1}, http.StatusNotFound},
		{dang, "POST", base + "/signin", map[string]string{"code": "AAAAAAAAAAAA"}, http.StatusNotFound},
		{dang, "POST", base + "/speeches", map[string]any{"kinds": []string{"understanding"}, "content": "x"}, http.StatusNotFound},
		{dang, "POST", base + "/reviews", map[string]any{"kind": "self", "rating": "良好", "comment": "x"}, http.StatusNotFound},
		{shuji, "GET", base, nil, http.StatusNotFound},
		{shuji, "POST", base + "/signin", map[string]int64{"member_id": h.fx.MemberB}, http.StatusNotFound},
		{shuji, "POST", base + "/problems", map[string]any{"problem": "x", "category": "other", "owner_id": h.fx.MemberB, "measure": "y", "deadline": "2099-01-01"}, http.StatusNotFound},
		{shuji, "POST", base + "/finalize", map[string]string{}, http.StatusNotFound},
		{dang, "POST", "/api/v1/meetings", plan, http.StatusForbidden},
		{dang, "GET", "/api/v1/rounds/" + cur.ID + "/compliance", nil, http.StatusForbidden},
		{dang, "POST", "/api/v1/notices", map[string]any{}, http.StatusForbidden},
		{admin, "GET", base, nil, http.StatusOK},
		{admin, "GET", "/api/v1/meetings/abc", nil, http.StatusNotFound},
	} {
		r := h.do(c.method, c.path, c.tok, c.body)
		if r.StatusCode != c.want {
			t.Errorf("%s %s: %d, want %d: %s", c.method, c.path, r.StatusCode, c.want, r)
			continue
		}
		if c.want >= 400 {
			r.apiErr(t)
		}
	}
}
