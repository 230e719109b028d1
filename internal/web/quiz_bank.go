package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
	"xuejiangping/internal/quiz"
)

type questionsPage struct {
	Page
	Questions []quiz.View
	Sets      []quiz.Set
	Types     []typeOpt
	Options   []string // 选项A…选项H headers for the add form
	Filter    quiz.Filter
	In        map[string]string
	Import    *quiz.ImportResult
	RowsRaw   string
	Total     int
	Cols      questionCols // the add form's field names: the spreadsheet's headers
}

type typeOpt struct {
	Code  quiz.Type
	Label string
	Count int
}

func (h *quizWeb) questionsPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return h.renderQuestions(w, r, p, http.StatusOK, nil, nil, "")
}

func (h *quizWeb) renderQuestions(w http.ResponseWriter, r *http.Request, p *auth.Principal, status int, in map[string]string, imp *quiz.ImportResult, raw string) error {
	ctx := r.Context()
	q := r.URL.Query()
	f := quiz.Filter{Type: quiz.Type(q.Get("type")), Tag: strings.TrimSpace(q.Get("tag")), Text: strings.TrimSpace(q.Get("q")), Limit: 200}
	f.SetID, _ = strconv.ParseInt(q.Get("set"), 10, 64)
	f.Retired = q.Get("retired") == "1"
	list, err := h.q.Questions(ctx, p, f)
	if err != nil {
		return err
	}
	counts, err := h.q.TypeCounts(ctx)
	if err != nil {
		return err
	}
	pg := questionsPage{Page: h.page(r, p, "quiz.questions"), Filter: f, In: in, Import: imp, RowsRaw: raw, Cols: formCols}
	for _, x := range list {
		pg.Questions = append(pg.Questions, quiz.ViewOf(x))
	}
	for _, t := range quiz.Types() {
		pg.Types = append(pg.Types, typeOpt{t, t.Label(), counts[t]})
		pg.Total += counts[t]
	}
	for i := range quiz.MaxOptions {
		pg.Options = append(pg.Options, quiz.ColOption(i))
	}
	if pg.Sets, err = h.q.Sets(ctx); err != nil {
		return err
	}
	if pg.In == nil {
		pg.In = map[string]string{quiz.ColDifficulty: "3"}
	}
	if e := formErrorFrom(ctx); e != nil {
		pg.Error, pg.FieldErrors = e.Message, e.Fields
	}
	return h.render(w, status, "questions", pg)
}

// cellsFromForm reads the add form, whose fields are named after the
// spreadsheet's headers so one parser serves both.
func cellsFromForm(r *http.Request) map[string]string {
	cells := map[string]string{}
	for _, c := range quiz.Columns() {
		cells[c] = r.PostFormValue(c)
	}
	return cells
}

func (h *quizWeb) questionCreatePost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := r.ParseForm(); err != nil {
		return errs.E(errs.Invalid, "bad_form", msg.T("form.unreadable"))
	}
	cells := cellsFromForm(r)
	q, err := h.q.AddQuestion(r.Context(), p, cells)
	if err != nil {
		e := errs.As(err)
		if e.Kind == errs.Internal {
			return err
		}
		return h.withError(r, e, func() error { return h.renderQuestions(w, r, p, statusOf(e.Kind), cells, nil, "") })
	}
	redirect(w, r, "/questions", msg.T("bank.added", q.ID))
	return nil
}

func (h *quizWeb) questionsTemplate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	b, err := quiz.Template()
	if err != nil {
		return errs.Wrap(err, "template")
	}
	sendFile(w, msg.T("bank.templateFile"), b)
	return nil
}

func (h *quizWeb) questionsExport(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	b, err := h.q.Export(r.Context(), p)
	if err != nil {
		return err
	}
	sendFile(w, msg.T("bank.exportFile"), b)
	return nil
}

func parseQuestionUpload(r *http.Request) ([]quiz.ImportRow, error) {
	r.Body = http.MaxBytesReader(nil, r.Body, quiz.MaxImportBytes+1<<20)
	if err := r.ParseMultipartForm(quiz.MaxImportBytes); err != nil {
		return nil, errs.E(errs.Invalid, "bad_upload", msg.T("upload.failed10MB"))
	}
	f, _, err := r.FormFile("file")
	if err != nil {
		return nil, errs.E(errs.Invalid, "no_file", msg.T("upload.chooseXlsx"))
	}
	defer f.Close()
	return quiz.ParseSheet(f)
}

func (h *quizWeb) importPreviewPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	rows, err := parseQuestionUpload(r)
	if err != nil {
		return h.importFailed(w, r, p, err)
	}
	res, err := h.q.Import(r.Context(), p, rows, true)
	if err != nil {
		return err
	}
	return h.showImport(w, r, p, res, rows)
}

func (h *quizWeb) showImport(w http.ResponseWriter, r *http.Request, p *auth.Principal, res *quiz.ImportResult, rows []quiz.ImportRow) error {
	if !res.OK() {
		e := errs.E(errs.Unprocessable, "bad_rows", msg.T("quiz.importBad", len(res.Errors)))
		return h.withError(r, e, func() error { return h.renderQuestions(w, r, p, http.StatusUnprocessableEntity, nil, res, "") })
	}
	b, _ := json.Marshal(rows)
	return h.renderQuestions(w, r, p, http.StatusOK, nil, res, string(b))
}

func (h *quizWeb) importFailed(w http.ResponseWriter, r *http.Request, p *auth.Principal, err error) error {
	e := errs.As(err)
	if e.Kind != errs.Invalid {
		return err
	}
	return h.withError(r, e, func() error { return h.renderQuestions(w, r, p, http.StatusBadRequest, nil, nil, "") })
}

// importConfirmPost imports the rows previewed; they are checked again, as
// the bank may have changed since.
func (h *quizWeb) importConfirmPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var rows []quiz.ImportRow
	if err := json.Unmarshal([]byte(r.PostFormValue("rows")), &rows); err != nil {
		return h.importFailed(w, r, p, errs.E(errs.Invalid, "bad_rows", msg.T("upload.stagedCorrupt")))
	}
	res, err := h.q.Import(r.Context(), p, rows, false)
	if err != nil {
		return err
	}
	if !res.OK() {
		return h.showImport(w, r, p, res, rows)
	}
	redirect(w, r, "/questions", msg.T("quiz.importDone", res.Written))
	return nil
}
