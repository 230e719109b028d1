package supervise

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
	"xuejiangping/internal/org"
)

// ---- 日碰头 ----------------------------------------------------------------

// Standup is one task-force member's note of a day's stand-up.
type Standup struct {
	ID        int64     `json:"id"`
	Day       string    `json:"day"`
	UserID    int64     `json:"user_id"`
	Author    string    `json:"author"`
	Body      string    `json:"body"`
	UpdatedAt time.Time `json:"updated_at"`
}

// SaveStandup writes p's note for day (today when empty); a second save of
// the same day replaces the note, so there is one per member and day.
func (s *Service) SaveStandup(ctx context.Context, p *auth.Principal, day, body string) error {
	if err := requireTaskForce(p); err != nil {
		return err
	}
	var fe fieldErrs
	if day == "" {
		day = s.today()
	}
	if d, err := time.ParseInLocation(dateLayout, day, s.Zone); err != nil {
		fe.add("day", msg.T("supervise.standup.badDate"))
	} else if d.Format(dateLayout) > s.today() {
		fe.add("day", msg.T("supervise.standup.futureDate"))
	}
	body, ok := text(body, 1, 2000)
	if !ok {
		fe.add("body", msg.T("supervise.standup.noContent"))
	}
	if err := fe.err("invalid_standup"); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO tf_standups (day, user_id, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (day, user_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`,
			day, p.UserID, body, tx.Now, tx.Now)
		if err != nil {
			return errs.Wrap(err, "save standup")
		}
		return audit.Record(ctx, tx, p.Actor(), "standup.save", "standup:"+day, map[string]any{"body": body}, audit.OK)
	})
}

// Standups lists the notes of the days from..to (inclusive), newest first.
func (s *Service) Standups(ctx context.Context, p *auth.Principal, from, to string) ([]Standup, error) {
	if err := requireTaskForce(p); err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, `SELECT t.id, t.day, t.user_id, u.display_name, t.body, t.updated_at FROM tf_standups t JOIN users u ON u.id = t.user_id
		WHERE t.day >= ? AND t.day <= ? ORDER BY t.day DESC, u.display_name LIMIT 1000`, from, to)
	if err != nil {
		return nil, errs.Wrap(err, "standups")
	}
	defer rows.Close()
	var out []Standup
	for rows.Next() {
		var st Standup
		if err := rows.Scan(&st.ID, &st.Day, &st.UserID, &st.Author, &st.Body, &st.UpdatedAt); err != nil {
			return nil, errs.Wrap(err, "standup scan")
		}
		out = append(out, st)
	}
	return out, errs.Wrap(rows.Err(), "standup rows")
}

// ---- 周例会 ----------------------------------------------------------------

// Weekly is the minutes of one weekly meeting with its decisions.
type Weekly struct {
	ID        int64      `json:"id"`
	HeldOn    string     `json:"held_on"`
	Title     string     `json:"title"`
	Attendees string     `json:"attendees"`
	Minutes   string     `json:"minutes"`
	Decisions []Decision `json:"decisions"`
	Open      int        `json:"open"`
	Overdue   int        `json:"overdue"`
}

// Decision is a decision of a weekly meeting, followed to done.
type Decision struct {
	ID       int64      `json:"id"`
	WeeklyID int64      `json:"weekly_id"`
	Weekly   string     `json:"weekly_title"`
	Text     string     `json:"text"`
	OwnerID  int64      `json:"owner_id"`
	Owner    string     `json:"owner"`
	Due      string     `json:"due"`
	DoneAt   *time.Time `json:"done_at,omitempty"`
	DoneNote string     `json:"done_note"`
	Overdue  bool       `json:"overdue"`
}

// Done reports whether the decision has been carried out.
func (d Decision) Done() bool { return d.DoneAt != nil }

// Overdue reports whether a decision due on due (YYYY-MM-DD) is late on
// today: still open after its due day. A decision done, even late, is not.
func Overdue(due string, done bool, today string) bool {
	return !done && due < today
}

// WeeklyInput is a weekly meeting's minutes and decisions.
type WeeklyInput struct {
	HeldOn    string          `json:"held_on"`
	Title     string          `json:"title"`
	Attendees string          `json:"attendees"`
	Minutes   string          `json:"minutes"`
	Decisions []DecisionInput `json:"decisions"`
}

// DecisionInput is one decision: what, who, by when.
type DecisionInput struct {
	Text    string `json:"text"`
	OwnerID int64  `json:"owner_id"`
	Due     string `json:"due"`
}

func (s *Service) checkDecision(ctx context.Context, q db.Querier, i int, in *DecisionInput, fe *fieldErrs) error {
	f := func(name string) string { return fmt.Sprintf("decisions[%d].%s", i, name) }
	var ok bool
	if in.Text, ok = text(in.Text, 1, 500); !ok {
		fe.add(f("text"), msg.T("supervise.decision.noText"))
	}
	if _, err := time.ParseInLocation(dateLayout, in.Due, s.Zone); err != nil {
		fe.add(f("due"), msg.T("supervise.decision.badDeadline"))
	}
	staff, err := hasRole(ctx, q, in.OwnerID, auth.Admin, auth.TaskForce)
	if err != nil {
		return err
	}
	if !staff {
		fe.add(f("owner_id"), msg.T("supervise.decision.badOwner"))
	}
	return nil
}

// CreateWeekly records a weekly meeting's minutes and its decisions. Blank
// decision rows (no text, no owner) are skipped, so a form can offer a few.
func (s *Service) CreateWeekly(ctx context.Context, p *auth.Principal, in WeeklyInput) (int64, error) {
	if err := requireTaskForce(p); err != nil {
		return 0, err
	}
	var fe fieldErrs
	var ok bool
	if d, err := time.ParseInLocation(dateLayout, in.HeldOn, s.Zone); err != nil {
		fe.add("held_on", msg.T("supervise.weekly.badDate"))
	} else if d.Format(dateLayout) > s.today() {
		fe.add("held_on", msg.T("supervise.weekly.futureDate"))
	}
	if in.Title, ok = text(in.Title, 1, 100); !ok {
		fe.add("title", msg.T("supervise.weekly.noTitle"))
	}
	if in.Attendees, ok = text(in.Attendees, 0, 500); !ok {
		fe.add("attendees", msg.T("supervise.weekly.attendeesTooLong"))
	}
	if in.Minutes, ok = text(in.Minutes, 1, 5000); !ok {
		fe.add("minutes", msg.T("supervise.weekly.noMinutes"))
	}
	var decisions []DecisionInput
	for _, d := range in.Decisions {
		if _, blank := text(d.Text, 0, 0); blank && d.OwnerID == 0 {
			continue
		}
		decisions = append(decisions, d)
	}
	for i := range decisions {
		if err := s.checkDecision(ctx, s.DB, i, &decisions[i], &fe); err != nil {
			return 0, err
		}
	}
	if err := fe.err("invalid_weekly"); err != nil {
		return 0, err
	}
	var id int64
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		id, err = tx.Insert(ctx, `INSERT INTO tf_weeklies (held_on, title, attendees, minutes, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			in.HeldOn, in.Title, in.Attendees, in.Minutes, p.UserID, tx.Now)
		if err != nil {
			return errs.Wrap(err, "weekly")
		}
		for _, d := range decisions {
			if err := insertDecision(ctx, tx, id, d); err != nil {
				return err
			}
		}
		in.Decisions = decisions
		return audit.Record(ctx, tx, p.Actor(), "weekly.create", fmt.Sprintf("weekly:%d", id), in, audit.OK)
	})
	return id, err
}

