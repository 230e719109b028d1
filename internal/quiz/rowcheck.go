package quiz

import (
	"slices"
	"strconv"
	"strings"
	"unicode"

	"xuejiangping/internal/msg"
)

// Columns is the spreadsheet's header row, in order: the template's columns
// and the order in which ParseRow reports problems.
func Columns() []string {
	cols := []string{ColType, ColStem}
	for i := range MaxOptions {
		cols = append(cols, ColOption(i))
	}
	return append(cols, ColAnswer, ColExplanation, ColTags, ColDifficulty, ColMaterial)
}

// DefaultDifficulty is used when a row leaves 难度 empty.
const DefaultDifficulty = 3

// ParseRow reads one spreadsheet row, keyed by column header, and reports
// every bad cell with a Chinese reason. Unknown columns (序号, 备注…) are
// ignored. How the 答案 cell is written depends on 题型:
//
//	单选题 B          多选题 ABD, A,B,D or A、B、D
//	判断题 对/错 (also 正确/错误, √/×, 是/否, T/F)
//	填空题 blanks separated by ；or ; and accepted answers of one blank by |
//	简答题 a reference answer for the person grading (may be empty)
//
// 标签 are separated by 、 , ， ；or ;. An empty 难度 means DefaultDifficulty.
func ParseRow(cells map[string]string) (Question, []FieldError) {
	// Headers and cells are trimmed: stray spaces are common in WPS/Excel.
	row := make(map[string]string, len(cells))
	for k, v := range cells {
		row[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	get := func(col string) string { return row[col] }
	var q Question
	var fes []FieldError
	add := func(col, reason string) { fes = append(fes, FieldError{col, reason}) }

	q.Type = parseTypeCell(get(ColType), add)
	q.Stem = get(ColStem)
	q.Options = parseOptions(get, add)
	if q.Type.Valid() {
		q.Answer = parseAnswer(q.Type, get(ColAnswer), add)
	}
	q.Explanation = get(ColExplanation)
	q.Tags = SplitTags(get(ColTags))
	q.Difficulty = parseDifficulty(get(ColDifficulty), add)
	q.MaterialID = parseMaterial(get(ColMaterial), add)
	return q, mergeProblems(fes, q)
}

func parseTypeCell(s string, add func(col, reason string)) Type {
	if s == "" {
		add(ColType, msg.T("quiz.parseTypeCell"))
		return ""
	}
	t, ok := ParseType(s)
	if !ok {
		add(ColType, msg.T("quiz.parseTypeCell2", s, typeLabelList()))
	}
	return t
}

// parseOptions takes 选项A… up to the last filled one; a gap is an error.
func parseOptions(get func(string) string, add func(col, reason string)) []string {
	last := -1
	for i := range MaxOptions {
		if get(ColOption(i)) != "" {
			last = i
		}
	}
	var opts []string
	for i := 0; i <= last; i++ {
		o := get(ColOption(i))
		if o == "" {
			add(ColOption(i), msg.T("quiz.parseOptions", Letter(i)))
		}
		opts = append(opts, o)
	}
	return opts
}

func parseAnswer(t Type, s string, add func(col, reason string)) Answer {
	if s == "" && t != Short {
		add(ColAnswer, msg.T("quiz.parseAnswer"))
		return Answer{}
	}
	switch t {
	case Single, Multiple:
		return Answer{Letters: parseLetters(s, add)}
	case TrueFalse:
		b, ok := parseTruth(s)
		if !ok {
			add(ColAnswer, msg.T("quiz.parseAnswer2"))
		}
		return Answer{Truth: b}
	case Blank:
		return Answer{Blanks: parseBlanks(s)}
	}
	return Answer{Reference: s}
}

func parseLetters(s string, add func(col, reason string)) []string {
	var out []string
	for _, r := range strings.ToUpper(foldWidth(s)) {
		switch {
		case isSeparator(r) || unicode.IsSpace(r):
		case r >= 'A' && r <= 'Z':
			out = append(out, string(r))
		default:
			add(ColAnswer, msg.T("quiz.parseLetters", s))
			return nil
		}
	}
	return out
}

func isSeparator(r rune) bool { return strings.ContainsRune("、,，;；", r) }

var truthWords = map[string]bool{
	"对": true, "正确": true, "√": true, "✓": true, "是": true, "t": true, "true": true,
	"错": false, "错误": false, "×": false, "✗": false, "否": false, "f": false, "false": false,
}

func parseTruth(s string) (bool, bool) {
	b, ok := truthWords[fold(s)]
	return b, ok
}

func parseBlanks(s string) [][]string {
	var blanks [][]string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '；' }) {
		var accepted []string
		for _, a := range strings.FieldsFunc(part, func(r rune) bool { return r == '|' || r == '｜' }) {
			if a = strings.TrimSpace(a); a != "" {
				accepted = append(accepted, a)
			}
		}
		blanks = append(blanks, accepted)
	}
	return blanks
}

// SplitTags splits a tag cell on 、 , ， ; ；, trimming and dropping empty
// and repeated tags.
func SplitTags(s string) []string {
	var tags []string
	for _, t := range strings.FieldsFunc(s, isSeparator) {
		if t = strings.TrimSpace(t); t != "" && !slices.Contains(tags, t) {
			tags = append(tags, t)
		}
	}
	return tags
}

func parseDifficulty(s string, add func(col, reason string)) int {
	if s == "" {
		return DefaultDifficulty
	}
	n, err := strconv.Atoi(foldWidth(s))
	if err != nil || n < MinDifficulty || n > MaxDifficulty {
		add(ColDifficulty, msg.T("quiz.parseDifficulty", s))
		return DefaultDifficulty // reported here; do not report it twice
	}
	return n
}

func parseMaterial(s string, add func(col, reason string)) *int64 {
	if s == "" {
		return nil
	}
	n, err := strconv.ParseInt(foldWidth(s), 10, 64)
	if err != nil || n <= 0 {
		add(ColMaterial, msg.T("quiz.parseMaterial", s))
		return nil
	}
	return &n
}

// mergeProblems adds the question's own rule violations to the cell errors,
// skipping columns already reported, and orders them as the columns are.
func mergeProblems(fes []FieldError, q Question) []FieldError {
	for _, p := range q.problems() {
		if !slices.ContainsFunc(fes, func(fe FieldError) bool { return fe.Column == p.Column }) {
			fes = append(fes, p)
		}
	}
	cols := Columns()
	slices.SortStableFunc(fes, func(a, b FieldError) int {
		return slices.Index(cols, a.Column) - slices.Index(cols, b.Column)
	})
	return fes
}

// DuplicateKey identifies a question for duplicate detection: its type and
// its stem folded (width, Latin case) with spaces, punctuation and symbols
// removed, so "几次？" and "几次?" and "____" versus "（  ）" collide.
func DuplicateKey(q Question) string {
	var b strings.Builder
	b.WriteString(string(q.Type))
	b.WriteByte('|')
	for _, r := range fold(q.Stem) {
		if unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
