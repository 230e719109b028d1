package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
	"xuejiangping/internal/quiz"
)

type practiceHub struct {
	Page
	IsMember bool
	Overview quiz.Overview
	Sets     []quiz.Set
	Exams    []quiz.ExamItem
	IsAdmin  bool
	Manages  bool
	Daily    int
}

func (h *quizWeb) hubPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	ctx := r.Context()
	pg := practiceHub{Page: h.page(r, p, "quiz.practice"), IsMember: p.MemberID != 0, IsAdmin: p.Has(auth.Admin),
		Manages: p.Has(auth.Managers...), Daily: quiz.DailyCount}
	var err error
	if pg.IsMember {
		if pg.Overview, err = h.q.MyPractice(ctx, p); err != nil {
			return err
		}
	}
	if pg.Sets, err = h.q.Sets(ctx); err != nil {
		return err
	}
	if pg.Exams, err = h.q.Exams(ctx, p); err != nil {
		return err
	}
	return h.render(w, http.StatusOK, "practice", pg)
}

func (h *quizWeb) practiceStartPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	setID, err := formInt(r, "set_id")
	if err != nil {
		return err
	}
	n, err := formInt(r, "count")
	if err != nil {
		return err
	}
	id, err := h.q.StartPractice(r.Context(), p, r.PostFormValue("kind"), setID, int(n))
	if err != nil {
		e := errs.As(err)
		if e.Kind == errs.Unprocessable {
			redirect(w, r, "/practice", e.Message)
			return nil
		}
		return err
	}
	redirect(w, r, fmt.Sprintf("/practice/%d", id), "")
	return nil
}

type sessionPage struct {
	Page
	V quiz.SessionView
}

func (h *quizWeb) sessionPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := h.q.Practice(r.Context(), p, id)
	if err != nil {
		return err
	}
	return h.renderSession(w, r, p, http.StatusOK, v)
}

func (h *quizWeb) renderSession(w http.ResponseWriter, r *http.Request, p *auth.Principal, status int, v quiz.SessionView) error {
	pg := sessionPage{Page: h.page(r, p, "quiz.session"), V: v}
	pg.Title = v.KindLabel
	if v.SetName != "" {
		pg.Title = v.SetName
	}
	if e := formErrorFrom(r.Context()); e != nil {
		pg.Error, pg.FieldErrors = e.Message, e.Fields
	}
	return h.render(w, status, "practice_session", pg)
}

// sessionPost grades the whole form: unanswered questions are simply left
// out (practice has nothing to fail), and the session is finished.
func (h *quizWeb) sessionPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	v, err := h.q.Practice(ctx, p, id)
	if err != nil {
		return err
	}
	answers, err := responsesFromForm(r, v.Questions)
	if err != nil {
		return err
	}
	if _, err := h.q.AnswerPractice(ctx, p, id, answers, true); err != nil {
		e := errs.As(err)
		if e.Kind == errs.Internal || e.Kind == errs.NotFound {
			return err
		}
		return h.withError(r, e, func() error { return h.renderSession(w, r, p, statusOf(e.Kind), v) })
	}
	redirect(w, r, fmt.Sprintf("/practice/%d#result", id), msg.T("practice.handedIn"))
	return nil
}

// responsesFromForm reads the answers of the questions not yet answered:
// field a<id> (one letter, letters, 1/0 or text) and a<id>_<i> for blanks.
func responsesFromForm(r *http.Request, qs []quiz.Shown) (map[int64]quiz.Response, error) {
	if err := r.ParseForm(); err != nil {
		return nil, errs.E(errs.Invalid, "bad_form", msg.T("form.unreadable"))
	}
	out := map[int64]quiz.Response{}
	for _, q := range qs {
		if q.Answered {
			continue
		}
		name := "a" + strconv.FormatInt(q.ID, 10)
		var resp quiz.Response
		switch q.Type {
		case quiz.Single, quiz.Multiple:
			resp.Letters = r.PostForm[name]
		case quiz.TrueFalse:
			switch r.PostFormValue(name) {
			case "1":
				t := true
				resp.Truth = &t
			case "0":
				f := false
				resp.Truth = &f
			case "":
			default:
				return nil, errs.E(errs.Invalid, "bad_answer", msg.T("practice.badTruth"))
			}
		case quiz.Blank:
			for i := range q.BlankCount {
				resp.Blanks = append(resp.Blanks, r.PostFormValue(fmt.Sprintf("%s_%d", name, i)))
			}
		case quiz.Short:
			resp.Text = strings.TrimSpace(r.PostFormValue(name))
		}
		if !resp.Empty() {
			out[q.ID] = resp
		}
	}
	return out, nil
}

type wrongBookPage struct {
	Page
	Items []quiz.WrongItem
	Due   int
}

func (h *quizWeb) wrongBookPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	items, err := h.q.WrongBookOf(r.Context(), p)
	if err != nil {
		return err
	}
	pg := wrongBookPage{Page: h.page(r, p, "quiz.wrongbook"), Items: items}
	for _, it := range items {
		if it.IsDue {
			pg.Due++
		}
	}
	return h.render(w, http.StatusOK, "practice_wrongbook", pg)
}
