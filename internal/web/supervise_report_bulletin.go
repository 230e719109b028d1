package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/auth"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
	"xuejiangping/internal/report"
)

type bulletinsPage struct {
	Page
	List    []report.Bulletin
	Rounds  []report.RoundOpt
	IsAdmin bool
}

func (h *reportHandlers) bulletinsPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	ctx := r.Context()
	list, err := h.rep.Bulletins(ctx, p)
	if err != nil {
		return err
	}
	pg := bulletinsPage{Page: h.s.page(r, p, "report.bulletins"), List: list, IsAdmin: p.Has(auth.Admin)}
	if pg.IsAdmin {
		rs, err := h.s.rounds.Rounds(ctx, 0)
		if err != nil {
			return err
		}
		for _, x := range rs {
			pg.Rounds = append(pg.Rounds, report.RoundOpt{Key: x.Key(), Label: x.Label()})
		}
	}
	return h.s.render(w, http.StatusOK, "bulletins", pg)
}

func (h *reportHandlers) bulletinDraftPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := h.rep.DraftBulletin(r.Context(), p, r.PostFormValue("round"))
	if err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/supervise/bulletins/%d", id), msg.T("bulletin.drafted"))
	return nil
}

type bulletinPage struct {
	Page
	B       *report.Bulletin
	IsAdmin bool
}

// Praise, Named and Similar split the items for the page.
func (pg bulletinPage) Of(kind string) []report.Item {
	var out []report.Item
	for _, it := range pg.B.Items {
		if it.Kind == kind {
			out = append(out, it)
		}
	}
	return out
}

func (h *reportHandlers) bulletinPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	b, err := h.rep.Bulletin(r.Context(), p, id)
	if err != nil {
		return err
	}
	pg := bulletinPage{Page: h.s.page(r, p, "report.bulletin"), B: b, IsAdmin: p.Has(auth.Admin)}
	pg.Title = b.Title
	return h.s.render(w, http.StatusOK, "bulletin", pg)
}

func (h *reportHandlers) bulletinEditPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return errs.E(errs.Invalid, "bad_form", msg.T("form.unreadable"))
	}
	var edits []report.ItemEdit
	for _, v := range r.PostForm["item"] {
		itemID, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return errs.E(errs.Invalid, "bad_item", msg.T("bulletin.badItem"))
		}
		edits = append(edits, report.ItemEdit{ID: itemID, Text: r.PostFormValue("text_" + v), Remove: r.PostFormValue("remove_"+v) == "1"})
	}
	if err := h.rep.EditBulletin(r.Context(), p, id, r.PostFormValue("title"), r.PostFormValue("intro"), edits); err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/supervise/bulletins/%d", id), msg.T("common.saved"))
	return nil
}

func (h *reportHandlers) bulletinPublishPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.rep.PublishBulletin(r.Context(), p, id); err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/supervise/bulletins/%d", id), msg.T("bulletin.published"))
	return nil
}

func (h *reportHandlers) bulletinAckPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	orgID, err := formInt(r, "org_id")
	if err != nil {
		return err
	}
	if err := h.rep.AckBulletin(r.Context(), p, id, orgID, r.PostFormValue("answer")); err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/supervise/bulletins/%d", id), msg.T("bulletin.ackDone"))
	return nil
}

func (h *reportHandlers) bulletinDraftAPI(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := h.rep.DraftBulletin(r.Context(), p, r.URL.Query().Get("round"))
	if err != nil {
		return err
	}
	b, err := h.rep.Bulletin(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, b)
	return nil
}

func (h *reportHandlers) bulletinAPI(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	b, err := h.rep.Bulletin(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}

func (h *reportHandlers) bulletinPublishAPI(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.rep.PublishBulletin(r.Context(), p, id); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "status": "published"})
	return nil
}

