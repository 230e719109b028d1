package similar

import (
	"encoding/binary"
	"fmt"
)

// Signature is the MinHash summary of one text: one 16-bit fingerprint of
// the minimum per hash function. The fraction of equal positions in two
// signatures estimates the Jaccard similarity of the texts' shingle sets.
//
// Keeping 16 of the bits (b-bit MinHash) halves storage against uint32; two
// different minima share a fingerprint with probability 2⁻¹⁶, which biases the
// estimate upwards by at most 0.00002 — far below the sampling error of 128
// hashes (±0.04 at J=0.7).
type Signature struct {
	k    uint8
	seed uint64
	v    []uint16
}

// Len returns the number of hashes in the signature.
func (s Signature) Len() int { return len(s.v) }

// Similarity estimates the Jaccard similarity of the two texts.
func (s Signature) Similarity(o Signature) (float64, error) {
	if !s.compatible(o) {
		return 0, ErrIncompatible
	}
	return estimate(s.v, o.v), nil
}

func (s Signature) compatible(o Signature) bool {
	return s.k == o.k && s.seed == o.seed && len(s.v) == len(o.v)
}

// estimate is the share of positions where the two signatures agree.
func estimate(a, b []uint16) float64 {
	return float64(countEqual(a, b)) / float64(len(a))
}

// Encoding: version, shingle length, hash count (uint16), seed (uint64), then
// the fingerprints, all little-endian. The header makes a stored signature
// self-describing, so a signature from another configuration is refused
// instead of silently compared.
const (
	sigVersion   = 1
	sigHeaderLen = 12
)

// MarshalBinary encodes the signature for storage (12 + 2·Len bytes).
func (s Signature) MarshalBinary() ([]byte, error) {
	b := make([]byte, sigHeaderLen, sigHeaderLen+2*len(s.v))
	b[0], b[1] = sigVersion, s.k
	binary.LittleEndian.PutUint16(b[2:], uint16(len(s.v)))
	binary.LittleEndian.PutUint64(b[4:], s.seed)
	for _, x := range s.v {
		b = binary.LittleEndian.AppendUint16(b, x)
	}
	return b, nil
}

// UnmarshalBinary decodes a signature written by MarshalBinary.
func (s *Signature) UnmarshalBinary(b []byte) error {
	if len(b) < sigHeaderLen || b[0] != sigVersion {
		return fmt.Errorf("similar: not a version %d signature", sigVersion)
	}
	n := int(binary.LittleEndian.Uint16(b[2:]))
	if len(b) != sigHeaderLen+2*n {
		return fmt.Errorf("similar: signature of %d hashes has %d bytes", n, len(b))
	}
	s.k, s.seed = b[1], binary.LittleEndian.Uint64(b[4:])
	s.v = make([]uint16, n)
	for i := range s.v {
		s.v[i] = binary.LittleEndian.Uint16(b[sigHeaderLen+2*i:])
	}
	return nil
}
