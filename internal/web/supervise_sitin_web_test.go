package web_test

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"xuejiangping/internal/db"
)

// TestSuperviseWeb walks the supervise pages and API once on SQLite: the
// task force signs up and scores a sit-in, finds a problem; the unit's
// secretary sees the feedback and the rectification, a secretary of
// another branch sees nothing; a case becomes an exemplar and reaches the
// public feed.
func TestSuperviseWeb(t *testing.T) {
	h := newHarness(t)
	tf := h.login("zhuanban", demoPW)
	shuji := h.login("shuji", demoPW)
	dang := h.login("dangyuan", demoPW)
	other := h.addSecretary(h.login("admin", demoPW), h.fx.MemberB, h.fx.BranchB, "shuji2", "Other@2026x")

	// A meeting of 区人社局机关党支部 under way, and a finalised one with a case.
	var live, past, caseID int64
	now := time.Now().UTC()
	err := h.app.DB.InTx(t.Context(), func(tx *db.Tx) error {
		var err error
		if live, err = tx.Insert(t.Context(), `INSERT INTO meetings (org_id, round_key, planned_at, topic, secret, created_at, updated_at) VALUES (?, 'test-1', ?, '学习会', 's', ?, ?)`,
			h.fx.BranchA, now.Add(-30*time.Minute), now, now); err != nil {
			return err
		}
		if past, err = tx.Insert(t.Context(), `INSERT INTO meetings (org_id, round_key, planned_at, topic, secret, held_at, finalized_at, created_at, updated_at) VALUES (?, 'test-0', ?, '上次学习会', 's', ?, ?, ?, ?)`,
			h.fx.BranchA, now.Add(-300*time.Hour), now.Add(-300*time.Hour), now.Add(-298*time.Hour), now, now); err != nil {
			return err
		}
		caseID, err = tx.Insert(t.Context(), `INSERT INTO speeches (meeting_id, member_id, kinds, content, is_case, created_at, updated_at) VALUES (?, ?, 'experience', '仲裁案例', TRUE, ?, ?)`,
			past, h.fx.Dang, now, now)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct {
		tok, path string
		want      int
	}{
		{tf, "/supervise", 200}, {tf, "/supervise/standups", 200}, {tf, "/supervise/weekly", 200}, {tf, "/supervise/observations", 200},
		{tf, "/supervise/calendar?days=3", 200}, {tf, "/sitins", 200}, {tf, fmt.Sprintf("/meetings/%d/sitins", live), 200},
		{shuji, "/supervise/standups", 403}, {shuji, "/supervise", 403}, {shuji, "/supervise/calendar", 200},
		{dang, fmt.Sprintf("/meetings/%d/sitins", live), 200}, {other, fmt.Sprintf("/meetings/%d/sitins", live), 404},
		{dang, "/exemplars", 200}, {"", "/exemplars/feed.atom", 200}, {"", "/exemplars", 303},
	} {
		if r := h.do("GET", c.path, c.tok, nil); r.StatusCode != c.want {
			t.Errorf("GET %s: %s, want %d", c.path, r, c.want)
		}
	}

	// Sign up and score through the API; a secretary may not.
	h.do("POST", "/api/v1/sitins", shuji, map[string]any{"meeting_id": live}).expect(t, http.StatusForbidden, "secretary signs up")
	h.do("POST", "/api/v1/sitins", tf, map[string]any{"meeting_id": live}).expect(t, http.StatusCreated, "sign up")
	r := h.do("POST", "/api/v1/sitins", tf, map[string]any{"meeting_id": live, "scores": map[string]int{"study": 4, "speak": 9, "review": 3, "followup": 2}})
	r.expect(t, http.StatusBadRequest, "score 9")
	if e := r.apiErr(t); e.Error.Code != "invalid_scores" {
		t.Errorf("score 9: %+v", e)
	}
	h.do("POST", fmt.Sprintf("/meetings/%d/sitins/record", live), tf, url.Values{"study": {"4"}, "speak": {"5"}, "review": {"3"}, "followup": {"2"}, "comments": {"领学扎实"}}).
		expect(t, http.StatusSeeOther, "record by form")
	var got struct {
		Sitins []struct {
			ID     int64
			Scores struct{ Study, Speak int }
		}
	}
	h.do("GET", fmt.Sprintf("/api/v1/sitins?meeting=%d", live), shuji, nil).json(t, &got)
	if len(got.Sitins) != 1 || got.Sitins[0].Scores.Speak != 5 {
		t.Fatalf("unit's view: %+v", got)
	}
	h.do("GET", fmt.Sprintf("/api/v1/sitins?meeting=%d", live), other, nil).expect(t, http.StatusNotFound, "other branch")
	h.do("POST", fmt.Sprintf("/api/v1/sitins/%d/problems", got.Sitins[0].ID), tf, map[string]any{"problem": "互评不具体", "category": "conduct",
		"owner_id": h.fx.Shuji, "measure": "每人指出一条具体问题", "deadline": time.Now().AddDate(0, 1, 0).Format("2006-01-02")}).expect(t, http.StatusCreated, "problem")
	if n := h.count(`SELECT COUNT(*) FROM rectifications WHERE source = 'sitin' AND org_id = ?`, h.fx.BranchA); n != 1 {
		t.Errorf("sit-in rectifications = %d, want 1", n)
	}
	if page := h.do("GET", "/rectifications", shuji, nil); !strings.Contains(string(page.Body), "互评不具体") {
		t.Errorf("the secretary's ledger lacks the problem")
	}

	// An exemplar: the task force only; the feed is public and well-formed.
	ex := map[string]any{"kind": "case", "speech_id": caseID, "title": "以案说法 <仲裁> & 调解", "citation": "推荐", "publish": true}
	h.do("POST", "/api/v1/exemplars", shuji, ex).expect(t, http.StatusForbidden, "secretary marks")
	h.do("POST", "/api/v1/exemplars", tf, ex).expect(t, http.StatusCreated, "mark")
	feed := h.do("GET", "/api/v1/exemplars/feed.atom", "", nil)
	feed.expect(t, http.StatusOK, "feed")
	if ct := feed.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/atom+xml") {
		t.Errorf("feed content type %q", ct)
	}
	var doc struct {
		Entries []struct {
			Title string `xml:"title"`
		} `xml:"entry"`
	}
	// The newest entry comes first; the demo's own exemplars follow it.
	if err := xml.Unmarshal(feed.Body, &doc); err != nil || len(doc.Entries) == 0 || doc.Entries[0].Title != "以案说法 <仲裁> & 调解" {
		t.Errorf("feed: %v %+v", err, doc)
	}
	if page := h.do("GET", "/exemplars", dang, nil); !strings.Contains(string(page.Body), "以案说法 &lt;仲裁&gt;") {
		t.Errorf("column lacks the exemplar")
	}
}
