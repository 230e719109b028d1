package live

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/coder/websocket"

	"xuejiangping/internal/contest"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
)

// Transport limits.
const (
	MaxMessage   = 4096             // a client message; bigger ones are refused with an error frame
	readLimit    = 1 << 20          // beyond this the library closes the connection (1009)
	writeTimeout = 10 * time.Second // a write stuck this long means the screen is gone
	idlePing     = 20 * time.Second // ping a quiet connection so proxies keep it and dead peers are found
	probeEvery   = 15 * time.Second // device delay measurement for buzzers
	directBuffer = 32
)

// Identity is who a connection speaks for, established by the web layer
// (login or join code) before the upgrade. Commands are checked against it;
// nothing in a client's message can change it.
type Identity struct {
	Role   contest.Role
	Team   string // team role: the team's key
	Device string // team role: the device id (team key + client id)
	Judge  string // judge role: the judge's key
	Member string // quiz: the member's key
}

// Inbound is one decoded client message.
type Inbound struct {
	Type string          // "cmd", "ping" or "probe"
	Ref  int64           // echoed in the reply, so the client can match it
	Cmd  contest.Command // for "cmd"
	C    float64         // for "ping": the client's clock, echoed
	N    int64           // for "probe": the probe number, echoed
}

type inboundWire struct {
	Type string          `json:"type"`
	Ref  int64           `json:"ref,omitempty"`
	Cmd  json.RawMessage `json:"cmd,omitempty"`
	C    float64         `json:"c,omitempty"`
	N    int64           `json:"n,omitempty"`
}

// DecodeMessage parses a client message strictly. It never panics; any
// problem is an *errs.Error safe to send back.
func DecodeMessage(b []byte) (Inbound, error) {
	if len(b) > MaxMessage {
		return Inbound{}, errs.E(errs.Invalid, "message_too_large", msg.T("live.message_too_large"))
	}
	if c, ok := decodePing(b); ok {
		return Inbound{Type: "ping", C: c}, nil
	}
	return decodeStrict(b)
}

var pingPrefix = []byte(`{"type":"ping","c":`)

// decodePing reads the pages' clock probe, {"type":"ping","c":<number>},
// byte for byte, without a JSON decoder: every screen sends one every two
// seconds, which in a hall of ten thousand is most of what the server
// reads. Anything else, or any other spelling, goes to the strict decoder,
// which gives the same result for what this accepts.
func decodePing(b []byte) (float64, bool) {
	if !bytes.HasPrefix(b, pingPrefix) || len(b) < len(pingPrefix)+2 || b[len(b)-1] != '}' {
		return 0, false
	}
	num := b[len(pingPrefix) : len(b)-1]
	if !jsonNumber(num) {
		return 0, false
	}
	c, err := strconv.ParseFloat(string(num), 64)
	return c, err == nil
}

