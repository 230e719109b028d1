package round

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
	"xuejiangping/internal/org"
	"xuejiangping/internal/settings"
)

// DefaultStart is the programme's start when the admin has not set one:
// the seed's "自去年10月份以来".
const DefaultStart = "2025-10-01"

// Service is rounds, notices, postponements and compliance.
type Service struct {
	DB  *db.DB
	Now func() time.Time
}

// NewService returns a Service on d.
func NewService(d *db.DB) *Service { return &Service{DB: d, Now: time.Now} }

// Calendar reads the programme's calendar from the settings.
func (s *Service) Calendar(ctx context.Context) (Calendar, error) {
	start, err := settings.Get(ctx, s.DB, settings.ProgrammeStart, DefaultStart)
	if err != nil {
		return Calendar{}, err
	}
	tol, err := settings.Int(ctx, s.DB, settings.Tolerance, DefaultTolerance)
	if err != nil {
		return Calendar{}, err
	}
	d, err := ParseDate(start)
	if err != nil {
		d, _ = ParseDate(DefaultStart)
	}
	cal := DefaultCalendar(d)
	cal.Tolerance = tol
	return cal, nil
}

// SetCalendar lets the admin set the start date and tolerance.
func (s *Service) SetCalendar(ctx context.Context, p *auth.Principal, start string, tolerance int) error {
	if !p.Has(auth.Admin) {
		return errs.Forbid()
	}
	d, err := ParseDate(strings.TrimSpace(start))
	if err != nil {
		return err
	}
	cal := DefaultCalendar(d)
	cal.Tolerance = tolerance
	if err := cal.Validate(); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := settings.Set(ctx, tx, settings.ProgrammeStart, d.String()); err != nil {
			return err
		}
		if err := settings.Set(ctx, tx, settings.Tolerance, strconv.Itoa(tolerance)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p.Actor(), "programme.calendar", "settings", map[string]any{"start": d.String(), "tolerance": tolerance}, audit.OK)
	})
}

// Rounds lists the programme's rounds due in a year (all years if 0) up to
// the end of the current round.
func (s *Service) Rounds(ctx context.Context, year int) ([]Round, error) {
	cal, err := s.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	from := cal.Start.In(cal.Zone())
	to := RoundAt(cal, now).WindowEnd
	if year != 0 {
		from = time.Date(year, 1, 1, 0, 0, 0, 0, cal.Zone())
		if y := time.Date(year, 12, 31, 0, 0, 0, 0, cal.Zone()); y.Before(to) {
			to = y
		}
	}
	rs := Generate(cal, from, to)
	// Newest first: the current round is what people look for.
	for i, j := 0, len(rs)-1; i < j; i, j = i+1, j-1 {
		rs[i], rs[j] = rs[j], rs[i]
	}
	return rs, nil
}

// Current is the round in progress now.
func (s *Service) Current(ctx context.Context) (Round, Calendar, error) {
	cal, err := s.Calendar(ctx)
	if err != nil {
		return Round{}, cal, err
	}
	return RoundAt(cal, s.Now()), cal, nil
}

// ByKey parses a round key against the programme's calendar.
func (s *Service) ByKey(ctx context.Context, key string) (Round, Calendar, error) {
	cal, err := s.Calendar(ctx)
	if err != nil {
		return Round{}, cal, err
	}
	r, err := ByKey(cal, key)
	return r, cal, err
}

// UnitStatus is one unit's line in a round's compliance list.
type UnitStatus struct {
	org.Unit
	Status      Status     `json:"status"`
	StatusLabel string     `json:"status_label"`
	MeetingID   int64      `json:"meeting_id,omitempty"`
	PlannedAt   *time.Time `json:"planned_at,omitempty"`
	HeldAt      *time.Time `json:"held_at,omitempty"`
	Postponed   string     `json:"postponed_to,omitempty"`
}

