package supervise

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
	"xuejiangping/internal/rectify"
)

// Criterion is one thing an observer scores.
type Criterion struct {
	Key   string // the JSON and form field
	Label string
	Hint  string
}

// Criteria are what a sit-in scores, in the order of the meeting.
var Criteria = []Criterion{
	{"study", msg.T("supervise.criteria.study"), msg.T("supervise.criteria.study.hint")},
	{"speak", msg.T("supervise.criteria.speak"), msg.T("supervise.criteria.speak.hint")},
	{"review", msg.T("supervise.criteria.review"), msg.T("supervise.criteria.review.hint")},
	{"followup", msg.T("supervise.criteria.followup"), msg.T("supervise.criteria.followup.hint")},
}

// MinScore and MaxScore bound each criterion's score.
const (
	MinScore = 1
	MaxScore = 5
)

// Scores are an observer's marks, one per criterion.
type Scores struct {
	Study    int `json:"study"`
	Speak    int `json:"speak"`
	Review   int `json:"review"`
	Followup int `json:"followup"`
}

func (sc Scores) values() []int { return []int{sc.Study, sc.Speak, sc.Review, sc.Followup} }

// Check refuses a score outside MinScore..MaxScore, naming each one.
func (sc Scores) Check() error {
	var fe fieldErrs
	for i, v := range sc.values() {
		if v < MinScore || v > MaxScore {
			fe.add(Criteria[i].Key, msg.T("supervise.badScore", Criteria[i].Label, MinScore, MaxScore))
		}
	}
	return fe.err("invalid_scores")
}

// Total is the sum of the scores; Mean their average.
func (sc Scores) Total() int {
	t := 0
	for _, v := range sc.values() {
		t += v
	}
	return t
}

// Mean is the average score, for lists.
func (sc Scores) Mean() float64 { return float64(sc.Total()) / float64(len(Criteria)) }

// Of returns the score of the criterion key (for templates).
func (sc Scores) Of(key string) int {
	for i, c := range Criteria {
		if c.Key == key {
			return sc.values()[i]
		}
	}
	return 0
}

// SitIn is an observer's attendance at a unit's meeting and, once
// recorded, their assessment.
type SitIn struct {
	ID            int64        `json:"id"`
	MeetingID     int64        `json:"meeting_id"`
	OrgID         int64        `json:"org_id"`
	OrgName       string       `json:"org_name"`
	PlannedAt     time.Time    `json:"planned_at"`
	Topic         string       `json:"topic"`
	UserID        int64        `json:"user_id"`
	Observer      string       `json:"observer"`
	Capacity      string       `json:"capacity"`
	CapacityLabel string       `json:"capacity_label"`
	SignedAt      time.Time    `json:"signed_at"`
	Scores        *Scores      `json:"scores,omitempty"` // nil until recorded
	Comments      string       `json:"comments"`
	RecordedAt    *time.Time   `json:"recorded_at,omitempty"`
	Problems      []ProblemRef `json:"problems"`
}

// Recorded reports whether the observer has recorded the assessment.
func (si SitIn) Recorded() bool { return si.RecordedAt != nil }

// ProblemRef is a problem an observer found: a rectification in the ledger.
type ProblemRef struct {
	RectificationID int64  `json:"rectification_id"`
	Problem         string `json:"problem"`
	Status          string `json:"status"`
	StatusLabel     string `json:"status_label"`
	Deadline        string `json:"deadline"`
}

// meetingRef is what sit-ins need of a meeting.
type meetingRef struct {
	ID        int64
	OrgID     int64
	OrgName   string
	Path      string
	PlannedAt time.Time
	Finalized bool
}

func (s *Service) meetingRef(ctx context.Context, q db.Querier, id int64) (meetingRef, error) {
	m := meetingRef{ID: id}
	var fin sql.NullTime
	err := q.QueryRow(ctx, `SELECT m.org_id, o.name, o.path, m.planned_at, m.finalized_at FROM meetings m JOIN orgs o ON o.id = m.org_id WHERE m.id = ?`, id).
		Scan(&m.OrgID, &m.OrgName, &m.Path, &m.PlannedAt, &fin)
	if db.IsNoRows(err) {
		return m, errs.NotFoundf(msg.T("noun.meeting"))
	}
	m.Finalized = fin.Valid
	return m, errs.Wrap(err, "meeting")
}

