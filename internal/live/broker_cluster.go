package live

import (
	"bytes"
	"context"
	"encoding/json"
	"sync/atomic"
	"time"

	"xuejiangping/internal/contest"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
)

// How several instances share one contest
//
// Every instance that has screens of a contest runs a hub for it. One of
// them holds the contest's lease (lease.go) and is its owner: it alone runs
// the engine on commands, appends events to the log and publishes each
// committed batch on the broker. The others are followers: they fold the
// published events into their own copy of the engine (so a screen that
// connects to them gets its state and missed events locally), deliver them
// to their screens, and forward their screens' commands to the owner. A
// follower that sees a gap in sequence numbers, or simply at every lease
// renewal, reads the missing events from the log, so a lost broker message
// delays a screen by a second at most and never loses an event.
//
// When the owner dies its lease expires; the next follower to renew takes it
// over, reads the log from where its copy stands (the lease row lock orders
// this read after the last append of the old owner), starts serving the
// forwarded commands and runs the timers. Its screens never notice anything
// but a pause; screens of the dead instance reconnect to a survivor and
// resume from their last sequence number.

// forwardTimeout bounds a forwarded command: longer than a database commit
// under load, shorter than a person's patience.
const forwardTimeout = 5 * time.Second

// errMoving is what a screen hears when its command reached no owner: the
// owner died and the lease has not been taken over yet.
var errMoving = errs.E(errs.Unprocessable, "contest_moving", msg.T("live.contest_moving"))

// cluster is a hub's part in a deployment of several instances. Its fields
// belong to the hub goroutine, except owner, which mirrors owning for the
// broker's goroutines.
type cluster struct {
	broker  Broker
	self    string // this instance's lease owner name
	owning  bool
	owner   atomic.Bool
	seq     int64 // the last event folded into this hub's engine
	unsub   func()
	unserve func()
}

// reloadMsg follows the sender's name when the setup of a contest changed
// on one instance: every instance drops its hub, whose next use rebuilds it
// from the setup. Otherwise the owner could freeze an outdated config with
// the first event. (An event batch is a JSON array, never this.)
var reloadMsg = []byte("\nreload")

// publishReload tells the other instances that the contest's setup changed.
func publishReload(b Broker, self string, id int64) error {
	return b.Publish(id, append([]byte(self), reloadMsg...))
}

// fwdRequest is a forwarded command. The forwarding instance has already
// authorised it against the screen's identity; instances trust each other.
type fwdRequest struct {
	Cmd contest.Command `json:"cmd"`
}

type fwdReply struct {
	Events []contest.Event `json:"events,omitempty"`
	Kind   errs.Kind       `json:"kind,omitempty"`
	Code   string          `json:"code,omitempty"`
	Msg    string          `json:"msg,omitempty"`
}

// attach joins the hub to the broker before its goroutine starts: events
// from other instances queue on h.ctl; if this instance owns the lease it
// serves forwarded commands at once. lastSeq is where the restored engine
// stands.
func (h *Hub) attach(c *cluster, lastSeq int64) error {
	h.cl, c.seq = c, lastSeq
	prefix := []byte(c.self + "\n")
	unsub, err := c.broker.Subscribe(h.id, func(msg []byte) {
		switch {
		case bytes.HasPrefix(msg, prefix):
			return // our own batch, already applied
		case bytes.HasSuffix(msg, reloadMsg):
			h.cancel() // the setup changed on another instance
			return
		}
		h.enqueue(func() { h.applyRemote(msg) })
	})
	if err != nil {
		return errs.Wrap(err, "broker subscribe")
	}
	c.unsub = unsub
	if c.owning {
		if c.unserve, err = c.broker.Serve(h.id, h.serveForwarded); err != nil {
			unsub()
			return errs.Wrap(err, "broker serve")
		}
		c.owner.Store(true)
	}
	// Events committed between the restore and the subscription came before
	// we listened: read them from the log first thing.
	h.enqueue(func() { h.catchUp() })
	go func() {
		<-h.stopped
		c.detach()
	}()
	return nil
}

