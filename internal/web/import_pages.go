package web

import (
	"encoding/json"
	"net/http"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
	"xuejiangping/internal/org"
)

type importPage struct {
	Page
	Result  *org.ImportResult
	RowsRaw string // the checked rows, posted back on confirm and checked again
	Columns []string
}

func (s *Server) importPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return s.render(w, http.StatusOK, "import", importPage{Page: s.page(r, p, "import.title"), Columns: org.RosterColumns})
}

func (s *Server) importTemplate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	b, err := org.RosterTemplate()
	if err != nil {
		return errs.Wrap(err, "template")
	}
	sendFile(w, msg.T("import.templateFile"), b)
	return nil
}

// parseUpload reads the uploaded roster from the multipart field "file".
func parseUpload(r *http.Request) ([]org.RosterRow, error) {
	if err := r.ParseMultipartForm(org.MaxRosterBytes); err != nil {
		return nil, errs.E(errs.Invalid, "bad_upload", msg.T("upload.failed10MB"))
	}
	f, _, err := r.FormFile("file")
	if err != nil {
		return nil, errs.E(errs.Invalid, "no_file", msg.T("upload.chooseXlsx"))
	}
	defer f.Close()
	return org.ParseRoster(f)
}

func (s *Server) importPreviewPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	pg := importPage{Page: s.page(r, p, "import.title"), Columns: org.RosterColumns}
	rows, err := parseUpload(r)
	if err != nil {
		if errs.KindOf(err) != errs.Invalid {
			return err
		}
		pg.Error = errs.As(err).Message
		return s.render(w, http.StatusBadRequest, "import", pg)
	}
	res, err := s.org.Import(r.Context(), p, rows, true)
	if err != nil {
		return err
	}
	pg.Result = res
	status := http.StatusOK
	if res.OK() {
		b, _ := json.Marshal(rows)
		pg.RowsRaw = string(b)
	} else {
		pg.Error = msg.T("import.bad", len(res.Errors))
		status = http.StatusUnprocessableEntity
	}
	return s.render(w, status, "import", pg)
}

func (s *Server) importConfirmPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var rows []org.RosterRow
	if err := json.Unmarshal([]byte(r.PostFormValue("rows")), &rows); err != nil {
		return errs.E(errs.Invalid, "bad_rows", msg.T("upload.stagedCorrupt"))
	}
	for i := range rows {
		rows[i].Input.Normalize()
	}
	res, err := s.org.Import(r.Context(), p, rows, false)
	if err != nil {
		return err
	}
	if !res.OK() {
		pg := importPage{Page: s.page(r, p, "import.title"), Result: res, Columns: org.RosterColumns}
		pg.Error = msg.T("import.bad", len(res.Errors))
		return s.render(w, http.StatusUnprocessableEntity, "import", pg)
	}
	redirect(w, r, "/import", msg.T("import.done", res.Written))
	return nil
}
