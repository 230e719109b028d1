package contest

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"time"
)

// buzz handles a press. Every press that names the current round's token is
// logged — fouls, winners, losers and late ones — so the judges can show why
// a team won. Presses that cannot be attributed to this round (wrong token) or
// that repeat a team's press are refused and leave no trace in the state.
func (e *Engine) buzz(cmd Command) error {
	q, err := e.requireQuestion()
	if err != nil {
		return err
	}
	if cmd.Token != q.Token {
		return refuse("token_mismatch")
	}
	if _, ok := e.teams[cmd.Team]; !ok {
		return refuse("unknown_team")
	}
	if q.Kind != Buzzer {
		return refuse("buzz_not_allowed")
	}
	if slices.Contains(q.LockedOut, cmd.Team) {
		return refuse("team_locked_out")
	}
	if q.pressed(cmd.Team) {
		return refuse("already_buzzed")
	}
	switch {
	case q.Phase == PhaseReading:
		if slices.Contains(q.Fouls, cmd.Team) {
			return refuse("already_fouled")
		}
		f := e.cfg.Segments[q.Segment].Foul
		return e.emit(Event{Type: EvBuzzFoul, Team: cmd.Team, Device: cmd.Device, Token: cmd.Token, Code: "buzz_too_early", Value: f.Points, LockOut: f.LockOut})
	case q.Phase == PhaseOpen, q.Phase == PhaseBuzzed && q.Team == "":
		if err := e.emit(Event{Type: EvBuzzPressed, Team: cmd.Team, Device: cmd.Device, Token: cmd.Token, Adjusted: e.now - e.compensation(cmd.Team, cmd.Device)}); err != nil {
			return err
		}
		// With "first arrival" and no compensation the window ends at the
		// first press itself: decide now rather than wait for a tick.
		return e.fireTimers()
	case q.Team != "":
		// After the decision: logged as a losing press.
		return e.emit(Event{Type: EvBuzzPressed, Team: cmd.Team, Device: cmd.Device, Token: cmd.Token, Adjusted: e.now - e.compensation(cmd.Team, cmd.Device), Late: true})
	}
	return refuse("buzz_not_open")
}

// compensation is the delay to subtract from a press: the device's latest
// server-measured delay, capped. Unknown devices, or a device registered to
// another team, get none.
func (e *Engine) compensation(team, device string) time.Duration {
	if !e.cfg.DelayCompensation || device == "" {
		return 0
	}
	i, ok := e.deviceIndex(device)
	if !ok || e.st.Devices[i].Team != team {
		return 0
	}
	return min(e.st.Devices[i].Delay, e.cfg.DelayCap)
}

// arbitrate decides the round when its window has closed: the earliest
// adjusted press wins; presses less than the tie window after it are tied and
// settled by the tie rule. Equal adjusted times fall back to arrival order.
func (e *Engine) arbitrate() error {
	q := e.st.Question
	var cands []Press
	for _, p := range q.Presses {
		if p.Attempt == q.Attempt && !p.Foul && !p.Late {
			cands = append(cands, p)
		}
	}
	if len(cands) == 0 {
		return nil // cannot happen: the buzzed phase starts with a press
	}
	slices.SortStableFunc(cands, func(a, b Press) int {
		return cmp.Or(cmp.Compare(a.Adjusted, b.Adjusted), cmp.Compare(a.Seq, b.Seq))
	})
	var tied []string
	for _, p := range cands {
		if p.Adjusted-cands[0].Adjusted < e.cfg.TieWindow {
			tied = append(tied, p.Team)
		}
	}
	rule := e.cfg.TieRule
	if len(tied) == 1 {
		rule = TieFirst
	}
	switch rule {
	case TieDraw:
		// The stream is keyed by the event's position, so two draws in one
		// match never repeat each other, and the seed is logged with the outcome.
		seq := uint64(e.st.Seq + 1)
		r := rand.New(rand.NewPCG(e.seed, seq))
		order := slices.Clone(tied)
		r.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		if err := e.emit(Event{Type: EvBuzzDraw, Order: order, Seed: e.seed, Index: int(seq)}); err != nil {
			return err
		}
		tied = order
	case TieReopen:
		return e.emit(Event{Type: EvBuzzReopened, Order: tied, Token: e.newToken(q.Ref.ID)})
	}
	if err := e.emit(Event{Type: EvBuzzWon, Team: tied[0], Order: tied, Reason: string(rule)}); err != nil {
		return err
	}
	return e.emit(Event{Type: EvAnswerStarted, Team: tied[0], Deadline: e.now + e.cfg.answerTime(q.Segment)})
}
