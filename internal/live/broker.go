package live

import (
	"context"
	"errors"
	"sync"
)

// Broker carries a contest's traffic between instances, so that screens
// connected to any instance behind one address see the same contest:
//
//   - events: the owner publishes each batch of events after it is in the
//     database; every instance delivers it to its own screens;
//   - commands: an instance that does not own the contest forwards a
//     command to the one that does (request/reply) and hands the answer
//     back to its screen.
//
// Subjects are per contest; messages are opaque bytes (see broker_cluster.go
// for their shape). The in-process broker is the default for a single instance
// and lets tests run several managers in one process.
type Broker interface {
	// Publish sends msg to every subscriber of the contest, this instance
	// included. Delivery is at most once: a subscriber that misses a
	// message notices the gap in sequence numbers and reads the log.
	Publish(contestID int64, msg []byte) error
	Subscribe(contestID int64, fn func(msg []byte)) (cancel func(), err error)
	// Serve answers the contest's forwarded commands; only the lease
	// holder serves. respond may be called later, from any goroutine.
	Serve(contestID int64, fn func(req []byte, respond func([]byte))) (cancel func(), err error)
	// Request forwards req to the contest's server and waits for its
	// answer; ErrNoOwner if no instance serves the contest right now.
	Request(ctx context.Context, contestID int64, req []byte) ([]byte, error)
	Close()
}

// ErrNoOwner is returned by Request when no instance serves the contest's
// commands (the owner died and its lease has not expired yet).
var ErrNoOwner = errors.New("live: no instance serves the contest")

// InProc is the single-process broker: a publish calls the subscribers
// directly, a request calls the server directly.
type InProc struct {
	mu      sync.RWMutex
	next    int
	subs    map[int64]map[int]func([]byte)
	servers map[int64][]inprocServer // the newest server answers
}

type inprocServer struct {
	n  int
	fn func([]byte, func([]byte))
}

// NewInProc returns an empty in-process broker.
func NewInProc() *InProc {
	return &InProc{subs: map[int64]map[int]func([]byte){}, servers: map[int64][]inprocServer{}}
}

// Publish delivers msg to the contest's subscribers in this process.
func (b *InProc) Publish(id int64, msg []byte) error {
	b.mu.RLock()
	defer b.mu.RUnlock()
	for _, fn := range b.subs[id] {
		fn(msg)
	}
	return nil
}

// Subscribe registers fn for the contest's messages.
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

// Serve registers fn as the contest's command server.
func (b *InProc) Serve(id int64, fn func([]byte, func([]byte))) (func(), error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.next++
	n := b.next
	b.servers[id] = append(b.servers[id], inprocServer{n, fn})
	return func() {
		b.mu.Lock()
		defer b.mu.Unlock()
		s := b.servers[id]
		for i := range s {
			if s[i].n == n {
				b.servers[id] = append(s[:i:i], s[i+1:]...)
				break
			}
		}
	}, nil
}

// Request calls the contest's server and waits for its answer.
func (b *InProc) Request(ctx context.Context, id int64, req []byte) ([]byte, error) {
	b.mu.RLock()
	s := b.servers[id]
	var fn func([]byte, func([]byte))
	if len(s) > 0 {
		fn = s[len(s)-1].fn
	}
	b.mu.RUnlock()
	if fn == nil {
		return nil, ErrNoOwner
	}
	ch := make(chan []byte, 1)
	fn(req, func(resp []byte) {
		select {
		case ch <- resp:
		default: // answered twice: keep the first
		}
	})
	select {
	case resp := <-ch:
		return resp, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Close does nothing: the in-process broker holds no connection.
func (b *InProc) Close() {}
