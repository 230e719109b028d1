package quiz

import (
	"math/rand/v2"
	"slices"
	"strings"
	"unicode"

	"xuejiangping/internal/msg"
)

// Response is what a member submits for one question. Only the field of the
// question's type is read. Letters are the letters the member saw; with a
// shuffled question, translate them with Mapping.Canonical first (GradeShown
// does that).
type Response struct {
	Letters []string // single, multiple
	Truth   *bool    // truefalse; nil means unanswered
	Blanks  []string // blank, in order
	Text    string   // short
}

// Result is the outcome of grading one response. Score is a share of the
// question's points, from 0 to 1; the exam or practice multiplies it by the
// points it gives the question.
type Result struct {
	Correct     bool
	Score       float64
	NeedsManual bool
}

// PartialMode is how a multiple-choice answer that misses some correct
// options (and picks no wrong one) is scored. Any wrong option scores 0.
type PartialMode string

const (
	AllOrNothing PartialMode = ""             // the default: only the full set scores
	PartialFixed PartialMode = "fixed"        // 少选 scores Rules.PartialShare
	PartialRatio PartialMode = "proportional" // 少选 scores picked correct / all correct
)

// Rules configure grading. The zero value is strict: all-or-nothing for
// multiple choice and for the blanks of a fill-in question.
type Rules struct {
	Multiple     PartialMode
	PartialShare float64 // for PartialFixed, e.g. 0.5
	BlankPartial bool    // score each blank separately: right blanks / all blanks
}

// Grade grades a response whose letters are canonical, with the default rules.
func Grade(q Question, r Response) Result { return Rules{}.Grade(q, r) }

// GradeShown grades a response given in the letters of a shuffle.
func (g Rules) GradeShown(q Question, r Response, m Mapping) Result {
	return g.Grade(q, m.Canonical(r))
}

// Grade grades a response whose letters are canonical.
func (g Rules) Grade(q Question, r Response) Result {
	switch q.Type {
	case Single:
		return scored(slices.Equal(letterSet(r.Letters), letterSet(q.Answer.Letters)), 0)
	case Multiple:
		return g.gradeMultiple(q.Answer.Letters, r.Letters)
	case TrueFalse:
		return scored(r.Truth != nil && *r.Truth == q.Answer.Truth, 0)
	case Blank:
		return g.gradeBlanks(q.Answer.Blanks, r.Blanks)
	case Short:
		// Nothing written leaves nothing to read: it scores 0 without
		// troubling the person grading.
		return Result{NeedsManual: strings.TrimSpace(r.Text) != ""}
	}
	return Result{}
}

// scored builds a result: full marks when correct, else the partial share.
func scored(correct bool, partial float64) Result {
	if correct {
		return Result{Correct: true, Score: 1}
	}
	return Result{Score: partial}
}

func (g Rules) gradeMultiple(want, got []string) Result {
	w, s := letterSet(want), letterSet(got)
	if slices.Equal(w, s) {
		return scored(true, 0)
	}
	if len(s) == 0 || !isSubset(s, w) {
		return scored(false, 0)
	}
	switch g.Multiple {
	case PartialFixed:
		return scored(false, g.PartialShare)
	case PartialRatio:
		return scored(false, float64(len(s))/float64(len(w)))
	}
	return scored(false, 0)
}

