package loadtest

// The online quiz (线上竞答) load: thousands of members' phones answer the
// same question within a few seconds of each other, while the host and a
// big screen watch the counts. What matters there is different from the
// match: every answer must be taken exactly once (a double tap refused, none
// lost), the question must reach every phone quickly, and the big screen
// must get the counts at the hub's fixed rate, not once per answer.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"xuejiangping/internal/contest"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/live"
)

// QuizOptions is one quiz run.
type QuizOptions struct {
	Addr      string
	Dial      int           // connections opened at once while ramping up
	Spread    time.Duration // a phone answers after a delay uniform in [0, Spread)
	DoubleTap float64       // fraction of phones that send their answer twice at once
	Correct   float64       // fraction of answers that are right
	Wait      time.Duration // how long beyond the answer time a question may take
	Ping      time.Duration // every phone pings this often; < 0: never
	ServerPID int
	Log       io.Writer
}

func (o QuizOptions) withDefaults() QuizOptions {
	if o.Dial <= 0 {
		o.Dial = 100
	}
	if o.Spread <= 0 {
		o.Spread = 5 * time.Second
	}
	if o.Correct == 0 {
		o.Correct = 0.7
	}
	if o.Wait == 0 {
		o.Wait = 15 * time.Second
	}
	if o.Ping == 0 {
		o.Ping = 30 * time.Second
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	return o
}

// quizRound is what one question measured.
type quizRound struct {
	sent   atomic.Int64   // run clock when the host sent quiz_open
	seen   []atomic.Int64 // per phone: when it saw the question open (0: never)
	busy   atomic.Int64   // answers sent and not yet answered by the server
	closed chan struct{}  // the host saw the question close

	mu       sync.Mutex
	question string               // its id
	accepted map[string]bool      // member keys whose answer was taken
	right    int                  // accepted right answers
	screen   []int64              // arrival of each open snapshot at the big screen
	hostSnap contest.QuizSnapshot // the host's snapshot as the question closed
	done     bool
}

type quizRunner struct {
	runLog
	opt   QuizOptions
	setup QuizSetup
	http  *http.Client

	host   *qconn
	screen *qconn
	phones []*qconn
	all    []*qconn
	rounds []*quizRound

	mu         sync.Mutex
	hostSnap   contest.QuizSnapshot
	sent       int
	doubleTaps int
	accepted   int
	refused    map[string]int
	noReply    int
	replyLat   []int64
	screenWire int64
}

// RunQuiz connects the host, a big screen and every phone, plays the quiz
// and reports. d, when not nil, is the server's database: the answers it
// holds afterwards are checked against the ones the phones had accepted.
func RunQuiz(ctx context.Context, opt QuizOptions, s QuizSetup, d *db.DB) (QuizReport, error) {
	opt = opt.withDefaults()
	q := &quizRunner{runLog: newRunLog(opt.Log), opt: opt, setup: s, refused: map[string]int{}}
	q.http = &http.Client{Transport: &http.Transport{
		Proxy:       nil,
		DialContext: (&net.Dialer{Timeout: 10 * time.Second}).DialContext,
	}}
	rep := QuizReport{Members: len(s.Members), Contest: s.ContestID, Questions: len(s.Answers), Spread: opt.Spread, DoubleTap: opt.DoubleTap}
	for range len(s.Answers) {
		q.rounds = append(q.rounds, &quizRound{seen: make([]atomic.Int64, len(s.Members)), closed: make(chan struct{}), accepted: map[string]bool{}})
	}
	mem := newMemWatch(q.http, opt.Addr, opt.ServerPID)
	rep.MemBefore, _ = mem.read()

	hostCookie, err := login(ctx, q.http, opt.Addr, s.Host)
	if err != nil {
		return rep, err
	}
	q.host = q.newConn("host", hostCookie)
	q.host.onSnap = q.hostSnapshot
	q.screen = q.newConn("audience", "")
	q.screen.onSnap = q.screenSnapshot
	for i, p := range s.Members {
		c := q.newConn("member", p.Cookie)
		c.phone, c.member = i, p.Key
		c.onSnap = c.phoneSnapshot
		q.phones = append(q.phones, c)
	}

	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	var wg sync.WaitGroup
	defer func() {
		stop()
		for _, c := range q.all {
			c.close()
		}
		wg.Wait()
	}()
	t0 := time.Now()
	if err := q.connect(runCtx, &wg); err != nil {
		return rep, err
	}
	rep.ConnectTook = time.Since(t0)
	q.logf("%d 部手机、主持人和大屏已连接，用时 %s", len(q.phones), rep.ConnectTook.Round(time.Millisecond))
	time.Sleep(time.Second)
	rep.MemConnected, _ = mem.read()
	mem.watch(runCtx)
	if opt.Ping > 0 {
		go q.pingAll(runCtx)
	}

	t1 := time.Now()
	srv0, cli0 := procCPU(opt.ServerPID), procCPU(os.Getpid())
	if err := q.play(runCtx); err != nil {
		return rep, err
	}
	rep.PlayTook = time.Since(t1)
	rep.ServerCPU, rep.ClientCPU = procCPU(opt.ServerPID)-srv0, procCPU(os.Getpid())-cli0
	q.finish(&rep)
	if d != nil {
		if err := q.verify(ctx, d, &rep); err != nil {
			return rep, err
		}
	}
	rep.MemPeak = mem.peak()
	if m, err := mem.read(); err == nil {
		rep.MemEnd = m
		rep.MemPeak.RSS = max(rep.MemPeak.RSS, m.RSS)
		rep.MemPeak.HWM = max(rep.MemPeak.HWM, m.HWM)
	}
	rep.LoadAvg = loadAvg()
	return rep, nil
}

func (q *quizRunner) newConn(role, cookie string) *qconn {
	c := &qconn{q: q, n: len(q.all), role: role, hdr: http.Header{}, phone: -1}
	if cookie != "" {
		c.hdr.Set("Cookie", cookie)
	}
	q.all = append(q.all, c)
	return c
}

// connect dials every connection, a bounded number at a time, and starts
// its reader.
func (q *quizRunner) connect(ctx context.Context, wg *sync.WaitGroup) error {
	return rampUp(ctx, q.all, q.opt.Dial, wg, q.logf)
}

// pingAll has every phone ping once per Ping, spread over the interval, as
// the page's clock probes do.
func (q *quizRunner) pingAll(ctx context.Context) {
	const tick = 20 * time.Millisecond
	per := max(1, len(q.all)*int(tick)/int(q.opt.Ping))
	t := time.NewTicker(tick)
	defer t.Stop()
	for i := 0; ; {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for range per {
			c := q.all[i%len(q.all)]
			i++
			if err := c.write(ctx, fmt.Appendf(nil, `{"type":"ping","c":%d}`, q.clock())); err != nil && ctx.Err() == nil {
				q.note("ping", err)
			}
		}
	}
}

// play opens each question, lets the server close it at its deadline, and
// waits for every answer's reply before the next one.
func (q *quizRunner) play(ctx context.Context) error {
	for i, r := range q.rounds {
		r.sent.Store(q.clock())
		rep, err := q.host.command(ctx, contest.Command{Type: contest.CmdQuizOpen}, q.opt.Wait)
		if err != nil {
			return err
		}
		if !rep.ok {
			return fmt.Errorf("开题被拒绝：%s", rep.code)
		}
		// The server closes the question at its deadline by itself; the
		// host closes it only if that did not happen.
		select {
		case <-r.closed:
		case <-time.After(q.setup.AnswerTime + q.opt.Wait):
			q.note("host_quiz_close", nil)
			if rep, err := q.host.command(ctx, contest.Command{Type: contest.CmdQuizClose}, q.opt.Wait); err != nil || !rep.ok {
				return fmt.Errorf("第 %d 题没有按时结束，主持人也未能结束它（%v %s）", i+1, err, rep.code)
			}
			select {
			case <-r.closed:
			case <-time.After(q.opt.Wait):
				return fmt.Errorf("第 %d 题结束后主持人没有收到结束的画面", i+1)
			}
		case <-ctx.Done():
			return ctx.Err()
		}
		deadline := time.Now().Add(q.opt.Wait)
		for r.busy.Load() > 0 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		r.mu.Lock()
		q.logf("第 %d 题结束：收到 %d 份答案（服务器计 %d 份）", i+1, len(r.accepted), r.hostSnap.Answers)
		r.mu.Unlock()
	}
	// The final standings come with the last close; give the screen a
	// moment for its last frames.
	time.Sleep(500 * time.Millisecond)
	return nil
}

// hostSnapshot keeps the host's view and marks a question closed.
func (q *quizRunner) hostSnapshot(s contest.QuizSnapshot, _ int64) {
	q.mu.Lock()
	q.hostSnap = s
	q.mu.Unlock()
	if s.Open || s.Index < 0 || s.Index >= len(q.rounds) {
		return
	}
	r := q.rounds[s.Index]
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done {
		return
	}
	r.done, r.hostSnap = true, s
	close(r.closed)
}

// screenSnapshot counts the frames the big screen gets while a question is
// open.
func (q *quizRunner) screenSnapshot(s contest.QuizSnapshot, at int64) {
	if !s.Open || s.Index < 0 || s.Index >= len(q.rounds) {
		return
	}
	r := q.rounds[s.Index]
	r.mu.Lock()
	r.screen = append(r.screen, at)
	r.mu.Unlock()
}

// phoneSnapshot answers a question the first time the phone sees it open.
func (c *qconn) phoneSnapshot(s contest.QuizSnapshot, at int64) {
	if !s.Open || s.Token == "" || s.Index < 0 || s.Index >= len(c.q.rounds) || s.Question == nil {
		return
	}
	c.mu.Lock()
	fresh := s.Token != c.token
	c.token = s.Token
	c.mu.Unlock()
	if !fresh {
		return
	}
	r := c.q.rounds[s.Index]
	r.seen[c.phone].CompareAndSwap(0, at)
	if c.answered(s) {
		return
	}
	r.busy.Add(1)
	go c.answer(r, s)
}

// answered reports whether the phone had already answered this question
// before it reconnected (its hello says so).
func (c *qconn) answered(s contest.QuizSnapshot) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.mine != "" && c.mineToken == s.Token
}

