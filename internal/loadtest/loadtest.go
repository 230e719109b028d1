// Package loadtest is the contest load generator: it opens thousands of
// WebSocket screens against a running server, plays a scripted match
// through the host's, the judges' and the teams' connections, and measures
// what the budgets are about — how fast a buzz is decided, how fast
// every screen shows an event, whether any screen missed one, how often
// screens had to reconnect, and the server's resident memory.
//
// Everything runs in one process on one clock: a frame is stamped the
// moment its client reads it, a command the moment before it is written.
package loadtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"xuejiangping/internal/contest"
)

// Config is one run.
type Config struct {
	Addr      string // host:port of the server
	Clients   int    // all WebSockets: host, judges, one per team, the rest audience screens
	Dial      int    // connections opened at once while ramping up
	Reaction  time.Duration
	Pause     time.Duration // between the host's steps, as in a real show
	Wait      time.Duration // how long a step may take to reach every screen before it counts as late
	Ping      time.Duration // every screen pings this often, as the pages' script does; < 0: never
	ServerPID int           // read the server's memory from /proc; 0: from its /metrics
	Log       io.Writer     // progress; nil for none
}

func (c Config) withDefaults() Config {
	if c.Dial <= 0 {
		c.Dial = 100
	}
	if c.Reaction == 0 {
		c.Reaction = 200 * time.Millisecond
	}
	if c.Pause == 0 {
		c.Pause = 300 * time.Millisecond
	}
	if c.Ping == 0 {
		// contest.js pings every 2 s until its clock offset has settled
		// (five answers), then every 30 s; screens are up well before a
		// show starts, so during the match they are in the second phase.
		c.Ping = 30 * time.Second
	}
	if c.Wait == 0 {
		c.Wait = 15 * time.Second
	}
	if c.Log == nil {
		c.Log = io.Discard
	}
	return c
}

type runner struct {
	runLog
	cfg   Config
	setup Setup
	http  *http.Client

	clients []*client
	host    *client
	judges  []*client
	teams   []*client

	mu       sync.Mutex
	state    contest.State
	at       map[int64]int64 // seq → server time of the event (ns), from the host's frames
	offset   int64           // run clock minus server clock, from the best ping
	bestRTT  int64
	screen   []int64 // command sent → a screen received its last event
	byStep   map[contest.CommandType][]int64
	buzzDec  []int64 // buzz sent → the buzzing phone knows the outcome
	buzzWon  []int64 // the winner's: buzz sent → its 抢到 frame
	buzzAck  []int64 // buzz sent → reply
	steps    int
	lateStep int
}

// Run connects the clients, plays the match and reports.
func Run(ctx context.Context, cfg Config, s Setup) (Report, error) {
	cfg = cfg.withDefaults()
	need := 1 + len(s.Judges) + len(s.Teams)
	if cfg.Clients < need {
		return Report{}, fmt.Errorf("--clients 至少为 %d（主持人、%d 位评委、%d 支队各一个）", need, len(s.Judges), len(s.Teams))
	}
	r := &runner{runLog: newRunLog(cfg.Log), cfg: cfg, setup: s, at: map[int64]int64{}, bestRTT: -1}
	r.http = &http.Client{Transport: &http.Transport{
		Proxy:       nil,
		DialContext: (&net.Dialer{Timeout: 10 * time.Second}).DialContext,
	}}
	mem := newMemWatch(r.http, cfg.Addr, cfg.ServerPID)
	rep := Report{Clients: cfg.Clients, Contest: s.ContestID, Wait: cfg.Wait}
	rep.MemBefore, _ = mem.read()

	if err := r.makeClients(ctx); err != nil {
		return rep, err
	}
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	var wg sync.WaitGroup
	defer func() {
		stop()
		for _, c := range r.clients {
			c.close()
		}
		wg.Wait()
	}()
	t0 := time.Now()
	if err := r.connect(runCtx, &wg); err != nil {
		return rep, err
	}
	rep.ConnectTook = time.Since(t0)
	r.logf("%d 个连接已建立，用时 %s", len(r.clients), rep.ConnectTook.Round(time.Millisecond))
	time.Sleep(time.Second) // let the server settle after the ramp
	rep.MemConnected, _ = mem.read()
	mem.watch(runCtx)

	if err := r.syncClock(runCtx); err != nil {
		return rep, err
	}
	if cfg.Ping > 0 {
		go r.pingAll(runCtx)
	}
	t1 := time.Now()
	srv0, cli0 := procCPU(cfg.ServerPID), procCPU(os.Getpid())
	if err := r.play(runCtx); err != nil {
		return rep, err
	}
	rep.PlayTook = time.Since(t1)
	rep.ServerCPU, rep.ClientCPU = procCPU(cfg.ServerPID)-srv0, procCPU(os.Getpid())-cli0
	time.Sleep(time.Second) // stragglers and reconnects
	r.finish(&rep)
	rep.MemPeak = mem.peak()
	if m, err := mem.read(); err == nil {
		rep.MemEnd = m
		rep.MemPeak.RSS = max(rep.MemPeak.RSS, m.RSS)
		rep.MemPeak.HWM = max(rep.MemPeak.HWM, m.HWM)
	}
	rep.LoadAvg = loadAvg()
	return rep, nil
}

