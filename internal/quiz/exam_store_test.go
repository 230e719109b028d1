package quiz_test

import (
	"slices"
	"testing"
	"time"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/db/dbtest"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/quiz"
)

func (f *fixture) examInput(orgID int64, perPerson bool) quiz.ExamInput {
	now := f.clock.Now()
	return quiz.ExamInput{Title: "岗位练兵", OrgID: orgID, Opens: now, Closes: now.Add(2 * time.Hour), DurationMin: 30, PassPct: 60,
		Counts: map[quiz.Type]int{quiz.Single: 1, quiz.Multiple: 1, quiz.TrueFalse: 1, quiz.Blank: 1, quiz.Short: 1}, PerPerson: perPerson}
}

func TestExamTiming(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		bank := f.bank(t)
		_, err := f.s.CreateExam(f.ctx, f.secA, f.examInput(f.b, false))
		wantKind(t, err, errs.NotFound, "a secretary scheduling outside their subtree")
		_, err = f.s.CreateExam(f.ctx, f.memA, f.examInput(f.a, false))
		wantKind(t, err, errs.Forbidden, "a member scheduling")
		bad := f.examInput(f.a, false)
		bad.Counts = map[quiz.Type]int{quiz.Single: 5}
		_, err = f.s.CreateExam(f.ctx, f.secA, bad)
		wantKind(t, err, errs.Unprocessable, "a paper the bank cannot satisfy")

		id, err := f.s.CreateExam(f.ctx, f.secA, f.examInput(f.a, false))
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.s.StartExam(f.ctx, f.mB, id)
		wantKind(t, err, errs.NotFound, "a member outside the exam's scope")

		v, err := f.s.StartExam(f.ctx, f.memA, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Questions) != 5 || v.TimeLeft != 30*60 {
			t.Fatalf("attempt: %d questions, %d s left", len(v.Questions), v.TimeLeft)
		}
		for _, sh := range v.Questions {
			if sh.RightAnswer != "" || sh.Explanation != "" {
				t.Fatal("the answer reached the client during the exam")
			}
		}
		// Save half way, drop the connection, resume with the time left.
		f.clock.Advance(10 * time.Minute)
		first := v.Questions[0]
		if err := f.s.SaveExam(f.ctx, f.memA, id, map[int64]quiz.Response{first.ID: rightResponse(bank[first.Type], first)}); err != nil {
			t.Fatal(err)
		}
		r, err := f.s.StartExam(f.ctx, f.memA, id)
		if err != nil {
			t.Fatal(err)
		}
		if r.TimeLeft != 20*60 || r.Questions[0].ID != first.ID {
			t.Fatalf("resume: %d s left (want 1200), paper changed: %v", r.TimeLeft, r.Questions[0].ID != first.ID)
		}
		// An answer to a question not in the paper changes nothing.
		other := f.add(t, map[string]string{"题型": "判断", "题干": "不在试卷中的题。", "答案": "对"})
		yes := true
		_, err = f.s.SubmitExam(f.ctx, f.memA, id, map[int64]quiz.Response{other.ID: {Truth: &yes}})
		wantKind(t, err, errs.Invalid, "an answer to a question not in the paper")
		if n := f.count(t, `SELECT COUNT(*) FROM exam_attempts WHERE submitted_at IS NOT NULL`); n != 0 {
			t.Fatal("a refused submission was stored")
		}
		all := map[int64]quiz.Response{}
		for _, sh := range r.Questions[1:] {
			all[sh.ID] = rightResponse(bank[sh.Type], sh)
		}
		res, err := f.s.SubmitExam(f.ctx, f.memA, id, all)
		if err != nil {
			t.Fatal(err)
		}
		// Four machine-graded right (incl. the saved one), the short answer pending.
		if res.Score == nil || *res.Score != 80 || res.Pending != 1 {
			t.Fatalf("score %v pending %d, want 80 and 1", res.Score, res.Pending)
		}
		_, err = f.s.SubmitExam(f.ctx, f.memA, id, nil)
		wantKind(t, err, errs.Conflict, "a second submission")
		_, err = f.s.StartExam(f.ctx, f.memA, id)
		wantKind(t, err, errs.Conflict, "a second attempt")

		// Late: the second member starts, the time runs out, the submission is refused.
		v2, err := f.s.StartExam(f.ctx, f.memA2, id)
		if err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(30*time.Minute + quiz.DefaultGrace + time.Second)
		late := map[int64]quiz.Response{v2.Questions[0].ID: rightResponse(bank[v2.Questions[0].Type], v2.Questions[0])}
		_, err = f.s.SubmitExam(f.ctx, f.memA2, id, late)
		wantKind(t, err, errs.Unprocessable, "a submission after time")
		if n := f.count(t, `SELECT COUNT(*) FROM exam_attempts WHERE submitted_at IS NOT NULL`); n != 1 {
			t.Fatalf("%d submitted attempts after a late submission, want 1", n)
		}

		// Results: the late attempt is closed with what was saved (nothing).
		_, err = f.s.ExamResults(f.ctx, f.mB, id)
		wantKind(t, err, errs.NotFound, "results for a member of another branch")
		out, err := f.s.ExamResults(f.ctx, f.secA, id)
		if err != nil {
			t.Fatal(err)
		}
		if out.Eligible != 2 || out.Submitted != 2 || out.Pending != 1 || out.People[0].Score != 80 || !out.People[1].TimedOut {
			t.Fatalf("results %+v", out)
		}
		if len(out.Units) != 1 || out.Units[0].Participation != 1 || out.PassRate != 0.5 {
			t.Fatalf("units %+v pass rate %v", out.Units, out.PassRate)
		}
		// The short answer is graded by the secretary; the score follows.
		_, todo, err := f.s.Ungraded(f.ctx, f.secA, id)
		if err != nil || len(todo) != 1 {
			t.Fatalf("ungraded %v %v", todo, err)
		}
		wantKind(t, f.s.GradeShort(f.ctx, f.memA, id, todo[0].AttemptID, todo[0].QuestionID, 1), errs.Forbidden, "a member grading")
		if err := f.s.GradeShort(f.ctx, f.secA, id, todo[0].AttemptID, todo[0].QuestionID, 1); err != nil {
			t.Fatal(err)
		}
		wantKind(t, f.s.GradeShort(f.ctx, f.secA, id, todo[0].AttemptID, todo[0].QuestionID, 1), errs.Conflict, "grading twice")
		out, _ = f.s.ExamResults(f.ctx, f.admin, id)
		if out.People[0].Score != 100 || out.Pending != 0 {
			t.Fatalf("after grading: %+v", out.People[0])
		}
		for _, q := range out.Questions {
			if q.Answered != 2 {
				t.Errorf("question %d answered %d times, want 2", q.ID, q.Answered)
			}
		}
		if _, b, err := f.s.ResultsXLSX(f.ctx, f.admin, id); err != nil || len(b) == 0 {
			t.Fatalf("results export: %v", err)
		}
	})
}

