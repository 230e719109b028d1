package quiz

import (
	"slices"
	"testing"
)

func TestParseRow(t *testing.T) {
	tests := []struct {
		name    string
		cells   map[string]string
		want    Question
		wantErr []FieldError
	}{
		{
			name: "single choice",
			cells: map[string]string{"题型": "单选题", "题干": "活动以什么为单位？", "选项A": "党委", "选项B": "党支部或党小组",
				"答案": "ｂ", "解析": "原文", "标签": "基本要求、学，讲;评", "难度": "２", "来源资料ID": "12", "序号": "1"},
			want: Question{Type: Single, Stem: "活动以什么为单位？", Options: []string{"党委", "党支部或党小组"},
				Answer: Answer{Letters: []string{"B"}}, Explanation: "原文", Tags: []string{"基本要求", "学", "讲", "评"},
				Difficulty: 2, MaterialID: ptr(int64(12))},
		},
		{
			name:  "multiple with separators, headers with spaces",
			cells: map[string]string{" 题型 ": "多选", "题干": "三学？", "选项A": "甲", "选项B": "乙", "选项C": "丙", "答案": "A、C"},
			want: Question{Type: Multiple, Stem: "三学？", Options: []string{"甲", "乙", "丙"},
				Answer: Answer{Letters: []string{"A", "C"}}, Difficulty: DefaultDifficulty},
		},
		{
			name:  "true/false",
			cells: map[string]string{"题型": "判断题", "题干": "每月两次。", "答案": "√"},
			want:  Question{Type: TrueFalse, Stem: "每月两次。", Answer: Answer{Truth: true}, Difficulty: DefaultDifficulty},
		},
		{
			name:  "blanks",
			cells: map[string]string{"题型": "填空题", "题干": "____秒，____", "答案": "3|三；周例会"},
			want: Question{Type: Blank, Stem: "____秒，____", Answer: Answer{Blanks: [][]string{{"3", "三"}, {"周例会"}}},
				Difficulty: DefaultDifficulty},
		},
		{
			name:  "short without reference",
			cells: map[string]string{"题型": "简答题", "题干": "谈体会。"},
			want:  Question{Type: Short, Stem: "谈体会。", Difficulty: DefaultDifficulty},
		},
		{
			name:    "empty row",
			cells:   map[string]string{},
			wantErr: []FieldError{{ColType, "题型不能为空"}, {ColStem, "题干不能为空"}},
		},
		{
			name:    "unknown type",
			cells:   map[string]string{"题型": "论述题", "题干": "x"},
			wantErr: []FieldError{{ColType, "题型“论述题”无效，须为单选题、多选题、判断题、填空题、简答题之一"}},
		},
		{
			name: "gap in options, answer beyond options, bad difficulty and material",
			cells: map[string]string{"题型": "单选题", "题干": "x", "选项A": "甲", "选项C": "丙", "答案": "D",
				"难度": "难", "来源资料ID": "-3"},
			wantErr: []FieldError{{"选项B", "选项B为空，但其后还有选项"}, {ColAnswer, "答案“D”对应的选项不存在"},
				{ColDifficulty, "难度“难”无效，须为1到5的整数"}, {ColMaterial, "来源资料ID“-3”无效，须为正整数"}},
		},
		{
			name:    "answer not letters",
			cells:   map[string]string{"题型": "多选题", "题干": "x", "选项A": "甲", "选项B": "乙", "选项C": "丙", "答案": "甲乙"},
			wantErr: []FieldError{{ColAnswer, "答案“甲乙”须为选项字母，如B或ABD"}},
		},
		{
			name:    "missing answer",
			cells:   map[string]string{"题型": "判断题", "题干": "x"},
			wantErr: []FieldError{{ColAnswer, "答案不能为空"}},
		},
		{
			name:    "bad truth",
			cells:   map[string]string{"题型": "判断题", "题干": "x", "答案": "也许"},
			wantErr: []FieldError{{ColAnswer, "判断题答案须为“对”或“错”"}},
		},
		{
			name:    "options on a blank question",
			cells:   map[string]string{"题型": "填空题", "题干": "x____", "答案": "y", "选项A": "甲"},
			wantErr: []FieldError{{"选项A", "填空题不设选项"}},
		},
		{
			name:    "multiple needs two answers",
			cells:   map[string]string{"题型": "多选题", "题干": "x", "选项A": "甲", "选项B": "乙", "选项C": "丙", "答案": "B"},
			wantErr: []FieldError{{ColAnswer, "多选题至少须有两个正确答案"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := ParseRow(tt.cells)
			if !slices.Equal(errs, tt.wantErr) {
				t.Fatalf("errors =\n %v\nwant\n %v", errs, tt.wantErr)
			}
			if tt.wantErr == nil && !sameQuestion(got, tt.want) {
				t.Errorf("question =\n %+v\nwant\n %+v", got, tt.want)
			}
		})
	}
}

func sameQuestion(a, b Question) bool {
	return a.Type == b.Type && a.Stem == b.Stem && slices.Equal(a.Options, b.Options) &&
		slices.Equal(a.Answer.Letters, b.Answer.Letters) && a.Answer.Truth == b.Answer.Truth &&
		slices.EqualFunc(a.Answer.Blanks, b.Answer.Blanks, slices.Equal) && a.Answer.Reference == b.Answer.Reference &&
		a.Explanation == b.Explanation && slices.Equal(a.Tags, b.Tags) && a.Difficulty == b.Difficulty &&
		(a.MaterialID == nil) == (b.MaterialID == nil) && (a.MaterialID == nil || *a.MaterialID == *b.MaterialID)
}

func TestSplitTags(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"学、讲,评；推进机制", []string{"学", "讲", "评", "推进机制"}},
		{" 学 ，， 学;讲 ", []string{"学", "讲"}},
	}
	for _, tt := range tests {
		if got := SplitTags(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("SplitTags(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDuplicateKey(t *testing.T) {
	base := Question{Type: Single, Stem: "“学讲评”活动每月开展几次？"}
	tests := []struct {
		name string
		q    Question
		same bool
	}{
		{"identical", base, true},
		{"half-width punctuation and spaces", Question{Type: Single, Stem: " \"学讲评\" 活动 每月开展几次?"}, true},
		{"full-width Latin", Question{Type: Single, Stem: "ＡＢＣ"}, false},
		{"another type", Question{Type: Multiple, Stem: base.Stem}, false},
		{"another stem", Question{Type: Single, Stem: "“学讲评”活动每年开展几次？"}, false},
	}
	for _, tt := range tests {
		if got := DuplicateKey(tt.q) == DuplicateKey(base); got != tt.same {
			t.Errorf("%s: same key = %v, want %v (%q vs %q)", tt.name, got, tt.same, DuplicateKey(tt.q), DuplicateKey(base))
		}
	}
	if DuplicateKey(Question{Type: Blank, Stem: "日碰头、____、月观摩"}) != DuplicateKey(Question{Type: Blank, Stem: "日碰头、（ ）、月观摩"}) {
		t.Errorf("blank marks should not tell questions apart")
	}
	if DuplicateKey(Question{Type: Single, Stem: "ABC"}) != DuplicateKey(Question{Type: Single, Stem: "ａｂｃ"}) {
		t.Errorf("Latin case and width should not tell questions apart")
	}
}
