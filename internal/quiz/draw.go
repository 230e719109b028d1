package quiz

import (
	"cmp"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"xuejiangping/internal/msg"
)

// Spec says what paper to draw from a bank.
type Spec struct {
	Counts        map[Type]int // questions wanted per type
	Tags          []string     // each to be covered by at least one question
	MinDifficulty int          // 0 means no lower bound
	MaxDifficulty int          // 0 means no upper bound
	Seed          uint64       // the same bank, spec and seed give the same paper
}

// Paper is a drawn paper. Questions come grouped by type in display order.
// MissingTags lists requested tags that no eligible question in the bank
// carries: the paper cannot cover them, and the caller may want to say so.
type Paper struct {
	Questions   []Question
	MissingTags []string
}

// Draw draws a paper. It guarantees: the exact count per type; no question
// twice (by ID, and by DuplicateKey for copies under another ID); every
// requested tag that an eligible question carries is covered; the same
// result for the same seed whatever the bank's order. If the bank cannot
// satisfy the spec it says why, in Chinese, and draws nothing.
//
// Tags are covered greedily, each step taking the question that covers the
// most still-uncovered tags within the types' remaining counts. That is not
// an exact set cover: if it fails, the error names the tag.
func Draw(bank []Question, spec Spec) (Paper, error) {
	if err := spec.check(); err != nil {
		return Paper{}, err
	}
	pools := spec.pools(bank)
	if err := spec.checkCounts(pools); err != nil {
		return Paper{}, err
	}
	d := drawing{need: maps.Clone(spec.Counts), picked: map[Type][]Question{}, used: map[string]bool{}}
	missing, err := d.coverTags(pools, spec.Tags)
	if err != nil {
		return Paper{}, err
	}
	d.fill(pools)
	return Paper{Questions: d.ordered(), MissingTags: missing}, nil
}

func (s Spec) check() error {
	total := 0
	for t, n := range s.Counts {
		if !t.Valid() {
			return newError(CodeInvalid, msg.T("quiz.draw.unknownType", t))
		}
		if n < 0 {
			return newError(CodeInvalid, msg.T("quiz.draw.negativeCount", t.Label()))
		}
		total += n
	}
	if total == 0 {
		return newError(CodeInvalid, msg.T("quiz.draw.noQuestions"))
	}
	lo, hi := s.difficultyRange()
	if lo < MinDifficulty || hi > MaxDifficulty || lo > hi {
		return newError(CodeInvalid, msg.T("quiz.draw.badDifficulty", MinDifficulty, MaxDifficulty))
	}
	return nil
}

func (s Spec) difficultyRange() (int, int) {
	lo, hi := s.MinDifficulty, s.MaxDifficulty
	if lo == 0 {
		lo = MinDifficulty
	}
	if hi == 0 {
		hi = MaxDifficulty
	}
	return lo, hi
}

// pools groups the eligible, de-duplicated questions by type, each pool in
// an order fixed by the seed alone.
func (s Spec) pools(bank []Question) map[Type][]Question {
	lo, hi := s.difficultyRange()
	sorted := slices.Clone(bank)
	// Sorting first makes the result independent of the bank's order.
	slices.SortStableFunc(sorted, func(a, b Question) int {
		return cmp.Or(cmp.Compare(a.ID, b.ID), cmp.Compare(DuplicateKey(a), DuplicateKey(b)))
	})
	seenID, seenKey := map[int64]bool{}, map[string]bool{}
	pools := map[Type][]Question{}
	for _, q := range sorted {
		k := DuplicateKey(q)
		if q.Difficulty < lo || q.Difficulty > hi || seenKey[k] || (q.ID != 0 && seenID[q.ID]) {
			continue
		}
		seenID[q.ID], seenKey[k] = true, true
		pools[q.Type] = append(pools[q.Type], q)
	}
	rng := rand.New(rand.NewPCG(s.Seed, 0x78_6a_70)) // "xjp"
	for _, t := range Types() {
		p := pools[t]
		rng.Shuffle(len(p), func(i, j int) { p[i], p[j] = p[j], p[i] })
	}
	return pools
}

