package round

import (
	"errors"
	"testing"
	"time"
)

func ptr(t time.Time) *time.Time { return &t }

func TestStatusOf(t *testing.T) {
	cfg := cal(3)
	first := Of(cfg, 2025, time.October, FirstHalf)   // opens 1 Oct, window 13–19 Oct
	second := Of(cfg, 2025, time.October, SecondHalf) // opens 16 Oct, window 27 Oct – 2 Nov
	feb := Of(cfg, 2026, time.February, SecondHalf)   // opens 16 Feb, window 25 Feb – 3 Mar
	newDate := &Postponement{NewDate: date("2025-10-25"), Reason: "迎接上级检查"}

	tests := []struct {
		name string
		r    Round
		held *time.Time
		p    *Postponement
		now  time.Time
		want Status
	}{
		// No meeting.
		{"future round", second, nil, nil, at("2025-10-01 09:00:00"), StatusPending},
		{"current round before its window", first, nil, nil, at("2025-10-10 09:00:00"), StatusPending},
		{"last second of the window", first, nil, nil, at("2025-10-19 23:59:59"), StatusPending},
		{"window closed", first, nil, nil, at("2025-10-20 00:00:00"), StatusNotHeld},
		{"window closed long ago", first, nil, nil, at("2026-05-01 00:00:00"), StatusNotHeld},
		{"now in UTC, just before Shanghai midnight", first, nil, nil, time.Date(2025, 10, 19, 15, 59, 59, 0, time.UTC), StatusPending},
		{"now in UTC, Shanghai midnight", first, nil, nil, time.Date(2025, 10, 19, 16, 0, 0, 0, time.UTC), StatusNotHeld},

		// Held: window edges, whole days in the zone.
		{"first day of the window", first, ptr(at("2025-10-13 00:00:00")), nil, at("2025-11-01 00:00:00"), StatusOnTime},
		{"the 18th for the first half", first, ptr(at("2025-10-18 15:00:00")), nil, at("2025-11-01 00:00:00"), StatusOnTime},
		{"last second of the window", first, ptr(at("2025-10-19 23:59:59")), nil, at("2025-11-01 00:00:00"), StatusOnTime},
		{"the day after the window", first, ptr(at("2025-10-20 00:00:00")), nil, at("2025-11-01 00:00:00"), StatusLate},
		{"weeks late is still late", first, ptr(at("2025-12-05 09:00:00")), nil, at("2026-01-01 00:00:00"), StatusLate},
		{"held in UTC, Shanghai 19th", first, ptr(time.Date(2025, 10, 19, 15, 0, 0, 0, time.UTC)), nil, at("2025-11-01 00:00:00"), StatusOnTime},
		{"held in UTC, Shanghai 20th", first, ptr(time.Date(2025, 10, 19, 16, 0, 0, 0, time.UTC)), nil, at("2025-11-01 00:00:00"), StatusLate},
		{"held while the window is still open", first, ptr(at("2025-10-14 09:00:00")), nil, at("2025-10-14 12:00:00"), StatusOnTime},

		// Held early: inside the half-month counts, before it does not.
		{"early in the first half-month", first, ptr(at("2025-10-02 09:00:00")), nil, at("2025-11-01 00:00:00"), StatusOnTime},
		{"opening instant of the first half", first, ptr(at("2025-10-01 00:00:00")), nil, at("2025-11-01 00:00:00"), StatusOnTime},
		{"last month's 30th cannot count for the first half", first, ptr(at("2025-09-30 23:59:59")), nil, at("2025-10-10 00:00:00"), StatusPending},
		{"and after the window it is not held", first, ptr(at("2025-09-30 23:59:59")), nil, at("2025-10-20 00:00:00"), StatusNotHeld},
		{"the 16th opens the second half", second, ptr(at("2025-10-16 00:00:00")), nil, at("2025-11-05 00:00:00"), StatusOnTime},
		{"the 15th cannot count for the second half", second, ptr(at("2025-10-15 23:59:59")), nil, at("2025-11-05 00:00:00"), StatusNotHeld},
		{"the 1st of next month is late-window for the second half", second, ptr(at("2025-11-01 10:00:00")), nil, at("2025-11-05 00:00:00"), StatusOnTime},
		{"February: 3 March is in the window", feb, ptr(at("2026-03-03 20:00:00")), nil, at("2026-03-10 00:00:00"), StatusOnTime},
		{"February: 4 March is late", feb, ptr(at("2026-03-04 08:00:00")), nil, at("2026-03-10 00:00:00"), StatusLate},

		// Approved postponement to 25 October for the first half.
		{"postponed, window still open: still pending", first, nil, newDate, at("2025-10-15 00:00:00"), StatusPending},
		{"postponed, new date ahead", first, nil, newDate, at("2025-10-22 00:00:00"), StatusPostponed},
		{"postponed, last second of the new date", first, nil, newDate, at("2025-10-25 23:59:59"), StatusPostponed},
		{"postponed, new date passed", first, nil, newDate, at("2025-10-26 00:00:00"), StatusNotHeld},
		{"postponed, made up before the new date", first, ptr(at("2025-10-23 09:00:00")), newDate, at("2025-10-26 00:00:00"), StatusMadeUp},
		{"postponed, made up on the new date's last second", first, ptr(at("2025-10-25 23:59:59")), newDate, at("2025-10-26 00:00:00"), StatusMadeUp},
		{"postponed, held after the new date", first, ptr(at("2025-10-26 00:00:00")), newDate, at("2025-10-27 00:00:00"), StatusLate},
		{"postponed but held in the window anyway", first, ptr(at("2025-10-18 09:00:00")), newDate, at("2025-10-27 00:00:00"), StatusOnTime},
		{"postponed, meeting before the round opened does not count", first, ptr(at("2025-09-28 09:00:00")), newDate, at("2025-10-22 00:00:00"), StatusPostponed},
		{"postponement dated inside the window excuses nothing after it", first, nil, &Postponement{NewDate: date("2025-10-18")}, at("2025-10-20 00:00:00"), StatusNotHeld},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := StatusOf(tt.r, tt.held, tt.p, tt.now); got != tt.want {
				t.Errorf("StatusOf = %s (%s), want %s (%s)", got, got.Label(), tt.want, tt.want.Label())
			}
		})
	}
}