// Compliance lists every activity unit in the principal's reading scope
// (or under orgID when given) with its status in the round. The status is
// derived here from meetings and approved postponements: nobody types it.
func (s *Service) Compliance(ctx context.Context, p *auth.Principal, key string, orgID int64) ([]UnitStatus, error) {
	r, _, err := s.ByKey(ctx, key)
	if err != nil {
		return nil, err
	}
	scopes, err := readScopes(ctx, s.DB, p, orgID)
	if err != nil {
		return nil, err
	}
	meetings, err := s.roundMeetings(ctx, key)
	if err != nil {
		return nil, err
	}
	posts, err := s.approvedPostponements(ctx, key)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	var out []UnitStatus
	for _, path := range scopes {
		units, err := org.Units(ctx, s.DB, path)
		if err != nil {
			return nil, err
		}
		for _, u := range units {
			us := UnitStatus{Unit: u}
			var held *time.Time
			if m, ok := meetings[u.ID]; ok {
				us.MeetingID, us.PlannedAt, us.HeldAt = m.id, &m.planned, m.held
				held = m.held
			}
			var pp *Postponement
			if pd, ok := posts[u.ID]; ok {
				pp = &pd
				us.Postponed = pd.NewDate.String()
			}
			us.Status = StatusOf(r, held, pp, now)
			us.StatusLabel = us.Status.Label()
			out = append(out, us)
		}
	}
	return out, nil
}

// readScopes is the list of subtree paths the principal may read, narrowed
// to orgID when it is given.
func readScopes(ctx context.Context, d *db.DB, p *auth.Principal, orgID int64) ([]string, error) {
	if orgID == 0 {
		sc := p.Scopes(auth.Readers...)
		if len(sc) == 0 {
			return nil, errs.Forbid()
		}
		return sc, nil
	}
	var path string
	err := d.QueryRow(ctx, `SELECT path FROM orgs WHERE id = ?`, orgID).Scan(&path)
	if db.IsNoRows(err) || (err == nil && !p.Covers(path, auth.Readers...)) {
		return nil, errs.NotFoundf(msg.T("noun.org"))
	}
	if err != nil {
		return nil, errs.Wrap(err, "org path")
	}
	return []string{path}, nil
}

type meetingBrief struct {
	id      int64
	planned time.Time
	held    *time.Time
}

func (s *Service) roundMeetings(ctx context.Context, key string) (map[int64]meetingBrief, error) {
	rows, err := s.DB.Query(ctx, `SELECT org_id, id, planned_at, held_at FROM meetings WHERE round_key = ?`, key)
	if err != nil {
		return nil, errs.Wrap(err, "round meetings")
	}
	defer rows.Close()
	out := map[int64]meetingBrief{}
	for rows.Next() {
		var orgID int64
		var m meetingBrief
		var held sql.NullTime
		if err := rows.Scan(&orgID, &m.id, &m.planned, &held); err != nil {
			return nil, errs.Wrap(err, "meeting scan")
		}
		if held.Valid {
			t := held.Time
			m.held = &t
		}
		out[orgID] = m
	}
	return out, errs.Wrap(rows.Err(), "meeting rows")
}

func (s *Service) approvedPostponements(ctx context.Context, key string) (map[int64]Postponement, error) {
	rows, err := s.DB.Query(ctx, `SELECT org_id, new_date, reason FROM postponements WHERE round_key = ? AND status = 'approved'`, key)
	if err != nil {
		return nil, errs.Wrap(err, "postponements")
	}
	defer rows.Close()
	out := map[int64]Postponement{}
	for rows.Next() {
		var orgID int64
		var date, reason string
		if err := rows.Scan(&orgID, &date, &reason); err != nil {
			return nil, errs.Wrap(err, "postponement scan")
		}
		d, err := ParseDate(date)
		if err != nil {
			continue
		}
		out[orgID] = Postponement{NewDate: d, Reason: reason}
	}
	return out, errs.Wrap(rows.Err(), "postponement rows")
}

// Summary counts statuses.
func Summary(list []UnitStatus) map[Status]int {
	m := map[Status]int{}
	for _, u := range list {
		m[u.Status]++
	}
	return m
}

