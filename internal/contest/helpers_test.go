package contest

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

func ms(n int) time.Duration { return time.Duration(n) * time.Millisecond }

// testConfig: three teams from three branches; judges j1 and j2 share units
// with teams A and B; j3 and the chief jc belong to no team's unit.
func testConfig() Config {
	return Config{
		ID:    "final-2026",
		Stage: "final",
		Teams: []Team{
			{ID: "A", Name: "机关第一支部", Unit: "u1"},
			{ID: "B", Name: "机关第二支部", Unit: "u2"},
			{ID: "C", Name: "机关第三支部", Unit: "u3"},
		},
		Judges: []Judge{
			{ID: "j1", Unit: "u1"},
			{ID: "j2", Unit: "u2"},
			{ID: "j3", Unit: "u9"},
			{ID: "jc", Unit: "u8", Chief: true},
		},
		Segments: []Segment{
			{Kind: Compulsory, Points: 10, Questions: []Question{{ID: "c1", Text: "审查调查12+3种措施是什么？", Answer: "略"}, {ID: "c2", Team: "C"}}},
			{Kind: Buzzer, Points: 20, WrongPenalty: 10, Reopen: true, Foul: &FoulRule{Points: 5, LockOut: true}, Questions: []Question{{ID: "b1", Answer: "两不许一报告"}, {ID: "b2"}, {ID: "b3"}}},
			{Kind: Risk, RiskValues: []int{10, 20, 30}, Questions: []Question{{ID: "r1"}, {ID: "r2"}}},
		},
	}
}

// harness drives an engine and keeps its log, so every test can finish by
// checking that replaying the log gives the live state.
type harness struct {
	t   *testing.T
	e   *Engine
	cfg Config
	log []Event
	now time.Duration
}

func newHarness(t *testing.T, cfg Config) *harness {
	t.Helper()
	e, err := New(cfg, 42)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	h := &harness{t: t, e: e, cfg: cfg}
	t.Cleanup(h.checkReplay)
	return h
}

// do runs a command at time at (ms) and fails the test if it is refused.
func (h *harness) do(at int, c Command) []Event {
	h.t.Helper()
	h.now = ms(at)
	evs, err := h.e.Handle(c, h.now)
	if err != nil {
		h.t.Fatalf("%s at %dms: %v", c.Type, at, err)
	}
	h.log = append(h.log, evs...)
	return evs
}

// refused runs a command that must be refused with code and change nothing.
func (h *harness) refused(at int, c Command, code string) {
	h.t.Helper()
	before := h.e.State()
	evs, err := h.e.Handle(c, ms(at))
	var ce *Error
	if !errors.As(err, &ce) || ce.Code != code {
		h.t.Fatalf("%s at %dms: got %v (events %v), want refusal %q", c.Type, at, err, evs, code)
	}
	if ce.Message == "" || ce.Message == ce.Code {
		h.t.Errorf("code %q has no Chinese message", code)
	}
	if evs != nil {
		h.t.Errorf("refused command returned events %v", evs)
	}
	if after := h.e.State(); !reflect.DeepEqual(before, after) {
		h.t.Fatalf("refused %s changed the state", c.Type)
	}
}

func (h *harness) checkReplay() {
	h.t.Helper()
	checkReplay(h.t, h.cfg, h.log, h.e.State())
}

// checkReplay replays the log directly and after a JSON round trip of every
// event, and compares both with the live state.
func checkReplay(t testing.TB, cfg Config, log []Event, live State) {
	t.Helper()
	got, err := Replay(cfg, log)
	if err != nil {
		t.Fatalf("Replay: %v", err)
	}
	if !reflect.DeepEqual(got, live) {
		t.Fatalf("replayed state differs from live state\nlive:   %+v\nreplay: %+v", live, got)
	}
	round := make([]Event, len(log))
	for i, ev := range log {
		b, err := EncodeEvent(ev)
		if err != nil {
			t.Fatal(err)
		}
		if round[i], err = DecodeEvent(b); err != nil {
			t.Fatalf("DecodeEvent(%s): %v", b, err)
		}
	}
	got, err = Replay(cfg, round)
	if err != nil {
		t.Fatalf("Replay after JSON: %v", err)
	}
	if !reflect.DeepEqual(got, live) {
		t.Fatalf("state replayed from JSON differs from live state")
	}
}

func (h *harness) state() State { return h.e.State() }

func (h *harness) q() *QuestionState {
	h.t.Helper()
	q := h.e.State().Question
	if q == nil {
		h.t.Fatal("no current question")
	}
	return q
}

func (h *harness) score(team string) TeamScore {
	for _, t := range h.e.State().Teams {
		if t.ID == team {
			return t
		}
	}
	h.t.Fatalf("no team %s", team)
	return TeamScore{}
}

func (h *harness) phase(want Phase) {
	h.t.Helper()
	if got := h.q().Phase; got != want {
		h.t.Fatalf("phase = %s, want %s", got, want)
	}
}

func types(evs []Event) []EventType {
	var out []EventType
	for _, e := range evs {
		out = append(out, e.Type)
	}
	return out
}

// skipTo starts the match and answers questions until the current one is the
// first question of segment seg (each skipped question scored by the chief).
func (h *harness) skipTo(seg int) {
	h.t.Helper()
	h.do(h.ms(), Command{Type: CmdStart})
	for {
		h.do(h.ms(), Command{Type: CmdNextQuestion})
		if h.q().Segment == seg {
			return
		}
		h.do(h.ms(), Command{Type: CmdCloseQuestion})
	}
}

// ms returns the harness time plus one millisecond, for steps whose time
// does not matter.
func (h *harness) ms() int { return int(h.now/time.Millisecond) + 1 }
