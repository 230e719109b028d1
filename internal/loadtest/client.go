package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"xuejiangping/internal/contest"
)

// Role of a generated client.
const (
	roleHost     = "host"
	roleJudge    = "judge"
	roleTeam     = "team"
	roleAudience = "audience"
)

// client is one WebSocket screen. Its reader goroutine stamps every frame
// with the run's clock as soon as it is read, so all latencies are measured
// on one clock in one process.
type client struct {
	r     *runner
	n     int
	role  string
	query url.Values
	hdr   http.Header

	mu      sync.Mutex
	conn    *websocket.Conn
	base    int64   // seq of the first hello: the client must see every event after it
	recv    []int64 // recv[seq-base-1]: when the frame with that seq arrived (run clock, ns); 0 = never
	dups    int
	reconns int
	closed  bool

	last    atomic.Int64 // highest seq received in order
	frames  atomic.Int64 // frames and bytes read, for the frame size
	bytes   atomic.Int64
	started atomic.Bool // first hello received

	// Active clients (host, judges, teams) decode everything.
	pending map[int64]chan reply
	refs    atomic.Int64
	onEvent func(ev contest.Event, state json.RawMessage, at int64)
	onPong  func(sent, server, got int64)

	// Team buzzers.
	teamKey string
	opened  chan string // token of each buzz round as the buzzers open
	won     chan decision
}

// decision is the 抢到 frame as a buzzer saw it.
type decision struct {
	at     int64
	winner string
}

type reply struct {
	ok   bool
	seq  int64
	code string
	at   int64 // run clock when the reply arrived
}

func (c *client) active() bool { return c.role != roleAudience }

// wsURL is where the client connects, resuming after since when >= 0.
func (c *client) wsURL(since int64) string {
	q := url.Values{}
	for k, v := range c.query {
		q[k] = v
	}
	if since >= 0 {
		q.Set("since", strconv.FormatInt(since, 10))
	}
	return fmt.Sprintf("ws://%s/contests/%d/ws?%s", c.r.cfg.Addr, c.r.setup.ContestID, q.Encode())
}

// dial connects (or reconnects after since) and waits for the hello.
func (c *client) dial(ctx context.Context, since int64) error {
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(dctx, c.wsURL(since), &websocket.DialOptions{
		HTTPClient: c.r.http, HTTPHeader: c.hdr, CompressionMode: websocket.CompressionDisabled})
	if err != nil {
		return err
	}
	conn.SetReadLimit(8 << 20)
	b, err := c.readFrame(dctx, conn, nil)
	if err != nil {
		conn.CloseNow()
		return err
	}
	if err := c.hello(b, c.r.clock()); err != nil {
		conn.CloseNow()
		return err
	}
	c.mu.Lock()
	c.conn = conn
	c.mu.Unlock()
	return nil
}

func (c *client) readFrame(ctx context.Context, conn *websocket.Conn, buf *bytes.Buffer) ([]byte, error) {
	_, rd, err := conn.Reader(ctx)
	if err != nil {
		return nil, err
	}
	if buf == nil {
		buf = &bytes.Buffer{}
	}
	buf.Reset()
	if _, err := buf.ReadFrom(rd); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// hello handles the first frame of a connection: the base seq on the first
// one; on a resume, the events missed while away.
func (c *client) hello(b []byte, at int64) error {
	var h struct {
		Type   string          `json:"type"`
		Seq    int64           `json:"seq"`
		State  json.RawMessage `json:"state"`
		Events []contest.Event `json:"events"`
	}
	if err := json.Unmarshal(b, &h); err != nil || h.Type != "hello" {
		return fmt.Errorf("首帧不是 hello：%.80s", b)
	}
	if !c.started.Load() {
		c.mu.Lock()
		c.base = h.Seq
		c.mu.Unlock()
		c.last.Store(h.Seq)
		c.started.Store(true)
		if c.onEvent != nil && h.State != nil {
			c.onEvent(contest.Event{Seq: h.Seq}, h.State, at)
		}
		return nil
	}
	for i, ev := range h.Events {
		var st json.RawMessage
		if i == len(h.Events)-1 {
			st = h.State
		}
		if c.onEvent != nil {
			c.onEvent(ev, st, at)
		}
		c.event(ev.Seq, at)
	}
	return nil
}

// event records the arrival of seq.
func (c *client) event(seq, at int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	i := seq - c.base - 1
	if i < 0 {
		c.dups++
		return
	}
	for int64(len(c.recv)) <= i {
		c.recv = append(c.recv, 0)
	}
	if c.recv[i] != 0 {
		c.dups++
		return
	}
	c.recv[i] = at
	if seq == c.last.Load()+1 {
		n := seq
		for n-c.base < int64(len(c.recv)) && c.recv[n-c.base] != 0 {
			n++
		}
		c.last.Store(n)
	}
}

// received returns when seq arrived (0: never).
func (c *client) received(seq int64) int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	i := seq - c.base - 1
	if i < 0 || i >= int64(len(c.recv)) {
		return 0
	}
	return c.recv[i]
}