func (h *reportHandlers) bulletinAckAPI(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		OrgID  int64  `json:"org_id"`
		Answer string `json:"answer"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := h.rep.AckBulletin(r.Context(), p, id, in.OrgID, in.Answer); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": id, "org_id": in.OrgID, "acked": true})
	return nil
}

type briefsPage struct {
	Page
	List     []report.Brief
	Rounds   []report.RoundOpt
	CanWrite bool
	Issuer   string
}

func (h *reportHandlers) briefsPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	ctx := r.Context()
	list, err := h.rep.Briefs(ctx, p)
	if err != nil {
		return err
	}
	pg := briefsPage{Page: h.s.page(r, p, "report.briefs"), List: list, CanWrite: p.Has(auth.Admin, auth.TaskForce), Issuer: report.DefaultIssuer}
	rs, err := h.s.rounds.Rounds(ctx, 0)
	if err != nil {
		return err
	}
	for _, x := range rs {
		pg.Rounds = append(pg.Rounds, report.RoundOpt{Key: x.Key(), Label: x.Label()})
	}
	return h.s.render(w, http.StatusOK, "briefs", pg)
}

func (h *reportHandlers) briefDraftPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := h.rep.DraftBrief(r.Context(), p, report.BriefInput{From: r.PostFormValue("from"), To: r.PostFormValue("to"), Issuer: r.PostFormValue("issuer")})
	if err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/supervise/briefs/%d", id), msg.T("brief.drafted"))
	return nil
}

type briefPage struct {
	Page
	B        report.Brief
	CanWrite bool
}

func (h *reportHandlers) brief(r *http.Request, p *auth.Principal) (report.Brief, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return report.Brief{}, err
	}
	return h.rep.Brief(r.Context(), p, id)
}

func (h *reportHandlers) briefPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	b, err := h.brief(r, p)
	if err != nil {
		return err
	}
	pg := briefPage{Page: h.s.page(r, p, "report.brief"), B: b, CanWrite: p.Has(auth.Admin, auth.TaskForce) && !b.Published()}
	pg.Title = msg.T("brief.pageTitle", pg.Title, b.IssueNo)
	status := http.StatusOK
	if e := formErrorFrom(r.Context()); e != nil {
		pg.Error, pg.FieldErrors, status = e.Message, e.Fields, http.StatusBadRequest
		pg.B.Title, pg.B.Issuer, pg.B.Body = r.PostFormValue("title"), r.PostFormValue("issuer"), r.PostFormValue("body")
	}
	return h.s.render(w, status, "brief", pg)
}

func (h *reportHandlers) briefEditPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	err = h.rep.EditBrief(r.Context(), p, id, r.PostFormValue("title"), r.PostFormValue("issuer"), r.PostFormValue("body"))
	if errs.KindOf(err) == errs.Invalid {
		// Show the form again with what was typed and what is wrong.
		return h.briefPage(w, r.WithContext(contextWithFormError(r.Context(), errs.As(err))), p)
	}
	if err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/supervise/briefs/%d", id), msg.T("common.saved"))
	return nil
}

func (h *reportHandlers) briefPublishPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.rep.PublishBrief(r.Context(), p, id); err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/supervise/briefs/%d", id), msg.T("brief.issued"))
	return nil
}

func (h *reportHandlers) briefPrintPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	b, err := h.brief(r, p)
	if err != nil {
		return err
	}
	pg := briefPage{Page: h.s.page(r, p, "report.brief"), B: b}
	pg.Title = msg.T("brief.heading", b.IssueNo)
	return h.s.render(w, http.StatusOK, "brief_print", pg)
}

func (h *reportHandlers) briefDocx(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	b, err := h.brief(r, p)
	if err != nil {
		return err
	}
	return h.sendDocx(w, r, p, b)
}

func (h *reportHandlers) sendDocx(w http.ResponseWriter, r *http.Request, p *auth.Principal, b report.Brief) error {
	data, err := report.Docx(b)
	if err != nil {
		return errs.Wrap(err, "docx")
	}
	if err := audit.RecordNow(r.Context(), h.s.db, p.Actor(), "brief.export", fmt.Sprintf("brief:%d", b.ID), map[string]any{"format": "docx"}, audit.OK); err != nil {
		return err
	}
	name := msg.T("brief.docxFile", b.IssueNo)
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
	w.Header().Set("Content-Disposition", "attachment; filename=\"brief.docx\"; filename*=UTF-8''"+urlPathEscape(name))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(data)
	return nil
}

func (h *reportHandlers) briefDraftAPI(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in report.BriefInput
	if r.ContentLength != 0 {
		if err := decodeJSON(r, &in); err != nil {
			return err
		}
	}
	id, err := h.rep.DraftBrief(r.Context(), p, in)
	if err != nil {
		return err
	}
	b, err := h.rep.Brief(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, b)
	return nil
}

// briefAPI answers /api/v1/briefs/{id} (JSON) and /api/v1/briefs/{id}.docx:
// the mux cannot match a wildcard followed by a suffix in one segment.
func (h *reportHandlers) briefAPI(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	file := r.PathValue("file")
	raw, docx := strings.CutSuffix(file, ".docx")
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return errs.NotFoundf(msg.T("noun.brief"))
	}
	b, err := h.rep.Brief(r.Context(), p, id)
	if err != nil {
		return err
	}
	if docx {
		return h.sendDocx(w, r, p, b)
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}
