package contest

import "slices"

// eligibleJudges lists, in config order, the judges who vote on team's
// answer: everyone except the judges from the team's own unit.
func (e *Engine) eligibleJudges(team string) []string {
	unit := e.cfg.Teams[e.teams[team]].Unit
	var out []string
	for _, j := range e.cfg.Judges {
		if unit != "" && j.Unit == unit {
			continue
		}
		out = append(out, j.ID)
	}
	return out
}

// decide applies the panel rule to the votes cast so far.
func decide(rule JudgeRule, eligible int, votes []Vote) (Verdict, bool) {
	if eligible == 0 {
		return "", false
	}
	c, w := 0, 0
	for _, v := range votes {
		if v.Verdict == Correct {
			c++
		} else {
			w++
		}
	}
	if rule == Unanimous {
		switch {
		case c == eligible:
			return Correct, true
		case w == eligible:
			return Wrong, true
		}
		return "", false
	}
	switch {
	case 2*c > eligible:
		return Correct, true
	case 2*w > eligible:
		return Wrong, true
	}
	return "", false
}

func (e *Engine) endAnswer() error {
	q, err := e.requireQuestion()
	if err != nil {
		return err
	}
	if q.Phase != PhaseAnswering {
		return refuse("out_of_order")
	}
	return e.emit(Event{Type: EvJudgingStarted, Reason: "host", Order: e.eligibleJudges(q.Team)})
}

func (e *Engine) answerTimeout() error {
	q := e.st.Question
	if e.cfg.Timeout == TimeoutWrong {
		if err := e.emit(Event{Type: EvJudged, Verdict: Wrong, Reason: "timeout"}); err != nil {
			return err
		}
		return e.score(Wrong, true)
	}
	return e.emit(Event{Type: EvJudgingStarted, Reason: "timeout", Order: e.eligibleJudges(q.Team)})
}

func (e *Engine) vote(cmd Command) error {
	q, err := e.requireQuestion()
	if err != nil {
		return err
	}
	j, ok := e.judges[cmd.Judge]
	switch {
	case !ok:
		return refuse("unknown_judge")
	case q.Phase == PhaseScored:
		return refuse("already_decided")
	case q.Phase != PhaseJudging:
		return refuse("not_judging")
	case !cmd.Verdict.valid():
		return refuse("verdict_invalid")
	case q.voted(cmd.Judge):
		return refuse("already_voted")
	}
	if u := e.cfg.Judges[j].Unit; u != "" && u == e.cfg.Teams[e.teams[q.Team]].Unit {
		return refuse("judge_excluded")
	}
	if err := e.emit(Event{Type: EvVoteCast, Judge: cmd.Judge, Verdict: cmd.Verdict}); err != nil {
		return err
	}
	v, done := decide(e.cfg.JudgeRule, len(q.Eligible), q.Votes)
	if !done {
		return nil
	}
	if err := e.emit(Event{Type: EvJudged, Verdict: v, Reason: string(e.cfg.JudgeRule)}); err != nil {
		return err
	}
	return e.score(v, true)
}

// override is the chief judge's decision. While judging it settles the answer
// (also a deadlocked or judge-less panel); after scoring it corrects the
// score of the latest answer without reopening the question.
func (e *Engine) override(cmd Command) error {
	q, err := e.requireQuestion()
	if err != nil {
		return err
	}
	j, ok := e.judges[cmd.Judge]
	switch {
	case !ok:
		return refuse("unknown_judge")
	case !e.cfg.Judges[j].Chief:
		return refuse("not_chief")
	case !cmd.Verdict.valid():
		return refuse("verdict_invalid")
	case cmd.Reason == "":
		return refuse("reason_required")
	}
	ev := Event{Type: EvOverridden, Judge: cmd.Judge, Verdict: cmd.Verdict, Reason: cmd.Reason}
	switch q.Phase {
	case PhaseJudging:
		if err := e.emit(ev); err != nil {
			return err
		}
		return e.score(cmd.Verdict, true)
	case PhaseScored:
		o := q.lastOutcome()
		if o == nil || o.Team != q.Team {
			return refuse("not_judging")
		}
		if o.Verdict == cmd.Verdict {
			return refuse("verdict_unchanged")
		}
		if err := e.emit(Event{Type: EvScoreReversed, Team: o.Team, Value: o.Delta}); err != nil {
			return err
		}
		if err := e.emit(ev); err != nil {
			return err
		}
		return e.score(cmd.Verdict, false)
	}
	return refuse("not_judging")
}

// appeal takes back the score of the team's latest answer and sends it to the
// panel again, once per team and question.
func (e *Engine) appeal(cmd Command) error {
	q, err := e.requireQuestion()
	if err != nil {
		return err
	}
	if _, ok := e.teams[cmd.Team]; !ok {
		return refuse("unknown_team")
	}
	if q.Phase != PhaseScored {
		return refuse("out_of_order")
	}
	o := q.lastOutcome()
	if o == nil || o.Team != cmd.Team || q.Team != cmd.Team {
		return refuse("not_your_question")
	}
	if slices.Contains(q.Appeals, cmd.Team) {
		return refuse("already_appealed")
	}
	if err := e.emit(Event{Type: EvScoreReversed, Team: o.Team, Value: o.Delta}); err != nil {
		return err
	}
	return e.emit(Event{Type: EvAppealOpened, Team: cmd.Team, Reason: cmd.Reason, Order: e.eligibleJudges(cmd.Team)})
}
