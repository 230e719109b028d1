package quiz

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// bank builds n questions of a type with IDs from base, tagged in turn with
// tags, difficulty cycling 1..5.
func bank(t Type, base int64, n int, tags ...string) []Question {
	var out []Question
	for i := range n {
		q := Question{ID: base + int64(i), Type: t, Stem: fmt.Sprintf("%s第%d题", t.Label(), base+int64(i)), Difficulty: i%5 + 1}
		if len(tags) > 0 {
			q.Tags = []string{tags[i%len(tags)]}
		}
		out = append(out, q)
	}
	return out
}

func ids(qs []Question) []int64 {
	out := make([]int64, len(qs))
	for i, q := range qs {
		out[i] = q.ID
	}
	return out
}

func testBank() []Question {
	b := bank(Single, 100, 20, "学", "讲")
	b = append(b, bank(Multiple, 200, 10, "评")...)
	b = append(b, bank(TrueFalse, 300, 10, "讲")...)
	b = append(b, bank(Blank, 400, 5)...)
	b = append(b, Question{ID: 500, Type: Single, Stem: "稀有", Tags: []string{"推进机制"}, Difficulty: 3})
	return b
}

func TestDrawGuarantees(t *testing.T) {
	tests := []struct {
		name string
		spec Spec
	}{
		{"counts only", Spec{Counts: map[Type]int{Single: 5, Multiple: 3, TrueFalse: 2}, Seed: 1}},
		{"rare tag", Spec{Counts: map[Type]int{Single: 2, TrueFalse: 2}, Tags: []string{"推进机制", "讲"}, Seed: 2}},
		{"tag only in multiple", Spec{Counts: map[Type]int{Single: 3, Multiple: 1}, Tags: []string{"评"}, Seed: 3}},
		{"difficulty range", Spec{Counts: map[Type]int{Single: 4}, MinDifficulty: 4, MaxDifficulty: 5, Seed: 4}},
		{"whole pool", Spec{Counts: map[Type]int{Blank: 5}, Seed: 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Draw(testBank(), tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			got := map[Type]int{}
			for _, q := range p.Questions {
				got[q.Type]++
				if lo, hi := tt.spec.difficultyRange(); q.Difficulty < lo || q.Difficulty > hi {
					t.Errorf("question %d has difficulty %d outside %d..%d", q.ID, q.Difficulty, lo, hi)
				}
			}
			for ty, n := range tt.spec.Counts {
				if got[ty] != n {
					t.Errorf("%s: got %d, want %d", ty, got[ty], n)
				}
			}
			if s := slices.Sorted(slices.Values(ids(p.Questions))); len(slices.Compact(s)) != len(p.Questions) {
				t.Errorf("repeated questions: %v", ids(p.Questions))
			}
			for _, tag := range tt.spec.Tags {
				if !slices.ContainsFunc(p.Questions, func(q Question) bool { return q.HasTag(tag) }) {
					t.Errorf("tag %q not covered", tag)
				}
			}
			// Grouped by type in display order.
			if !slices.IsSortedFunc(p.Questions, func(a, b Question) int {
				return slices.Index(Types(), a.Type) - slices.Index(Types(), b.Type)
			}) {
				t.Errorf("paper not grouped by type: %v", p.Questions)
			}
		})
	}
}

func TestDrawDeterministic(t *testing.T) {
	spec := Spec{Counts: map[Type]int{Single: 6, TrueFalse: 3}, Tags: []string{"推进机制"}, Seed: 42}
	first, err := Draw(testBank(), spec)
	if err != nil {
		t.Fatal(err)
	}
	shuffled := testBank()
	rand.New(rand.NewPCG(9, 9)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	again, err := Draw(shuffled, spec)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids(first.Questions), ids(again.Questions)) {
		t.Errorf("same seed, reordered bank: %v then %v", ids(first.Questions), ids(again.Questions))
	}
	spec.Seed = 43
	other, _ := Draw(testBank(), spec)
	if slices.Equal(ids(first.Questions), ids(other.Questions)) {
		t.Errorf("seeds 42 and 43 drew the same paper %v", ids(first.Questions))
	}
}

func TestDrawNoDuplicateCopies(t *testing.T) {
	b := []Question{
		{ID: 1, Type: Single, Stem: "活动每月开展几次？", Difficulty: 1},
		{ID: 2, Type: Single, Stem: "活动每月开展几次?", Difficulty: 1}, // the same, half-width ?
		{ID: 3, Type: Single, Stem: "党员人数上限？", Difficulty: 1},
		{ID: 3, Type: Single, Stem: "党员人数上限？", Difficulty: 1}, // the same ID twice
	}
	_, err := Draw(b, Spec{Counts: map[Type]int{Single: 3}})
	want := "题库中“单选题”不足：需要3道，仅有2道"
	if err == nil || err.Error() != want {
		t.Errorf("Draw() error = %v, want %q", err, want)
	}
}

func TestDrawErrors(t *testing.T) {
	tests := []struct {
		name     string
		spec     Spec
		wantCode string
		want     string
	}{
		{"bank too small", Spec{Counts: map[Type]int{Single: 30}}, CodeInsufficient, "题库中“单选题”不足：需要30道，仅有21道"},
		{"too small in range", Spec{Counts: map[Type]int{Multiple: 5}, MinDifficulty: 5}, CodeInsufficient, "题库中“多选题”不足：需要5道，仅有2道（难度5至5）"},
		{"no short answers", Spec{Counts: map[Type]int{Short: 1}}, CodeInsufficient, "题库中“简答题”不足：需要1道，仅有0道"},
		{"nothing asked", Spec{Counts: map[Type]int{Single: 0}}, CodeInvalid, "组卷至少需要1道题"},
		{"negative", Spec{Counts: map[Type]int{Single: -1, Blank: 2}}, CodeInvalid, "“单选题”的题数不能为负数"},
		{"unknown type", Spec{Counts: map[Type]int{"essay": 1}}, CodeInvalid, "未知题型“essay”"},
		{"bad range", Spec{Counts: map[Type]int{Single: 1}, MinDifficulty: 4, MaxDifficulty: 2}, CodeInvalid, "难度范围须在1到5之间，且下限不大于上限"},
		{"tag cannot fit", Spec{Counts: map[Type]int{Single: 2}, Tags: []string{"评"}}, CodeInsufficient, "按所设题型和题数无法覆盖标签“评”"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Draw(testBank(), tt.spec)
			var qe *Error
			if !errors.As(err, &qe) || qe.Code != tt.wantCode || qe.Message != tt.want {
				t.Errorf("Draw() error = %#v, want %s %q", err, tt.wantCode, tt.want)
			}
		})
	}
}