// detach leaves the broker; it runs once the hub goroutine has ended.
func (c *cluster) detach() {
	c.owner.Store(false)
	if c.unserve != nil {
		c.unserve()
	}
	c.unsub()
}

// enqueue runs f on the hub goroutine. It never blocks a broker's delivery
// goroutine: when the hub is that far behind, f is dropped and the next
// catch-up from the log repairs what it would have done.
func (h *Hub) enqueue(f func()) {
	select {
	case h.ctl <- f:
	default:
	}
}

// Owning reports whether this instance owns the contest's commands (always
// true for a single instance).
func (h *Hub) Owning() bool { return h.cl == nil || h.cl.owner.Load() }

// following reports whether the hub forwards its commands instead of
// handling them (hub goroutine only).
func (h *Hub) following() bool { return h.cl != nil && !h.cl.owning }

// published is called by the owner after a batch is committed and shown on
// its own screens: the other instances get it now.
func (h *Hub) published(evs []contest.Event) {
	c := h.cl
	c.seq = evs[len(evs)-1].Seq
	body, err := json.Marshal(evs)
	if err != nil {
		h.log.Error("encode events for broker", "contest", h.id, "err", err)
		return
	}
	msg := append([]byte(c.self+"\n"), body...)
	if err := c.broker.Publish(h.id, msg); err != nil {
		// The followers find the batch in the log at their next renewal.
		h.log.Warn("broker publish failed", "contest", h.id, "err", err)
	}
}

// applyRemote folds a batch published by the owner.
func (h *Hub) applyRemote(msg []byte) {
	_, body, ok := bytes.Cut(msg, []byte("\n"))
	var evs []contest.Event
	if !ok || json.Unmarshal(body, &evs) != nil {
		h.log.Warn("bad broker message", "contest", h.id)
		return
	}
	i := 0
	for i < len(evs) && evs[i].Seq <= h.cl.seq {
		i++ // already applied (read from the log before the message came)
	}
	evs = evs[i:]
	if len(evs) == 0 {
		return
	}
	if evs[0].Seq != h.cl.seq+1 {
		// A message went missing; the owner committed it before publishing,
		// so the log has it.
		h.catchUp()
		return
	}
	h.applyEvents(evs)
}

// catchUp reads the events after this hub's copy from the log and applies
// them. It reports false if the hub had to stop.
func (h *Hub) catchUp() bool {
	ctx, cancel := context.WithTimeout(context.Background(), forwardTimeout)
	defer cancel()
	evs, err := h.store.eventsAfter(ctx, h.id, h.cl.seq)
	if err != nil {
		h.log.Warn("contest catch-up failed", "contest", h.id, "err", err)
		return !h.cl.owning // an owner must not go on with a stale copy
	}
	return len(evs) == 0 || h.applyEvents(evs)
}

// applyEvents folds events that another instance committed into this hub's
// engine, then shows them on this instance's screens exactly as the owner
// does. An event that does not fit means the copy went wrong: the hub stops,
// its screens reconnect and the hub is rebuilt from the log.
func (h *Hub) applyEvents(evs []contest.Event) bool {
	for _, ev := range evs {
		var err error
		if h.eng != nil {
			err = h.eng.Apply(ev)
		} else {
			err = h.quiz.Apply(ev)
		}
		if err != nil {
			h.log.Error("contest copy diverged from the log; rebuilding", "contest", h.id, "seq", ev.Seq, "err", err)
			h.cancel()
			return false
		}
	}
	last := evs[len(evs)-1]
	h.cl.seq = last.Seq
	h.cfgJSON = nil // the writer of the first event froze the config
	h.mu.Lock()
	h.last = max(h.last, last.At)
	h.mu.Unlock()
	h.broadcast(evs)
	return true
}

// leaseResult acts on a lease renewal: take over, step down, or (still a
// follower) check the log for anything the broker did not bring.
func (h *Hub) leaseResult(held bool) {
	h.enqueue(func() {
		switch {
		case held && !h.cl.owning:
			h.takeOver()
		case !held && h.cl.owning:
			h.stepDown()
		case !held:
			h.catchUp()
		}
	})
}

