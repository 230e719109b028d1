package quiz_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"xuejiangping/internal/db"
	"xuejiangping/internal/db/dbtest"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/quiz"
)

// rightResponse answers q correctly in the letters of shown sh.
func rightResponse(q quiz.Question, sh quiz.Shown) quiz.Response {
	switch q.Type {
	case quiz.Single, quiz.Multiple:
		var ls []string
		for _, c := range q.Answer.Letters {
			text := q.Options[c[0]-'A']
			for _, o := range sh.Options {
				if o.Text == text {
					ls = append(ls, o.Letter)
				}
			}
		}
		return quiz.Response{Letters: ls}
	case quiz.TrueFalse:
		b := q.Answer.Truth
		return quiz.Response{Truth: &b}
	case quiz.Blank:
		var bs []string
		for _, acc := range q.Answer.Blanks {
			bs = append(bs, acc[0])
		}
		return quiz.Response{Blanks: bs}
	}
	return quiz.Response{Text: "我的回答"}
}

// wrongResponse answers q wrongly.
func wrongResponse(q quiz.Question, sh quiz.Shown) quiz.Response {
	switch q.Type {
	case quiz.Single, quiz.Multiple:
		right := rightResponse(q, sh).Letters
		for _, o := range sh.Options {
			if !slices.Contains(right, o.Letter) {
				return quiz.Response{Letters: []string{o.Letter}}
			}
		}
	case quiz.TrueFalse:
		b := !q.Answer.Truth
		return quiz.Response{Truth: &b}
	case quiz.Blank:
		return quiz.Response{Blanks: []string{"不知道"}}
	}
	return quiz.Response{}
}