// canRead is the meeting's own reading rule: readers over the unit, and
// the unit's members.
func canRead(p *auth.Principal, m meetingRef) bool {
	return p.Covers(m.Path, auth.Readers...) || (p.MemberID != 0 && p.MemberOrgID == m.OrgID)
}

// Capacity is the role in which p may sit in on a meeting of the unit at
// path: the admin and the task force anywhere, a leader (分管领导) within
// their scope; "" when p may not.
func Capacity(p *auth.Principal, path string) auth.Role {
	for _, r := range []auth.Role{auth.Admin, auth.TaskForce, auth.Leader} {
		if p.Covers(path, r) {
			return r
		}
	}
	return ""
}

// readable loads a meeting p may see (404 otherwise).
func (s *Service) readable(ctx context.Context, p *auth.Principal, id int64) (meetingRef, error) {
	m, err := s.meetingRef(ctx, s.DB, id)
	if err != nil {
		return m, err
	}
	if !canRead(p, m) {
		return m, errs.NotFoundf(msg.T("noun.meeting"))
	}
	return m, nil
}

// observable loads a meeting p may sit in on and returns p's capacity.
func (s *Service) observable(ctx context.Context, p *auth.Principal, id int64) (meetingRef, auth.Role, error) {
	m, err := s.readable(ctx, p, id)
	if err != nil {
		return m, "", err
	}
	role := Capacity(p, m.Path)
	if role == "" {
		return m, "", errs.E(errs.Forbidden, "not_observer", msg.T("supervise.not_observer"))
	}
	return m, role, nil
}

// SignUp puts p down to sit in on a meeting that has not ended; the unit
// then sees who is coming.
func (s *Service) SignUp(ctx context.Context, p *auth.Principal, meetingID int64) (int64, error) {
	m, role, err := s.observable(ctx, p, meetingID)
	if err != nil {
		return 0, err
	}
	if m.Finalized {
		return 0, errs.E(errs.Conflict, "meeting_over", msg.T("supervise.meeting_over"))
	}
	var id int64
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		id, err = tx.Insert(ctx, `INSERT INTO sitins (meeting_id, user_id, capacity, signed_at) VALUES (?, ?, ?, ?)`, meetingID, p.UserID, string(role), tx.Now)
		if isUnique(err) {
			return errs.E(errs.Conflict, "already_signed", msg.T("supervise.already_signed"))
		}
		if err != nil {
			return errs.Wrap(err, "sign up")
		}
		return audit.Record(ctx, tx, p.Actor(), "sitin.signup", fmt.Sprintf("meeting:%d", meetingID), nil, audit.OK)
	})
	return id, err
}

