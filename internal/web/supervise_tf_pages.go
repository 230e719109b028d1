package web

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
	"xuejiangping/internal/org"
	"xuejiangping/internal/supervise"
)

// ---- the hub ----------------------------------------------------------------

type superviseHubPage struct {
	Page
	TaskForce bool
	Open      []supervise.Decision
	Overdue   int
}

func (h *superviseHandlers) hubPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if !p.Has(auth.Admin, auth.TaskForce, auth.Leader) {
		return errs.Forbid()
	}
	pg := superviseHubPage{Page: h.s.page(r, p, "supervise.title"), TaskForce: supervise.TaskForce(p)}
	if pg.TaskForce {
		open, err := h.sv.OpenDecisions(r.Context(), p)
		if err != nil {
			return err
		}
		for _, d := range open {
			if d.Overdue {
				pg.Overdue++
			}
		}
		pg.Open = open
	}
	return h.s.render(w, http.StatusOK, "supervise", pg)
}

// formPage re-shows a form page with the error of a failed post, or runs
// the page normally.
func (h *superviseHandlers) formPage(w http.ResponseWriter, r *http.Request, pg *Page, name string, data any) error {
	status := http.StatusOK
	if e := formErrorFrom(r.Context()); e != nil {
		pg.Error, pg.FieldErrors = e.Message, e.Fields
		status = statusOf(e.Kind)
	}
	return h.s.render(w, status, name, data)
}

// orForm re-renders page with err when it is the user's mistake.
func (h *superviseHandlers) orForm(r *http.Request, err error, page func() error) error {
	e := errs.As(err)
	if e.Kind == errs.Internal || e.Kind == errs.NotFound || e.Kind == errs.Forbidden {
		return err
	}
	return h.s.withError(r, e, page)
}

// ---- 日碰头 ----------------------------------------------------------------

type standupsPage struct {
	Page
	Days  []standupDay
	Today string
	Mine  string // p's note of today, to edit
}

type standupDay struct {
	Day   string
	Notes []supervise.Standup
}

func (h *superviseHandlers) standupsPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	today := time.Now().In(zone)
	list, err := h.sv.Standups(r.Context(), p, today.AddDate(0, 0, -13).Format("2006-01-02"), today.Format("2006-01-02"))
	if err != nil {
		return err
	}
	pg := standupsPage{Page: h.s.page(r, p, "supervise.standups"), Today: today.Format("2006-01-02")}
	for _, st := range list {
		if len(pg.Days) == 0 || pg.Days[len(pg.Days)-1].Day != st.Day {
			pg.Days = append(pg.Days, standupDay{Day: st.Day})
		}
		pg.Days[len(pg.Days)-1].Notes = append(pg.Days[len(pg.Days)-1].Notes, st)
		if st.Day == pg.Today && st.UserID == p.UserID {
			pg.Mine = st.Body
		}
	}
	if r.Method == http.MethodPost {
		pg.Mine = r.PostFormValue("body")
	}
	return h.formPage(w, r, &pg.Page, "taskforce_standups", pg)
}

func (h *superviseHandlers) standupPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	if err := h.sv.SaveStandup(r.Context(), p, r.PostFormValue("day"), r.PostFormValue("body")); err != nil {
		return h.orForm(r, err, func() error { return h.standupsPage(w, r, p) })
	}
	redirect(w, r, "/supervise/standups", msg.T("standup.saved"))
	return nil
}

// ---- 周例会 ----------------------------------------------------------------

// decisionRows is how many decision rows the new-meeting form offers.
const decisionRows = 4

type weekliesPage struct {
	Page
	Weeklies []supervise.Weekly
	Open     []supervise.Decision
	Staff    []supervise.Person
	Rows     []int
	Today    string
}

func (h *superviseHandlers) weekliesPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	ctx := r.Context()
	list, err := h.sv.Weeklies(ctx, p, 52)
	if err != nil {
		return err
	}
	pg := weekliesPage{Page: h.s.page(r, p, "supervise.weekly"), Weeklies: list, Today: time.Now().In(zone).Format("2006-01-02")}
	if pg.Open, err = h.sv.OpenDecisions(ctx, p); err != nil {
		return err
	}
	if pg.Staff, err = h.sv.Staff(ctx, auth.Admin, auth.TaskForce); err != nil {
		return err
	}
	for i := 0; i < decisionRows; i++ {
		pg.Rows = append(pg.Rows, i)
	}
	return h.formPage(w, r, &pg.Page, "taskforce_weekly", pg)
}

func (h *superviseHandlers) weeklyPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	in := supervise.WeeklyInput{HeldOn: r.PostFormValue("held_on"), Title: r.PostFormValue("title"), Attendees: r.PostFormValue("attendees"), Minutes: r.PostFormValue("minutes")}
	for i := 0; i < decisionRows; i++ {
		owner, err := formInt(r, fmt.Sprintf("owner_%d", i))
		if err != nil {
			return h.orForm(r, err, func() error { return h.weekliesPage(w, r, p) })
		}
		in.Decisions = append(in.Decisions, supervise.DecisionInput{Text: r.PostFormValue(fmt.Sprintf("text_%d", i)), OwnerID: owner, Due: r.PostFormValue(fmt.Sprintf("due_%d", i))})
	}
	id, err := h.sv.CreateWeekly(r.Context(), p, in)
	if err != nil {
		return h.orForm(r, err, func() error { return h.weekliesPage(w, r, p) })
	}
	redirect(w, r, fmt.Sprintf("/supervise/weekly/%d", id), msg.T("weekly.saved"))
	return nil
}