func insertDecision(ctx context.Context, tx *db.Tx, weeklyID int64, d DecisionInput) error {
	_, err := tx.Insert(ctx, `INSERT INTO tf_decisions (weekly_id, text, owner_id, due, created_at) VALUES (?, ?, ?, ?, ?)`,
		weeklyID, d.Text, d.OwnerID, d.Due, tx.Now)
	return errs.Wrap(err, "decision")
}

// AddDecision adds a decision to an existing weekly meeting.
func (s *Service) AddDecision(ctx context.Context, p *auth.Principal, weeklyID int64, in DecisionInput) error {
	if err := requireTaskForce(p); err != nil {
		return err
	}
	var n int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM tf_weeklies WHERE id = ?`, weeklyID).Scan(&n); err != nil {
		return errs.Wrap(err, "weekly")
	}
	if n == 0 {
		return errs.NotFoundf(msg.T("supervise.noun.weekly"))
	}
	var fe fieldErrs
	if err := s.checkDecision(ctx, s.DB, 0, &in, &fe); err != nil {
		return err
	}
	if err := fe.err("invalid_decision"); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := insertDecision(ctx, tx, weeklyID, in); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p.Actor(), "decision.create", fmt.Sprintf("weekly:%d", weeklyID), in, audit.OK)
	})
}

// CompleteDecision marks a decision done with a note of what was done.
func (s *Service) CompleteDecision(ctx context.Context, p *auth.Principal, id int64, note string) error {
	if err := requireTaskForce(p); err != nil {
		return err
	}
	note, ok := text(note, 1, 500)
	if !ok {
		return errs.E(errs.Invalid, "invalid_done_note", msg.T("supervise.invalid_done_note")).
			WithFields([]errs.FieldError{{Field: "note", Reason: msg.T("supervise.field.note")}})
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		var done sql.NullTime
		err := tx.QueryRow(ctx, `SELECT done_at FROM tf_decisions WHERE id = ?`, id).Scan(&done)
		if db.IsNoRows(err) {
			return errs.NotFoundf(msg.T("supervise.noun.decision"))
		}
		if err != nil {
			return errs.Wrap(err, "decision")
		}
		if done.Valid {
			return errs.E(errs.Conflict, "decision_done", msg.T("supervise.decision_done"))
		}
		r, err := tx.Exec(ctx, `UPDATE tf_decisions SET done_at = ?, done_by = ?, done_note = ? WHERE id = ? AND done_at IS NULL`, tx.Now, p.UserID, note, id)
		if err != nil {
			return errs.Wrap(err, "complete decision")
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return errs.E(errs.Conflict, "decision_done", msg.T("supervise.decision_done"))
		}
		return audit.Record(ctx, tx, p.Actor(), "decision.done", fmt.Sprintf("decision:%d", id), map[string]any{"note": note}, audit.OK)
	})
}

const decisionCols = `d.id, d.weekly_id, w.title, d.text, d.owner_id, u.display_name, d.due, d.done_at, d.done_note`
const decisionFrom = ` FROM tf_decisions d JOIN tf_weeklies w ON w.id = d.weekly_id JOIN users u ON u.id = d.owner_id`

func (s *Service) scanDecisions(rows *sql.Rows) ([]Decision, error) {
	defer rows.Close()
	today := s.today()
	var out []Decision
	for rows.Next() {
		var d Decision
		var done sql.NullTime
		if err := rows.Scan(&d.ID, &d.WeeklyID, &d.Weekly, &d.Text, &d.OwnerID, &d.Owner, &d.Due, &done, &d.DoneNote); err != nil {
			return nil, errs.Wrap(err, "decision scan")
		}
		if done.Valid {
			d.DoneAt = &done.Time
		}
		d.Overdue = Overdue(d.Due, d.Done(), today)
		out = append(out, d)
	}
	return out, errs.Wrap(rows.Err(), "decision rows")
}

// OpenDecisions lists the decisions not yet done, the most pressing first.
func (s *Service) OpenDecisions(ctx context.Context, p *auth.Principal) ([]Decision, error) {
	if err := requireTaskForce(p); err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, `SELECT `+decisionCols+decisionFrom+` WHERE d.done_at IS NULL ORDER BY d.due, d.id LIMIT 1000`)
	if err != nil {
		return nil, errs.Wrap(err, "open decisions")
	}
	return s.scanDecisions(rows)
}

// Weeklies lists the latest weekly meetings (without their decisions) with
// counts of open and overdue decisions.
func (s *Service) Weeklies(ctx context.Context, p *auth.Principal, limit int) ([]Weekly, error) {
	if err := requireTaskForce(p); err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, `SELECT w.id, w.held_on, w.title, w.attendees, w.minutes,
		(SELECT COUNT(*) FROM tf_decisions d WHERE d.weekly_id = w.id AND d.done_at IS NULL),
		(SELECT COUNT(*) FROM tf_decisions d WHERE d.weekly_id = w.id AND d.done_at IS NULL AND d.due < ?)
		FROM tf_weeklies w ORDER BY w.held_on DESC, w.id DESC LIMIT ?`, s.today(), limit)
	if err != nil {
		return nil, errs.Wrap(err, "weeklies")
	}
	defer rows.Close()
	var out []Weekly
	for rows.Next() {
		var w Weekly
		if err := rows.Scan(&w.ID, &w.HeldOn, &w.Title, &w.Attendees, &w.Minutes, &w.Open, &w.Overdue); err != nil {
			return nil, errs.Wrap(err, "weekly scan")
		}
		out = append(out, w)
	}
	return out, errs.Wrap(rows.Err(), "weekly rows")
}

// Weekly returns one weekly meeting with its decisions.
func (s *Service) Weekly(ctx context.Context, p *auth.Principal, id int64) (Weekly, error) {
	var w Weekly
	if err := requireTaskForce(p); err != nil {
		return w, err
	}
	err := s.DB.QueryRow(ctx, `SELECT id, held_on, title, attendees, minutes FROM tf_weeklies WHERE id = ?`, id).
		Scan(&w.ID, &w.HeldOn, &w.Title, &w.Attendees, &w.Minutes)
	if db.IsNoRows(err) {
		return w, errs.NotFoundf(msg.T("supervise.weekly"))
	}
	if err != nil {
		return w, errs.Wrap(err, "weekly")
	}
	rows, err := s.DB.Query(ctx, `SELECT `+decisionCols+decisionFrom+` WHERE d.weekly_id = ? ORDER BY d.id`, id)
	if err != nil {
		return w, errs.Wrap(err, "weekly decisions")
	}
	if w.Decisions, err = s.scanDecisions(rows); err != nil {
		return w, err
	}
	for _, d := range w.Decisions {
		if !d.Done() {
			w.Open++
		}
		if d.Overdue {
			w.Overdue++
		}
	}
	return w, nil
}

// ---- 月观摩 ----------------------------------------------------------------

// Observation is one line of a month's observation plan.
type Observation struct {
	ID         int64  `json:"id"`
	Month      string `json:"month"`
	OrgID      int64  `json:"org_id"`
	OrgName    string `json:"org_name"`
	ObserverID int64  `json:"observer_id"`
	Observer   string `json:"observer"`
	Note       string `json:"note"`
	SitInID    int64  `json:"sitin_id,omitempty"` // the observer's recorded sit-in there that month
	MeetingID  int64  `json:"meeting_id,omitempty"`
}

// Done reports whether the planned observation has taken place.
func (o Observation) Done() bool { return o.SitInID != 0 }

// ObservationInput plans one unit to watch in a month, by one observer.
type ObservationInput struct {
	Month      string `json:"month"` // YYYY-MM
	OrgID      int64  `json:"org_id"`
	ObserverID int64  `json:"observer_id"`
	Note       string `json:"note"`
}

// monthRange is the month's first instant and the next month's, in UTC.
func (s *Service) monthRange(month string) (time.Time, time.Time, error) {
	m, err := time.ParseInLocation("2006-01", month, s.Zone)
	if err != nil {
		return m, m, errs.E(errs.Invalid, "bad_month", msg.T("supervise.bad_month")).WithFields([]errs.FieldError{{Field: "month", Reason: msg.T("supervise.field.month")}})
	}
	return m.UTC(), m.AddDate(0, 1, 0).UTC(), nil
}

// PlanObservation adds a line to a month's observation plan.
func (s *Service) PlanObservation(ctx context.Context, p *auth.Principal, in ObservationInput) (int64, error) {
	if err := requireTaskForce(p); err != nil {
		return 0, err
	}
	if _, _, err := s.monthRange(in.Month); err != nil {
		return 0, err
	}
	var fe fieldErrs
	var ok bool
	if in.Note, ok = text(in.Note, 0, 500); !ok {
		fe.add("note", msg.T("supervise.observation.noteTooLong"))
	}
	if u, isUnit, err := org.LoadUnit(ctx, s.DB, in.OrgID); err != nil || !isUnit {
		if err != nil && errs.KindOf(err) != errs.NotFound {
			return 0, err
		}
		fe.add("org_id", msg.T("supervise.observation.noUnit"))
	} else {
		in.OrgID = u.ID
	}
	observer, err := hasRole(ctx, s.DB, in.ObserverID, auth.Admin, auth.TaskForce, auth.Leader)
	if err != nil {
		return 0, err
	}
	if !observer {
		fe.add("observer_id", msg.T("supervise.observation.badObserver"))
	}
	if err := fe.err("invalid_observation"); err != nil {
		return 0, err
	}
	var id int64
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		id, err = tx.Insert(ctx, `INSERT INTO tf_observations (month, org_id, observer_id, note, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			in.Month, in.OrgID, in.ObserverID, in.Note, p.UserID, tx.Now)
		if err != nil {
			if isUnique(err) {
				return errs.E(errs.Conflict, "observation_exists", msg.T("supervise.observation_exists"))
			}
			return errs.Wrap(err, "observation")
		}
		return audit.Record(ctx, tx, p.Actor(), "observation.plan", fmt.Sprintf("observation:%d", id), in, audit.OK)
	})
	return id, err
}

