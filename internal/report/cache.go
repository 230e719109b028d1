package report

import (
	"sync"
	"time"
)

// aggCache keeps the summed facts of an org in a round, keyed by the
// round's version (report_rounds.built_at, moved on every refresh of the
// round), so a cached total is used only while nothing in its round has
// changed — also when another instance did the refreshing.
type aggCache struct {
	mu sync.Mutex
	m  map[aggKey]aggVal
}

type aggKey struct {
	org   int64
	round string
}

type aggVal struct {
	ver time.Time
	f   Figures
}

// maxCached bounds memory: past it the cache starts again.
const maxCached = 200_000

func (c *aggCache) get(org int64, round string, ver time.Time) (Figures, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[aggKey{org, round}]
	if !ok || !v.ver.Equal(ver) || ver.IsZero() {
		return Figures{}, false
	}
	return v.f, true
}

func (c *aggCache) put(org int64, round string, ver time.Time, f Figures) {
	if ver.IsZero() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxCached {
		c.m = map[aggKey]aggVal{}
	}
	c.m[aggKey{org, round}] = aggVal{ver, f}
}