// makeClients lays out who is who: the host, the judges, one buzzer per
// team, and audience screens for the rest.
func (r *runner) makeClients(ctx context.Context) error {
	hostCookie, err := login(ctx, r.http, r.cfg.Addr, r.setup.Host)
	if err != nil {
		return err
	}
	add := func(role string, q map[string]string, cookie string) *client {
		c := &client{r: r, n: len(r.clients), role: role, query: map[string][]string{"role": {role}}, hdr: http.Header{}}
		for k, v := range q {
			c.query.Set(k, v)
		}
		if cookie != "" {
			c.hdr.Set("Cookie", cookie)
		}
		r.clients = append(r.clients, c)
		return c
	}
	r.host = add(roleHost, nil, hostCookie)
	r.host.onEvent = r.hostEvent
	r.host.onPong = r.pong
	for _, j := range r.setup.Judges {
		ck, err := login(ctx, r.http, r.cfg.Addr, j)
		if err != nil {
			return err
		}
		r.judges = append(r.judges, add(roleJudge, nil, ck))
	}
	for _, t := range r.setup.Teams {
		c := add(roleTeam, map[string]string{"code": t.Code, "device": "lt" + t.Key}, "")
		c.teamKey = t.Key
		c.opened = make(chan string, 4)
		c.won = make(chan decision, 4)
		c.onEvent = c.teamEvent
		r.teams = append(r.teams, c)
	}
	for len(r.clients) < r.cfg.Clients {
		role := "screen"
		if len(r.clients)%2 == 0 {
			role = roleAudience
		}
		c := add(role, nil, "")
		c.role = roleAudience
	}
	return nil
}

// connect dials every connection, a bounded number at a time, and starts
// its reader.
func (r *runner) connect(ctx context.Context, wg *sync.WaitGroup) error {
	return rampUp(ctx, r.clients, r.cfg.Dial, wg, r.logf)
}

// hostEvent keeps the host's view of the match and every event's server time.
func (r *runner) hostEvent(ev contest.Event, st json.RawMessage, _ int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if ev.Type != "" {
		r.at[ev.Seq] = int64(ev.At)
	}
	if st != nil {
		var s contest.State
		if json.Unmarshal(st, &s) == nil {
			r.state = s
		}
	}
}

// pong keeps the clock offset of the ping with the shortest round trip.
func (r *runner) pong(sent, server, got int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rtt := got - sent
	if r.bestRTT < 0 || rtt < r.bestRTT {
		r.bestRTT = rtt
		r.offset = sent + rtt/2 - server
	}
}

