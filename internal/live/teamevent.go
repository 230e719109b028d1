package live

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/contest"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
)

// TeamEvent is a team event (户外拓展) as stored: its config (teams and
// projects), its referees and the results entered so far.
type TeamEvent struct {
	ID        int64
	Name      string
	Cfg       contest.TeamEventConfig
	CreatedAt time.Time
	Referees  []Staff
	Results   map[string]map[string]Entered // project → team → result
}

// Entered is one result as a referee entered it.
type Entered struct {
	contest.ProjectResult
	By string // the referee's name
	At time.Time
}

func teTarget(id int64) string { return "teamevent:" + strconv.FormatInt(id, 10) }

// TeamEvents lists the team events, newest first.
func (s *Store) TeamEvents(ctx context.Context) ([]TeamEvent, error) {
	rows, err := s.db.Query(ctx, `SELECT id, name, config, created_at FROM team_events ORDER BY id DESC`)
	if err != nil {
		return nil, errs.Wrap(err, "team events")
	}
	defer rows.Close()
	var out []TeamEvent
	for rows.Next() {
		var e TeamEvent
		var cfg string
		if err := rows.Scan(&e.ID, &e.Name, &cfg, &e.CreatedAt); err != nil {
			return nil, errs.Wrap(err, "team event")
		}
		_ = json.Unmarshal([]byte(cfg), &e.Cfg)
		out = append(out, e)
	}
	return out, errs.Wrap(rows.Err(), "team events")
}

// CreateTeamEvent adds a team event with the seed's five projects as a
// start (the admin may remove or add projects); teams are added next.
func (s *Store) CreateTeamEvent(ctx context.Context, a audit.Actor, name string) (int64, error) {
	name, err := checkText("name", name, 60)
	if err != nil {
		return 0, err
	}
	cfg := contest.TeamEventConfig{Name: name, Teams: []contest.Team{}, Projects: contest.OutdoorDayProjects()}
	var id int64
	err = s.db.InTx(ctx, func(tx *db.Tx) error {
		b, _ := json.Marshal(cfg)
		var err error
		if id, err = tx.Insert(ctx, `INSERT INTO team_events (name, config, created_by, created_at) VALUES (?, ?, ?, ?)`, name, string(b), nullUser(a.UserID), tx.Now); err != nil {
			return errs.Wrap(err, "create team event")
		}
		return audit.Record(ctx, tx, a, "teamevent.create", teTarget(id), map[string]string{"name": name}, audit.OK)
	})
	return id, err
}

