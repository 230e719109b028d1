package live

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/contest"
	"xuejiangping/internal/db"
	"xuejiangping/internal/db/dbtest"
)

// fakeClock is a wall clock the test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// setupMatch creates a match with two teams, three judges and one buzzer
// segment of two questions; it returns the contest id.
func setupMatch(t *testing.T, d *db.DB) int64 {
	t.Helper()
	ctx := context.Background()
	s := NewStore(d)
	id, err := s.Create(ctx, audit.System, NewContest{Title: "测试赛", Kind: "match", Stage: "final"})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"一队", "二队"} {
		if err := s.AddTeam(ctx, audit.System, id, TeamInput{Name: n, Unit: n + "支部"}); err != nil {
			t.Fatal(err)
		}
	}
	for i, u := range []string{"judgea", "judgeb", "judgec"} {
		err := d.InTx(ctx, func(tx *db.Tx) error {
			_, err := tx.Insert(ctx, `INSERT INTO users (username, display_name, password_hash, created_at) VALUES (?, ?, 'x', ?)`, u, u, tx.Now)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.AddStaff(ctx, audit.System, id, StaffInput{Username: u, Role: "judge", Chief: i == 0}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.AddSegment(ctx, audit.System, id, SegmentInput{Kind: "buzzer", Points: 10}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"第一题？", "第二题？"} {
		if err := s.AddQuestion(ctx, audit.System, id, QuestionInput{Segment: 1, Text: q, Answer: "答案"}); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

func newTestManager(d *db.DB, clk *fakeClock) *Manager {
	m := NewManager(NewStore(d), slog.New(slog.NewTextHandler(io.Discard, nil)))
	m.Now = clk.Now
	return m
}

func do(t *testing.T, h *Hub, c contest.Command) []contest.Event {
	t.Helper()
	evs, err := h.Do(context.Background(), c)
	if err != nil {
		t.Fatalf("%s: %v", c.Type, err)
	}
	return evs
}

// Every frame a screen receives names an event that is already in the
// database: persisted before broadcast.
func TestEventPersistedBeforeBroadcast(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		id := setupMatch(t, d)
		clk := &fakeClock{t: time.Now()}
		m := newTestManager(d, clk)
		defer m.Close()
		h, err := m.Hub(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		sub := NewSub(contest.RoleAudience)
		if _, err := h.Subscribe(sub, -1); err != nil {
			t.Fatal(err)
		}
		checked := make(chan int, 1)
		go func() {
			n := 0
			for b := range eachFrame(t, sub) {
				var f frame
				if err := json.Unmarshal(b, &f); err != nil {
					t.Error(err)
				}
				var count int
				if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM contest_events WHERE contest_id = ? AND seq = ?`, id, f.Seq).Scan(&count); err != nil || count != 1 {
					t.Errorf("frame seq %d reached a screen before the database (count %d, err %v)", f.Seq, count, err)
				}
				n++
				if f.Event.Type == contest.EvAnswerStarted {
					checked <- n
					return
				}
			}
		}()
		do(t, h, contest.Command{Type: contest.CmdStart})
		do(t, h, contest.Command{Type: contest.CmdNextQuestion})
		do(t, h, contest.Command{Type: contest.CmdOpen})
		st, _ := h.State(ctx)
		do(t, h, contest.Command{Type: contest.CmdBuzz, Team: "t2", Token: st.Question.Token})
		select {
		case n := <-checked:
			if n < 5 {
				t.Errorf("saw %d frames, want ≥ 5", n)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("no answer_started frame")
		}
	})
}

// A restart mid-question brings back the question, the buzz winner and the
// remaining answer time exactly, from the log alone.
func TestRestartMidQuestion(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		id := setupMatch(t, d)
		clk := &fakeClock{t: time.Now()}
		m := newTestManager(d, clk)
		h, err := m.Hub(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		do(t, h, contest.Command{Type: contest.CmdStart})
		do(t, h, contest.Command{Type: contest.CmdNextQuestion})
		clk.Add(2 * time.Second) // the host reads the question
		do(t, h, contest.Command{Type: contest.CmdOpen})
		st, _ := h.State(ctx)
		clk.Add(400 * time.Millisecond)
		do(t, h, contest.Command{Type: contest.CmdBuzz, Team: "t2", Token: st.Question.Token})
		clk.Add(5 * time.Millisecond)
		// A losing press, after the decision: it stays in the log.
		do(t, h, contest.Command{Type: contest.CmdBuzz, Team: "t1", Token: st.Question.Token})
		before, _ := h.State(ctx)
		if before.Question.Phase != contest.PhaseAnswering || before.Question.Team != "t2" {
			t.Fatalf("before restart: phase %s team %s", before.Question.Phase, before.Question.Team)
		}
		clk.Add(time.Second)
		remainingBefore := before.Question.Deadline - h.Now()
		m.Close() // the process dies; only the database remains

		m2 := newTestManager(d, clk)
		defer m2.Close()
		h2, err := m2.Hub(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		after, _ := h2.State(ctx)
		q, qb := after.Question, before.Question
		if q == nil || q.Ref.ID != qb.Ref.ID || q.Team != "t2" || q.Phase != contest.PhaseAnswering || q.Deadline != qb.Deadline || len(q.Presses) != 2 {
			t.Fatalf("after restart: %+v\nwant %+v", q, qb)
		}
		if got := q.Deadline - h2.Now(); got != remainingBefore {
			t.Errorf("remaining time after restart %v, want %v", got, remainingBefore)
		}
		// The log goes on where it stopped: the timeout fires at the
		// deadline and the judges take over.
		clk.Add(remainingBefore)
		end, _ := h2.State(ctx)
		if end.Question.Phase != contest.PhaseJudging {
			t.Errorf("after the deadline: phase %s, want judging", end.Question.Phase)
		}
		evs, err := NewStore(d).Events(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(evs)) != end.Seq {
			t.Errorf("log has %d events, state seq %d", len(evs), end.Seq)
		}
	})
}

// A setup change is refused once the match has events.
func TestSetupFrozenAfterStart(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		id := setupMatch(t, d)
		m := newTestManager(d, &fakeClock{t: time.Now()})
		defer m.Close()
		h, err := m.Hub(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		do(t, h, contest.Command{Type: contest.CmdStart})
		err = NewStore(d).AddTeam(ctx, audit.System, id, TeamInput{Name: "三队"})
		if err == nil {
			t.Fatal("team added after the start")
		}
		c, _ := NewStore(d).Get(ctx, id)
		if !c.Frozen() || len(c.Teams) != 2 || c.Status != "running" {
			t.Errorf("frozen %v teams %d status %s", c.Frozen(), len(c.Teams), c.Status)
		}
	})
}

// A refused command changes nothing and writes nothing.
func TestRefusedCommandWritesNothing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		id := setupMatch(t, d)
		m := newTestManager(d, &fakeClock{t: time.Now()})
		defer m.Close()
		h, _ := m.Hub(ctx, id)
		if _, err := h.Do(ctx, contest.Command{Type: contest.CmdOpen}); err == nil {
			t.Fatal("open before start accepted")
		}
		evs, _ := NewStore(d).Events(ctx, id)
		if len(evs) != 0 {
			t.Errorf("%d events written by a refused command", len(evs))
		}
	})
}
