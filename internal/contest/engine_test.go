package contest

import (
	"reflect"
	"slices"
	"testing"
	"time"
)

func TestCompulsoryQuestion(t *testing.T) {
	h := newHarness(t, testConfig())
	h.refused(10, Command{Type: CmdOpen}, "not_running")
	h.do(100, Command{Type: CmdStart})
	h.refused(110, Command{Type: CmdOpen}, "no_question")
	h.do(200, Command{Type: CmdNextQuestion})
	q := h.q()
	if q.Team != "A" || q.Kind != Compulsory || q.Phase != PhaseReading || q.PhaseLabel != "读题" {
		t.Fatalf("question = %+v, want team A reading", q)
	}
	h.refused(300, Command{Type: CmdBuzz, Team: "B", Token: q.Token}, "buzz_not_allowed")
	h.refused(300, Command{Type: CmdEndAnswer}, "out_of_order")
	evs := h.do(1000, Command{Type: CmdOpen})
	if got := h.q(); got.Phase != PhaseAnswering || got.Deadline != ms(1000)+DefaultAnswerTime || evs[0].Deadline != got.Deadline {
		t.Fatalf("after open: phase %s deadline %v", got.Phase, got.Deadline)
	}
	h.refused(1100, Command{Type: CmdVote, Judge: "j2", Verdict: Correct}, "not_judging")
	h.do(2000, Command{Type: CmdEndAnswer})
	h.phase(PhaseJudging)
	if got := h.q().Eligible; !slices.Equal(got, []string{"j2", "j3", "jc"}) {
		t.Fatalf("eligible = %v, want j1 excluded (same unit as team A)", got)
	}
	h.refused(2100, Command{Type: CmdVote, Judge: "j1", Verdict: Correct}, "judge_excluded")
	h.refused(2100, Command{Type: CmdVote, Judge: "nobody", Verdict: Correct}, "unknown_judge")
	h.refused(2100, Command{Type: CmdVote, Judge: "j2", Verdict: "maybe"}, "verdict_invalid")
	h.do(2200, Command{Type: CmdVote, Judge: "j2", Verdict: Correct})
	h.refused(2250, Command{Type: CmdVote, Judge: "j2", Verdict: Wrong}, "already_voted")
	evs = h.do(2300, Command{Type: CmdVote, Judge: "j3", Verdict: Correct})
	if want := []EventType{EvVoteCast, EvJudged, EvScored}; !slices.Equal(types(evs), want) {
		t.Fatalf("events = %v, want %v", types(evs), want)
	}
	h.phase(PhaseScored)
	h.refused(2400, Command{Type: CmdVote, Judge: "jc", Verdict: Wrong}, "already_decided")
	if s := h.score("A"); s.Score != 10 || s.Compulsory != 10 || s.Correct != 1 {
		t.Fatalf("score A = %+v", s)
	}
	// The second question is assigned to C by the config.
	h.do(3000, Command{Type: CmdNextQuestion})
	if h.q().Team != "C" {
		t.Fatalf("c2 team = %s, want C", h.q().Team)
	}
}