// TeamEvent loads a team event with its referees and results.
func (s *Store) TeamEvent(ctx context.Context, id int64) (TeamEvent, error) {
	e := TeamEvent{ID: id, Results: map[string]map[string]Entered{}}
	var cfg string
	err := s.db.QueryRow(ctx, `SELECT name, config, created_at FROM team_events WHERE id = ?`, id).Scan(&e.Name, &cfg, &e.CreatedAt)
	if db.IsNoRows(err) {
		return e, errs.NotFoundf(msg.T("live.noun.teamEvent"))
	}
	if err != nil {
		return e, errs.Wrap(err, "team event")
	}
	if err := json.Unmarshal([]byte(cfg), &e.Cfg); err != nil {
		return e, errs.Wrap(err, "team event config")
	}
	if e.Referees, err = s.referees(ctx, id); err != nil {
		return e, err
	}
	rows, err := s.db.Query(ctx, `SELECT r.project, r.team_key, r.value, r.dnf, COALESCE(u.display_name, ''), COALESCE(u.username, ''), r.entered_at
		FROM team_event_results r LEFT JOIN users u ON u.id = r.entered_by WHERE r.event_id = ?`, id)
	if err != nil {
		return e, errs.Wrap(err, "team event results")
	}
	defer rows.Close()
	for rows.Next() {
		var p, t, name, user string
		var r Entered
		if err := rows.Scan(&p, &t, &r.Value, &r.DNF, &name, &user, &r.At); err != nil {
			return e, errs.Wrap(err, "team event result")
		}
		r.By = cmpOr(name, user)
		if e.Results[p] == nil {
			e.Results[p] = map[string]Entered{}
		}
		e.Results[p][t] = r
	}
	return e, errs.Wrap(rows.Err(), "team event results")
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func (s *Store) referees(ctx context.Context, id int64) ([]Staff, error) {
	rows, err := s.db.Query(ctx, `SELECT u.id, u.username, u.display_name FROM team_event_referees r JOIN users u ON u.id = r.user_id WHERE r.event_id = ? ORDER BY u.id`, id)
	if err != nil {
		return nil, errs.Wrap(err, "referees")
	}
	defer rows.Close()
	var out []Staff
	for rows.Next() {
		st := Staff{Role: "referee"}
		if err := rows.Scan(&st.UserID, &st.Username, &st.Name); err != nil {
			return nil, errs.Wrap(err, "referee")
		}
		st.Name = cmpOr(st.Name, st.Username)
		out = append(out, st)
	}
	return out, errs.Wrap(rows.Err(), "referees")
}

// IsReferee reports whether a user is one of the event's referees.
func (s *Store) IsReferee(ctx context.Context, id, uid int64) (bool, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM team_event_referees WHERE event_id = ? AND user_id = ?`, id, uid).Scan(&n)
	return n > 0, errs.Wrap(err, "referee")
}

// changeConfig edits an event's config under a row lock and records the
// change; fn returns the audit action and detail.
func (s *Store) changeConfig(ctx context.Context, a audit.Actor, id int64, fn func(tx *db.Tx, cfg *contest.TeamEventConfig) (string, any, error)) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		var raw string
		err := tx.QueryRow(ctx, `SELECT config FROM team_events WHERE id = ?`+tx.ForUpdate(), id).Scan(&raw)
		if db.IsNoRows(err) {
			return errs.NotFoundf(msg.T("live.noun.teamEvent"))
		}
		if err != nil {
			return errs.Wrap(err, "team event")
		}
		var cfg contest.TeamEventConfig
		if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
			return errs.Wrap(err, "team event config")
		}
		action, detail, err := fn(tx, &cfg)
		if err != nil {
			return err
		}
		b, _ := json.Marshal(cfg)
		if _, err := tx.Exec(ctx, `UPDATE team_events SET config = ? WHERE id = ?`, string(b), id); err != nil {
			return errs.Wrap(err, "team event config")
		}
		return audit.Record(ctx, tx, a, action, teTarget(id), detail, audit.OK)
	})
}

// nextKey is prefix plus one more than the largest number used so far, so
// a removed key is never given to something else.
func nextKey(prefix string, used []string) string {
	n := 0
	for _, k := range used {
		if v, err := strconv.Atoi(strings.TrimPrefix(k, prefix)); err == nil && strings.HasPrefix(k, prefix) {
			n = max(n, v)
		}
	}
	return prefix + strconv.Itoa(n+1)
}

// AddTeamEventTeam adds a team (usually one per branch).
func (s *Store) AddTeamEventTeam(ctx context.Context, a audit.Actor, id int64, name, unit string) error {
	name, err := checkText("name", name, 40)
	if err != nil {
		return err
	}
	unit = strings.TrimSpace(unit)
	if len([]rune(unit)) > 60 {
		return fieldErr("unit", msg.T("live.te.unitTooLong"))
	}
	return s.changeConfig(ctx, a, id, func(_ *db.Tx, cfg *contest.TeamEventConfig) (string, any, error) {
		var keys []string
		for _, t := range cfg.Teams {
			if t.Name == name {
				return "", nil, fieldErr("name", msg.T("live.te.teamExists"))
			}
			keys = append(keys, t.ID)
		}
		if len(cfg.Teams) >= 100 {
			return "", nil, fieldErr("name", msg.T("live.te.tooManyTeams"))
		}
		t := contest.Team{ID: nextKey("t", keys), Name: name, Unit: unit}
		cfg.Teams = append(cfg.Teams, t)
		return "teamevent.team.add", t, nil
	})
}

// RemoveTeamEventTeam removes a team that has no results yet.
func (s *Store) RemoveTeamEventTeam(ctx context.Context, a audit.Actor, id int64, key string) error {
	return s.changeConfig(ctx, a, id, func(tx *db.Tx, cfg *contest.TeamEventConfig) (string, any, error) {
		i := slices.IndexFunc(cfg.Teams, func(t contest.Team) bool { return t.ID == key })
		if i < 0 {
			return "", nil, errs.NotFoundf(msg.T("live.noun.team"))
		}
		if n, err := countResults(ctx, tx, id, "team_key", key); err != nil || n > 0 {
			return "", nil, orConflict(err, msg.T("live.te.teamHasResults"))
		}
		t := cfg.Teams[i]
		cfg.Teams = slices.Delete(cfg.Teams, i, i+1)
		return "teamevent.team.remove", t, nil
	})
}

func countResults(ctx context.Context, tx *db.Tx, id int64, col, key string) (int, error) {
	var n int
	err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM team_event_results WHERE event_id = ? AND `+col+` = ?`, id, key).Scan(&n)
	return n, errs.Wrap(err, "team event results")
}

func orConflict(err error, text string) error {
	if err != nil {
		return err
	}
	return errs.E(errs.Conflict, "team_event_has_results", text)
}

// ProjectInput adds a project.
type ProjectInput struct {
	Name      string
	Scoring   string
	Placement string // "10,8,6,…"; empty for the default table
}

