// Package quiz holds the pure rules of the question bank: question types and
// their validation, server-side grading, option shuffles, paper drawing,
// daily practice, the wrong-answer book (错题本), exam timing and the
// must-know set (应知应会30问). It does no I/O; the store is added beside it.
package quiz

import (
	"strings"
	"unicode/utf8"

	"xuejiangping/internal/msg"
)

// Error codes. The delivery layers map them to responses; the message is
// always safe to show to a member.
const (
	CodeInvalid      = "invalid"      // bad input
	CodeConflict     = "conflict"     // the state forbids it (e.g. already submitted)
	CodeNotOpen      = "not_open"     // an exam that has not opened yet
	CodeClosed       = "closed"       // a window or a deadline has passed
	CodeInsufficient = "insufficient" // the bank cannot satisfy a paper spec
)

// Error is this package's error: a stable code and a Chinese message.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// newError is a quiz failure with its code and the message to show.
func newError(code, message string) *Error {
	return &Error{Code: code, Message: message}
}

// Type is a question type. Codes are English; labels are what users see.
type Type string

const (
	Single    Type = "single"
	Multiple  Type = "multiple"
	TrueFalse Type = "truefalse"
	Blank     Type = "blank"
	Short     Type = "short"
)

// types lists every type once, in the order papers and forms show them, with
// its Chinese label: the single place where codes meet labels.
var types = []struct {
	t     Type
	label string
}{
	{Single, msg.T("quiz.types.single")},
	{Multiple, msg.T("quiz.types.multiple")},
	{TrueFalse, msg.T("quiz.types.trueFalse")},
	{Blank, msg.T("quiz.types.blank")},
	{Short, msg.T("quiz.types.short")},
}

// Types returns every question type in display order.
func Types() []Type {
	out := make([]Type, len(types))
	for i, x := range types {
		out[i] = x.t
	}
	return out
}

// Label is the Chinese name of the type, or the code itself if unknown.
func (t Type) Label() string {
	for _, x := range types {
		if x.t == t {
			return x.label
		}
	}
	return string(t)
}

// Valid reports whether t is one of the known types.
func (t Type) Valid() bool { return t.Label() != string(t) }

// ParseType accepts a code ("single") or a label, with or without the
// trailing 题 ("单选题", "单选").
func ParseType(s string) (Type, bool) {
	s = strings.TrimSpace(s)
	for _, x := range types {
		if s == string(x.t) || s == x.label || s == strings.TrimSuffix(x.label, "题") {
			return x.t, true
		}
	}
	return "", false
}

func (t Type) isChoice() bool { return t == Single || t == Multiple }

// Limits of a question. Eight options fit the A–H spreadsheet columns.
const (
	MinOptions    = 2
	MaxOptions    = 8
	MaxBlanks     = 10
	MaxStemRunes  = 1000
	MaxTagRunes   = 20
	MaxTags       = 10
	MinDifficulty = 1
	MaxDifficulty = 5
)

// Answer is the correct answer; only the field of the question's type is set.
type Answer struct {
	Letters   []string   // single, multiple: option letters "A".."H"
	Truth     bool       // truefalse: true is 对, false is 错
	Blanks    [][]string // blank: accepted answers, one list per blank
	Reference string     // short: a model answer for the person grading (optional)
}

// Question is one item of the bank.
type Question struct {
	ID          int64
	Type        Type
	Stem        string
	Options     []string // choices only; option i has letter Letter(i)
	Answer      Answer
	Explanation string
	Tags        []string
	Difficulty  int // 1 (easy) … 5 (hard)
	MaterialID  *int64
	// Retired: taken out of the bank after it was used (edited or
	// removed); kept for the papers and answers that refer to it, never
	// drawn again.
	Retired bool
}

// Letter is the letter of option i: 0 → "A".
func Letter(i int) string { return string(rune('A' + i)) }

