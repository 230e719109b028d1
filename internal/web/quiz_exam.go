package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
	"xuejiangping/internal/quiz"
)

type examsPage struct {
	Page
	Exams   []quiz.ExamItem
	Manages bool
	Orgs    []orgOpt
	Types   []typeOpt
	Tags    []quiz.TagCount
	Opens   string
	Closes  string
}

type orgOpt struct {
	ID   int64
	Name string
}

// managedOrgs are the orgs p may schedule an exam for, in tree order.
func (h *quizWeb) managedOrgs(r *http.Request, p *auth.Principal) ([]orgOpt, error) {
	rows, err := h.db.Query(r.Context(), `SELECT id, name, path FROM orgs WHERE kind <> 'group' ORDER BY path`)
	if err != nil {
		return nil, errs.Wrap(err, "orgs")
	}
	defer rows.Close()
	var out []orgOpt
	for rows.Next() {
		var o orgOpt
		var path string
		if err := rows.Scan(&o.ID, &o.Name, &path); err != nil {
			return nil, errs.Wrap(err, "orgs")
		}
		if p.Covers(path, auth.Managers...) {
			out = append(out, o)
		}
	}
	return out, errs.Wrap(rows.Err(), "orgs")
}

func (h *quizWeb) examsPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	ctx := r.Context()
	list, err := h.q.Exams(ctx, p)
	if err != nil {
		return err
	}
	pg := examsPage{Page: h.page(r, p, "quiz.exams"), Exams: list, Manages: p.Has(auth.Managers...)}
	if pg.Manages {
		if pg.Orgs, err = h.managedOrgs(r, p); err != nil {
			return err
		}
		counts, err := h.q.TypeCounts(ctx)
		if err != nil {
			return err
		}
		for _, t := range quiz.Types() {
			pg.Types = append(pg.Types, typeOpt{t, t.Label(), counts[t]})
		}
		if pg.Tags, err = h.q.Tags(ctx); err != nil {
			return err
		}
		now := time.Now().In(zone).Truncate(time.Hour).Add(time.Hour)
		pg.Opens, pg.Closes = now.Format("2006-01-02T15:04"), now.Add(7*24*time.Hour).Format("2006-01-02T15:04")
	}
	if e := formErrorFrom(ctx); e != nil {
		pg.Error, pg.FieldErrors = e.Message, e.Fields
	}
	return h.render(w, http.StatusOK, "exams", pg)
}

func examFromForm(r *http.Request) (quiz.ExamInput, error) {
	if err := r.ParseForm(); err != nil {
		return quiz.ExamInput{}, errs.E(errs.Invalid, "bad_form", msg.T("form.unreadable"))
	}
	in := quiz.ExamInput{Title: r.PostFormValue("title"), PerPerson: r.PostFormValue("per_person") == "1", Counts: map[quiz.Type]int{}}
	nums := []struct {
		dst  *int
		name string
	}{{&in.DurationMin, "duration"}, {&in.PassPct, "pass"}, {&in.MinDifficulty, "min_difficulty"}, {&in.MaxDifficulty, "max_difficulty"}}
	for _, n := range nums {
		v, err := formInt(r, n.name)
		if err != nil {
			return in, err
		}
		*n.dst = int(v)
	}
	var err error
	if in.OrgID, err = formInt(r, "org_id"); err != nil {
		return in, err
	}
	for _, t := range quiz.Types() {
		v, err := formInt(r, "count_"+string(t))
		if err != nil {
			return in, err
		}
		if v > 0 {
			in.Counts[t] = int(v)
		}
	}
	in.Tags = r.PostForm["tags"]
	for _, f := range []struct {
		dst  *time.Time
		name string
	}{{&in.Opens, "opens"}, {&in.Closes, "closes"}} {
		if v := r.PostFormValue(f.name); v != "" {
			t, err := time.ParseInLocation("2006-01-02T15:04", v, zone)
			if err != nil {
				return in, errs.E(errs.Invalid, "bad_time", msg.T("exam.badTime"))
			}
			*f.dst = t
		}
	}
	return in, nil
}

func (h *quizWeb) examCreatePost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	in, err := examFromForm(r)
	if err == nil {
		var id int64
		if id, err = h.q.CreateExam(r.Context(), p, in); err == nil {
			redirect(w, r, fmt.Sprintf("/exams/%d", id), msg.T("exam.scheduled"))
			return nil
		}
	}
	e := errs.As(err)
	if e.Kind == errs.Internal || e.Kind == errs.NotFound || e.Kind == errs.Forbidden {
		return err
	}
	return h.withError(r, e, func() error { return h.examsPageStatus(w, r, p, statusOf(e.Kind)) })
}