// AddProject adds a project with its scoring and placement points.
func (s *Store) AddProject(ctx context.Context, a audit.Actor, id int64, in ProjectInput) error {
	name, err := checkText("name", in.Name, 30)
	if err != nil {
		return err
	}
	sc := contest.ProjectScoring(in.Scoring)
	if !sc.Valid() {
		return fieldErr("scoring", msg.T("live.te.badScoring"))
	}
	var table []int
	if strings.TrimSpace(in.Placement) != "" {
		if table, err = contest.ParsePlacement(in.Placement); err != nil {
			return fieldErr("placement", errMsg(err))
		}
	}
	return s.changeConfig(ctx, a, id, func(_ *db.Tx, cfg *contest.TeamEventConfig) (string, any, error) {
		var keys []string
		for _, p := range cfg.Projects {
			if p.Name == name {
				return "", nil, fieldErr("name", msg.T("live.te.projectExists"))
			}
			keys = append(keys, p.ID)
		}
		if len(cfg.Projects) >= 30 {
			return "", nil, fieldErr("name", msg.T("live.te.tooManyProjects"))
		}
		p := contest.Project{ID: nextKey("p", keys), Name: name, Scoring: sc, Placement: table}
		cfg.Projects = append(cfg.Projects, p)
		return "teamevent.project.add", p, nil
	})
}

func errMsg(err error) string {
	if ce, ok := err.(*contest.Error); ok {
		return RefusalText(ce)
	}
	return errs.As(err).Message
}

// RemoveProject removes a project that has no results yet.
func (s *Store) RemoveProject(ctx context.Context, a audit.Actor, id int64, key string) error {
	return s.changeConfig(ctx, a, id, func(tx *db.Tx, cfg *contest.TeamEventConfig) (string, any, error) {
		i := slices.IndexFunc(cfg.Projects, func(p contest.Project) bool { return p.ID == key })
		if i < 0 {
			return "", nil, errs.NotFoundf(msg.T("live.noun.project"))
		}
		if n, err := countResults(ctx, tx, id, "project", key); err != nil || n > 0 {
			return "", nil, orConflict(err, msg.T("live.te.projectHasResults"))
		}
		p := cfg.Projects[i]
		cfg.Projects = slices.Delete(cfg.Projects, i, i+1)
		return "teamevent.project.remove", p, nil
	})
}

// AddReferee assigns a user as a referee by login name.
func (s *Store) AddReferee(ctx context.Context, a audit.Actor, id int64, username string) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		var uid int64
		err := tx.QueryRow(ctx, `SELECT id FROM users WHERE username = ? AND NOT disabled`, strings.TrimSpace(username)).Scan(&uid)
		if db.IsNoRows(err) {
			return fieldErr("username", msg.T("live.noSuchUser"))
		}
		if err != nil {
			return errs.Wrap(err, "referee user")
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM team_events WHERE id = ?`, id).Scan(&n); err != nil || n == 0 {
			return orNotFound(err)
		}
		_, err = tx.Exec(ctx, `INSERT INTO team_event_referees (event_id, user_id) VALUES (?, ?)`, id, uid)
		if errorsIsUnique(err) {
			return fieldErr("username", msg.T("live.te.refereeListed"))
		}
		if err != nil {
			return errs.Wrap(err, "add referee")
		}
		return audit.Record(ctx, tx, a, "teamevent.referee.add", teTarget(id), map[string]any{"user": uid}, audit.OK)
	})
}

func orNotFound(err error) error {
	if err != nil {
		return errs.Wrap(err, "team event")
	}
	return errs.NotFoundf(msg.T("live.noun.teamEvent"))
}

// RemoveReferee unassigns a referee; their results stay.
func (s *Store) RemoveReferee(ctx context.Context, a audit.Actor, id, uid int64) error {
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		res, err := tx.Exec(ctx, `DELETE FROM team_event_referees WHERE event_id = ? AND user_id = ?`, id, uid)
		if err != nil {
			return errs.Wrap(err, "remove referee")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFoundf(msg.T("live.noun.referee"))
		}
		return audit.Record(ctx, tx, a, "teamevent.referee.remove", teTarget(id), map[string]any{"user": uid}, audit.OK)
	})
}

// ResultInput is a referee's entry: the value as typed (points, a time, a
// place), or did not finish.
type ResultInput struct {
	Project string
	Team    string
	Value   string
	DNF     bool
}

// RecordResult enters or corrects a team's result in a project. Bad input
// is refused with a Chinese reason and nothing stored; a correction keeps
// the previous value in the audit log.
func (s *Store) RecordResult(ctx context.Context, a audit.Actor, id int64, in ResultInput) error {
	e, err := s.TeamEvent(ctx, id)
	if err != nil {
		return err
	}
	pi := slices.IndexFunc(e.Cfg.Projects, func(p contest.Project) bool { return p.ID == in.Project })
	if pi < 0 {
		return fieldErr("project", msg.T("live.te.noProject"))
	}
	if !slices.ContainsFunc(e.Cfg.Teams, func(t contest.Team) bool { return t.ID == in.Team }) {
		return fieldErr("team", msg.T("live.te.noTeam"))
	}
	p := e.Cfg.Projects[pi]
	var r contest.ProjectResult
	if in.DNF {
		r.DNF = true
	} else if r.Value, err = p.Scoring.ParseValue(in.Value); err != nil {
		return fieldErr("value", errMsg(err))
	}
	ev, err := contest.NewTeamEvent(e.Cfg)
	if err != nil {
		return asErr(err)
	}
	if err := ev.Record(in.Project, in.Team, r); err != nil {
		return fieldErr("value", errMsg(err))
	}
	return s.db.InTx(ctx, func(tx *db.Tx) error {
		var before *contest.ProjectResult
		var old contest.ProjectResult
		err := tx.QueryRow(ctx, `SELECT value, dnf FROM team_event_results WHERE event_id = ? AND project = ? AND team_key = ?`+tx.ForUpdate(),
			id, in.Project, in.Team).Scan(&old.Value, &old.DNF)
		switch {
		case db.IsNoRows(err):
			_, err = tx.Exec(ctx, `INSERT INTO team_event_results (event_id, project, team_key, value, dnf, entered_by, entered_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				id, in.Project, in.Team, r.Value, r.DNF, nullUser(a.UserID), tx.Now)
		case err == nil:
			before = &old
			_, err = tx.Exec(ctx, `UPDATE team_event_results SET value = ?, dnf = ?, entered_by = ?, entered_at = ? WHERE event_id = ? AND project = ? AND team_key = ?`,
				r.Value, r.DNF, nullUser(a.UserID), tx.Now, id, in.Project, in.Team)
		}
		if errorsIsUnique(err) {
			return errs.E(errs.Conflict, "team_event_result_race", msg.T("live.te.resultRace"))
		}
		if err != nil {
			return errs.Wrap(err, "record result")
		}
		detail := map[string]any{"project": in.Project, "team": in.Team, "change": audit.Change{Before: before, After: r}}
		return audit.Record(ctx, tx, a, "teamevent.result", teTarget(id), detail, audit.OK)
	})
}