// DeleteObservation removes a line of the plan.
func (s *Service) DeleteObservation(ctx context.Context, p *auth.Principal, id int64) error {
	if err := requireTaskForce(p); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		r, err := tx.Exec(ctx, `DELETE FROM tf_observations WHERE id = ?`, id)
		if err != nil {
			return errs.Wrap(err, "delete observation")
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return errs.NotFoundf(msg.T("supervise.noun.observation"))
		}
		return audit.Record(ctx, tx, p.Actor(), "observation.delete", fmt.Sprintf("observation:%d", id), nil, audit.OK)
	})
}

// Observations is a month's plan; a line is done when its observer has
// recorded a sit-in at a meeting of that unit planned in that month.
func (s *Service) Observations(ctx context.Context, p *auth.Principal, month string) ([]Observation, error) {
	if err := requireTaskForce(p); err != nil {
		return nil, err
	}
	from, to, err := s.monthRange(month)
	if err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, `SELECT t.id, t.month, t.org_id, o.name, t.observer_id, u.display_name, t.note,
		COALESCE((SELECT MIN(si.id) FROM sitins si JOIN meetings m ON m.id = si.meeting_id
			WHERE si.user_id = t.observer_id AND m.org_id = t.org_id AND si.recorded_at IS NOT NULL AND m.planned_at >= ? AND m.planned_at < ?), 0)
		FROM tf_observations t JOIN orgs o ON o.id = t.org_id JOIN users u ON u.id = t.observer_id
		WHERE t.month = ? ORDER BY o.path, u.display_name`, from, to, month)
	if err != nil {
		return nil, errs.Wrap(err, "observations")
	}
	defer rows.Close()
	var out []Observation
	for rows.Next() {
		var o Observation
		if err := rows.Scan(&o.ID, &o.Month, &o.OrgID, &o.OrgName, &o.ObserverID, &o.Observer, &o.Note, &o.SitInID); err != nil {
			return nil, errs.Wrap(err, "observation scan")
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "observation rows")
	}
	for i := range out {
		if out[i].SitInID != 0 {
			_ = s.DB.QueryRow(ctx, `SELECT meeting_id FROM sitins WHERE id = ?`, out[i].SitInID).Scan(&out[i].MeetingID)
		}
	}
	return out, nil
}