// Withdraw takes back p's sign-up while nothing is recorded.
func (s *Service) Withdraw(ctx context.Context, p *auth.Principal, meetingID int64) error {
	if _, err := s.readable(ctx, p, meetingID); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		var id int64
		var rec sql.NullTime
		err := tx.QueryRow(ctx, `SELECT id, recorded_at FROM sitins WHERE meeting_id = ? AND user_id = ?`, meetingID, p.UserID).Scan(&id, &rec)
		if db.IsNoRows(err) {
			return errs.E(errs.NotFound, "not_signed", msg.T("supervise.not_signed"))
		}
		if err != nil {
			return errs.Wrap(err, "sitin")
		}
		if rec.Valid {
			return errs.E(errs.Conflict, "sitin_recorded", msg.T("supervise.sitin_recorded"))
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sitins WHERE id = ?`, id); err != nil {
			return errs.Wrap(err, "withdraw")
		}
		return audit.Record(ctx, tx, p.Actor(), "sitin.withdraw", fmt.Sprintf("meeting:%d", meetingID), nil, audit.OK)
	})
}

// RecordInput is an observer's assessment.
type RecordInput struct {
	Scores   Scores `json:"scores"`
	Comments string `json:"comments"`
}

// Record stores p's scores and comments on a meeting that has begun (an
// observer who did not sign up is signed up by it); recording again
// replaces them, and the audit log keeps each version.
func (s *Service) Record(ctx context.Context, p *auth.Principal, meetingID int64, in RecordInput) (int64, error) {
	m, role, err := s.observable(ctx, p, meetingID)
	if err != nil {
		return 0, err
	}
	if err := in.Scores.Check(); err != nil {
		return 0, err
	}
	var ok bool
	if in.Comments, ok = text(in.Comments, 0, 2000); !ok {
		return 0, errs.E(errs.Invalid, "invalid_comments", msg.T("supervise.invalid_comments")).WithFields([]errs.FieldError{{Field: "comments", Reason: msg.T("supervise.field.comments")}})
	}
	if m.PlannedAt.After(s.Now()) {
		return 0, errs.E(errs.Unprocessable, "not_started", msg.T("supervise.not_started"))
	}
	sc := in.Scores
	var id int64
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		err := tx.QueryRow(ctx, `SELECT id FROM sitins WHERE meeting_id = ? AND user_id = ?`, meetingID, p.UserID).Scan(&id)
		if db.IsNoRows(err) {
			id, err = tx.Insert(ctx, `INSERT INTO sitins (meeting_id, user_id, capacity, signed_at) VALUES (?, ?, ?, ?)`, meetingID, p.UserID, string(role), tx.Now)
		}
		if err != nil {
			return errs.Wrap(err, "sitin")
		}
		_, err = tx.Exec(ctx, `UPDATE sitins SET score_study = ?, score_speak = ?, score_review = ?, score_followup = ?, comments = ?, recorded_at = ? WHERE id = ?`,
			sc.Study, sc.Speak, sc.Review, sc.Followup, in.Comments, tx.Now, id)
		if err != nil {
			return errs.Wrap(err, "record sitin")
		}
		return audit.Record(ctx, tx, p.Actor(), "sitin.record", fmt.Sprintf("sitin:%d", id), in, audit.OK)
	})
	return id, err
}

// RaiseProblem turns a problem the observer found into a rectification of
// the meeting's unit, like any other (source "sitin"), and remembers which
// sit-in found it. The rectification goes in through the unit's org scope:
// an observer is not the meeting's recorder, and an observer's finding is
// not an amendment of the unit's minutes.
func (s *Service) RaiseProblem(ctx context.Context, p *auth.Principal, sitinID int64, in rectify.Input) (int64, error) {
	var meetingID, observer int64
	err := s.DB.QueryRow(ctx, `SELECT meeting_id, user_id FROM sitins WHERE id = ?`, sitinID).Scan(&meetingID, &observer)
	if db.IsNoRows(err) {
		return 0, errs.NotFoundf(msg.T("supervise.noun.sitin"))
	}
	if err != nil {
		return 0, errs.Wrap(err, "sitin")
	}
	m, err := s.readable(ctx, p, meetingID)
	if err != nil {
		return 0, errs.NotFoundf(msg.T("supervise.noun.sitin"))
	}
	if observer != p.UserID {
		return 0, errs.E(errs.Forbidden, "not_your_sitin", msg.T("supervise.not_your_sitin"))
	}
	if m.PlannedAt.After(s.Now()) {
		return 0, errs.E(errs.Unprocessable, "not_started", msg.T("supervise.not_started2"))
	}
	in.MeetingID, in.OrgID, in.Source, in.Amend = 0, m.OrgID, "sitin", ""
	rid, err := s.Rectify.Raise(ctx, p, in)
	if err != nil {
		return 0, err
	}
	// Raise commits on its own; the link is a second small write. Should it
	// fail, the rectification still stands in the ledger as 旁听发现.
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO sitin_problems (sitin_id, rectification_id) VALUES (?, ?)`, sitinID, rid); err != nil {
			return errs.Wrap(err, "sitin problem")
		}
		return audit.Record(ctx, tx, p.Actor(), "sitin.problem", fmt.Sprintf("sitin:%d", sitinID), map[string]any{"rectification": rid}, audit.OK)
	})
	return rid, err
}

