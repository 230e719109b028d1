package live

import (
	"bytes"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// A hall is one class of screens that may number in the thousands — the
// big screens and audience views, or a quiz's members' phones. The hub does
// not write to them itself; it publishes each frame to the hall, and the
// hall's pacer goroutine hands the frames out.
//
// Why a pacer: handing one frame to ten thousand writer goroutines at once
// makes them all runnable together, and Go's scheduler runs its queues dry
// before it looks at the network again. A buzzer's press then waited behind
// the whole hall (p50 145 ms with 10,000 screens). The pacer hands frames out
// a chunk of screens at a time and waits until the chunk is written, so
// between chunks the processors fall idle for a moment, poll the network and
// run the host's, the judges' and the buzzers' goroutines.
//
// And a screen still behind when more frames arrive gets all it has not had
// in one "multi" frame: one socket write instead of several, and the write
// is most of what the fan-out costs.
type hall struct {
	mu     sync.Mutex
	frames []hallFrame // the last hallKeep frames published
	next   int64       // number of the next frame; frames are numbered from 1
	pos    map[*Sub]int64
	order  []*Sub // iteration order of pos, rebuilt when a screen comes or goes
	dirty  bool

	cacheLast int64            // the merged frames in cache end at this frame
	cache     map[int64][]byte // first frame number → merged frame

	wake  chan struct{}
	stop  chan struct{}
	stats *HubStats
}

// chunkWait counts the frames of one chunk not yet written.
type chunkWait struct {
	n    atomic.Int32
	done chan struct{}
}

func (w *chunkWait) wrote() {
	if w.n.Add(-1) == 0 {
		close(w.done)
	}
}

type hallFrame struct {
	seq  int64
	b    []byte
	bare []byte // the frame without the state it carries (nil: the same), for inside a multi frame
	at   time.Time
}

// Pacing of the hall.
const (
	hallChunk = 64                   // screens handed a frame before the pacer waits
	hallWait  = 3 * time.Millisecond // longest wait for a chunk (a stuck screen must not hold the hall)
	hallKeep  = 256                  // frames kept for screens that are behind; further behind, they resume
)

func newHall(stats *HubStats) *hall {
	p := &hall{next: 1, pos: map[*Sub]int64{}, cache: map[int64][]byte{},
		wake: make(chan struct{}, 1), stop: make(chan struct{}), stats: stats}
	go p.run()
	return p
}

// add registers a screen that has had every frame so far (its hello frame
// holds them). Called on the hub goroutine, which alone publishes, so no
// frame can fall between the hello and the screen's first hall frame.
func (p *hall) add(s *Sub) {
	s.hall = p
	p.mu.Lock()
	p.pos[s] = p.next - 1
	p.dirty = true
	p.mu.Unlock()
}

func (p *hall) remove(s *Sub) {
	p.mu.Lock()
	if _, ok := p.pos[s]; ok {
		delete(p.pos, s)
		p.dirty = true
	}
	p.mu.Unlock()
}

func (p *hall) len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.pos)
}

// publish queues a frame for every screen of the hall; it never blocks.
// seq is the frame's event seq (what a "multi" frame's from/seq say); bare,
// if not nil, is the frame without its state, used when a later frame in
// the same multi frame carries a newer state anyway.
func (p *hall) publish(seq int64, b, bare []byte) {
	p.mu.Lock()
	p.frames = append(p.frames, hallFrame{seq, b, bare, time.Now()})
	if len(p.frames) > hallKeep {
		p.frames = append(p.frames[:0:0], p.frames[len(p.frames)-hallKeep:]...)
	}
	p.next++
	p.mu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

func (p *hall) close() { close(p.stop) }

func (p *hall) run() {
	t := time.NewTimer(time.Hour)
	t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-p.wake:
		}
		for p.pass(t) {
		}
	}
}

