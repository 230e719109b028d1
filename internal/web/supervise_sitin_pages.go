package web

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
	"xuejiangping/internal/org"
	"xuejiangping/internal/rectify"
	"xuejiangping/internal/supervise"
)

// ---- the district-wide calendar ------------------------------------------

type sitinCalendarPage struct {
	Page
	From    string
	Days    int
	Prev    string
	Next    string
	Dates   []sitinCalendarDay
	Count   int
	Observe bool // p may sit in somewhere
}

type sitinCalendarDay struct {
	Date    string
	Entries []supervise.CalendarEntry
}

// sitinWindow reads from= (a date, default today) and days= (1–62,
// default 14).
func sitinWindow(r *http.Request) (time.Time, int) {
	q := r.URL.Query()
	from, err := time.ParseInLocation("2006-01-02", q.Get("from"), zone)
	if err != nil {
		n := time.Now().In(zone)
		from = time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, zone)
	}
	days, err := strconv.Atoi(q.Get("days"))
	if err != nil || days < 1 || days > 62 {
		days = 14
	}
	return from, days
}

func (h *superviseHandlers) sitinCalendarPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	from, days := sitinWindow(r)
	list, err := h.sv.Calendar(r.Context(), p, from, from.AddDate(0, 0, days))
	if err != nil {
		return err
	}
	pg := sitinCalendarPage{Page: h.s.page(r, p, "supervise.calendar"), From: from.Format("2006-01-02"), Days: days, Count: len(list),
		Prev: from.AddDate(0, 0, -days).Format("2006-01-02"), Next: from.AddDate(0, 0, days).Format("2006-01-02"),
		Observe: p.Has(auth.Admin, auth.TaskForce, auth.Leader)}
	for _, e := range list {
		d := e.PlannedAt.In(zone).Format("2006-01-02")
		if len(pg.Dates) == 0 || pg.Dates[len(pg.Dates)-1].Date != d {
			pg.Dates = append(pg.Dates, sitinCalendarDay{Date: d})
		}
		pg.Dates[len(pg.Dates)-1].Entries = append(pg.Dates[len(pg.Dates)-1].Entries, e)
	}
	return h.s.render(w, http.StatusOK, "sitin_calendar", pg)
}

// ---- sit-ins ---------------------------------------------------------------

type sitinsPage struct {
	Page
	Items    []supervise.SitIn
	Mine     bool
	Criteria []supervise.Criterion
}

func (h *superviseHandlers) sitinsPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if id, err := parseInt64(r.URL.Query().Get("meeting")); err == nil && id > 0 {
		http.Redirect(w, r, fmt.Sprintf("/meetings/%d/sitins", id), http.StatusSeeOther)
		return nil
	}
	mine := r.URL.Query().Get("mine") == "1"
	list, err := h.sv.List(r.Context(), p, supervise.SitInFilter{Mine: mine, Limit: 300})
	if err != nil {
		return err
	}
	pg := sitinsPage{Page: h.s.page(r, p, "sitin.title"), Items: list, Mine: mine, Criteria: supervise.Criteria}
	return h.s.render(w, http.StatusOK, "sitins", pg)
}

type meetingSitinsPage struct {
	Page
	MeetingID int64
	Unit      org.Unit
	PlannedAt time.Time
	Topic     string
	Finalized bool
	Started   bool
	Items     []supervise.SitIn
	Mine      *supervise.SitIn
	CanSitIn  bool
	TaskForce bool
	Criteria  []supervise.Criterion
	Scores    []int
	Members   []org.MemberBrief
	RectCats  []kindOpt
	Earlier   []rectify.Item // the unit's earlier rectifications, for the follow-up score
	Deadline  string
}