// answer waits like a person reading the question, then taps a choice —
// some people twice in a row.
func (c *qconn) answer(r *quizRound, s contest.QuizSnapshot) {
	defer r.busy.Add(-1)
	q := c.q
	time.Sleep(rand.N(q.opt.Spread))
	right := q.setup.Answers[s.Question.ID]
	choice := right
	if rand.Float64() >= q.opt.Correct {
		choice = string(quizLetters[(int(right[0]-'A')+1+rand.IntN(len(quizLetters)-1))%len(quizLetters)])
	}
	cmd := contest.Command{Type: contest.CmdQuizAnswer, Member: c.member, Token: s.Token, Choice: choice}
	taps := 1
	if rand.Float64() < q.opt.DoubleTap {
		taps = 2
	}
	ctx := context.Background()
	type sent struct {
		ch <-chan reply
		at int64
	}
	var out []sent
	for range taps {
		ch, at, err := c.send(ctx, cmd)
		if err != nil {
			q.note("answer_write", err)
			continue
		}
		out = append(out, sent{ch, at})
	}
	q.mu.Lock()
	q.sent += len(out)
	if taps == 2 && len(out) == 2 {
		q.doubleTaps++
	}
	q.mu.Unlock()
	for _, o := range out {
		var rep reply
		var ok bool
		select {
		case rep = <-o.ch:
			ok = true
		case <-time.After(q.setup.AnswerTime + q.opt.Wait):
		}
		q.mu.Lock()
		switch {
		case !ok:
			q.noReply++
		case rep.ok:
			q.accepted++
			q.replyLat = append(q.replyLat, rep.at-o.at)
		default:
			q.refused[rep.code]++
			q.replyLat = append(q.replyLat, rep.at-o.at)
		}
		q.mu.Unlock()
		if ok && rep.ok {
			r.mu.Lock()
			r.question = s.Question.ID
			r.accepted[c.member] = true
			if choice == right {
				r.right++
			}
			r.mu.Unlock()
		}
	}
}