func TestBuzzerFoulsLateAndReopen(t *testing.T) {
	h := newHarness(t, testConfig())
	h.skipTo(1)
	q := h.q()
	tok := q.Token
	// A buzzes while the host is still reading: a foul, 5 points, locked out.
	evs := h.do(1000, Command{Type: CmdBuzz, Team: "A", Token: tok})
	if len(evs) != 1 || evs[0].Type != EvBuzzFoul || evs[0].Code != "buzz_too_early" || Message(evs[0].Code) != "主持人尚未开放抢答，本次按键记为犯规" {
		t.Fatalf("foul events = %+v", evs)
	}
	if s := h.score("A"); s.Score != -5 || s.Fouls != 1 || s.FoulPoints != -5 {
		t.Fatalf("A after foul = %+v", s)
	}
	h.refused(1010, Command{Type: CmdBuzz, Team: "A", Token: tok}, "team_locked_out")
	h.do(2000, Command{Type: CmdOpen})
	h.phase(PhaseOpen)
	h.refused(2010, Command{Type: CmdBuzz, Team: "B", Token: "b0.1"}, "token_mismatch")
	h.refused(2010, Command{Type: CmdBuzz, Team: "X", Token: tok}, "unknown_team")
	h.refused(2010, Command{Type: CmdBuzz, Team: "A", Token: tok}, "team_locked_out")
	evs = h.do(2050, Command{Type: CmdBuzz, Team: "B", Token: tok})
	if want := []EventType{EvBuzzPressed, EvBuzzWon, EvAnswerStarted}; !slices.Equal(types(evs), want) {
		t.Fatalf("events = %v, want %v (first arrival decides at once)", types(evs), want)
	}
	if q := h.q(); q.Team != "B" || q.Phase != PhaseAnswering || q.Deadline != ms(2050)+3*time.Second {
		t.Fatalf("after buzz: %+v", q)
	}
	h.refused(2060, Command{Type: CmdBuzz, Team: "B", Token: tok}, "already_buzzed")
	evs = h.do(2070, Command{Type: CmdBuzz, Team: "C", Token: tok})
	if len(evs) != 1 || !evs[0].Late {
		t.Fatalf("C's press after the decision should be logged late: %+v", evs)
	}
	presses := h.q().Presses
	if len(presses) != 3 || !presses[0].Foul || presses[1].Team != "B" || !presses[2].Late {
		t.Fatalf("presses = %+v", presses)
	}
	h.do(3000, Command{Type: CmdEndAnswer})
	h.do(3100, Command{Type: CmdVote, Judge: "j1", Verdict: Wrong})
	evs = h.do(3200, Command{Type: CmdVote, Judge: "j3", Verdict: Wrong})
	if want := []EventType{EvVoteCast, EvJudged, EvScored, EvQuestionReopened}; !slices.Equal(types(evs), want) {
		t.Fatalf("events = %v, want %v", types(evs), want)
	}
	q = h.q()
	if q.Phase != PhaseOpen || q.Token == tok || q.Attempt != 2 || !slices.Equal(q.LockedOut, []string{"A", "B"}) {
		t.Fatalf("reopened question = %+v", q)
	}
	if s := h.score("B"); s.Score != -10 || s.Buzzer != -10 || s.Wrong != 1 {
		t.Fatalf("B after wrong = %+v", s)
	}
	h.refused(3300, Command{Type: CmdBuzz, Team: "C", Token: tok}, "token_mismatch")
	h.do(3400, Command{Type: CmdBuzz, Team: "C", Token: q.Token})
	h.do(4000, Command{Type: CmdEndAnswer})
	h.do(4100, Command{Type: CmdVote, Judge: "j1", Verdict: Wrong})
	h.do(4150, Command{Type: CmdVote, Judge: "j2", Verdict: Wrong})
	h.phase(PhaseJudging) // C's unit has no judge: 2 of 4 is no majority
	evs = h.do(4200, Command{Type: CmdVote, Judge: "j3", Verdict: Wrong})
	// Nobody is left to reopen for: the question is scored.
	if slices.Contains(types(evs), EvQuestionReopened) {
		t.Fatalf("reopened with no team left: %v", types(evs))
	}
	h.phase(PhaseScored)
	h.do(5000, Command{Type: CmdNextQuestion})
	if q := h.q(); len(q.LockedOut) != 0 || q.Ref.ID != "b2" {
		t.Fatalf("lockout leaked into the next question: %+v", q)
	}
	if d := h.state().Done; len(d) != 3 || d[2].Question != "b1" || len(d[2].Outcomes) != 2 || !slices.Equal(d[2].Fouls, []string{"A"}) {
		t.Fatalf("done = %+v", d)
	}
}

func TestFoulWithoutLockOut(t *testing.T) {
	cfg := testConfig()
	cfg.Segments[1].Foul = &FoulRule{Points: 0, LockOut: false}
	h := newHarness(t, cfg)
	h.skipTo(1)
	tok := h.q().Token
	h.do(1000, Command{Type: CmdBuzz, Team: "A", Token: tok})
	h.refused(1001, Command{Type: CmdBuzz, Team: "A", Token: tok}, "already_fouled")
	h.do(2000, Command{Type: CmdOpen})
	h.do(2001, Command{Type: CmdBuzz, Team: "A", Token: tok})
	if q := h.q(); q.Team != "A" {
		t.Fatalf("A may buzz after a foul without lockout; team = %q", q.Team)
	}
	if s := h.score("A"); s.Score != 0 || s.Fouls != 1 {
		t.Fatalf("A = %+v", s)
	}
}

func TestDefaultFoulLocksOut(t *testing.T) {
	cfg := testConfig()
	cfg.Segments[1].Foul = nil
	h := newHarness(t, cfg)
	h.skipTo(1)
	tok := h.q().Token
	h.do(1000, Command{Type: CmdBuzz, Team: "C", Token: tok})
	h.do(2000, Command{Type: CmdOpen})
	h.refused(2001, Command{Type: CmdBuzz, Team: "C", Token: tok}, "team_locked_out")
}

func TestBuzzWrongWithoutReopen(t *testing.T) {
	cfg := testConfig()
	cfg.Segments[1].Reopen = false
	h := newHarness(t, cfg)
	h.skipTo(1)
	h.do(1000, Command{Type: CmdOpen})
	h.do(1100, Command{Type: CmdBuzz, Team: "C", Token: h.q().Token})
	h.do(1200, Command{Type: CmdEndAnswer})
	h.do(1300, Command{Type: CmdOverride, Judge: "jc", Verdict: Wrong, Reason: "答案不完整"})
	h.phase(PhaseScored)
	if s := h.score("C"); s.Score != -10 {
		t.Fatalf("C = %+v", s)
	}
}