// jsonNumber reports whether b is exactly a JSON number.
func jsonNumber(b []byte) bool {
	i := 0
	digits := func() int {
		n := 0
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	if i < len(b) && b[i] == '0' {
		i++
	} else if digits() == 0 {
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(b)
}

// decodeStrict is the general decoder: one JSON object, no unknown fields,
// nothing after it.
func decodeStrict(b []byte) (Inbound, error) {
	var w inboundWire
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return Inbound{}, errs.E(errs.Invalid, "bad_message", msg.T("live.bad_message"))
	}
	if _, err := dec.Token(); err != io.EOF {
		return Inbound{}, errs.E(errs.Invalid, "bad_message", msg.T("live.bad_message"))
	}
	in := Inbound{Type: w.Type, Ref: w.Ref, C: w.C, N: w.N}
	switch w.Type {
	case "cmd":
		c, err := contest.DecodeCommand(w.Cmd)
		if err != nil {
			return Inbound{}, asErr(err)
		}
		in.Cmd = c
	case "ping", "probe":
		if len(w.Cmd) != 0 {
			return Inbound{}, errs.E(errs.Invalid, "bad_message", msg.T("live.bad_message"))
		}
	default:
		return Inbound{}, errs.E(errs.Invalid, "bad_message", msg.T("live.bad_message.type"))
	}
	return in, nil
}

// Authorize checks a command against the connection's identity: the role
// must be the command's actor, and the team, judge or member it names must
// be the connection's own.
func Authorize(id Identity, c contest.Command) (contest.Command, error) {
	deny := errs.E(errs.Forbidden, "not_allowed", msg.T("live.not_allowed"))
	switch c.Type.Actor() {
	case contest.ActorHost:
		if id.Role != contest.RoleHost {
			return c, deny
		}
	case contest.ActorTeam:
		if id.Role != contest.RoleTeam || c.Team != id.Team {
			return c, deny
		}
		if c.Type == contest.CmdBuzz {
			c.Device = id.Device
		}
	case contest.ActorJudge:
		if id.Role != contest.RoleJudge || c.Judge != id.Judge {
			return c, deny
		}
	case contest.ActorMember:
		if id.Member == "" || c.Member != id.Member {
			return c, deny
		}
	default:
		return c, deny
	}
	return c, nil
}

type outFrame struct {
	Type    string  `json:"type"`
	Ref     int64   `json:"ref,omitempty"`
	OK      bool    `json:"ok,omitempty"`
	Code    string  `json:"code,omitempty"`
	Message string  `json:"message,omitempty"`
	C       float64 `json:"c,omitempty"`
	S       int64   `json:"s,omitempty"` // server time, ns
	N       int64   `json:"n,omitempty"`
	Seq     int64   `json:"seq,omitempty"`
}

func encode(f outFrame) []byte { b, _ := json.Marshal(f); return b }

func errFrame(ref int64, err error) []byte {
	e := errs.As(err)
	if e.Kind == errs.Internal {
		e = errs.E(errs.Internal, "internal", msg.T("live.internal"))
	}
	return encode(outFrame{Type: "error", Ref: ref, Code: e.Code, Message: e.Message})
}

// conn is one WebSocket: one reader goroutine (this one), one writer.
type conn struct {
	ws     *websocket.Conn
	hub    *Hub
	id     Identity
	sub    *Sub
	direct chan []byte // replies, pongs, probes: this connection only
	gone   chan struct{}
	log    *slog.Logger

	// stuck closes the connection when a write has not finished within
	// writeTimeout: the screen is gone. One timer per connection, re-armed
	// per write, rather than a context with a deadline per frame: with ten
	// thousand screens those allocations were an eighth of the server's CPU.
	stuck *time.Timer

	// Buzzers only (nil for other screens, which are never probed).
	probeSent map[int64]time.Time
	probeN    int64
	lastDelay time.Duration
	probes    chan probeResult
}

type probeResult struct {
	n  int64
	at time.Time
}

// Serve upgrades the request and runs the connection until it closes.
// since is the last seq the screen saw (-1: none).
func Serve(w http.ResponseWriter, r *http.Request, h *Hub, id Identity, since int64, log *slog.Logger) error {
	// The server's read and write timeouts are for ordinary requests; a
	// contest screen stays for hours.
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Time{})
	_ = rc.SetWriteDeadline(time.Time{})
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{CompressionMode: websocket.CompressionDisabled})
	if err != nil {
		return nil // Accept has answered the client
	}
	ws.SetReadLimit(readLimit)
	screensConnected.Add(1)
	defer screensConnected.Add(-1)
	c := &conn{ws: ws, hub: h, id: id, sub: NewSub(id.Role), direct: make(chan []byte, directBuffer),
		gone: make(chan struct{}), log: log}
	if c.probed() {
		c.probeSent, c.probes = map[int64]time.Time{}, make(chan probeResult, 8)
	}
	c.stuck = time.AfterFunc(writeTimeout, func() { ws.CloseNow() })
	c.stuck.Stop()
	defer c.stuck.Stop()
	c.sub.Team, c.sub.Judge, c.sub.Member = id.Team, id.Judge, id.Member
	hello, err := h.Subscribe(c.sub, since)
	if err != nil {
		ws.Close(websocket.StatusTryAgainLater, "closed")
		return nil
	}
	defer h.Unsubscribe(c.sub)
	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	writerDone := make(chan struct{})
	go func() {
		defer close(writerDone)
		c.writer(ctx, hello)
		cancel()
	}()
	stop := context.AfterFunc(ctx, func() { ws.CloseNow() })
	defer stop()
	c.reader()
	close(c.gone)
	cancel()
	<-writerDone
	return nil
}

// probed reports whether the server measures this connection's delay: a
// team's buzzer device.
func (c *conn) probed() bool { return c.id.Role == contest.RoleTeam && c.id.Device != "" }

// reader reads client messages. Screens rarely send anything, so a
// message's buffer is allocated when it arrives rather than kept per
// connection.
func (c *conn) reader() {
	for {
		// No context: the library would arm a timer per message. Serve
		// closes the connection when its context ends.
		_, rd, err := c.ws.Reader(context.Background())
		if err != nil {
			return
		}
		b, err := io.ReadAll(io.LimitReader(rd, MaxMessage+1))
		if err != nil {
			return
		}
		if len(b) > MaxMessage {
			// Longer than MaxMessage: drain the rest, refuse, stay connected.
			if _, err := io.Copy(io.Discard, rd); err != nil {
				return
			}
			c.sendDirect(errFrame(0, errs.E(errs.Invalid, "message_too_large", msg.T("live.message_too_large"))))
			continue
		}
		c.handle(b)
	}
}

