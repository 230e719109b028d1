package report

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
	"xuejiangping/internal/settings"
	"xuejiangping/internal/similar"
)

// SettingThreshold is the settings key of the similarity threshold.
const SettingThreshold = "similar.threshold"

// simState is the in-memory similarity index over the speeches table. It
// loads stored signatures (speech_signatures) at first use, signs what is
// new or edited since, and catches up on every query: by updated_at, with
// an overlap so that a transaction committing late is not missed.
type simState struct {
	mu      sync.Mutex
	ix      *similar.Index
	seen    map[int64]time.Time // speech → updated_at indexed
	mark    time.Time           // newest updated_at seen
	rebuild bool                // an indexed speech was edited: rebuild from signatures
	cfg     similar.Config

	// The pairs of a round only change when the index does; a round's
	// query costs up to a second at district scale, so its result is kept
	// for the index it was computed on (the index object and its size).
	pairsIx  *similar.Index
	pairsLen int
	pairs    map[pairsKey][]similar.Pair
}

type pairsKey struct {
	round     string
	threshold float64
}

// roundPairs is ix.PairsForRound, remembered until the index changes.
func (st *simState) roundPairs(ix *similar.Index, key string, threshold float64) []similar.Pair {
	st.mu.Lock()
	n := ix.Len()
	if st.pairsIx != ix || st.pairsLen != n {
		st.pairsIx, st.pairsLen, st.pairs = ix, n, map[pairsKey][]similar.Pair{}
	}
	if got, ok := st.pairs[pairsKey{key, threshold}]; ok {
		st.mu.Unlock()
		return got
	}
	st.mu.Unlock()
	got := ix.PairsForRound(key, threshold)
	st.mu.Lock()
	if st.pairsIx == ix && st.pairsLen == n {
		st.pairs[pairsKey{key, threshold}] = got
	}
	st.mu.Unlock()
	return got
}

// syncOverlap re-reads speeches this much older than the newest seen, for
// transactions whose updated_at (their start) precedes a commit we saw.
const syncOverlap = 5 * time.Minute

// SimilarConfig sets the detector's configuration (tests use fewer workers).
func (s *Service) SimilarConfig(cfg similar.Config) { s.sim.cfg = cfg }

// index returns the index, brought up to date with the speeches table.
func (s *Service) index(ctx context.Context) (*similar.Index, error) {
	st := &s.sim
	st.mu.Lock()
	defer st.mu.Unlock()
	// Twice at most: an edit found while catching up sends us back to the
	// stored signatures once.
	for range 2 {
		if st.ix == nil || st.rebuild {
			ix, err := similar.NewIndex(st.cfg)
			if err != nil {
				return nil, errs.Wrap(err, "similar index")
			}
			st.ix, st.seen, st.mark, st.rebuild = ix, map[int64]time.Time{}, time.Time{}, false
		}
		if err := s.catchUp(ctx, st); err != nil {
			return nil, err
		}
		if !st.rebuild {
			break
		}
	}
	return st.ix, nil
}

type speechRow struct {
	meta    similar.Meta
	updated time.Time
	sig     []byte
	signed  sql.NullTime
	content string
}

