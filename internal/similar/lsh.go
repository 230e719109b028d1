package similar

import "slices"

// bandTable is a chained hash table over one LSH band: heads[slot] holds
// entry+1 of the latest speech whose band hashes to slot (0 = empty), and
// next[i] links entry i to the previous one. Two uint32 arrays cost 8 bytes
// per speech per band and grow by appending, unlike a Go map of slices.
type bandTable struct {
	heads []uint32
	next  []uint32
}

// bandHash hashes one band of a signature; four 16-bit values fill a word.
func bandHash(v []uint16) uint64 {
	var h uint64
	for i := 0; i < len(v); i += 4 {
		var w uint64
		for _, x := range v[i:min(i+4, len(v))] {
			w = w<<16 | uint64(x)
		}
		h = mix64(h ^ w)
	}
	return h
}

// band returns rows of entry i's signature that form band j.
func (ix *Index) band(i uint32, j int) []uint16 {
	r := ix.cfg.Rows
	return ix.sigs[int(i)*ix.n+j*r : int(i)*ix.n+(j+1)*r]
}

// Refresh brings the LSH tables up to date with every added speech. Queries
// call it themselves; call it to pay the cost before the first query.
func (ix *Index) Refresh() {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.refreshLocked()
}

// refreshLocked inserts the speeches added since the last refresh. When the
// tables would average more than two speeches per slot they are rebuilt at
// the next power of two, so chains stay short and growth stays amortised.
func (ix *Index) refreshLocked() {
	total := len(ix.entries)
	if ix.indexed == total {
		return
	}
	if ix.bands == nil || total > 2*len(ix.bands[0].heads) {
		size := 1024
		for size < total {
			size *= 2
		}
		ix.bands = make([]bandTable, ix.cfg.Bands)
		for j := range ix.bands {
			ix.bands[j].heads = make([]uint32, size)
		}
		ix.indexed = 0
	}
	ix.insertBands(ix.indexed, total)
	ix.indexed = total
}

// insertBands links entries [from, to) into every band; bands are
// independent, so workers take whole bands.
func (ix *Index) insertBands(from, to int) {
	jobs := make(chan int, len(ix.bands))
	for j := range ix.bands {
		jobs <- j
	}
	close(jobs)
	parallel(ix.cfg.Workers, func() {
		for j := range jobs {
			ix.insertBand(j, from, to)
		}
	})
}

func (ix *Index) insertBand(j, from, to int) {
	t := &ix.bands[j]
	mask := uint64(len(t.heads) - 1)
	t.next = slices.Grow(t.next[:from], to-from)[:to]
	for i := from; i < to; i++ {
		slot := bandHash(ix.band(uint32(i), j)) & mask
		t.next[i] = t.heads[slot]
		t.heads[slot] = uint32(i) + 1
	}
}

// sameEarlierBand reports whether a and b already agree on a band before j:
// the pair was then found at that band, and is not counted twice.
func (ix *Index) sameEarlierBand(a, b uint32, j int) bool {
	for e := range j {
		if slices.Equal(ix.band(a, e), ix.band(b, e)) {
			return true
		}
	}
	return false
}
