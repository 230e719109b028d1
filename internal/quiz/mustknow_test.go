package quiz

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const seedPath = "../../../shared/seed/000_a7b15d6f835756cf.txt"

func TestMustKnowAgainstSeed(t *testing.T) {
	raw, err := os.ReadFile(filepath.FromSlash(seedPath))
	if os.IsNotExist(err) {
		t.Skipf("seed text not present at %s", seedPath)
	}
	if err != nil {
		t.Fatal(err)
	}
	seed := string(raw)
	for i, m := range MustKnow() {
		if m.SeedQuote == "" || !strings.Contains(seed, m.SeedQuote) {
			t.Errorf("question %d %q: quote %q is not in the seed", i+1, m.Stem, m.SeedQuote)
		}
	}
}

func TestMustKnowSet(t *testing.T) {
	set := MustKnow()
	if len(set) != 30 {
		t.Fatalf("the must-know set has %d questions, want 30", len(set))
	}
	stems := map[string]int{}
	keys := map[string]int{}
	perType := map[Type]int{}
	for i, m := range set {
		if err := m.Validate(); err != nil {
			t.Errorf("question %d %q: %v", i+1, m.Stem, err)
		}
		if j, dup := stems[m.Stem]; dup {
			t.Errorf("questions %d and %d share the stem %q", j+1, i+1, m.Stem)
		}
		if j, dup := keys[DuplicateKey(m.Question)]; dup {
			t.Errorf("questions %d and %d are duplicates", j+1, i+1)
		}
		stems[m.Stem], keys[DuplicateKey(m.Question)] = i, i
		perType[m.Type]++
		if !m.HasTag(MustKnowSet) {
			t.Errorf("question %d lacks the set's tag", i+1)
		}
	}
	for _, ty := range []Type{Single, Multiple, TrueFalse, Blank} {
		if perType[ty] < 3 {
			t.Errorf("only %d %s in the set; the set mixes types", perType[ty], ty.Label())
		}
	}
}

// TestMustKnowAnswersInQuote checks the answer is really in the quote: the
// right option's words, or each blank's first accepted answer, appear in it.
// True/false answers are judged by hand; their quotes prove them in context.
func TestMustKnowAnswersInQuote(t *testing.T) {
	for i, m := range MustKnow() {
		var want []string
		switch m.Type {
		case Single, Multiple:
			for _, l := range m.Answer.Letters {
				want = append(want, trimUnits(m.Options[letterIndex(l)]))
			}
		case Blank:
			for _, b := range m.Answer.Blanks {
				want = append(want, b[0])
			}
		}
		for _, w := range want {
			if !strings.Contains(m.SeedQuote, w) {
				t.Errorf("question %d %q: answer %q not in quote %q", i+1, m.Stem, w, m.SeedQuote)
			}
		}
	}
}

// trimUnits drops the measure words of numeric options: "12次" → "12".
func trimUnits(s string) string {
	for _, u := range []string{"个", "次", "人"} {
		if n := strings.TrimSuffix(s, u); n != s && strings.Trim(n, "0123456789") == "" {
			return n
		}
	}
	return s
}

func TestMustKnowIsACopy(t *testing.T) {
	a := MustKnow()
	a[0].Options[0] = "changed"
	a[0].Tags[0] = "changed"
	if b := MustKnow(); b[0].Options[0] == "changed" || b[0].Tags[0] == "changed" {
		t.Errorf("MustKnow() shares memory between calls")
	}
}

func TestMustKnowGradesItsOwnAnswers(t *testing.T) {
	for i, m := range MustKnow() {
		r := Response{Letters: m.Answer.Letters, Truth: &m.Answer.Truth}
		for _, b := range m.Answer.Blanks {
			r.Blanks = append(r.Blanks, b[0])
		}
		if got := Grade(m.Question, r); !got.Correct {
			t.Errorf("question %d: its own answer graded %+v", i+1, got)
		}
	}
}
