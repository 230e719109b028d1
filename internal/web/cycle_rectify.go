package web

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
	"xuejiangping/internal/points"
	"xuejiangping/internal/rectify"
)

type ledgerPage struct {
	Page
	Items    []rectify.Item
	F        ledgerForm
	Statuses []kindOpt
	Cats     []kindOpt
	Overdue  int
	Total    int
	Query    string // the filters, for the export link
	PageNo   int    // 1-based
	Pages    int
	Prev     string
	Next     string
}

// ledgerPageSize is how many rectifications one page of the ledger shows.
const ledgerPageSize = 100

type ledgerForm struct {
	Status, Category, Q string
	Overdue, Mine       bool
	OrgID               int64
}

func ledgerFilter(r *http.Request, p *auth.Principal) (rectify.Filter, ledgerForm) {
	q := r.URL.Query()
	f := ledgerForm{Status: q.Get("status"), Category: q.Get("category"), Q: q.Get("q"), Overdue: q.Get("overdue") == "1", Mine: q.Get("mine") == "1"}
	f.OrgID, _ = parseInt64(q.Get("org"))
	fl := rectify.Filter{OrgID: f.OrgID, Status: f.Status, Category: f.Category, Overdue: f.Overdue, Query: f.Q}
	if f.Mine || !p.Has(auth.Readers...) {
		fl.Owner = p.MemberID
	}
	return fl, f
}

func (s *Server) ledgerPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	fl, f := ledgerFilter(r, p)
	pageNo := 1
	if n, err := strconv.Atoi(r.URL.Query().Get("page")); err == nil && n > 1 {
		pageNo = n
	}
	items, counts, err := s.rectify.LedgerPage(r.Context(), p, fl, (pageNo-1)*ledgerPageSize, ledgerPageSize)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	q.Del("page")
	pg := ledgerPage{Page: s.page(r, p, "rect.title"), Items: items, F: f, Query: q.Encode(),
		Total: counts.Total, Overdue: counts.Overdue, PageNo: pageNo, Pages: max(1, (counts.Total+ledgerPageSize-1)/ledgerPageSize)}
	link := func(n int) string {
		q.Set("page", strconv.Itoa(n))
		return "/rectifications?" + q.Encode()
	}
	if pageNo > 1 {
		pg.Prev = link(min(pageNo-1, pg.Pages))
	}
	if pageNo < pg.Pages {
		pg.Next = link(pageNo + 1)
	}
	for _, st := range rectify.Statuses() {
		pg.Statuses = append(pg.Statuses, kindOpt{string(st), st.Label()})
	}
	for _, c := range rectify.Categories() {
		pg.Cats = append(pg.Cats, kindOpt{string(c), c.Label()})
	}
	return s.render(w, http.StatusOK, "ledger", pg)
}

func (s *Server) ledgerExport(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	fl, _ := ledgerFilter(r, p)
	items, err := s.rectify.Ledger(r.Context(), p, fl)
	if err != nil {
		return err
	}
	b, err := s.rectify.ExportLedger(r.Context(), p, items)
	if err != nil {
		return err
	}
	sendFile(w, msg.T("rect.ledgerFile"), b)
	return nil
}

type rectPage struct {
	Page
	It       rectify.Item
	IsOwner  bool
	Verifier bool
}

func (s *Server) rectPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	it, err := s.rectify.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	pg := rectPage{Page: s.page(r, p, "rect.title"), It: it, IsOwner: it.OwnerID == p.MemberID}
	pg.Verifier = s.rectVerifier(r, p, it)
	if e := formErrorFrom(r.Context()); e != nil {
		pg.Error = e.Message
		return s.render(w, statusOf(e.Kind), "rectification", pg)
	}
	return s.render(w, http.StatusOK, "rectification", pg)
}

func (s *Server) rectVerifier(r *http.Request, p *auth.Principal, it rectify.Item) bool {
	var path string
	if err := s.db.QueryRow(r.Context(), `SELECT path FROM orgs WHERE id = ?`, it.OrgID).Scan(&path); err != nil {
		return false
	}
	return p.Covers(path, auth.Admin, auth.Secretary, auth.GroupLeader)
}

// MaxEvidenceBytes bounds an evidence upload.
const MaxEvidenceBytes = 5 << 20

// evidenceFile reads an optional evidence upload and checks its type by
// its content, not its name.
func evidenceFile(r *http.Request) (name, mime string, data []byte, err error) {
	f, h, err := r.FormFile("file")
	if err != nil {
		return "", "", nil, nil // no file: fine
	}
	defer f.Close()
	data, err = io.ReadAll(io.LimitReader(f, MaxEvidenceBytes+1))
	if err != nil {
		return "", "", nil, errs.E(errs.Invalid, "bad_upload", msg.T("upload.readFailed"))
	}
	if len(data) == 0 {
		return "", "", nil, nil
	}
	if len(data) > MaxEvidenceBytes {
		return "", "", nil, errs.E(errs.Invalid, "too_big", msg.T("rect.evidenceTooBig"))
	}
	mime = http.DetectContentType(data)
	switch {
	case strings.HasPrefix(mime, "image/png"), strings.HasPrefix(mime, "image/jpeg"), strings.HasPrefix(mime, "application/pdf"):
	case strings.HasPrefix(mime, "application/zip") && bytes.Contains(data[:min(len(data), 4096)], []byte("word/")):
		mime = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	default:
		return "", "", nil, errs.E(errs.Invalid, "bad_type", msg.T("rect.evidenceType"))
	}
	return h.Filename, mime, data, nil
}

