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
		return errEvent(ev, "序号应为%d", e.st.Seq+1)
	}
	if ev.At < e.st.Now {
		return errEvent(ev, "时间倒退")
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
	bad := func(why string) error { return errEvent(ev, "%s", why) }
	// Events about the current question need a running match and a question.
	switch ev.Type {
	case EvDelayMeasured, EvDevicesChecked, EvMatchStarted, EvQuestionShown, EvMatchFinished:
	default:
		if st.Status != StatusRunning || q == nil {
			return bad("没有进行中的题目")
		}
	}
	switch ev.Type {
	case EvDelayMeasured:
		if _, ok := e.teams[ev.Team]; !ok || ev.Device == "" || ev.Delay < 0 || ev.Delay > MaxDelay || st.Status == StatusFinished {
			return bad("设备延迟无效")
		}
		d := DeviceDelay{Device: ev.Device, Team: ev.Team, Delay: ev.Delay}
		if i, ok := e.deviceIndex(ev.Device); ok {
			if st.Devices[i].Team != ev.Team {
				return bad("设备所属参赛队不符")
			}
			st.Devices[i] = d
		} else {
			st.Devices = slices.Insert(st.Devices, i, d)
		}

	case EvDevicesChecked:
		if st.Status != StatusSetup {
			return bad("比赛已开始")
		}
		st.DevicesChecked = true

	case EvMatchStarted:
		if st.Status != StatusSetup {
			return bad("比赛已开始")
		}
		st.Status = StatusRunning

	case EvQuestionShown:
		if st.Status != StatusRunning || (q != nil && q.Phase != PhaseScored) {
			return bad("上一题尚未计分")
		}
		seg, idx, ok := e.next()
		if !ok || ev.Segment != seg || ev.Index != idx || ev.Token == "" {
			return bad("题目顺序不符")
		}
		s := e.cfg.Segments[seg]
		ref := s.Questions[idx]
		ref.Options = slices.Clone(ref.Options)
		if ev.Question != ref.ID {
			return bad("题目编号不符")
		}
		if _, ok := e.teams[ev.Team]; ok == (s.Kind == Buzzer) {
			return bad("答题队无效")
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
			return bad("选分无效")
		}
		q.Stake = ev.Value
		q.setPhase(PhaseReading)

	case EvBuzzersOpened:
		if q.Phase != PhaseReading || q.Kind != Buzzer || ev.Token != q.Token {
			return bad("不能开放抢答")
		}
		q.setPhase(PhaseOpen)

	case EvAnswerStarted:
		ok := (q.Phase == PhaseReading && q.Kind != Buzzer) || (q.Phase == PhaseBuzzed && q.Team != "")
		if !ok || ev.Team != q.Team || ev.Deadline < ev.At {
			return bad("不能开始作答")
		}
		q.Deadline = ev.Deadline
		q.setPhase(PhaseAnswering)

	case EvBuzzFoul:
		i, ok := e.teams[ev.Team]
		if !ok || q.Phase != PhaseReading || q.Kind != Buzzer || ev.Token != q.Token || ev.Value < 0 || slices.Contains(q.Fouls, ev.Team) {
			return bad("犯规记录无效")
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
			return bad("按键记录无效")
		}
		if ev.Adjusted > ev.At || ev.At-ev.Adjusted > e.cfg.DelayCap {
			return bad("按键校正时间无效")
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
			return bad("抢答尚未开放")
		}
		if late != ev.Late || (late && q.Team == "") {
			return bad("迟到标记不符")
		}
		q.Presses = append(q.Presses, Press{Seq: ev.Seq, Team: ev.Team, Device: ev.Device, Attempt: q.Attempt, Arrival: ev.At, Adjusted: ev.Adjusted, Late: late})

	case EvBuzzDraw, EvBuzzWon, EvBuzzReopened:
		if q.Phase != PhaseBuzzed || q.Team != "" || len(ev.Order) == 0 {
			return bad("抢答裁定无效")
		}
		for _, t := range ev.Order {
			if !q.pressed(t) {
				return bad("抢答裁定含未按键的队")
			}
		}
		q.Tied = slices.Clone(ev.Order)
		switch ev.Type {
		case EvBuzzWon:
			if !q.pressed(ev.Team) {
				return bad("抢到的队未按键")
			}
			q.Team = ev.Team
			q.WindowEnd = 0
		case EvBuzzReopened:
			if ev.Token == "" || ev.Token == q.Token {
				return bad("重新抢答须换新令牌")
			}
			q.reopen(ev.Token)
		}

	case EvJudgingStarted:
		if q.Phase != PhaseAnswering {
			return bad("不在作答阶段")
		}
		if err := e.startJudging(q, ev); err != nil {
			return err
		}

	case EvVoteCast:
		if q.Phase != PhaseJudging || !slices.Contains(q.Eligible, ev.Judge) || q.voted(ev.Judge) || !ev.Verdict.valid() {
			return bad("投票无效")
		}
		q.Votes = append(q.Votes, Vote{Judge: ev.Judge, Verdict: ev.Verdict, At: ev.At})
		if _, ok := decide(e.cfg.JudgeRule, len(q.Eligible), q.Votes); !ok && len(q.Votes) == len(q.Eligible) {
			q.Deadlock = true
		}

	case EvJudged:
		ok := q.Phase == PhaseJudging || (q.Phase == PhaseAnswering && e.cfg.Timeout == TimeoutWrong)
		if !ok || !ev.Verdict.valid() {
			return bad("评判结果无效")
		}

	case EvOverridden:
		j, ok := e.judges[ev.Judge]
		if !ok || !e.cfg.Judges[j].Chief || ev.Reason == "" || !ev.Verdict.valid() || (q.Phase != PhaseJudging && q.Phase != PhaseScored) {
			return bad("改判无效")
		}
		q.Deadlock = false

	case EvScored:
		i, ok := e.teams[ev.Team]
		if !ok || ev.Team != q.Team || !ev.Verdict.valid() || (q.Phase != PhaseJudging && q.Phase != PhaseAnswering && q.Phase != PhaseScored) {
			return bad("计分无效")
		}
		e.addScore(&st.Teams[i], q.Kind, ev.Verdict, ev.Value, 1)
		q.Outcomes = append(q.Outcomes, Outcome{Team: ev.Team, Verdict: ev.Verdict, Delta: ev.Value})
		q.Deadline, q.Deadlock = 0, false
		q.setPhase(PhaseScored)

	case EvScoreReversed:
		o := q.lastOutcome()
		if q.Phase != PhaseScored || o == nil || o.Team != ev.Team || o.Delta != ev.Value {
			return bad("撤销计分无效")
		}
		e.addScore(&st.Teams[e.teams[o.Team]], q.Kind, o.Verdict, -o.Delta, -1)
		o.Reversed = true

	case EvAppealOpened:
		n := len(q.Outcomes)
		if q.Phase != PhaseScored || n == 0 || !q.Outcomes[n-1].Reversed || q.Outcomes[n-1].Team != ev.Team || q.Team != ev.Team || slices.Contains(q.Appeals, ev.Team) {
			return bad("申诉无效")
		}
		q.Appeals = append(q.Appeals, ev.Team)
		if err := e.startJudging(q, ev); err != nil {
			return err
		}

	case EvQuestionReopened:
		if q.Phase != PhaseScored || q.Kind != Buzzer || ev.Team != q.Team || ev.Token == "" || ev.Token == q.Token {
			return bad("重新开放无效")
		}
		if !slices.Contains(q.LockedOut, ev.Team) {
			q.LockedOut = append(q.LockedOut, ev.Team)
		}
		q.reopen(ev.Token)

	case EvQuestionClosed:
		if q.Phase != PhaseOpen && q.Phase != PhaseReading && q.Phase != PhaseStake {
			return bad("不能结束本题")
		}
		q.setPhase(PhaseScored)

	case EvMatchFinished:
		if st.Status != StatusRunning || (q != nil && q.Phase != PhaseScored) {
			return bad("不能结束比赛")
		}
		e.archive()
		st.Question = nil
		st.Status = StatusFinished

	default:
		return bad("未知事件类型")
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
			return errEvent(ev, "评委名单无效")
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
