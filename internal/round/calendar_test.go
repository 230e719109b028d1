package round

import (
	"errors"
	"slices"
	"testing"
	"time"
)

var shanghai = mustZone("Asia/Shanghai")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// at builds an instant in Shanghai: at("2025-10-19 23:59:59").
func at(s string) time.Time {
	t, err := time.ParseInLocation(time.DateTime, s, shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

func date(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func cal(tol int) Calendar {
	return Calendar{Start: date("2025-10-01"), Location: shanghai, Tolerance: tol}
}

func TestDueAndWindow(t *testing.T) {
	tests := []struct {
		name        string
		tol         int
		year        int
		month       time.Month
		half        int
		due         string
		first, last string
	}{
		{"first half", 3, 2025, time.October, 1, "2025-10-16", "2025-10-13", "2025-10-19"},
		{"31-day month still due on the 30th", 3, 2025, time.October, 2, "2025-10-30", "2025-10-27", "2025-11-02"},
		{"30-day month", 3, 2025, time.November, 2, "2025-11-30", "2025-11-27", "2025-12-03"},
		{"February non-leap", 3, 2025, time.February, 2, "2025-02-28", "2025-02-25", "2025-03-03"},
		{"February leap", 3, 2024, time.February, 2, "2024-02-29", "2024-02-26", "2024-03-03"},
		{"February 2100 is not leap", 3, 2100, time.February, 2, "2100-02-28", "2100-02-25", "2100-03-03"},
		{"February 2000 is leap", 3, 2000, time.February, 2, "2000-02-29", "2000-02-26", "2000-03-03"},
		{"February first half", 3, 2025, time.February, 1, "2025-02-16", "2025-02-13", "2025-02-19"},
		{"year boundary", 3, 2025, time.December, 2, "2025-12-30", "2025-12-27", "2026-01-02"},
		{"January first half", 3, 2026, time.January, 1, "2026-01-16", "2026-01-13", "2026-01-19"},
		{"zero tolerance", 0, 2025, time.October, 2, "2025-10-30", "2025-10-30", "2025-10-30"},
		{"widest tolerance", 5, 2025, time.December, 2, "2025-12-30", "2025-12-25", "2026-01-04"},
		{"tolerance above the maximum is clamped", 9, 2025, time.October, 1, "2025-10-16", "2025-10-11", "2025-10-21"},
		{"negative tolerance is clamped", -2, 2025, time.October, 1, "2025-10-16", "2025-10-16", "2025-10-16"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Of(cal(tt.tol), tt.year, tt.month, tt.half)
			got := [3]string{r.Due.String(), r.FirstDay().String(), r.LastDay().String()}
			want := [3]string{tt.due, tt.first, tt.last}
			if got != want {
				t.Errorf("due, first, last = %v, want %v", got, want)
			}
		})
	}
}

func TestRoundInstants(t *testing.T) {
	tests := []struct {
		key                     string
		opens, winStart, winEnd string
	}{
		{"2025-10-1", "2025-10-01 00:00:00", "2025-10-13 00:00:00", "2025-10-20 00:00:00"},
		{"2025-10-2", "2025-10-16 00:00:00", "2025-10-27 00:00:00", "2025-11-03 00:00:00"},
		{"2025-02-2", "2025-02-16 00:00:00", "2025-02-25 00:00:00", "2025-03-04 00:00:00"},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			r, err := ByKey(cal(3), tt.key)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				name      string
				got, want time.Time
			}{
				{"Opens", r.Opens, at(tt.opens)},
				{"WindowStart", r.WindowStart, at(tt.winStart)},
				{"WindowEnd", r.WindowEnd, at(tt.winEnd)},
			} {
				if !c.got.Equal(c.want) || c.got.Location() != shanghai {
					t.Errorf("%s = %v, want %v in Shanghai", c.name, c.got, c.want)
				}
			}
		})
	}
}

func TestInWindow(t *testing.T) {
	r := Of(cal(3), 2025, time.October, 1) // 13–19 October
	tests := []struct {
		t    time.Time
		want bool
	}{
		{at("2025-10-12 23:59:59"), false},
		{at("2025-10-13 00:00:00"), true},
		{at("2025-10-19 23:59:59"), true},
		{at("2025-10-20 00:00:00"), false},
		// The same instants seen from UTC: only the zone's days count.
		{time.Date(2025, 10, 19, 15, 59, 59, 0, time.UTC), true},
		{time.Date(2025, 10, 19, 16, 0, 0, 0, time.UTC), false},
		{time.Date(2025, 10, 12, 16, 0, 0, 0, time.UTC), true},
	}
	for _, tt := range tests {
		if got := r.InWindow(tt.t); got != tt.want {
			t.Errorf("InWindow(%v) = %v, want %v", tt.t, got, tt.want)
		}
	}
}

