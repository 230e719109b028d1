package live

import (
	"encoding/json"
	"fmt"
	"iter"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"xuejiangping/internal/contest"
)

// eachFrame yields the frames a screen receives, with the frames of a
// "multi" frame one by one, in order, and tells the hall each was written
// (as the screen's writer does).
func eachFrame(t *testing.T, s *Sub) iter.Seq[[]byte] {
	return func(yield func([]byte) bool) {
		for b := range s.Frames() {
			if s.hall != nil {
				s.hall.wrote(s)
			}
			for _, f := range splitFrames(t, b) {
				if !yield(f) {
					return
				}
			}
		}
	}
}

func splitFrames(t *testing.T, b []byte) [][]byte {
	t.Helper()
	var m struct {
		Type   string            `json:"type"`
		Seq    int64             `json:"seq"`
		From   int64             `json:"from"`
		Frames []json.RawMessage `json:"frames"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("bad frame %.80s: %v", b, err)
	}
	if m.Type != "multi" {
		return [][]byte{b}
	}
	if len(m.Frames) < 2 {
		t.Errorf("a multi frame with %d frames", len(m.Frames))
	}
	out := make([][]byte, len(m.Frames))
	for i, f := range m.Frames {
		out[i] = f
	}
	return out
}

func seqOf(t *testing.T, b []byte) int64 {
	var f struct{ Seq int64 }
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return f.Seq
}

// A screen that is behind gets what it missed in one multi frame, in
// order, with from and seq naming the first and last; a screen that keeps
// up gets the frames one by one; every screen ends with every frame once.
func TestHallCoalescesForScreensBehind(t *testing.T) {
	var stats HubStats
	p := newHall(&stats)
	defer p.close()
	fast, slow := NewSub(contest.RoleAudience), NewSub(contest.RoleAudience)
	p.add(fast)
	p.add(slow)
	var got []int64
	var mu sync.Mutex
	done := make(chan struct{})
	go func() { // the fast screen's writer: writes at once
		defer close(done)
		for b := range fast.Frames() {
			for _, f := range splitFrames(t, b) {
				mu.Lock()
				got = append(got, seqOf(t, f))
				mu.Unlock()
			}
			p.wrote(fast)
			mu.Lock()
			n := len(got)
			mu.Unlock()
			if n == 10 {
				return
			}
		}
	}()
	for i := int64(1); i <= 10; i++ {
		p.publish(i, fmt.Appendf(nil, `{"type":"event","seq":%d}`, i), nil)
		time.Sleep(time.Millisecond)
	}
	<-done
	for i, s := range got {
		if s != int64(i+1) {
			t.Fatalf("fast screen got seqs %v, want 1…10 in order", got)
		}
	}
	// The slow screen's writer has not run: its first frame is still
	// queued, and the other nine wait in the hall; once it has written the
	// first, they come as one multi frame.
	if n := len(slow.Frames()); n != 1 {
		t.Fatalf("slow screen has %d frames queued, want 1", n)
	}
	var all []int64
	var multi int
	deadline := time.After(5 * time.Second)
	for len(all) < 10 {
		select {
		case b := <-slow.Frames():
			parts := splitFrames(t, b)
			if len(parts) > 1 {
				multi++
				var head struct{ Seq, From int64 }
				_ = json.Unmarshal(b, &head)
				if head.From != seqOf(t, parts[0]) || head.Seq != seqOf(t, parts[len(parts)-1]) {
					t.Errorf("multi frame says from %d seq %d, holds %d…%d", head.From, head.Seq, seqOf(t, parts[0]), seqOf(t, parts[len(parts)-1]))
				}
			}
			for _, f := range parts {
				all = append(all, seqOf(t, f))
			}
			p.wrote(slow)
		case <-deadline:
			t.Fatalf("slow screen has %v", all)
		}
	}
	for i, s := range all {
		if s != int64(i+1) {
			t.Fatalf("slow screen got %v, want 1…10 in order", all)
		}
	}
	if multi != 1 {
		t.Errorf("the slow screen got %d multi frames, want 1 (frames 2…10)", multi)
	}
	if stats.Dropped != 0 {
		t.Errorf("%d screens dropped", stats.Dropped)
	}
}

// A screen so far behind that the hall no longer keeps what it missed is
// dropped (it reconnects and resumes from its seq); one that keeps up is not.
func TestHallDropsScreenTooFarBehind(t *testing.T) {
	var stats HubStats
	p := newHall(&stats)
	defer p.close()
	stuck, ok := NewSub(contest.RoleAudience), NewSub(contest.RoleAudience)
	p.add(stuck)
	p.add(ok)
	var okSeq atomic.Int64
	go func() { // a writer that keeps up
		for b := range ok.Frames() {
			parts := splitFrames(t, b)
			okSeq.Store(seqOf(t, parts[len(parts)-1]))
			p.wrote(ok)
		}
	}()
	p.publish(1, []byte(`{"type":"event","seq":1}`), nil)
	<-stuck.Frames() // its writer took frame 1 and never finishes writing it
	p.publish(2, []byte(`{"type":"event","seq":2}`), nil)
	waitFor(t, "frame 2 queued", func() bool { return len(stuck.Frames()) == 1 })
	for i := int64(3); i <= hallKeep+3; i++ {
		p.publish(i, fmt.Appendf(nil, `{"type":"event","seq":%d}`, i), nil)
		waitFor(t, "the other screen keeps up", func() bool { return okSeq.Load() == i })
	}
	select {
	case <-stuck.Dropped():
	case <-time.After(5 * time.Second):
		t.Fatal("a screen too far behind was not dropped")
	}
	if stuck.Reason() != "slow" {
		t.Errorf("reason %q", stuck.Reason())
	}
	waitFor(t, "one screen left", func() bool { return p.len() == 1 })
	select {
	case <-ok.Dropped():
		t.Error("the screen that kept up was dropped")
	default:
	}
}

func dropZero(s []int64) []int64 {
	out := s[:0]
	for _, v := range s {
		if v != 0 {
			out = append(out, v)
		}
	}
	return out
}

// Inside a multi frame only the last frame carries its state: the earlier
// ones are sent bare, since the screen renders the newest state anyway.
func TestHallMultiFrameCarriesLastStateOnly(t *testing.T) {
	var stats HubStats
	p := newHall(&stats)
	defer p.close()
	s := NewSub(contest.RoleAudience)
	p.add(s)
	p.publish(1, []byte(`{"type":"event","seq":1,"state":{"n":1}}`), []byte(`{"type":"event","seq":1}`))
	first := <-s.Frames() // the writer is busy with frame 1
	if string(first) != `{"type":"event","seq":1,"state":{"n":1}}` {
		t.Fatalf("first frame %s", first)
	}
	p.publish(2, []byte(`{"type":"event","seq":2,"state":{"n":2}}`), []byte(`{"type":"event","seq":2}`))
	waitFor(t, "frame 2 queued", func() bool { return len(s.Frames()) == 1 })
	p.publish(3, []byte(`{"type":"event","seq":3,"state":{"n":3}}`), []byte(`{"type":"event","seq":3}`))
	p.publish(4, []byte(`{"type":"event","seq":4,"state":{"n":4}}`), []byte(`{"type":"event","seq":4}`))
	if b := <-s.Frames(); string(b) != `{"type":"event","seq":2,"state":{"n":2}}` {
		t.Fatalf("second frame %s", b)
	}
	p.wrote(s)
	p.wrote(s)
	select {
	case b := <-s.Frames():
		want := `{"type":"multi","seq":4,"from":3,"frames":[{"type":"event","seq":3},{"type":"event","seq":4,"state":{"n":4}}]}`
		if string(b) != want {
			t.Errorf("multi frame\n got %s\nwant %s", b, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no multi frame")
	}
}

// Each pass that writes frames is measured for /metrics.
func TestHallPassMeasured(t *testing.T) {
	count := func() uint64 {
		var m dto.Metric
		if err := hallPass.Write(&m); err != nil {
			t.Fatal(err)
		}
		return m.GetHistogram().GetSampleCount()
	}
	before := count()
	var stats HubStats
	p := newHall(&stats)
	defer p.close()
	s := NewSub(contest.RoleAudience)
	p.add(s)
	p.publish(1, []byte(`{"type":"event","seq":1}`), nil)
	<-s.Frames()
	p.wrote(s)
	waitFor(t, "a pass measured", func() bool { return count() > before })
}
