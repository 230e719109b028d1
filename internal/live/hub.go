package live

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"time"

	"xuejiangping/internal/contest"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
)

// Limits of the hub.
const (
	reqQueue    = 8192 // commands waiting for the contest goroutine
	batchMax    = 512  // commands handled per database transaction
	subBuffer   = 256  // frames the host, a judge or a buzzer may lag behind before it is dropped
	hallBuffer  = 4    // a hall screen's queue (its pacer keeps it at one frame)
	resumeMax   = 500  // events replayed to a reconnecting screen; older ones are folded into its state
	quizPushGap = 500 * time.Millisecond
)

// ErrBusy is returned when a contest's command queue is full.
var ErrBusy = errs.E(errs.TooMany, "contest_busy", msg.T("live.contest_busy"))

// Reply answers one command: the events it produced, or why it was refused.
type Reply struct {
	Events []contest.Event
	Err    error
}

type request struct {
	cmd   contest.Command
	reply func(Reply)
}

type subRequest struct {
	sub   *Sub
	since int64
	done  chan []byte // the hello frame, once registered
}

// Hub owns one live contest: a single goroutine takes its commands in
// arrival order (which is what "first arrival at the server" means), writes
// the resulting events to the database, and only then sends them out.
type Hub struct {
	id    int64
	kind  string
	store *Store
	log   *slog.Logger
	owner string
	cl    *cluster    // nil for a single instance (broker_cluster.go)
	ctl   chan func() // cluster work run on the hub goroutine

	eng  *contest.Engine
	quiz *contest.Quiz
	info []byte // the static part of hello: teams, segments, judges

	cfgJSON []byte // non-nil until the config is frozen with the first event
	status  contest.Status

	epoch  time.Time
	nowFn  func() time.Time
	mu     sync.Mutex // guards last (read by Now from other goroutines)
	last   time.Duration
	events []contest.Event // in memory for resuming screens (quiz: open/close only)

	reqs    chan request
	subReqs chan subRequest
	unsubs  chan *Sub
	subs    map[*Sub]struct{} // every screen
	active  map[*Sub]struct{} // host, judges, buzzers: written to directly
	screens *hall             // big screens and audience views
	phones  *hall             // a quiz's members' phones
	stopped chan struct{}
	cancel  context.CancelFunc

	quizDirty bool
	helloSeq  int64
	hello     map[contest.Role][]byte

	// Measured by tests and the load generator.
	Stats HubStats
}

// HubStats counts what a hub has done.
type HubStats struct {
	mu        sync.Mutex
	Commands  int64
	Batches   int64
	Dropped   int64 // screens dropped for lagging
	MaxCommit time.Duration
}

func (s *HubStats) add(cmds int, commit time.Duration) {
	commandsTotal.Add(float64(cmds))
	s.mu.Lock()
	s.Commands += int64(cmds)
	s.Batches++
	s.MaxCommit = max(s.MaxCommit, commit)
	s.mu.Unlock()
}

// Snapshot copies the counters.
func (s *HubStats) Snapshot() (cmds, batches, dropped int64, maxCommit time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.Commands, s.Batches, s.Dropped, s.MaxCommit
}

// Kind is "match" or "quiz".
func (h *Hub) Kind() string { return h.kind }

// Now is the contest's server time: the wall-clock time since the contest's
// epoch, never less than the last event (so a clock step back cannot make
// the engine refuse commands). It is what deadlines are expressed in, and
// what screens synchronise to.
func (h *Hub) Now() time.Duration {
	now := h.nowFn().Sub(h.epoch)
	h.mu.Lock()
	defer h.mu.Unlock()
	return max(now, h.last)
}