const sitinCols = `si.id, si.meeting_id, m.org_id, o.name, m.planned_at, m.topic, si.user_id, u.display_name, si.capacity, si.signed_at,
	si.score_study, si.score_speak, si.score_review, si.score_followup, si.comments, si.recorded_at`
const sitinFrom = ` FROM sitins si JOIN meetings m ON m.id = si.meeting_id JOIN orgs o ON o.id = m.org_id JOIN users u ON u.id = si.user_id`

func scanSitIns(rows *sql.Rows) ([]SitIn, error) {
	defer rows.Close()
	var out []SitIn
	for rows.Next() {
		var si SitIn
		var st, sp, rv, fu sql.NullInt64
		var rec sql.NullTime
		if err := rows.Scan(&si.ID, &si.MeetingID, &si.OrgID, &si.OrgName, &si.PlannedAt, &si.Topic, &si.UserID, &si.Observer, &si.Capacity, &si.SignedAt,
			&st, &sp, &rv, &fu, &si.Comments, &rec); err != nil {
			return nil, errs.Wrap(err, "sitin scan")
		}
		if rec.Valid {
			si.RecordedAt = &rec.Time
			si.Scores = &Scores{int(st.Int64), int(sp.Int64), int(rv.Int64), int(fu.Int64)}
		}
		si.CapacityLabel = auth.Role(si.Capacity).Label()
		out = append(out, si)
	}
	return out, errs.Wrap(rows.Err(), "sitin rows")
}

// ForMeeting lists who sits in on a meeting and what they recorded, with
// the problems they found: for the observers, and for the unit.
func (s *Service) ForMeeting(ctx context.Context, p *auth.Principal, meetingID int64) ([]SitIn, error) {
	if _, err := s.readable(ctx, p, meetingID); err != nil {
		return nil, err
	}
	rows, err := s.DB.Query(ctx, `SELECT `+sitinCols+sitinFrom+` WHERE si.meeting_id = ? ORDER BY si.signed_at, si.id`, meetingID)
	if err != nil {
		return nil, errs.Wrap(err, "sitins")
	}
	out, err := scanSitIns(rows)
	if err != nil {
		return nil, err
	}
	return out, s.attachProblems(ctx, out)
}

func (s *Service) attachProblems(ctx context.Context, list []SitIn) error {
	for i := range list {
		rows, err := s.DB.Query(ctx, `SELECT r.id, r.problem, r.status, r.deadline FROM sitin_problems sp JOIN rectifications r ON r.id = sp.rectification_id
			WHERE sp.sitin_id = ? ORDER BY r.id`, list[i].ID)
		if err != nil {
			return errs.Wrap(err, "sitin problems")
		}
		for rows.Next() {
			var pr ProblemRef
			if err := rows.Scan(&pr.RectificationID, &pr.Problem, &pr.Status, &pr.Deadline); err != nil {
				rows.Close()
				return errs.Wrap(err, "sitin problem scan")
			}
			pr.StatusLabel = rectify.Status(pr.Status).Label()
			list[i].Problems = append(list[i].Problems, pr)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return errs.Wrap(err, "sitin problem rows")
		}
	}
	return nil
}

// scopeWhere is the SQL condition (on orgs alias o) for the units p reads
// as a reader, or "" when p reads none.
func scopeWhere(p *auth.Principal) (string, []any) {
	var conds []string
	var args []any
	for _, path := range p.Scopes(auth.Readers...) {
		conds = append(conds, "o.path LIKE ?")
		args = append(args, path+"%")
	}
	if len(conds) == 0 {
		return "", nil
	}
	return "(" + strings.Join(conds, " OR ") + ")", args
}