func TestKeyAndLabel(t *testing.T) {
	tests := []struct {
		year       int
		month      time.Month
		half       int
		key, label string
	}{
		{2025, time.October, 1, "2025-10-1", "2025年10月上半月"},
		{2025, time.October, 2, "2025-10-2", "2025年10月下半月"},
		{2026, time.January, 1, "2026-01-1", "2026年1月上半月"},
		{2024, time.February, 2, "2024-02-2", "2024年2月下半月"},
	}
	for _, tt := range tests {
		r := Of(cal(3), tt.year, tt.month, tt.half)
		if r.Key() != tt.key || r.Label() != tt.label || r.String() != tt.key {
			t.Errorf("key, label = %q, %q; want %q, %q", r.Key(), r.Label(), tt.key, tt.label)
		}
		back, err := ByKey(cal(3), tt.key)
		if err != nil || back.Key() != tt.key || back.Due != r.Due {
			t.Errorf("ByKey(%q) = %v, %v", tt.key, back.Key(), err)
		}
	}
}

func TestByKeyRejects(t *testing.T) {
	for _, key := range []string{"", "2025-10", "2025-10-3", "2025-10-0", "2025-13-1", "2025-00-1",
		"2025-1-1", "25-10-1", "2025-10-1-1", "2025-1a-1", "abcd-10-1", "2025-10-+1", "0000-10-1"} {
		_, err := ByKey(cal(3), key)
		var e *Error
		if !errors.As(err, &e) || e.Code != CodeInvalidKey || e.Message == "" {
			t.Errorf("ByKey(%q) error = %v, want %s", key, err, CodeInvalidKey)
		}
	}
}

func keys(rs []Round) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Key())
	}
	return out
}

