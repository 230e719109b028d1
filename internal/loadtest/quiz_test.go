package loadtest

import (
	"context"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"xuejiangping/internal/app"
	"xuejiangping/internal/db/dbtest"
)

func TestPeakPerSecond(t *testing.T) {
	ms := func(v ...int) []int64 {
		var out []int64
		for _, x := range v {
			out = append(out, int64(x)*int64(time.Millisecond))
		}
		return out
	}
	for _, c := range []struct {
		at   []int64
		want int
	}{
		{nil, 0},
		{ms(0), 1},
		{ms(0, 500, 1000, 1500, 2000), 2},
		{ms(0, 10, 20, 30, 2000), 4},
		{ms(0, 999, 1000), 2},
	} {
		if got := peakPerSecond(c.at); got != c.want {
			t.Errorf("peakPerSecond(%v) = %d, want %d", c.at, got, c.want)
		}
	}
}

// TestRunQuiz plays a small online quiz against a real server in this
// process: every member's answer must be taken once, every double tap
// refused, and the standings must count every member.
func TestRunQuiz(t *testing.T) {
	engines := map[string]func(t *testing.T) app.Config{
		"sqlite": func(t *testing.T) app.Config { return app.Config{DataDir: t.TempDir()} },
	}
	if os.Getenv(dbtest.EnvPostgres) != "" {
		engines["postgres"] = func(t *testing.T) app.Config { return app.Config{DSN: pgSchema(t)} }
	}
	for name, cfgFor := range engines {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			a, err := app.Open(ctx, cfgFor(t))
			if err != nil {
				t.Fatalf("open app: %v", err)
			}
			srv := httptest.NewServer(a.Web)
			t.Cleanup(func() { srv.Close(); a.Close() })

			const members, questions = 40, 2
			sh := QuizShape{Members: members - 10, Questions: 1, AnswerTime: 2 * time.Second}
			first, err := PrepareQuiz(ctx, a.DB, sh)
			if err != nil {
				t.Fatalf("prepare: %v", err)
			}
			// A second run reuses the members, adds the missing ones and
			// gives everyone a new session.
			sh.Members, sh.Questions = members, questions
			setup, err := PrepareQuiz(ctx, a.DB, sh)
			if err != nil {
				t.Fatalf("prepare again: %v", err)
			}
			if len(setup.Members) != members || setup.Members[0] != (QuizPhone{first.Members[0].MemberID, first.Members[0].Key, setup.Members[0].Cookie}) ||
				setup.Members[0].Cookie == first.Members[0].Cookie {
				t.Fatalf("members not reused with new sessions: %+v / %+v", first.Members[0], setup.Members[0])
			}
			var n int
			if err := a.DB.QueryRow(ctx, `SELECT COUNT(*) FROM login_sessions s JOIN users u ON u.id = s.user_id WHERE u.username LIKE 'loadtest-m%'`).Scan(&n); err != nil || n != members {
				t.Fatalf("%d loadtest sessions (%v), want %d: the old ones must go", n, err, members)
			}
			if err := a.DB.QueryRow(ctx, `SELECT COUNT(*) FROM orgs WHERE name LIKE '压测支部%'`).Scan(&n); err != nil || n != quizBranches {
				t.Fatalf("%d loadtest branches (%v), want %d", n, err, quizBranches)
			}

			rep, err := RunQuiz(ctx, QuizOptions{Addr: strings.TrimPrefix(srv.URL, "http://"), Dial: 10, Spread: 500 * time.Millisecond,
				DoubleTap: 0.25, ServerPID: os.Getpid()}, setup, a.DB)
			if err != nil {
				t.Fatalf("run: %v", err)
			}
			var sb strings.Builder
			rep.Write(&sb)
			t.Log("\n" + sb.String())
			if p := rep.Problems(); len(p) > 0 {
				t.Errorf("problems: %v", p)
			}
			if rep.Accepted != members*questions || rep.Stored != members*questions || rep.Lost != 0 {
				t.Errorf("accepted %d, stored %d, lost %d; want %d, %d, 0", rep.Accepted, rep.Stored, rep.Lost, members*questions, members*questions)
			}
			if rep.DoubleTaps == 0 || rep.Refused[refusedTwice] != rep.DoubleTaps {
				t.Errorf("double taps %d, refused as duplicates %d; want equal and > 0", rep.DoubleTaps, rep.Refused[refusedTwice])
			}
			if rep.Participants != members || rep.ResultPersons != members || rep.ResultBranches != quizBranches {
				t.Errorf("participants %d, result persons %d, branches %d; want %d, %d, %d",
					rep.Participants, rep.ResultPersons, rep.ResultBranches, members, members, quizBranches)
			}
			if rep.Seen.N != members*questions || rep.Reply.N != rep.Sent {
				t.Errorf("samples: seen %d, replies %d; want %d, %d", rep.Seen.N, rep.Reply.N, members*questions, rep.Sent)
			}
			for _, d := range []Dist{rep.Seen, rep.Reply} {
				if d.P50 <= 0 || d.P50 > d.P95 || d.P95 > d.P99 || d.P99 > d.Max {
					t.Errorf("percentiles out of order: %s", d)
				}
			}
			for _, s := range rep.Rounds {
				// The counts are pushed at most every 0.5 s, however many
				// answers arrive: 40 answers within 0.5 s make a few frames.
				if s.Frames < 1 || s.Peak > 4 {
					t.Errorf("question %d: big screen got %d frames, %d within a second; want a few, at the hub's rate", s.No, s.Frames, s.Peak)
				}
			}
			if rep.MemPeak.RSS <= 0 {
				t.Errorf("memory not read: %+v", rep.MemPeak)
			}
		})
	}
}
