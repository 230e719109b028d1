package live

import (
	"context"
	"testing"
	"time"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/contest"
	"xuejiangping/internal/db/dbtest"
)

// What forwarding costs: one command (a device delay measurement, which
// writes one event) submitted on the owner, and on a follower that forwards
// it to the owner through NATS. Both include the SQLite commit.
//
//	go test -run '^$' -bench CommandVia -benchtime 2000x ./internal/live/
func BenchmarkCommandViaOwner(b *testing.B)    { benchCommandVia(b, false) }
func BenchmarkCommandViaFollower(b *testing.B) { benchCommandVia(b, true) }

func benchCommandVia(b *testing.B, follower bool) {
	mk := natsBrokers(b)
	d := dbtest.SQLite(b)
	ctx := context.Background()
	s := NewStore(d)
	id, err := s.Create(ctx, audit.System, NewContest{Title: "基准", Kind: "match", Stage: "final"})
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []string{"一队", "二队"} {
		if err := s.AddTeam(ctx, audit.System, id, TeamInput{Name: n}); err != nil {
			b.Fatal(err)
		}
	}
	if err := s.AddSegment(ctx, audit.System, id, SegmentInput{Kind: "buzzer", Points: 10}); err != nil {
		b.Fatal(err)
	}
	if err := s.AddQuestion(ctx, audit.System, id, QuestionInput{Segment: 1, Text: "第一题？", Answer: "答案"}); err != nil {
		b.Fatal(err)
	}
	clk := &fakeClock{t: time.Now()}
	a := startInstance(b, d, "a", mk(b, "a"), clk)
	f := startInstance(b, secondPool(b, d), "b", mk(b, "b"), clk)
	h, err := a.m.Hub(ctx, id)
	if err != nil {
		b.Fatal(err)
	}
	hB, err := f.m.Hub(ctx, id)
	if err != nil {
		b.Fatal(err)
	}
	if follower {
		h = hB
	}
	cmd := contest.Command{Type: contest.CmdMeasureDelay, Team: "t1", Device: "t1-x"}
	i := 0
	for b.Loop() {
		i++
		cmd.Delay = time.Duration(1+i%2) * 30 * time.Millisecond // changed each time, so an event is written
		if _, err := h.Do(ctx, cmd); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if evs, err := s.Events(ctx, id); err != nil || len(evs) != i {
		b.Fatalf("%d events for %d commands (%v)", len(evs), i, err)
	}
}