func TestExamNotOpenAndClosed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.bank(t)
		in := f.examInput(f.root, false)
		in.Opens, in.Closes = f.clock.Now().Add(time.Hour), f.clock.Now().Add(90*time.Minute)
		id, err := f.s.CreateExam(f.ctx, f.admin, in)
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.s.StartExam(f.ctx, f.mB, id)
		wantKind(t, err, errs.Unprocessable, "an exam not open yet")
		f.clock.Advance(80 * time.Minute)
		v, err := f.s.StartExam(f.ctx, f.mB, id)
		if err != nil {
			t.Fatal(err)
		}
		if v.TimeLeft != 10*60 {
			t.Fatalf("started 10 minutes before closing: %d s left, want 600 (closing cuts the duration)", v.TimeLeft)
		}
		f.clock.Advance(time.Hour)
		_, err = f.s.StartExam(f.ctx, f.memA, id)
		wantKind(t, err, errs.Unprocessable, "an exam already closed")
	})
}

func TestExamPaperPerPersonIsSeeded(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		for i := range 20 {
			tag := []string{"甲", "乙", "丙", "丁"}[i%4]
			f.add(t, map[string]string{"题型": "判断", "题干": "第" + string(rune('一'+i)) + "道判断题", "答案": "对", "标签": tag})
		}
		in := f.examInput(f.root, true)
		in.Counts = map[quiz.Type]int{quiz.TrueFalse: 5}
		in.Tags = []string{"甲", "乙", "丙", "丁"}
		id, err := f.s.CreateExam(f.ctx, f.admin, in)
		if err != nil {
			t.Fatal(err)
		}
		papers := map[int64][]int64{}
		for _, who := range []*auth.Principal{f.memA, f.memA2, f.mB} {
			v, err := f.s.StartExam(f.ctx, who, id)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			tags := map[string]bool{}
			for _, sh := range v.Questions {
				ids = append(ids, sh.ID)
				for _, tg := range sh.Tags {
					tags[tg] = true
				}
			}
			sorted := slices.Clone(ids)
			slices.Sort(sorted)
			if len(slices.Compact(sorted)) != 5 || len(tags) != 4 {
				t.Fatalf("paper %v: repeats or tags %v not all covered", ids, tags)
			}
			papers[who.MemberID] = ids
			// Resuming gives the same paper in the same order.
			again, _ := f.s.StartExam(f.ctx, who, id)
			for j, sh := range again.Questions {
				if sh.ID != ids[j] {
					t.Fatal("resuming changed the paper")
				}
			}
		}
		a, b := papers[f.memA.MemberID], papers[f.memA2.MemberID]
		if slices.Equal(a, b) && slices.Equal(b, papers[f.mB.MemberID]) {
			t.Fatal("one paper per person drew the same paper in the same order for everyone")
		}
	})
}