// finish turns the rounds into the report's figures.
func (q *quizRunner) finish(rep *QuizReport) {
	var seen []int64
	for i, r := range q.rounds {
		sent := r.sent.Load()
		for p := range r.seen {
			if t := r.seen[p].Load(); t != 0 {
				seen = append(seen, t-sent)
			} else {
				rep.Missed++
			}
		}
		r.mu.Lock()
		sr := ScreenRound{No: i + 1, Frames: len(r.screen), Accepted: len(r.accepted), Right: r.right,
			ServerAnswers: r.hostSnap.Answers, ServerRight: r.hostSnap.Correct}
		if n := len(r.screen); n > 1 {
			sr.Span = time.Duration(r.screen[n-1] - r.screen[0])
		}
		sr.Peak = peakPerSecond(r.screen)
		r.mu.Unlock()
		rep.Rounds = append(rep.Rounds, sr)
	}
	rep.Seen = summarize(seen)
	q.mu.Lock()
	rep.Sent, rep.Accepted, rep.NoReply, rep.DoubleTaps = q.sent, q.accepted, q.noReply, q.doubleTaps
	rep.Refused = map[string]int{}
	for k, v := range q.refused {
		rep.Refused[k] = v
	}
	rep.Reply = summarize(q.replyLat)
	rep.Participants = -1
	if f := q.hostSnap.Final; f != nil {
		rep.Participants = f.Participants
	}
	q.mu.Unlock()
	for _, c := range q.all {
		c.mu.Lock()
		rep.Reconnects += c.reconns
		c.mu.Unlock()
	}
	rep.ScreenWire = q.screen.frames.Load()
	rep.Notes = q.noted()
}