// openHub restores a contest from its log and starts its goroutine.
// With several instances, cl says whether this one holds the lease.
func openHub(ctx context.Context, store *Store, id int64, nowFn func() time.Time, cl *cluster, log *slog.Logger) (*Hub, error) {
	var owner string
	if cl != nil {
		owner = cl.self
	}
	c, err := store.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	evs, err := store.Events(ctx, id)
	if err != nil {
		return nil, err
	}
	h := &Hub{id: id, kind: c.Kind, store: store, log: log, owner: owner, epoch: c.Epoch, nowFn: nowFn,
		reqs: make(chan request, reqQueue), subReqs: make(chan subRequest, 64), unsubs: make(chan *Sub, 256),
		subs: map[*Sub]struct{}{}, active: map[*Sub]struct{}{}, stopped: make(chan struct{}), hello: map[contest.Role][]byte{}, ctl: make(chan func(), 1024)}
	if err := h.restore(ctx, c, evs); err != nil {
		return nil, err
	}
	if len(evs) > 0 {
		h.last = evs[len(evs)-1].At
	}
	hctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	h.screens, h.phones = newHall(&h.Stats), newHall(&h.Stats)
	if cl != nil {
		var last int64
		if len(evs) > 0 {
			last = evs[len(evs)-1].Seq
		}
		if err := h.attach(cl, last); err != nil {
			cancel()
			return nil, err
		}
	}
	go h.run(hctx)
	return h, nil
}

func (h *Hub) restore(ctx context.Context, c Contest, evs []contest.Event) error {
	var cfgAny any
	if c.Kind == "quiz" {
		cfg, err := h.store.QuizConfig(ctx, c)
		if err != nil {
			return err
		}
		if h.quiz, err = contest.ReplayQuiz(cfg, evs); err != nil {
			return asErr(err)
		}
		cfgAny = cfg
		for _, ev := range evs {
			if ev.Type != contest.EvQuizAnswered {
				h.events = append(h.events, ev)
			}
		}
		h.info, _ = json.Marshal(map[string]any{"title": c.Title, "questions": len(cfg.Questions)})
	} else {
		cfg, err := c.MatchConfig()
		if err != nil {
			return err
		}
		if h.eng, err = contest.Restore(cfg, c.Seed, evs); err != nil {
			return asErr(err)
		}
		cfgAny = cfg
		h.events = evs
		h.status = h.eng.State().Status
		h.info = matchInfo(c, h.eng.Config())
	}
	if c.Config == "" {
		b, err := json.Marshal(cfgAny)
		if err != nil {
			return errs.Wrap(err, "config")
		}
		h.cfgJSON = b
	}
	return nil
}

// matchInfo is what every screen needs besides the state: the title, the
// segments (titles, risk values) and the judges' names.
func matchInfo(c Contest, cfg contest.Config) []byte {
	type seg struct {
		Kind       contest.SegmentKind `json:"kind"`
		Title      string              `json:"title"`
		RiskValues []int               `json:"risk_values,omitempty"`
		Questions  int                 `json:"questions"`
		Points     int                 `json:"points"`
	}
	type judge struct {
		ID    string `json:"id"`
		Name  string `json:"name"`
		Chief bool   `json:"chief,omitempty"`
	}
	info := struct {
		Title    string  `json:"title"`
		Stage    string  `json:"stage"`
		Segments []seg   `json:"segments"`
		Judges   []judge `json:"judges"`
	}{Title: c.Title, Stage: c.StageLabel()}
	for _, s := range cfg.Segments {
		info.Segments = append(info.Segments, seg{s.Kind, s.Title, s.RiskValues, len(s.Questions), s.Points})
	}
	for _, j := range cfg.Judges {
		info.Judges = append(info.Judges, judge{j.ID, j.Name, j.Chief})
	}
	b, _ := json.Marshal(info)
	return b
}

// asErr turns an engine refusal into the platform's error.
func asErr(err error) error {
	var ce *contest.Error
	if errors.As(err, &ce) {
		return errs.E(errs.Unprocessable, ce.Code, RefusalText(ce))
	}
	return err
}

// RefusalText is the catalog's text for an engine refusal (contest.err.<key>,
// formatted with the refusal's arguments), or the engine's own Chinese when
// the catalog has no entry for it. The engine imports nothing of ours, so
// this is where its text joins the catalog.
func RefusalText(ce *contest.Error) string {
	if k := "contest.err." + ce.Key; ce.Key != "" && msg.Has(k) {
		return msg.T(k, ce.Args...)
	}
	return ce.Message
}

// Submit queues a command; reply is called from the hub goroutine once the
// events are in the database (or the command was refused). It never blocks:
// a full queue is refused at once.
func (h *Hub) Submit(cmd contest.Command, reply func(Reply)) {
	select {
	case h.reqs <- request{cmd: cmd, reply: reply}:
	case <-h.stopped:
		reply(Reply{Err: errs.E(errs.Unprocessable, "contest_closed", msg.T("live.contest_closed"))})
	default:
		reply(Reply{Err: ErrBusy})
	}
}