func TestCloseUnansweredQuestion(t *testing.T) {
	h := newHarness(t, testConfig())
	h.skipTo(1)
	h.do(1000, Command{Type: CmdOpen})
	h.do(9000, Command{Type: CmdCloseQuestion})
	h.phase(PhaseScored)
	h.refused(9100, Command{Type: CmdBuzz, Team: "A", Token: h.q().Token}, "buzz_not_open")
	h.refused(9100, Command{Type: CmdAppeal, Team: "A"}, "not_your_question")
}

func TestTieRules(t *testing.T) {
	t.Run("first arrival decides at once", func(t *testing.T) {
		h := newHarness(t, testConfig())
		h.skipTo(1)
		tok := h.q().Token
		h.do(1000, Command{Type: CmdOpen})
		h.do(1100, Command{Type: CmdBuzz, Team: "B", Token: tok})
		evs := h.do(1110, Command{Type: CmdBuzz, Team: "C", Token: tok})
		if h.q().Team != "B" || !evs[0].Late {
			t.Fatalf("winner %s, C press %+v", h.q().Team, evs[0])
		}
	})
	t.Run("draw", func(t *testing.T) {
		cfg := testConfig()
		cfg.TieRule = TieDraw
		h := newHarness(t, cfg)
		h.skipTo(1)
		tok := h.q().Token
		h.do(1000, Command{Type: CmdOpen})
		h.do(1100, Command{Type: CmdBuzz, Team: "B", Token: tok})
		h.phase(PhaseBuzzed)
		if w, ok := h.e.NextWake(); !ok || w != ms(1130) {
			t.Fatalf("NextWake = %v %v, want 1.13s", w, ok)
		}
		h.do(1120, Command{Type: CmdBuzz, Team: "C", Token: tok})
		h.do(1125, Command{Type: CmdBuzz, Team: "A", Token: tok})
		// 1129 ms: the window is still open.
		if evs := h.do(1129, Command{Type: CmdTick}); len(evs) != 0 {
			t.Fatalf("tick before the window closed: %v", types(evs))
		}
		evs := h.do(1130, Command{Type: CmdTick})
		if want := []EventType{EvBuzzDraw, EvBuzzWon, EvAnswerStarted}; !slices.Equal(types(evs), want) {
			t.Fatalf("events = %v, want %v", types(evs), want)
		}
		draw := evs[0]
		if len(draw.Order) != 3 || draw.Seed != 42 || evs[1].Team != draw.Order[0] {
			t.Fatalf("draw = %+v, won = %+v", draw, evs[1])
		}
		if got := slices.Sorted(slices.Values(draw.Order)); !slices.Equal(got, []string{"A", "B", "C"}) {
			t.Fatalf("draw order %v is not the tied teams", draw.Order)
		}
		if q := h.q(); q.Deadline != ms(1130)+3*time.Second || !slices.Equal(q.Tied, draw.Order) {
			t.Fatalf("after draw: %+v", q)
		}
		// The same seed and log give the same draw.
		h2 := newHarness(t, cfg)
		h2.skipTo(1)
		h2.do(1000, Command{Type: CmdOpen})
		h2.do(1100, Command{Type: CmdBuzz, Team: "B", Token: tok})
		h2.do(1120, Command{Type: CmdBuzz, Team: "C", Token: tok})
		h2.do(1125, Command{Type: CmdBuzz, Team: "A", Token: tok})
		if evs2 := h2.do(1130, Command{Type: CmdTick}); !reflect.DeepEqual(evs2, evs) {
			t.Fatalf("draw not deterministic: %+v vs %+v", evs2, evs)
		}
	})
	t.Run("press after the window is late even without a tick", func(t *testing.T) {
		cfg := testConfig()
		cfg.TieRule = TieDraw
		h := newHarness(t, cfg)
		h.skipTo(1)
		tok := h.q().Token
		h.do(1000, Command{Type: CmdOpen})
		h.do(1100, Command{Type: CmdBuzz, Team: "B", Token: tok})
		evs := h.do(1131, Command{Type: CmdBuzz, Team: "C", Token: tok})
		if want := []EventType{EvBuzzWon, EvAnswerStarted, EvBuzzPressed}; !slices.Equal(types(evs), want) || !evs[2].Late || evs[0].Team != "B" {
			t.Fatalf("events = %+v", evs)
		}
	})
	t.Run("reopen", func(t *testing.T) {
		cfg := testConfig()
		cfg.TieRule = TieReopen
		h := newHarness(t, cfg)
		h.skipTo(1)
		tok := h.q().Token
		h.do(1000, Command{Type: CmdOpen})
		h.do(1100, Command{Type: CmdBuzz, Team: "B", Token: tok})
		h.do(1129, Command{Type: CmdBuzz, Team: "C", Token: tok}) // 29 ms after B: tied
		evs := h.do(1130, Command{Type: CmdTick})
		if len(evs) != 1 || evs[0].Type != EvBuzzReopened || !slices.Equal(evs[0].Order, []string{"B", "C"}) {
			t.Fatalf("events = %+v", evs)
		}
		q := h.q()
		if q.Phase != PhaseOpen || q.Token == tok || q.Attempt != 2 {
			t.Fatalf("after reopen: %+v", q)
		}
		h.refused(1140, Command{Type: CmdBuzz, Team: "C", Token: tok}, "token_mismatch")
		h.do(1200, Command{Type: CmdBuzz, Team: "C", Token: q.Token})
		h.do(1300, Command{Type: CmdBuzz, Team: "B", Token: q.Token}) // outside C's window
		evs = h.do(1300, Command{Type: CmdTick})
		if h.q().Team != "C" || len(h.q().Presses) != 4 {
			t.Fatalf("winner %q presses %+v (events %v)", h.q().Team, h.q().Presses, types(evs))
		}
	})
	t.Run("delay compensation", func(t *testing.T) {
		cfg := testConfig()
		cfg.DelayCompensation = true // cap defaults to 150 ms
		h := newHarness(t, cfg)
		h.do(1, Command{Type: CmdMeasureDelay, Team: "A", Device: "pad-a", Delay: ms(500)}) // capped to 150
		h.do(2, Command{Type: CmdMeasureDelay, Team: "B", Device: "pad-b", Delay: ms(100)})
		h.do(3, Command{Type: CmdMeasureDelay, Team: "C", Device: "pad-c", Delay: ms(20)})
		h.refused(4, Command{Type: CmdMeasureDelay, Team: "C", Device: "pad-b", Delay: ms(20)}, "device_team_mismatch")
		h.skipTo(1)
		tok := h.q().Token
		h.do(1000, Command{Type: CmdOpen})
		h.do(1949, Command{Type: CmdBuzz, Team: "C", Device: "pad-c", Token: tok}) // adjusted 1929
		if w, _ := h.e.NextWake(); w != ms(1949+30+150) {
			t.Fatalf("window end = %v", w)
		}
		h.do(2000, Command{Type: CmdBuzz, Team: "B", Device: "pad-b", Token: tok}) // adjusted 1900
		h.do(2100, Command{Type: CmdBuzz, Team: "A", Device: "pad-b", Token: tok}) // someone else's device: no compensation, 2100
		h.do(2130, Command{Type: CmdTick})
		q := h.q()
		if q.Team != "B" || !slices.Equal(q.Tied, []string{"B", "C"}) {
			t.Fatalf("winner %q tied %v, want B with C tied", q.Team, q.Tied)
		}
		if q.Presses[2].Adjusted != ms(2100) {
			t.Fatalf("press with a foreign device was compensated: %+v", q.Presses[2])
		}
	})
}

