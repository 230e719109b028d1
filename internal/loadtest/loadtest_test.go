package loadtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"xuejiangping/internal/app"
	"xuejiangping/internal/db/dbtest"
)

func TestPercentiles(t *testing.T) {
	var v []int64
	for i := 100; i >= 1; i-- {
		v = append(v, int64(i)*int64(time.Millisecond))
	}
	d := summarize(v)
	want := Dist{N: 100, P50: 50 * time.Millisecond, P95: 95 * time.Millisecond, P99: 99 * time.Millisecond, Max: 100 * time.Millisecond}
	if d != want {
		t.Errorf("summarize = %+v, want %+v", d, want)
	}
	if d := summarize([]int64{7}); d.P50 != 7 || d.P99 != 7 || d.Max != 7 {
		t.Errorf("one sample: %+v", d)
	}
	if d := summarize(nil); d.N != 0 {
		t.Errorf("no samples: %+v", d)
	}
}

func TestLeadingInt(t *testing.T) {
	if n, ok := leadingInt([]byte(`123,"now":5`)); !ok || n != 123 {
		t.Errorf("leadingInt = %d %v", n, ok)
	}
	if _, ok := leadingInt([]byte(`"x"`)); ok {
		t.Error("leadingInt accepted a non-number")
	}
}

// The hall's screens read seq numbers without decoding: an event frame
// records its seq, a multi frame every seq from "from" to "seq"; anything
// else goes to the full decoder.
func TestFastPath(t *testing.T) {
	c := &client{role: roleAudience, base: 4}
	c.last.Store(4)
	for _, f := range []string{
		`{"type":"event","seq":5,"now":1,"ev":{}}`,
		`{"type":"multi","seq":8,"from":6,"frames":[{},{},{}]}`,
	} {
		if !c.fastPath([]byte(f), 100) {
			t.Fatalf("fastPath refused %s", f)
		}
	}
	if c.last.Load() != 8 || c.dups != 0 {
		t.Errorf("last %d, dups %d; want 8, 0", c.last.Load(), c.dups)
	}
	for _, f := range []string{
		`{"type":"multi","seq":9,"frames":[]}`,
		`{"type":"multi","seq":9,"from":10,"frames":[]}`,
		`{"type":"quiz","seq":9}`,
		`{"type":"event","seq":"9"}`,
	} {
		if c.fastPath([]byte(f), 100) {
			t.Errorf("fastPath took %s", f)
		}
	}
}

// TestRun plays a small match against a real server in this process: every
// screen must get every event, and each figure must have its samples.
func TestRun(t *testing.T) {
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

			sh := Shape{Teams: 3, Judges: 3, Compulsory: 1, Buzzer: 2, Risk: 1}
			if _, err := Prepare(ctx, a.DB, sh); err != nil {
				t.Fatalf("prepare: %v", err)
			}
			// A second run reuses the staff accounts with new passwords.
			setup, err := Prepare(ctx, a.DB, sh)
			if err != nil {
				t.Fatalf("prepare again: %v", err)
			}
			const clients = 50
			rep, err := Run(ctx, Config{Addr: strings.TrimPrefix(srv.URL, "http://"), Clients: clients, Dial: 10,
				Reaction: 5 * time.Millisecond, Pause: 5 * time.Millisecond, ServerPID: os.Getpid()}, setup)
			if err != nil {
				t.Fatalf("run: %v", err)
			}
			var sb strings.Builder
			rep.Write(&sb)
			t.Log("\n" + sb.String())
			if rep.Lost != 0 || rep.Duplicates != 0 || rep.LateSteps != 0 {
				t.Errorf("lost %d, duplicates %d, late steps %d; want none", rep.Lost, rep.Duplicates, rep.LateSteps)
			}
			// start, 4 questions × (next, open, end, 2 votes), 1 stake, 6 buzzes, finish.
			if want := 1 + 4*5 + 1 + 6 + 1; rep.Steps != want {
				t.Errorf("steps %d, want %d", rep.Steps, want)
			}
			if rep.Screen.N != rep.Steps*clients {
				t.Errorf("screen samples %d, want %d (every screen, every step)", rep.Screen.N, rep.Steps*clients)
			}
			if rep.BuzzReply.N != sh.Teams*sh.Buzzer || rep.BuzzWinner.N != sh.Buzzer || rep.BuzzDecided.N < sh.Buzzer {
				t.Errorf("buzz samples: %d replies, %d winners, %d decided; want %d, %d, at least %d",
					rep.BuzzReply.N, rep.BuzzWinner.N, rep.BuzzDecided.N, sh.Teams*sh.Buzzer, sh.Buzzer, sh.Buzzer)
			}
			for _, d := range []Dist{rep.Screen, rep.ScreenFromServer, rep.BuzzDecided, rep.BuzzReply} {
				if d.P50 <= 0 || d.P50 > d.P95 || d.P95 > d.P99 || d.P99 > d.Max {
					t.Errorf("percentiles out of order: %s", d)
				}
			}
			if rep.Events < 30 {
				t.Errorf("only %d events in the log", rep.Events)
			}
			if rep.MemPeak.RSS <= 0 || rep.MemPeak.HWM < rep.MemPeak.RSS {
				t.Errorf("memory not read: %+v", rep.MemPeak)
			}
		})
	}
}

// pgSchema returns a DSN for a fresh schema on the test server, dropped
// afterwards.
func pgSchema(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv(dbtest.EnvPostgres)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "lt_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if a, err := sql.Open("pgx", dsn); err == nil {
			_, _ = a.Exec("DROP SCHEMA " + schema + " CASCADE")
			a.Close()
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("parse dsn: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
