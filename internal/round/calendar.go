// Package round holds the calendar of the 学讲评 programme: rounds twice a
// month, their due dates and tolerance windows, and the status of an activity
// unit in a round. Everything here is pure: no storage, no clock of its own
// (callers pass now), so every rule can be tested with fixed dates.
package round

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // the zone must load on machines without a zoneinfo database

	"xuejiangping/internal/msg"
)

// Error is a failure with a stable code and a message safe to show a user.
// It stays local to the package; the delivery layers map Code to a response.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Error codes of this package.
const (
	CodeInvalidConfig = "round_invalid_config" // the calendar settings are unusable
	CodeInvalidKey    = "round_invalid_key"    // a round key does not parse
	CodeInvalidDate   = "round_invalid_date"   // a civil date does not parse
	CodeInvalidStatus = "round_invalid_status" // a status code is unknown
)

// DefaultZone is the zone the programme runs in unless configured otherwise.
const DefaultZone = "Asia/Shanghai"

// DefaultTolerance is the default half-width of a round's window, in days.
const DefaultTolerance = 3

// MaxTolerance is the widest window allowed. The closest due dates of two
// consecutive rounds are 12 days apart (16 and 28 February), so a tolerance
// of 5 still leaves a day between their windows and a day can never be in
// two windows at once.
const MaxTolerance = 5

// Halves of a month.
const (
	FirstHalf  = 1 // due on the 16th
	SecondHalf = 2 // due on the 30th, or the last day of a shorter month
)

// Day of the month on which each half is due (the second half is capped at
// the month's last day, which only matters in February).
const (
	firstDueDay  = 16
	secondDueDay = 30
)

var defaultZone = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation(DefaultZone)
	if err != nil {
		// Unreachable with time/tzdata linked in; China has had no DST since 1991.
		return time.FixedZone("CST", 8*60*60)
	}
	return loc
})

// Calendar is the configuration rounds are generated from.
type Calendar struct {
	// Start is the programme's start date: the first round is the first one
	// due on or after it. A zero Start means no lower bound (tools and tests).
	Start Date
	// Location is the zone in which dates and windows are reckoned; nil
	// means Asia/Shanghai.
	Location *time.Location
	// Tolerance is how many days either side of the due date the window
	// extends; 0 means the due date alone. Use DefaultCalendar for ±3.
	Tolerance int
}

// DefaultCalendar returns the programme's defaults: Asia/Shanghai, ±3 days.
func DefaultCalendar(start Date) Calendar {
	return Calendar{Start: start, Location: defaultZone(), Tolerance: DefaultTolerance}
}

// Validate reports settings the calendar cannot work with, so a bad
// configuration is refused at load time rather than producing odd rounds.
func (c Calendar) Validate() error {
	if c.Tolerance < 0 || c.Tolerance > MaxTolerance {
		return &Error{CodeInvalidConfig, msg.T("round.config.badTolerance", MaxTolerance)}
	}
	if c.Start.IsZero() {
		return &Error{CodeInvalidConfig, msg.T("round.config.noStart")}
	}
	if !c.Start.Valid() {
		return &Error{CodeInvalidConfig, msg.T("round.config.badStart")}
	}
	return nil
}

// Zone returns the zone the calendar reckons in.
func (c Calendar) Zone() *time.Location {
	if c.Location == nil {
		return defaultZone()
	}
	return c.Location
}

// tolerance is clamped so that even an unvalidated calendar never yields
// overlapping windows.
func (c Calendar) tolerance() int {
	return min(max(c.Tolerance, 0), MaxTolerance)
}

// Round is one half-month period of the programme.
//
// All three instants are midnights in the calendar's zone. A window covers
// whole days: a meeting counts as inside it when
// WindowStart <= held < WindowEnd, i.e. from 00:00 on the first day to the
// last nanosecond of the last day.
type Round struct {
	Year  int
	Month time.Month
	Half  int  // FirstHalf or SecondHalf
	Due   Date // the 16th; the 30th or the last day of February

	// Opens is 00:00 on the first day of the round's half-month (the 1st for
	// the first half, the 16th for the second). A meeting held earlier
	// cannot count for this round; see StatusOf.
	Opens time.Time
	// WindowStart is 00:00 on Due minus the tolerance.
	WindowStart time.Time
	// WindowEnd is exclusive: 00:00 on the day after Due plus the tolerance.
	// Use LastDay to show the window's last day.
	WindowEnd time.Time
}

