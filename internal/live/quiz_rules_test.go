package live

import (
	"context"
	"testing"
	"time"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/contest"
	"xuejiangping/internal/db"
	"xuejiangping/internal/db/dbtest"
	"xuejiangping/internal/errs"
)

// A quiz's points and a question's own answer time are set in the setup
// and used by the engine: bad values are refused field by field with
// nothing changed; a right answer at the instant the question opens earns
// the quiz's points plus its full speed points; a question with its own
// time closes at that time, not the quiz's.
func TestQuizRulesUsedByTheEngine(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewStore(d)
		id, keys := setupQuiz(t, d, 2) // 10 s, 10 + 10 points, two questions
		for _, bad := range []struct {
			r     QuizRules
			field string
		}{
			{QuizRules{AnswerMS: 4000, BasePoints: 10, SpeedPoints: 10}, "answer_s"},
			{QuizRules{AnswerMS: 10000, BasePoints: 0, SpeedPoints: 10}, "base_points"},
			{QuizRules{AnswerMS: 10000, BasePoints: 10, SpeedPoints: 101}, "speed_points"},
		} {
			err := s.SetQuizRules(ctx, audit.System, id, bad.r)
			e := errs.As(err)
			if err == nil || e.Kind != errs.Invalid || len(e.Fields) == 0 || e.Fields[0].Field != bad.field || e.Fields[0].Reason == "" {
				t.Errorf("%+v: err %v", bad.r, err)
			}
		}
		c, _ := s.Get(ctx, id)
		if c.AnswerMS != 10000 || c.QuizBasePoints != 10 || c.QuizSpeedPoints != 10 {
			t.Fatalf("refused rules changed the quiz: %d ms, %d + %d", c.AnswerMS, c.QuizBasePoints, c.QuizSpeedPoints)
		}
		if err := s.SetQuizRules(ctx, audit.System, id, QuizRules{AnswerMS: 10000, BasePoints: 20, SpeedPoints: 5}); err != nil {
			t.Fatal(err)
		}
		if err := s.AddQuestion(ctx, audit.System, id, QuestionInput{Text: "本题单独限时？", Options: "是\n否", Answer: "A", AnswerS: 3}); err == nil {
			t.Error("a 3-second question was accepted")
		}
		if err := s.AddQuestion(ctx, audit.System, id, QuestionInput{Text: "本题单独限时？", Options: "是\n否", Answer: "A", AnswerS: 30}); err != nil {
			t.Fatal(err)
		}
		c, _ = s.Get(ctx, id)
		if n := len(c.Questions); n != 3 || c.Questions[2].AnswerSeconds() != 30 || c.Questions[0].AnswerMS != 0 {
			t.Fatalf("questions %+v", c.Questions)
		}

		clk := &fakeClock{t: time.Now()}
		m, h := quizHub(t, d, id, clk)
		defer m.Close()
		// Question 1 (the quiz's 10 s): B is right; answered at once.
		tok := do(t, h, contest.Command{Type: contest.CmdQuizOpen})[0].Token
		do(t, h, contest.Command{Type: contest.CmdQuizAnswer, Member: keys[0], Token: tok, Choice: "B"})
		mine, _ := h.quiz.Mine(keys[0])
		if mine.Points != 25 || mine.Speed != 5 {
			t.Errorf("a right answer at once: %d points, %d speed; want 25, 5", mine.Points, mine.Speed)
		}
		clk.Add(11 * time.Second)
		waitFor(t, "question 1 closed at 10 s", func() bool { s, _ := h.QuizSnapshot(ctx); return !s.Open })
		// Question 2 (the quiz's 10 s), then question 3 with its own 30 s.
		do(t, h, contest.Command{Type: contest.CmdQuizOpen})
		clk.Add(11 * time.Second)
		waitFor(t, "question 2 closed", func() bool { s, _ := h.QuizSnapshot(ctx); return !s.Open })
		do(t, h, contest.Command{Type: contest.CmdQuizOpen})
		opened, _ := h.QuizSnapshot(ctx)
		if !opened.Open || opened.Question == nil || opened.Question.Text != "本题单独限时？" {
			t.Fatalf("question 3 not open: %+v", opened)
		}
		if got := opened.Deadline - h.Now(); got < 29*time.Second || got > 30*time.Second {
			t.Errorf("question 3 deadline in %s, want 30 s", got)
		}
		clk.Add(11 * time.Second)
		time.Sleep(50 * time.Millisecond)
		if s, _ := h.QuizSnapshot(ctx); !s.Open {
			t.Error("question 3 closed at the quiz's 10 s instead of its own 30 s")
		}
	})
}
