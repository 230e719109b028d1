package live

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/contest"
	"xuejiangping/internal/db"
	"xuejiangping/internal/db/dbtest"
	"xuejiangping/internal/errs"
)

// Several instances of the server in one test process: each has its own
// manager, its own database pool and its own broker connection, and serves
// WebSocket screens on its own port, as behind a load balancer.

// testLeaseTTL is on the fake clock, which the test moves in steps of up to
// two seconds while the owner lives; the answer time is set well above it.
const testLeaseTTL = 5 * time.Second

type instance struct {
	name string
	m    *Manager
	b    Broker
	srv  *httptest.Server
}

func startInstance(t testing.TB, d *db.DB, name string, b Broker, clk *fakeClock) *instance {
	t.Helper()
	m := NewManager(NewStore(d), slog.New(slog.NewTextHandler(io.Discard, nil)))
	m.Now, m.Owner, m.Broker = clk.Now, name, b
	// The fake clock decides expiry; the renewals run on real time, often,
	// so the test does not wait on them.
	m.LeaseTTL, m.LeaseRenew = testLeaseTTL, 20*time.Millisecond
	in := &instance{name: name, m: m, b: b}
	in.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		cid, _ := strconv.ParseInt(q.Get("contest"), 10, 64)
		since, _ := strconv.ParseInt(q.Get("since"), 10, 64)
		id := Identity{Role: contest.Role(q.Get("role")), Team: q.Get("team")}
		h, err := m.Hub(r.Context(), cid)
		if err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		_ = Serve(w, r, h, id, since, m.Log)
	}))
	t.Cleanup(func() {
		in.srv.Close()
		m.Close()
		b.Close()
	})
	return in
}

// kill stops the instance the way a crash does: no lease released, no
// broker goodbye; its screens lose their connections.
func (in *instance) kill() {
	in.m.shutdown(false)
	in.b.Close()
	in.srv.CloseClientConnections()
}

// screen is a WebSocket client that records every event sequence number it
// is shown, from its hello and from event frames, in order.
type screen struct {
	t    *testing.T
	name string
	ws   *websocket.Conn
	ref  int64

	mu      sync.Mutex
	seqs    []int64
	types   map[contest.EventType]int
	replies map[int64]wireFrame
	hello   bool
	closed  bool
}

type wireFrame struct {
	Type    string            `json:"type"`
	Seq     int64             `json:"seq"`
	Ref     int64             `json:"ref"`
	OK      bool              `json:"ok"`
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Ev      *contest.Event    `json:"ev"`
	Events  []contest.Event   `json:"events"`
	Frames  []json.RawMessage `json:"frames"` // a hall screen's "multi" frame
}

func dial(t *testing.T, in *instance, contestID int64, name, query string, since int64) *screen {
	t.Helper()
	url := fmt.Sprintf("ws%s/ws?contest=%d&since=%d&%s", strings.TrimPrefix(in.srv.URL, "http"), contestID, since, query)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		t.Fatalf("%s: dial %s: %v", name, in.name, err)
	}
	ws.SetReadLimit(1 << 22)
	s := &screen{t: t, name: name, ws: ws, types: map[contest.EventType]int{}, replies: map[int64]wireFrame{}}
	go s.read()
	t.Cleanup(func() { ws.CloseNow() })
	waitUntil(t, name+" hello", func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.hello
	})
	return s
}

func (s *screen) read() {
	for {
		_, b, err := s.ws.Read(context.Background())
		if err != nil {
			s.mu.Lock()
			s.closed = true
			s.mu.Unlock()
			return
		}
		s.handle(b)
	}
}

func (s *screen) handle(b []byte) {
	var f wireFrame
	if err := json.Unmarshal(b, &f); err != nil {
		s.t.Errorf("%s: bad frame %s", s.name, b)
		return
	}
	if f.Type == "multi" {
		for _, inner := range f.Frames {
			s.handle(inner)
		}
		return
	}
	{
		s.mu.Lock()
		switch f.Type {
		case "hello":
			s.hello = true
			for _, ev := range f.Events {
				s.seqs = append(s.seqs, ev.Seq)
				s.types[ev.Type]++
			}
		case "event":
			s.seqs = append(s.seqs, f.Seq)
			s.types[f.Ev.Type]++
		case "reply", "error":
			s.replies[f.Ref] = f
		}
		s.mu.Unlock()
	}
}

