package web

import (
	"xuejiangping/internal/quiz"
)

// quizWeb holds the quiz service for the feature's handlers; the Server
// struct is shared by every feature, so the service lives beside it.
type quizWeb struct {
	*Server
	q *quiz.Service
}

// registerQuiz registers the quiz feature's pages and API routes. The
// feature's handlers live in files named quiz_*.go.
func (s *Server) registerQuiz() {
	h := &quizWeb{Server: s, q: quiz.NewService(s.db)}

	// Practice: the member's own.
	s.handle("GET", "/practice", LoggedIn, "", h.hubPage)
	s.handle("POST", "/practice", LoggedIn, "", h.practiceStartPost)
	s.handle("GET", "/practice/wrongbook", LoggedIn, "", h.wrongBookPage)
	s.handle("GET", "/practice/{id}", LoggedIn, "", h.sessionPage)
	s.handle("POST", "/practice/{id}", LoggedIn, "", h.sessionPost)

	// The bank: the district admin.
	s.handle("GET", "/questions", AdminG, "", h.questionsPage)
	s.handle("POST", "/questions", AdminG, "", h.questionCreatePost)
	s.handle("GET", "/questions/template.xlsx", AdminG, "", h.questionsTemplate)
	s.handle("GET", "/questions/export.xlsx", AdminG, "", h.questionsExport)
	s.handle("POST", "/questions/import", AdminG, "", h.importPreviewPost)
	s.handle("POST", "/questions/import/confirm", AdminG, "", h.importConfirmPost)
	s.handle("GET", "/questions/{id}", AdminG, "", h.questionPage)
	s.handle("POST", "/questions/{id}", AdminG, "", h.questionEditPost)
	s.handle("POST", "/questions/{id}/remove", AdminG, "", h.questionRemovePost)

	// Exams (岗位练兵).
	s.handle("GET", "/exams", LoggedIn, "", h.examsPage)
	s.handle("POST", "/exams", Managers, "", h.examCreatePost)
	s.handle("GET", "/exams/{id}", LoggedIn, "", h.examPage)
	s.handle("POST", "/exams/{id}/start", LoggedIn, "", h.examStartPost)
	s.handle("POST", "/exams/{id}/answers", LoggedIn, "", h.examAnswersPost)
	s.handle("GET", "/exams/{id}/results.xlsx", Readers, "", h.examResultsXLSX)
	s.handle("GET", "/exams/{id}/grading", Managers, "", h.gradingPage)
	s.handle("POST", "/exams/{id}/grading", Managers, "", h.gradingPost)

	// JSON API.
	s.handle("GET", "/api/v1/questions", AdminG, "题库题目（type、tag、q、set_id 筛选，retired=1 列出已停用的题目；含答案，仅管理员）", h.apiQuestions)
	s.handle("POST", "/api/v1/questions", AdminG, "新增题目 {type, stem, options, answer, explanation, tags, difficulty, material_id}；answer 写法同导入模板", h.apiQuestionCreate)
	s.handle("PUT", "/api/v1/questions/{id}", AdminG, "修改题目（字段同新增）；已被抽入试卷、练习或已作答的题目不改原题：原题停用，修改后另存为新题并替换其在题集中的位置", h.apiQuestionEdit)
	s.handle("DELETE", "/api/v1/questions/{id}", AdminG, "删除题目；已被抽入试卷、练习或已作答的题目改为停用（保留记录，不再抽取）", h.apiQuestionRemove)
	s.handle("POST", "/api/v1/questions/import", AdminG, "导入题库 .xlsx（multipart 文件字段 file；dry_run=1 只检查）；有任何错误则全部不导入", h.apiQuestionImport)
	s.handle("GET", "/api/v1/questions/import/template.xlsx", AdminG, "下载题库导入模板", h.questionsTemplate)
	s.handle("GET", "/api/v1/questions/export.xlsx", AdminG, "导出题库 .xlsx（可再导入）", h.questionsExport)
	s.handle("GET", "/api/v1/question-sets", LoggedIn, "题集（如应知应会30问）及题数", h.apiSets)
	s.handle("GET", "/api/v1/practice", LoggedIn, "本人练习记录、薄弱知识点和错题本概况", h.apiPracticeOverview)
	s.handle("POST", "/api/v1/practice", LoggedIn, "开始练习 {kind: daily|set|wrongbook|mock, set_id, count}；返回不含答案的题目", h.apiPracticeStart)
	s.handle("GET", "/api/v1/practice/wrongbook", LoggedIn, "本人错题本（答对两次后移出）", h.apiWrongBook)
	s.handle("GET", "/api/v1/practice/{id}", LoggedIn, "本人的一次练习；已作答的题目附答案和解析", h.apiPracticeGet)
	s.handle("POST", "/api/v1/practice/{id}/answers", LoggedIn, "提交练习答案 {answers: {题目ID: {letters|truth|blanks|text}}, finish}；服务器判分并返回答案解析", h.apiPracticeAnswers)
	s.handle("GET", "/api/v1/exams", LoggedIn, "我参加或管理的考试", h.apiExams)
	s.handle("POST", "/api/v1/exams", Managers, "安排岗位练兵考试（范围、时间窗口、每人时长、按题型/标签/难度组卷、同卷或一人一卷）", h.apiExamCreate)
	s.handle("GET", "/api/v1/exams/{id}", LoggedIn, "本人的答卷（进行中不含答案；服务器计时）", h.apiExamGet)
	s.handle("POST", "/api/v1/exams/{id}/start", LoggedIn, "开始考试；断线后再次调用可在剩余时间内继续", h.apiExamStart)
	s.handle("POST", "/api/v1/exams/{id}/answers", LoggedIn, "暂存答案 {answers}", h.apiExamSave)
	s.handle("POST", "/api/v1/exams/{id}/submit", LoggedIn, "交卷 {answers}；超时、重复提交、不在试卷中的题目均被拒绝", h.apiExamSubmit)
	s.handle("GET", "/api/v1/exams/{id}/results", Readers, "考试成绩：个人、单位（参考率、平均分、及格率）、排名和每题正确率", h.apiExamResults)
	s.handle("GET", "/api/v1/exams/{id}/results.xlsx", Readers, "导出考试成绩 .xlsx", h.examResultsXLSX)
	s.handle("POST", "/api/v1/exams/{id}/grades", Managers, "简答题人工评分 {attempt_id, question_id, score: 0–1}", h.apiGrade)
}