func TestRiskSegment(t *testing.T) {
	h := newHarness(t, testConfig())
	h.skipTo(2)
	q := h.q()
	if q.Phase != PhaseStake || q.Team != "A" || q.PhaseLabel != "选分" {
		t.Fatalf("risk question = %+v", q)
	}
	h.refused(1000, Command{Type: CmdOpen}, "out_of_order")
	h.refused(1000, Command{Type: CmdBuzz, Team: "A", Token: q.Token}, "buzz_not_allowed")
	h.refused(1000, Command{Type: CmdStake, Team: "B", Stake: 20}, "not_your_question")
	h.refused(1000, Command{Type: CmdStake, Team: "A", Stake: 25}, "stake_invalid")
	h.do(1100, Command{Type: CmdStake, Team: "A", Stake: 20})
	h.phase(PhaseReading)
	h.refused(1150, Command{Type: CmdStake, Team: "A", Stake: 30}, "out_of_order")
	h.do(1200, Command{Type: CmdOpen})
	h.do(2000, Command{Type: CmdEndAnswer})
	h.do(2100, Command{Type: CmdVote, Judge: "j2", Verdict: Wrong})
	h.do(2200, Command{Type: CmdVote, Judge: "jc", Verdict: Wrong})
	if s := h.score("A"); s.Risk != -20 || s.Score != -20 {
		t.Fatalf("A = %+v", s)
	}
	h.do(3000, Command{Type: CmdNextQuestion})
	h.do(3100, Command{Type: CmdStake, Team: "B", Stake: 30})
	h.do(3200, Command{Type: CmdOpen})
	h.do(4000, Command{Type: CmdEndAnswer})
	h.do(4100, Command{Type: CmdVote, Judge: "j1", Verdict: Correct})
	h.do(4200, Command{Type: CmdVote, Judge: "j3", Verdict: Correct})
	if s := h.score("B"); s.Risk != 30 || s.Score != 30 {
		t.Fatalf("B = %+v", s)
	}
	h.refused(5000, Command{Type: CmdNextQuestion}, "no_more_questions")
	h.do(5000, Command{Type: CmdFinish})
	if st := h.state(); st.Status != StatusFinished || st.Question != nil || len(st.Done) != 7 {
		t.Fatalf("finished state = %+v", st)
	}
	h.refused(5100, Command{Type: CmdNextQuestion}, "finished")
	h.refused(5100, Command{Type: CmdMeasureDelay, Team: "A", Device: "x", Delay: 1}, "finished")
}

