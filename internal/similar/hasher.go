package similar

// Hasher turns texts into signatures. It is immutable after NewHasher and
// safe for concurrent use.
type Hasher struct {
	k        int
	minChars int
	seed     uint64
	mul, add []uint64 // one multiply-shift hash per signature position
}

// NewHasher returns a hasher for the configuration's shingle length, seed
// and number of hashes.
func NewHasher(cfg Config) (*Hasher, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	n := cfg.Hashes
	h := &Hasher{k: cfg.Shingle, minChars: cfg.MinChars, seed: cfg.Seed,
		mul: make([]uint64, n), add: make([]uint64, n)}
	state := cfg.Seed
	for i := range n {
		// An odd multiplier keeps x*a+b a bijection; the top bits of the
		// result then order shingles like an independent random permutation
		// (multiply-shift hashing), at one multiply and add per hash.
		h.mul[i] = splitmix(&state) | 1
		h.add[i] = splitmix(&state)
	}
	return h, nil
}

// Len is the number of hashes per signature.
func (h *Hasher) Len() int { return len(h.mul) }

// Sign returns the signature of text, or ErrTooShort.
func (h *Hasher) Sign(text string) (Signature, error) {
	s := Signature{k: uint8(h.k), seed: h.seed, v: make([]uint16, len(h.mul))}
	var xs []uint64
	if !h.signInto(Normalize(text), s.v, &xs) {
		return Signature{}, ErrTooShort
	}
	return s, nil
}

// Jaccard returns the exact Jaccard similarity of the two texts' shingle
// sets, after the same normalisation as Sign. Use it to confirm a reported
// pair when both texts are at hand.
func (h *Hasher) Jaccard(a, b string) float64 {
	return jaccard(shingleSet(Normalize(a), h.k), shingleSet(Normalize(b), h.k))
}

// signInto writes the signature of normalised runes into dst, using xs as
// scratch for the shingle hashes, and reports false when the text is too
// short. It allocates nothing once xs has grown, so bulk builds sign straight
// into the index's storage.
func (h *Hasher) signInto(rs []rune, dst []uint16, xs *[]uint64) bool {
	if len(rs) < h.minChars || len(rs) < h.k {
		return false
	}
	*xs = h.shingleHashes((*xs)[:0], rs)
	dst = dst[:len(h.mul)]
	for j := range dst {
		// The minimum's top bits are mostly zero; bits 32..47 are uniform.
		dst[j] = uint16(minHash(*xs, h.mul[j], h.add[j]) >> 32)
	}
	return true
}

// shingleHashes appends the mixed hash of every shingle of rs.
func (h *Hasher) shingleHashes(xs []uint64, rs []rune) []uint64 {
	mask := uint64(1)<<(21*h.k) - 1
	var key uint64
	for i, r := range rs {
		// Rolling pack of the last k runes: the shingle ending at i.
		key = (key<<21 | uint64(r)) & mask
		if i+1 >= h.k {
			xs = append(xs, mix64(key^h.seed))
		}
	}
	return xs
}

// minHash returns min(x*a+c) over xs. Hash position by hash position, with
// four independent minimums, keeps everything in registers and lets the CPU
// overlap the multiplies; this loop is most of the build time.
func minHash(xs []uint64, a, c uint64) uint64 {
	m0, m1, m2, m3 := ^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)
	i := 0
	for ; i+4 <= len(xs); i += 4 {
		q := xs[i : i+4 : i+4]
		m0 = min(m0, q[0]*a+c)
		m1 = min(m1, q[1]*a+c)
		m2 = min(m2, q[2]*a+c)
		m3 = min(m3, q[3]*a+c)
	}
	for ; i < len(xs); i++ {
		m0 = min(m0, xs[i]*a+c)
	}
	return min(m0, m1, m2, m3)
}

// mix64 is the MurmurHash3 finaliser: a fast bijective 64-bit mixer, so
// packed shingles that differ in one rune spread over all bits.
func mix64(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}

// splitmix advances a SplitMix64 generator: deterministic seeds for the
// hash family from one configured seed.
func splitmix(state *uint64) uint64 {
	*state += 0x9e3779b97f4a7c15
	return mix64(*state)
}
