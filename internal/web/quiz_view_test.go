package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"xuejiangping/internal/quiz"
)

// Pages that show a saved true/false answer or an exam's verdict read
// *bool values; {{if}} on a set pointer is true even when it points to
// false, so these tests save false answers and fail an exam on purpose.
func TestQuizPagesShowFalse(t *testing.T) {
	for _, eng := range engines() {
		t.Run(string(eng), func(t *testing.T) { testQuizPagesShowFalse(t, eng) })
	}
}

func testQuizPagesShowFalse(t *testing.T, eng engine) {
	h := newHarnessOn(t, eng)
	admin, dang, shuji := h.login("admin", demoPW), h.login("dangyuan", demoPW), h.login("shuji", demoPW)
	t.Run("exam", func(t *testing.T) { testExamShowsFalse(h.with(t), admin, dang, shuji) })
	t.Run("practice", func(t *testing.T) { testPracticeShowsFalse(h.with(t), dang) })
}

// testExamShowsFalse: dangyuan saves 错 to every true/false question and
// sees 错 checked on reopening; then dangyuan answers every question wrong
// and shuji every question right, and their pages say 未及格 and 及格.
func testExamShowsFalse(h *harness, admin, dang, shuji string) {
	t := h.t
	r := h.do("POST", "/api/v1/exams", admin, quizExamJSON("判断题回显测试", h.fx.BranchA, map[string]int{"truefalse": 2}))
	r.expect(t, http.StatusCreated, "create exam")
	var exam struct{ ID int64 }
	r.json(t, &exam)
	page := fmt.Sprintf("/exams/%d", exam.ID)
	start := func(tok string) []quiz.Shown {
		r := h.do("POST", page+"/start", tok, url.Values{})
		r.expect(t, http.StatusSeeOther, "start exam")
		var v struct{ Attempt quiz.AttemptView }
		r = h.do("GET", "/api/v1"+page, tok, nil)
		r.expect(t, http.StatusOK, "read attempt")
		r.json(t, &v)
		if len(v.Attempt.Questions) != 2 {
			t.Fatalf("want 2 true/false questions, got %d: %s", len(v.Attempt.Questions), r)
		}
		return v.Attempt.Questions
	}
	qs := start(dang)

	body := h.do("GET", page, dang, nil)
	body.expect(t, http.StatusOK, "exam page")
	for _, q := range qs {
		if yes, no := truthRadios(t, body, q.ID); yes || no {
			t.Errorf("question %d unanswered: 对 checked %v, 错 checked %v, want neither", q.ID, yes, no)
		}
	}

	save := url.Values{"action": {"save"}}
	for _, q := range qs {
		save.Set(fmt.Sprintf("a%d", q.ID), "0")
	}
	h.do("POST", page+"/answers", dang, save).expect(t, http.StatusSeeOther, "save answers")
	body = h.do("GET", page, dang, nil)
	body.expect(t, http.StatusOK, "exam page after saving")
	for _, q := range qs {
		if yes, no := truthRadios(t, body, q.ID); yes || !no {
			t.Errorf("question %d saved as 错: 对 checked %v, 错 checked %v", q.ID, yes, no)
		}
	}

	// Submitting with everything wrong and everything right.
	submit := func(tok string, qs []quiz.Shown, right bool) {
		form := url.Values{"action": {"submit"}}
		for _, q := range qs {
			v := truthKey(h, q.ID) == right
			form.Set(fmt.Sprintf("a%d", q.ID), map[bool]string{true: "1", false: "0"}[v])
		}
		h.do("POST", page+"/answers", tok, form).expect(t, http.StatusSeeOther, "submit")
	}
	submit(dang, qs, false)
	submit(shuji, start(shuji), true)
	for _, c := range []struct {
		who, tok string
		want     string
		not      string
	}{
		{"dangyuan", dang, "（未及格）", "（及格）"},
		{"shuji", shuji, "（及格）", "（未及格）"},
	} {
		r := h.do("GET", page, c.tok, nil)
		r.expect(t, http.StatusOK, "exam page after submitting")
		score := scoreHeading.FindString(string(r.Body))
		if !strings.Contains(score, c.want) || strings.Contains(score, c.not) {
			t.Errorf("%s's score heading %q: want %s, not %s", c.who, score, c.want, c.not)
		}
	}
}

