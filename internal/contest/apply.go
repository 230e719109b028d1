package contest

import (
	"slices"
	"time"
)

// Apply folds one event into the state. Handle uses it for the events it
// produces; Replay uses it for a stored log. It checks that the event fits the
// state, so a damaged log fails loudly instead of producing a wrong state, and
// it never panics on a bad event.
func (e *Engine) Apply(ev Event) error {
	if ev.Seq != e.st.Seq+1 {
		return errEvent(ev, "event_invalid.seq", e.st.Seq+1)
	}
	if ev.At < e.st.Now {
		return errEvent(ev, "event_invalid.time_backwards")
	}
	if err := e.fold(ev); err != nil {
		return err
	}
	e.st.Seq, e.st.Now = ev.Seq, ev.At
	return nil
}

func (e *Engine) fold(ev Event) error {
	st := &e.st
	q := st.Question
	bad := func(key string) error { return errEvent(ev, key) }
	// Events about the current question need a running match and a question.
	switch ev.Type {
	case EvDelayMeasured, EvDevicesChecked, EvMatchStarted, EvQuestionShown, EvMatchFinished:
	default:
		if st.Status != StatusRunning || q == nil {
			return bad("event_invalid.no_question")
		}
	}
	switch ev.Type {
	case EvDelayMeasured:
		if _, ok := e.teams[ev.Team]; !ok || ev.Device == "" || ev.Delay < 0 || ev.Delay > MaxDelay || st.Status == StatusFinished {
			return bad("event_invalid.delay")
		}
		d := DeviceDelay{Device: ev.Device, Team: ev.Team, Delay: ev.Delay}
		if i, ok := e.deviceIndex(ev.Device); ok {
			if st.Devices[i].Team != ev.Team {
				return bad("event_invalid.device_team")
			}
			st.Devices[i] = d
		} else {
			st.Devices = slices.Insert(st.Devices, i, d)
		}

	case EvDevicesChecked:
		if st.Status != StatusSetup {
			return bad("event_invalid.started")
		}
		st.DevicesChecked = true

	case EvMatchStarted:
		if st.Status != StatusSetup {
			return bad("event_invalid.started")
		}
		st.Status = StatusRunning

	case EvQuestionShown:
		if st.Status != StatusRunning || (q != nil && q.Phase != PhaseScored) {
			return bad("event_invalid.unscored")
		}
		seg, idx, ok := e.next()
		if !ok || ev.Segment != seg || ev.Index != idx || ev.Token == "" {
			return bad("event_invalid.question_order")
		}
		s := e.cfg.Segments[seg]
		ref := s.Questions[idx]
		ref.Options = slices.Clone(ref.Options)
		if ev.Question != ref.ID {
			return bad("event_invalid.question_id")
		}
		if _, ok := e.teams[ev.Team]; ok == (s.Kind == Buzzer) {
			return bad("event_invalid.answering_team")
		}
		e.archive()
		nq := &QuestionState{Ref: ref, Segment: seg, Index: idx, Kind: s.Kind, Token: ev.Token, Team: ev.Team, Attempt: 1}
		nq.setPhase(PhaseReading)
		if s.Kind == Risk {
			nq.setPhase(PhaseStake)
		}
		st.Question = nq

	case EvStakeChosen:
		if q.Phase != PhaseStake || ev.Team != q.Team || !slices.Contains(e.cfg.Segments[q.Segment].RiskValues, ev.Value) {
			return bad("event_invalid.stake")
		}
		q.Stake = ev.Value
		q.setPhase(PhaseReading)

	case EvBuzzersOpened:
		if q.Phase != PhaseReading || q.Kind != Buzzer || ev.Token != q.Token {
			return bad("event_invalid.buzz_open")
		}
		q.setPhase(PhaseOpen)

	case EvAnswerStarted:
		ok := (q.Phase == PhaseReading && q.Kind != Buzzer) || (q.Phase == PhaseBuzzed && q.Team != "")
		if !ok || ev.Team != q.Team || ev.Deadline < ev.At {
			return bad("event_invalid.answer_start")
		}
		q.Deadline = ev.Deadline
		q.setPhase(PhaseAnswering)

	case EvBuzzFoul:
		i, ok := e.teams[ev.Team]
		if !ok || q.Phase != PhaseReading || q.Kind != Buzzer || ev.Token != q.Token || ev.Value < 0 || slices.Contains(q.Fouls, ev.Team) {
			return bad("event_invalid.foul")
		}
		q.Presses = append(q.Presses, Press{Seq: ev.Seq, Team: ev.Team, Device: ev.Device, Attempt: q.Attempt, Arrival: ev.At, Adjusted: ev.At, Foul: true})
		q.Fouls = append(q.Fouls, ev.Team)
		if ev.LockOut && !slices.Contains(q.LockedOut, ev.Team) {
			q.LockedOut = append(q.LockedOut, ev.Team)
		}
		t := &st.Teams[i]
		t.Fouls++
		t.FoulPoints -= ev.Value
		t.Score -= ev.Value

	case EvBuzzPressed:
		if _, ok := e.teams[ev.Team]; !ok || q.Kind != Buzzer || ev.Token != q.Token || slices.Contains(q.LockedOut, ev.Team) || q.pressed(ev.Team) {
			return bad("event_invalid.buzz")
		}
		if ev.Adjusted > ev.At || ev.At-ev.Adjusted > e.cfg.DelayCap {
			return bad("event_invalid.buzz_time")
		}
		late := true
		switch {
		case q.Phase == PhaseOpen:
			late = false
			q.WindowEnd = e.windowEnd(ev.At)
			q.setPhase(PhaseBuzzed)
		case q.Phase == PhaseBuzzed && q.Team == "":
			late = false
		case q.Phase == PhaseReading || q.Phase == PhaseStake:
			return bad("event_invalid.buzz_not_open")
		}
		if late != ev.Late || (late && q.Team == "") {
			return bad("event_invalid.late_flag")
		}
		q.Presses = append(q.Presses, Press{Seq: ev.Seq, Team: ev.Team, Device: ev.Device, Attempt: q.Attempt, Arrival: ev.At, Adjusted: ev.Adjusted, Late: late})

	case EvBuzzDraw, EvBuzzWon, EvBuzzReopened:
		if q.Phase != PhaseBuzzed || q.Team != "" || len(ev.Order) == 0 {
			return bad("event_invalid.buzz_result")
		}
		for _, t := range ev.Order {
			if !q.pressed(t) {
				return bad("event_invalid.buzz_result_unpressed")
			}
		}
		q.Tied = slices.Clone(ev.Order)
		switch ev.Type {
		case EvBuzzWon:
			if !q.pressed(ev.Team) {
				return bad("event_invalid.winner_unpressed")
			}
			q.Team = ev.Team
			q.WindowEnd = 0
		case EvBuzzReopened:
			if ev.Token == "" || ev.Token == q.Token {
				return bad("event_invalid.rebuzz_token")
			}
			q.reopen(ev.Token)
		}

	case EvJudgingStarted:
		if q.Phase != PhaseAnswering {
			return bad("event_invalid.not_answering")
		}
		if err := e.startJudging(q, ev); err != nil {
			return err
		}

	case EvVoteCast:
		if q.Phase != PhaseJudging || !slices.Contains(q.Eligible, ev.Judge) || q.voted(ev.Judge) || !ev.Verdict.valid() {
			return bad("event_invalid.vote")
		}
		q.Votes = append(q.Votes, Vote{Judge: ev.Judge, Verdict: ev.Verdict, At: ev.At})
		if _, ok := decide(e.cfg.JudgeRule, len(q.Eligible), q.Votes); !ok && len(q.Votes) == len(q.Eligible) {
			q.Deadlock = true
		}

	case EvJudged:
		ok := q.Phase == PhaseJudging || (q.Phase == PhaseAnswering && e.cfg.Timeout == TimeoutWrong)
		if !ok || !ev.Verdict.valid() {
			return bad("event_invalid.verdict")
		}

	case EvOverridden:
		j, ok := e.judges[ev.Judge]
		if !ok || !e.cfg.Judges[j].Chief || ev.Reason == "" || !ev.Verdict.valid() || (q.Phase != PhaseJudging && q.Phase != PhaseScored) {
			return bad("event_invalid.override")
		}
		q.Deadlock = false

	case EvScored:
		i, ok := e.teams[ev.Team]
		if !ok || ev.Team != q.Team || !ev.Verdict.valid() || (q.Phase != PhaseJudging && q.Phase != PhaseAnswering && q.Phase != PhaseScored) {
			return bad("event_invalid.score")
		}
		e.addScore(&st.Teams[i], q.Kind, ev.Verdict, ev.Value, 1)
		q.Outcomes = append(q.Outcomes, Outcome{Team: ev.Team, Verdict: ev.Verdict, Delta: ev.Value})
		q.Deadline, q.Deadlock = 0, false
		q.setPhase(PhaseScored)

	case EvScoreReversed:
		o := q.lastOutcome()
		if q.Phase != PhaseScored || o == nil || o.Team != ev.Team || o.Delta != ev.Value {
			return bad("event_invalid.unscore")
		}
		e.addScore(&st.Teams[e.teams[o.Team]], q.Kind, o.Verdict, -o.Delta, -1)
		o.Reversed = true

	case EvAppealOpened:
		n := len(q.Outcomes)
		if q.Phase != PhaseScored || n == 0 || !q.Outcomes[n-1].Reversed || q.Outcomes[n-1].Team != ev.Team || q.Team != ev.Team || slices.Contains(q.Appeals, ev.Team) {
			return bad("event_invalid.appeal")
		}
		q.Appeals = append(q.Appeals, ev.Team)
		if err := e.startJudging(q, ev); err != nil {
			return err
		}

	case EvQuestionReopened:
		if q.Phase != PhaseScored || q.Kind != Buzzer || ev.Team != q.Team || ev.Token == "" || ev.Token == q.Token {
			return bad("event_invalid.reopen")
		}
		if !slices.Contains(q.LockedOut, ev.Team) {
			q.LockedOut = append(q.LockedOut, ev.Team)
		}
		q.reopen(ev.Token)

	case EvQuestionClosed:
		if q.Phase != PhaseOpen && q.Phase != PhaseReading && q.Phase != PhaseStake {
			return bad("event_invalid.end_question")
		}
		q.setPhase(PhaseScored)

	case EvMatchFinished:
		if st.Status != StatusRunning || (q != nil && q.Phase != PhaseScored) {
			return bad("event_invalid.end_match")
		}
		e.archive()
		st.Question = nil
		st.Status = StatusFinished

	default:
		return bad("event_invalid.unknown_type")
	}
	return nil
}

