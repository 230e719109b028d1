package auth

import (
	"sync"
	"time"
)

// ghosts counts failed logins for names that match no account, so that an
// unknown name gets exactly the answers a real account would: the same
// "再失败 N 次" countdown and the same lock. Otherwise the login form would
// tell anyone which usernames and phone numbers exist.
//
// The counts live in memory: they only need to be as convincing as the real
// ones for the lock period, and a restart forgetting them reveals nothing.
type ghosts struct {
	mu sync.Mutex
	m  map[string]*ghost
}

type ghost struct {
	failed      int
	lockedUntil time.Time
	seen        time.Time
}

// ghostCap bounds the memory an attacker can make us spend on names.
const ghostCap = 10000

// get returns the record for login as an account would hold it.
func (g *ghosts) get(login string) (failed int, lockedUntil time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if r := g.m[login]; r != nil {
		return r.failed, r.lockedUntil
	}
	return 0, time.Time{}
}

// set stores the new record, evicting the stalest when full.
func (g *ghosts) set(login string, failed int, lockedUntil, now time.Time) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.m == nil {
		g.m = map[string]*ghost{}
	}
	if _, ok := g.m[login]; !ok && len(g.m) >= ghostCap {
		g.evict(now)
	}
	g.m[login] = &ghost{failed: failed, lockedUntil: lockedUntil, seen: now}
}

// evict drops records that no longer matter, or else the oldest one.
func (g *ghosts) evict(now time.Time) {
	var oldest string
	var oldestAt time.Time
	for k, r := range g.m {
		if r.lockedUntil.Before(now) && now.Sub(r.seen) > time.Hour {
			delete(g.m, k)
			continue
		}
		if oldest == "" || r.seen.Before(oldestAt) {
			oldest, oldestAt = k, r.seen
		}
	}
	if len(g.m) >= ghostCap {
		delete(g.m, oldest)
	}
}