// SitInFilter narrows the list of sit-ins.
type SitInFilter struct {
	Mine     bool // only p's own
	Recorded bool // only recorded ones
	Limit    int
}

// List returns the sit-ins at meetings of units p reads (a secretary: their
// own units'), newest meeting first.
func (s *Service) List(ctx context.Context, p *auth.Principal, f SitInFilter) ([]SitIn, error) {
	where, args := scopeWhere(p)
	if where == "" {
		return nil, errs.Forbid()
	}
	if f.Mine {
		where += " AND si.user_id = ?"
		args = append(args, p.UserID)
	}
	if f.Recorded {
		where += " AND si.recorded_at IS NOT NULL"
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 200
	}
	rows, err := s.DB.Query(ctx, `SELECT `+sitinCols+sitinFrom+` WHERE `+where+` ORDER BY m.planned_at DESC, si.id DESC LIMIT ?`, append(args, f.Limit)...)
	if err != nil {
		return nil, errs.Wrap(err, "sitin list")
	}
	return scanSitIns(rows)
}

// CalendarEntry is a planned meeting in the district-wide calendar, with
// who has signed up to sit in.
type CalendarEntry struct {
	MeetingID int64     `json:"meeting_id"`
	OrgID     int64     `json:"org_id"`
	OrgName   string    `json:"org_name"`
	PlannedAt time.Time `json:"planned_at"`
	Place     string    `json:"place"`
	Topic     string    `json:"topic"`
	Observers []Person  `json:"observers"`
	Mine      bool      `json:"signed_up"`  // p is among the observers
	CanSignUp bool      `json:"can_sit_in"` // p may sign up
}

// Calendar lists the meetings not yet finalised and planned in [from, to)
// in the units p reads, in time order (at most 2000).
func (s *Service) Calendar(ctx context.Context, p *auth.Principal, from, to time.Time) ([]CalendarEntry, error) {
	where, args := scopeWhere(p)
	if where == "" {
		return nil, errs.Forbid()
	}
	win := []any{from.UTC(), to.UTC()}
	rows, err := s.DB.Query(ctx, `SELECT m.id, m.org_id, o.name, o.path, m.planned_at, m.place, m.topic FROM meetings m JOIN orgs o ON o.id = m.org_id
		WHERE m.finalized_at IS NULL AND m.planned_at >= ? AND m.planned_at < ? AND `+where+` ORDER BY m.planned_at, o.path LIMIT 2000`, append(win, args...)...)
	if err != nil {
		return nil, errs.Wrap(err, "calendar")
	}
	var out []CalendarEntry
	index := map[int64]int{}
	func() {
		defer rows.Close()
		for rows.Next() {
			var e CalendarEntry
			var path string
			if err = rows.Scan(&e.MeetingID, &e.OrgID, &e.OrgName, &path, &e.PlannedAt, &e.Place, &e.Topic); err != nil {
				return
			}
			e.CanSignUp = Capacity(p, path) != ""
			index[e.MeetingID] = len(out)
			out = append(out, e)
		}
		err = rows.Err()
	}()
	if err != nil {
		return nil, errs.Wrap(err, "calendar rows")
	}
	obs, err := s.DB.Query(ctx, `SELECT si.meeting_id, si.user_id, u.display_name FROM sitins si JOIN meetings m ON m.id = si.meeting_id JOIN users u ON u.id = si.user_id
		WHERE m.finalized_at IS NULL AND m.planned_at >= ? AND m.planned_at < ? ORDER BY si.id`, win...)
	if err != nil {
		return nil, errs.Wrap(err, "calendar observers")
	}
	defer obs.Close()
	for obs.Next() {
		var mid int64
		var who Person
		if err := obs.Scan(&mid, &who.ID, &who.Name); err != nil {
			return nil, errs.Wrap(err, "observer scan")
		}
		if i, ok := index[mid]; ok {
			out[i].Observers = append(out[i].Observers, who)
			out[i].Mine = out[i].Mine || who.ID == p.UserID
		}
	}
	return out, errs.Wrap(obs.Err(), "observer rows")
}