// run reads frames until the run ends, reconnecting (and resuming from the
// last seq in order) whenever the server drops the connection.
func (c *client) run(ctx context.Context) {
	buf := &bytes.Buffer{}
	for {
		c.mu.Lock()
		conn := c.conn
		c.mu.Unlock()
		err := c.readLoop(ctx, conn, buf)
		if ctx.Err() != nil || c.isClosed() {
			return
		}
		c.r.note("drop", err)
		for attempt := 0; ; attempt++ {
			// Backoff with jitter, like the phones: a hall of screens that
			// lost the server must not come back in one wave.
			d := time.Duration(50<<min(attempt, 6)) * time.Millisecond
			d += time.Duration(c.n%97) * time.Millisecond
			select {
			case <-ctx.Done():
				return
			case <-time.After(d):
			}
			if err := c.dial(ctx, c.last.Load()); err == nil {
				break
			} else if ctx.Err() != nil {
				return
			}
		}
		c.mu.Lock()
		c.reconns++
		c.mu.Unlock()
	}
}

func (c *client) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

var (
	eventPrefix = []byte(`{"type":"event","seq":`)
	multiPrefix = []byte(`{"type":"multi","seq":`)
	fromField   = []byte(`,"from":`)
)

func (c *client) readLoop(ctx context.Context, conn *websocket.Conn, buf *bytes.Buffer) error {
	for {
		// No deadline on reads (the library would arm a timer per frame);
		// the connection is closed when the run ends.
		b, err := c.readFrame(context.Background(), conn, buf)
		if err != nil {
			return err
		}
		at := c.r.clock()
		c.frames.Add(1)
		c.bytes.Add(int64(len(b)))
		// The hall's screens only need the seq, which the server writes
		// first: reading it without decoding the state keeps 10,000 screens
		// in one process cheap enough not to slow the server they measure.
		if !c.active() && c.fastPath(b, at) {
			continue
		}
		if err := c.frame(ctx, conn, b, at); err != nil {
			return err
		}
	}
}

// fastPath records an event frame, or a multi frame of consecutive events
// (a screen that fell behind), from the seq numbers the server writes first.
func (c *client) fastPath(b []byte, at int64) bool {
	if bytes.HasPrefix(b, eventPrefix) {
		if seq, ok := leadingInt(b[len(eventPrefix):]); ok {
			c.event(seq, at)
			return true
		}
		return false
	}
	if !bytes.HasPrefix(b, multiPrefix) {
		return false
	}
	rest := b[len(multiPrefix):]
	last, ok := leadingInt(rest)
	if !ok {
		return false
	}
	rest = rest[len(strconv.FormatInt(last, 10)):]
	if !bytes.HasPrefix(rest, fromField) {
		return false
	}
	first, ok := leadingInt(rest[len(fromField):])
	if !ok || first > last {
		return false
	}
	for seq := first; seq <= last; seq++ {
		c.event(seq, at)
	}
	return true
}

