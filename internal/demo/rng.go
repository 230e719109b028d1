package demo

import (
	"math/bits"
	"math/rand/v2"
)

// rng draws from a PCG source directly instead of through rand.Rand. The PCG
// generator's output for a seed is fixed by its specification, but the
// algorithms rand.Rand layers on top (IntN, Float64 …) are not promised to
// stay the same across Go releases; since the demo district must come out
// identical on every toolchain (screenshots, other packages' tests, a
// reloaded database matching the last one), the two small reductions we need
// are written here.
type rng struct{ src *rand.PCG }

func newRNG(seed1, seed2 uint64) *rng { return &rng{rand.NewPCG(seed1, seed2)} }

// IntN returns a uniform int in [0, n); n must be positive. Lemire's
// multiply-and-reject method: unbiased, and usually a single draw.
func (r *rng) IntN(n int) int {
	if n <= 0 {
		panic("demo: IntN of a non-positive bound")
	}
	bound := uint64(n)
	hi, lo := bits.Mul64(r.src.Uint64(), bound)
	if lo < bound {
		threshold := -bound % bound
		for lo < threshold {
			hi, lo = bits.Mul64(r.src.Uint64(), bound)
		}
	}
	return int(hi)
}

// Float64 returns a uniform float64 in [0, 1) from the top 53 bits.
func (r *rng) Float64() float64 {
	return float64(r.src.Uint64()>>11) / (1 << 53)
}