// peakPerSecond is the most arrivals within any one second.
func peakPerSecond(at []int64) int {
	best := 0
	j := 0
	for i := range at {
		for at[i]-at[j] >= int64(time.Second) {
			j++
		}
		best = max(best, i-j+1)
	}
	return best
}

// verify reads the quiz back from the database: every answer a phone had
// accepted must be stored (the one-answer key holds them), and the results
// page's standings must count every member who answered.
func (q *quizRunner) verify(ctx context.Context, d *db.DB, rep *QuizReport) error {
	rows, err := d.Query(ctx, `SELECT question, member_id FROM contest_quiz_answers WHERE contest_id = ?`, q.setup.ContestID)
	if err != nil {
		return errs.Wrap(err, "quiz answers")
	}
	stored := map[string]map[string]bool{}
	for rows.Next() {
		var question string
		var member int64
		if err := rows.Scan(&question, &member); err != nil {
			rows.Close()
			return errs.Wrap(err, "quiz answer")
		}
		if stored[question] == nil {
			stored[question] = map[string]bool{}
		}
		stored[question][live.MemberKey(member)] = true
		rep.Stored++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "quiz answers")
	}
	for _, r := range q.rounds {
		r.mu.Lock()
		for m := range r.accepted {
			if !stored[r.question][m] {
				rep.Lost++
			}
		}
		r.mu.Unlock()
	}
	res, err := live.NewStore(d).Results(ctx, q.setup.ContestID)
	if err != nil {
		return err
	}
	rep.ResultPersons, rep.ResultBranches = len(res.Persons), len(res.Branches)
	for _, b := range res.Branches {
		rep.BranchParticipants += b.Participants
	}
	for _, it := range res.QuizItems {
		rep.ResultAnswers += it.Answered
	}
	return nil
}

// qconn is one WebSocket of the quiz: the host, the big screen or a phone.
// Its reader stamps every frame with the run's clock as it is read.
type qconn struct {
	q      *quizRunner
	n      int
	role   string
	hdr    http.Header
	phone  int    // index among the phones, -1 for host and screen
	member string // phones: the member's key
	onSnap func(s contest.QuizSnapshot, at int64)

	mu        sync.Mutex
	conn      *websocket.Conn
	last      int64 // seq of the last snapshot, to resume from
	token     string
	mine      string // the hello's answer to the open question, after a reconnect
	mineToken string
	reconns   int
	closed    bool
	pending   map[int64]chan reply

	refs   atomic.Int64
	frames atomic.Int64
}

func (c *qconn) url(since int64) string {
	u := fmt.Sprintf("ws://%s/contests/%d/ws?role=%s", c.q.opt.Addr, c.q.setup.ContestID, c.role)
	if since >= 0 {
		u += fmt.Sprintf("&since=%d", since)
	}
	return u
}

func (c *qconn) dial(ctx context.Context, since int64) error {
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(dctx, c.url(since), &websocket.DialOptions{
		HTTPClient: c.q.http, HTTPHeader: c.hdr, CompressionMode: websocket.CompressionDisabled})
	if err != nil {
		return err
	}
	conn.SetReadLimit(8 << 20)
	_, b, err := conn.Read(dctx)
	if err != nil {
		conn.CloseNow()
		return err
	}
	var h struct {
		Type string                `json:"type"`
		Snap *contest.QuizSnapshot `json:"snap"`
		Mine *contest.QuizMine     `json:"mine"`
	}
	if err := json.Unmarshal(b, &h); err != nil || h.Type != "hello" || h.Snap == nil {
		conn.CloseNow()
		return fmt.Errorf("首帧不是竞答的 hello：%.80s", b)
	}
	c.mu.Lock()
	c.conn = conn
	c.last = h.Snap.Seq
	if h.Mine != nil && h.Snap.Open {
		c.mine, c.mineToken = h.Mine.Choice, h.Snap.Token
	}
	c.mu.Unlock()
	if c.onSnap != nil {
		c.onSnap(*h.Snap, c.q.clock())
	}
	return nil
}

