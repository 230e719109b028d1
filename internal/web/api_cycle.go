package web

import (
	"net/http"
	"strconv"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/meeting"
	"xuejiangping/internal/points"
	"xuejiangping/internal/rectify"
	"xuejiangping/internal/round"
)

type roundJSON struct {
	Key         string `json:"id"`
	Label       string `json:"label"`
	Due         string `json:"due"`
	WindowStart string `json:"window_start"`
	WindowEnd   string `json:"window_end"`
	Current     bool   `json:"current"`
}

func (s *Server) apiRounds(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	year, _ := strconv.Atoi(r.URL.Query().Get("year"))
	rs, err := s.rounds.Rounds(r.Context(), year)
	if err != nil {
		return err
	}
	cur, _, err := s.rounds.Current(r.Context())
	if err != nil {
		return err
	}
	out := []roundJSON{}
	for _, x := range rs {
		out = append(out, roundJSON{x.Key(), x.Label(), x.Due.String(), x.FirstDay().String(), x.LastDay().String(), x.Key() == cur.Key()})
	}
	writeJSON(w, http.StatusOK, map[string]any{"rounds": out})
	return nil
}

func (s *Server) apiCompliance(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	org, _ := parseInt64(r.URL.Query().Get("org"))
	units, err := s.rounds.Compliance(r.Context(), p, r.PathValue("id"), org)
	if err != nil {
		return err
	}
	if units == nil {
		units = []round.UnitStatus{}
	}
	sum := map[string]int{}
	for st, n := range round.Summary(units) {
		sum[string(st)] = n
	}
	writeJSON(w, http.StatusOK, map[string]any{"round": r.PathValue("id"), "summary": sum, "units": units})
	return nil
}

func (s *Server) apiNotices(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	ns, err := s.rounds.Notices(r.Context(), p, r.URL.Query().Get("round"))
	if err != nil {
		return err
	}
	if ns == nil {
		ns = []round.Notice{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"notices": ns})
	return nil
}

func (s *Server) apiNoticeCreate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in round.NoticeInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	id, err := s.rounds.Publish(r.Context(), p, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": id})
	return nil
}

func (s *Server) apiNoticeRead(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.rounds.MarkRead(r.Context(), p, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiNoticeReceipts(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	rs, err := s.rounds.Receipts(r.Context(), p, id)
	if err != nil {
		return err
	}
	unread := []round.Receipt{}
	for _, x := range rs {
		if !x.Read {
			unread = append(unread, x)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"receipts": rs, "unread": unread})
	return nil
}

func (s *Server) apiPostpone(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in struct {
		OrgID    int64  `json:"org_id"`
		RoundKey string `json:"round_key"`
		Reason   string `json:"reason"`
		NewDate  string `json:"new_date"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.rounds.RequestPostponement(r.Context(), p, in.OrgID, in.RoundKey, in.Reason, in.NewDate); err != nil {
		return err
	}
	w.WriteHeader(http.StatusCreated)
	return nil
}

func (s *Server) apiPostponeDecide(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Approve bool `json:"approve"`
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.rounds.DecidePostponement(r.Context(), p, id, in.Approve); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiMeetingPlan(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in meeting.PlanInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	id, err := s.meetings.Plan(r.Context(), p, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": id})
	return nil
}

func (s *Server) apiMeetingGet(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	m, err := s.meetings.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

// meetingWrite decodes a body into v and runs a meeting action.
func meetingWrite[T any](w http.ResponseWriter, r *http.Request, act func(id int64, in T) error) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in T
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := act(id, in); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) apiSelfStudy(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	type body struct {
		MaterialID int64 `json:"material_id"`
	}
	return meetingWrite(w, r, func(id int64, in body) error { return s.meetings.SelfStudy(r.Context(), p, id, in.MaterialID) })
}

func (s *Server) apiSignIn(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return meetingWrite(w, r, func(id int64, in meeting.SignInInput) error {
		return s.meetings.SignIn(r.Context(), p, id, in, s.signKey)
	})
}

func (s *Server) apiSpeech(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return meetingWrite(w, r, func(id int64, in meeting.SpeechInput) error { return s.meetings.SaveSpeech(r.Context(), p, id, in) })
}

func (s *Server) apiReview(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return meetingWrite(w, r, func(id int64, in meeting.ReviewInput) error { return s.meetings.SaveReview(r.Context(), p, id, in) })
}

func (s *Server) apiProblem(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in rectify.Input
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	in.MeetingID, in.Source = id, "meeting"
	rid, err := s.rectify.Raise(r.Context(), p, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": rid})
	return nil
}

func (s *Server) apiFinalize(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	type body struct {
		Summary string `json:"summary"`
	}
	return meetingWrite(w, r, func(id int64, in body) error { return s.meetings.Finalize(r.Context(), p, id, in.Summary) })
}

func (s *Server) apiLedger(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	fl, _ := ledgerFilter(r, p)
	items, err := s.rectify.Ledger(r.Context(), p, fl)
	if err != nil {
		return err
	}
	if items == nil {
		items = []rectify.Item{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"rectifications": items})
	return nil
}

func (s *Server) apiRectUpdate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in rectify.Change
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	it, err := s.rectify.Update(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, it)
	return nil
}

func (s *Server) apiTraining(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	orders, err := s.rectify.TrainingOrders(r.Context(), p)
	if err != nil {
		return err
	}
	groups := rectify.ByTopic(orders)
	if groups == nil {
		groups = []rectify.TopicGroup{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"topics": groups})
	return nil
}

func (s *Server) apiTrainingCreate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in rectify.TrainingInput
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	id, err := s.rectify.OrderTraining(r.Context(), p, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": id})
	return nil
}

func (s *Server) apiPoints(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	ctx := r.Context()
	mine, err := points.For(ctx, s.db, p.MemberID)
	if err != nil {
		return err
	}
	out := map[string]any{"mine": mine}
	if on, _ := points.Enabled(ctx, s.db); on && p.Has(auth.Readers...) {
		var units []points.UnitOutcome
		for _, sc := range p.Scopes(auth.Readers...) {
			u, err := points.UnitOutcomes(ctx, s.db, sc)
			if err != nil {
				return err
			}
			units = append(units, u...)
		}
		out["unit_outcomes"] = units
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