// cmd sends a command and waits for its reply; it returns the error code
// ("" when accepted).
func (s *screen) cmd(c string) string {
	s.t.Helper()
	s.ref++
	ref := s.ref
	msg := fmt.Sprintf(`{"type":"cmd","ref":%d,"cmd":%s}`, ref, c)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.ws.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
		s.t.Fatalf("%s: send %s: %v", s.name, c, err)
	}
	var f wireFrame
	waitUntil(s.t, s.name+" reply to "+c, func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		var ok bool
		f, ok = s.replies[ref]
		return ok
	})
	if f.Type == "error" {
		return f.Code
	}
	return ""
}

func (s *screen) saw(t contest.EventType) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.types[t] > 0
}

func (s *screen) last() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.seqs) == 0 {
		return 0
	}
	return s.seqs[len(s.seqs)-1]
}

func (s *screen) seen() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.seqs)
}

func (s *screen) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// consecutive reports whether seqs is exactly from..to, each once, in order.
func consecutive(seqs []int64, from, to int64) bool {
	if int64(len(seqs)) != to-from+1 {
		return false
	}
	for i, s := range seqs {
		if s != from+int64(i) {
			return false
		}
	}
	return true
}

// brokers makes one broker per instance: connections to one NATS server,
// or one shared in-process broker.
type brokers func(t testing.TB, name string) Broker

func inprocBrokers() brokers {
	shared := NewInProc()
	return func(testing.TB, string) Broker { return shared }
}

// natsBrokers connects to the test NATS server (XUEJIANGPING_TEST_NATS,
// default nats://127.0.0.1:4222) under a subject prefix of this test's own,
// so parallel runs do not hear each other. It skips when NATS is not there.
func natsBrokers(t testing.TB) brokers {
	url := os.Getenv("XUEJIANGPING_TEST_NATS")
	if url == "" {
		url = "nats://127.0.0.1:4222"
	}
	probe, err := DialNATS(url, "probe", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Skipf("NATS not reachable at %s, skipping the multi-instance NATS test (start nats-server, or set XUEJIANGPING_TEST_NATS): %v", url, err)
	}
	probe.Close()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	prefix := "xuejiangping.test." + hex.EncodeToString(b) + ".contest."
	return func(t testing.TB, name string) Broker {
		n, err := DialNATS(url, name, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		n.prefix = prefix
		return n
	}
}

// secondPool opens another connection pool on the same database, as a
// second server process would: the same file for SQLite; PostgreSQL shares
// the test's pool, whose schema is private to the test.
func secondPool(t testing.TB, d *db.DB) *db.DB {
	if d.Dialect != db.SQLite {
		return d
	}
	d2, err := db.Open(context.Background(), d.Path())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d2.Close() })
	return d2
}

func TestOwnerDiesMidQuestionInProc(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) { ownerDiesMidQuestion(t, d, inprocBrokers()) })
}

func TestOwnerDiesMidQuestionNATS(t *testing.T) {
	mk := natsBrokers(t)
	dbtest.Each(t, func(t *testing.T, d *db.DB) { ownerDiesMidQuestion(t, d, mk) })
}