func leadingInt(b []byte) (int64, bool) {
	var n int64
	i := 0
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		n = n*10 + int64(b[i]-'0')
	}
	return n, i > 0
}

// frame decodes a frame in full.
func (c *client) frame(ctx context.Context, conn *websocket.Conn, b []byte, at int64) error {
	var f struct {
		Type   string            `json:"type"`
		Seq    int64             `json:"seq"`
		Ref    int64             `json:"ref"`
		OK     bool              `json:"ok"`
		Code   string            `json:"code"`
		C      float64           `json:"c"`
		S      int64             `json:"s"`
		N      int64             `json:"n"`
		Ev     *contest.Event    `json:"ev"`
		State  json.RawMessage   `json:"state"`
		Frames []json.RawMessage `json:"frames"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		c.r.note("bad_frame", err)
		return nil
	}
	switch f.Type {
	case "multi":
		for _, inner := range f.Frames {
			if err := c.frame(ctx, conn, inner, at); err != nil {
				return err
			}
		}
	case "event":
		// The state first: whoever waits for the seq reads it next.
		if c.onEvent != nil && f.Ev != nil {
			c.onEvent(*f.Ev, f.State, at)
		}
		c.event(f.Seq, at)
	case "hello":
		return c.hello(b, at)
	case "reply", "error":
		c.mu.Lock()
		ch := c.pending[f.Ref]
		delete(c.pending, f.Ref)
		c.mu.Unlock()
		if ch != nil {
			ch <- reply{ok: f.Type == "reply", seq: f.Seq, code: f.Code, at: at}
		} else if f.Type == "error" {
			c.r.note("error_frame", errors.New(f.Code))
		}
	case "probe":
		// The server measures the buzzer's delay: answer at once.
		wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err := conn.Write(wctx, websocket.MessageText, fmt.Appendf(nil, `{"type":"probe","n":%d}`, f.N))
		cancel()
		return err
	case "pong":
		if c.onPong != nil {
			c.onPong(int64(f.C), f.S, at)
		}
	}
	return nil
}

// send writes a command and returns a channel for its reply, and the run
// clock just before the write.
func (c *client) send(ctx context.Context, cmd contest.Command) (<-chan reply, int64, error) {
	ref := c.refs.Add(1)
	ch := make(chan reply, 1)
	body, _ := json.Marshal(cmd)
	msg := fmt.Appendf(nil, `{"type":"cmd","ref":%d,"cmd":%s}`, ref, body)
	c.mu.Lock()
	if c.pending == nil {
		c.pending = map[int64]chan reply{}
	}
	c.pending[ref] = ch
	conn := c.conn
	c.mu.Unlock()
	at := c.r.clock()
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return ch, at, conn.Write(wctx, websocket.MessageText, msg)
}

// ping asks the server for its contest clock; the answer comes to onPong.
func (c *client) ping(ctx context.Context) error {
	c.mu.Lock()
	conn := c.conn
	c.mu.Unlock()
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return conn.Write(wctx, websocket.MessageText, fmt.Appendf(nil, `{"type":"ping","c":%d}`, c.r.clock()))
}

func (c *client) close() {
	c.mu.Lock()
	c.closed = true
	conn := c.conn
	c.mu.Unlock()
	if conn != nil {
		conn.Close(websocket.StatusNormalClosure, "")
	}
}

// login opens a session over the JSON API and returns the cookie header.
func login(ctx context.Context, hc *http.Client, addr string, l Login) (string, error) {
	body, _ := json.Marshal(map[string]string{"username": l.Username, "password": l.Password})
	req, err := http.NewRequestWithContext(ctx, "POST", "http://"+addr+"/api/v1/session", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s 登录失败：%s %s", l.Username, resp.Status, msg)
	}
	for _, ck := range resp.Cookies() {
		if ck.Name == "xjp_session" {
			return ck.Name + "=" + ck.Value, nil
		}
	}
	return "", fmt.Errorf("%s 登录后没有会话 Cookie", l.Username)
}
