package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"time"

	"xuejiangping/internal/quiz"
)

// The quiz feature's routes in the access table. Fixtures, made through
// the API: exams for BranchA (one each for the pages, the API and short-
// answer grading) and one for BranchB, all open now and drawn from the demo
// bank; attempts started by shuji and dangyuan so that saving, resuming and
// submitting reach real attempts; dangyuan's submitted grading attempt with
// two short answers to grade (one through the API, one through the page);
// and practice sessions of dangyuan's and shuji's.
func init() { accessExtensions = append(accessExtensions, quizAccess) }

type quizFixtures struct {
	ExamPage, ExamAPI, ExamB int64 // open exams: BranchA (pages, API), BranchB
	ExamGrade                int64 // BranchA, two short answers, submitted by dangyuan
	GradeAttempt             int64 // dangyuan's attempt at ExamGrade
	ShortQ1, ShortQ2         int64 // its short answers: graded by the API, by the page
	PracRead                 int64 // dangyuan's session, only read
	PracPage, PracAPI        int64 // dangyuan's sessions, answered by the page, the API
	PracShuji                int64 // shuji's session
	Import                   []byte
	// Bank questions nobody has met: edited in place (page, API) and
	// deleted (page, API).
	EditPage, EditAPI, RemovePage, RemoveAPI int64
}

// quizExamJSON is an exam for org open from an hour ago for a day.
func quizExamJSON(title string, org int64, counts map[string]int) map[string]any {
	now := time.Now()
	return map[string]any{"title": title, "org_id": org, "opens_at": now.Add(-time.Hour), "closes_at": now.Add(24 * time.Hour),
		"duration_minutes": 60, "pass_percent": 60, "counts": counts}
}

func makeQuizFixtures(h *harness, tokens map[string]string, f accessFixtures) quizFixtures {
	t := h.t
	t.Helper()
	if h.count(`SELECT COUNT(*) FROM questions WHERE type = 'short'`) < 2 || h.count(`SELECT COUNT(*) FROM questions WHERE type = 'single'`) < 2 {
		t.Fatal("the demo question bank lacks the questions the quiz access cases draw (2 single, 2 short)")
	}
	admin, dang, shuji := tokens["admin"], tokens["dangyuan"], tokens["shuji"]
	var q quizFixtures
	exam := func(title string, org int64, counts map[string]int) int64 {
		r := h.do("POST", "/api/v1/exams", admin, quizExamJSON(title, org, counts))
		r.expect(t, http.StatusCreated, "create exam "+title)
		var out struct{ ID int64 }
		r.json(t, &out)
		return out.ID
	}
	small := map[string]int{"single": 2}
	q.ExamPage = exam("访问测试考试（页面）", f.BranchA, small)
	q.ExamAPI = exam("访问测试考试（接口）", f.BranchA, small)
	q.ExamB = exam("访问测试考试（乙支部）", f.BranchB, small)
	q.ExamGrade = exam("访问测试考试（阅卷）", f.BranchA, map[string]int{"short": 2})

	// Both members of BranchA start the page and API exams beforehand, as
	// the table saves answers (sorted first) before it starts them.
	start := func(tok string, id int64) quiz.AttemptView {
		r := h.do("POST", fmt.Sprintf("/api/v1/exams/%d/start", id), tok, nil)
		r.expect(t, http.StatusOK, "start exam")
		var a quiz.AttemptView
		r.json(t, &a)
		return a
	}
	for _, tok := range []string{shuji, dang} {
		start(tok, q.ExamPage)
		start(tok, q.ExamAPI)
	}
	a := start(dang, q.ExamGrade)
	if len(a.Questions) != 2 {
		t.Fatalf("grading exam: want 2 short answers, got %d", len(a.Questions))
	}
	q.ShortQ1, q.ShortQ2 = a.Questions[0].ID, a.Questions[1].ID
	r := h.do("POST", fmt.Sprintf("/api/v1/exams/%d/submit", q.ExamGrade), dang, map[string]any{"answers": map[string]any{
		fmt.Sprint(q.ShortQ1): map[string]string{"Text": "联系岗位实际学，带着问题干。"},
		fmt.Sprint(q.ShortQ2): map[string]string{"Text": "查摆问题建台账，整改限时销号。"},
	}})
	r.expect(t, http.StatusOK, "submit grading exam")
	q.GradeAttempt = h.id(`SELECT id FROM exam_attempts WHERE exam_id = ? AND member_id = ?`, q.ExamGrade, f.Dang)

	practice := func(tok string) int64 {
		r := h.do("POST", "/api/v1/practice", tok, map[string]any{"kind": "daily", "count": 3})
		r.expect(t, http.StatusCreated, "start practice")
		var v struct{ ID int64 }
		r.json(t, &v)
		return v.ID
	}
	q.PracRead, q.PracPage, q.PracAPI = practice(dang), practice(dang), practice(dang)
	q.PracShuji = practice(shuji)

	b, err := quiz.Template()
	if err != nil {
		t.Fatalf("question template: %v", err)
	}
	q.Import = b

	question := func(stem string) int64 {
		r := h.do("POST", "/api/v1/questions", admin, map[string]any{"type": "判断", "stem": stem, "answer": "对", "difficulty": 1})
		r.expect(t, http.StatusCreated, "add question "+stem)
		var v struct{ ID int64 }
		r.json(t, &v)
		return v.ID
	}
	q.EditPage, q.EditAPI = question("访问测试：页面修改的题"), question("访问测试：接口修改的题")
	q.RemovePage, q.RemoveAPI = question("访问测试：页面删除的题"), question("访问测试：接口删除的题")
	return q
}