// letterIndex is the inverse of Letter; -1 if s is not a letter A–Z.
func letterIndex(s string) int {
	if len(s) != 1 || s[0] < 'A' || s[0] > 'Z' {
		return -1
	}
	return int(s[0] - 'A')
}

// TruthLabel is how a true/false answer is shown.
func TruthLabel(b bool) string {
	if b {
		return msg.T("quiz.truth.true")
	}
	return msg.T("quiz.truth.false")
}

// FieldError is one problem with one field, named by its Chinese column
// header so a spreadsheet import and a form report the same way.
type FieldError struct {
	Column string
	Reason string
}

// Column headers of the spreadsheet; also the field names in messages.
const (
	ColType        = "题型"
	ColStem        = "题干"
	ColAnswer      = "答案"
	ColExplanation = "解析"
	ColTags        = "标签"
	ColDifficulty  = "难度"
	ColMaterial    = "来源资料ID"
)

// ColOption is the header of option i: "选项A".
func ColOption(i int) string { return "选项" + Letter(i) }

// Validate checks the question and reports every problem at once, joined
// into one Chinese message.
func (q Question) Validate() error {
	fes := q.problems()
	if len(fes) == 0 {
		return nil
	}
	msgs := make([]string, len(fes))
	for i, fe := range fes {
		msgs[i] = fe.Reason
	}
	return &Error{Code: CodeInvalid, Message: strings.Join(msgs, "；")}
}

// problems is the one rule set behind Validate and ParseRow.
func (q Question) problems() []FieldError {
	var fes []FieldError
	if !q.Type.Valid() {
		fes = append(fes, FieldError{ColType, msg.T("quiz.problems", typeLabelList())})
	}
	fes = append(fes, q.stemProblems()...)
	if q.Type.Valid() { // options and answer only make sense for a known type
		fes = append(fes, q.optionProblems()...)
		fes = append(fes, q.answerProblems()...)
	}
	fes = append(fes, tagProblems(q.Tags)...)
	if q.Difficulty < MinDifficulty || q.Difficulty > MaxDifficulty {
		fes = append(fes, FieldError{ColDifficulty, msg.T("quiz.problems2", MinDifficulty, MaxDifficulty)})
	}
	if q.MaterialID != nil && *q.MaterialID <= 0 {
		fes = append(fes, FieldError{ColMaterial, msg.T("quiz.problems.colMaterial")})
	}
	return fes
}

func typeLabelList() string {
	labels := make([]string, len(types))
	for i, x := range types {
		labels[i] = x.label
	}
	return strings.Join(labels, "、")
}

func (q Question) stemProblems() []FieldError {
	stem := strings.TrimSpace(q.Stem)
	switch {
	case stem == "":
		return []FieldError{{ColStem, msg.T("quiz.stemProblems.colStem")}}
	case utf8.RuneCountInString(stem) > MaxStemRunes:
		return []FieldError{{ColStem, msg.T("quiz.stemProblems", MaxStemRunes)}}
	}
	return nil
}

func (q Question) optionProblems() []FieldError {
	if !q.Type.isChoice() {
		if len(q.Options) > 0 {
			return []FieldError{{ColOption(0), msg.T("quiz.optionProblems", q.Type.Label())}}
		}
		return nil
	}
	min := MinOptions
	if q.Type == Multiple {
		// With two options and at least two correct there is nothing to choose.
		min = 3
	}
	if n := len(q.Options); n < min || n > MaxOptions {
		return []FieldError{{ColOption(0), msg.T("quiz.optionProblems2", q.Type.Label(), min, MaxOptions, n)}}
	}
	var fes []FieldError
	seen := map[string]string{}
	for i, o := range q.Options {
		o = strings.TrimSpace(o)
		if o == "" {
			fes = append(fes, FieldError{ColOption(i), msg.T("quiz.optionProblems3", Letter(i))})
			continue
		}
		if prev, dup := seen[fold(o)]; dup {
			fes = append(fes, FieldError{ColOption(i), msg.T("quiz.optionProblems4", Letter(i), prev)})
		}
		seen[fold(o)] = Letter(i)
	}
	return fes
}

