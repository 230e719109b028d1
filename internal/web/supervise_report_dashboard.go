package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/auth"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
	"xuejiangping/internal/report"
)

type reportHandlers struct {
	s   *Server
	rep *report.Service
}

type dashboardPage struct {
	Page
	D       *report.Dashboard
	Charts  []template.HTML
	Query   string
	IsAdmin bool
}

func (h *reportHandlers) dashboard(r *http.Request, p *auth.Principal) (*report.Dashboard, error) {
	q := r.URL.Query()
	var orgID int64
	if v := q.Get("org"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return nil, errs.E(errs.Invalid, "bad_org", msg.T("dash.badOrg"))
		}
		orgID = n
	}
	return h.rep.Dashboard(r.Context(), p, strings.TrimSpace(q.Get("round")), orgID)
}

func (h *reportHandlers) dashboardPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	d, err := h.dashboard(r, p)
	if err != nil {
		return err
	}
	pg := dashboardPage{Page: h.s.page(r, p, "report.dashboard"), D: d, IsAdmin: p.Has(auth.Admin),
		Query: fmt.Sprintf("round=%s&org=%d", d.Round, d.Org.ID)}
	pg.Title = d.Org.Name + " · " + pg.Title
	for _, c := range d.Charts() {
		// The SVG is built by report.BarChart/LineChart, which escape every text.
		pg.Charts = append(pg.Charts, template.HTML(c)) //nolint:gosec
	}
	return h.s.render(w, http.StatusOK, "dashboard", pg)
}

func (h *reportHandlers) dashboardXlsx(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	d, err := h.dashboard(r, p)
	if err != nil {
		return err
	}
	b, err := d.Xlsx()
	if err != nil {
		return errs.Wrap(err, "dashboard xlsx")
	}
	if err := audit.RecordNow(r.Context(), h.s.db, p.Actor(), "dashboard.export", fmt.Sprintf("org:%d", d.Org.ID), map[string]any{"round": d.Round}, audit.OK); err != nil {
		return err
	}
	sendFile(w, msg.T("dash.exportFile", d.Org.Name, d.Round), b)
	return nil
}

func (h *reportHandlers) rebuildPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	n, err := h.rep.Rebuild(r.Context())
	if err != nil {
		return err
	}
	if err := audit.RecordNow(r.Context(), h.s.db, p.Actor(), "dashboard.rebuild", "report", map[string]any{"rounds": n}, audit.OK); err != nil {
		return err
	}
	redirect(w, r, "/supervise/dashboard", msg.T("dash.recounted", n))
	return nil
}

func (h *reportHandlers) dashboardAPI(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	d, err := h.dashboard(r, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

type similarPage struct {
	Page
	Round     string
	Rounds    []report.RoundOpt
	Pairs     []report.SpeechPair
	Threshold float64
	IsAdmin   bool
}

func (h *reportHandlers) similarPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	ctx := r.Context()
	pairs, th, err := h.rep.SimilarPairs(ctx, p, r.URL.Query().Get("round"), 0)
	if err != nil {
		return err
	}
	pg := similarPage{Page: h.s.page(r, p, "report.similar"), Pairs: pairs, Threshold: th, IsAdmin: p.Has(auth.Admin), Round: r.URL.Query().Get("round")}
	rs, err := h.s.rounds.Rounds(ctx, 0)
	if err != nil {
		return err
	}
	for _, x := range rs {
		pg.Rounds = append(pg.Rounds, report.RoundOpt{Key: x.Key(), Label: x.Label()})
	}
	if pg.Round == "" && len(rs) > 0 {
		pg.Round = rs[0].Key()
	}
	return h.s.render(w, http.StatusOK, "similar", pg)
}

func (h *reportHandlers) thresholdPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := h.rep.SetThreshold(r.Context(), p, r.PostFormValue("threshold")); err != nil {
		return err
	}
	redirect(w, r, "/supervise/similar", msg.T("similar.thresholdSaved"))
	return nil
}

func (h *reportHandlers) similarAPI(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var th float64
	if v := r.URL.Query().Get("threshold"); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0.5 || f > 1 {
			return errs.E(errs.Invalid, "bad_threshold", msg.T("similar.badThreshold"))
		}
		th = f
	}
	pairs, used, err := h.rep.SimilarPairs(r.Context(), p, r.URL.Query().Get("round"), th)
	if err != nil {
		return err
	}
	if pairs == nil {
		pairs = []report.SpeechPair{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"threshold": used, "pairs": pairs})
	return nil
}