func (s *Server) rectUpdatePost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseMultipartForm(MaxEvidenceBytes + 1<<20); err != nil && err != http.ErrNotMultipart {
		return errs.E(errs.Invalid, "bad_upload", msg.T("upload.failed"))
	}
	c := rectify.Change{Status: r.FormValue("status"), Evidence: r.FormValue("evidence"), Reason: r.FormValue("reason")}
	act := func() error {
		name, mime, data, err := evidenceFile(r)
		if err != nil {
			return err
		}
		if data != nil {
			if _, err := s.rectify.Get(r.Context(), p, id); err != nil {
				return err
			}
			if c.FileID, err = s.rectify.SaveFile(r.Context(), p, name, mime, data); err != nil {
				return err
			}
		}
		_, err = s.rectify.Update(r.Context(), p, id, c)
		return err
	}
	if err := act(); err != nil {
		e := errs.As(err)
		if e.Kind == errs.Internal || e.Kind == errs.NotFound {
			return err
		}
		return s.withError(r, e, func() error { return s.rectPage(w, r, p) })
	}
	redirect(w, r, fmt.Sprintf("/rectifications/%d", id), msg.T("rect.updated"))
	return nil
}

func (s *Server) rectFile(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	name, mime, data, err := s.rectify.File(r.Context(), p, id)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", mime)
	w.Header().Set("Content-Disposition", "attachment; filename=\"evidence\"; filename*=UTF-8''"+urlPathEscape(name))
	_, _ = w.Write(data)
	return nil
}

type trainingPage struct {
	Page
	Groups   []rectify.TopicGroup
	Orders   []rectify.TrainingOrder
	IsAdmin  bool
	Units    []unitOpt
	Statuses []kindOpt
	RectID   int64
}

func (s *Server) trainingPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	orders, err := s.rectify.TrainingOrders(r.Context(), p)
	if err != nil {
		return err
	}
	pg := trainingPage{Page: s.page(r, p, "training.title"), Orders: orders, Groups: rectify.ByTopic(orders), IsAdmin: p.Has(auth.Admin)}
	pg.RectID, _ = parseInt64(r.URL.Query().Get("rectification"))
	if pg.Units, err = s.ledUnits(r, p); err != nil {
		return err
	}
	for _, st := range rectify.TrainingStatuses {
		pg.Statuses = append(pg.Statuses, kindOpt{st.Code, st.Label})
	}
	return s.render(w, http.StatusOK, "training", pg)
}

func (s *Server) trainingPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	org, err := formInt(r, "org_id")
	if err != nil {
		return err
	}
	rect, err := formInt(r, "rectification_id")
	if err != nil {
		return err
	}
	people, err := formInt(r, "people")
	if err != nil {
		return err
	}
	in := rectify.TrainingInput{OrgID: org, RectificationID: rect, Topic: r.PostFormValue("topic"), People: int(people), Note: r.PostFormValue("note")}
	if _, err := s.rectify.OrderTraining(r.Context(), p, in); err != nil {
		return err
	}
	redirect(w, r, "/training", msg.T("training.submitted"))
	return nil
}

func (s *Server) trainingStatusPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.rectify.SetTrainingStatus(r.Context(), p, id, r.PostFormValue("status"), r.PostFormValue("note")); err != nil {
		return err
	}
	redirect(w, r, "/training", msg.T("training.updated"))
	return nil
}

type pointsPage struct {
	Page
	Mine     points.Mine
	Outcomes []points.UnitOutcome
	IsAdmin  bool
}

func (s *Server) pointsPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	ctx := r.Context()
	mine, err := points.For(ctx, s.db, p.MemberID)
	if err != nil {
		return err
	}
	pg := pointsPage{Page: s.page(r, p, "points.title"), Mine: mine, IsAdmin: p.Has(auth.Admin)}
	if on, _ := points.Enabled(ctx, s.db); on || pg.IsAdmin {
		pg.Mine.Enabled = on
		for _, sc := range p.Scopes(auth.Readers...) {
			u, err := points.UnitOutcomes(ctx, s.db, sc)
			if err != nil {
				return err
			}
			pg.Outcomes = append(pg.Outcomes, u...)
		}
	}
	return s.render(w, http.StatusOK, "points", pg)
}

func (s *Server) pointsTogglePost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := points.SetEnabled(r.Context(), s.db, p, r.PostFormValue("enabled") == "1"); err != nil {
		return err
	}
	redirect(w, r, "/points", msg.T("common.saved"))
	return nil
}
