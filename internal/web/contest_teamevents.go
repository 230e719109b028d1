package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/contest"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/live"
	"xuejiangping/internal/msg"
)

type teamEventRow struct {
	ID   int64
	Name string
}

func (cw *contestWeb) teamEvents(ctx context.Context) ([]teamEventRow, error) {
	all, err := cw.store.TeamEvents(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]teamEventRow, len(all))
	for i, e := range all {
		out[i] = teamEventRow{e.ID, e.Name}
	}
	return out, nil
}

// registerTeamEvents adds the team events (户外拓展): the admin sets one up
// (teams, projects with their scoring, referees); referees enter results
// on their phones; the standings and the big screen are public, like a
// match's results.
func (cw *contestWeb) registerTeamEvents() {
	s := cw.s
	s.handle("POST", "/teamevents", AdminG, "", cw.teCreate)
	s.handle("GET", "/teamevents/{id}", LoggedIn, "", cw.teManage)
	s.handle("POST", "/teamevents/{id}/teams", AdminG, "", cw.teAddTeam)
	s.handle("POST", "/teamevents/{id}/teams/{key}/delete", AdminG, "", cw.teRemoveTeam)
	s.handle("POST", "/teamevents/{id}/projects", AdminG, "", cw.teAddProject)
	s.handle("POST", "/teamevents/{id}/projects/{key}/delete", AdminG, "", cw.teRemoveProject)
	s.handle("POST", "/teamevents/{id}/referees", AdminG, "", cw.teAddReferee)
	s.handle("POST", "/teamevents/{id}/referees/{uid}/delete", AdminG, "", cw.teRemoveReferee)
	s.handle("GET", "/teamevents/{id}/enter", LoggedIn, "", cw.teEnter)
	s.handle("POST", "/teamevents/{id}/results", LoggedIn, "", cw.teRecord)
	s.handle("GET", "/teamevents/{id}/standings", Public, "", cw.teStandings)
	s.handle("GET", "/teamevents/{id}/screen", Public, "", cw.teScreen)

	s.handle("GET", "/api/v1/teamevents/{id}/standings", LoggedIn, "团体项目（户外拓展）总成绩和各项目名次", cw.apiTEStandings)
	s.handle("POST", "/api/v1/teamevents/{id}/results", LoggedIn, "裁判录入或更正一支队伍在一个项目的成绩", cw.apiTERecord)
}

// referee loads an event for someone who may enter its results: the admin
// or one of its referees. Others are refused (the event itself is public
// through its standings, so 403 rather than 404).
func (cw *contestWeb) referee(r *http.Request, p *auth.Principal) (live.TeamEvent, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return live.TeamEvent{}, err
	}
	e, err := cw.store.TeamEvent(r.Context(), id)
	if err != nil {
		return e, err
	}
	if p.Has(auth.Admin) {
		return e, nil
	}
	ok, err := cw.store.IsReferee(r.Context(), id, p.UserID)
	if err != nil {
		return e, err
	}
	if !ok {
		return e, errs.E(errs.Forbidden, "not_referee", msg.T("te.notReferee"))
	}
	return e, nil
}

func (cw *contestWeb) teCreate(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := cw.store.CreateTeamEvent(r.Context(), p.Actor(), r.FormValue("name"))
	if err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/teamevents/%d", id), msg.T("te.created"))
	return nil
}

type teManagePage struct {
	Page
	E     live.TeamEvent
	B     live.TeamEventBoard
	Admin bool
	Kinds []contest.ProjectScoring
}

func (cw *contestWeb) teManage(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	e, err := cw.referee(r, p)
	if err != nil {
		return err
	}
	b, err := cw.store.TeamEventStandings(r.Context(), e.ID)
	if err != nil {
		return err
	}
	pg := teManagePage{Page: cw.s.page(r, p, "contest.teamevent"), E: e, B: b, Admin: p.Has(auth.Admin),
		Kinds: []contest.ProjectScoring{contest.ScorePoints, contest.ScoreTime, contest.ScoreRank}}
	pg.Title = e.Name
	return cw.s.render(w, http.StatusOK, "teamevent", pg)
}

// teAction runs an admin change and goes back to the event's page.
func (cw *contestWeb) teAction(w http.ResponseWriter, r *http.Request, done string, fn func(id int64) error) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := fn(id); err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/teamevents/%d", id), done)
	return nil
}

func (cw *contestWeb) teAddTeam(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return cw.teAction(w, r, msg.T("te.teamAdded"), func(id int64) error {
		return cw.store.AddTeamEventTeam(r.Context(), p.Actor(), id, r.FormValue("name"), r.FormValue("unit"))
	})
}

func (cw *contestWeb) teRemoveTeam(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return cw.teAction(w, r, msg.T("te.teamRemoved"), func(id int64) error {
		return cw.store.RemoveTeamEventTeam(r.Context(), p.Actor(), id, r.PathValue("key"))
	})
}

func (cw *contestWeb) teAddProject(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return cw.teAction(w, r, msg.T("te.projectAdded"), func(id int64) error {
		return cw.store.AddProject(r.Context(), p.Actor(), id, live.ProjectInput{Name: r.FormValue("name"), Scoring: r.FormValue("scoring"), Placement: r.FormValue("placement")})
	})
}

func (cw *contestWeb) teRemoveProject(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return cw.teAction(w, r, msg.T("te.projectRemoved"), func(id int64) error {
		return cw.store.RemoveProject(r.Context(), p.Actor(), id, r.PathValue("key"))
	})
}