func answerCompulsory(h *harness, at int) {
	h.t.Helper()
	h.do(at, Command{Type: CmdStart})
	h.do(at+1, Command{Type: CmdNextQuestion})
	h.do(at+2, Command{Type: CmdOpen})
	h.do(at+3, Command{Type: CmdEndAnswer})
}

func TestJudgeRules(t *testing.T) {
	t.Run("unanimous deadlock then override", func(t *testing.T) {
		cfg := testConfig()
		cfg.JudgeRule = Unanimous
		h := newHarness(t, cfg)
		answerCompulsory(h, 100)
		h.do(200, Command{Type: CmdVote, Judge: "j2", Verdict: Correct})
		h.do(210, Command{Type: CmdVote, Judge: "j3", Verdict: Correct})
		h.phase(PhaseJudging) // jc has not voted yet: no decision
		h.do(220, Command{Type: CmdVote, Judge: "jc", Verdict: Wrong})
		if q := h.q(); !q.Deadlock || q.Phase != PhaseJudging {
			t.Fatalf("want deadlock, got %+v", q)
		}
		h.refused(230, Command{Type: CmdOverride, Judge: "j3", Verdict: Correct, Reason: "x"}, "not_chief")
		h.refused(230, Command{Type: CmdOverride, Judge: "jc", Verdict: Correct}, "reason_required")
		evs := h.do(240, Command{Type: CmdOverride, Judge: "jc", Verdict: Correct, Reason: "要点齐全"})
		if want := []EventType{EvOverridden, EvScored}; !slices.Equal(types(evs), want) || evs[0].Reason != "要点齐全" {
			t.Fatalf("events = %+v", evs)
		}
		if s := h.score("A"); s.Score != 10 {
			t.Fatalf("A = %+v", s)
		}
	})
	t.Run("unanimous agreement", func(t *testing.T) {
		cfg := testConfig()
		cfg.JudgeRule = Unanimous
		h := newHarness(t, cfg)
		answerCompulsory(h, 100)
		for i, j := range []string{"j2", "j3", "jc"} {
			h.do(200+i, Command{Type: CmdVote, Judge: j, Verdict: Wrong})
		}
		h.phase(PhaseScored)
	})
	t.Run("majority of an even panel can deadlock", func(t *testing.T) {
		cfg := testConfig()
		cfg.Judges = append(cfg.Judges, Judge{ID: "j4", Unit: "u7"}) // four eligible for A
		h := newHarness(t, cfg)
		answerCompulsory(h, 100)
		h.do(200, Command{Type: CmdVote, Judge: "j2", Verdict: Correct})
		h.do(201, Command{Type: CmdVote, Judge: "j3", Verdict: Correct})
		h.phase(PhaseJudging) // 2 of 4 is not a majority
		h.do(202, Command{Type: CmdVote, Judge: "jc", Verdict: Wrong})
		h.do(203, Command{Type: CmdVote, Judge: "j4", Verdict: Wrong})
		if !h.q().Deadlock {
			t.Fatal("2:2 should deadlock")
		}
		h.refused(204, Command{Type: CmdVote, Judge: "j1", Verdict: Wrong}, "judge_excluded")
	})
	t.Run("every judge excluded", func(t *testing.T) {
		cfg := testConfig()
		for i := range cfg.Judges {
			cfg.Judges[i].Unit = "u1"
		}
		h := newHarness(t, cfg)
		answerCompulsory(h, 100)
		if q := h.q(); !q.Deadlock || len(q.Eligible) != 0 {
			t.Fatalf("want an empty panel in deadlock: %+v", q)
		}
		h.do(200, Command{Type: CmdOverride, Judge: "jc", Verdict: Correct, Reason: "评委均需回避，由主评委裁定"})
		h.phase(PhaseScored)
	})
	t.Run("override after scoring corrects the score", func(t *testing.T) {
		h := newHarness(t, testConfig())
		answerCompulsory(h, 100)
		h.do(200, Command{Type: CmdVote, Judge: "j2", Verdict: Correct})
		h.do(201, Command{Type: CmdVote, Judge: "j3", Verdict: Correct})
		h.refused(300, Command{Type: CmdOverride, Judge: "jc", Verdict: Correct, Reason: "x"}, "verdict_unchanged")
		evs := h.do(300, Command{Type: CmdOverride, Judge: "jc", Verdict: Wrong, Reason: "核对标准答案后改判"})
		if want := []EventType{EvScoreReversed, EvOverridden, EvScored}; !slices.Equal(types(evs), want) {
			t.Fatalf("events = %v", types(evs))
		}
		if s := h.score("A"); s.Score != 0 || s.Correct != 0 || s.Wrong != 1 {
			t.Fatalf("A = %+v", s)
		}
	})
	t.Run("appeal reopens judging once", func(t *testing.T) {
		h := newHarness(t, testConfig())
		answerCompulsory(h, 100)
		h.do(200, Command{Type: CmdVote, Judge: "j2", Verdict: Wrong})
		h.do(201, Command{Type: CmdVote, Judge: "j3", Verdict: Wrong})
		h.refused(300, Command{Type: CmdAppeal, Team: "B"}, "not_your_question")
		evs := h.do(300, Command{Type: CmdAppeal, Team: "A", Reason: "答案与教材表述一致"})
		if want := []EventType{EvScoreReversed, EvAppealOpened}; !slices.Equal(types(evs), want) {
			t.Fatalf("events = %v", types(evs))
		}
		h.phase(PhaseJudging)
		if s := h.score("A"); s.Wrong != 0 {
			t.Fatalf("appeal did not take back the verdict: %+v", s)
		}
		h.do(400, Command{Type: CmdVote, Judge: "j2", Verdict: Correct})
		h.do(401, Command{Type: CmdVote, Judge: "jc", Verdict: Correct})
		if s := h.score("A"); s.Score != 10 || s.Correct != 1 || s.Wrong != 0 {
			t.Fatalf("A = %+v", s)
		}
		h.refused(500, Command{Type: CmdAppeal, Team: "A"}, "already_appealed")
		if q := h.q(); len(q.Outcomes) != 2 || !q.Outcomes[0].Reversed {
			t.Fatalf("outcomes = %+v", q.Outcomes)
		}
	})
}