func (r *runner) syncClock(ctx context.Context) error {
	for range 20 {
		if err := r.host.ping(ctx); err != nil {
			return err
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.bestRTT < 0 {
		return errors.New("主持人连接没有回应 ping")
	}
	return nil
}

// pingAll has every screen ping once per Config.Ping, spread evenly over
// the interval, as the pages' clock-offset probes do.
func (r *runner) pingAll(ctx context.Context) {
	const tick = 20 * time.Millisecond
	per := max(1, len(r.clients)*int(tick)/int(r.cfg.Ping))
	t := time.NewTicker(tick)
	defer t.Stop()
	for i := 0; ; {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for range per {
			c := r.clients[i%len(r.clients)]
			i++
			if c.isClosed() {
				continue
			}
			if err := c.ping(ctx); err != nil && ctx.Err() == nil {
				r.note("ping", err)
			}
		}
	}
}

// cmd sends a command from c, waits for the reply and for every screen to
// receive the events it caused, and records the screens' latencies.
func (r *runner) cmd(ctx context.Context, c *client, cmd contest.Command) (reply, error) {
	ch, sent, err := c.send(ctx, cmd)
	if err != nil {
		return reply{}, err
	}
	rep, err := r.await(ctx, ch, cmd)
	if err != nil {
		return rep, err
	}
	r.delivered(ctx, cmd.Type, rep.seq, sent)
	return rep, nil
}

func (r *runner) await(ctx context.Context, ch <-chan reply, cmd contest.Command) (reply, error) {
	select {
	case rep := <-ch:
		if !rep.ok {
			return rep, fmt.Errorf("指令 %s 被拒绝：%s", cmd.Type, rep.code)
		}
		return rep, nil
	case <-time.After(r.cfg.Wait):
		return reply{}, fmt.Errorf("指令 %s 在 %s 内没有回复", cmd.Type, r.cfg.Wait)
	case <-ctx.Done():
		return reply{}, ctx.Err()
	}
}

// delivered waits until every screen has seq (or the wait runs out) and
// samples, per screen, the time from sent to the frame's arrival.
func (r *runner) delivered(ctx context.Context, what contest.CommandType, seq, sent int64) {
	if seq <= 0 {
		return
	}
	deadline := time.Now().Add(r.cfg.Wait)
	for !r.allHave(seq) {
		if time.Now().After(deadline) || ctx.Err() != nil {
			r.mu.Lock()
			r.lateStep++
			r.mu.Unlock()
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	samples := make([]int64, 0, len(r.clients))
	for _, c := range r.clients {
		if t := c.received(seq); t != 0 {
			samples = append(samples, t-sent)
		}
	}
	r.mu.Lock()
	r.screen = append(r.screen, samples...)
	if r.byStep == nil {
		r.byStep = map[contest.CommandType][]int64{}
	}
	r.byStep[what] = append(r.byStep[what], samples...)
	r.steps++
	r.mu.Unlock()
}

func (r *runner) allHave(seq int64) bool {
	for _, c := range r.clients {
		if c.last.Load() < seq {
			return false
		}
	}
	return true
}

func (r *runner) question() *contest.QuestionState {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.state.Question
}

func (r *runner) teamClient(key string) *client {
	for _, c := range r.teams {
		if c.teamKey == key {
			return c
		}
	}
	return nil
}

// play is the script: every question of the match, then finish.
func (r *runner) play(ctx context.Context) error {
	step := func(c *client, cmd contest.Command) error {
		_, err := r.cmd(ctx, c, cmd)
		if err == nil {
			time.Sleep(r.cfg.Pause)
		}
		return err
	}
	if err := step(r.host, contest.Command{Type: contest.CmdStart}); err != nil {
		return err
	}
	for qn := 0; ; qn++ {
		if err := step(r.host, contest.Command{Type: contest.CmdNextQuestion}); err != nil {
			if strings.Contains(err.Error(), "no_more_questions") {
				break
			}
			return err
		}
		q := r.question()
		if q == nil {
			return errors.New("主持人没有收到题目")
		}
		if q.Kind == contest.Risk {
			if err := step(r.teamClient(q.Team), contest.Command{Type: contest.CmdStake, Team: q.Team, Stake: 20}); err != nil {
				return err
			}
		}
		if q.Kind == contest.Buzzer {
			if err := r.buzzRound(ctx); err != nil {
				return err
			}
		} else if err := step(r.host, contest.Command{Type: contest.CmdOpen}); err != nil {
			return err
		}
		time.Sleep(r.cfg.Pause)
		if err := step(r.host, contest.Command{Type: contest.CmdEndAnswer}); err != nil {
			return err
		}
		verdict := contest.Correct
		if qn%4 == 3 {
			verdict = contest.Wrong
		}
		for _, j := range r.judges[:len(r.judges)/2+1] {
			if err := step(j, contest.Command{Type: contest.CmdVote, Judge: j.judgeKey(r), Verdict: verdict}); err != nil {
				return err
			}
		}
		r.logf("第 %d 题已计分", qn+1)
	}
	return step(r.host, contest.Command{Type: contest.CmdFinish})
}

func (c *client) judgeKey(r *runner) string {
	for i, j := range r.judges {
		if j == c {
			return r.setup.Judges[i].Key
		}
	}
	return ""
}

// buzzRound opens the buzzers and has every team press as it sees them
// open, after a human reaction time, within a few milliseconds of each
// other: the first arrival wins, the others are logged as late presses.
func (r *runner) buzzRound(ctx context.Context) error {
	for _, t := range r.teams {
		drain(t.opened)
		drain(t.won)
	}
	var wg sync.WaitGroup
	errc := make(chan error, len(r.teams))
	for i, t := range r.teams {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errc <- r.press(ctx, t, i)
		}()
	}
	if err := func() error {
		_, err := r.cmd(ctx, r.host, contest.Command{Type: contest.CmdOpen})
		return err
	}(); err != nil {
		return err
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		if err != nil {
			return err
		}
	}
	return nil
}

func (r *runner) press(ctx context.Context, t *client, i int) error {
	var token string
	select {
	case token = <-t.opened:
	case <-time.After(r.cfg.Wait):
		return fmt.Errorf("%s 没有看到抢答开始", t.teamKey)
	case <-ctx.Done():
		return ctx.Err()
	}
	jitter := time.Duration(rand.IntN(3000)+i*500) * time.Microsecond
	time.Sleep(r.cfg.Reaction + jitter)
	cmd := contest.Command{Type: contest.CmdBuzz, Team: t.teamKey, Token: token}
	ch, sent, err := t.send(ctx, cmd)
	if err != nil {
		return err
	}
	rep, err := r.await(ctx, ch, cmd)
	if err != nil {
		// A press whose connection dropped on the way has no reply; the
		// phone would see the outcome in the state it resumes with.
		r.note("buzz_no_reply", nil)
		r.logf("%s：%v", t.teamKey, err)
		return nil
	}
	// The outcome is known when both the reply (my press is logged) and
	// the decision (抢到, whoever won) have arrived.
	var won decision
	select {
	case won = <-t.won:
	case <-time.After(r.cfg.Wait):
		return fmt.Errorf("%s 没有收到抢答结果", t.teamKey)
	}
	r.mu.Lock()
	r.buzzAck = append(r.buzzAck, rep.at-sent)
	// A press made after 抢到 was already on this phone would not happen
	// (its button is locked by then); only earlier presses wait for it.
	if won.at > sent {
		r.buzzDec = append(r.buzzDec, won.at-sent)
	}
	if won.winner == t.teamKey {
		r.buzzWon = append(r.buzzWon, won.at-sent)
	}
	r.mu.Unlock()
	r.delivered(ctx, cmd.Type, rep.seq, sent)
	return nil
}

func drain[T any](ch chan T) {
	for {
		select {
		case <-ch:
		default:
			return
		}
	}
}

// teamEvent watches for the buzzers opening and the decision.
func (c *client) teamEvent(ev contest.Event, _ json.RawMessage, at int64) {
	switch ev.Type {
	case contest.EvBuzzersOpened:
		select {
		case c.opened <- ev.Token:
		default:
		}
	case contest.EvBuzzWon:
		select {
		case c.won <- decision{at: at, winner: ev.Team}:
		default:
		}
	}
}

// finish counts what each screen missed and computes the figures.
func (r *runner) finish(rep *Report) {
	final := r.host.last.Load()
	rep.Events = final
	r.mu.Lock()
	defer r.mu.Unlock()
	var fromServer []int64
	for _, c := range r.clients {
		c.mu.Lock()
		for s := c.base + 1; s <= final; s++ {
			i := s - c.base - 1
			if i >= int64(len(c.recv)) || c.recv[i] == 0 {
				rep.Lost++
				continue
			}
			if at, ok := r.at[s]; ok {
				fromServer = append(fromServer, c.recv[i]-(at+r.offset))
			}
		}
		rep.Reconnects += c.reconns
		rep.Frames += c.frames.Load()
		rep.Bytes += c.bytes.Load()
		rep.Duplicates += c.dups
		c.mu.Unlock()
	}
	rep.Screen = summarize(r.screen)
	rep.ByStep = map[string]Dist{}
	for k, v := range r.byStep {
		rep.ByStep[string(k)] = summarize(v)
	}
	rep.ScreenFromServer = summarize(fromServer)
	rep.BuzzDecided = summarize(r.buzzDec)
	rep.BuzzWinner = summarize(r.buzzWon)
	rep.BuzzReply = summarize(r.buzzAck)
	rep.Steps = r.steps
	rep.LateSteps = r.lateStep
	rep.ClockRTT = time.Duration(r.bestRTT)
	rep.Notes = r.noted()
}

// Dist is a latency distribution.
type Dist struct {
	N                  int
	P50, P95, P99, Max time.Duration
}

func summarize(v []int64) Dist {
	if len(v) == 0 {
		return Dist{}
	}
	s := append([]int64(nil), v...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return Dist{N: len(s), P50: pct(s, 0.50), P95: pct(s, 0.95), P99: pct(s, 0.99), Max: time.Duration(s[len(s)-1])}
}

// pct is the nearest-rank percentile of sorted s.
func pct(s []int64, q float64) time.Duration {
	i := int(q*float64(len(s))+0.999999) - 1
	return time.Duration(s[min(max(i, 0), len(s)-1)])
}
