package web

import (
	"net/http"
	"strconv"
	"strings"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
	"xuejiangping/internal/quiz"
)

// Editing and removing bank questions. A question someone has met is
// never changed under them: the store retires it and, for an edit, adds
// the edit as a new question (see quiz.EditQuestion).

type questionPage struct {
	Page
	Q       quiz.View
	Retired bool
	Types   []typeOpt
	Options []string
	In      map[string]string
	Cols    questionCols // the form's field names: the spreadsheet's headers
}

// questionCols names the form fields after the spreadsheet's headers, so
// that one parser reads a form, the API and an import.
type questionCols struct{ Type, Stem, Answer, Explanation, Tags, Difficulty, Material string }

var formCols = questionCols{quiz.ColType, quiz.ColStem, quiz.ColAnswer, quiz.ColExplanation, quiz.ColTags, quiz.ColDifficulty, quiz.ColMaterial}

func (h *quizWeb) questionPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return h.renderQuestion(w, r, p, http.StatusOK, nil)
}

func (h *quizWeb) renderQuestion(w http.ResponseWriter, r *http.Request, p *auth.Principal, status int, in map[string]string) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	q, err := h.q.Question(r.Context(), p, id)
	if err != nil {
		return err
	}
	pg := questionPage{Page: h.page(r, p, "quiz.question"), Q: quiz.ViewOf(q), Retired: q.Retired, In: in, Cols: formCols}
	if pg.In == nil {
		pg.In = quiz.Cells(q)
		pg.In[quiz.ColType] = q.Type.Label()
	}
	for _, t := range quiz.Types() {
		pg.Types = append(pg.Types, typeOpt{Code: t, Label: t.Label()})
	}
	for i := range quiz.MaxOptions {
		pg.Options = append(pg.Options, quiz.ColOption(i))
	}
	if e := formErrorFrom(r.Context()); e != nil {
		pg.Error, pg.FieldErrors = e.Message, e.Fields
	}
	return h.render(w, status, "question", pg)
}

func (h *quizWeb) questionEditPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errs.E(errs.Invalid, "bad_form", msg.T("form.unreadable"))
	}
	cells := cellsFromForm(r)
	res, err := h.q.EditQuestion(r.Context(), p, id, cells)
	if err != nil {
		e := errs.As(err)
		if e.Kind != errs.Invalid && e.Kind != errs.Conflict {
			return err
		}
		return h.withError(r, e, func() error { return h.renderQuestion(w, r, p, statusOf(e.Kind), cells) })
	}
	if res.Replaced != 0 {
		redirect(w, r, "/questions/"+strconv.FormatInt(res.ID, 10), msg.T("quiz.editReplaced", res.Replaced, res.ID))
		return nil
	}
	redirect(w, r, "/questions/"+strconv.FormatInt(id, 10), msg.T("quiz.editDone", id))
	return nil
}

func (h *quizWeb) questionRemovePost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	res, err := h.q.RemoveQuestion(r.Context(), p, id)
	if err != nil {
		return err
	}
	note := msg.T("quiz.deleted", id)
	if res.Retired {
		note = msg.T("quiz.retired", id)
	}
	redirect(w, r, "/questions", note)
	return nil
}

// questionJSON is a question as the API takes it (create and edit).
type questionJSON struct {
	Type        string   `json:"type"`
	Stem        string   `json:"stem"`
	Options     []string `json:"options"`
	Answer      string   `json:"answer"`
	Explanation string   `json:"explanation"`
	Tags        []string `json:"tags"`
	Difficulty  int      `json:"difficulty"`
	MaterialID  *int64   `json:"material_id"`
}

// cells turns the API's form of a question into the spreadsheet cells the
// bank checks.
func (in questionJSON) cells() (map[string]string, error) {
	if len(in.Options) > quiz.MaxOptions {
		return nil, errs.E(errs.Invalid, "invalid_question", msg.T("bank.tooManyOptions", quiz.MaxOptions))
	}
	cells := map[string]string{quiz.ColType: in.Type, quiz.ColStem: in.Stem, quiz.ColAnswer: in.Answer,
		quiz.ColExplanation: in.Explanation, quiz.ColTags: strings.Join(in.Tags, "、")}
	for i, o := range in.Options {
		cells[quiz.ColOption(i)] = o
	}
	if in.Difficulty != 0 {
		cells[quiz.ColDifficulty] = strconv.Itoa(in.Difficulty)
	}
	if in.MaterialID != nil {
		cells[quiz.ColMaterial] = strconv.FormatInt(*in.MaterialID, 10)
	}
	return cells, nil
}

func (h *quizWeb) apiQuestionEdit(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in questionJSON
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	cells, err := in.cells()
	if err != nil {
		return err
	}
	res, err := h.q.EditQuestion(r.Context(), p, id, cells)
	if err != nil {
		return err
	}
	q, err := h.q.Question(r.Context(), p, res.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"result": res, "question": quiz.ViewOf(q)})
	return nil
}

func (h *quizWeb) apiQuestionRemove(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	res, err := h.q.RemoveQuestion(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}