type weeklyPage struct {
	Page
	W     supervise.Weekly
	Staff []supervise.Person
}

func (h *superviseHandlers) weeklyPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	wk, err := h.sv.Weekly(r.Context(), p, id)
	if err != nil {
		return err
	}
	pg := weeklyPage{Page: h.s.page(r, p, "supervise.weekly"), W: wk}
	pg.Title = wk.Title
	if pg.Staff, err = h.sv.Staff(r.Context(), auth.Admin, auth.TaskForce); err != nil {
		return err
	}
	return h.formPage(w, r, &pg.Page, "taskforce_weekly_one", pg)
}

func (h *superviseHandlers) decisionPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	owner, err := formInt(r, "owner_id")
	if err == nil {
		err = h.sv.AddDecision(r.Context(), p, id, supervise.DecisionInput{Text: r.PostFormValue("text"), OwnerID: owner, Due: r.PostFormValue("due")})
	}
	if err != nil {
		return h.orForm(r, err, func() error { return h.weeklyPage(w, r, p) })
	}
	redirect(w, r, fmt.Sprintf("/supervise/weekly/%d", id), msg.T("weekly.decisionAdded"))
	return nil
}

func (h *superviseHandlers) decisionDonePost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	back := "/supervise/weekly"
	if wid, err := parseInt64(r.PostFormValue("weekly_id")); err == nil && wid > 0 {
		back = fmt.Sprintf("/supervise/weekly/%d", wid)
	}
	if err := h.sv.CompleteDecision(r.Context(), p, id, r.PostFormValue("note")); err != nil {
		return err
	}
	redirect(w, r, back, msg.T("weekly.marked"))
	return nil
}

// ---- 月观摩 ----------------------------------------------------------------

type observationsPage struct {
	Page
	Month     string
	Prev      string
	Next      string
	Lines     []supervise.Observation
	Done      int
	Units     []org.Unit
	Observers []supervise.Person
}

func (h *superviseHandlers) observationsPage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	ctx := r.Context()
	month := r.URL.Query().Get("month")
	if r.Method == http.MethodPost {
		month = r.PostFormValue("month")
	}
	m, err := time.ParseInLocation("2006-01", month, zone)
	if err != nil {
		m = time.Now().In(zone)
		m = time.Date(m.Year(), m.Month(), 1, 0, 0, 0, 0, zone)
	}
	month = m.Format("2006-01")
	lines, err := h.sv.Observations(ctx, p, month)
	if err != nil {
		return err
	}
	pg := observationsPage{Page: h.s.page(r, p, "supervise.observations"), Month: month, Lines: lines,
		Prev: m.AddDate(0, -1, 0).Format("2006-01"), Next: m.AddDate(0, 1, 0).Format("2006-01")}
	for _, l := range lines {
		if l.Done() {
			pg.Done++
		}
	}
	if pg.Observers, err = h.sv.Staff(ctx, auth.Admin, auth.TaskForce, auth.Leader); err != nil {
		return err
	}
	if pg.Units, err = h.unitsInScope(r, p); err != nil {
		return err
	}
	return h.formPage(w, r, &pg.Page, "taskforce_observations", pg)
}

// unitsInScope lists the activity units under p's reading scopes.
func (h *superviseHandlers) unitsInScope(r *http.Request, p *auth.Principal) ([]org.Unit, error) {
	var out []org.Unit
	seen := map[int64]bool{}
	for _, path := range p.Scopes(auth.Readers...) {
		us, err := org.Units(r.Context(), h.s.db, path)
		if err != nil {
			return nil, err
		}
		for _, u := range us {
			if !seen[u.ID] {
				seen[u.ID] = true
				if u.Branch != "" {
					u.Name = u.Branch + " " + u.Name
				}
				out = append(out, u)
			}
		}
	}
	return out, nil
}

func (h *superviseHandlers) observationPost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	unit, err := formInt(r, "org_id")
	var observer int64
	if err == nil {
		observer, err = formInt(r, "observer_id")
	}
	month := strings.TrimSpace(r.PostFormValue("month"))
	if err == nil {
		_, err = h.sv.PlanObservation(r.Context(), p, supervise.ObservationInput{Month: month, OrgID: unit, ObserverID: observer, Note: r.PostFormValue("note")})
	}
	if err != nil {
		return h.orForm(r, err, func() error { return h.observationsPage(w, r, p) })
	}
	redirect(w, r, "/supervise/observations?month="+month, msg.T("observe.added"))
	return nil
}

func (h *superviseHandlers) observationDeletePost(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.sv.DeleteObservation(r.Context(), p, id); err != nil {
		return err
	}
	redirect(w, r, "/supervise/observations?month="+r.PostFormValue("month"), msg.T("observe.deleted"))
	return nil
}
