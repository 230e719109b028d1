package web

import (
	"net/http"
	"strconv"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
	"xuejiangping/internal/quiz"
)

func (h *quizWeb) apiQuestions(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	q := r.URL.Query()
	f := quiz.Filter{Type: quiz.Type(q.Get("type")), Tag: q.Get("tag"), Text: q.Get("q")}
	f.SetID, _ = strconv.ParseInt(q.Get("set_id"), 10, 64)
	f.Retired = q.Get("retired") == "1"
	list, err := h.q.Questions(r.Context(), p, f)
	if err != nil {
		return err
	}
	out := make([]quiz.View, len(list))
	for i, x := range list {
		out[i] = quiz.ViewOf(x)
	}
	writeJSON(w, http.StatusOK, map[string]any{"questions": out})
	return nil
}

func (h *quizWeb) apiQuestionCreate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in questionJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	cells, err := in.cells()
	if err != nil {
		return err
	}
	q, err := h.q.AddQuestion(r.Context(), p, cells)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, quiz.ViewOf(q))
	return nil
}

func (h *quizWeb) apiQuestionImport(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	rows, err := parseQuestionUpload(r)
	if err != nil {
		return err
	}
	dry := r.URL.Query().Get("dry_run") == "1"
	res, err := h.q.Import(r.Context(), p, rows, dry)
	if err != nil {
		return err
	}
	if !res.OK() {
		return errs.E(errs.Unprocessable, "bad_rows", msg.T("bank.importErrors", len(res.Errors))).WithFields(res.Errors)
	}
	status := http.StatusOK
	if !dry {
		status = http.StatusCreated
	}
	writeJSON(w, status, res)
	return nil
}

func (h *quizWeb) apiSets(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	sets, err := h.q.Sets(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"sets": sets})
	return nil
}

func (h *quizWeb) apiPracticeOverview(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	o, err := h.q.MyPractice(r.Context(), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}

func (h *quizWeb) apiPracticeStart(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in struct {
		Kind  string `json:"kind"`
		SetID int64  `json:"set_id"`
		Count int    `json:"count"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	id, err := h.q.StartPractice(r.Context(), p, in.Kind, in.SetID, in.Count)
	if err != nil {
		return err
	}
	v, err := h.q.Practice(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, v)
	return nil
}

func (h *quizWeb) apiPracticeGet(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := h.q.Practice(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

type answersIn struct {
	Answers map[int64]quiz.Response `json:"answers"`
	Finish  bool                    `json:"finish"`
}

func (h *quizWeb) apiPracticeAnswers(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in answersIn
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	v, err := h.q.AnswerPractice(r.Context(), p, id, in.Answers, in.Finish)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (h *quizWeb) apiWrongBook(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	items, err := h.q.WrongBookOf(r.Context(), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": items})
	return nil
}

func (h *quizWeb) apiExams(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	list, err := h.q.Exams(r.Context(), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"exams": list})
	return nil
}

func (h *quizWeb) apiExamCreate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in quiz.ExamInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	id, err := h.q.CreateExam(r.Context(), p, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": id})
	return nil
}

func (h *quizWeb) apiExamGet(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, started, err := h.q.MyAttempt(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"exam": a.Exam, "started": started, "attempt": a})
	return nil
}

func (h *quizWeb) apiExamStart(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, err := h.q.StartExam(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (h *quizWeb) apiExamSave(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in answersIn
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := h.q.SaveExam(r.Context(), p, id, in.Answers); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *quizWeb) apiExamSubmit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in answersIn
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	a, err := h.q.SubmitExam(r.Context(), p, id, in.Answers)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

func (h *quizWeb) apiExamResults(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	res, err := h.q.ExamResults(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

func (h *quizWeb) apiGrade(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		AttemptID  int64   `json:"attempt_id"`
		QuestionID int64   `json:"question_id"`
		Score      float64 `json:"score"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := h.q.GradeShort(r.Context(), p, id, in.AttemptID, in.QuestionID, in.Score); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
