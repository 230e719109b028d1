package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
	"xuejiangping/internal/study"
)

type libraryPage struct {
	Page
	Res      study.Result
	F        study.Filter
	Cats     []kindOpt
	Tags     []string
	Unread   []study.Assignment
	IsMember bool
	CanWrite bool
	Prev     string // query strings of the neighbouring pages, "" if none
	Next     string
}

func (h *studyWeb) libraryPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	ctx := r.Context()
	f := libraryFilter(r)
	res, err := h.lib.List(ctx, p, f)
	if err != nil {
		return err
	}
	pg := libraryPage{Page: h.page(r, p, "library.title"), Res: res, F: f, IsMember: p.MemberID != 0, CanWrite: study.CanWrite(p)}
	for _, c := range study.Categories() {
		pg.Cats = append(pg.Cats, kindOpt{string(c), c.Label()})
	}
	if pg.Tags, err = h.lib.Tags(ctx, p); err != nil {
		return err
	}
	if pg.Unread, err = h.lib.Unread(ctx, p); err != nil {
		return err
	}
	pg.Prev, pg.Next = pageLinks(r.URL.Query(), res)
	return h.render(w, http.StatusOK, "library", pg)
}

// pageLinks keeps the filters and moves the page number.
func pageLinks(q url.Values, res study.Result) (prev, next string) {
	link := func(n int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("page", strconv.Itoa(n))
		return "?" + v.Encode()
	}
	if res.Page > 1 {
		prev = link(res.Page - 1)
	}
	if res.Page < res.Pages {
		next = link(res.Page + 1)
	}
	return prev, next
}

type materialPage struct {
	Page
	M        *study.Material
	Body     template.HTML
	IsMember bool
	Reads    int
}

func (h *studyWeb) materialPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	m, err := h.lib.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	pg := materialPage{Page: h.page(r, p, "library.title"), M: m, Body: study.RenderMarkdown(m.Body), IsMember: p.MemberID != 0}
	pg.Title = m.Title
	if m.CanEdit {
		if pg.Reads, err = h.lib.ReadCount(r.Context(), id); err != nil {
			return err
		}
	}
	status := http.StatusOK
	if e := formErrorFrom(r.Context()); e != nil {
		pg.Error, pg.FieldErrors, status = e.Message, e.Fields, statusOf(e.Kind)
	}
	return h.render(w, status, "material", pg)
}

type materialFormPage struct {
	Page
	ID      int64 // 0: new
	In      study.Input
	TagText string
	Cats    []kindOpt
	Orgs    []unitOpt // where the author may file it; ID 0 = district-wide
}

// orgChoices are the places p may file a material: district-wide for the
// admin, their own unit(s) for a secretary.
func orgChoices(p *auth.Principal) []unitOpt {
	var out []unitOpt
	if p.Has(auth.Admin) {
		out = append(out, unitOpt{0, msg.T("library.scopeDistrict")})
	}
	for _, g := range p.Grants {
		if g.Role == auth.Secretary {
			out = append(out, unitOpt{g.OrgID, msg.T("library.scopeUnit", g.OrgName)})
		}
	}
	return out
}

func (h *studyWeb) materialForm(w http.ResponseWriter, r *http.Request, p *auth.Principal, id int64, in study.Input) error {
	pg := materialFormPage{Page: h.page(r, p, "library.new"), ID: id, In: in, TagText: strings.Join(in.Tags, "，"), Orgs: orgChoices(p)}
	if id != 0 {
		pg.Title = msg.T("library.editTitle")
	}
	for _, c := range study.Categories() {
		pg.Cats = append(pg.Cats, kindOpt{string(c), c.Label()})
	}
	status := http.StatusOK
	if e := formErrorFrom(r.Context()); e != nil {
		pg.Error, pg.FieldErrors, status = e.Message, e.Fields, statusOf(e.Kind)
	}
	return h.render(w, status, "material_form", pg)
}