func (f *fixture) set(t *testing.T, name string, qs ...quiz.Question) int64 {
	t.Helper()
	var id int64
	err := f.d.InTx(f.ctx, func(tx *db.Tx) error {
		ids := make([]int64, len(qs))
		for i, q := range qs {
			ids[i] = q.ID
		}
		var err error
		id, err = quiz.CreateSet(f.ctx, tx, name, "", ids)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestGradeEveryTypeThroughPractice(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		bank := f.bank(t)
		setID := f.set(t, "测试题集", bank[quiz.Single], bank[quiz.Multiple], bank[quiz.TrueFalse], bank[quiz.Blank], bank[quiz.Short])
		id, err := f.s.StartPractice(f.ctx, f.memA, quiz.KindSet, setID, 0)
		if err != nil {
			t.Fatal(err)
		}
		v, err := f.s.Practice(f.ctx, f.memA, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Questions) != 4 {
			t.Fatalf("practice has %d questions, want 4 (short answers are left out of practice)", len(v.Questions))
		}
		for _, sh := range v.Questions {
			if sh.RightAnswer != "" || sh.Explanation != "" || sh.Answered {
				t.Fatalf("question %d: the answer reached the client before submitting: %+v", sh.ID, sh)
			}
		}
		// Right for single and blank, wrong for multiple and true/false.
		answers := map[int64]quiz.Response{}
		wantRight := map[int64]bool{}
		for _, sh := range v.Questions {
			q := bank[sh.Type]
			right := sh.Type == quiz.Single || sh.Type == quiz.Blank
			if right {
				answers[sh.ID] = rightResponse(q, sh)
			} else {
				answers[sh.ID] = wrongResponse(q, sh)
			}
			wantRight[sh.ID] = right
		}
		v, err = f.s.AnswerPractice(f.ctx, f.memA, id, answers, true)
		if err != nil {
			t.Fatal(err)
		}
		for _, sh := range v.Questions {
			if sh.Correct != wantRight[sh.ID] {
				t.Errorf("%s graded correct=%v, want %v", sh.TypeLabel, sh.Correct, wantRight[sh.ID])
			}
			if sh.RightAnswer == "" {
				t.Errorf("%s: no right answer shown after submitting", sh.TypeLabel)
			}
		}
		if v.Correct != 2 || v.Answered != 4 || !v.Done {
			t.Fatalf("session correct=%d answered=%d done=%v, want 2, 4, true", v.Correct, v.Answered, v.Done)
		}
		// The shuffle is server-side: the right answer is given in shown letters.
		for _, sh := range v.Questions {
			if sh.Type == quiz.Single && sh.RightAnswer != rightResponse(bank[quiz.Single], sh).Letters[0] {
				t.Errorf("right answer %q is not in the letters shown", sh.RightAnswer)
			}
		}
	})
}

func TestWrongBookThroughPractice(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		bank := f.bank(t)
		setID := f.set(t, "错题测试", bank[quiz.Single], bank[quiz.TrueFalse])
		answer := func(kind string, set int64, right bool) {
			t.Helper()
			id, err := f.s.StartPractice(f.ctx, f.memA, kind, set, 0)
			if err != nil {
				t.Fatalf("start %s: %v", kind, err)
			}
			v, err := f.s.Practice(f.ctx, f.memA, id)
			if err != nil {
				t.Fatal(err)
			}
			ans := map[int64]quiz.Response{}
			for _, sh := range v.Questions {
				q := bank[sh.Type]
				if right || sh.Type == quiz.TrueFalse {
					ans[sh.ID] = rightResponse(q, sh)
				} else {
					ans[sh.ID] = wrongResponse(q, sh)
				}
			}
			if _, err := f.s.AnswerPractice(f.ctx, f.memA, id, ans, true); err != nil {
				t.Fatal(err)
			}
		}
		book := func() []int64 {
			items, err := f.s.WrongBookOf(f.ctx, f.memA)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, it := range items {
				ids = append(ids, it.QuestionID)
			}
			return ids
		}
		answer(quiz.KindSet, setID, false) // single wrong, true/false right
		if got := book(); !slices.Equal(got, []int64{bank[quiz.Single].ID}) {
			t.Fatalf("wrong-answer book %v, want only the single-choice question", got)
		}
		f.clock.Advance(time.Minute)
		answer(quiz.KindWrongBook, 0, true) // right once: stays
		if got := book(); len(got) != 1 {
			t.Fatalf("after one right answer the book has %v; it should keep the question", got)
		}
		_, err := f.s.StartPractice(f.ctx, f.memA, quiz.KindWrongBook, 0, 0)
		wantKind(t, err, errs.Unprocessable, "nothing due right after a right answer")
		f.clock.Advance(25 * time.Hour)
		answer(quiz.KindWrongBook, 0, true) // right twice: leaves
		if got := book(); len(got) != 0 {
			t.Fatalf("after two right answers the book still has %v", got)
		}
		o, err := f.s.MyPractice(f.ctx, f.memA)
		if err != nil {
			t.Fatal(err)
		}
		if o.Answered != 4 || o.Correct != 3 || len(o.Sessions) != 3 {
			t.Fatalf("overview %+v", o)
		}
		if other, _ := f.s.WrongBookOf(f.ctx, f.memA2); len(other) != 0 {
			t.Fatal("another member sees this member's wrong-answer book")
		}
	})
}

func TestPracticeRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		bank := f.bank(t)
		setID := f.set(t, "拒绝测试", bank[quiz.Single], bank[quiz.TrueFalse])
		id, err := f.s.StartPractice(f.ctx, f.memA, quiz.KindSet, setID, 0)
		if err != nil {
			t.Fatal(err)
		}
		v, _ := f.s.Practice(f.ctx, f.memA, id)
		first := v.Questions[0]
		_, err = f.s.AnswerPractice(f.ctx, f.memA, id, map[int64]quiz.Response{bank[quiz.Blank].ID: {Blanks: []string{"x"}}}, false)
		wantKind(t, err, errs.Invalid, "answer to a question not in the session")
		_, err = f.s.AnswerPractice(f.ctx, f.memA, id, map[int64]quiz.Response{first.ID: {Letters: []string{"Z"}}}, false)
		if first.Type == quiz.Single {
			wantKind(t, err, errs.Invalid, "a letter that was not shown")
		}
		if n := f.count(t, `SELECT COUNT(*) FROM practice_answers`); n != 0 {
			t.Fatalf("refused answers left %d rows", n)
		}
		_, err = f.s.AnswerPractice(f.ctx, f.memA, id, map[int64]quiz.Response{first.ID: rightResponse(bank[first.Type], first)}, false)
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.s.AnswerPractice(f.ctx, f.memA, id, map[int64]quiz.Response{first.ID: rightResponse(bank[first.Type], first)}, false)
		wantKind(t, err, errs.Conflict, "answering the same question twice")
		_, err = f.s.Practice(f.ctx, f.memA2, id)
		wantKind(t, err, errs.NotFound, "another member's session")
		_, err = f.s.StartPractice(f.ctx, f.admin, quiz.KindDaily, 0, 0)
		wantKind(t, err, errs.Forbidden, "practice without being a member")

		mock, err := f.s.StartPractice(f.ctx, f.memA, quiz.KindMock, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		mv, _ := f.s.Practice(f.ctx, f.memA, mock)
		if mv.Deadline == nil || mv.TimeLeft != int(quiz.MockDuration/time.Second) {
			t.Fatalf("mock exam deadline %v, time left %d", mv.Deadline, mv.TimeLeft)
		}
		f.clock.Advance(quiz.MockDuration + time.Minute)
		q := mv.Questions[0]
		_, err = f.s.AnswerPractice(f.ctx, f.memA, mock, map[int64]quiz.Response{q.ID: rightResponse(bank[q.Type], q)}, true)
		wantKind(t, err, errs.Unprocessable, "mock exam submitted after time")
	})
}

func TestDailyPracticeCoversWeakTags(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		for i := range 12 {
			tag := "强项"
			if i%3 == 0 {
				tag = "弱项"
			}
			f.add(t, map[string]string{"题型": "判断", "题干": "判断题第" + string(rune('A'+i)) + "题", "答案": "对", "标签": tag})
		}
		// Answer every 弱项 question wrong once, through a set.
		weak, err := f.s.Questions(f.ctx, f.admin, quiz.Filter{Tag: "弱项"})
		if err != nil || len(weak) != 4 {
			t.Fatalf("tag filter: %d questions, %v", len(weak), err)
		}
		setID := f.set(t, "弱项集", weak...)
		id, _ := f.s.StartPractice(f.ctx, f.memA, quiz.KindSet, setID, 0)
		no := false
		ans := map[int64]quiz.Response{}
		for _, q := range weak {
			ans[q.ID] = quiz.Response{Truth: &no}
		}
		if _, err := f.s.AnswerPractice(f.ctx, f.memA, id, ans, true); err != nil {
			t.Fatal(err)
		}
		o, _ := f.s.MyPractice(f.ctx, f.memA)
		if len(o.Weak) == 0 || o.Weak[0].Tag != "弱项" {
			t.Fatalf("weak tags %+v, want 弱项 first", o.Weak)
		}
		daily, err := f.s.StartPractice(f.ctx, f.memA, quiz.KindDaily, 0, 5)
		if err != nil {
			t.Fatal(err)
		}
		v, _ := f.s.Practice(f.ctx, f.memA, daily)
		weakN := 0
		for _, sh := range v.Questions {
			if slices.Contains(sh.Tags, "弱项") {
				weakN++
			}
		}
		if len(v.Questions) != 5 || weakN < 3 {
			t.Fatalf("daily practice: %d questions, %d on the weak tag; want 5 with at least 3", len(v.Questions), weakN)
		}
	})
}