// Two instances serve one match, screens on both. The owner dies after a
// team has buzzed and while it is answering; after the lease expires the
// other instance takes over: same question, same buzz winner, same
// deadline, its screens saw every event exactly once and in order, a
// screen of the dead instance resumes on the survivor, and the survivor
// accepts the next command.
func ownerDiesMidQuestion(t *testing.T, d *db.DB, mk brokers) {
	ctx := context.Background()
	id := setupMatch(t, d)
	if err := NewStore(d).SetRules(ctx, audit.System, id, Rules{AnswerMS: 60000, JudgeRule: "majority", TieRule: "first", TieWindowMS: 30}); err != nil {
		t.Fatal(err)
	}
	clk := &fakeClock{t: time.Now()}
	a := startInstance(t, d, "a", mk(t, "a"), clk)
	b := startInstance(t, secondPool(t, d), "b", mk(t, "b"), clk)

	hA, err := a.m.Hub(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	hB, err := b.m.Hub(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !hA.Owning() || hB.Owning() {
		t.Fatalf("owning: a %v, b %v; want a only", hA.Owning(), hB.Owning())
	}

	audA := dial(t, a, id, "audience@a", "role=audience", 0)
	audB := dial(t, b, id, "audience@b", "role=audience", 0)
	host := dial(t, b, id, "host@b", "role=host", 0)
	team := dial(t, b, id, "team2@b", "role=team&team=t2", 0)

	// The host and the team are on the follower: their commands go to a.
	for _, c := range []string{`{"type":"start"}`, `{"type":"next_question"}`} {
		if code := host.cmd(c); code != "" {
			t.Fatalf("%s via b: %s", c, code)
		}
	}
	clk.Add(2 * time.Second) // the host reads the question
	if code := host.cmd(`{"type":"open"}`); code != "" {
		t.Fatalf("open via b: %s", code)
	}
	waitUntil(t, "b's copy to see the buzzers open", func() bool { return audB.saw(contest.EvBuzzersOpened) })
	st, _ := hB.State(ctx)
	clk.Add(300 * time.Millisecond)
	if code := team.cmd(fmt.Sprintf(`{"type":"buzz","team":"t2","token":%q}`, st.Question.Token)); code != "" {
		t.Fatalf("buzz via b: %s", code)
	}
	waitUntil(t, "answer_started on both instances", func() bool {
		return audA.saw(contest.EvAnswerStarted) && audB.saw(contest.EvAnswerStarted)
	})
	before, _ := hB.State(ctx)
	ownerView, _ := hA.State(ctx)
	if before.Seq != ownerView.Seq || before.Question.Deadline != ownerView.Question.Deadline {
		t.Fatalf("b's copy (seq %d) differs from the owner's (seq %d)", before.Seq, ownerView.Seq)
	}
	clk.Add(500 * time.Millisecond)
	remaining := before.Question.Deadline - hB.Now()
	seenByA := audA.last()

	a.kill()
	waitUntil(t, "a's screens to be dropped", audA.isClosed)

	// Until the lease expires nobody owns the match: a command is refused
	// with a reason and changes nothing.
	if code := host.cmd(`{"type":"end_answer"}`); code != "contest_moving" && code != "contest_closed" {
		t.Fatalf("command while nobody owns the match: %q, want contest_moving", code)
	}
	const gap = testLeaseTTL + 100*time.Millisecond
	clk.Add(gap)
	waitUntil(t, "b to take over", hB.Owning)

	after, _ := hB.State(ctx)
	q, qb := after.Question, before.Question
	if after.Seq != before.Seq || q == nil || q.Ref.ID != qb.Ref.ID || q.Team != "t2" || q.Phase != contest.PhaseAnswering || q.Deadline != qb.Deadline {
		t.Fatalf("after takeover seq %d %+v\nwant seq %d %+v", after.Seq, q, before.Seq, qb)
	}
	if got := q.Deadline - hB.Now(); got != remaining-gap {
		t.Errorf("remaining time after takeover %v, want %v", got, remaining-gap)
	}

	// The survivor accepts the next command and its screens go on.
	if code := host.cmd(`{"type":"end_answer"}`); code != "" {
		t.Fatalf("end_answer after takeover: %s", code)
	}
	waitUntil(t, "judging on b's screen", func() bool { return audB.saw(contest.EvJudgingStarted) })

	evs, err := NewStore(d).Events(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	final := int64(len(evs))
	if final != before.Seq+1 || evs[final-1].Type != contest.EvJudgingStarted {
		t.Fatalf("log has %d events ending in %s, want %d ending in judging_started", final, evs[final-1].Type, before.Seq+1)
	}
	if got := audB.seen(); !consecutive(got, 1, final) {
		t.Errorf("b's audience saw %v, want 1..%d once each", got, final)
	}

	// A screen of the dead instance reconnects to the survivor with the
	// last sequence it saw and gets exactly what it missed.
	back := dial(t, b, id, "audience@a→b", "role=audience", seenByA)
	waitUntil(t, "the resumed screen to catch up", func() bool { return back.last() == final })
	if got := append(audA.seen(), back.seen()...); !consecutive(got, 1, final) {
		t.Errorf("resumed screen saw %v, want 1..%d once each", got, final)
	}
}

// A graceful shutdown releases the lease: the other instance takes over at
// its next renewal, without waiting for the expiry.
func TestGracefulShutdownHandsOver(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		id := setupMatch(t, d)
		clk := &fakeClock{t: time.Now()}
		mk := inprocBrokers()
		a := startInstance(t, d, "a", mk(t, "a"), clk)
		b := startInstance(t, secondPool(t, d), "b", mk(t, "b"), clk)
		hA, _ := a.m.Hub(ctx, id)
		hB, err := b.m.Hub(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		do(t, hA, contest.Command{Type: contest.CmdStart})
		a.m.Close()
		if l, ok, _ := NewStore(d).LeaseOf(ctx, id); ok && l.Owner == "a" {
			t.Fatal("a's lease is still there after Close")
		}
		waitUntil(t, "b to take over without the clock moving", hB.Owning)
		evs := do(t, hB, contest.Command{Type: contest.CmdNextQuestion})
		if len(evs) == 0 || evs[0].Seq != 2 {
			t.Fatalf("b's first events %+v, want seq 2", evs)
		}
	})
}

// A follower that missed broker messages gets the events from the log, in
// order, at its next renewal.
func TestFollowerRepairsLostMessages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		id := setupMatch(t, d)
		clk := &fakeClock{t: time.Now()}
		a := startInstance(t, d, "a", NewInProc(), clk) // separate brokers:
		b := startInstance(t, secondPool(t, d), "b", NewInProc(), clk)
		hA, _ := a.m.Hub(ctx, id) // every message to b is lost
		hB, err := b.m.Hub(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		aud := dial(t, b, id, "audience@b", "role=audience", 0)
		do(t, hA, contest.Command{Type: contest.CmdStart})
		do(t, hA, contest.Command{Type: contest.CmdNextQuestion})
		waitUntil(t, "b's screen to get the events from the log", func() bool { return aud.last() == 2 })
		if got := aud.seen(); !consecutive(got, 1, 2) {
			t.Errorf("b's screen saw %v, want 1..2", got)
		}
		if st, _ := hB.State(ctx); st.Seq != 2 || st.Question == nil {
			t.Errorf("b's copy at seq %d, want 2 with a question", st.Seq)
		}
	})
}

