package contest

import (
	"fmt"
	"testing"
	"time"
)

func benchConfig(questions int) Config {
	cfg := testConfig()
	qs := make([]Question, questions)
	for i := range qs {
		qs[i] = Question{ID: fmt.Sprintf("b%d", i), Text: "抢答题", Answer: "略"}
	}
	cfg.Segments = []Segment{{Kind: Buzzer, Points: 20, Questions: qs}}
	return cfg
}

// BenchmarkBuzzerQuestion plays one buzzer question per op: show, open,
// three presses (a winner and two late), end the answer, the chief's verdict.
func BenchmarkBuzzerQuestion(b *testing.B) {
	const per = 1000
	cfg := benchConfig(per)
	var e *Engine
	now := time.Duration(0)
	must := func(c Command) {
		now += time.Millisecond
		if _, err := e.Handle(c, now); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if i%per == 0 {
			e, _ = New(cfg, 1)
			now = 0
			must(Command{Type: CmdStart})
		}
		must(Command{Type: CmdNextQuestion})
		tok := e.st.Question.Token
		must(Command{Type: CmdOpen})
		must(Command{Type: CmdBuzz, Team: "B", Token: tok})
		must(Command{Type: CmdBuzz, Team: "A", Token: tok})
		must(Command{Type: CmdBuzz, Team: "C", Token: tok})
		must(Command{Type: CmdEndAnswer})
		must(Command{Type: CmdOverride, Judge: "jc", Verdict: Correct, Reason: "正确"})
	}
}

// BenchmarkBuzzDecision is the winning press alone: validate, log, decide,
// start the answer time (the budget is p99 ≤ 10 ms end to end).
func BenchmarkBuzzDecision(b *testing.B) {
	const per = 1000
	cfg := benchConfig(per)
	var e *Engine
	now := time.Duration(0)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		if i%per == 0 {
			e, _ = New(cfg, 1)
			now = 0
			e.Handle(Command{Type: CmdStart}, now)
		} else {
			e.Handle(Command{Type: CmdCloseQuestion}, now) // not open: ignored
			e.Handle(Command{Type: CmdEndAnswer}, now)
			e.Handle(Command{Type: CmdOverride, Judge: "jc", Verdict: Correct, Reason: "正确"}, now)
		}
		now += time.Millisecond
		if _, err := e.Handle(Command{Type: CmdNextQuestion}, now); err != nil {
			b.Fatal(err)
		}
		e.Handle(Command{Type: CmdOpen}, now)
		tok := e.st.Question.Token
		now += time.Millisecond
		b.StartTimer()
		evs, err := e.Handle(Command{Type: CmdBuzz, Team: "B", Token: tok}, now)
		if err != nil || len(evs) != 3 {
			b.Fatal(err, len(evs))
		}
	}
}

// BenchmarkDecodeCommand is the cost of parsing one client message.
func BenchmarkDecodeCommand(b *testing.B) {
	msg := []byte(`{"type":"quiz_answer","member":"m01234","token":"q7.1234","choice":"B"}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeCommand(msg); err != nil {
			b.Fatal(err)
		}
	}
}
