package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/meeting"
	"xuejiangping/internal/msg"
	"xuejiangping/internal/supervise"
)

type columnPage struct {
	Page
	Items     []supervise.Exemplar
	TaskForce bool
}

func (h *superviseHandlers) columnPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	tf := supervise.TaskForce(p)
	items, err := h.sv.Column(r.Context(), p, tf)
	if err != nil {
		return err
	}
	return h.s.render(w, http.StatusOK, "exemplars", columnPage{Page: h.s.page(r, p, "exemplar.title"), Items: items, TaskForce: tf})
}

type exemplarPage struct {
	Page
	E         supervise.Exemplar
	TaskForce bool
}

func (h *superviseHandlers) exemplarPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	e, err := h.sv.Exemplar(r.Context(), p, id)
	if err != nil {
		return err
	}
	pg := exemplarPage{Page: h.s.page(r, p, "exemplar.title"), E: e, TaskForce: supervise.TaskForce(p)}
	pg.Title = e.Title
	return h.s.render(w, http.StatusOK, "exemplar", pg)
}

type exemplarNewPage struct {
	Page
	MeetingID int64
	M         *meeting.Meeting
	In        supervise.ExemplarInput
}

// exemplarNewPage asks for a meeting number, then offers the meeting and
// its speeches to pick from.
func (h *superviseHandlers) exemplarNewPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !supervise.TaskForce(p) {
		return errs.Forbid()
	}
	pg := exemplarNewPage{Page: h.s.page(r, p, "exemplar.new")}
	idText := r.URL.Query().Get("meeting")
	if r.Method == http.MethodPost {
		idText = r.PostFormValue("meeting_id")
		pg.In = exemplarForm(r)
	}
	if id, err := strconv.ParseInt(idText, 10, 64); err == nil && id > 0 {
		m, err := h.s.meetings.Get(r.Context(), p, id)
		if err != nil {
			return err
		}
		pg.MeetingID, pg.M = id, m
	}
	return h.formPage(w, r, &pg.Page, "exemplar_new", pg)
}

// exemplarForm reads the form: "target" is "meeting" or "s<speech id>";
// for a speech, "kind" may be left to the service to judge.
func exemplarForm(r *http.Request) supervise.ExemplarInput {
	in := supervise.ExemplarInput{Kind: r.PostFormValue("kind"), Title: r.PostFormValue("title"), Citation: r.PostFormValue("citation"), Publish: r.PostFormValue("publish") == "1"}
	in.MeetingID, _ = strconv.ParseInt(r.PostFormValue("meeting_id"), 10, 64)
	switch t := r.PostFormValue("target"); {
	case t == "meeting":
		in.Kind = string(supervise.KindMeeting)
	case strings.HasPrefix(t, "s"):
		in.SpeechID, _ = strconv.ParseInt(t[1:], 10, 64)
		if in.Kind == string(supervise.KindMeeting) {
			in.Kind = ""
		}
	default:
		in.Kind = "none"
	}
	return in
}

func (h *superviseHandlers) exemplarPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := h.sv.MarkExemplar(r.Context(), p, exemplarForm(r))
	if err != nil {
		return h.orForm(r, err, func() error { return h.exemplarNewPage(w, r, p) })
	}
	redirect(w, r, fmt.Sprintf("/exemplars/%d", id), msg.T("exemplar.selected"))
	return nil
}

func (h *superviseHandlers) exemplarPublishPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	publish := r.PostFormValue("publish") == "1"
	if err := h.sv.SetPublished(r.Context(), p, id, publish); err != nil {
		return err
	}
	flash := msg.T("exemplar.unpublishedFlash")
	if publish {
		flash = msg.T("exemplar.publishedFlash")
	}
	redirect(w, r, fmt.Sprintf("/exemplars/%d", id), flash)
	return nil
}

// feed serves the column as Atom 1.0, without a session: a feed reader of
// the unit's new-media account fetches it. Only published exemplars are in
// it, and only their citation, unit and speaker.
func (h *superviseHandlers) feed(w http.ResponseWriter, r *http.Request, _ *auth.Principal) error {
	ctx := r.Context()
	items, updated, err := h.sv.Feed(ctx, 50)
	if err != nil {
		return err
	}
	var district string
	if err := h.s.db.QueryRow(ctx, `SELECT name FROM orgs WHERE parent_id IS NULL ORDER BY id LIMIT 1`).Scan(&district); err != nil {
		district = ""
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	base := scheme + "://" + r.Host
	meta := supervise.FeedMeta{Title: msg.T("exemplar.feedTitle", districtShort(district)), Author: msg.T("exemplar.feedAuthor", district),
		SelfURL: base + r.URL.Path, SiteURL: base + "/exemplars", Updated: updated}
	b, err := supervise.AtomFeed(meta, items)
	if err != nil {
		return err
	}
	if m := r.Header.Get("If-Modified-Since"); m != "" {
		if t, err := http.ParseTime(m); err == nil && !updated.Truncate(1e9).After(t) {
			w.WriteHeader(http.StatusNotModified)
			return nil
		}
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	w.Header().Set("Last-Modified", updated.UTC().Format(http.TimeFormat))
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(b)
	return nil
}

// districtShort turns "二七区" into "二七", the column's name being 先锋二七.
func districtShort(name string) string {
	r := []rune(name)
	if len(r) > 1 && r[len(r)-1] == '区' {
		return string(r[:len(r)-1])
	}
	return name
}