func quizAccess(h *harness, tokens map[string]string, f accessFixtures) map[string][]accessCase {
	q := makeQuizFixtures(h, tokens, f)
	p := fmt.Sprintf
	const (
		users   = "+"
		admin   = "admin"
		members = "shuji dangyuan shuji2" // logins with a member record: practice is theirs
		inA     = "shuji dangyuan"        // members of BranchA: they take its exams
		seeA    = "admin zhuanban shuji dangyuan"
		readA   = "admin zhuanban shuji" // results of BranchA's exams
		leadA   = "admin shuji"          // schedules and grades BranchA's exams
		leadB   = "admin shuji2"
	)
	form := func(kv ...string) url.Values {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Add(kv[i], kv[i+1])
		}
		return v
	}
	id := func(n int64) string { return fmt.Sprint(n) }
	now := time.Now().In(time.FixedZone("CST", 8*3600))
	examForm := func(org int64) url.Values {
		return form("title", "页面考试{role}", "org_id", id(org), "duration", "30", "pass", "60", "count_single", "2",
			"opens", now.Add(-time.Hour).Format("2006-01-02T15:04"), "closes", now.Add(24*time.Hour).Format("2006-01-02T15:04"))
	}
	examJSON := func(org int64) map[string]any {
		return quizExamJSON("接口考试", org, map[string]int{"single": 2})
	}
	question := form(quiz.ColType, "判断", quiz.ColStem, "页面新增判断题{role}", quiz.ColAnswer, "对", quiz.ColDifficulty, "1")
	sheet := upload{Name: "题库.xlsx", Data: q.Import}
	ex := func(id int64, suffix string) string { return p("/exams/%d%s", id, suffix) }
	api := func(id int64, suffix string) string { return p("/api/v1/exams/%d%s", id, suffix) }
	grade := func(qid int64) string {
		return p(`{"attempt_id":%d,"question_id":%d,"score":0.5}`, q.GradeAttempt, qid)
	}
	return map[string][]accessCase{
		// Practice: every login sees the hub; practising needs a member record,
		// and a session is its owner's alone.
		"GET /practice":           {{path: "/practice", allow: users}},
		"POST /practice":          {{path: "/practice", body: form("kind", "daily", "count", "3"), allow: members}},
		"GET /practice/wrongbook": {{path: "/practice/wrongbook", allow: members}},
		"GET /practice/{id}": {
			{path: p("/practice/%d", q.PracRead), allow: "dangyuan"},
			{path: p("/practice/%d", q.PracShuji), allow: "shuji"},
		},
		"POST /practice/{id}": {{path: p("/practice/%d", q.PracPage), body: form(), allow: "dangyuan"}},

		// The bank: the admin's.
		"GET /questions":                 {{path: "/questions", allow: admin}},
		"POST /questions":                {{path: "/questions", body: question, allow: admin}},
		"GET /questions/template.xlsx":   {{path: "/questions/template.xlsx", allow: admin}},
		"GET /questions/export.xlsx":     {{path: "/questions/export.xlsx", allow: admin}},
		"POST /questions/import":         {{path: "/questions/import", body: sheet, allow: admin}}, // a preview only
		"POST /questions/import/confirm": {{path: "/questions/import/confirm", body: form("rows", "[]"), allow: admin}},
		"GET /questions/{id}":            {{path: p("/questions/%d", q.EditPage), allow: admin}},
		"POST /questions/{id}": {{path: p("/questions/%d", q.EditPage), allow: admin,
			body: form(quiz.ColType, "判断", quiz.ColStem, "页面修改后的判断题{role}", quiz.ColAnswer, "错", quiz.ColDifficulty, "2")}},
		"POST /questions/{id}/remove": {{path: p("/questions/%d/remove", q.RemovePage), body: form(), allow: admin}},

		// Exams: members of the scope take them, readers over it see the
		// results, managers over it schedule and grade.
		"GET /exams": {{path: "/exams", allow: users}},
		"POST /exams": {
			{path: "/exams", body: examForm(f.BranchA), allow: leadA},
			{path: "/exams", body: examForm(f.BranchB), allow: leadB},
		},
		"GET /exams/{id}": {
			{path: ex(q.ExamPage, ""), allow: seeA},
			{path: ex(q.ExamB, ""), allow: "admin zhuanban shuji2"},
		},
		"POST /exams/{id}/start":       {{path: ex(q.ExamPage, "/start"), body: form(), allow: inA}},
		"POST /exams/{id}/answers":     {{path: ex(q.ExamPage, "/answers"), body: form("action", "save"), allow: inA}},
		"GET /exams/{id}/results.xlsx": {{path: ex(q.ExamPage, "/results.xlsx"), allow: readA}},
		"GET /exams/{id}/grading":      {{path: ex(q.ExamGrade, "/grading"), allow: leadA}},
		"POST /exams/{id}/grading": {{path: ex(q.ExamGrade, "/grading"),
			body: form("attempt_id", id(q.GradeAttempt), "question_id", id(q.ShortQ2), "score", "1"), allow: leadA}},

		// JSON API.
		"GET /api/v1/questions":  {{path: "/api/v1/questions?type=single", allow: admin}},
		"POST /api/v1/questions": {{path: "/api/v1/questions", body: `{"type":"判断","stem":"接口新增判断题{role}","answer":"对","difficulty":1}`, allow: admin}},
		"PUT /api/v1/questions/{id}": {{path: p("/api/v1/questions/%d", q.EditAPI), allow: admin,
			body: `{"type":"判断","stem":"接口修改后的判断题{role}","answer":"错","difficulty":2}`}},
		"DELETE /api/v1/questions/{id}":              {{path: p("/api/v1/questions/%d", q.RemoveAPI), allow: admin}},
		"POST /api/v1/questions/import":              {{path: "/api/v1/questions/import?dry_run=1", body: sheet, allow: admin}},
		"GET /api/v1/questions/import/template.xlsx": {{path: "/api/v1/questions/import/template.xlsx", allow: admin}},
		"GET /api/v1/questions/export.xlsx":          {{path: "/api/v1/questions/export.xlsx", allow: admin}},
		"GET /api/v1/question-sets":                  {{path: "/api/v1/question-sets", allow: users}},
		"GET /api/v1/practice":                       {{path: "/api/v1/practice", allow: members}},
		"POST /api/v1/practice":                      {{path: "/api/v1/practice", body: `{"kind":"daily","count":3}`, allow: members}},
		"GET /api/v1/practice/wrongbook":             {{path: "/api/v1/practice/wrongbook", allow: members}},
		"GET /api/v1/practice/{id}":                  {{path: p("/api/v1/practice/%d", q.PracRead), allow: "dangyuan"}},
		"POST /api/v1/practice/{id}/answers":         {{path: p("/api/v1/practice/%d/answers", q.PracAPI), body: `{"answers":{},"finish":false}`, allow: "dangyuan"}},
		"GET /api/v1/exams":                          {{path: "/api/v1/exams", allow: users}},
		"POST /api/v1/exams": {
			{path: "/api/v1/exams", body: examJSON(f.BranchA), allow: leadA},
			{path: "/api/v1/exams", body: examJSON(f.BranchB), allow: leadB},
		},
		"GET /api/v1/exams/{id}": {
			{path: api(q.ExamAPI, ""), allow: seeA},
			{path: api(q.ExamB, ""), allow: "admin zhuanban shuji2"},
		},
		"POST /api/v1/exams/{id}/answers": {{path: api(q.ExamAPI, "/answers"), body: `{"answers":{}}`, allow: inA}},
		"POST /api/v1/exams/{id}/start":   {{path: api(q.ExamAPI, "/start"), allow: inA}},
		"POST /api/v1/exams/{id}/submit":  {{path: api(q.ExamAPI, "/submit"), body: `{"answers":{}}`, allow: inA}},
		"GET /api/v1/exams/{id}/results": {
			{path: api(q.ExamAPI, "/results"), allow: readA},
			{path: api(q.ExamB, "/results"), allow: "admin zhuanban shuji2"},
		},
		"GET /api/v1/exams/{id}/results.xlsx": {{path: api(q.ExamAPI, "/results.xlsx"), allow: readA}},
		"POST /api/v1/exams/{id}/grades":      {{path: api(q.ExamGrade, "/grades"), body: grade(q.ShortQ1), allow: leadA}},
	}
}
