package round

import (
	"strings"
	"time"

	"xuejiangping/internal/msg"
)

// Status is where an activity unit stands in a round. It is always derived
// from recorded data (StatusOf); nobody types it.
type Status string

// The statuses, as stored and sent over the API.
const (
	// StatusPending: no meeting yet, but the window is still open.
	StatusPending Status = "pending"
	// StatusOnTime: held between the round's opening and its window end.
	StatusOnTime Status = "on_time"
	// StatusLate: held after the window, without a postponement covering it.
	StatusLate Status = "late"
	// StatusPostponed: the window has closed, the admin approved a new date,
	// and that date has not passed yet.
	StatusPostponed Status = "postponed"
	// StatusMadeUp: postponed, then held on or before the approved date.
	StatusMadeUp Status = "made_up"
	// StatusNotHeld: the window (and any approved new date) has passed with
	// no meeting.
	StatusNotHeld Status = "not_held"
)

// statusLabels is the one place the Chinese names live, in display order.
var statusLabels = []struct {
	status Status
	label  string
}{
	{StatusOnTime, msg.T("round.statusLabels.statusOnTime")},
	{StatusMadeUp, msg.T("round.statusLabels.statusMadeUp")},
	{StatusPostponed, msg.T("round.statusLabels.statusPostponed")},
	{StatusLate, msg.T("round.statusLabels.statusLate")},
	{StatusPending, msg.T("round.statusLabels.statusPending")},
	{StatusNotHeld, msg.T("round.statusLabels.statusNotHeld")},
}

// Statuses returns every status in display order.
func Statuses() []Status {
	all := make([]Status, len(statusLabels))
	for i, s := range statusLabels {
		all[i] = s.status
	}
	return all
}

// Label returns the Chinese name shown to users.
func (s Status) Label() string {
	for _, l := range statusLabels {
		if l.status == s {
			return l.label
		}
	}
	return string(s)
}

// ParseStatus accepts a status code or its Chinese label, so that filters
// and spreadsheet imports can use either.
func ParseStatus(s string) (Status, error) {
	s = strings.TrimSpace(s)
	for _, l := range statusLabels {
		if s == string(l.status) || s == l.label {
			return l.status, nil
		}
	}
	return "", &Error{CodeInvalidStatus, msg.T("round.badStatus", s)}
}

// Held reports whether a meeting counting for the round took place.
func (s Status) Held() bool {
	return s == StatusOnTime || s == StatusLate || s == StatusMadeUp
}

// Compliant reports whether the unit met the round's requirement: on time,
// or made up by a date the admin approved.
func (s Status) Compliant() bool {
	return s == StatusOnTime || s == StatusMadeUp
}

// Postponement is a postponement the admin approved for one unit and round.
// Requests not (yet) approved are not passed to StatusOf at all.
type Postponement struct {
	NewDate Date // the approved date; the meeting may be held until its end
	Reason  string
}

// StatusOf derives a unit's status in round r.
//
//   - held is the time of the unit's finalised meeting planned for r, or nil.
//   - p is the approved postponement for the unit and r, or nil.
//   - now is the moment of evaluation.
//
// The rules, in order:
//
//  1. A meeting held before r.Opens (00:00 on the 1st for a first half, the
//     16th for a second half) does not count for r: it is treated as no
//     meeting. The 16th is the first half's due date, so a meeting can never
//     count for a round if it was held before the previous round's due date.
//  2. Held before r.WindowEnd → 按时开展. Early in the half-month (after
//     Opens, before WindowStart) is on time: a unit that meets on the 5th
//     for the first half did what was asked.
//  3. Held after the window, on or before the end of an approved
//     postponement's new date → 请假顺延（已补开）.
//  4. Held after that → 逾期开展. There is no cut-off: a meeting held weeks
//     late is still late; limiting which rounds may still be planned is a
//     planning rule, not a status rule.
//  5. Not held and the window still open → 待开展 (the current or a future
//     round). A postponement does not change this: the unit may still meet
//     on time.
//  6. Not held, window closed, an approved new date not yet passed → 请假顺延.
//  7. Otherwise → 未开展; an expired postponement excuses nothing.
//
// All days are whole days in the round's zone: the window and the new date
// run until 24:00 on their last day.
func StatusOf(r Round, held *time.Time, p *Postponement, now time.Time) Status {
	if held != nil && !held.Before(r.Opens) {
		return heldStatus(r, *held, p)
	}
	switch {
	case now.Before(r.WindowEnd):
		return StatusPending
	case p != nil && now.Before(postponedEnd(r, p)):
		return StatusPostponed
	default:
		return StatusNotHeld
	}
}

// heldStatus judges a meeting that counts for r.
func heldStatus(r Round, held time.Time, p *Postponement) Status {
	switch {
	case held.Before(r.WindowEnd):
		return StatusOnTime
	case p != nil && held.Before(postponedEnd(r, p)):
		return StatusMadeUp
	default:
		return StatusLate
	}
}

// postponedEnd is 00:00 on the day after the approved new date, in the
// round's zone.
func postponedEnd(r Round, p *Postponement) time.Time {
	return p.NewDate.AddDays(1).In(r.WindowEnd.Location())
}