func TestAnswerTimeout(t *testing.T) {
	t.Run("to the judges", func(t *testing.T) {
		h := newHarness(t, testConfig())
		h.do(100, Command{Type: CmdStart})
		h.do(200, Command{Type: CmdNextQuestion})
		h.do(1000, Command{Type: CmdOpen})
		if w, ok := h.e.NextWake(); !ok || w != ms(4000) {
			t.Fatalf("NextWake = %v %v", w, ok)
		}
		if evs := h.do(3999, Command{Type: CmdTick}); len(evs) != 0 {
			t.Fatalf("early tick fired %v", types(evs))
		}
		evs := h.do(4000, Command{Type: CmdTick})
		if len(evs) != 1 || evs[0].Type != EvJudgingStarted || evs[0].Reason != "timeout" {
			t.Fatalf("events = %+v", evs)
		}
		h.refused(4001, Command{Type: CmdEndAnswer}, "out_of_order")
	})
	t.Run("a refused command does not keep the timeout it fired", func(t *testing.T) {
		h := newHarness(t, testConfig())
		h.do(100, Command{Type: CmdStart})
		h.do(200, Command{Type: CmdNextQuestion})
		h.do(1000, Command{Type: CmdOpen})
		h.refused(5000, Command{Type: CmdStake, Team: "A", Stake: 10}, "out_of_order")
		h.phase(PhaseAnswering)
	})
	t.Run("scored wrong, and the buzzer question reopens", func(t *testing.T) {
		cfg := testConfig()
		cfg.Timeout = TimeoutWrong
		cfg.Segments[1].AnswerTime = 5 * time.Second
		h := newHarness(t, cfg)
		h.skipTo(1)
		h.do(1000, Command{Type: CmdOpen})
		h.do(1100, Command{Type: CmdBuzz, Team: "A", Token: h.q().Token})
		if d := h.q().Deadline; d != ms(6100) {
			t.Fatalf("segment answer time ignored: deadline %v", d)
		}
		evs := h.do(6100, Command{Type: CmdTick})
		if want := []EventType{EvJudged, EvScored, EvQuestionReopened}; !slices.Equal(types(evs), want) {
			t.Fatalf("events = %v", types(evs))
		}
		if s := h.score("A"); s.Score != -10 {
			t.Fatalf("A = %+v", s)
		}
	})
}

func TestHostOutOfOrder(t *testing.T) {
	h := newHarness(t, testConfig())
	h.refused(1, Command{Type: CmdNextQuestion}, "not_running")
	h.refused(1, Command{Type: CmdFinish}, "not_running")
	h.refused(1, Command{Type: "dance"}, "unknown_command")
	h.do(10, Command{Type: CmdStart})
	h.refused(11, Command{Type: CmdStart}, "not_setup")
	h.refused(11, Command{Type: CmdCheckDevices}, "not_setup")
	h.do(20, Command{Type: CmdNextQuestion})
	h.refused(21, Command{Type: CmdNextQuestion}, "question_in_progress")
	h.refused(21, Command{Type: CmdFinish}, "question_in_progress")
	h.refused(21, Command{Type: CmdEndAnswer}, "out_of_order")
	h.refused(5, Command{Type: CmdTick}, "clock_backwards")
	h.do(30, Command{Type: CmdOpen})
	h.refused(31, Command{Type: CmdOpen}, "out_of_order")
	h.refused(31, Command{Type: CmdCloseQuestion}, "out_of_order")
	h.refused(31, Command{Type: CmdAppeal, Team: "A"}, "out_of_order")
}