// letterSet is the sorted, de-duplicated, upper-cased letters: the order a
// member clicks in does not matter.
func letterSet(ls []string) []string {
	out := make([]string, 0, len(ls))
	for _, l := range ls {
		out = append(out, strings.ToUpper(fold(l)))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func isSubset(sub, set []string) bool {
	for _, x := range sub {
		if _, ok := slices.BinarySearch(set, x); !ok {
			return false
		}
	}
	return true
}

func (g Rules) gradeBlanks(want [][]string, got []string) Result {
	right := 0
	for i, accepted := range want {
		if i < len(got) && blankMatches(accepted, got[i]) {
			right++
		}
	}
	if len(want) == 0 {
		return Result{}
	}
	partial := 0.0
	if g.BlankPartial {
		partial = float64(right) / float64(len(want))
	}
	return scored(right == len(want), partial)
}

func blankMatches(accepted []string, got string) bool {
	g := fold(got)
	if g == "" {
		return false
	}
	for _, a := range accepted {
		if fold(a) == g {
			return true
		}
	}
	return false
}

// fold normalises free text for comparison: trimmed, full-width forms
// folded to half-width (phones switch input modes mid-answer), Latin letters
// lower-cased, and runs of spaces collapsed to one.
func fold(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.TrimSpace(foldWidth(s)) {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		if unicode.Is(unicode.Latin, r) {
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// foldWidth maps the full-width ASCII block and the ideographic space to
// their half-width forms.
func foldWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\u3000':
			return ' '
		case r >= '\uFF01' && r <= '\uFF5E':
			return r - 0xFEE0
		}
		return r
	}, s)
}

// PublicQuestion is what a client may see before submitting: no answer, no
// explanation. Options are in the order shown; option i has letter Letter(i).
type PublicQuestion struct {
	ID         int64
	Type       Type
	TypeLabel  string
	Stem       string
	Options    []string
	BlankCount int
	Tags       []string
	Difficulty int
}

// Public is the unshuffled view of q.
func Public(q Question) PublicQuestion {
	return PublicQuestion{
		ID:         q.ID,
		Type:       q.Type,
		TypeLabel:  q.Type.Label(),
		Stem:       q.Stem,
		Options:    slices.Clone(q.Options),
		BlankCount: len(q.Answer.Blanks),
		Tags:       slices.Clone(q.Tags),
		Difficulty: q.Difficulty,
	}
}

// Mapping records a shuffle: shown option i is canonical option Mapping[i].
// A nil Mapping is the identity. String and ParseMapping store it as the
// canonical letters in shown order, e.g. "CADB".
type Mapping []int

// Shuffle shows q's options in a random order and returns the mapping back.
// Non-choice questions are returned unchanged with a nil mapping.
func Shuffle(q Question, rng *rand.Rand) (PublicQuestion, Mapping) {
	pq := Public(q)
	if !q.Type.isChoice() {
		return pq, nil
	}
	m := Mapping(rng.Perm(len(q.Options)))
	for shown, canon := range m {
		pq.Options[shown] = q.Options[canon]
	}
	return pq, m
}

// CanonicalLetter translates a shown letter; ok is false if it was not shown.
func (m Mapping) CanonicalLetter(shown string) (string, bool) {
	i := letterIndex(strings.ToUpper(fold(shown)))
	if m == nil {
		return Letter(i), i >= 0
	}
	if i < 0 || i >= len(m) {
		return "", false
	}
	return Letter(m[i]), true
}

// ShownLetter is the inverse: where canonical option l was shown, for the
// review after submitting.
func (m Mapping) ShownLetter(canonical string) (string, bool) {
	c := letterIndex(canonical)
	if m == nil {
		return canonical, c >= 0
	}
	for shown, canon := range m {
		if canon == c {
			return Letter(shown), true
		}
	}
	return "", false
}

// Canonical translates the letters of a response. A letter that was not
// shown becomes "?", which matches no option, so it grades as wrong.
func (m Mapping) Canonical(r Response) Response {
	out := r
	out.Letters = make([]string, len(r.Letters))
	for i, l := range r.Letters {
		c, ok := m.CanonicalLetter(l)
		if !ok {
			c = "?"
		}
		out.Letters[i] = c
	}
	return out
}

func (m Mapping) String() string {
	var b strings.Builder
	for _, c := range m {
		b.WriteString(Letter(c))
	}
	return b.String()
}

// ParseMapping reads a stored mapping; it must be a permutation of A….
func ParseMapping(s string) (Mapping, error) {
	if s == "" {
		return nil, nil
	}
	m := make(Mapping, 0, len(s))
	seen := map[int]bool{}
	for _, r := range s {
		c := letterIndex(string(r))
		if c < 0 || c >= len(s) || seen[c] {
			return nil, newError(CodeInvalid, msg.T("quiz.parseMapping", s))
		}
		seen[c] = true
		m = append(m, c)
	}
	return m, nil
}

// CheckResponse refuses a response that does not fit the question as shown:
// letters that were not shown, several letters for a single choice, more
// blanks than the question has. Wrong answers pass; malformed ones do not.
func CheckResponse(pq PublicQuestion, r Response) error {
	switch pq.Type {
	case Single, Multiple:
		if pq.Type == Single && len(r.Letters) > 1 {
			return newError(CodeInvalid, msg.T("quiz.checkResponse"))
		}
		for _, l := range r.Letters {
			if i := letterIndex(strings.ToUpper(fold(l))); i < 0 || i >= len(pq.Options) {
				return newError(CodeInvalid, msg.T("quiz.checkResponse2", l))
			}
		}
	case Blank:
		if len(r.Blanks) > pq.BlankCount {
			return newError(CodeInvalid, msg.T("quiz.checkResponse3", pq.BlankCount, len(r.Blanks)))
		}
	}
	return nil
}
