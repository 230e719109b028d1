package contest

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"
)

func quizConfig(members, questions int) QuizConfig {
	cfg := QuizConfig{ID: "online-1", AnswerTime: 10 * time.Second}
	for i := range members {
		cfg.Members = append(cfg.Members, QuizMember{ID: fmt.Sprintf("m%05d", i), Unit: fmt.Sprintf("u%d", i%3)})
	}
	for i := range questions {
		cfg.Questions = append(cfg.Questions, QuizQuestion{ID: fmt.Sprintf("q%d", i), Text: "应知应会", Options: []string{"甲", "乙", "丙", "丁"}, Answer: "B"})
	}
	return cfg
}

type quizHarness struct {
	t   *testing.T
	z   *Quiz
	cfg QuizConfig
	log []Event
}

func newQuizHarness(t *testing.T, cfg QuizConfig) *quizHarness {
	z, err := NewQuiz(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h := &quizHarness{t: t, z: z, cfg: cfg}
	t.Cleanup(func() {
		z2, err := ReplayQuiz(cfg, h.log)
		if err != nil {
			t.Fatalf("ReplayQuiz: %v", err)
		}
		if !reflect.DeepEqual(z, z2) {
			t.Fatal("replayed quiz differs from live quiz")
		}
	})
	return h
}

func (h *quizHarness) do(at time.Duration, c Command) []Event {
	h.t.Helper()
	evs, err := h.z.Handle(c, at)
	if err != nil {
		h.t.Fatalf("%s at %v: %v", c.Type, at, err)
	}
	h.log = append(h.log, evs...)
	return evs
}

func (h *quizHarness) refused(at time.Duration, c Command, code string) {
	h.t.Helper()
	before := h.z.Snapshot()
	evs, err := h.z.Handle(c, at)
	var ce *Error
	if !errors.As(err, &ce) || ce.Code != code || evs != nil {
		h.t.Fatalf("%s: got %v %v, want %s", c.Type, evs, err, code)
	}
	if !reflect.DeepEqual(before, h.z.Snapshot()) {
		h.t.Fatal("refused command changed the quiz")
	}
}

func TestQuizOneAnswerAndSpeedScoring(t *testing.T) {
	cfg := quizConfig(6, 2)
	cfg.Questions[1].Answer = "AC" // a multiple choice
	h := newQuizHarness(t, cfg)
	h.refused(0, Command{Type: CmdQuizAnswer, Member: "m00000", Token: "x", Choice: "B"}, "quiz_not_open")
	open := h.do(time.Second, Command{Type: CmdQuizOpen})
	tok := open[0].Token
	if open[0].Deadline != 11*time.Second {
		t.Fatalf("deadline %v", open[0].Deadline)
	}
	h.refused(time.Second, Command{Type: CmdQuizOpen}, "quiz_open")
	h.refused(time.Second, Command{Type: CmdQuizAnswer, Member: "stranger", Token: tok, Choice: "B"}, "quiz_unknown_member")
	h.refused(time.Second, Command{Type: CmdQuizAnswer, Member: "m00000", Token: "q0.9", Choice: "B"}, "quiz_not_open")
	h.refused(time.Second, Command{Type: CmdQuizAnswer, Member: "m00000", Token: tok, Choice: "E"}, "quiz_choice_invalid")
	cases := []struct {
		member      string
		at          time.Duration
		choice      string
		verdict     Verdict
		base, speed int
	}{
		{"m00000", time.Second, "B", Correct, 10, 10}, // the instant it opened
		{"m00003", 2 * time.Second, "A", Wrong, 0, 0},
		{"m00001", 6 * time.Second, "B", Correct, 10, 5},                   // half the time
		{"m00002", 11*time.Second - time.Millisecond, "B", Correct, 10, 0}, // last moment
	}
	for _, c := range cases {
		evs := h.do(c.at, Command{Type: CmdQuizAnswer, Member: c.member, Token: tok, Choice: c.choice})
		if ev := evs[0]; ev.Verdict != c.verdict || ev.Value != c.base || ev.Speed != c.speed {
			t.Errorf("%s: got %s %d+%d, want %s %d+%d", c.member, ev.Verdict, ev.Value, ev.Speed, c.verdict, c.base, c.speed)
		}
	}
	h.refused(11*time.Second-time.Millisecond, Command{Type: CmdQuizAnswer, Member: "m00000", Token: tok, Choice: "C"}, "quiz_already_answered")
	h.refused(11*time.Second, Command{Type: CmdQuizAnswer, Member: "m00004", Token: tok, Choice: "B"}, "quiz_time_up")
	if s := h.z.Snapshot(); s.Question.Answer != "" || s.Counts != nil || s.Answers != 4 {
		t.Fatalf("open snapshot leaks the answer: %+v", s)
	}
	if evs := h.do(11*time.Second, Command{Type: CmdTick}); len(evs) != 1 || evs[0].Type != EvQuizClosed {
		t.Fatalf("tick at the deadline: %+v", evs)
	}
	if s := h.z.Snapshot(); s.Question.Answer != "B" || s.Counts["B"] != 3 || s.Counts["A"] != 1 || s.Correct != 3 {
		t.Fatalf("closed snapshot: %+v", s)
	}
	// Second question: a multiple-choice answer in any letter order.
	tok = h.do(12*time.Second, Command{Type: CmdQuizOpen})[0].Token
	if ev := h.do(12*time.Second, Command{Type: CmdQuizAnswer, Member: "m00003", Token: tok, Choice: "CA"})[0]; ev.Verdict != Correct || ev.Choice != "AC" {
		t.Fatalf("multiple choice: %+v", ev)
	}
	h.do(13*time.Second, Command{Type: CmdQuizAnswer, Member: "m00000", Token: tok, Choice: "AC"})
	h.do(14*time.Second, Command{Type: CmdQuizClose})
	h.refused(14*time.Second, Command{Type: CmdQuizOpen}, "no_more_questions")

	people := h.z.PersonStandings()
	// m00000: 20+19 = 39; m00003: 0 + 20 = 20; m00001: 15; m00002: 10.
	want := []struct {
		id              string
		points, correct int
	}{{"m00000", 39, 2}, {"m00003", 20, 1}, {"m00001", 15, 1}, {"m00002", 10, 1}}
	if len(people) != len(want) {
		t.Fatalf("people = %+v", people)
	}
	for i, w := range want {
		if p := people[i]; p.ID != w.id || p.Points != w.points || p.Correct != w.correct || p.Rank != i+1 {
			t.Errorf("place %d: %+v, want %+v", i+1, p, w)
		}
	}
	if people[0].Base != 20 || people[0].Speed != 19 {
		t.Errorf("base and speed not reported apart: %+v", people[0])
	}
	branches := h.z.BranchStandings()
	// u0: m00000 (39), m00003 (20) → avg 29.5; u1: m00001 15; u2: m00002 10.
	if len(branches) != 3 || branches[0].Unit != "u0" || branches[0].Average != 2950 || branches[0].Participants != 2 || branches[2].Unit != "u2" {
		t.Fatalf("branches = %+v", branches)
	}
}

func TestQuizConfigValidation(t *testing.T) {
	bad := []QuizConfig{
		{},
		func() QuizConfig { c := quizConfig(2, 1); c.Members[1].ID = c.Members[0].ID; return c }(),
		func() QuizConfig { c := quizConfig(2, 1); c.Questions[0].Answer = "E"; return c }(),
		func() QuizConfig { c := quizConfig(2, 1); c.Questions[0].Answer = "CA"; return c }(),
		func() QuizConfig {
			c := quizConfig(2, 1)
			c.Questions[0].Options = c.Questions[0].Options[:1]
			return c
		}(),
	}
	for i, c := range bad {
		if _, err := NewQuiz(c); err == nil {
			t.Errorf("config %d accepted", i)
		}
	}
}

func TestQuiz10kMembers(t *testing.T) {
	const n = 10000
	h := newQuizHarness(t, quizConfig(n, 1))
	tok := h.do(0, Command{Type: CmdQuizOpen})[0].Token
	for i := range n {
		h.do(time.Duration(i)*time.Microsecond, Command{Type: CmdQuizAnswer, Member: fmt.Sprintf("m%05d", i), Token: tok, Choice: "ABCD"[i%4 : i%4+1]})
	}
	h.do(time.Second, Command{Type: CmdQuizClose})
	if s := h.z.Snapshot(); s.Answers != n || s.Correct != n/4 {
		t.Fatalf("snapshot %+v", s)
	}
	if p := h.z.PersonStandings(); len(p) != n || p[0].ID != "m00001" {
		t.Fatalf("first place %+v", p[0])
	}
}

// BenchmarkQuizAnswer measures one answer (validation, scoring, fold) with
// 10,000 members; a new question opens after every 10,000 answers.
func BenchmarkQuizAnswer(b *testing.B) {
	const n = 10000
	cfg := quizConfig(n, b.N/n+1)
	ids := make([]string, n)
	for i := range ids {
		ids[i] = cfg.Members[i].ID
	}
	z, err := NewQuiz(cfg)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Duration(0)
	var tok string
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i%n == 0 {
			if i > 0 {
				z.Handle(Command{Type: CmdQuizClose}, now)
			}
			evs, err := z.Handle(Command{Type: CmdQuizOpen}, now)
			if err != nil {
				b.Fatal(err)
			}
			tok = evs[0].Token
		}
		now += time.Microsecond
		if _, err := z.Handle(Command{Type: CmdQuizAnswer, Member: ids[i%n], Token: tok, Choice: "B"}, now); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkQuizQuestion10k is one whole question: open, 10,000 answers, close.
func BenchmarkQuizQuestion10k(b *testing.B) {
	const n = 10000
	cfg := quizConfig(n, 1)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		z, _ := NewQuiz(cfg)
		b.StartTimer()
		evs, _ := z.Handle(Command{Type: CmdQuizOpen}, 0)
		tok := evs[0].Token
		for i := range n {
			if _, err := z.Handle(Command{Type: CmdQuizAnswer, Member: cfg.Members[i].ID, Token: tok, Choice: "B"}, time.Duration(i+1)*time.Microsecond); err != nil {
				b.Fatal(err)
			}
		}
		z.Handle(Command{Type: CmdQuizClose}, time.Second)
	}
}

// The last question's close ends the quiz: the status says so, the final
// standings come with the snapshot, and a member's own view keeps their
// answer to the current question (what a phone shows after reconnecting).
func TestQuizFinishAndMine(t *testing.T) {
	cfg := quizConfig(3, 2)
	h := newQuizHarness(t, cfg)
	if h.z.Status() != StatusSetup {
		t.Fatalf("status %s before the first question", h.z.Status())
	}
	tok := h.do(0, Command{Type: CmdQuizOpen})[0].Token
	h.do(time.Second, Command{Type: CmdQuizAnswer, Member: "m00001", Token: tok, Choice: "B"})
	if mine, ok := h.z.Mine("m00001"); !ok || mine.Choice != "B" || mine.Correct != 1 || mine.Points != 10+9 {
		t.Fatalf("mine %+v %v", mine, ok)
	}
	if mine, _ := h.z.Mine("m00002"); mine.Choice != "" {
		t.Fatalf("m00002 has not answered, mine %+v", mine)
	}
	if _, ok := h.z.Mine("nobody"); ok {
		t.Fatal("a stranger has a view")
	}
	h.do(2*time.Second, Command{Type: CmdQuizClose})
	if h.z.Status() != StatusRunning || h.z.Snapshot().Final != nil {
		t.Fatalf("after question 1: status %s", h.z.Status())
	}
	tok = h.do(3*time.Second, Command{Type: CmdQuizOpen})[0].Token
	if mine, _ := h.z.Mine("m00001"); mine.Choice != "" {
		t.Fatalf("a new question keeps the old choice: %+v", mine)
	}
	h.do(4*time.Second, Command{Type: CmdQuizAnswer, Member: "m00002", Token: tok, Choice: "A"})
	h.do(14*time.Second, Command{Type: CmdTick})
	s := h.z.Snapshot()
	if h.z.Status() != StatusFinished || s.Final == nil || s.Total != 2 {
		t.Fatalf("after the last question: status %s final %v", h.z.Status(), s.Final)
	}
	if s.Final.Participants != 2 || s.Final.Persons[0].ID != "m00001" || len(s.Final.Branches) != 2 {
		t.Fatalf("final %+v", s.Final)
	}
	if got := (BranchStanding{Average: 1905}).AverageText(); got != "19.05" {
		t.Errorf("average text %q", got)
	}
}