// pass gives every screen what it has not had, a chunk at a time, and
// reports whether frames arrived meanwhile (so another pass is due).
func (p *hall) pass(t *time.Timer) bool {
	p.mu.Lock()
	if p.dirty {
		p.order = p.order[:0]
		for s := range p.pos {
			p.order = append(p.order, s)
		}
		p.dirty = false
	}
	subs := p.order
	start := p.next - 1
	var published time.Time // of the newest frame this pass carries
	if len(p.frames) > 0 {
		published = p.frames[len(p.frames)-1].at
	}
	p.mu.Unlock()
	handed := false
	for i := 0; i < len(subs); i += hallChunk {
		w := p.handOut(subs[i:min(i+hallChunk, len(subs))])
		if w == nil {
			continue
		}
		handed = true
		t.Reset(hallWait)
		select {
		case <-w.done:
		case <-t.C:
		case <-p.stop:
			t.Stop()
			return false
		}
		t.Stop()
	}
	if handed {
		observePass(published)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	// A screen that came meanwhile has had everything (its hello): only new
	// frames call for another pass.
	return p.next-1 != start
}

// handOut gives each screen of the chunk what it has not had, and returns
// what to wait for (nil: nothing was handed out). A screen whose previous
// frame is still queued is skipped: it gets everything at once when its
// writer is done (wrote wakes the pacer), so a slow phone costs one write
// however many frames it is behind, and the pacer never waits for it.
func (p *hall) handOut(chunk []*Sub) *chunkWait {
	p.mu.Lock()
	defer p.mu.Unlock()
	last := p.next - 1
	// The pacer holds one count itself until every frame is handed out, so
	// writers finishing meanwhile cannot complete the wait early.
	w := &chunkWait{done: make(chan struct{})}
	w.n.Store(1)
	handed := 0
	for _, s := range chunk {
		pos, ok := p.pos[s]
		if !ok || pos >= last {
			continue
		}
		b, ok := p.frameAfter(pos, last)
		if !ok {
			p.dropLocked(s) // so far behind its frames are gone: it resumes from its seq
			continue
		}
		if len(s.send) > 0 {
			s.skipped.Store(true)
			continue
		}
		w.n.Add(1)
		s.pending.Store(w)
		select {
		case s.send <- b:
			p.pos[s] = last
			handed++
		default: // cannot happen (only the pacer sends to a hall screen), but never block
			if s.pending.CompareAndSwap(w, nil) {
				w.n.Add(-1)
			}
			p.dropLocked(s)
		}
	}
	if handed == 0 {
		return nil
	}
	w.wrote() // the pacer's own count
	return w
}

func (p *hall) dropLocked(s *Sub) {
	delete(p.pos, s)
	p.dirty = true
	s.drop("slow")
	droppedTotal.Inc()
	p.stats.mu.Lock()
	p.stats.Dropped++
	p.stats.mu.Unlock()
}

// wrote is called by a screen's writer after each frame from its hall.
func (p *hall) wrote(s *Sub) {
	if w := s.pending.Swap(nil); w != nil {
		w.wrote()
	}
	if s.skipped.Swap(false) {
		select {
		case p.wake <- struct{}{}:
		default:
		}
	}
}

// frameAfter is what a screen that has had frames up to pos needs to be at
// last: the frame itself, or a "multi" frame holding all of them in order,
// built once for every screen at the same place.
func (p *hall) frameAfter(pos, last int64) ([]byte, bool) {
	first := p.next - int64(len(p.frames)) // number of frames[0]
	if pos+1 < first {
		return nil, false
	}
	if pos+1 == last {
		return p.frames[last-first].b, true
	}
	if p.cacheLast != last {
		clear(p.cache)
		p.cacheLast = last
	}
	if b, ok := p.cache[pos]; ok {
		return b, true
	}
	b := multiFrame(p.frames[pos+1-first : last-first+1])
	p.cache[pos] = b
	return b, true
}

// multiFrame joins frames into {"type":"multi","seq":S,"from":F,"frames":[…]},
// seq and from first so a client can read them without decoding the rest.
func multiFrame(fs []hallFrame) []byte {
	n := 64
	for _, f := range fs {
		n += len(f.b) + 1
	}
	b := bytes.NewBuffer(make([]byte, 0, n))
	b.WriteString(`{"type":"multi","seq":`)
	b.WriteString(strconv.FormatInt(fs[len(fs)-1].seq, 10))
	b.WriteString(`,"from":`)
	b.WriteString(strconv.FormatInt(fs[0].seq, 10))
	b.WriteString(`,"frames":[`)
	for i, f := range fs {
		if i > 0 {
			b.WriteByte(',')
		}
		if f.bare != nil && i < len(fs)-1 {
			b.Write(f.bare)
		} else {
			b.Write(f.b)
		}
	}
	b.WriteString("]}")
	return b.Bytes()
}
