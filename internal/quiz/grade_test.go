package quiz

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

var (
	qSingle = Question{ID: 1, Type: Single, Stem: "单位？", Options: []string{"党委", "党支部或党小组", "科室"},
		Answer: Answer{Letters: []string{"B"}}, Explanation: "原文", Difficulty: 1}
	qMultiple = Question{ID: 2, Type: Multiple, Stem: "三学？", Options: []string{"学党章党规", "学系列讲话", "学政策业务", "学历史"},
		Answer: Answer{Letters: []string{"A", "B", "C"}}, Difficulty: 2}
	qTrue  = Question{ID: 3, Type: TrueFalse, Stem: "每月两次。", Answer: Answer{Truth: true}, Difficulty: 1}
	qFalse = Question{ID: 4, Type: TrueFalse, Stem: "每月三次。", Answer: Answer{Truth: false}, Difficulty: 1}
	qBlank = Question{ID: 5, Type: Blank, Stem: "____秒，口号____", Answer: Answer{Blanks: [][]string{{"3", "三"}, {"Study Hard", "学新"}}}, Difficulty: 1}
	qShort = Question{ID: 6, Type: Short, Stem: "谈体会。", Difficulty: 3}
)

func TestGrade(t *testing.T) {
	yes, no := true, false
	tests := []struct {
		name  string
		rules Rules
		q     Question
		r     Response
		want  Result
	}{
		{"single right", Rules{}, qSingle, Response{Letters: []string{"B"}}, Result{Correct: true, Score: 1}},
		{"single lower-case full-width", Rules{}, qSingle, Response{Letters: []string{"ｂ"}}, Result{Correct: true, Score: 1}},
		{"single wrong", Rules{}, qSingle, Response{Letters: []string{"A"}}, Result{}},
		{"single two letters", Rules{}, qSingle, Response{Letters: []string{"A", "B"}}, Result{}},
		{"single empty", Rules{}, qSingle, Response{}, Result{}},
		{"multiple exact any order", Rules{}, qMultiple, Response{Letters: []string{"C", "A", "B"}}, Result{Correct: true, Score: 1}},
		{"multiple missing one strict", Rules{}, qMultiple, Response{Letters: []string{"A", "B"}}, Result{}},
		{"multiple missing one fixed", Rules{Multiple: PartialFixed, PartialShare: 0.5}, qMultiple, Response{Letters: []string{"A", "B"}}, Result{Score: 0.5}},
		{"multiple missing one ratio", Rules{Multiple: PartialRatio}, qMultiple, Response{Letters: []string{"A"}}, Result{Score: 1.0 / 3}},
		{"multiple wrong option ratio", Rules{Multiple: PartialRatio}, qMultiple, Response{Letters: []string{"A", "D"}}, Result{}},
		{"multiple none ratio", Rules{Multiple: PartialRatio}, qMultiple, Response{}, Result{}},
		{"multiple all options", Rules{Multiple: PartialFixed, PartialShare: 0.5}, qMultiple, Response{Letters: []string{"A", "B", "C", "D"}}, Result{}},
		{"true right", Rules{}, qTrue, Response{Truth: &yes}, Result{Correct: true, Score: 1}},
		{"true wrong", Rules{}, qTrue, Response{Truth: &no}, Result{}},
		{"false right", Rules{}, qFalse, Response{Truth: &no}, Result{Correct: true, Score: 1}},
		{"false unanswered", Rules{}, qFalse, Response{}, Result{}},
		{"blank right", Rules{}, qBlank, Response{Blanks: []string{"3", "学新"}}, Result{Correct: true, Score: 1}},
		{"blank alternatives folded", Rules{}, qBlank, Response{Blanks: []string{" ３ ", "ＳＴＵＤＹ　 hard"}}, Result{Correct: true, Score: 1}},
		{"blank other accepted", Rules{}, qBlank, Response{Blanks: []string{"三", "study hard"}}, Result{Correct: true, Score: 1}},
		{"blank swapped", Rules{}, qBlank, Response{Blanks: []string{"学新", "3"}}, Result{}},
		{"blank one wrong strict", Rules{}, qBlank, Response{Blanks: []string{"3", "学旧"}}, Result{}},
		{"blank one wrong partial", Rules{BlankPartial: true}, qBlank, Response{Blanks: []string{"3", "学旧"}}, Result{Score: 0.5}},
		{"blank too few", Rules{}, qBlank, Response{Blanks: []string{"3"}}, Result{}},
		{"blank empty not matched", Rules{}, Question{Type: Blank, Answer: Answer{Blanks: [][]string{{""}}}}, Response{Blanks: []string{""}}, Result{}},
		{"short answered", Rules{}, qShort, Response{Text: "体会很深"}, Result{NeedsManual: true}},
		{"short empty", Rules{}, qShort, Response{Text: "  "}, Result{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.rules.Grade(tt.q, tt.r); got != tt.want {
				t.Errorf("Grade() = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestGradeDefaultIsStrict(t *testing.T) {
	got := Grade(qMultiple, Response{Letters: []string{"A", "B"}})
	if got != (Result{}) {
		t.Errorf("Grade() = %+v, want all-or-nothing", got)
	}
}

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"  学 新  ", "学 新"},
		{"ＡＢＣ１２３", "abc123"},
		{"Party　Member", "party member"},
		{"ΑΒΓ", "ΑΒΓ"}, // Greek is not Latin: left as typed
		{"学\t\n讲", "学 讲"},
		{"（对）", "(对)"},
	}
	for _, tt := range tests {
		if got := fold(tt.in); got != tt.want {
			t.Errorf("fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPublicHidesAnswer(t *testing.T) {
	// Nothing the client receives may carry the answer or the explanation.
	typ := reflect.TypeOf(PublicQuestion{})
	for i := range typ.NumField() {
		if n := typ.Field(i).Name; n == "Answer" || n == "Explanation" {
			t.Errorf("PublicQuestion has field %s", n)
		}
	}
	pq := Public(qBlank)
	if pq.BlankCount != 2 || pq.TypeLabel != "填空题" {
		t.Errorf("Public() = %+v, want 2 blanks labelled 填空题", pq)
	}
}

func TestShuffleMapsBack(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for range 50 {
		pq, m := Shuffle(qMultiple, rng)
		if len(m) != len(qMultiple.Options) {
			t.Fatalf("mapping %v has wrong length", m)
		}
		// The member picks, in shown letters, the options whose text is right.
		var shown []string
		for i, o := range pq.Options {
			if slices.Contains([]string{"学党章党规", "学系列讲话", "学政策业务"}, o) {
				shown = append(shown, Letter(i))
			}
		}
		if got := (Rules{}).GradeShown(qMultiple, Response{Letters: shown}, m); !got.Correct {
			t.Fatalf("shown %v with mapping %v graded %+v", shown, m, got)
		}
		for i := range pq.Options {
			c, _ := m.CanonicalLetter(Letter(i))
			back, _ := m.ShownLetter(c)
			if back != Letter(i) || qMultiple.Options[letterIndex(c)] != pq.Options[i] {
				t.Fatalf("letter %s → %s → %s does not round-trip", Letter(i), c, back)
			}
		}
		parsed, err := ParseMapping(m.String())
		if err != nil || !slices.Equal(parsed, m) {
			t.Fatalf("ParseMapping(%q) = %v, %v", m.String(), parsed, err)
		}
	}
	if _, m := Shuffle(qTrue, rng); m != nil {
		t.Errorf("true/false shuffle mapping = %v, want nil", m)
	}
}

func TestShuffleIsPerPerson(t *testing.T) {
	seen := map[string]bool{}
	for seed := range uint64(20) {
		_, m := Shuffle(qMultiple, rand.New(rand.NewPCG(seed, 1)))
		seen[m.String()] = true
	}
	if len(seen) < 5 {
		t.Errorf("20 seeds gave only %d orders", len(seen))
	}
}

func TestGradeShownUnknownLetter(t *testing.T) {
	m := Mapping{2, 0, 1}
	if got := (Rules{}).GradeShown(qSingle, Response{Letters: []string{"D"}}, m); got.Correct {
		t.Errorf("a letter that was not shown graded correct")
	}
	// Shown A is canonical C; shown C is canonical B (the right one).
	if got := (Rules{}).GradeShown(qSingle, Response{Letters: []string{"C"}}, m); !got.Correct {
		t.Errorf("shown C → canonical B graded %+v", got)
	}
}

func TestParseMapping(t *testing.T) {
	tests := []struct {
		in      string
		want    Mapping
		wantErr bool
	}{
		{"", nil, false}, {"CAB", Mapping{2, 0, 1}, false},
		{"AA", nil, true}, {"AD", nil, true}, {"a", nil, true},
	}
	for _, tt := range tests {
		got, err := ParseMapping(tt.in)
		if (err != nil) != tt.wantErr || !slices.Equal(got, tt.want) {
			t.Errorf("ParseMapping(%q) = %v, %v; want %v, err %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestCheckResponse(t *testing.T) {
	tests := []struct {
		name string
		q    Question
		r    Response
		want string
	}{
		{"single ok", qSingle, Response{Letters: []string{"c"}}, ""},
		{"single two", qSingle, Response{Letters: []string{"A", "B"}}, "单选题只能选一个答案"},
		{"letter not shown", qSingle, Response{Letters: []string{"D"}}, "选项“D”不存在"},
		{"blank too many", qBlank, Response{Blanks: []string{"1", "2", "3"}}, "本题只有2个空，提交了3个"},
		{"wrong but well-formed", qMultiple, Response{Letters: []string{"D"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckResponse(Public(tt.q), tt.r)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("CheckResponse() = %q, want %q", got, tt.want)
			}
		})
	}
}
