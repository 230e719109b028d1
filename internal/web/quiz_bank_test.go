package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"xuejiangping/internal/quiz"
)

// TestQuestionEditAndRemoveHTTP: the admin edits and removes bank
// questions through the API and the pages; bad input is refused in
// Chinese with nothing changed; other roles are refused; a question a
// member has practised is retired, not deleted, and never drawn again.
func TestQuestionEditAndRemoveHTTP(t *testing.T) {
	h := newHarness(t)
	admin, dang, shuji := h.login("admin", demoPW), h.login("dangyuan", demoPW), h.login("shuji", demoPW)
	add := func(stem string) int64 {
		r := h.do("POST", "/api/v1/questions", admin, map[string]any{"type": "判断", "stem": stem, "answer": "对", "difficulty": 1})
		r.expect(t, http.StatusCreated, "add "+stem)
		var v struct{ ID int64 }
		r.json(t, &v)
		return v.ID
	}
	stem := func(id int64) string {
		var s string
		if err := h.app.DB.QueryRow(context.Background(), `SELECT stem FROM questions WHERE id = ?`, id).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	id := add("测试：会议一般每月两次。")
	path := fmt.Sprintf("/api/v1/questions/%d", id)

	// Bad input and wrong roles change nothing.
	r := h.do("PUT", path, admin, `{"type":"单选","stem":"","answer":"Z","difficulty":9}`)
	if e := r.apiErr(t); r.StatusCode != http.StatusBadRequest || len(e.Error.Fields) < 3 || !strings.Contains(e.Error.Message, "题目有误") {
		t.Errorf("bad edit: %s", r)
	}
	for _, tok := range []string{dang, shuji} {
		if r := h.do("PUT", path, tok, `{"type":"判断","stem":"越权修改","answer":"错","difficulty":1}`); r.StatusCode != http.StatusForbidden && r.StatusCode != http.StatusNotFound {
			t.Errorf("a non-admin edit: %s", r)
		}
		if r := h.do("DELETE", path, tok, nil); r.StatusCode != http.StatusForbidden && r.StatusCode != http.StatusNotFound {
			t.Errorf("a non-admin removal: %s", r)
		}
	}
	if got := stem(id); got != "测试：会议一般每月两次。" {
		t.Fatalf("refused edits changed the stem to %q", got)
	}

	// A good edit, through the API and the page.
	r = h.do("PUT", path, admin, `{"type":"判断","stem":"测试：会议每月开展两次。","answer":"对","difficulty":2}`)
	r.expect(t, http.StatusOK, "edit")
	if got := stem(id); got != "测试：会议每月开展两次。" {
		t.Errorf("after API edit: %q", got)
	}
	page := fmt.Sprintf("/questions/%d", id)
	h.do("GET", page, admin, nil).expect(t, http.StatusOK, "edit page")
	bad := url.Values{quiz.ColType: {"判断"}, quiz.ColStem: {"测试：页面修改"}, quiz.ColAnswer: {"也许"}, quiz.ColDifficulty: {"1"}}
	r = h.do("POST", page, admin, bad)
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(string(r.Body), "题目有误") {
		t.Errorf("bad page edit: %d", r.StatusCode)
	}
	if got := stem(id); got != "测试：会议每月开展两次。" {
		t.Errorf("a refused page edit changed the stem to %q", got)
	}
	good := url.Values{quiz.ColType: {"判断"}, quiz.ColStem: {"测试：页面修改后的题"}, quiz.ColAnswer: {"错"}, quiz.ColDifficulty: {"1"}}
	h.do("POST", page, admin, good).expect(t, http.StatusSeeOther, "page edit")
	if got := stem(id); got != "测试：页面修改后的题" {
		t.Errorf("after page edit: %q", got)
	}

	// Nobody met it: removal deletes it.
	r = h.do("DELETE", path, admin, nil)
	r.expect(t, http.StatusOK, "remove")
	var res quiz.EditResult
	r.json(t, &res)
	if !res.Deleted || h.count(`SELECT COUNT(*) FROM questions WHERE id = ?`, id) != 0 {
		t.Errorf("remove an unmet question: %s", r)
	}

	// A question dangyuan practises is retired by the page's remove button.
	setID := h.id(`SELECT MIN(id) FROM question_sets`)
	r = h.do("POST", "/api/v1/practice", dang, map[string]any{"kind": "set", "set_id": setID})
	r.expect(t, http.StatusCreated, "practise the set")
	first := h.id(`SELECT question_id FROM question_set_items WHERE set_id = ? ORDER BY position LIMIT 1`, setID)
	before := h.count(`SELECT COUNT(*) FROM question_set_items WHERE set_id = ?`, setID)
	h.do("POST", fmt.Sprintf("/questions/%d/remove", first), admin, url.Values{}).expect(t, http.StatusSeeOther, "retire")
	if h.count(`SELECT COUNT(*) FROM questions WHERE id = ? AND retired_at IS NOT NULL`, first) != 1 {
		t.Error("the practised question was not retired")
	}
	if h.count(`SELECT COUNT(*) FROM question_set_items WHERE set_id = ?`, setID) != before-1 {
		t.Error("the retired question stayed in its set")
	}
	r = h.do("GET", "/api/v1/questions?retired=1", admin, nil)
	r.expect(t, http.StatusOK, "retired list")
	if !strings.Contains(string(r.Body), fmt.Sprintf(`"id":%d`, first)) {
		t.Errorf("retired list lacks %d", first)
	}
	h.do("GET", fmt.Sprintf("/questions/%d", first), admin, nil).expect(t, http.StatusOK, "retired question page")
	if r := h.do("DELETE", fmt.Sprintf("/api/v1/questions/%d", first), admin, nil); r.StatusCode != http.StatusConflict {
		t.Errorf("removing a retired question again: %s", r)
	}
}