// Of returns the round for a year, month and half (FirstHalf or
// SecondHalf), reckoned in the calendar's zone. It does not check the
// programme's start.
func Of(cfg Calendar, year int, month time.Month, half int) Round {
	loc, tol := cfg.Zone(), cfg.tolerance()
	due := dueDate(year, month, half)
	opens := Date{year, month, 1}
	if half == SecondHalf {
		opens.Day = firstDueDay
	}
	return Round{
		Year:        year,
		Month:       month,
		Half:        half,
		Due:         due,
		Opens:       opens.In(loc),
		WindowStart: due.AddDays(-tol).In(loc),
		WindowEnd:   due.AddDays(tol + 1).In(loc),
	}
}

// dueDate is the 16th for the first half; for the second half the 30th,
// or the month's last day when it has fewer than 30 days (February). Months
// with 31 days are still due on the 30th.
func dueDate(year int, month time.Month, half int) Date {
	if half == FirstHalf {
		return Date{year, month, firstDueDay}
	}
	return Date{year, month, min(secondDueDay, daysIn(year, month))}
}

func daysIn(year int, month time.Month) int {
	return time.Date(year, month+1, 0, 12, 0, 0, 0, time.UTC).Day()
}

// Next returns the round after r.
func Next(cfg Calendar, r Round) Round {
	if r.Half == FirstHalf {
		return Of(cfg, r.Year, r.Month, SecondHalf)
	}
	d := Date{r.Year, r.Month, 1}.addMonths(1)
	return Of(cfg, d.Year, d.Month, FirstHalf)
}

// Prev returns the round before r.
func Prev(cfg Calendar, r Round) Round {
	if r.Half == SecondHalf {
		return Of(cfg, r.Year, r.Month, FirstHalf)
	}
	d := Date{r.Year, r.Month, 1}.addMonths(-1)
	return Of(cfg, d.Year, d.Month, SecondHalf)
}

// Key is the round's stable identifier, e.g. "2025-10-1": year, two-digit
// month, half. Keys sort in calendar order as plain strings.
func (r Round) Key() string {
	return fmt.Sprintf("%04d-%02d-%d", r.Year, int(r.Month), r.Half)
}

// String returns the key.
func (r Round) String() string { return r.Key() }

// Label is the round's Chinese name, e.g. "2025年10月上半月".
func (r Round) Label() string {
	half := msg.T("round.half.first")
	if r.Half == SecondHalf {
		half = msg.T("round.half.second")
	}
	return msg.T("round.roundLabel", r.Year, int(r.Month), half)
}

// FirstDay is the window's first day.
func (r Round) FirstDay() Date { return DateOf(r.WindowStart, r.WindowStart.Location()) }

// LastDay is the window's last day (the day before WindowEnd).
func (r Round) LastDay() Date {
	return DateOf(r.WindowEnd, r.WindowEnd.Location()).AddDays(-1)
}

// InWindow reports whether t falls on one of the window's days.
func (r Round) InWindow(t time.Time) bool {
	return !t.Before(r.WindowStart) && t.Before(r.WindowEnd)
}

// ByKey returns the round a key names, e.g. "2025-10-1".
func ByKey(cfg Calendar, key string) (Round, error) {
	bad := &Error{CodeInvalidKey, msg.T("round.badKey", key)}
	parts := strings.Split(key, "-")
	if len(parts) != 3 || len(parts[0]) != 4 || len(parts[1]) != 2 || len(parts[2]) != 1 {
		return Round{}, bad
	}
	year, err1 := strconv.Atoi(parts[0])
	month, err2 := strconv.Atoi(parts[1])
	half, err3 := strconv.Atoi(parts[2])
	if err1 != nil || err2 != nil || err3 != nil || year < 1 ||
		month < 1 || month > 12 || (half != FirstHalf && half != SecondHalf) {
		return Round{}, bad
	}
	return Of(cfg, year, time.Month(month), half), nil
}