func (s Spec) checkCounts(pools map[Type][]Question) error {
	for _, t := range Types() {
		need, have := s.Counts[t], len(pools[t])
		if need <= have {
			continue
		}
		text := msg.T("quiz.draw.short", t.Label(), need, have)
		if s.MinDifficulty != 0 || s.MaxDifficulty != 0 {
			lo, hi := s.difficultyRange()
			text += msg.T("quiz.draw.shortDifficulty", lo, hi)
		}
		return &Error{Code: CodeInsufficient, Message: text}
	}
	return nil
}

// drawing is the state of one draw.
type drawing struct {
	need   map[Type]int // still to pick per type
	picked map[Type][]Question
	used   map[string]bool // DuplicateKey of picked questions
}

func (d *drawing) take(q Question) {
	d.need[q.Type]--
	d.picked[q.Type] = append(d.picked[q.Type], q)
	d.used[DuplicateKey(q)] = true
}

// coverTags picks questions for the requested tags first. It returns the
// tags no eligible question carries, or an error if a coverable tag could
// not be fitted into the counts.
func (d *drawing) coverTags(pools map[Type][]Question, tags []string) ([]string, error) {
	uncovered := map[string]bool{}
	var missing []string
	for _, tag := range tags {
		tag = strings.TrimSpace(tag)
		if tag == "" || uncovered[tag] || slices.Contains(missing, tag) {
			continue
		}
		if !anyHasTag(pools, tag) {
			missing = append(missing, tag)
			continue
		}
		uncovered[tag] = true
	}
	for len(uncovered) > 0 {
		q, ok := d.best(pools, uncovered)
		if !ok {
			return nil, newError(CodeInsufficient, msg.T("quiz.draw.uncoveredTag", firstUncovered(tags, uncovered)))
		}
		d.take(q)
		for _, t := range q.Tags {
			delete(uncovered, t)
		}
	}
	return missing, nil
}

// best is the unpicked question, in a type with room left, covering the most
// uncovered tags; ties go to the earlier one in the seeded order.
func (d *drawing) best(pools map[Type][]Question, uncovered map[string]bool) (Question, bool) {
	var best Question
	bestN := 0
	for _, t := range Types() {
		if d.need[t] <= 0 {
			continue
		}
		for _, q := range pools[t] {
			if n := countCovered(q, uncovered); n > bestN && !d.used[DuplicateKey(q)] {
				best, bestN = q, n
			}
		}
	}
	return best, bestN > 0
}

func countCovered(q Question, uncovered map[string]bool) int {
	n := 0
	for _, t := range q.Tags {
		if uncovered[t] {
			n++
		}
	}
	return n
}

func anyHasTag(pools map[Type][]Question, tag string) bool {
	for _, p := range pools {
		for _, q := range p {
			if q.HasTag(tag) {
				return true
			}
		}
	}
	return false
}

func firstUncovered(tags []string, uncovered map[string]bool) string {
	for _, t := range tags {
		if t = strings.TrimSpace(t); uncovered[t] {
			return t
		}
	}
	return ""
}

// fill completes each type from its seeded pool.
func (d *drawing) fill(pools map[Type][]Question) {
	for _, t := range Types() {
		for _, q := range pools[t] {
			if d.need[t] <= 0 {
				break
			}
			if !d.used[DuplicateKey(q)] {
				d.take(q)
			}
		}
	}
}

func (d *drawing) ordered() []Question {
	var out []Question
	for _, t := range Types() {
		out = append(out, d.picked[t]...)
	}
	return out
}

// TagStat is how a member has done on one tag.
type TagStat struct {
	Tag      string
	Attempts int
	Correct  int
}

// Share is the share of correct answers; 0 without attempts.
func (s TagStat) Share() float64 {
	if s.Attempts == 0 {
		return 0
	}
	return float64(s.Correct) / float64(s.Attempts)
}