func (h *superviseHandlers) meetingSitinsPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	items, err := h.sv.ForMeeting(ctx, p, id)
	if err != nil {
		return err
	}
	m, err := h.s.meetings.Get(ctx, p, id)
	if err != nil {
		return err
	}
	unit, _, err := org.LoadUnit(ctx, h.s.db, m.OrgID)
	if err != nil {
		return err
	}
	pg := meetingSitinsPage{Page: h.s.page(r, p, "sitin.title"), MeetingID: id, Unit: unit, PlannedAt: m.PlannedAt, Topic: m.Topic,
		Finalized: m.Finalized(), Started: !m.PlannedAt.After(time.Now()), Items: items, CanSitIn: supervise.Capacity(p, unit.Path) != "",
		TaskForce: supervise.TaskForce(p), Criteria: supervise.Criteria, Scores: []int{1, 2, 3, 4, 5},
		Deadline: time.Now().In(zone).AddDate(0, 0, 30).Format("2006-01-02")}
	for i := range items {
		if items[i].UserID == p.UserID {
			pg.Mine = &items[i]
		}
	}
	if pg.CanSitIn {
		if pg.Members, err = org.UnitMembers(ctx, h.s.db, unit.ID); err != nil {
			return err
		}
		for _, c := range rectify.Categories() {
			pg.RectCats = append(pg.RectCats, kindOpt{string(c), c.Label()})
		}
		earlier, err := h.s.rectify.Ledger(ctx, p, rectify.Filter{OrgID: unit.ID})
		if err != nil {
			return err
		}
		for _, it := range earlier {
			if it.CreatedAt.Before(m.PlannedAt) && len(pg.Earlier) < 10 {
				pg.Earlier = append(pg.Earlier, it)
			}
		}
	}
	return h.formPage(w, r, &pg.Page, "sitin_meeting", pg)
}

func (h *superviseHandlers) signUpPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := h.sv.SignUp(r.Context(), p, id); err != nil {
		return err
	}
	back := fmt.Sprintf("/meetings/%d/sitins", id)
	if r.PostFormValue("back") == "calendar" {
		back = "/supervise/calendar?" + r.URL.RawQuery
	}
	redirect(w, r, back, msg.T("sitin.joinedFlash"))
	return nil
}

func (h *superviseHandlers) withdrawPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.sv.Withdraw(r.Context(), p, id); err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/meetings/%d/sitins", id), msg.T("sitin.leftFlash"))
	return nil
}

// formScore reads a 1–5 score; anything unreadable is 0, which the
// service refuses with the criterion named.
func formScore(r *http.Request, key string) int {
	n, err := strconv.Atoi(r.PostFormValue(key))
	if err != nil {
		return 0
	}
	return n
}

func (h *superviseHandlers) recordPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	in := supervise.RecordInput{Comments: r.PostFormValue("comments"), Scores: supervise.Scores{
		Study: formScore(r, "study"), Speak: formScore(r, "speak"), Review: formScore(r, "review"), Followup: formScore(r, "followup")}}
	if _, err := h.sv.Record(r.Context(), p, id, in); err != nil {
		return h.orForm(r, err, func() error { return h.meetingSitinsPage(w, r, p) })
	}
	redirect(w, r, fmt.Sprintf("/meetings/%d/sitins", id), msg.T("sitin.evaluated"))
	return nil
}

func (h *superviseHandlers) sitinProblemPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var meetingID int64
	if err := h.s.db.QueryRow(r.Context(), `SELECT meeting_id FROM sitins WHERE id = ?`, id).Scan(&meetingID); err != nil {
		return errs.NotFoundf(msg.T("noun.sitin"))
	}
	owner, err := formInt(r, "owner_id")
	if err == nil {
		in := rectify.Input{Problem: r.PostFormValue("problem"), Category: r.PostFormValue("category"), OwnerID: owner,
			Measure: r.PostFormValue("measure"), Deadline: r.PostFormValue("deadline")}
		_, err = h.sv.RaiseProblem(r.Context(), p, id, in)
	}
	if err != nil {
		r.SetPathValue("id", strconv.FormatInt(meetingID, 10))
		return h.orForm(r, err, func() error { return h.meetingSitinsPage(w, r, p) })
	}
	redirect(w, r, fmt.Sprintf("/meetings/%d/sitins", meetingID), msg.T("sitin.issueAdded"))
	return nil
}