func TestDrawMissingTag(t *testing.T) {
	p, err := Draw(testBank(), Spec{Counts: map[Type]int{Single: 1}, Tags: []string{"无此标签", "学"}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.MissingTags, []string{"无此标签"}) || !p.Questions[0].HasTag("学") {
		t.Errorf("got %+v, want 无此标签 missing and 学 covered", p)
	}
}

func TestDrawPrefersQuestionsCoveringSeveralTags(t *testing.T) {
	// One question per type allowed: only the question carrying both tags
	// can cover both.
	b := []Question{
		{ID: 1, Type: Single, Stem: "只学", Tags: []string{"学"}, Difficulty: 1},
		{ID: 2, Type: Single, Stem: "只讲", Tags: []string{"讲"}, Difficulty: 1},
		{ID: 3, Type: Single, Stem: "学和讲", Tags: []string{"学", "讲"}, Difficulty: 1},
	}
	for seed := range uint64(10) {
		p, err := Draw(b, Spec{Counts: map[Type]int{Single: 1}, Tags: []string{"学", "讲"}, Seed: seed})
		if err != nil || p.Questions[0].ID != 3 {
			t.Fatalf("seed %d: got %v, %v; want question 3", seed, p.Questions, err)
		}
	}
}

func TestTagStats(t *testing.T) {
	b := testBank() // even IDs from 100 are 学, odd are 讲; 300s are 讲
	h := []Event{{QuestionID: 100, Correct: true}, {QuestionID: 102, Correct: false},
		{QuestionID: 101, Correct: false}, {QuestionID: 300, Correct: false}, {QuestionID: 301, Correct: false},
		{QuestionID: 999, Correct: false}} // unknown question: ignored
	want := []TagStat{{"讲", 3, 0}, {"学", 2, 1}}
	if got := TagStats(b, h); !slices.Equal(got, want) {
		t.Errorf("TagStats() = %v, want %v", got, want)
	}
}

func TestDailyPractice(t *testing.T) {
	b := append(bank(Single, 1, 30, "学"), bank(Single, 101, 30, "讲")...)
	b = append(b, bank(Single, 201, 30, "评")...)
	b = append(b, bank(Short, 301, 30, "讲")...)
	// The member gets 讲 wrong, 学 right, never tried 评.
	var h []Event
	for i := range 10 {
		h = append(h, Event{QuestionID: int64(101 + i), Correct: i < 2}, Event{QuestionID: int64(1 + i), Correct: true})
	}
	tests := []struct {
		name            string
		history         []Event
		n               int
		wantWeak        int // questions tagged 讲
		wantSizeAtLeast int
	}{
		{"weak tag weighted", h, 10, 7, 10},
		{"two still mix", h, 2, 1, 2},
		{"one goes to the weak tag", h, 1, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DailyPractice(b, tt.history, tt.n, 7)
			if err != nil {
				t.Fatal(err)
			}
			weak := 0
			for _, q := range got {
				if q.Type == Short {
					t.Errorf("short answer %d in daily practice", q.ID)
				}
				if q.HasTag("讲") {
					weak++
				}
			}
			if len(got) != tt.n || weak != tt.wantWeak {
				t.Errorf("got %d questions, %d on the weak tag; want %d, %d", len(got), weak, tt.n, tt.wantWeak)
			}
			again, _ := DailyPractice(b, tt.history, tt.n, 7)
			if !slices.Equal(ids(got), ids(again)) {
				t.Errorf("not deterministic: %v then %v", ids(got), ids(again))
			}
		})
	}
}

func TestDailyPracticeEdges(t *testing.T) {
	b := bank(Single, 1, 3, "学")
	if got, err := DailyPractice(b, nil, 10, 1); err != nil || len(got) != 3 {
		t.Errorf("small bank: got %d, %v; want all 3", len(got), err)
	}
	if _, err := DailyPractice(b, nil, 0, 1); err == nil {
		t.Errorf("n = 0 accepted")
	}
	// All answered right: nothing is weak, the draw is plain.
	h := []Event{{QuestionID: 1, Correct: true}}
	if got, _ := DailyPractice(b, h, 2, 1); len(got) != 2 {
		t.Errorf("got %d, want 2", len(got))
	}
}