func xlsxOf(t *testing.T, rows ...[]string) []byte {
	t.Helper()
	x := excelize.NewFile()
	for i, r := range rows {
		for j, v := range r {
			c, _ := excelize.CoordinatesToCellName(j+1, i+1)
			_ = x.SetCellStr("Sheet1", c, v)
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestImportValidation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.bank(t)
		head := []string{"题型", "题干", "选项A", "选项B", "选项C", "答案", "解析", "标签", "难度"}
		file := xlsxOf(t, head,
			[]string{"单选", "新题一？", "甲", "乙", "", "A", "", "新", "2"},    // row 2: good
			[]string{"单选", "新题二？", "甲", "乙", "", "E", "", "", "9"},     // row 3: answer, difficulty
			[]string{"多选", "新题一？", "甲", "乙", "丙", "AB", "", "", ""},    // row 4: good (another type: not a duplicate)
			[]string{"单选", "新题一?", "丙", "丁", "", "B", "", "", ""},      // row 5: duplicate of row 2
			[]string{"判断", "人数一般不超过10人。", "", "", "", "对", "", "", ""}, // row 6: already in the bank
			[]string{"问答", "", "", "", "", "", "", "", ""},             // row 7: type, stem
		)
		rows, err := quiz.ParseSheet(bytes.NewReader(file))
		if err != nil {
			t.Fatal(err)
		}
		before := f.count(t, `SELECT COUNT(*) FROM questions`)
		res, err := f.s.Import(f.ctx, f.admin, rows, false)
		if err != nil {
			t.Fatal(err)
		}
		type rc struct {
			row   int
			field string
		}
		var got []rc
		for _, e := range res.Errors {
			got = append(got, rc{e.Row, e.Field})
			if !hasHan(e.Reason) {
				t.Errorf("reason not Chinese: %+v", e)
			}
		}
		want := []rc{{3, "答案"}, {3, "难度"}, {5, "题干"}, {6, "题干"}, {7, "题型"}, {7, "题干"}}
		if !slices.Equal(got, want) {
			t.Fatalf("errors %v\nwant %v\n(%+v)", got, want, res.Errors)
		}
		if !strings.Contains(res.Errors[2].Reason, "第2行") || !strings.Contains(res.Errors[3].Reason, "题库中已有") {
			t.Errorf("duplicate reasons: %q, %q", res.Errors[2].Reason, res.Errors[3].Reason)
		}
		if after := f.count(t, `SELECT COUNT(*) FROM questions`); after != before || res.Written != 0 {
			t.Fatalf("a file with bad rows imported %d questions", after-before)
		}
		good, _ := quiz.ParseSheet(bytes.NewReader(xlsxOf(t, head, []string{"单选", "新题一？", "甲", "乙", "", "A", "", "新", "2"})))
		res, err = f.s.Import(f.ctx, f.admin, good, true)
		if err != nil || !res.OK() || len(res.Questions) != 1 || f.count(t, `SELECT COUNT(*) FROM questions`) != before {
			t.Fatalf("dry run: %+v %v", res, err)
		}
		res, err = f.s.Import(f.ctx, f.admin, good, false)
		if err != nil || res.Written != 1 || f.count(t, `SELECT COUNT(*) FROM questions`) != before+1 {
			t.Fatalf("import: %+v %v", res, err)
		}
		_, err = quiz.ParseSheet(bytes.NewReader([]byte("not a spreadsheet")))
		wantKind(t, err, errs.Invalid, "a file that is not .xlsx")
		_, err = f.s.Import(f.ctx, f.secA, good, true)
		wantKind(t, err, errs.Forbidden, "a secretary importing into the district bank")

		// An export imports again as duplicates only: the format round-trips.
		b, err := f.s.Export(f.ctx, f.admin)
		if err != nil {
			t.Fatal(err)
		}
		back, err := quiz.ParseSheet(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		res, _ = f.s.Import(f.ctx, f.admin, back, true)
		if len(res.Errors) != before+1 || len(back) != before+1 {
			t.Fatalf("re-importing the export: %d rows, %d errors; want every row a duplicate", len(back), len(res.Errors))
		}
		for _, e := range res.Errors {
			if !strings.Contains(e.Reason, "题库中已有") {
				t.Fatalf("export does not round-trip: %+v", e)
			}
		}
	})
}

func TestTemplateParses(t *testing.T) {
	b, err := quiz.Template()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := quiz.ParseSheet(bytes.NewReader(b))
	if err != nil || len(rows) != 5 {
		t.Fatalf("template: %d rows, %v", len(rows), err)
	}
	for _, r := range rows {
		if _, fes := quiz.ParseRow(r.Cells); len(fes) > 0 {
			t.Errorf("template row %d is not valid: %+v", r.Row, fes)
		}
	}
}
