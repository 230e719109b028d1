// Package points is recognition, not surveillance. Points are off unless
// the admin turns them on; they are derived from what a member actually
// did — a speech given, reviews written, a rectification verified,
// practice questions answered right — never from logins, clicks or time on
// a page; a member sees only their own, and no ranking of individuals
// exists. Units are compared by outcomes.
package points

import (
	"context"
	"fmt"
	"sort"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
	"xuejiangping/internal/quiz"
	"xuejiangping/internal/round"
	"xuejiangping/internal/settings"
)

// What each piece of substance is worth.
const (
	PerSpeech        = 2
	PerCase          = 1 // on top of the speech, for a worked case (案例说法)
	PerReview        = 1 // per self or peer review written
	PerRectification = 3 // per rectification of one's own verified by the secretary
	PerPractice      = 1 // per practice question answered right, …
	PracticePerRound = 3 // … counting at most this many in a round: practice is welcome, never a quota, nor worth more than speaking
)

// Line is one source of a member's points.
type Line struct {
	What   string `json:"what"`
	Count  int    `json:"count"`
	Each   int    `json:"each"`
	Points int    `json:"points"`
}

// Mine is a member's own points, broken down so it is clear what they are for.
type Mine struct {
	Enabled bool   `json:"enabled"`
	Total   int    `json:"total"`
	Lines   []Line `json:"lines"`
}

// Enabled reports whether the admin turned points on.
func Enabled(ctx context.Context, d *db.DB) (bool, error) {
	return settings.Bool(ctx, d, settings.PointsEnabled)
}

// SetEnabled turns points on or off (admin).
func SetEnabled(ctx context.Context, d *db.DB, p *auth.Principal, on bool) error {
	if !p.Has(auth.Admin) {
		return errs.Forbid()
	}
	v := "0"
	if on {
		v = "1"
	}
	return d.InTx(ctx, func(tx *db.Tx) error {
		if err := settings.Set(ctx, tx, settings.PointsEnabled, v); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p.Actor(), "points.enabled", "settings", map[string]any{"enabled": on}, audit.OK)
	})
}

// For computes a member's own points from the record.
func For(ctx context.Context, d *db.DB, memberID int64) (Mine, error) {
	var m Mine
	on, err := Enabled(ctx, d)
	if err != nil || !on || memberID == 0 {
		return m, err
	}
	m.Enabled = true
	var speeches, cases, reviews, rects int
	err = d.QueryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM speeches s JOIN meetings mt ON mt.id = s.meeting_id WHERE s.member_id = ? AND mt.finalized_at IS NOT NULL),
		(SELECT COUNT(*) FROM speeches s JOIN meetings mt ON mt.id = s.meeting_id WHERE s.member_id = ? AND s.is_case AND mt.finalized_at IS NOT NULL),
		(SELECT COUNT(*) FROM reviews r JOIN meetings mt ON mt.id = r.meeting_id WHERE r.reviewer_id = ? AND r.kind IN ('self','peer') AND mt.finalized_at IS NOT NULL),
		(SELECT COUNT(*) FROM rectifications WHERE owner_id = ? AND status = 'verified')`, memberID, memberID, memberID, memberID).
		Scan(&speeches, &cases, &reviews, &rects)
	if err != nil {
		return m, errs.Wrap(err, "points")
	}
	practice, err := practiceCounted(ctx, d, memberID)
	if err != nil {
		return m, err
	}
	for _, l := range []Line{
		{msg.T("points.line.speech"), speeches, PerSpeech, 0},
		{msg.T("points.line.case"), cases, PerCase, 0},
		{msg.T("points.line.review"), reviews, PerReview, 0},
		{msg.T("points.line.rectified"), rects, PerRectification, 0},
		{msg.T("points.line.practice", PracticePerRound), practice, PerPractice, 0},
	} {
		l.Points = l.Count * l.Each
		m.Total += l.Points
		m.Lines = append(m.Lines, l)
	}
	return m, nil
}

// practiceCounted is how many of a member's right practice answers count:
// at most PracticePerRound in each round (the round an answer's date falls
// in), so that practising more than that earns nothing more.
func practiceCounted(ctx context.Context, d *db.DB, memberID int64) (int, error) {
	times, err := quiz.CorrectPracticeAt(ctx, d, memberID)
	if err != nil {
		return 0, err
	}
	cal := round.DefaultCalendar(round.Date{})
	perRound := map[string]int{}
	n := 0
	for _, t := range times {
		k := round.RoundAt(cal, t).Key()
		if perRound[k] < PracticePerRound {
			perRound[k]++
			n++
		}
	}
	return n, nil
}

// UnitOutcome compares units by outcomes, never by activity: rounds whose
// meeting was held in time with real speeches, and rectifications closed
// by their deadline.
type UnitOutcome struct {
	OrgID            int64   `json:"org_id"`
	OrgName          string  `json:"org_name"`
	MeetingsWithTalk int     `json:"meetings_with_speeches"`
	RectsClosed      int     `json:"rectifications_closed"`
	RectsOnTime      int     `json:"rectifications_closed_on_time"`
	OnTimeShare      float64 `json:"closed_on_time_share"`
}

// UnitOutcomes lists the units under path, best outcomes first.
func UnitOutcomes(ctx context.Context, d *db.DB, path string) ([]UnitOutcome, error) {
	rows, err := d.Query(ctx, `SELECT o.id, o.name,
		(SELECT COUNT(*) FROM meetings mt WHERE mt.org_id = o.id AND mt.finalized_at IS NOT NULL
			AND EXISTS (SELECT 1 FROM speeches s WHERE s.meeting_id = mt.id)),
		(SELECT COUNT(*) FROM rectifications r WHERE r.org_id = o.id AND r.status IN ('done','verified')),
		(SELECT COUNT(*) FROM rectifications r WHERE r.org_id = o.id AND r.status IN ('done','verified') AND r.done_at IS NOT NULL
			AND SUBSTR(CAST(r.done_at AS TEXT), 1, 10) <= r.deadline)
		FROM orgs o WHERE o.path LIKE ? AND (o.kind = 'group' OR (o.kind = 'branch' AND NOT EXISTS (SELECT 1 FROM orgs g WHERE g.parent_id = o.id AND g.kind = 'group')))`, path+"%")
	if err != nil {
		return nil, errs.Wrap(err, "outcomes")
	}
	defer rows.Close()
	var out []UnitOutcome
	for rows.Next() {
		var u UnitOutcome
		if err := rows.Scan(&u.OrgID, &u.OrgName, &u.MeetingsWithTalk, &u.RectsClosed, &u.RectsOnTime); err != nil {
			return nil, errs.Wrap(err, "outcome scan")
		}
		if u.RectsClosed > 0 {
			u.OnTimeShare = float64(u.RectsOnTime) / float64(u.RectsClosed)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "outcome rows")
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].MeetingsWithTalk != out[j].MeetingsWithTalk {
			return out[i].MeetingsWithTalk > out[j].MeetingsWithTalk
		}
		return out[i].RectsOnTime > out[j].RectsOnTime
	})
	return out, nil
}

// Percent formats a share for the pages.
func Percent(x float64) string { return fmt.Sprintf("%.0f%%", x*100) }
