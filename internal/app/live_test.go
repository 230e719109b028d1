package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"xuejiangping/internal/app"
	"xuejiangping/internal/audit"
	"xuejiangping/internal/live"
)

func testNATS(t *testing.T) string {
	url := os.Getenv("XUEJIANGPING_TEST_NATS")
	if url == "" {
		url = "nats://127.0.0.1:4222"
	}
	b, err := live.DialNATS(url, "probe", nil)
	if err != nil {
		t.Skipf("NATS not reachable at %s, skipping (start nats-server, or set XUEJIANGPING_TEST_NATS): %v", url, err)
	}
	b.Close()
	return url
}

func serveApp(t *testing.T, cfg app.Config) *app.App {
	t.Helper()
	a, err := app.Open(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Listen(); err != nil {
		a.Close()
		t.Fatal(err)
	}
	a.Serve()
	return a
}

// bigScreen connects a public big screen to a contest on a and waits for
// its hello; the returned channel is closed when the server drops it.
func bigScreen(t *testing.T, a *app.App, id int64) <-chan struct{} {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	url := fmt.Sprintf("ws://%s/contests/%d/ws?role=screen", a.Addr(), id)
	ws, _, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	ws.SetReadLimit(1 << 22)
	t.Cleanup(func() { ws.CloseNow() })
	_, b, err := ws.Read(ctx)
	var hello struct{ Type string }
	if err != nil || json.Unmarshal(b, &hello) != nil || hello.Type != "hello" {
		t.Fatalf("first frame %s, %v", b, err)
	}
	gone := make(chan struct{})
	go func() {
		defer close(gone)
		for {
			if _, _, err := ws.Read(context.Background()); err != nil {
				return
			}
		}
	}()
	return gone
}

// Two servers with --nats-url on one database: the first to open a contest
// holds its lease; a graceful Close drops its screens and releases the
// lease, and the other server takes the contest over at its next renewal
// while its own screen stays connected.
func TestServeWithNATSHandsOverOnClose(t *testing.T) {
	url := testNATS(t)
	dir := t.TempDir()
	a := serveApp(t, app.Config{DataDir: dir, District: "测试区", Addr: "127.0.0.1:0", NATSURL: url})
	defer a.Close()
	b := serveApp(t, app.Config{DataDir: dir, Addr: "127.0.0.1:0", NATSURL: url})
	defer b.Close()
	if a.Live.Owner == "" || a.Live.Owner == b.Live.Owner {
		t.Fatalf("instance names %q and %q", a.Live.Owner, b.Live.Owner)
	}
	ctx := context.Background()
	store := live.NewStore(a.DB)
	id, err := store.Create(ctx, audit.System, live.NewContest{Title: "多实例", Kind: "match", Stage: "final"})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"一队", "二队"} {
		if err := store.AddTeam(ctx, audit.System, id, live.TeamInput{Name: n}); err != nil {
			t.Fatal(err)
		}
	}
	if err := store.AddSegment(ctx, audit.System, id, live.SegmentInput{Kind: "buzzer", Points: 10}); err != nil {
		t.Fatal(err)
	}
	if err := store.AddQuestion(ctx, audit.System, id, live.QuestionInput{Segment: 1, Text: "第一题？", Answer: "答案"}); err != nil {
		t.Fatal(err)
	}
	goneA := bigScreen(t, a, id)
	goneB := bigScreen(t, b, id)
	if l, ok, _ := store.LeaseOf(ctx, id); !ok || l.Owner != a.Live.Owner {
		t.Fatalf("lease %+v %v, want held by the first server %s", l, ok, a.Live.Owner)
	}

	start := time.Now()
	a.Close()
	select {
	case <-goneA:
	case <-time.After(5 * time.Second):
		t.Fatal("the closed server's screen is still connected")
	}
	store = live.NewStore(b.DB) // a's pool is closed
	for {
		l, ok, _ := store.LeaseOf(ctx, id)
		if ok && l.Owner == b.Live.Owner {
			break
		}
		if ok && l.Owner == a.Live.Owner {
			t.Fatal("Close kept the lease")
		}
		if time.Since(start) > live.DefaultLeaseRenew+2*time.Second {
			t.Fatalf("not taken over %v after a graceful close (lease %+v %v)", time.Since(start), l, ok)
		}
		time.Sleep(20 * time.Millisecond)
	}
	select {
	case <-goneB:
		t.Fatal("the surviving server dropped its screen")
	default:
	}
}

func TestServeWithUnreachableNATS(t *testing.T) {
	_, err := app.Open(context.Background(), app.Config{DataDir: t.TempDir(), NATSURL: "nats://127.0.0.1:1"})
	if err == nil || !strings.Contains(err.Error(), "NATS") {
		t.Fatalf("open with an unreachable NATS: %v, want an error naming NATS", err)
	}
}