// TagStats sums a history per tag of the bank's questions, weakest first
// (lowest share correct, then more attempts, then by name). Events for
// questions not in the bank are ignored.
func TagStats(bank []Question, history []Event) []TagStat {
	byID := make(map[int64]Question, len(bank))
	for _, q := range bank {
		byID[q.ID] = q
	}
	stats := map[string]*TagStat{}
	for _, e := range history {
		for _, t := range byID[e.QuestionID].Tags {
			s := stats[t]
			if s == nil {
				s = &TagStat{Tag: t}
				stats[t] = s
			}
			s.Attempts++
			if e.Correct {
				s.Correct++
			}
		}
	}
	out := make([]TagStat, 0, len(stats))
	for _, s := range stats {
		out = append(out, *s)
	}
	slices.SortFunc(out, func(a, b TagStat) int {
		return cmp.Or(cmp.Compare(a.Share(), b.Share()), cmp.Compare(b.Attempts, a.Attempts), cmp.Compare(a.Tag, b.Tag))
	})
	return out
}

// Daily practice weighting: WeakShare of the questions come from the member's
// WeakTagCount weakest tags (tags answered before, with a share correct below
// 1); the rest are drawn from all other questions, so practice keeps mixing
// in other topics. A member without history gets a plain random draw.
const (
	WeakShare    = 0.7
	WeakTagCount = 3
)

// DailyPractice draws up to n questions for a member's daily practice,
// deterministic for a seed (e.g. member ID and date). Short-answer questions
// are left out: nobody grades self-practice by hand. If n ≥ 2 at least one
// question comes from outside the weak tags when the bank has one. A bank
// smaller than n gives all it has: practice has no quota to fail.
func DailyPractice(bank []Question, history []Event, n int, seed uint64) ([]Question, error) {
	if n <= 0 {
		return nil, newError(CodeInvalid, msg.T("quiz.draw.badCount"))
	}
	weak := weakTags(TagStats(bank, history))
	var weakPool, otherPool []Question
	for _, pool := range (Spec{Seed: seed}).pools(bank) {
		for _, x := range pool {
			if x.Type == Short {
				continue
			}
			if hasAny(x, weak) {
				weakPool = append(weakPool, x)
			} else {
				otherPool = append(otherPool, x)
			}
		}
	}
	// pools is a map: sort, then shuffle with the seed, for determinism.
	rng := rand.New(rand.NewPCG(seed, 0x64_61_69)) // "dai"
	shuffleByID(weakPool, rng)
	shuffleByID(otherPool, rng)
	nWeak := weakQuota(n, len(weakPool))
	out := append(slices.Clone(weakPool[:nWeak]), otherPool[:min(n-nWeak, len(otherPool))]...)
	if rest := n - len(out); rest > 0 {
		out = append(out, weakPool[nWeak:min(nWeak+rest, len(weakPool))]...)
	}
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out, nil
}

func weakTags(stats []TagStat) map[string]bool {
	weak := map[string]bool{}
	for _, s := range stats {
		if len(weak) == WeakTagCount || s.Share() >= 1 {
			break
		}
		weak[s.Tag] = true
	}
	return weak
}

func hasAny(q Question, tags map[string]bool) bool {
	for _, t := range q.Tags {
		if tags[t] {
			return true
		}
	}
	return false
}

func shuffleByID(qs []Question, rng *rand.Rand) {
	slices.SortFunc(qs, func(a, b Question) int {
		return cmp.Or(cmp.Compare(a.ID, b.ID), cmp.Compare(DuplicateKey(a), DuplicateKey(b)))
	})
	rng.Shuffle(len(qs), func(i, j int) { qs[i], qs[j] = qs[j], qs[i] })
}

// weakQuota is how many of n come from the weak pool. With WeakShare 0.7,
// round(0.7n) ≤ n-1 for every n ≥ 2, so other topics always get a place.
func weakQuota(n, weak int) int {
	return min(int(math.Round(float64(n)*WeakShare)), weak)
}