// First returns the programme's first round: the first one due on or after
// Start. With a zero Start it returns the zero Round.
func First(cfg Calendar) Round {
	if cfg.Start.IsZero() {
		return Round{}
	}
	return dueOnOrAfter(cfg, cfg.Start)
}

// dueOnOrAfter returns the first round whose due date is d or later.
func dueOnOrAfter(cfg Calendar, d Date) Round {
	r := Of(cfg, d.Year, d.Month, FirstHalf)
	for r.Due.Before(d) {
		r = Next(cfg, r)
	}
	return r
}

// Generate returns, in order, the rounds whose due date falls between the
// days of from and to in the calendar's zone (both days included), never
// one due before the programme's start.
func Generate(cfg Calendar, from, to time.Time) []Round {
	loc := cfg.Zone()
	first, last := DateOf(from, loc), DateOf(to, loc)
	if !cfg.Start.IsZero() && first.Before(cfg.Start) {
		first = cfg.Start
	}
	var rounds []Round
	for r := dueOnOrAfter(cfg, first); !last.Before(r.Due); r = Next(cfg, r) {
		rounds = append(rounds, r)
	}
	return rounds
}

// RoundAt returns the round a unit is working towards at t: the earliest
// round whose window has not closed by t, and never one before the
// programme's first round.
//
// The windows of consecutive rounds never overlap, so every day belongs to
// exactly one round: with ±3 days the first half of October owns 4–19
// October and the second half owns 20 October – 2 November. A meeting on the
// 18th therefore falls to the first half, inside its window, and a meeting on
// 1 November to the second half of October, late in its window.
//
// This is a default for planning and for "the current round" on dashboards.
// A meeting is always planned for an explicit round, and its status is
// judged against that round (StatusOf), not against RoundAt of its date.
func RoundAt(cfg Calendar, t time.Time) Round {
	d := DateOf(t, cfg.Zone())
	// The previous month's second half is the earliest candidate: its window
	// ends by the 5th of this month at the latest.
	prev := Date{d.Year, d.Month, 1}.addMonths(-1)
	r := Of(cfg, prev.Year, prev.Month, SecondHalf)
	for r.LastDay().Before(d) {
		r = Next(cfg, r)
	}
	if first := First(cfg); !cfg.Start.IsZero() && r.Due.Before(first.Due) {
		return first
	}
	return r
}

// Date is a civil date with no time and no zone: a due date, a postponement
// date. It becomes an instant only with a zone (In).
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the civil date of t in loc.
func DateOf(t time.Time, loc *time.Location) Date {
	y, m, d := t.In(loc).Date()
	return Date{y, m, d}
}

// ParseDate parses "2006-01-02".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return Date{}, &Error{CodeInvalidDate, msg.T("round.badDate", s)}
	}
	return DateOf(t, time.UTC), nil
}

// In returns 00:00 of the date in loc.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// AddDays returns the date n days later (earlier when n < 0).
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC), time.UTC)
}

// addMonths moves a first-of-month date by n months.
func (d Date) addMonths(n int) Date {
	return DateOf(time.Date(d.Year, d.Month+time.Month(n), d.Day, 12, 0, 0, 0, time.UTC), time.UTC)
}

// Compare returns -1, 0 or +1 as d is before, equal to or after o.
func (d Date) Compare(o Date) int {
	if c := cmp.Compare(d.Year, o.Year); c != 0 {
		return c
	}
	if c := cmp.Compare(d.Month, o.Month); c != 0 {
		return c
	}
	return cmp.Compare(d.Day, o.Day)
}

// Before reports whether d is before o.
func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }

// After reports whether d is after o.
func (d Date) After(o Date) bool { return d.Compare(o) > 0 }

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// Valid reports whether d names a real day (no 31 April).
func (d Date) Valid() bool {
	return d.Month >= time.January && d.Month <= time.December &&
		d.Day >= 1 && d.Day <= daysIn(d.Year, d.Month)
}

// String formats the date as "2006-01-02".
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}