// takeOver makes this hub the owner: bring the copy up to the log, then
// serve the forwarded commands. Until both are done it stays a follower and
// the next renewal tries again.
func (h *Hub) takeOver() {
	c := h.cl
	c.owning = true // catchUp must treat a failed read as fatal now
	if !h.catchUp() {
		c.owning = false
		return
	}
	unserve, err := c.broker.Serve(h.id, h.serveForwarded)
	if err != nil {
		h.log.Warn("broker serve failed", "contest", h.id, "err", err)
		c.owning = false
		return
	}
	c.unserve = unserve
	c.owner.Store(true)
	h.log.Info("took over contest", "contest", h.id, "owner", c.self, "seq", c.seq)
}

// stepDown gives up serving commands after another instance took the lease
// (this one was paused past the expiry). The engine matches the log up to
// our last append; the new owner's events arrive through the broker.
func (h *Hub) stepDown() {
	c := h.cl
	c.owning = false
	c.owner.Store(false)
	if c.unserve != nil {
		c.unserve()
		c.unserve = nil
	}
	h.log.Warn("lost contest lease", "contest", h.id, "owner", c.self)
}

// forward sends a follower's commands to the owner, each on its own
// goroutine so that one slow answer does not hold up the others. Arrival
// order at the owner is what decides a buzz, as for the owner's own
// screens; presses that close together fall in the tie window anyway.
// Ticks are answered here: the owner runs the timers, and a tick read by
// State must see this hub's engine on this goroutine.
func (h *Hub) forward(batch []request) {
	for _, r := range batch {
		if r.cmd.Type == contest.CmdTick {
			r.reply(Reply{})
			continue
		}
		go h.cl.forwardOne(h.id, r)
	}
}

func (c *cluster) forwardOne(id int64, r request) {
	ctx, cancel := context.WithTimeout(context.Background(), forwardTimeout)
	defer cancel()
	body, err := json.Marshal(fwdRequest{Cmd: r.cmd})
	if err != nil {
		r.reply(Reply{Err: errs.Wrap(err, "encode command")})
		return
	}
	resp, err := c.broker.Request(ctx, id, body)
	if err != nil {
		r.reply(Reply{Err: errMoving})
		return
	}
	var fr fwdReply
	if err := json.Unmarshal(resp, &fr); err != nil {
		r.reply(Reply{Err: errMoving})
		return
	}
	out := Reply{Events: fr.Events}
	if fr.Code != "" {
		out.Err = errs.E(fr.Kind, fr.Code, fr.Msg)
	}
	r.reply(out)
}

// serveForwarded takes a command forwarded by another instance (on the
// broker's goroutine) and queues it like a local one.
func (h *Hub) serveForwarded(req []byte, respond func([]byte)) {
	answer := func(r Reply) {
		fr := fwdReply{Events: r.Events}
		if r.Err != nil {
			e := errs.As(r.Err)
			fr.Kind, fr.Code, fr.Msg = e.Kind, e.Code, e.Message
		}
		b, _ := json.Marshal(fr)
		respond(b)
	}
	if !h.cl.owner.Load() {
		// Lost the lease a moment ago: forwarding again could loop back here.
		answer(Reply{Err: errMoving})
		return
	}
	var f fwdRequest
	if err := json.Unmarshal(req, &f); err != nil {
		answer(Reply{Err: errs.E(errs.Invalid, "bad_command", msg.T("live.bad_command"))})
		return
	}
	h.Submit(f.Cmd, answer)
}

// eventsAfter loads the log after seq, in order.
func (s *Store) eventsAfter(ctx context.Context, id, seq int64) ([]contest.Event, error) {
	rows, err := s.db.Query(ctx, `SELECT body FROM contest_events WHERE contest_id = ? AND seq > ? ORDER BY seq`, id, seq)
	if err != nil {
		return nil, errs.Wrap(err, "events after")
	}
	defer rows.Close()
	var out []contest.Event
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			return nil, errs.Wrap(err, "event")
		}
		ev, err := contest.DecodeEvent([]byte(body))
		if err != nil {
			return nil, errs.Wrap(err, "decode event")
		}
		out = append(out, ev)
	}
	return out, errs.Wrap(rows.Err(), "events after")
}
