package live

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"xuejiangping/internal/contest"
)

// Sub is one connected screen.
type Sub struct {
	Role   contest.Role
	Team   string
	Judge  string
	Member string

	send    chan []byte
	dropped chan struct{}
	once    sync.Once
	reason  string
}

// NewSub makes a screen's subscription with a bounded buffer.
func NewSub(role contest.Role) *Sub {
	return &Sub{Role: role, send: make(chan []byte, subBuffer), dropped: make(chan struct{})}
}

// Frames delivers the frames for this screen.
func (s *Sub) Frames() <-chan []byte { return s.send }

// Dropped is closed when the hub gave up on the screen (too slow, or the
// contest closed); Reason says which.
func (s *Sub) Dropped() <-chan struct{} { return s.dropped }

// Reason is why the screen was dropped.
func (s *Sub) Reason() string { return s.reason }

func (s *Sub) drop(reason string) {
	s.once.Do(func() {
		s.reason = reason
		close(s.dropped)
	})
}

// Manager keeps one hub per live contest in this process.
type Manager struct {
	Store  *Store
	Log    *slog.Logger
	Now    func() time.Time // the wall clock; tests replace it
	Broker Broker
	// Owner names this instance for the lease; "" disables leases (one
	// instance).
	Owner string

	mu   sync.Mutex
	hubs map[int64]*Hub
}

// NewManager returns a manager for a single instance with the in-process
// broker.
func NewManager(store *Store, log *slog.Logger) *Manager {
	return &Manager{Store: store, Log: log, Now: time.Now, Broker: NewInProc(), hubs: map[int64]*Hub{}}
}

// Hub returns the running hub of a contest, restoring it from the log on
// first use (after a restart, this is where the contest comes back).
func (m *Manager) Hub(ctx context.Context, id int64) (*Hub, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if h, ok := m.hubs[id]; ok {
		select {
		case <-h.Done():
			delete(m.hubs, id)
		default:
			return h, nil
		}
	}
	h, err := openHub(ctx, m.Store, id, m.Now, m.Owner, m.Log)
	if err != nil {
		return nil, err
	}
	m.hubs[id] = h
	return h, nil
}

// Reload stops a contest's hub so the next use rebuilds it from the setup
// (called after a setup change; the screens reconnect).
func (m *Manager) Reload(id int64) {
	m.mu.Lock()
	h, ok := m.hubs[id]
	delete(m.hubs, id)
	m.mu.Unlock()
	if ok {
		h.Stop()
	}
}

// Close stops every hub.
func (m *Manager) Close() {
	m.mu.Lock()
	hubs := m.hubs
	m.hubs = map[int64]*Hub{}
	m.mu.Unlock()
	for _, h := range hubs {
		h.Stop()
	}
}