// run reads frames until the run ends, reconnecting (with backoff and
// jitter, like the page) whenever the server drops the connection.
func (c *qconn) run(ctx context.Context) {
	buf := &bytes.Buffer{}
	for {
		c.mu.Lock()
		conn := c.conn
		c.mu.Unlock()
		err := c.readLoop(conn, buf)
		if ctx.Err() != nil || c.isClosed() {
			return
		}
		c.q.note("drop", err)
		for attempt := 0; ; attempt++ {
			d := time.Duration(50<<min(attempt, 6))*time.Millisecond + time.Duration(c.n%97)*time.Millisecond
			select {
			case <-ctx.Done():
				return
			case <-time.After(d):
			}
			c.mu.Lock()
			since := c.last
			c.mu.Unlock()
			if err := c.dial(ctx, since); err == nil {
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

func (c *qconn) readLoop(conn *websocket.Conn, buf *bytes.Buffer) error {
	for {
		_, rd, err := conn.Reader(context.Background())
		if err != nil {
			return err
		}
		buf.Reset()
		if _, err := buf.ReadFrom(rd); err != nil {
			return err
		}
		c.frames.Add(1)
		c.frame(buf.Bytes(), c.q.clock())
	}
}

// frame handles one frame; a "multi" frame is the frames a slow screen
// missed, in order.
func (c *qconn) frame(b []byte, at int64) {
	var f struct {
		Type   string                `json:"type"`
		Seq    int64                 `json:"seq"`
		Ref    int64                 `json:"ref"`
		Code   string                `json:"code"`
		Snap   *contest.QuizSnapshot `json:"snap"`
		Frames []json.RawMessage     `json:"frames"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		c.q.note("bad_frame", err)
		return
	}
	switch f.Type {
	case "multi":
		for _, inner := range f.Frames {
			c.frame(inner, at)
		}
	case "quiz":
		if f.Snap == nil {
			return
		}
		c.mu.Lock()
		c.last = max(c.last, f.Seq)
		c.mu.Unlock()
		if c.onSnap != nil {
			c.onSnap(*f.Snap, at)
		}
	case "reply", "error":
		c.mu.Lock()
		ch := c.pending[f.Ref]
		delete(c.pending, f.Ref)
		c.mu.Unlock()
		if ch != nil {
			ch <- reply{ok: f.Type == "reply", seq: f.Seq, code: f.Code, at: at}
		} else if f.Type == "error" {
			c.q.note("error_frame "+f.Code, nil)
		}
	}
}

// send writes a command and returns a channel for its reply, and the run
// clock just before the write.
func (c *qconn) send(ctx context.Context, cmd contest.Command) (<-chan reply, int64, error) {
	ref := c.refs.Add(1)
	ch := make(chan reply, 1)
	body, _ := json.Marshal(cmd)
	c.mu.Lock()
	if c.pending == nil {
		c.pending = map[int64]chan reply{}
	}
	c.pending[ref] = ch
	c.mu.Unlock()
	at := c.q.clock()
	return ch, at, c.write(ctx, fmt.Appendf(nil, `{"type":"cmd","ref":%d,"cmd":%s}`, ref, body))
}

// command sends a command and waits for its reply.
func (c *qconn) command(ctx context.Context, cmd contest.Command, wait time.Duration) (reply, error) {
	ch, _, err := c.send(ctx, cmd)
	if err != nil {
		return reply{}, err
	}
	select {
	case rep := <-ch:
		return rep, nil
	case <-time.After(wait):
		return reply{}, fmt.Errorf("指令 %s 在 %s 内没有回复", cmd.Type, wait)
	case <-ctx.Done():
		return reply{}, ctx.Err()
	}
}

func (c *qconn) write(ctx context.Context, msg []byte) error {
	c.mu.Lock()
	conn := c.conn
	c.mu.Unlock()
	if conn == nil {
		return errors.New("未连接")
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return conn.Write(wctx, websocket.MessageText, msg)
}

func (c *qconn) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

func (c *qconn) close() {
	c.mu.Lock()
	c.closed = true
	conn := c.conn
	c.mu.Unlock()
	if conn != nil {
		conn.Close(websocket.StatusNormalClosure, "")
	}
}
