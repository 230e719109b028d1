package similar

import (
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// Doc is one speech to index.
type Doc struct {
	ID       int64 // the speech
	MemberID int64 // who gave it
	RoundKey string
	UnitID   int64 // the activity unit, carried through for dashboards
	Text     string
}

// Meta identifies an indexed speech without its text.
type Meta struct {
	ID       int64
	MemberID int64
	UnitID   int64
	RoundKey string
}

// Meta returns the identifying part of the speech.
func (d Doc) Meta() Meta {
	return Meta{ID: d.ID, MemberID: d.MemberID, UnitID: d.UnitID, RoundKey: d.RoundKey}
}

// entry is the compact per-speech record: 32 bytes, plus the signature in
// the shared flat array. Round keys are interned to a small number.
type entry struct {
	id, member, unit int64
	round            uint32
}

// Index holds signatures of many speeches and finds similar pairs. Add,
// AddSignature and Build may be called concurrently with each other and with
// queries; the LSH tables catch up with new speeches on the next query.
type Index struct {
	cfg Config
	h   *Hasher
	n   int // hashes per signature

	mu      sync.RWMutex
	entries []entry
	sigs    []uint16 // signature of entries[i] at [i*n : (i+1)*n]
	rounds  []string
	roundID map[string]uint32
	bands   []bandTable // one chained hash table per LSH band
	indexed int         // entries already in bands
}

// NewIndex returns an empty index for the configuration.
func NewIndex(cfg Config) (*Index, error) {
	cfg = cfg.withDefaults()
	h, err := NewHasher(cfg)
	if err != nil {
		return nil, err
	}
	return &Index{cfg: cfg, h: h, n: h.Len(), roundID: map[string]uint32{}}, nil
}

// Hasher returns the hasher whose signatures this index accepts, so another
// layer can store signatures and rebuild the index with AddSignature.
func (ix *Index) Hasher() *Hasher { return ix.h }

// Len returns the number of indexed speeches.
func (ix *Index) Len() int {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return len(ix.entries)
}

// Grow reserves room for n more speeches, so a bulk load of known size does
// not double its largest arrays while growing.
func (ix *Index) Grow(n int) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.entries = slices.Grow(ix.entries, n)
	ix.sigs = slices.Grow(ix.sigs, n*ix.n)
}

// Add signs and indexes one speech. It returns ErrTooShort, and indexes
// nothing, when the text is too short to compare.
func (ix *Index) Add(d Doc) error {
	sig := make([]uint16, ix.n)
	var xs []uint64
	if !ix.h.signInto(Normalize(d.Text), sig, &xs) {
		return ErrTooShort
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.appendLocked(d.Meta(), sig)
	return nil
}

// AddSignature indexes a speech from a stored signature, without its text.
func (ix *Index) AddSignature(m Meta, s Signature) error {
	if s.k != uint8(ix.h.k) || s.seed != ix.h.seed || len(s.v) != ix.n {
		return ErrIncompatible
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.appendLocked(m, s.v)
	return nil
}

// Build signs docs on Config.Workers goroutines and indexes them in order.
// It returns how many were skipped as too short.
func (ix *Index) Build(docs []Doc) (skipped int) {
	sigs := make([]uint16, len(docs)*ix.n)
	ok := make([]bool, len(docs))
	ix.signAll(docs, sigs, ok)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for i, d := range docs {
		if !ok[i] {
			skipped++
			continue
		}
		ix.appendLocked(d.Meta(), sigs[i*ix.n:(i+1)*ix.n])
	}
	return skipped
}

// signAll signs docs in parallel; workers take small batches from a shared
// counter so one slow batch does not idle the others.
func (ix *Index) signAll(docs []Doc, sigs []uint16, ok []bool) {
	const batch = 256
	var next atomic.Int64
	parallel(ix.cfg.Workers, func() {
		var xs []uint64
		runes := make([]rune, 0, 1024)
		for {
			lo := int(next.Add(batch)) - batch
			if lo >= len(docs) {
				return
			}
			for i := lo; i < min(lo+batch, len(docs)); i++ {
				runes = appendNormalized(runes[:0], docs[i].Text)
				ok[i] = ix.h.signInto(runes, sigs[i*ix.n:(i+1)*ix.n], &xs)
			}
		}
	})
}

func (ix *Index) appendLocked(m Meta, sig []uint16) {
	id, ok := ix.roundID[m.RoundKey]
	if !ok {
		id = uint32(len(ix.rounds))
		ix.rounds = append(ix.rounds, m.RoundKey)
		ix.roundID[m.RoundKey] = id
	}
	ix.entries = append(ix.entries, entry{id: m.ID, member: m.MemberID, unit: m.UnitID, round: id})
	ix.sigs = append(ix.sigs, sig...)
}

// meta expands an entry back to its public form.
func (ix *Index) meta(i uint32) Meta {
	e := ix.entries[i]
	return Meta{ID: e.id, MemberID: e.member, UnitID: e.unit, RoundKey: ix.rounds[e.round]}
}

// sig returns the signature of entry i.
func (ix *Index) sig(i uint32) []uint16 {
	return ix.sigs[int(i)*ix.n : (int(i)+1)*ix.n]
}

// parallel runs f on w goroutines and waits for them.
func parallel(w int, f func()) {
	w = max(1, min(w, runtime.NumCPU()))
	var wg sync.WaitGroup
	for range w {
		wg.Go(f)
	}
	wg.Wait()
}
