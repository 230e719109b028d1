package web

import (
	"net/http"
	"strconv"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
	"xuejiangping/internal/rectify"
	"xuejiangping/internal/supervise"
)

// apiSitIn signs up for a meeting, or with scores records the assessment.
func (h *superviseHandlers) apiSitIn(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in struct {
		MeetingID int64             `json:"meeting_id"`
		Scores    *supervise.Scores `json:"scores"`
		Comments  string            `json:"comments"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if in.MeetingID <= 0 {
		return errs.E(errs.Invalid, "no_meeting", msg.T("sitin.noMeeting"))
	}
	if in.Scores == nil {
		id, err := h.sv.SignUp(r.Context(), p, in.MeetingID)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusCreated, map[string]any{"id": id})
		return nil
	}
	id, err := h.sv.Record(r.Context(), p, in.MeetingID, supervise.RecordInput{Scores: *in.Scores, Comments: in.Comments})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": id})
	return nil
}

func (h *superviseHandlers) apiSitIns(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	q := r.URL.Query().Get("meeting")
	if q == "" {
		list, err := h.sv.List(r.Context(), p, supervise.SitInFilter{Mine: r.URL.Query().Get("mine") == "1", Limit: 500})
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, map[string]any{"sitins": svList(list)})
		return nil
	}
	id, err := strconv.ParseInt(q, 10, 64)
	if err != nil || id <= 0 {
		return errs.E(errs.Invalid, "bad_meeting", msg.T("sitin.badMeeting"))
	}
	list, err := h.sv.ForMeeting(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"meeting_id": id, "sitins": svList(list)})
	return nil
}

func svList[T any](v []T) []T {
	if v == nil {
		return []T{}
	}
	return v
}

func (h *superviseHandlers) apiSitInProblem(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in rectify.Input
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	rid, err := h.sv.RaiseProblem(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"rectification_id": rid})
	return nil
}

func (h *superviseHandlers) apiCalendar(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	from, days := sitinWindow(r)
	list, err := h.sv.Calendar(r.Context(), p, from, from.AddDate(0, 0, days))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"from": from.Format("2006-01-02"), "days": days, "meetings": svList(list)})
	return nil
}

func (h *superviseHandlers) apiDecisions(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	list, err := h.sv.OpenDecisions(r.Context(), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"decisions": svList(list)})
	return nil
}
