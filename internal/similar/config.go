package similar

import (
	"errors"
	"fmt"
	"runtime"
)

// Config sets the detector's parameters. The zero value means the defaults
// below, chosen for speeches of a few hundred characters and a threshold of
// 0.7; see the package documentation for the reasoning.
type Config struct {
	// Shingle is the shingle length in characters (1..3, default 3).
	Shingle int
	// Hashes is the signature length (default 128): the estimate's standard
	// error is √(J(1-J)/Hashes), 0.04 at J=0.7.
	Hashes int
	// Bands and Rows set LSH banding over the first Bands*Rows hashes
	// (default 25×5). Two speeches become candidates when all Rows hashes of
	// at least one band agree, with probability 1-(1-J^Rows)^Bands: 0.87 at
	// J=0.6, 0.985 at 0.7, 0.9995 at 0.8. Four rows (32×4) find 0.9998 at 0.7
	// but let far more chance pairs through at the J≈0.05 of unrelated
	// speeches: on a million generated speeches a round's query met 6.6 M
	// candidates and took 4.4 s (7.9 s on a loaded machine), against 73 k
	// candidates and 0.36 s for 25×5, which found the same pairs.
	Bands, Rows int
	// Threshold is the default similarity for PairsForRound (default 0.7).
	Threshold float64
	// MinChars skips texts with fewer normalised characters (default 20):
	// short texts such as "同意" share most of their shingles by chance.
	MinChars int
	// Seed makes the hash family reproducible. Signatures made with
	// different seeds cannot be compared. Zero means a fixed default.
	Seed uint64
	// Workers bounds the goroutines used to build and query (default
	// runtime.NumCPU()).
	Workers int
	// MaxCandidates bounds the band-mates one speech of the queried round
	// is compared with (default 200). Varied speeches meet a handful;
	// a round of stock phrases makes nearly every pair a candidate and the
	// query quadratic (12,000 speeches of 17 stock phrases: 25 s). Past the
	// bound a speech's remaining band-mates are skipped, so such a round
	// still shows plenty of pairs, quickly, but not necessarily all.
	MaxCandidates int
}

// Defaults used when a Config field is zero.
const (
	DefaultShingle   = 3
	DefaultHashes    = 128
	DefaultBands     = 25
	DefaultRows      = 5
	DefaultThreshold = 0.7
	DefaultMinChars  = 20
	// DefaultMaxCandidates: see Config.MaxCandidates.
	DefaultMaxCandidates = 200
	defaultSeed          = 0x5845_4A50_2024_0716 // "XEJP", the first round date
)

// ErrTooShort is returned for a text with fewer than MinChars characters
// after normalisation; such texts are not indexed.
var ErrTooShort = errors.New("similar: text too short to compare")

// ErrIncompatible is returned when a signature was made with another shingle
// length, seed or number of hashes than the index or signature it meets.
var ErrIncompatible = errors.New("similar: signature made with another configuration")

func (c Config) withDefaults() Config {
	if c.Shingle == 0 {
		c.Shingle = DefaultShingle
	}
	if c.Hashes == 0 {
		c.Hashes = DefaultHashes
	}
	if c.Bands == 0 {
		c.Bands = DefaultBands
	}
	if c.Rows == 0 {
		c.Rows = DefaultRows
	}
	if c.Threshold == 0 {
		c.Threshold = DefaultThreshold
	}
	if c.MinChars == 0 {
		c.MinChars = DefaultMinChars
	}
	if c.Seed == 0 {
		c.Seed = defaultSeed
	}
	if c.MaxCandidates <= 0 {
		c.MaxCandidates = DefaultMaxCandidates
	}
	if c.Workers <= 0 {
		c.Workers = runtime.NumCPU()
	}
	return c
}

func (c Config) validate() error {
	switch {
	case c.Shingle < 1 || c.Shingle > 3:
		return fmt.Errorf("similar: shingle length %d not in 1..3", c.Shingle)
	case c.Hashes < 1 || c.Hashes > 1024:
		return fmt.Errorf("similar: %d hashes not in 1..1024", c.Hashes)
	case c.Bands < 1 || c.Rows < 1 || c.Bands*c.Rows > c.Hashes:
		return fmt.Errorf("similar: %d bands × %d rows need more than %d hashes", c.Bands, c.Rows, c.Hashes)
	case c.Threshold < 0 || c.Threshold > 1:
		return fmt.Errorf("similar: threshold %v not in 0..1", c.Threshold)
	}
	return nil
}