// A setup change made through one instance reaches the hubs of the others,
// so the owner never freezes an outdated config with the first event.
func TestSetupChangeReloadsEveryInstance(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		id := setupMatch(t, d)
		clk := &fakeClock{t: time.Now()}
		mk := inprocBrokers()
		a := startInstance(t, d, "a", mk(t, "a"), clk)
		b := startInstance(t, secondPool(t, d), "b", mk(t, "b"), clk)
		hA, _ := a.m.Hub(ctx, id)
		if _, err := b.m.Hub(ctx, id); err != nil {
			t.Fatal(err)
		}
		if err := NewStore(d).AddTeam(ctx, audit.System, id, TeamInput{Name: "三队", Unit: "三支部"}); err != nil {
			t.Fatal(err)
		}
		b.m.Reload(id) // the setup page ran on b
		select {
		case <-hA.Done():
		case <-time.After(5 * time.Second):
			t.Fatal("a's hub kept the old setup")
		}
		hA, err := a.m.Hub(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		do(t, hA, contest.Command{Type: contest.CmdStart})
		c, _ := NewStore(d).Get(ctx, id)
		cfg, err := c.MatchConfig()
		if err != nil || len(cfg.Teams) != 3 {
			t.Fatalf("frozen config has %d teams (%v), want 3", len(cfg.Teams), err)
		}
	})
}