// Do submits a command and waits for its reply.
func (h *Hub) Do(ctx context.Context, cmd contest.Command) ([]contest.Event, error) {
	ch := make(chan Reply, 1)
	h.Submit(cmd, func(r Reply) { ch <- r })
	select {
	case r := <-ch:
		return r.Events, r.Err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Subscribe registers a screen and returns its first frame: the state now
// and the events after since, so a reconnecting screen misses nothing.
func (h *Hub) Subscribe(sub *Sub, since int64) ([]byte, error) {
	r := subRequest{sub: sub, since: since, done: make(chan []byte, 1)}
	select {
	case h.subReqs <- r:
	case <-h.stopped:
		return nil, errs.E(errs.Unprocessable, "contest_closed", msg.T("live.contest_closed"))
	}
	select {
	case b := <-r.done:
		return b, nil
	case <-h.stopped:
		return nil, errs.E(errs.Unprocessable, "contest_closed", msg.T("live.contest_closed"))
	}
}

// Unsubscribe removes a screen.
func (h *Hub) Unsubscribe(sub *Sub) {
	select {
	case h.unsubs <- sub:
	case <-h.stopped:
	}
}

// Stop ends the hub's goroutine and drops its screens (they reconnect).
func (h *Hub) Stop() {
	h.cancel()
	<-h.stopped
}

// Done is closed when the hub has stopped.
func (h *Hub) Done() <-chan struct{} { return h.stopped }

func (h *Hub) run(ctx context.Context) {
	defer func() {
		h.screens.close()
		h.phones.close()
		for s := range h.subs {
			s.drop("contest_closed")
		}
		close(h.stopped)
	}()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	var push <-chan time.Time
	if h.kind == "quiz" {
		t := time.NewTicker(quizPushGap)
		defer t.Stop()
		push = t.C
	}
	batch := make([]request, 0, batchMax)
	for {
		h.armTimer(timer)
		select {
		case <-ctx.Done():
			return
		case r := <-h.reqs:
			batch = append(batch[:0], r)
		drain:
			for len(batch) < batchMax {
				select {
				case r := <-h.reqs:
					batch = append(batch, r)
				default:
					break drain
				}
			}
			if !h.process(ctx, batch) {
				return
			}
		case <-timer.C:
			if !h.process(ctx, []request{{cmd: contest.Command{Type: contest.CmdTick}, reply: func(Reply) {}}}) {
				return
			}
		case r := <-h.subReqs:
			h.register(r.sub)
			r.done <- h.helloFrame(r.sub, r.since)
		case s := <-h.unsubs:
			delete(h.subs, s)
			delete(h.active, s)
			if s.hall != nil {
				s.hall.remove(s)
			}
		case f := <-h.ctl:
			f()
		case <-push:
			if h.quizDirty {
				h.quizDirty = false
				h.publishCounts()
			}
		}
	}
}

func (h *Hub) armTimer(t *time.Timer) {
	var wake time.Duration
	var ok bool
	if h.eng != nil {
		wake, ok = h.eng.NextWake()
	} else {
		wake, ok = h.quiz.NextWake()
	}
	d := time.Hour
	if ok && !h.following() { // the owner alone runs the timers
		d = max(wake-h.Now(), 0)
	}
	t.Reset(d)
}

// process handles a batch: every command against the engine in arrival
// order, all resulting events in one transaction, then — only after the
// commit — the screens and the replies. It reports false if the hub must
// stop (the log could not be written, or another instance owns it).
func (h *Hub) process(ctx context.Context, batch []request) bool {
	if h.following() {
		h.forward(batch)
		return true
	}
	now := h.Now()
	replies := make([]Reply, len(batch))
	var all []contest.Event
	for i, r := range batch {
		var evs []contest.Event
		var err error
		if h.eng != nil {
			evs, err = h.eng.Handle(r.cmd, now)
		} else {
			evs, err = h.quiz.Handle(r.cmd, now)
		}
		replies[i] = Reply{Events: evs, Err: asErr(err)}
		all = append(all, evs...)
	}
	if len(all) > 0 {
		start := time.Now()
		if err := h.persist(ctx, all); err != nil {
			// The engine is ahead of the log: nothing of this batch was
			// shown, so stop; the next screen to connect reopens the hub
			// from the log, which is the truth.
			h.log.Error("contest log write failed", "contest", h.id, "err", err)
			for i, r := range batch {
				_ = i
				r.reply(Reply{Err: errs.E(errs.Unprocessable, "contest_log", msg.T("live.contest_log"))})
			}
			return false
		}
		h.Stats.add(len(batch), time.Since(start))
		h.mu.Lock()
		h.last = all[len(all)-1].At
		h.mu.Unlock()
		h.broadcast(all)
		if h.cl != nil {
			h.published(all)
		}
	}
	for i, r := range batch {
		r.reply(replies[i])
	}
	return true
}

func (h *Hub) persist(ctx context.Context, evs []contest.Event) error {
	var status string
	if h.eng != nil {
		status = string(h.eng.State().Status)
	} else {
		status = string(h.quiz.Status())
	}
	if err := h.store.appendEvents(ctx, h.id, h.cfgJSON, status, evs, h.owner); err != nil {
		return err
	}
	h.cfgJSON = nil
	return nil
}

// Frames sent to screens.
type frame struct {
	Type  string          `json:"type"`
	Seq   int64           `json:"seq"`
	Now   int64           `json:"now"` // server time, ns
	Event *contest.Event  `json:"ev,omitempty"`
	State json.RawMessage `json:"state,omitempty"`
}

// broadcast sends each event with the state after it, encoded once per
// view: host and judges see the answer, teams and the hall do not.
func (h *Hub) broadcast(evs []contest.Event) {
	if h.quiz != nil {
		for _, ev := range evs {
			if ev.Type == contest.EvQuizAnswered {
				h.quizDirty = true
				continue
			}
			h.events = append(h.events, ev)
			h.publishQuiz()
		}
		return
	}
	h.events = append(h.events, evs...)
	st := h.eng.State()
	full, _ := json.Marshal(st.View(contest.RoleHost))
	pub, _ := json.Marshal(st.View(contest.RoleAudience))
	for i := range evs {
		ev := evs[i]
		// Intermediate events carry no state: the last one of the batch
		// carries the state after all of them.
		var fs, ps json.RawMessage
		if i == len(evs)-1 {
			fs, ps = full, pub
		}
		now := int64(h.Now())
		pev := ev
		if ev.Type == contest.EvQuestionShown {
			pev.Question = ev.Question
		}
		fb, _ := json.Marshal(frame{Type: "event", Seq: ev.Seq, Now: now, Event: &ev, State: fs})
		pb, _ := json.Marshal(frame{Type: "event", Seq: ev.Seq, Now: now, Event: &pev, State: ps})
		h.toActive(nil, func(r contest.Role) []byte {
			if r == contest.RoleHost || r == contest.RoleJudge {
				return fb
			}
			return pb
		})
		var bare []byte // the hall's frame without the state, for a multi frame
		if ps != nil {
			bare, _ = json.Marshal(frame{Type: "event", Seq: ev.Seq, Now: now, Event: &pev})
		}
		h.screens.publish(ev.Seq, pb, bare)
	}
}

type quizFrame struct {
	Type string               `json:"type"`
	Seq  int64                `json:"seq"`
	Now  int64                `json:"now"`
	Snap contest.QuizSnapshot `json:"snap"`
}

func (h *Hub) publishQuiz() {
	snap := h.quiz.Snapshot()
	b, _ := json.Marshal(quizFrame{Type: "quiz", Seq: snap.Seq, Now: int64(h.Now()), Snap: snap})
	h.toActive(nil, func(contest.Role) []byte { return b })
	h.screens.publish(snap.Seq, b, nil)
	h.phones.publish(snap.Seq, b, nil)
}

// publishCounts sends the running answer counts to the host and the big
// screens only. Members' phones do not show them and get the snapshot when
// a question opens or closes; pushing counts twice a second to 10,000
// phones would cost the server ~20,000 writes a second for nothing.
func (h *Hub) publishCounts() {
	snap := h.quiz.Snapshot()
	b, _ := json.Marshal(quizFrame{Type: "quiz", Seq: snap.Seq, Now: int64(h.Now()), Snap: snap})
	h.toActive(func(s *Sub) bool { return s.Member == "" }, func(contest.Role) []byte { return b })
	h.screens.publish(snap.Seq, b, nil)
}

// register adds a screen: the host, judges and buzzers are written to
// directly, the rest through their hall (hall.go).
func (h *Hub) register(s *Sub) {
	h.subs[s] = struct{}{}
	switch {
	case s.Role != contest.RoleAudience:
		h.active[s] = struct{}{}
	case s.Member != "":
		h.phones.add(s)
	default:
		h.screens.add(s)
	}
}

// toActive hands a frame to the host, the judges and the buzzers (those
// for which want is true; nil: all) without waiting. They are few, and
// written before the hall: a buzzer sees 抢到 while the big screens are
// still being written. A screen whose buffer is full is dropped and
// reconnects from its last seq, so one slow phone never holds up the rest.
func (h *Hub) toActive(want func(*Sub) bool, frameFor func(contest.Role) []byte) {
	for s := range h.active {
		if want != nil && !want(s) {
			continue
		}
		select {
		case s.send <- frameFor(s.Role):
		default:
			delete(h.subs, s)
			delete(h.active, s)
			s.drop("slow")
			droppedTotal.Inc()
			h.Stats.mu.Lock()
			h.Stats.Dropped++
			h.Stats.mu.Unlock()
		}
	}
}

type helloMsg struct {
	Type   string          `json:"type"`
	Seq    int64           `json:"seq"`
	Now    int64           `json:"now"`
	Role   contest.Role    `json:"role"`
	Team   string          `json:"team,omitempty"`
	Judge  string          `json:"judge,omitempty"`
	Info   json.RawMessage `json:"info"`
	State  json.RawMessage `json:"state,omitempty"`
	Snap   any             `json:"snap,omitempty"`
	Mine   any             `json:"mine,omitempty"` // quiz: the member's own answer and score
	Events []contest.Event `json:"events,omitempty"`
}

// helloFrame is a screen's first frame: its identity, the static info, the
// state and the events it missed.
func (h *Hub) helloFrame(s *Sub, since int64) []byte {
	m := helloMsg{Type: "hello", Now: int64(h.Now()), Role: s.Role, Team: s.Team, Judge: s.Judge, Info: h.info}
	if h.quiz != nil {
		snap := h.quiz.Snapshot()
		m.Seq, m.Snap = snap.Seq, snap
		if mine, ok := h.quiz.Mine(s.Member); ok {
			m.Mine = mine
		}
	} else {
		st := h.eng.State()
		m.Seq = st.Seq
		view := contest.RoleAudience
		if s.Role == contest.RoleHost || s.Role == contest.RoleJudge {
			view = contest.RoleHost
		}
		m.State, _ = json.Marshal(st.View(view))
	}
	if since >= 0 && since < m.Seq {
		m.Events = h.eventsSince(since)
	}
	b, _ := json.Marshal(m)
	return b
}

func (h *Hub) eventsSince(since int64) []contest.Event {
	i := len(h.events)
	for i > 0 && h.events[i-1].Seq > since {
		i--
	}
	out := h.events[i:]
	if len(out) > resumeMax {
		out = out[len(out)-resumeMax:]
	}
	if h.eng != nil {
		// Host and judges may see answers in events; the others get the
		// same events with nothing hidden because events never carry the
		// answer text (it lives in the config).
		_ = out
	}
	return out
}

// State returns the match's state (for pages and tests); ok is false for a quiz.
func (h *Hub) State(ctx context.Context) (contest.State, bool) {
	ch := make(chan contest.State, 1)
	ok := h.eng != nil
	if !ok {
		return contest.State{}, false
	}
	// Read through the goroutine so the engine is never touched concurrently.
	h.Submit(contest.Command{Type: contest.CmdTick}, func(Reply) { ch <- h.eng.State() })
	select {
	case st := <-ch:
		return st, true
	case <-ctx.Done():
		return contest.State{}, false
	}
}

// QuizSnapshot returns a quiz's snapshot (what the host and the big screen
// are shown); ok is false for a match.
func (h *Hub) QuizSnapshot(ctx context.Context) (contest.QuizSnapshot, bool) {
	if h.quiz == nil {
		return contest.QuizSnapshot{}, false
	}
	ch := make(chan contest.QuizSnapshot, 1)
	h.Submit(contest.Command{Type: contest.CmdTick}, func(Reply) { ch <- h.quiz.Snapshot() })
	select {
	case s := <-ch:
		return s, true
	case <-ctx.Done():
		return contest.QuizSnapshot{}, false
	}
}
