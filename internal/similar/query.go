package similar

import (
	"cmp"
	"math"
	"slices"
	"sync"
	"sync/atomic"
)

// Pair is two speeches whose texts are near-duplicates.
type Pair struct {
	// A is in the queried round; when both are, A has the smaller ID.
	A, B Meta
	// Similarity is the estimated Jaccard similarity of the two texts'
	// shingle sets (share of equal signature positions).
	Similarity float64
	// SameMember: a member reusing their own speech, which is only a pair
	// across rounds.
	SameMember bool
	// CrossRound: the speeches are from different rounds.
	CrossRound bool
}

// hit is a found pair by entry number, with the count of equal hashes.
type hit struct {
	a, b uint32
	eq   int
}

// PairsForRound returns the near-duplicate pairs with at least one speech in
// the round, sorted by similarity (highest first), then by A.ID and B.ID.
// Speeches of one member in the same round are not a pair; the same member
// across rounds is. A threshold ≤ 0 means Config.Threshold.
//
// Recall depends on banding: with the default 25×5 a pair at J=0.6 is found
// with probability 0.87, at 0.7 with 0.985; for thresholds below 0.6 use
// more bands of fewer rows.
func (ix *Index) PairsForRound(roundKey string, threshold float64) []Pair {
	if threshold <= 0 {
		threshold = ix.cfg.Threshold
	}
	ix.mu.RLock()
	for ix.indexed != len(ix.entries) {
		ix.mu.RUnlock()
		ix.Refresh()
		ix.mu.RLock()
	}
	defer ix.mu.RUnlock()
	rid, ok := ix.roundID[roundKey]
	if !ok {
		return nil
	}
	hits, _ := ix.query(rid, ix.minEqual(threshold))
	return ix.pairs(hits)
}

// minEqual is the least number of equal hashes that reaches threshold; the
// small slack keeps 0.7×128 = 89.6 from rounding the wrong way.
func (ix *Index) minEqual(threshold float64) int {
	return int(math.Ceil(threshold*float64(ix.n) - 1e-9))
}

// query finds the hits of round rid on the index's workers. It also returns
// the number of candidate pairs the bands proposed, for tuning.
func (ix *Index) query(rid uint32, need int) ([]hit, int64) {
	var qs []uint32
	for i, e := range ix.entries {
		if e.round == rid {
			qs = append(qs, uint32(i))
		}
	}
	const batch = 64
	var (
		next       atomic.Int64
		candidates atomic.Int64
		mu         sync.Mutex
		all        []hit
	)
	parallel(ix.cfg.Workers, func() {
		var local []hit
		var cand int64
		for {
			lo := int(next.Add(batch)) - batch
			if lo >= len(qs) {
				break
			}
			for _, q := range qs[lo:min(lo+batch, len(qs))] {
				local, cand = ix.queryOne(q, rid, need, local, cand)
			}
		}
		candidates.Add(cand)
		mu.Lock()
		all = append(all, local...)
		mu.Unlock()
	})
	return all, candidates.Load()
}

// queryOne appends the hits of speech q: every speech sharing a band with
// it, counted once (at the first shared band), that is a pair by the rules
// and reaches need equal hashes.
//
// After MaxCandidates band-mates the speech's search stops (see Config).
func (ix *Index) queryOne(q, rid uint32, need int, out []hit, cand int64) ([]hit, int64) {
	qsig := ix.sig(q)
	budget := ix.cfg.MaxCandidates
	for j := range ix.bands {
		t := &ix.bands[j]
		qb := ix.band(q, j)
		for c := t.heads[bandHash(qb)&uint64(len(t.heads)-1)]; c != 0; c = t.next[c-1] {
			ci := c - 1
			if ci == q || !slices.Equal(qb, ix.band(ci, j)) {
				continue
			}
			cand++
			if budget--; budget < 0 {
				return out, cand
			}
			// Most candidates share a band by chance. The threshold test
			// exits early on them and reads only the signature already in
			// cache; the pair rules and the check that an earlier band has
			// not reported the pair already are paid by survivors only.
			n, ok := countAtLeast(qsig, ix.sig(ci), need)
			if ok && ix.isPair(q, ci, rid) && !ix.sameEarlierBand(q, ci, j) {
				out = append(out, hit{a: q, b: ci, eq: n})
			}
		}
	}
	return out, cand
}

// isPair applies the rules to q, in round rid, and c: the same member in
// one round is not a pair, and two speeches of the round are reported once,
// from the smaller entry.
func (ix *Index) isPair(q, c, rid uint32) bool {
	ec := ix.entries[c]
	return ec.round != rid || (ec.member != ix.entries[q].member && q < c)
}

// countAtLeast counts equal positions of a and b, giving up as soon as
// need can no longer be reached.
func countAtLeast(a, b []uint16, need int) (int, bool) {
	b = b[:len(a)]
	misses := len(a) - need
	for i, x := range a {
		if x != b[i] {
			if misses--; misses < 0 {
				return 0, false
			}
		}
	}
	return need + misses, true
}

func countEqual(a, b []uint16) int {
	b = b[:len(a)]
	n := 0
	for i, x := range a {
		if x == b[i] {
			n++
		}
	}
	return n
}

// pairs turns hits into sorted public pairs.
func (ix *Index) pairs(hits []hit) []Pair {
	out := make([]Pair, 0, len(hits))
	for _, h := range hits {
		a, b := ix.meta(h.a), ix.meta(h.b)
		if a.RoundKey == b.RoundKey && b.ID < a.ID {
			a, b = b, a
		}
		out = append(out, Pair{A: a, B: b,
			Similarity: float64(h.eq) / float64(ix.n),
			SameMember: a.MemberID == b.MemberID,
			CrossRound: a.RoundKey != b.RoundKey})
	}
	slices.SortFunc(out, func(x, y Pair) int {
		return cmp.Or(cmp.Compare(y.Similarity, x.Similarity),
			cmp.Compare(x.A.ID, y.A.ID), cmp.Compare(x.B.ID, y.B.ID))
	})
	return out
}