func (c *conn) handle(b []byte) {
	in, err := DecodeMessage(b)
	if err != nil {
		c.sendDirect(errFrame(0, err))
		return
	}
	switch in.Type {
	case "ping":
		c.sendDirect(encode(outFrame{Type: "pong", C: in.C, S: int64(c.hub.Now())}))
	case "probe":
		select {
		case c.probes <- probeResult{n: in.N, at: time.Now()}:
		default:
		}
	case "cmd":
		cmd, err := Authorize(c.id, in.Cmd)
		if err != nil {
			c.sendDirect(errFrame(in.Ref, err))
			return
		}
		ref := in.Ref
		c.hub.Submit(cmd, func(r Reply) {
			if r.Err != nil {
				c.sendDirect(errFrame(ref, r.Err))
				return
			}
			var seq int64
			if len(r.Events) > 0 {
				seq = r.Events[len(r.Events)-1].Seq
			}
			c.sendDirect(encode(outFrame{Type: "reply", Ref: ref, OK: true, Seq: seq}))
		})
	}
}

// sendDirect queues a frame for this connection only; it never blocks the
// caller (the hub calls it). A connection that cannot keep up is dropped.
func (c *conn) sendDirect(b []byte) {
	select {
	case c.direct <- b:
	case <-c.gone:
	default:
		c.sub.drop("slow")
	}
}

// write sends one frame. The context passed to the library has no
// deadline, so it sets up no timer of its own; c.stuck bounds the write.
func (c *conn) write(b []byte) error {
	c.stuck.Reset(writeTimeout)
	err := c.ws.Write(context.Background(), websocket.MessageText, b)
	c.stuck.Stop()
	return err
}

func (c *conn) writer(ctx context.Context, hello []byte) {
	if err := c.write(hello); err != nil {
		return
	}
	// A quiet connection is pinged at most every idlePing, checked by a
	// ticker rather than a timer reset per frame.
	idle := time.NewTicker(idlePing)
	defer idle.Stop()
	wrote := false
	var probe <-chan time.Time
	if c.probed() {
		t := time.NewTicker(probeEvery)
		defer t.Stop()
		probe = t.C
		c.sendProbe() // measure at once: the device check needs it
	}
	frames := c.sub.Frames()
	for {
		var b []byte
		fromHub := true
		select {
		case b = <-frames:
			// While the hall's frames queue up, write them without the
			// full select below.
		default:
			fromHub = false
			select {
			case <-ctx.Done():
				c.ws.Close(websocket.StatusNormalClosure, "")
				return
			case <-c.sub.Dropped():
				// The client reconnects and resumes from its last seq.
				c.ws.Close(websocket.StatusTryAgainLater, c.sub.Reason())
				return
			case b = <-frames:
				fromHub = true
			case b = <-c.direct:
			case <-idle.C:
				if wrote {
					wrote = false
					continue
				}
				pctx, cancel := context.WithTimeout(ctx, writeTimeout)
				err := c.ws.Ping(pctx)
				cancel()
				if err != nil {
					c.ws.CloseNow()
					return
				}
				continue
			case <-probe:
				c.sendProbe()
				continue
			case p := <-c.probes:
				c.probeDone(p)
				continue
			}
		}
		if err := c.write(b); err != nil {
			c.ws.CloseNow()
			return
		}
		if fromHub && c.sub.hall != nil {
			c.sub.hall.wrote(c.sub)
		}
		wrote = true
	}
}

func (c *conn) sendProbe() {
	c.probeN++
	c.probeSent[c.probeN] = time.Now()
	if len(c.probeSent) > 8 {
		for n := range c.probeSent {
			if n < c.probeN-4 {
				delete(c.probeSent, n)
			}
		}
	}
	_ = c.write(encode(outFrame{Type: "probe", N: c.probeN}))
}

// probeDone turns an echoed probe into the device's one-way delay (half the
// round trip, measured by the server alone) and logs it when it changed
// noticeably, so the device check and delay compensation use server
// measurements only.
func (c *conn) probeDone(p probeResult) {
	sent, ok := c.probeSent[p.n]
	if !ok {
		return
	}
	delete(c.probeSent, p.n)
	d := min(p.at.Sub(sent)/2, contest.MaxDelay)
	if c.lastDelay != 0 && absDur(d-c.lastDelay) < 20*time.Millisecond {
		return
	}
	c.lastDelay = max(d, 1)
	c.hub.Submit(contest.Command{Type: contest.CmdMeasureDelay, Team: c.id.Team, Device: c.id.Device, Delay: c.lastDelay}, func(Reply) {})
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