// TeamEventBoard is an event's standings: overall and per project.
type TeamEventBoard struct {
	Event     TeamEvent                   `json:"-"`
	Standings []contest.TeamEventStanding `json:"standings"`
	Projects  []ProjectBoard              `json:"projects"`
	Entered   int                         `json:"entered"` // results entered
	Expected  int                         `json:"expected"`
}

// ProjectBoard is one project's ranking.
type ProjectBoard struct {
	ID         string          `json:"id"`
	Name       string          `json:"name"`
	Scoring    string          `json:"scoring"`
	Label      string          `json:"scoring_label"`
	Placement  string          `json:"placement"`
	Placements []PlacementView `json:"placements"`
}

// PlacementView is a placement with its value as shown.
type PlacementView struct {
	contest.Placement
	Shown string `json:"shown"`
}

// TeamEventStandings computes the standings from the stored results.
func (s *Store) TeamEventStandings(ctx context.Context, id int64) (TeamEventBoard, error) {
	e, err := s.TeamEvent(ctx, id)
	if err != nil {
		return TeamEventBoard{}, err
	}
	return boardOf(e)
}

func boardOf(e TeamEvent) (TeamEventBoard, error) {
	b := TeamEventBoard{Event: e, Standings: []contest.TeamEventStanding{}, Projects: []ProjectBoard{}, Expected: len(e.Cfg.Teams) * len(e.Cfg.Projects)}
	if len(e.Cfg.Teams) == 0 || len(e.Cfg.Projects) == 0 {
		return b, nil // still being set up
	}
	ev, err := contest.NewTeamEvent(e.Cfg)
	if err != nil {
		return b, asErr(err)
	}
	for p, byTeam := range e.Results {
		for t, r := range byTeam {
			if ev.Record(p, t, r.ProjectResult) == nil {
				b.Entered++
			}
		}
	}
	b.Standings = ev.Standings()
	for _, p := range e.Cfg.Projects {
		ranking, _ := ev.ProjectRanking(p.ID)
		pb := ProjectBoard{ID: p.ID, Name: p.Name, Scoring: string(p.Scoring), Label: p.Scoring.Label(), Placement: p.PlacementText()}
		for _, pl := range ranking {
			v := PlacementView{Placement: pl}
			switch {
			case pl.DNF:
				v.Shown = msg.T("live.te.dnf")
			case pl.Rank > 0:
				v.Shown = p.Scoring.FormatValue(pl.Value)
			}
			pb.Placements = append(pb.Placements, v)
		}
		b.Projects = append(b.Projects, pb)
	}
	return b, nil
}
