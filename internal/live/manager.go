package live

import (
	"cmp"
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
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
	hall    *hall                     // the hall that paces this screen's frames; nil for host, judges and buzzers
	pending atomic.Pointer[chunkWait] // the hall waits for this screen's frame to be written
	skipped atomic.Bool               // the hall has frames for it that it skipped while it was busy
	once    sync.Once
	reason  string
}

// NewSub makes a screen's subscription with a bounded buffer.
func NewSub(role contest.Role) *Sub {
	n := subBuffer
	if role == contest.RoleAudience {
		// The hall's pacer never queues more than one frame for a screen
		// (hall.go): a big buffer would be 6 KB per phone for nothing.
		n = hallBuffer
	}
	return &Sub{Role: role, send: make(chan []byte, n), dropped: make(chan struct{})}
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
	// Owner names this instance for the lease; "" means a single instance:
	// no lease, no broker traffic. With a name, the contest's commands are
	// run by whichever instance holds the lease, and the broker carries
	// events and forwarded commands between instances (broker_cluster.go).
	Owner string
	// LeaseTTL and LeaseRenew time the lease (defaults DefaultLeaseTTL and
	// DefaultLeaseRenew).
	LeaseTTL, LeaseRenew time.Duration

	mu       sync.Mutex
	hubs     map[int64]*Hub
	stopLoop chan struct{} // closes the lease loop; nil when it is not running
	loopDone chan struct{}
}

// NewManager returns a manager for a single instance with the in-process
// broker.
func NewManager(store *Store, log *slog.Logger) *Manager {
	return &Manager{Store: store, Log: log, Now: time.Now, Broker: NewInProc(), hubs: map[int64]*Hub{}}
}

func (m *Manager) ttl() time.Duration   { return cmp.Or(m.LeaseTTL, DefaultLeaseTTL) }
func (m *Manager) renew() time.Duration { return cmp.Or(m.LeaseRenew, DefaultLeaseRenew) }

// Hub returns the running hub of a contest, restoring it from the log on
// first use (after a restart, this is where the contest comes back). With
// several instances it first tries the lease, so that the log it restores
// from is complete if it becomes the owner.
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
	var cl *cluster
	if m.Owner != "" {
		held, err := m.Store.AcquireLease(ctx, id, m.Owner, m.Now(), m.ttl())
		if err != nil {
			return nil, err
		}
		cl = &cluster{broker: m.Broker, self: m.Owner, owning: held}
		m.startLeaseLoop()
	}
	h, err := openHub(ctx, m.Store, id, m.Now, cl, m.Log)
	if err != nil {
		if cl != nil && cl.owning {
			_ = m.Store.ReleaseLease(context.WithoutCancel(ctx), id, m.Owner)
		}
		return nil, err
	}
	m.hubs[id] = h
	return h, nil
}

// startLeaseLoop starts renewing leases (m.mu held).
func (m *Manager) startLeaseLoop() {
	if m.stopLoop != nil {
		return
	}
	m.stopLoop, m.loopDone = make(chan struct{}), make(chan struct{})
	go m.leaseLoop(m.stopLoop, m.loopDone)
}

// leaseLoop renews this instance's leases and tries those of the contests
// it follows, so a dead owner's contest is taken over once its lease
// expires.
func (m *Manager) leaseLoop(stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(m.renew())
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			m.renewAll(stop)
		}
	}
}

func (m *Manager) renewAll(stop <-chan struct{}) {
	m.mu.Lock()
	hubs := make(map[int64]*Hub, len(m.hubs))
	for id, h := range m.hubs {
		hubs[id] = h
	}
	m.mu.Unlock()
	for id, h := range hubs {
		select {
		case <-stop:
			return
		case <-h.Done():
			continue
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), m.renew())
		held, err := m.Store.AcquireLease(ctx, id, m.Owner, m.Now(), m.ttl())
		cancel()
		if err != nil {
			// Unknown: keep the current role. If the lease lapses meanwhile,
			// the log's lease check refuses this instance's appends.
			m.Log.Warn("contest lease renewal failed", "contest", id, "err", err)
			continue
		}
		h.leaseResult(held)
	}
}

// Reload stops a contest's hub so the next use rebuilds it from the setup
// (called after a setup change; the screens reconnect). With several
// instances, the others drop theirs too.
func (m *Manager) Reload(id int64) {
	m.mu.Lock()
	h, ok := m.hubs[id]
	delete(m.hubs, id)
	m.mu.Unlock()
	if ok {
		h.Stop()
	}
	if m.Owner != "" {
		if err := publishReload(m.Broker, m.Owner, id); err != nil {
			m.Log.Warn("contest reload not sent to the other instances", "contest", id, "err", err)
		}
	}
}

// Close stops every hub and gives up this instance's leases, so that on a
// graceful shutdown another instance takes the contests over at its next
// renewal instead of waiting for the leases to expire. The screens are
// dropped and reconnect (behind a load balancer, to a survivor).
func (m *Manager) Close() { m.shutdown(true) }

// shutdown stops the lease loop and the hubs; release gives up the leases.
// Without it this is how an instance dies (tests use it that way).
func (m *Manager) shutdown(release bool) {
	m.mu.Lock()
	hubs := m.hubs
	m.hubs = map[int64]*Hub{}
	stop, done := m.stopLoop, m.loopDone
	m.stopLoop, m.loopDone = nil, nil
	m.mu.Unlock()
	if stop != nil {
		close(stop)
		<-done
	}
	for _, h := range hubs {
		h.Stop()
	}
	if release && m.Owner != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := m.Store.ReleaseLeases(ctx, m.Owner); err != nil {
			m.Log.Warn("releasing contest leases", "err", err)
		}
	}
}