func TestDeviceCheck(t *testing.T) {
	cfg := testConfig()
	cfg.MaxDeviceSpread = ms(50)
	h := newHarness(t, cfg)
	h.refused(1, Command{Type: CmdStart}, "device_check_required")
	h.refused(1, Command{Type: CmdMeasureDelay, Team: "Z", Device: "d", Delay: 1}, "unknown_team")
	h.refused(1, Command{Type: CmdMeasureDelay, Team: "A", Device: "d", Delay: MaxDelay + 1}, "delay_invalid")
	h.do(2, Command{Type: CmdMeasureDelay, Team: "A", Device: "pad-a", Delay: ms(10)})
	h.do(3, Command{Type: CmdMeasureDelay, Team: "B", Device: "pad-b", Delay: ms(100)})
	h.refused(4, Command{Type: CmdCheckDevices}, "device_missing")
	h.do(5, Command{Type: CmdMeasureDelay, Team: "C", Device: "pad-c", Delay: ms(20)})
	h.refused(6, Command{Type: CmdCheckDevices}, "device_spread")
	h.do(7, Command{Type: CmdMeasureDelay, Team: "B", Device: "pad-b", Delay: ms(40)}) // the latest measurement counts
	evs := h.do(8, Command{Type: CmdCheckDevices})
	if evs[0].Delay != ms(30) {
		t.Fatalf("spread = %v, want 30ms", evs[0].Delay)
	}
	h.do(9, Command{Type: CmdStart})
	if d := h.state().Devices; len(d) != 3 || d[0].Device != "pad-a" || d[1].Delay != ms(40) {
		t.Fatalf("devices = %+v", d)
	}
}

func TestViewHidesAnswer(t *testing.T) {
	h := newHarness(t, testConfig())
	answerCompulsory(h, 100)
	st := h.state()
	if st.View(RoleTeam).Question.Ref.Answer != "" || st.View(RoleAudience).Question.Ref.Answer != "" {
		t.Fatal("answer visible to teams before scoring")
	}
	if st.View(RoleJudge).Question.Ref.Answer == "" || st.View(RoleHost).Question.Ref.Answer == "" {
		t.Fatal("answer hidden from host or judges")
	}
	if st.Question.Ref.Answer == "" {
		t.Fatal("View changed the state it was called on")
	}
	h.do(200, Command{Type: CmdVote, Judge: "j2", Verdict: Correct})
	h.do(201, Command{Type: CmdVote, Judge: "j3", Verdict: Correct})
	if h.state().View(RoleAudience).Question.Ref.Answer == "" {
		t.Fatal("answer still hidden after scoring")
	}
}

func TestStateIsACopy(t *testing.T) {
	h := newHarness(t, testConfig())
	answerCompulsory(h, 100)
	st := h.state()
	st.Teams[0].Score = 999
	st.Question.Eligible[0] = "zz"
	if h.score("A").Score == 999 || h.q().Eligible[0] == "zz" {
		t.Fatal("State shares memory with the engine")
	}
}

func TestMatchStandings(t *testing.T) {
	st := State{Teams: []TeamScore{
		{ID: "A", Score: 30, Buzzer: 10, Fouls: 1},
		{ID: "B", Score: 30, Buzzer: 20},
		{ID: "C", Score: 40},
		{ID: "D", Score: 30, Buzzer: 10, Fouls: 1},
	}}
	var got []string
	var ranks []int
	for _, s := range st.Standings() {
		got = append(got, s.ID)
		ranks = append(ranks, s.Rank)
	}
	if !slices.Equal(got, []string{"C", "B", "A", "D"}) || !slices.Equal(ranks, []int{1, 2, 3, 3}) {
		t.Fatalf("standings %v ranks %v", got, ranks)
	}
}

func TestConfigValidate(t *testing.T) {
	mod := func(f func(*Config)) Config { c := testConfig(); f(&c); return c }
	bad := []Config{
		mod(func(c *Config) { c.Teams = nil }),
		mod(func(c *Config) { c.Teams[1].ID = "A" }),
		mod(func(c *Config) { c.Judges[0].Chief = true }),
		mod(func(c *Config) { c.Segments[2].RiskValues = nil }),
		mod(func(c *Config) { c.Segments[0].Questions[1].Team = "Z" }),
		mod(func(c *Config) { c.Segments[1].Questions[0].ID = "c1" }),
		mod(func(c *Config) { c.Segments[0].Kind = "quiz" }),
		mod(func(c *Config) { c.TieRule = "coin" }),
		mod(func(c *Config) { c.Segments[1].Questions = nil }),
	}
	for i, c := range bad {
		if _, err := New(c, 0); err == nil {
			t.Errorf("config %d accepted", i)
		}
	}
	if _, err := New(testConfig(), 0); err != nil {
		t.Fatal(err)
	}
}