// quizForFour creates an online quiz of one choice question and four
// members; it returns the contest id and the member keys.
func quizForFour(t *testing.T, d *db.DB) (int64, []string) {
	t.Helper()
	ctx := context.Background()
	s := NewStore(d)
	id, err := s.Create(ctx, audit.System, NewContest{Title: "多实例竞答", Kind: "quiz", Stage: "final"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetQuizRules(ctx, audit.System, id, QuizRules{AnswerMS: 60000, BasePoints: 10, SpeedPoints: 10}); err != nil {
		t.Fatal(err)
	}
	if err := s.AddQuestion(ctx, audit.System, id, QuestionInput{Text: "“学讲评”中的“讲”指什么？", Options: "讲党课\n讲故事", Answer: "A"}); err != nil {
		t.Fatal(err)
	}
	var keys []string
	err = d.InTx(ctx, func(tx *db.Tx) error {
		org, err := tx.Insert(ctx, `INSERT INTO orgs (name, kind, created_at) VALUES ('多实例支部', 'branch', ?)`, tx.Now)
		if err != nil {
			return err
		}
		for i := range 4 {
			m, err := tx.Insert(ctx, `INSERT INTO members (org_id, name, created_at, updated_at) VALUES (?, ?, ?, ?)`, org, fmt.Sprintf("党员%d", i), tx.Now, tx.Now)
			if err != nil {
				return err
			}
			keys = append(keys, MemberKey(m))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return id, keys
}

// answersOn reads the answer count a new screen of h is shown.
func answersOn(t *testing.T, h *Hub) int {
	t.Helper()
	b, err := h.Subscribe(NewSub(contest.RoleAudience), -1)
	if err != nil {
		t.Fatal(err)
	}
	var hello struct {
		Snap contest.QuizSnapshot `json:"snap"`
	}
	if err := json.Unmarshal(b, &hello); err != nil {
		t.Fatal(err)
	}
	return hello.Snap.Answers
}

// An online quiz on two instances: answers given on the follower count
// once, both instances show them, and after the owner dies the survivor
// keeps every answer, still refuses a second one, and takes new ones.
func TestQuizOnTwoInstances(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		id, keys := quizForFour(t, d)
		clk := &fakeClock{t: time.Now()}
		mk := inprocBrokers()
		a := startInstance(t, d, "a", mk(t, "a"), clk)
		b := startInstance(t, secondPool(t, d), "b", mk(t, "b"), clk)
		hA, _ := a.m.Hub(ctx, id)
		hB, err := b.m.Hub(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		tok := do(t, hB, contest.Command{Type: contest.CmdQuizOpen})[0].Token
		clk.Add(time.Second)
		for _, k := range keys[:3] {
			do(t, hB, contest.Command{Type: contest.CmdQuizAnswer, Member: k, Token: tok, Choice: "A"})
		}
		waitUntil(t, "three answers on both instances", func() bool { return answersOn(t, hA) == 3 && answersOn(t, hB) == 3 })

		a.kill()
		clk.Add(testLeaseTTL + 100*time.Millisecond)
		waitUntil(t, "b to take over", hB.Owning)
		if n := answersOn(t, hB); n != 3 {
			t.Fatalf("after takeover b shows %d answers, want 3", n)
		}
		_, err = hB.Do(ctx, contest.Command{Type: contest.CmdQuizAnswer, Member: keys[0], Token: tok, Choice: "B"})
		if code := errs.As(err).Code; code != "quiz_already_answered" {
			t.Fatalf("second answer after takeover: %v, want quiz_already_answered", err)
		}
		do(t, hB, contest.Command{Type: contest.CmdQuizAnswer, Member: keys[3], Token: tok, Choice: "B"})
		var n int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM contest_quiz_answers WHERE contest_id = ?`, id).Scan(&n); err != nil || n != 4 {
			t.Fatalf("%d answer rows (%v), want 4", n, err)
		}
	})
}
