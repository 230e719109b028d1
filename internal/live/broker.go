package live

import "sync"

// Broker carries a contest's frames between instances, so that screens
// connected to any instance behind one address see the same contest. The
// in-process broker is the default for a single instance.
//
// Subjects are per contest; a frame is opaque bytes already encoded for
// screens.
type Broker interface {
	Publish(contestID int64, frame []byte) error
	Subscribe(contestID int64, fn func(frame []byte)) (cancel func(), err error)
}

// InProc is the single-instance broker: a publish calls the subscribers
// directly.
type InProc struct {
	mu   sync.RWMutex
	next int
	subs map[int64]map[int]func([]byte)
}

// NewInProc returns an empty in-process broker.
func NewInProc() *InProc { return &InProc{subs: map[int64]map[int]func([]byte){}} }

// Publish delivers frame to the contest's subscribers in this process.
func (b *InProc) Publish(id int64, frame []byte) error {
	b.mu.RLock()
	defer b.mu.RUnlock()
	for _, fn := range b.subs[id] {
		fn(frame)
	}
	return nil
}

// Subscribe registers fn for the contest's frames.
func (b *InProc) Subscribe(id int64, fn func([]byte)) (func(), error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.next++
	n := b.next
	if b.subs[id] == nil {
		b.subs[id] = map[int]func([]byte){}
	}
	b.subs[id][n] = fn
	return func() {
		b.mu.Lock()
		delete(b.subs[id], n)
		b.mu.Unlock()
	}, nil
}