func (cw *contestWeb) teAddReferee(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return cw.teAction(w, r, msg.T("te.refereeAdded"), func(id int64) error {
		return cw.store.AddReferee(r.Context(), p.Actor(), id, r.FormValue("username"))
	})
}

func (cw *contestWeb) teRemoveReferee(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	uid, err := pathID(r, "uid")
	if err != nil {
		return err
	}
	return cw.teAction(w, r, msg.T("te.refereeRemoved"), func(id int64) error {
		return cw.store.RemoveReferee(r.Context(), p.Actor(), id, uid)
	})
}

// teEntry is one team's line on the referee's phone.
type teEntry struct {
	Team  contest.Team
	Value string // as entered so far, shown for correction
	DNF   bool
	By    string
	Bad   bool // the value was refused: shown marked, as typed
}

type teEnterPage struct {
	Page
	E       live.TeamEvent
	Project *contest.Project
	Entries []teEntry
}

// teEnter is the referee's phone page: pick a project, then one small form
// per team (a result saved at once is never lost to a later mistake).
func (cw *contestWeb) teEnter(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	e, err := cw.referee(r, p)
	if err != nil {
		return err
	}
	return cw.s.render(w, http.StatusOK, "teamevent_enter", cw.enterPage(r, p, e, r.URL.Query().Get("project")))
}

func (cw *contestWeb) enterPage(r *http.Request, p *auth.Principal, e live.TeamEvent, key string) teEnterPage {
	pg := teEnterPage{Page: cw.s.page(r, p, "te.enter"), E: e}
	pg.Title = e.Name + " · " + pg.Title
	if i := slices.IndexFunc(e.Cfg.Projects, func(x contest.Project) bool { return x.ID == key }); i >= 0 {
		pr := e.Cfg.Projects[i]
		pg.Project = &pr
		for _, t := range e.Cfg.Teams {
			en := teEntry{Team: t}
			if res, ok := e.Results[pr.ID][t.ID]; ok {
				en.DNF, en.By = res.DNF, res.By
				if !res.DNF {
					en.Value = pr.Scoring.FormatValue(res.Value)
				}
			}
			pg.Entries = append(pg.Entries, en)
		}
	}
	return pg
}

func (cw *contestWeb) teRecord(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	e, err := cw.referee(r, p)
	if err != nil {
		return err
	}
	in := live.ResultInput{Project: r.FormValue("project"), Team: r.FormValue("team"), Value: r.FormValue("value"), DNF: r.FormValue("dnf") == "1"}
	if err := cw.store.RecordResult(r.Context(), p.Actor(), e.ID, in); err != nil {
		if x := errs.As(err); x.Kind == errs.Invalid && in.Project != "" {
			// Back to the same phone form, the typed value kept, the
			// reason on top: the referee corrects it and saves again.
			pg := cw.enterPage(r, p, e, in.Project)
			pg.Error = teamName(e, in.Team) + "：" + x.Message
			for i := range pg.Entries {
				if pg.Entries[i].Team.ID == in.Team {
					pg.Entries[i].Value, pg.Entries[i].Bad = in.Value, true
				}
			}
			return cw.s.render(w, http.StatusBadRequest, "teamevent_enter", pg)
		}
		return err
	}
	redirect(w, r, fmt.Sprintf("/teamevents/%d/enter?project=%s", e.ID, in.Project), msg.T("te.recorded", teamName(e, in.Team)))
	return nil
}

func teamName(e live.TeamEvent, key string) string {
	for _, t := range e.Cfg.Teams {
		if t.ID == key {
			return t.Name
		}
	}
	return key
}

type teBoardPage struct {
	Page
	B      live.TeamEventBoard
	Screen bool
	Bare   bool
}

func (cw *contestWeb) teBoard(w http.ResponseWriter, r *http.Request, p *auth.Principal, screen bool) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	b, err := cw.store.TeamEventStandings(r.Context(), id)
	if err != nil {
		return err
	}
	pg := teBoardPage{Page: cw.s.page(r, p, "te.standings"), B: b, Screen: screen, Bare: screen}
	pg.Title = b.Event.Name + " · " + pg.Title
	return cw.s.render(w, http.StatusOK, "teamevent_board", pg)
}

func (cw *contestWeb) teStandings(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return cw.teBoard(w, r, p, false)
}

// teScreen is the big screen: the same standings, large, refreshed by
// contest.js (or a meta refresh without JavaScript).
func (cw *contestWeb) teScreen(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	return cw.teBoard(w, r, p, true)
}

func (cw *contestWeb) apiTEStandings(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	b, err := cw.store.TeamEventStandings(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": b.Event.ID, "name": b.Event.Name, "standings": b.Standings, "projects": b.Projects,
		"entered": b.Entered, "expected": b.Expected})
	return nil
}

func (cw *contestWeb) apiTERecord(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	e, err := cw.referee(r, p)
	if err != nil {
		return err
	}
	var body struct {
		Project string `json:"project"`
		Team    string `json:"team"`
		Value   string `json:"value"`
		DNF     bool   `json:"dnf"`
	}
	if err := decodeJSON(r, &body); err != nil {
		return err
	}
	if err := cw.store.RecordResult(r.Context(), p.Actor(), e.ID, live.ResultInput{Project: body.Project, Team: body.Team, Value: body.Value, DNF: body.DNF}); err != nil {
		return err
	}
	return cw.apiTEStandings(w, r, p)
}
