package contest

import (
	"slices"
	"strconv"
	"time"
)

// Engine runs one match. It is not safe for concurrent use: the transport
// serialises commands per contest (one owner, one goroutine), which is also
// what makes "first arrival at the server" well defined.
type Engine struct {
	cfg    Config
	teams  map[string]int // team id → index in cfg.Teams and State.Teams
	judges map[string]int
	seed   uint64
	st     State
	out    []Event // events produced by the command being handled
	now    time.Duration
}

// New returns an engine for a match in setup. seed feeds the random draws
// for tied buzzes; their outcomes are logged, so replay does not need it.
func New(cfg Config, seed uint64) (*Engine, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	e := &Engine{cfg: cfg, seed: seed, teams: map[string]int{}, judges: map[string]int{}}
	for i, t := range cfg.Teams {
		e.teams[t.ID] = i
	}
	for i, j := range cfg.Judges {
		e.judges[j.ID] = i
	}
	e.st = State{Contest: cfg.ID, Status: StatusSetup, Teams: make([]TeamScore, len(cfg.Teams))}
	for i, t := range cfg.Teams {
		e.st.Teams[i] = TeamScore{ID: t.ID, Name: t.Name, Unit: t.Unit}
	}
	return e, nil
}

// Restore rebuilds an engine from its log, to carry on after a restart: the
// question, the buzz winner and the deadline are all in the state.
func Restore(cfg Config, seed uint64, events []Event) (*Engine, error) {
	e, err := New(cfg, seed)
	if err != nil {
		return nil, err
	}
	for _, ev := range events {
		if err := e.Apply(ev); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// Replay folds a log into a state. It fails on the first event that does not
// fit (a gap in Seq, time going back, an event the state cannot take).
func Replay(cfg Config, events []Event) (State, error) {
	e, err := Restore(cfg, 0, events)
	if err != nil {
		return State{}, err
	}
	return e.State(), nil
}

// Config returns the match's config with defaults filled in.
func (e *Engine) Config() Config { return e.cfg }

// State returns a copy of the state.
func (e *Engine) State() State { return e.st.clone() }

// NextWake is the server time at which a timer falls due, if any; the caller
// sends a CmdTick then.
func (e *Engine) NextWake() (time.Duration, bool) {
	q := e.st.Question
	if e.st.Status != StatusRunning || q == nil {
		return 0, false
	}
	switch {
	case q.Phase == PhaseBuzzed && q.Team == "":
		return q.WindowEnd, true
	case q.Phase == PhaseAnswering:
		return q.Deadline, true
	}
	return 0, false
}

// Handle validates cmd at server time now. It returns the events produced,
// already applied, or an *Error and an unchanged state.
func (e *Engine) Handle(cmd Command, now time.Duration) (evs []Event, err error) {
	if now < e.st.Now {
		return nil, refuse("clock_backwards")
	}
	// Take a copy to roll back to: the handlers emit events as they go (later
	// checks see the effect of earlier events), so a refusal after a timer has
	// fired must undo it.
	saved := e.st.snapshot()
	e.out, e.now = nil, now
	defer func() {
		if err != nil {
			e.st, evs = saved, nil
		}
		e.out = nil
	}()
	if err := e.fireTimers(); err != nil {
		return nil, err
	}
	if err := e.dispatch(cmd); err != nil {
		return nil, err
	}
	return e.out, nil
}

func (e *Engine) dispatch(cmd Command) error {
	switch cmd.Type {
	case CmdTick:
		return nil // timers already fired
	case CmdMeasureDelay:
		return e.measureDelay(cmd)
	case CmdCheckDevices:
		return e.checkDevices()
	case CmdStart:
		return e.start()
	case CmdNextQuestion:
		return e.nextQuestion()
	case CmdStake:
		return e.stake(cmd)
	case CmdOpen:
		return e.open()
	case CmdBuzz:
		return e.buzz(cmd)
	case CmdEndAnswer:
		return e.endAnswer()
	case CmdVote:
		return e.vote(cmd)
	case CmdOverride:
		return e.override(cmd)
	case CmdAppeal:
		return e.appeal(cmd)
	case CmdCloseQuestion:
		return e.closeQuestion()
	case CmdFinish:
		return e.finish()
	}
	return refuse("unknown_command")
}

// emit stamps an event, applies it and keeps it for the caller.
func (e *Engine) emit(ev Event) error {
	ev.Seq = e.st.Seq + 1
	ev.At = e.now
	if err := e.Apply(ev); err != nil {
		// Handle only emits events it has validated; reaching this is a bug.
		return &Error{Code: "internal", Message: Message("internal") + "：" + err.Error()}
	}
	e.out = append(e.out, ev)
	return nil
}

// fireTimers emits what is due at e.now: buzz arbitration, then answer
// timeout (an arbitration starts an answer time that is never already due).
func (e *Engine) fireTimers() error {
	q := e.st.Question
	if e.st.Status != StatusRunning || q == nil {
		return nil
	}
	if q.Phase == PhaseBuzzed && q.Team == "" && e.now >= q.WindowEnd {
		if err := e.arbitrate(); err != nil {
			return err
		}
	}
	if q := e.st.Question; q.Phase == PhaseAnswering && e.now >= q.Deadline {
		return e.answerTimeout()
	}
	return nil
}

// notRunning is the refusal for a command that needs a running match.
func (e *Engine) notRunning() *Error {
	if e.st.Status == StatusFinished {
		return refuse("finished")
	}
	return refuse("not_running")
}

// requireQuestion checks that the match runs and has a current question.
func (e *Engine) requireQuestion() (*QuestionState, error) {
	if e.st.Status != StatusRunning {
		return nil, e.notRunning()
	}
	if e.st.Question == nil {
		return nil, refuse("no_question")
	}
	return e.st.Question, nil
}

func (e *Engine) measureDelay(cmd Command) error {
	if e.st.Status == StatusFinished {
		return refuse("finished")
	}
	if _, ok := e.teams[cmd.Team]; !ok {
		return refuse("unknown_team")
	}
	if cmd.Device == "" || cmd.Delay < 0 || cmd.Delay > MaxDelay {
		return refuse("delay_invalid")
	}
	if i, ok := e.deviceIndex(cmd.Device); ok && e.st.Devices[i].Team != cmd.Team {
		return refuse("device_team_mismatch")
	}
	return e.emit(Event{Type: EvDelayMeasured, Team: cmd.Team, Device: cmd.Device, Delay: cmd.Delay})
}

func (e *Engine) deviceIndex(id string) (int, bool) {
	return slices.BinarySearchFunc(e.st.Devices, id, func(d DeviceDelay, id string) int {
		switch {
		case d.Device < id:
			return -1
		case d.Device > id:
			return 1
		}
		return 0
	})
}

func (e *Engine) checkDevices() error {
	if e.st.Status != StatusSetup {
		return refuse("not_setup")
	}
	seen := make([]bool, len(e.cfg.Teams))
	var lo, hi time.Duration
	for i, d := range e.st.Devices {
		seen[e.teams[d.Team]] = true
		if i == 0 || d.Delay < lo {
			lo = d.Delay
		}
		if i == 0 || d.Delay > hi {
			hi = d.Delay
		}
	}
	if e.cfg.MaxDeviceSpread > 0 || e.cfg.DelayCompensation {
		if slices.Contains(seen, false) {
			return refuse("device_missing")
		}
	}
	if e.cfg.MaxDeviceSpread > 0 && hi-lo > e.cfg.MaxDeviceSpread {
		return refuse("device_spread")
	}
	return e.emit(Event{Type: EvDevicesChecked, Delay: hi - lo})
}

func (e *Engine) start() error {
	if e.st.Status != StatusSetup {
		return refuse("not_setup")
	}
	if e.cfg.MaxDeviceSpread > 0 && !e.st.DevicesChecked {
		return refuse("device_check_required")
	}
	return e.emit(Event{Type: EvMatchStarted})
}

// next returns the position after the current question, or ok=false.
func (e *Engine) next() (seg, idx int, ok bool) {
	q := e.st.Question
	if q == nil {
		return 0, 0, true // Validate guarantees every segment has questions
	}
	seg, idx = q.Segment, q.Index+1
	if idx >= len(e.cfg.Segments[seg].Questions) {
		seg, idx = seg+1, 0
	}
	return seg, idx, seg < len(e.cfg.Segments)
}

func (e *Engine) nextQuestion() error {
	if e.st.Status != StatusRunning {
		return e.notRunning()
	}
	if q := e.st.Question; q != nil && q.Phase != PhaseScored {
		return refuse("question_in_progress")
	}
	seg, idx, ok := e.next()
	if !ok {
		return refuse("no_more_questions")
	}
	s := e.cfg.Segments[seg]
	ref := s.Questions[idx]
	team := ""
	if s.Kind != Buzzer {
		team = ref.Team
		if team == "" {
			team = e.cfg.Teams[idx%len(e.cfg.Teams)].ID
		}
	}
	return e.emit(Event{Type: EvQuestionShown, Segment: seg, Index: idx, Question: ref.ID, Team: team, Token: e.newToken(ref.ID)})
}

// newToken names one buzz round of a question. It is derived from the log
// position, so replay reproduces it; it only has to differ between rounds.
func (e *Engine) newToken(qid string) string {
	return qid + "." + strconv.FormatInt(e.st.Seq+1, 10)
}

func (e *Engine) stake(cmd Command) error {
	q, err := e.requireQuestion()
	if err != nil {
		return err
	}
	if q.Phase != PhaseStake {
		return refuse("out_of_order")
	}
	if cmd.Team != q.Team {
		return refuse("not_your_question")
	}
	if !slices.Contains(e.cfg.Segments[q.Segment].RiskValues, cmd.Stake) {
		return refuse("stake_invalid")
	}
	return e.emit(Event{Type: EvStakeChosen, Team: cmd.Team, Value: cmd.Stake})
}

func (e *Engine) open() error {
	q, err := e.requireQuestion()
	if err != nil {
		return err
	}
	if q.Phase != PhaseReading {
		return refuse("out_of_order")
	}
	if q.Kind == Buzzer {
		return e.emit(Event{Type: EvBuzzersOpened, Token: q.Token})
	}
	return e.emit(Event{Type: EvAnswerStarted, Team: q.Team, Deadline: e.now + e.cfg.answerTime(q.Segment)})
}

func (e *Engine) closeQuestion() error {
	q, err := e.requireQuestion()
	if err != nil {
		return err
	}
	if q.Phase != PhaseOpen && q.Phase != PhaseReading && q.Phase != PhaseStake {
		return refuse("out_of_order")
	}
	return e.emit(Event{Type: EvQuestionClosed})
}

func (e *Engine) finish() error {
	if e.st.Status != StatusRunning {
		return e.notRunning()
	}
	if q := e.st.Question; q != nil && q.Phase != PhaseScored {
		return refuse("question_in_progress")
	}
	return e.emit(Event{Type: EvMatchFinished})
}

// score emits the points for the answering team's verdict and, in a buzzer
// question with reopening, gives the question back to the remaining teams.
func (e *Engine) score(v Verdict, mayReopen bool) error {
	q := e.st.Question
	s := e.cfg.Segments[q.Segment]
	delta := 0
	switch {
	case q.Kind == Risk && v == Correct:
		delta = q.Stake
	case q.Kind == Risk:
		delta = -q.Stake
	case v == Correct:
		delta = s.Points
	default:
		delta = -s.WrongPenalty
	}
	team := q.Team
	if err := e.emit(Event{Type: EvScored, Team: team, Verdict: v, Value: delta}); err != nil {
		return err
	}
	if !mayReopen || v != Wrong || q.Kind != Buzzer || !s.Reopen {
		return nil
	}
	for _, t := range e.cfg.Teams {
		if t.ID != team && !slices.Contains(q.LockedOut, t.ID) {
			return e.emit(Event{Type: EvQuestionReopened, Team: team, Token: e.newToken(q.Ref.ID)})
		}
	}
	return nil
}

// errEvent refuses a stored event: key's text names the event by its
// number and type, then says what does not fit (with a).
func errEvent(ev Event, key string, a ...any) error {
	return fail(key, append([]any{ev.Seq, ev.Type}, a...)...)
}