func TestStatusLabels(t *testing.T) {
	want := map[Status]string{
		StatusPending:   "待开展",
		StatusOnTime:    "按时开展",
		StatusLate:      "逾期开展",
		StatusPostponed: "请假顺延",
		StatusMadeUp:    "请假顺延（已补开）",
		StatusNotHeld:   "未开展",
	}
	all := Statuses()
	if len(all) != len(want) {
		t.Fatalf("Statuses() has %d entries, want %d", len(all), len(want))
	}
	for _, s := range all {
		if s.Label() != want[s] {
			t.Errorf("%s.Label() = %q, want %q", s, s.Label(), want[s])
		}
		for _, in := range []string{string(s), want[s], " " + want[s] + " "} {
			if got, err := ParseStatus(in); err != nil || got != s {
				t.Errorf("ParseStatus(%q) = %s, %v; want %s", in, got, err, s)
			}
		}
	}
}

func TestParseStatusRejects(t *testing.T) {
	for _, in := range []string{"", "done", "按时", "ON_TIME"} {
		_, err := ParseStatus(in)
		var e *Error
		if !errors.As(err, &e) || e.Code != CodeInvalidStatus || e.Message == "" {
			t.Errorf("ParseStatus(%q) error = %v, want %s", in, err, CodeInvalidStatus)
		}
	}
}

func TestStatusPredicates(t *testing.T) {
	tests := []struct {
		s               Status
		held, compliant bool
	}{
		{StatusPending, false, false},
		{StatusOnTime, true, true},
		{StatusLate, true, false},
		{StatusPostponed, false, false},
		{StatusMadeUp, true, true},
		{StatusNotHeld, false, false},
	}
	for _, tt := range tests {
		if tt.s.Held() != tt.held || tt.s.Compliant() != tt.compliant {
			t.Errorf("%s: Held, Compliant = %v, %v; want %v, %v", tt.s, tt.s.Held(), tt.s.Compliant(), tt.held, tt.compliant)
		}
	}
}
