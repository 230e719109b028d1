package web

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"time"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/auth"
	"xuejiangping/internal/contest"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/live"
	"xuejiangping/internal/msg"
)

type contestResultsPage struct {
	Page
	R       live.Results
	Stage   contest.Advancement
	Matches []live.StageMatch
	Staff   bool
}

// results is public: the hall and every member may follow the standings.
// Answers are shown only for questions already scored.
func (cw *contestWeb) results(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	res, err := cw.store.Results(r.Context(), id)
	if err != nil {
		return err
	}
	pg := contestResultsPage{Page: cw.s.page(r, p, "contest.results"), R: res}
	pg.Title = res.C.Title + " · " + pg.Title
	if res.C.Series != "" {
		if pg.Stage, pg.Matches, err = cw.store.Stage(r.Context(), res.C.Series); err != nil {
			return err
		}
	}
	a, err := cw.access(r.Context(), p, id)
	if err != nil {
		return err
	}
	pg.Staff = a.manage || a.judge
	return cw.s.render(w, http.StatusOK, "contest_results", pg)
}

// export is for the contest's staff and the admin; it is audited.
func (cw *contestWeb) export(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	c, _, err := cw.loadFor(r, p)
	if err != nil {
		return err
	}
	res, err := cw.store.Results(r.Context(), c.ID)
	if err != nil {
		return err
	}
	b, err := live.ExportXLSX(res)
	if err != nil {
		return err
	}
	if err := audit.RecordNow(r.Context(), cw.s.db, p.Actor(), "contest.export", "contest:"+r.PathValue("id"), nil, audit.OK); err != nil {
		return err
	}
	sendFile(w, msg.T("contest.resultsFile", c.Title), b)
	return nil
}

type contestSummary struct {
	ID     int64  `json:"id"`
	Title  string `json:"title"`
	Kind   string `json:"kind"`
	Series string `json:"series"`
	Stage  string `json:"stage"`
	Round  int    `json:"round"`
	Status string `json:"status"`
}

func (cw *contestWeb) apiList(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	all, err := cw.store.List(r.Context())
	if err != nil {
		return err
	}
	out := []contestSummary{}
	for _, c := range all {
		out = append(out, contestSummary{c.ID, c.Title, c.Kind, c.Series, c.Stage, c.Round, c.Status})
	}
	writeJSON(w, http.StatusOK, map[string]any{"contests": out})
	return nil
}

func (cw *contestWeb) apiState(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	c, _, err := cw.loadFor(r, p)
	if err != nil {
		return err
	}
	h, err := cw.mgr.Hub(r.Context(), c.ID)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	if h.Kind() == "quiz" {
		snap, ok := h.QuizSnapshot(ctx)
		if !ok {
			return errs.E(errs.Unprocessable, "contest_busy", msg.T("contest.busy"))
		}
		writeJSON(w, http.StatusOK, map[string]any{"kind": "quiz", "quiz": snap, "now": int64(h.Now())})
		return nil
	}
	st, ok := h.State(ctx)
	if !ok {
		return errs.E(errs.Unprocessable, "contest_busy", msg.T("contest.busy"))
	}
	writeJSON(w, http.StatusOK, map[string]any{"kind": "match", "state": st.View(contest.RoleHost), "now": int64(h.Now())})
	return nil
}

// apiCommand lets the host or a judge drive a match without a WebSocket
// (scripts, a fallback console). The same authorisation applies: the
// connection's identity, never the body, says who is acting.
func (cw *contestWeb) apiCommand(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	c, a, err := cw.loadFor(r, p)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, contest.MaxCommandSize+1))
	if err != nil {
		return errs.E(errs.Invalid, "command_too_large", msg.T("contest.commandTooLong"))
	}
	cmd, err := contest.DecodeCommand(body)
	if err != nil {
		return errs.E(errs.Invalid, "bad_command", errMessage(err))
	}
	id := live.Identity{Role: contest.RoleAudience}
	switch {
	case cmd.Type.Actor() == contest.ActorHost && a.manage:
		id.Role = contest.RoleHost
	case cmd.Type.Actor() == contest.ActorJudge && a.judge:
		id.Role, id.Judge = contest.RoleJudge, live.JudgeKey(p.UserID)
	}
	if cmd, err = live.Authorize(id, cmd); err != nil {
		return err
	}
	h, err := cw.mgr.Hub(r.Context(), c.ID)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
	defer cancel()
	evs, err := h.Do(ctx, cmd)
	if err != nil {
		return err
	}
	if evs == nil {
		evs = []contest.Event{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": evs})
	return nil
}

var _ = json.Marshal