func (q Question) answerProblems() []FieldError {
	a := q.Answer
	// An answer filled in for another type is a sign of a mixed-up row.
	wrongShape := (!q.Type.isChoice() && len(a.Letters) > 0) ||
		(q.Type != Blank && len(a.Blanks) > 0) ||
		(q.Type != Short && a.Reference != "") ||
		(q.Type != TrueFalse && a.Truth)
	if wrongShape {
		return []FieldError{{ColAnswer, msg.T("quiz.answerProblems", q.Type.Label())}}
	}
	switch q.Type {
	case Single, Multiple:
		return q.choiceAnswerProblems()
	case Blank:
		return blankAnswerProblems(q.Stem, a.Blanks)
	}
	return nil
}

func (q Question) choiceAnswerProblems() []FieldError {
	letters := q.Answer.Letters
	switch {
	case q.Type == Single && len(letters) != 1:
		return []FieldError{{ColAnswer, msg.T("quiz.choiceAnswerProblems", len(letters))}}
	case q.Type == Multiple && len(letters) < 2:
		return []FieldError{{ColAnswer, msg.T("quiz.choiceAnswerProblems.colAnswer")}}
	}
	var fes []FieldError
	seen := map[string]bool{}
	for _, l := range letters {
		i := letterIndex(l)
		switch {
		case i < 0:
			fes = append(fes, FieldError{ColAnswer, msg.T("quiz.choiceAnswerProblems2", l)})
		case i >= len(q.Options):
			fes = append(fes, FieldError{ColAnswer, msg.T("quiz.choiceAnswerProblems3", l)})
		case seen[l]:
			fes = append(fes, FieldError{ColAnswer, msg.T("quiz.choiceAnswerProblems4", l)})
		}
		seen[l] = true
	}
	return fes
}

func blankAnswerProblems(stem string, blanks [][]string) []FieldError {
	if len(blanks) == 0 || len(blanks) > MaxBlanks {
		return []FieldError{{ColAnswer, msg.T("quiz.blankAnswerProblems", MaxBlanks)}}
	}
	for i, accepted := range blanks {
		if !hasNonEmpty(accepted) {
			return []FieldError{{ColAnswer, msg.T("quiz.blankAnswerProblems2", i+1)}}
		}
	}
	// Only checked when the stem marks its blanks; some stems just ask.
	if n := countBlankMarks(stem); n > 0 && n != len(blanks) {
		return []FieldError{{ColAnswer, msg.T("quiz.blankAnswerProblems3", n, len(blanks))}}
	}
	return nil
}

func hasNonEmpty(ss []string) bool {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return true
		}
	}
	return false
}

// countBlankMarks counts runs of two or more underscores: the blank mark.
func countBlankMarks(stem string) int {
	n, run := 0, 0
	for _, r := range stem + " " {
		if r == '_' || r == '＿' {
			run++
			continue
		}
		if run >= 2 {
			n++
		}
		run = 0
	}
	return n
}

func tagProblems(tags []string) []FieldError {
	if len(tags) > MaxTags {
		return []FieldError{{ColTags, msg.T("quiz.tagProblems", MaxTags)}}
	}
	seen := map[string]bool{}
	for _, t := range tags {
		t = strings.TrimSpace(t)
		switch {
		case t == "":
			return []FieldError{{ColTags, msg.T("quiz.tagProblems.colTags")}}
		case utf8.RuneCountInString(t) > MaxTagRunes:
			return []FieldError{{ColTags, msg.T("quiz.tagProblems2", t, MaxTagRunes)}}
		case seen[t]:
			return []FieldError{{ColTags, msg.T("quiz.tagProblems3", t)}}
		}
		seen[t] = true
	}
	return nil
}

// HasTag reports whether q carries tag.
func (q Question) HasTag(tag string) bool {
	for _, t := range q.Tags {
		if t == tag {
			return true
		}
	}
	return false
}
