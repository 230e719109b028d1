package quiz_test

import (
	"slices"
	"testing"

	"xuejiangping/internal/db"
	"xuejiangping/internal/db/dbtest"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/quiz"
)

// cellsOf is q as form cells with some cells changed.
func cellsOf(q quiz.Question, change ...string) map[string]string {
	c := quiz.Cells(q)
	for i := 0; i+1 < len(change); i += 2 {
		c[change[i]] = change[i+1]
	}
	return c
}

func liveIDs(t *testing.T, f *fixture, retired bool) []int64 {
	t.Helper()
	qs, err := f.s.Questions(f.ctx, f.admin, quiz.Filter{Retired: retired})
	if err != nil {
		t.Fatal(err)
	}
	var out []int64
	for _, q := range qs {
		out = append(out, q.ID)
	}
	slices.Sort(out)
	return out
}

// TestEditQuestion: a question nobody has met is changed in place; bad
// input, a duplicate and a wrong role change nothing; a question already
// met in practice keeps what was asked — the edit becomes a new question
// that takes its place in its sets, and the old one is retired.
func TestEditQuestion(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		bank := f.bank(t)
		tf, single := bank[quiz.TrueFalse], bank[quiz.Single]
		setID := f.set(t, "测试题集", single, tf)

		res, err := f.s.EditQuestion(f.ctx, f.admin, tf.ID, cellsOf(tf, quiz.ColStem, "人数一般不超过十人。", quiz.ColAnswer, "错"))
		if err != nil || res.ID != tf.ID || res.Replaced != 0 {
			t.Fatalf("edit an unmet question: %+v, %v", res, err)
		}
		got, err := f.s.Question(f.ctx, f.admin, tf.ID)
		if err != nil || got.Stem != "人数一般不超过十人。" || got.Answer.Truth || got.Retired {
			t.Errorf("after edit: %+v, %v", got, err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'question.update'`); n != 1 {
			t.Errorf("%d audit entries for the edit, want 1", n)
		}

		before, _ := f.s.Question(f.ctx, f.admin, single.ID)
		wantKind(t, errOf(f.s.EditQuestion(f.ctx, f.admin, single.ID, cellsOf(single, quiz.ColStem, ""))), errs.Invalid, "an empty stem")
		wantKind(t, errOf(f.s.EditQuestion(f.ctx, f.admin, single.ID, cellsOf(single, quiz.ColAnswer, "Z"))), errs.Invalid, "an answer that is no option")
		wantKind(t, errOf(f.s.EditQuestion(f.ctx, f.admin, single.ID, cellsOf(got))), errs.Conflict, "the same as another question")
		wantKind(t, errOf(f.s.EditQuestion(f.ctx, f.secA, single.ID, cellsOf(single, quiz.ColStem, "改"))), errs.Forbidden, "a secretary")
		wantKind(t, errOf(f.s.EditQuestion(f.ctx, f.memA, single.ID, cellsOf(single, quiz.ColStem, "改"))), errs.Forbidden, "a member")
		wantKind(t, errOf(f.s.EditQuestion(f.ctx, f.admin, 99999, cellsOf(single))), errs.NotFound, "no such question")
		if after, _ := f.s.Question(f.ctx, f.admin, single.ID); after.Stem != before.Stem || quiz.AnswerCell(after) != quiz.AnswerCell(before) {
			t.Errorf("a refused edit changed the question: %+v", after)
		}

		// memA practises the set: both questions are now met.
		sid, err := f.s.StartPractice(f.ctx, f.memA, quiz.KindSet, setID, 0)
		if err != nil {
			t.Fatal(err)
		}
		res, err = f.s.EditQuestion(f.ctx, f.admin, single.ID, cellsOf(single, quiz.ColExplanation, "每月两次，上下半月各一次"))
		if err != nil || res.Replaced != single.ID || res.ID == single.ID {
			t.Fatalf("edit a met question: %+v, %v", res, err)
		}
		old, _ := f.s.Question(f.ctx, f.admin, single.ID)
		repl, _ := f.s.Question(f.ctx, f.admin, res.ID)
		if !old.Retired || old.Explanation != single.Explanation || repl.Retired || repl.Explanation != "每月两次，上下半月各一次" || repl.Stem != single.Stem {
			t.Errorf("old %+v, replacement %+v", old, repl)
		}
		// The set holds the replacement where the original stood.
		var first int64
		if err := d.QueryRow(f.ctx, `SELECT question_id FROM question_set_items WHERE set_id = ? ORDER BY position LIMIT 1`, setID).Scan(&first); err != nil || first != res.ID {
			t.Errorf("set's first question %d (%v), want the replacement %d", first, err, res.ID)
		}
		// The session still shows what was asked.
		v, err := f.s.Practice(f.ctx, f.memA, sid)
		if err != nil || !slices.ContainsFunc(v.Questions, func(s quiz.Shown) bool { return s.ID == single.ID }) {
			t.Errorf("the practice session lost the original: %v", err)
		}
		if live := liveIDs(t, f, false); slices.Contains(live, single.ID) || !slices.Contains(live, res.ID) {
			t.Errorf("live bank %v", live)
		}
		if ret := liveIDs(t, f, true); !slices.Equal(ret, []int64{single.ID}) {
			t.Errorf("retired list %v, want [%d]", ret, single.ID)
		}
		wantKind(t, errOf(f.s.EditQuestion(f.ctx, f.admin, single.ID, cellsOf(single, quiz.ColStem, "再改"))), errs.Conflict, "editing a retired question")
	})
}

// TestRemoveQuestion: a question nobody has met is deleted; one in a
// practice session or an exam paper is retired instead — still read by
// the record, left out of its sets, never drawn again.
func TestRemoveQuestion(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		bank := f.bank(t)
		setID := f.set(t, "测试题集", bank[quiz.TrueFalse], bank[quiz.Multiple])

		wantKind(t, errOf(f.s.RemoveQuestion(f.ctx, f.memA, bank[quiz.Single].ID)), errs.Forbidden, "a member removes")
		res, err := f.s.RemoveQuestion(f.ctx, f.admin, bank[quiz.Single].ID)
		if err != nil || !res.Deleted || res.Retired {
			t.Fatalf("remove an unmet question: %+v, %v", res, err)
		}
		if n := f.count(t, `SELECT COUNT(*) FROM questions WHERE id = ?`, bank[quiz.Single].ID); n != 0 {
			t.Error("the unmet question is still stored")
		}

		// An exam paper holds one of each remaining type; a practice session the set.
		if _, err := f.s.CreateExam(f.ctx, f.admin, quizExam(f)); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.StartPractice(f.ctx, f.memA, quiz.KindSet, setID, 0); err != nil {
			t.Fatal(err)
		}
		for _, typ := range []quiz.Type{quiz.TrueFalse, quiz.Blank} {
			res, err := f.s.RemoveQuestion(f.ctx, f.admin, bank[typ].ID)
			if err != nil || res.Deleted || !res.Retired {
				t.Fatalf("remove a met %s: %+v, %v", typ, res, err)
			}
			if q, err := f.s.Question(f.ctx, f.admin, bank[typ].ID); err != nil || !q.Retired {
				t.Errorf("%s after removal: %+v, %v", typ, q, err)
			}
		}
		wantKind(t, errOf(f.s.RemoveQuestion(f.ctx, f.admin, bank[quiz.TrueFalse].ID)), errs.Conflict, "removing twice")
		if n := f.count(t, `SELECT COUNT(*) FROM question_set_items WHERE set_id = ?`, setID); n != 1 {
			t.Errorf("set keeps %d questions, want 1", n)
		}
		// Never drawn again: daily practice and set practice see the rest only.
		for range 5 {
			id, err := f.s.StartPractice(f.ctx, f.memA2, quiz.KindDaily, 0, 10)
			if err != nil {
				t.Fatal(err)
			}
			v, _ := f.s.Practice(f.ctx, f.memA2, id)
			for _, s := range v.Questions {
				if s.ID == bank[quiz.TrueFalse].ID || s.ID == bank[quiz.Blank].ID {
					t.Fatalf("a retired question was drawn: %d", s.ID)
				}
			}
		}
		counts, _ := f.s.TypeCounts(f.ctx)
		if counts[quiz.TrueFalse] != 0 || counts[quiz.Blank] != 0 || counts[quiz.Multiple] != 1 {
			t.Errorf("type counts %v", counts)
		}
		// The same question may be added again.
		if _, err := f.s.AddQuestion(f.ctx, f.admin, quiz.Cells(bank[quiz.TrueFalse])); err != nil {
			t.Errorf("re-adding a retired question: %v", err)
		}
	})
}

// quizExam is an exam for branch A whose shared paper holds a blank.
func quizExam(f *fixture) quiz.ExamInput {
	in := f.examInput(f.a, false)
	in.Counts = map[quiz.Type]int{quiz.Blank: 1}
	return in
}

func errOf[T any](_ T, err error) error { return err }