func (h *quizWeb) examsPageStatus(w http.ResponseWriter, r *http.Request, p *auth.Principal, status int) error {
	rec := &quizStatusWriter{ResponseWriter: w, status: status}
	return h.examsPage(rec, r, p)
}

// quizStatusWriter replaces the status a page renders with, so a form shown
// again with its error answers 4xx.
type quizStatusWriter struct {
	http.ResponseWriter
	status int
}

func (s *quizStatusWriter) WriteHeader(int) { s.ResponseWriter.WriteHeader(s.status) }

type examPage struct {
	Page
	Exam     quiz.ExamRec
	Status   string
	Takes    bool
	Started  bool
	A        quiz.AttemptView
	Running  bool
	Results  *quiz.Results
	Manages  bool
	Deadline string
}

func (h *quizWeb) examPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	a, started, err := h.q.MyAttempt(ctx, p, id)
	if err != nil {
		return err
	}
	e := a.Exam
	pg := examPage{Page: h.page(r, p, "quiz.exam"), Exam: e, Status: e.Status(time.Now()), A: a, Started: started,
		Takes: p.MemberID != 0 && strings.HasPrefix(p.MemberOrgPath, e.OrgPath), Manages: p.Has(auth.Managers...)}
	pg.Title = e.Title
	pg.Running = started && a.SubmittedAt == nil && a.TimeLeft > 0
	if started {
		pg.Deadline = a.Deadline.In(zone).Format("2006-01-02 15:04:05")
	}
	if p.Has(auth.Readers...) {
		if res, err := h.q.ExamResults(ctx, p, id); err == nil {
			pg.Results = &res
		} else if errs.KindOf(err) != errs.NotFound {
			return err
		}
	}
	if fe := formErrorFrom(ctx); fe != nil {
		pg.Error = fe.Message
	}
	return h.render(w, http.StatusOK, "exam", pg)
}

func (h *quizWeb) examStartPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := h.q.StartExam(r.Context(), p, id); err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/exams/%d", id), "")
	return nil
}

// examAnswersPost saves (暂存) or submits the paper form.
func (h *quizWeb) examAnswersPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	a, started, err := h.q.MyAttempt(ctx, p, id)
	if err != nil {
		return err
	}
	// A reader who does not take the exam has no paper: turned away, not
	// told to start first.
	if p.MemberID == 0 || !strings.HasPrefix(p.MemberOrgPath, a.Exam.OrgPath) {
		return errs.E(errs.Forbidden, "not_in_scope", msg.T("exam.notInScope"))
	}
	if !started {
		return errs.E(errs.Conflict, "not_started", msg.T("exam.notStarted"))
	}
	answers, err := responsesFromForm(r, a.Questions)
	if err != nil {
		return err
	}
	if r.PostFormValue("action") == "save" {
		if err := h.q.SaveExam(ctx, p, id, answers); err != nil {
			return err
		}
		redirect(w, r, fmt.Sprintf("/exams/%d", id), msg.T("exam.draftSaved"))
		return nil
	}
	if _, err := h.q.SubmitExam(ctx, p, id, answers); err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/exams/%d", id), msg.T("exam.handedIn"))
	return nil
}

func (h *quizWeb) examResultsXLSX(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	name, b, err := h.q.ResultsXLSX(r.Context(), p, id)
	if err != nil {
		return err
	}
	sendFile(w, name, b)
	return nil
}

type gradingPage struct {
	Page
	Exam quiz.ExamRec
	Todo []quiz.ToGrade
}

func (h *quizWeb) gradingPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	e, todo, err := h.q.Ungraded(r.Context(), p, id)
	if err != nil {
		return err
	}
	return h.render(w, http.StatusOK, "exam_grading", gradingPage{Page: h.page(r, p, "quiz.grading"), Exam: e, Todo: todo})
}

func (h *quizWeb) gradingPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	att, err := formInt(r, "attempt_id")
	if err != nil {
		return err
	}
	qid, err := formInt(r, "question_id")
	if err != nil {
		return err
	}
	score, err := strconv.ParseFloat(r.PostFormValue("score"), 64)
	if err != nil {
		return errs.E(errs.Invalid, "invalid_score", msg.T("exam.chooseScore"))
	}
	if err := h.q.GradeShort(r.Context(), p, id, att, qid, score); err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/exams/%d/grading", id), msg.T("exam.graded"))
	return nil
}