func TestReplayRejectsBadLogs(t *testing.T) {
	h := newHarness(t, testConfig())
	answerCompulsory(h, 100)
	log := slices.Clone(h.log)
	gap := slices.Clone(log)
	gap[2].Seq = 9
	bad := slices.Clone(log)
	bad[3] = Event{Seq: 4, At: ms(103), Type: EvScored, Team: "B", Verdict: Correct, Value: 10}
	back := slices.Clone(log)
	back[3].At = 0
	unknown := append(slices.Clone(log), Event{Seq: int64(len(log) + 1), At: ms(200), Type: "teleport"})
	for name, l := range map[string][]Event{"gap": gap, "wrong team": bad, "time back": back, "unknown": unknown} {
		if _, err := Replay(testConfig(), l); err == nil {
			t.Errorf("%s: replay accepted a bad log", name)
		}
	}
}

func TestRestartMidQuestion(t *testing.T) {
	cfg := testConfig()
	cfg.TieRule = TieDraw
	h := newHarness(t, cfg)
	h.skipTo(1)
	tok := h.q().Token
	h.do(1000, Command{Type: CmdOpen})
	h.do(1100, Command{Type: CmdBuzz, Team: "C", Token: tok})
	h.do(1110, Command{Type: CmdBuzz, Team: "A", Token: tok})
	// The server dies here, inside the tie window. A new one restores the log.
	e2, err := Restore(cfg, 42, h.log)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(e2.State(), h.state()) {
		t.Fatal("restored state differs")
	}
	w1, _ := h.e.NextWake()
	w2, _ := e2.NextWake()
	if w1 != w2 || w1 != ms(1130) {
		t.Fatalf("wake %v vs %v", w1, w2)
	}
	live := h.do(1130, Command{Type: CmdTick})
	restored, err := e2.Handle(Command{Type: CmdTick}, ms(1130))
	if err != nil || !reflect.DeepEqual(live, restored) {
		t.Fatalf("after restart: %+v vs %+v (%v)", restored, live, err)
	}
	if d := e2.State().Question.Deadline; d != ms(4130) {
		t.Fatalf("remaining time lost: deadline %v", d)
	}
}

// TestFullMatchReplay plays a whole final and checks the log replays, and
// that the stage result can be taken from it.
func TestFullMatchReplay(t *testing.T) {
	h := newHarness(t, testConfig())
	h.do(0, Command{Type: CmdStart})
	at := 1000
	step := func(c Command) []Event { at += 100; return h.do(at, c) }
	for range 2 { // compulsory
		step(Command{Type: CmdNextQuestion})
		step(Command{Type: CmdOpen})
		step(Command{Type: CmdEndAnswer})
		step(Command{Type: CmdOverride, Judge: "jc", Verdict: Correct, Reason: "正确"})
	}
	for i := range 3 { // buzzer
		step(Command{Type: CmdNextQuestion})
		tok := h.q().Token
		if i == 0 {
			step(Command{Type: CmdBuzz, Team: "B", Token: tok}) // foul
		}
		step(Command{Type: CmdOpen})
		step(Command{Type: CmdBuzz, Team: []string{"A", "C", "A"}[i], Token: tok})
		at += 3000
		step(Command{Type: CmdTick}) // time is up: to the judges
		if h.q().Phase != PhaseJudging {
			t.Fatalf("phase %s after the answer time", h.q().Phase)
		}
		step(Command{Type: CmdOverride, Judge: "jc", Verdict: Correct, Reason: "正确"})
	}
	for range 2 { // risk
		step(Command{Type: CmdNextQuestion})
		step(Command{Type: CmdStake, Team: h.q().Team, Stake: 30})
		step(Command{Type: CmdOpen})
		step(Command{Type: CmdEndAnswer})
		step(Command{Type: CmdOverride, Judge: "jc", Verdict: Wrong, Reason: "错误"})
	}
	step(Command{Type: CmdFinish})
	st := h.state()
	// A: 10 + 20 + 20 - 30 = 20; B: -5 (foul) - 30 = -35; C: 10 + 20 = 30.
	got := map[string]int{}
	for _, s := range st.Teams {
		got[s.ID] = s.Score
	}
	if got["A"] != 20 || got["B"] != -35 || got["C"] != 30 {
		t.Fatalf("scores %v", got)
	}
	if s := st.Standings(); s[0].ID != "C" || s[2].ID != "B" {
		t.Fatalf("standings %+v", s)
	}
}
