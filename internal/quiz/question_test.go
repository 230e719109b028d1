package quiz

import (
	"errors"
	"strings"
	"testing"
)

func ptr[T any](v T) *T { return &v }

func validSingle() Question {
	return Question{Type: Single, Stem: "活动以什么为单位？", Options: []string{"党委", "党支部或党小组"},
		Answer: Answer{Letters: []string{"B"}}, Tags: []string{"基本要求"}, Difficulty: 1}
}

func TestValidate(t *testing.T) {
	edit := func(f func(*Question)) Question { q := validSingle(); f(&q); return q }
	tests := []struct {
		name string
		q    Question
		want string // substring of the message; "" means valid
	}{
		{"valid single", validSingle(), ""},
		{"unknown type", edit(func(q *Question) { q.Type = "essay" }), "题型须为单选题、多选题、判断题、填空题、简答题之一"},
		{"missing stem", edit(func(q *Question) { q.Stem = "  " }), "题干不能为空"},
		{"stem too long", edit(func(q *Question) { q.Stem = strings.Repeat("学", MaxStemRunes+1) }), "题干不能超过1000字"},
		{"one option", edit(func(q *Question) { q.Options = q.Options[:1]; q.Answer.Letters = []string{"A"} }), "单选题须有2到8个选项，现有1个"},
		{"nine options", edit(func(q *Question) { q.Options = strings.Split("123456789", "") }), "须有2到8个选项，现有9个"},
		{"empty option", edit(func(q *Question) { q.Options[0] = "" }), "选项A不能为空"},
		{"duplicate option", edit(func(q *Question) { q.Options = []string{"对", "错", " 对 "} }), "选项C与选项A重复"},
		{"single two answers", edit(func(q *Question) { q.Answer.Letters = []string{"A", "B"} }), "单选题须有且只有一个正确答案，现有2个"},
		{"single no answer", edit(func(q *Question) { q.Answer.Letters = nil }), "现有0个"},
		{"answer to missing option", edit(func(q *Question) { q.Answer.Letters = []string{"E"} }), "答案“E”对应的选项不存在"},
		{"answer not a letter", edit(func(q *Question) { q.Answer.Letters = []string{"b"} }), "答案“b”不是选项字母"},
		{"multiple one correct", Question{Type: Multiple, Stem: "三学？", Options: []string{"甲", "乙", "丙"},
			Answer: Answer{Letters: []string{"A"}}, Difficulty: 2}, "多选题至少须有两个正确答案"},
		{"multiple two options", Question{Type: Multiple, Stem: "三学？", Options: []string{"甲", "乙"},
			Answer: Answer{Letters: []string{"A", "B"}}, Difficulty: 2}, "多选题须有3到8个选项"},
		{"multiple repeated answer", Question{Type: Multiple, Stem: "三学？", Options: []string{"甲", "乙", "丙"},
			Answer: Answer{Letters: []string{"A", "A"}}, Difficulty: 2}, "答案“A”重复"},
		{"valid multiple", Question{Type: Multiple, Stem: "三学？", Options: []string{"甲", "乙", "丙"},
			Answer: Answer{Letters: []string{"A", "C"}}, Difficulty: 2}, ""},
		{"valid true/false", Question{Type: TrueFalse, Stem: "每月两次。", Answer: Answer{Truth: true}, Difficulty: 1}, ""},
		{"true/false with options", Question{Type: TrueFalse, Stem: "每月两次。", Options: []string{"对", "错"}, Difficulty: 1}, "判断题不设选项"},
		{"true/false with letters", Question{Type: TrueFalse, Stem: "每月两次。", Answer: Answer{Letters: []string{"A"}}, Difficulty: 1}, "答案形式与题型“判断题”不符"},
		{"valid blank", Question{Type: Blank, Stem: "日碰头、____、月观摩", Answer: Answer{Blanks: [][]string{{"周例会"}}}, Difficulty: 1}, ""},
		{"blank without answers", Question{Type: Blank, Stem: "日碰头、____", Difficulty: 1}, "填空题须有1到10个空"},
		{"blank with empty blank", Question{Type: Blank, Stem: "____与____", Answer: Answer{Blanks: [][]string{{"学"}, {" "}}}, Difficulty: 1}, "第2空没有参考答案"},
		{"blank marks mismatch", Question{Type: Blank, Stem: "____与____", Answer: Answer{Blanks: [][]string{{"学"}}}, Difficulty: 1}, "题干有2处空（____），答案却有1空"},
		{"valid short", Question{Type: Short, Stem: "谈谈体会。", Answer: Answer{Reference: "言之有物"}, Difficulty: 3}, ""},
		{"difficulty 0", edit(func(q *Question) { q.Difficulty = 0 }), "难度须为1到5的整数"},
		{"difficulty 6", edit(func(q *Question) { q.Difficulty = 6 }), "难度须为1到5的整数"},
		{"empty tag", edit(func(q *Question) { q.Tags = []string{"学", ""} }), "标签不能为空"},
		{"repeated tag", edit(func(q *Question) { q.Tags = []string{"学", "学"} }), "标签“学”重复"},
		{"bad material", edit(func(q *Question) { q.MaterialID = ptr(int64(0)) }), "来源资料ID须为正整数"},
		{"two problems both reported", edit(func(q *Question) { q.Stem = ""; q.Difficulty = 9 }), "题干不能为空；难度须为1到5的整数"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.q.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			var qe *Error
			if !errors.As(err, &qe) || qe.Code != CodeInvalid {
				t.Fatalf("Validate() = %#v, want *Error with code %q", err, CodeInvalid)
			}
			if !strings.Contains(qe.Message, tt.want) {
				t.Errorf("message = %q, want it to contain %q", qe.Message, tt.want)
			}
		})
	}
}

func TestTypeLabels(t *testing.T) {
	tests := []struct {
		in     string
		want   Type
		wantOK bool
	}{
		{"single", Single, true}, {"单选题", Single, true}, {"单选", Single, true},
		{"多选题", Multiple, true}, {"判断题", TrueFalse, true}, {" 填空题 ", Blank, true},
		{"简答", Short, true}, {"问答题", "", false}, {"", "", false},
	}
	for _, tt := range tests {
		got, ok := ParseType(tt.in)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("ParseType(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
	for _, ty := range Types() {
		if !ty.Valid() || ty.Label() == string(ty) {
			t.Errorf("type %q has no label", ty)
		}
	}
}