func TestGenerate(t *testing.T) {
	tests := []struct {
		name     string
		start    string
		from, to time.Time
		want     []string
	}{
		{
			name:  "programme from October across the year boundary",
			start: "2025-10-01", from: at("2025-01-01 00:00:00"), to: at("2026-03-31 00:00:00"),
			want: []string{"2025-10-1", "2025-10-2", "2025-11-1", "2025-11-2", "2025-12-1", "2025-12-2",
				"2026-01-1", "2026-01-2", "2026-02-1", "2026-02-2", "2026-03-1", "2026-03-2"},
		},
		{
			name:  "start after the first-half due date skips that round",
			start: "2025-10-17", from: at("2025-10-01 00:00:00"), to: at("2025-11-30 00:00:00"),
			want: []string{"2025-10-2", "2025-11-1", "2025-11-2"},
		},
		{
			name:  "start on a due date includes it",
			start: "2025-10-16", from: at("2025-10-01 00:00:00"), to: at("2025-10-31 00:00:00"),
			want: []string{"2025-10-1", "2025-10-2"},
		},
		{
			name:  "both ends inclusive by whole days",
			start: "2025-01-01", from: at("2025-10-16 23:00:00"), to: at("2025-10-30 00:00:00"),
			want: []string{"2025-10-1", "2025-10-2"},
		},
		{
			name:  "from and to are read in the calendar's zone",
			start: "2025-01-01",
			// 16:00 UTC on the 15th is 00:00 on the 16th in Shanghai;
			// 15:59 UTC on the 30th is still the 30th there.
			from: time.Date(2025, 10, 15, 16, 0, 0, 0, time.UTC),
			to:   time.Date(2025, 10, 30, 15, 59, 0, 0, time.UTC),
			want: []string{"2025-10-1", "2025-10-2"},
		},
		{
			name:  "a range ending the day before a due date",
			start: "2025-01-01", from: at("2025-10-17 00:00:00"), to: at("2025-10-29 23:59:59"),
			want: nil,
		},
		{
			name:  "February non-leap and leap",
			start: "2023-01-01", from: at("2024-02-01 00:00:00"), to: at("2024-03-01 00:00:00"),
			want: []string{"2024-02-1", "2024-02-2"},
		},
		{
			name:  "to before from",
			start: "2025-01-01", from: at("2025-12-01 00:00:00"), to: at("2025-11-01 00:00:00"),
			want: nil,
		},
		{
			name:  "range wholly before the start",
			start: "2026-01-01", from: at("2025-01-01 00:00:00"), to: at("2025-12-31 00:00:00"),
			want: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultCalendar(date(tt.start))
			got := keys(Generate(cfg, tt.from, tt.to))
			if !slices.Equal(got, tt.want) {
				t.Errorf("Generate = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestGenerateWholeYear(t *testing.T) {
	cfg := DefaultCalendar(date("2025-01-01"))
	got := Generate(cfg, at("2025-01-01 00:00:00"), at("2025-12-31 00:00:00"))
	if len(got) != 24 {
		t.Fatalf("got %d rounds in 2025, want 24", len(got))
	}
	for i := 1; i < len(got); i++ {
		if Next(cfg, got[i-1]).Key() != got[i].Key() || Prev(cfg, got[i]).Key() != got[i-1].Key() {
			t.Errorf("Next/Prev disagree around %s", got[i].Key())
		}
	}
}

func TestRoundAt(t *testing.T) {
	tests := []struct {
		name string
		tol  int
		t    time.Time
		want string
	}{
		{"1st of the month is late in last month's second half", 3, at("2025-11-01 10:00:00"), "2025-10-2"},
		{"last day of that window", 3, at("2025-11-02 23:59:59"), "2025-10-2"},
		{"the day after that window", 3, at("2025-11-03 00:00:00"), "2025-11-1"},
		{"early in the half-month", 3, at("2025-11-05 09:00:00"), "2025-11-1"},
		{"the 18th is still the first half", 3, at("2025-11-18 15:00:00"), "2025-11-1"},
		{"the 19th is the first half's last window day", 3, at("2025-11-19 23:59:59"), "2025-11-1"},
		{"the 20th moves to the second half", 3, at("2025-11-20 00:00:00"), "2025-11-2"},
		{"the 31st", 3, at("2025-12-31 12:00:00"), "2025-12-2"},
		{"year boundary, still December", 3, at("2026-01-02 23:00:00"), "2025-12-2"},
		{"year boundary, January", 3, at("2026-01-03 00:00:00"), "2026-01-1"},
		{"February non-leap window reaches 3 March", 3, at("2026-03-03 12:00:00"), "2026-02-2"},
		{"then March", 3, at("2026-03-04 00:00:00"), "2026-03-1"},
		{"February 20th is the second half", 3, at("2026-02-20 00:00:00"), "2026-02-2"},
		{"zero tolerance: the day after the due date", 0, at("2025-10-17 00:00:00"), "2025-10-2"},
		{"zero tolerance: the 31st is next month", 0, at("2025-10-31 00:00:00"), "2025-11-1"},
		{"widest tolerance reaches the 5th", 5, at("2026-03-05 00:00:00"), "2026-02-2"},
		{"UTC instant on the Shanghai side of midnight", 3, time.Date(2025, 11, 19, 16, 0, 0, 0, time.UTC), "2025-11-2"},
		{"UTC instant just before", 3, time.Date(2025, 11, 19, 15, 59, 59, 0, time.UTC), "2025-11-1"},
		{"before the programme: its first round", 3, at("2025-06-01 00:00:00"), "2025-10-1"},
		{"programme start day", 3, at("2025-10-01 00:00:00"), "2025-10-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RoundAt(cal(tt.tol), tt.t).Key(); got != tt.want {
				t.Errorf("RoundAt(%v) = %s, want %s", tt.t, got, tt.want)
			}
		})
	}
}

// TestRoundAtPartitionsDays walks every day of several years with every
// allowed tolerance: each day belongs to exactly one round, whose window is
// still open on that day while the previous round's window has closed.
func TestRoundAtPartitionsDays(t *testing.T) {
	for tol := 0; tol <= MaxTolerance; tol++ {
		cfg := Calendar{Location: shanghai, Tolerance: tol}
		for d := date("2023-12-01"); d.Before(date("2029-01-31")); d = d.AddDays(1) {
			r := RoundAt(cfg, d.In(shanghai).Add(12*time.Hour))
			if r.LastDay().Before(d) {
				t.Fatalf("tol %d: %s assigned to %s whose window closed %s", tol, d, r.Key(), r.LastDay())
			}
			if p := Prev(cfg, r); !p.LastDay().Before(d) {
				t.Fatalf("tol %d: %s assigned to %s but %s is still open", tol, d, r.Key(), p.Key())
			}
		}
	}
}

// TestWindowsNeverOverlap checks the reason for MaxTolerance: with any
// allowed tolerance a round's window ends before the next one starts, and
// every window starts after its round opens.
func TestWindowsNeverOverlap(t *testing.T) {
	for tol := 0; tol <= MaxTolerance; tol++ {
		cfg := Calendar{Location: shanghai, Tolerance: tol}
		r := Of(cfg, 1999, time.December, SecondHalf)
		for range 24 * 40 {
			n := Next(cfg, r)
			if !r.WindowEnd.Before(n.WindowStart) {
				t.Fatalf("tol %d: %s window ends %s, %s starts %s", tol, r.Key(), r.LastDay(), n.Key(), n.FirstDay())
			}
			if n.WindowStart.Before(n.Opens) {
				t.Fatalf("tol %d: %s window starts before the round opens", tol, n.Key())
			}
			r = n
		}
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Calendar
		ok   bool
	}{
		{"defaults", DefaultCalendar(date("2025-10-01")), true},
		{"zero tolerance", Calendar{Start: date("2025-10-01"), Tolerance: 0}, true},
		{"maximum tolerance", Calendar{Start: date("2025-10-01"), Tolerance: MaxTolerance}, true},
		{"tolerance too wide", Calendar{Start: date("2025-10-01"), Tolerance: MaxTolerance + 1}, false},
		{"negative tolerance", Calendar{Start: date("2025-10-01"), Tolerance: -1}, false},
		{"no start", Calendar{Tolerance: 3}, false},
		{"impossible start", Calendar{Start: Date{2025, time.April, 31}, Tolerance: 3}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if (err == nil) != tt.ok {
				t.Fatalf("Validate() = %v, want ok=%v", err, tt.ok)
			}
			var e *Error
			if err != nil && (!errors.As(err, &e) || e.Code != CodeInvalidConfig) {
				t.Errorf("error = %#v, want code %s", err, CodeInvalidConfig)
			}
		})
	}
}

func TestDefaultZone(t *testing.T) {
	cfg := Calendar{}
	if got := cfg.Zone().String(); got != DefaultZone {
		t.Errorf("Zone() = %s, want %s", got, DefaultZone)
	}
	if got := DefaultCalendar(Date{}).Tolerance; got != DefaultTolerance {
		t.Errorf("default tolerance = %d, want %d", got, DefaultTolerance)
	}
	// A calendar in another zone reckons its days there.
	ny := Calendar{Location: mustZone("America/New_York"), Tolerance: 3}
	r := Of(ny, 2025, time.October, FirstHalf)
	if got := r.WindowEnd.UTC(); !got.Equal(time.Date(2025, 10, 20, 4, 0, 0, 0, time.UTC)) {
		t.Errorf("New York window end = %v, want 04:00 UTC", got)
	}
}

func TestDate(t *testing.T) {
	tests := []struct {
		in   string
		add  int
		want string
	}{
		{"2025-12-31", 1, "2026-01-01"},
		{"2024-02-28", 1, "2024-02-29"},
		{"2025-02-28", 1, "2025-03-01"},
		{"2025-03-01", -1, "2025-02-28"},
		{"2025-10-30", 3, "2025-11-02"},
	}
	for _, tt := range tests {
		if got := date(tt.in).AddDays(tt.add).String(); got != tt.want {
			t.Errorf("%s + %d = %s, want %s", tt.in, tt.add, got, tt.want)
		}
	}
	for _, bad := range []string{"", "2025-13-01", "2025-02-30", "20251016", "2025/10/16"} {
		if _, err := ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) accepted", bad)
		}
	}
	if !date("2025-10-16").Before(date("2025-10-17")) || !date("2026-01-01").After(date("2025-12-31")) ||
		date("2025-10-16").Compare(date("2025-10-16")) != 0 {
		t.Error("Date comparisons disagree")
	}
	if got := DateOf(time.Date(2025, 10, 15, 16, 0, 0, 0, time.UTC), shanghai).String(); got != "2025-10-16" {
		t.Errorf("DateOf in Shanghai = %s, want 2025-10-16", got)
	}
}