// PostponementRequest is a unit's request to postpone a round's meeting.
type PostponementRequest struct {
	ID        int64     `json:"id"`
	OrgID     int64     `json:"org_id"`
	OrgName   string    `json:"org_name"`
	RoundKey  string    `json:"round_key"`
	Reason    string    `json:"reason"`
	NewDate   string    `json:"new_date"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
}

// RequestPostponement records a unit's request (its secretary or group
// leader), for the admin to decide.
func (s *Service) RequestPostponement(ctx context.Context, p *auth.Principal, unitID int64, key, reason, newDate string) error {
	r, cal, err := s.ByKey(ctx, key)
	if err != nil {
		return err
	}
	u, isUnit, err := org.LoadUnit(ctx, s.DB, unitID)
	if err != nil {
		return err
	}
	if !p.Covers(u.Path, auth.Admin, auth.Secretary, auth.GroupLeader) {
		return errs.NotFoundf(msg.T("noun.org"))
	}
	if !isUnit {
		return errs.E(errs.Unprocessable, "not_unit", msg.T("round.not_unit"))
	}
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > 500 {
		return errs.E(errs.Invalid, "bad_reason", msg.T("round.bad_reason"))
	}
	d, err := ParseDate(strings.TrimSpace(newDate))
	if err != nil {
		return err
	}
	if !d.After(DateOf(r.WindowEnd.Add(-time.Second), cal.Zone())) {
		return errs.E(errs.Invalid, "bad_date", msg.T("round.bad_date"))
	}
	if d.After(DateOf(r.WindowEnd, cal.Zone()).AddDays(30)) {
		return errs.E(errs.Invalid, "bad_date", msg.T("round.bad_date2"))
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO postponements (org_id, round_key, reason, new_date, requested_by, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			unitID, key, reason, d.String(), p.UserID, tx.Now)
		if errors.Is(err, db.ErrUnique) {
			return errs.E(errs.Conflict, "duplicate", msg.T("round.duplicate"))
		}
		if err != nil {
			return errs.Wrap(err, "postpone")
		}
		return audit.Record(ctx, tx, p.Actor(), "postponement.request", fmt.Sprintf("org:%d", unitID), map[string]any{"round": key, "reason": reason, "new_date": d.String()}, audit.OK)
	})
}

// Postponements lists requests in the principal's scope (pending first).
func (s *Service) Postponements(ctx context.Context, p *auth.Principal) ([]PostponementRequest, error) {
	var out []PostponementRequest
	for _, path := range p.Scopes(auth.Readers...) {
		rows, err := s.DB.Query(ctx, `SELECT pp.id, pp.org_id, o.name, pp.round_key, pp.reason, pp.new_date, pp.status, pp.created_at
			FROM postponements pp JOIN orgs o ON o.id = pp.org_id WHERE o.path LIKE ?
			ORDER BY CASE pp.status WHEN 'pending' THEN 0 ELSE 1 END, pp.id DESC LIMIT 500`, path+"%")
		if err != nil {
			return nil, errs.Wrap(err, "postponements")
		}
		for rows.Next() {
			var r PostponementRequest
			if err := rows.Scan(&r.ID, &r.OrgID, &r.OrgName, &r.RoundKey, &r.Reason, &r.NewDate, &r.Status, &r.CreatedAt); err != nil {
				rows.Close()
				return nil, errs.Wrap(err, "postponement scan")
			}
			out = append(out, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, errs.Wrap(err, "postponement rows")
		}
	}
	return out, nil
}

// DecidePostponement approves or rejects a request (admin in scope).
func (s *Service) DecidePostponement(ctx context.Context, p *auth.Principal, id int64, approve bool) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		var path, status string
		err := tx.QueryRow(ctx, `SELECT o.path, pp.status FROM postponements pp JOIN orgs o ON o.id = pp.org_id WHERE pp.id = ?`, id).Scan(&path, &status)
		if db.IsNoRows(err) {
			return errs.NotFoundf(msg.T("round.noun.postponement"))
		}
		if err != nil {
			return errs.Wrap(err, "load postponement")
		}
		if !p.Covers(path, auth.Admin) {
			return errs.Forbid()
		}
		if status != "pending" {
			return errs.E(errs.Conflict, "decided", msg.T("round.decided"))
		}
		next := "rejected"
		if approve {
			next = "approved"
		}
		if _, err := tx.Exec(ctx, `UPDATE postponements SET status = ?, decided_by = ?, decided_at = ? WHERE id = ?`, next, p.UserID, tx.Now, id); err != nil {
			return errs.Wrap(err, "decide")
		}
		return audit.Record(ctx, tx, p.Actor(), "postponement."+next, fmt.Sprintf("postponement:%d", id), nil, audit.OK)
	})
}