// windowEnd is when the buzz arbitration of a round whose first press arrived
// at first falls due. A later press can only beat the first by at most the
// delay cap, and tie with it within the tie window, so that is how long the
// result can still change. With "first arrival" and no compensation nothing
// can change it: decide at once.
func (e *Engine) windowEnd(first time.Duration) time.Duration {
	if e.cfg.TieRule == TieFirst && !e.cfg.DelayCompensation {
		return first
	}
	end := first + e.cfg.TieWindow
	if e.cfg.DelayCompensation {
		end += e.cfg.DelayCap
	}
	return end
}

func (e *Engine) startJudging(q *QuestionState, ev Event) error {
	for i, j := range ev.Order {
		if _, ok := e.judges[j]; !ok || slices.Contains(ev.Order[:i], j) {
			return errEvent(ev, "event_invalid.judge_order")
		}
	}
	q.Eligible = slices.Clone(ev.Order)
	q.Votes = nil
	q.Deadline = 0
	q.Deadlock = len(q.Eligible) == 0
	q.setPhase(PhaseJudging)
	return nil
}

// addScore adds (sign=1) or takes back (sign=-1) one scored answer.
func (e *Engine) addScore(t *TeamScore, kind SegmentKind, v Verdict, delta, sign int) {
	t.Score += delta
	switch kind {
	case Compulsory:
		t.Compulsory += delta
	case Buzzer:
		t.Buzzer += delta
	case Risk:
		t.Risk += delta
	}
	if v == Correct {
		t.Correct += sign
	} else {
		t.Wrong += sign
	}
}

// archive moves the current question into Done.
func (e *Engine) archive() {
	q := e.st.Question
	if q == nil {
		return
	}
	e.st.Done = append(e.st.Done, QuestionSummary{Question: q.Ref.ID, Segment: q.Segment, Outcomes: slices.Clone(q.Outcomes), Fouls: slices.Clone(q.Fouls)})
}

func (q *QuestionState) reopen(token string) {
	q.Attempt++
	q.Token = token
	q.Team = ""
	q.WindowEnd, q.Deadline = 0, 0
	q.Eligible, q.Votes, q.Deadlock = nil, nil, false
	q.setPhase(PhaseOpen)
}

// pressed reports whether team has pressed (not as a foul) in this round.
func (q *QuestionState) pressed(team string) bool {
	for _, p := range q.Presses {
		if p.Team == team && p.Attempt == q.Attempt && !p.Foul {
			return true
		}
	}
	return false
}

func (q *QuestionState) voted(judge string) bool {
	for _, v := range q.Votes {
		if v.Judge == judge {
			return true
		}
	}
	return false
}

func (v Verdict) valid() bool { return v == Correct || v == Wrong }