// catchUp indexes speeches updated since the mark; a speech without a
// current stored signature is signed and its signature stored.
func (s *Service) catchUp(ctx context.Context, st *simState) error {
	since := st.mark.Add(-syncOverlap)
	if st.mark.IsZero() {
		since = time.Time{}
	}
	rows, err := s.DB.Query(ctx, `SELECT s.id, s.member_id, m.org_id, m.round_key, s.updated_at, g.sig, g.signed_at,
		CASE WHEN g.sig IS NULL OR g.signed_at < s.updated_at THEN s.content ELSE '' END
		FROM speeches s JOIN meetings m ON m.id = s.meeting_id LEFT JOIN speech_signatures g ON g.speech_id = s.id
		WHERE s.updated_at >= ?`, since.UTC())
	if err != nil {
		return errs.Wrap(err, "speeches for similarity")
	}
	var fresh []speechRow
	h := st.ix.Hasher()
	for rows.Next() {
		var r speechRow
		if err := rows.Scan(&r.meta.ID, &r.meta.MemberID, &r.meta.UnitID, &r.meta.RoundKey, &r.updated, &r.sig, &r.signed, &r.content); err != nil {
			rows.Close()
			return errs.Wrap(err, "speech scan")
		}
		if prev, ok := st.seen[r.meta.ID]; ok {
			if !r.updated.After(prev) {
				continue
			}
			st.rebuild = true // the text may have changed; the index cannot replace an entry
		}
		if r.updated.After(st.mark) {
			st.mark = r.updated
		}
		st.seen[r.meta.ID] = r.updated
		var sig similar.Signature
		if r.content == "" && r.sig != nil && sig.UnmarshalBinary(r.sig) == nil {
			if st.ix.AddSignature(r.meta, sig) == nil {
				continue
			}
		}
		fresh = append(fresh, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return errs.Wrap(err, "speech rows")
	}
	return s.signAndStore(ctx, st.ix, h, fresh)
}

// signAndStore signs speeches whose stored signature is missing or stale,
// adds them to the index and stores the signatures (texts too short to
// compare get an empty row, so they are not read again).
func (s *Service) signAndStore(ctx context.Context, ix *similar.Index, h *similar.Hasher, fresh []speechRow) error {
	for len(fresh) > 0 {
		n := min(500, len(fresh))
		err := s.DB.InTx(ctx, func(tx *db.Tx) error {
			for _, r := range fresh[:n] {
				var blob []byte
				if sig, err := h.Sign(r.content); err == nil {
					blob, _ = sig.MarshalBinary()
					if err := ix.AddSignature(r.meta, sig); err != nil {
						return errs.Wrap(err, "index speech")
					}
				}
				if _, err := tx.Exec(ctx, `INSERT INTO speech_signatures (speech_id, sig, signed_at) VALUES (?, ?, ?)
					ON CONFLICT (speech_id) DO UPDATE SET sig = excluded.sig, signed_at = excluded.signed_at`, r.meta.ID, blob, r.updated); err != nil {
					return errs.Wrap(err, "store signature")
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		fresh = fresh[n:]
	}
	return nil
}

// Threshold reads the configured similarity threshold.
func (s *Service) Threshold(ctx context.Context) float64 {
	v, err := settings.Get(ctx, s.DB, SettingThreshold, "")
	if err != nil || v == "" {
		return similar.DefaultThreshold
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0.5 || f > 1 {
		return similar.DefaultThreshold
	}
	return f
}

// SetThreshold lets the admin change the threshold (0.5–1.0: below 0.5 the
// LSH banding misses most pairs and unrelated speeches on one topic match).
func (s *Service) SetThreshold(ctx context.Context, p *auth.Principal, raw string) error {
	if !p.Has(auth.Admin) {
		return errs.Forbid()
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(raw), 64)
	if err != nil || f < 0.5 || f > 1 {
		return errs.E(errs.Invalid, "bad_threshold", msg.T("report.bad_threshold"))
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		if err := settings.Set(ctx, tx, SettingThreshold, strconv.FormatFloat(f, 'f', 2, 64)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, p.Actor(), "similar.threshold", "settings", map[string]any{"threshold": f}, audit.OK)
	})
}

// SpeechRef is one speech of a pair, as the task force sees it.
type SpeechRef struct {
	ID        int64  `json:"id"`
	MeetingID int64  `json:"meeting_id"`
	Member    string `json:"member"`
	UnitID    int64  `json:"unit_id"`
	Unit      string `json:"unit"`
	UnitPath  string `json:"-"`
	RoundKey  string `json:"round"`
	Excerpt   string `json:"excerpt"`
}

// SpeechPair is two near-duplicate speeches.
type SpeechPair struct {
	A          SpeechRef `json:"a"`
	B          SpeechRef `json:"b"`
	Similarity float64   `json:"similarity"`
	SameMember bool      `json:"same_member"`
	CrossRound bool      `json:"cross_round"`
}

// Kind describes the pair in Chinese.
func (p SpeechPair) Kind() string {
	switch {
	case p.SameMember:
		return msg.T("report.kind.sameMember")
	case p.CrossRound:
		return msg.T("report.kind.crossRound")
	}
	return msg.T("report.kind.sameRound")
}

// maxPairs bounds what one page or bulletin shows.
const maxPairs = 300

// SimilarPairs finds the near-duplicate pairs with a speech in the round
// whose units the reader may analyse, at the configured threshold (or at
// threshold when > 0).
func (s *Service) SimilarPairs(ctx context.Context, p *auth.Principal, key string, threshold float64) ([]SpeechPair, float64, error) {
	if !p.Has(analysts...) {
		return nil, 0, errs.Forbid()
	}
	r, err := s.pickRound(ctx, key)
	if err != nil {
		return nil, 0, err
	}
	if threshold <= 0 {
		threshold = s.Threshold(ctx)
	}
	ix, err := s.index(ctx)
	if err != nil {
		return nil, 0, err
	}
	raw := s.sim.roundPairs(ix, r.Key(), threshold)
	refs, err := s.speechRefs(ctx, raw)
	if err != nil {
		return nil, 0, err
	}
	var out []SpeechPair
	for _, x := range raw {
		a, okA := refs[x.A.ID]
		b, okB := refs[x.B.ID]
		if !okA || !okB { // deleted since it was indexed
			continue
		}
		if !p.Covers(a.UnitPath, analysts...) && !p.Covers(b.UnitPath, analysts...) {
			continue
		}
		out = append(out, SpeechPair{A: a, B: b, Similarity: x.Similarity, SameMember: x.SameMember, CrossRound: x.CrossRound})
		if len(out) == maxPairs {
			break
		}
	}
	return out, threshold, nil
}

func (s *Service) speechRefs(ctx context.Context, pairs []similar.Pair) (map[int64]SpeechRef, error) {
	var ids []int64
	seen := map[int64]bool{}
	for i, x := range pairs {
		if i == maxPairs*2 {
			break
		}
		for _, id := range []int64{x.A.ID, x.B.ID} {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	out := map[int64]SpeechRef{}
	for _, c := range chunks(ids, 400) {
		rows, err := s.DB.Query(ctx, `SELECT s.id, s.meeting_id, mb.name, o.id, o.name, o.path, m.round_key, s.content
			FROM speeches s JOIN meetings m ON m.id = s.meeting_id JOIN members mb ON mb.id = s.member_id JOIN orgs o ON o.id = m.org_id
			WHERE s.id IN (`+placeholders(len(c))+`)`, int64Args(c)...)
		if err != nil {
			return nil, errs.Wrap(err, "speech refs")
		}
		for rows.Next() {
			var r SpeechRef
			var content string
			if err := rows.Scan(&r.ID, &r.MeetingID, &r.Member, &r.UnitID, &r.Unit, &r.UnitPath, &r.RoundKey, &content); err != nil {
				rows.Close()
				return nil, errs.Wrap(err, "speech ref scan")
			}
			r.Excerpt = excerpt(content, 60)
			out[r.ID] = r
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, errs.Wrap(err, "speech ref rows")
		}
	}
	return out, nil
}

func excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// Pct formats a similarity for display.
func (p SpeechPair) Pct() string { return fmt.Sprintf("%.0f%%", p.Similarity*100) }