// testPracticeShowsFalse: dangyuan answers 错 to every true/false question
// of a mock exam (the only practice that always draws them) and the
// reopened session shows 错 checked.
func testPracticeShowsFalse(h *harness, dang string) {
	t := h.t
	r := h.do("POST", "/api/v1/practice", dang, map[string]any{"kind": quiz.KindMock})
	r.expect(t, http.StatusCreated, "start mock practice")
	var s struct{ ID int64 }
	r.json(t, &s)
	page := fmt.Sprintf("/practice/%d", s.ID)
	r = h.do("GET", "/api/v1"+page, dang, nil)
	r.expect(t, http.StatusOK, "read practice")
	var v quiz.SessionView
	r.json(t, &v)
	form := url.Values{}
	var tf []int64
	for _, q := range v.Questions {
		if q.Type == quiz.TrueFalse {
			tf = append(tf, q.ID)
			form.Set(fmt.Sprintf("a%d", q.ID), "0")
		}
	}
	if len(tf) == 0 {
		t.Fatal("the mock practice drew no true/false question")
	}
	h.do("POST", page, dang, form).expect(t, http.StatusSeeOther, "answer practice")
	body := h.do("GET", page, dang, nil)
	body.expect(t, http.StatusOK, "practice page")
	for _, id := range tf {
		if yes, no := truthRadios(t, body, id); yes || !no {
			t.Errorf("question %d answered 错: 对 checked %v, 错 checked %v", id, yes, no)
		}
	}
}

var (
	scoreHeading = regexp.MustCompile(`<h2 id="score">.*?</h2>`)
	inputTag     = regexp.MustCompile(`<input [^>]*>`)
)

// truthRadios reports whether the 对 (value 1) and 错 (value 0) radios of
// question id are checked; a radio missing from the page fails the test.
func truthRadios(t *testing.T, r resp, id int64) (yes, no bool) {
	t.Helper()
	found := 0
	for _, tag := range inputTag.FindAllString(string(r.Body), -1) {
		if !strings.Contains(tag, fmt.Sprintf(`type="radio" name="a%d"`, id)) {
			continue
		}
		checked := strings.Contains(tag, " checked")
		switch {
		case strings.Contains(tag, `value="1"`):
			yes, found = checked, found+1
		case strings.Contains(tag, `value="0"`):
			no, found = checked, found+1
		}
	}
	if found != 2 {
		t.Fatalf("question %d: found %d of its 对/错 radios on the page", id, found)
	}
	return yes, no
}

// truthKey is the right answer of a true/false question.
func truthKey(h *harness, id int64) bool {
	h.t.Helper()
	var raw string
	if err := h.app.DB.QueryRow(h.t.Context(), `SELECT answer FROM questions WHERE id = ?`, id).Scan(&raw); err != nil {
		h.t.Fatalf("answer of question %d: %v", id, err)
	}
	var a struct {
		Truth bool `json:"truth"`
	}
	if err := json.Unmarshal([]byte(raw), &a); err != nil {
		h.t.Fatalf("answer of question %d %q: %v", id, raw, err)
	}
	return a.Truth
}

// The add form of the bank page names its fields after the spreadsheet's
// headers, which the form parser reads, and shows back what was typed
// when the question is refused.
func TestQuestionsAddFormFields(t *testing.T) {
	h := newHarness(t)
	admin := h.login("admin", demoPW)
	r := h.do("GET", "/questions", admin, nil)
	r.expect(t, http.StatusOK, "bank page")
	for _, col := range []string{quiz.ColType, quiz.ColStem, quiz.ColAnswer, quiz.ColExplanation, quiz.ColTags, quiz.ColDifficulty, quiz.ColMaterial} {
		if !strings.Contains(string(r.Body), fmt.Sprintf(`name="%s"`, col)) {
			t.Errorf("the add form has no field %q", col)
		}
	}
	bad := url.Values{quiz.ColType: {"判断"}, quiz.ColStem: {"测试：回填的题干"}, quiz.ColAnswer: {"也许"}, quiz.ColDifficulty: {"2"}}
	r = h.do("POST", "/questions", admin, bad)
	if r.StatusCode != http.StatusBadRequest || !strings.Contains(string(r.Body), "测试：回填的题干") {
		t.Errorf("a refused question is not shown back: %s", r)
	}
}