func (h *studyWeb) materialNewPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	in := study.Input{PublishedOn: study.Today(h.lib.Now()), Category: string(study.CategorySpeeches)}
	if !p.Has(auth.Admin) {
		in.Category = string(study.CategoryPolicy)
	}
	return h.materialForm(w, r, p, 0, in)
}

func (h *studyWeb) materialEditPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	m, err := h.lib.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	if !m.CanEdit {
		return errs.Forbid()
	}
	in := study.Input{Title: m.Title, Source: m.Source, PublishedOn: m.PublishedOn, Category: string(m.Category), Body: m.Body, Tags: m.Tags, OrgID: m.OrgID}
	return h.materialForm(w, r, p, id, in)
}

func materialInput(r *http.Request) (study.Input, error) {
	org, err := formInt(r, "org_id")
	if err != nil {
		return study.Input{}, err
	}
	return study.Input{Title: r.PostFormValue("title"), Source: r.PostFormValue("source"), PublishedOn: r.PostFormValue("published_on"),
		Category: r.PostFormValue("category"), Body: r.PostFormValue("body"), Tags: study.SplitTags(r.PostFormValue("tags")), OrgID: org}, nil
}

// formFailure re-shows a form with a validation error; other errors
// (not found, forbidden, internal) go to the error page.
func (h *studyWeb) formFailure(r *http.Request, err error, show func() error) error {
	e := errs.As(err)
	if e.Kind == errs.Internal || e.Kind == errs.NotFound || e.Kind == errs.Forbidden {
		return err
	}
	return h.withError(r, e, show)
}

func (h *studyWeb) materialCreatePost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	in, err := materialInput(r)
	if err == nil {
		var id int64
		if id, err = h.lib.Create(r.Context(), p, in); err == nil {
			redirect(w, r, fmt.Sprintf("/library/%d", id), msg.T("library.published"))
			return nil
		}
	}
	return h.formFailure(r, err, func() error { return h.materialForm(w, r, p, 0, in) })
}

func (h *studyWeb) materialUpdatePost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	in, err := materialInput(r)
	if err == nil {
		if err = h.lib.Update(r.Context(), p, id, in); err == nil {
			redirect(w, r, fmt.Sprintf("/library/%d", id), msg.T("library.saved"))
			return nil
		}
	}
	return h.formFailure(r, err, func() error { return h.materialForm(w, r, p, id, in) })
}

func (h *studyWeb) materialReadPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	read := r.PostFormValue("read") != "0"
	if err := h.lib.MarkRead(r.Context(), p, id, read); err != nil {
		return err
	}
	notice := msg.T("library.marked")
	if !read {
		notice = msg.T("library.unmarked")
	}
	redirect(w, r, fmt.Sprintf("/library/%d", id), notice)
	return nil
}

func (h *studyWeb) attachPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	name, data, err := uploadedFile(w, r)
	if err == nil {
		if _, err = h.lib.Attach(r.Context(), p, id, name, data); err == nil {
			redirect(w, r, fmt.Sprintf("/library/%d", id), msg.T("library.fileUploaded"))
			return nil
		}
	}
	return h.formFailure(r, err, func() error { return h.materialPage(w, r, p) })
}

func (h *studyWeb) attachmentFile(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	fid, err := pathID(r, "fid")
	if err != nil {
		return err
	}
	a, data, err := h.lib.File(r.Context(), p, id, fid)
	if err != nil {
		return err
	}
	// Always a download, never shown inline: the browser must not render
	// an uploaded file in the platform's origin.
	w.Header().Set("Content-Type", a.Mime)
	w.Header().Set("Content-Disposition", "attachment; filename=\"attachment\"; filename*=UTF-8''"+urlPathEscape(a.Name))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "private, no-store")
	_, _ = w.Write(data)
	return nil
}

func (h *studyWeb) detachPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	fid, err := pathID(r, "fid")
	if err != nil {
		return err
	}
	if err := h.lib.Detach(r.Context(), p, id, fid); err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/library/%d", id), msg.T("library.fileDeleted"))
	return nil
}
