package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/contest"
	"xuejiangping/internal/db"
	"xuejiangping/internal/db/dbtest"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/quiz"
)

// setupQuiz creates an online quiz with two choice questions and n members
// in two branches; it returns the contest id and the member keys.
func setupQuiz(t *testing.T, d *db.DB, n int) (int64, []string) {
	t.Helper()
	ctx := context.Background()
	s := NewStore(d)
	id, err := s.Create(ctx, audit.System, NewContest{Title: "线上竞答", Kind: "quiz", Stage: "final"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetQuizRules(ctx, audit.System, id, QuizRules{AnswerMS: 10000, BasePoints: 10, SpeedPoints: 10}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []QuestionInput{
		{Text: "“学讲评”中的“评”指什么？", Options: "评分\n评议\n评选", Answer: "b"},
		{Text: "以下哪些是“学讲评”的环节？", Options: "学\n讲\n唱\n评", Answer: "D, A B"},
	} {
		if err := s.AddQuestion(ctx, audit.System, id, q); err != nil {
			t.Fatal(err)
		}
	}
	var keys []string
	err = d.InTx(ctx, func(tx *db.Tx) error {
		for b := 0; b < 2; b++ {
			org, err := tx.Insert(ctx, `INSERT INTO orgs (name, kind, created_at) VALUES (?, 'branch', ?)`, fmt.Sprintf("第%d支部", b+1), tx.Now)
			if err != nil {
				return err
			}
			for i := b; i < n; i += 2 {
				m, err := tx.Insert(ctx, `INSERT INTO members (org_id, name, created_at, updated_at) VALUES (?, ?, ?, ?)`, org, fmt.Sprintf("党员%d", i), tx.Now, tx.Now)
				if err != nil {
					return err
				}
				keys = append(keys, MemberKey(m))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return id, keys
}

// Answers typed as letters are stored the way the quiz compares them, and
// questions an online quiz cannot use are refused with a reason.
func TestQuizSetup(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewStore(d)
		id, _ := setupQuiz(t, d, 2)
		c, err := s.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Questions) != 2 || c.Questions[0].Answer != "B" || c.Questions[1].Answer != "ABD" || c.AnswerMS != 10000 {
			t.Fatalf("questions %+v answer_ms %d", c.Questions, c.AnswerMS)
		}
		for _, bad := range []QuestionInput{
			{Text: "没有选项？", Answer: "A"},
			{Text: "答案不在选项中？", Options: "甲\n乙", Answer: "C"},
			{Text: "答案是文字？", Options: "甲\n乙", Answer: "甲"},
		} {
			err := s.AddQuestion(ctx, audit.System, id, bad)
			if e := errs.As(err); err == nil || e.Kind != errs.Invalid || e.Message == "" {
				t.Errorf("%s: err %v", bad.Text, err)
			}
		}
		if err := s.SetQuizRules(ctx, audit.System, id, QuizRules{AnswerMS: 1000, BasePoints: 10, SpeedPoints: 10}); err == nil {
			t.Error("a 1-second answer time was accepted")
		}
		// The must-know set mixes types: a quiz takes its choice and
		// true/false questions only, answers as letters.
		if err := s.ImportMustKnow(ctx, audit.System, id, 0, 0, 30); err != nil {
			t.Fatal(err)
		}
		c, _ = s.Get(ctx, id)
		want := 2
		for _, m := range quiz.MustKnow() {
			if _, _, ok := QuizChoice(m.Question); ok {
				want++
			}
		}
		if len(c.Questions) != want || want == 2 {
			t.Fatalf("after import: %d questions, want %d", len(c.Questions), want)
		}
		cfg, err := s.QuizConfig(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := contest.NewQuiz(cfg); err != nil {
			t.Fatalf("imported questions do not make a quiz: %v", err)
		}
	})
}

// Drawing from the bank: by set, tags and types; for a quiz only choice and
// true/false questions; not the same question twice; too few is refused
// and adds nothing.
func TestDrawFromBank(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewStore(d)
		var setID int64
		err := d.InTx(ctx, func(tx *db.Tx) error {
			var ids []int64
			for i := 0; i < 6; i++ {
				q := quiz.Question{Type: quiz.Single, Stem: fmt.Sprintf("单选题第%d题", i), Options: []string{"甲", "乙", "丙"}, Answer: quiz.Answer{Letters: []string{"C"}}, Tags: []string{"党章"}, Difficulty: 2}
				if i >= 3 {
					q = quiz.Question{Type: quiz.Blank, Stem: fmt.Sprintf("填空题第%d题____", i), Answer: quiz.Answer{Blanks: [][]string{{"答案"}}}, Tags: []string{"纪律"}, Difficulty: 2}
				}
				id, err := quiz.InsertQuestion(ctx, tx, q, 0)
				if err != nil {
					return err
				}
				ids = append(ids, id)
			}
			q := quiz.Question{Type: quiz.TrueFalse, Stem: "判断题一道", Answer: quiz.Answer{Truth: false}, Tags: []string{"纪律"}, Difficulty: 1}
			id, err := quiz.InsertQuestion(ctx, tx, q, 0)
			if err != nil {
				return err
			}
			setID, err = quiz.CreateSet(ctx, tx, "测试题集", "", append(ids[2:], id))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		qz, _ := setupQuiz(t, d, 2)
		// The set holds 1 single, 3 blanks and 1 true/false: 2 fit a quiz.
		if _, err := s.DrawFromBank(ctx, audit.System, qz, BankDraw{SetID: setID, Count: 3}); err == nil || !strings.Contains(errs.As(err).Message, "只有2道") {
			t.Fatalf("drawing 3 of 2: %v", err)
		}
		if n, err := s.DrawFromBank(ctx, audit.System, qz, BankDraw{SetID: setID, Count: 2}); err != nil || n != 2 {
			t.Fatalf("draw: %d %v", n, err)
		}
		c, _ := s.Get(ctx, qz)
		got := map[string]QuestionRow{}
		for _, q := range c.Questions {
			got[q.Text] = q
		}
		if tf, ok := got["判断题一道"]; !ok || tf.Answer != "B" || len(tf.Options) != 2 {
			t.Errorf("true/false as quiz question: %+v", tf)
		}
		if sg, ok := got["单选题第2题"]; !ok || sg.Answer != "C" {
			t.Errorf("single as quiz question: %+v", sg)
		}
		// Drawn already: the same set has nothing left for this quiz.
		if _, err := s.DrawFromBank(ctx, audit.System, qz, BankDraw{SetID: setID, Count: 1}); err == nil {
			t.Error("the same questions were drawn twice")
		}

		// A match draws any type into a segment, by tag.
		m := setupMatch(t, d)
		if n, err := s.DrawFromBank(ctx, audit.System, m, BankDraw{Segment: 1, Tags: []string{"纪律"}, Types: []quiz.Type{quiz.Blank}, Count: 3}); err != nil || n != 3 {
			t.Fatalf("match draw: %d %v", n, err)
		}
		if _, err := s.DrawFromBank(ctx, audit.System, m, BankDraw{Segment: 9, Count: 1}); err == nil {
			t.Error("drew into a segment that does not exist")
		}
		c, _ = s.Get(ctx, m)
		blanks := 0
		for _, q := range c.Questions {
			if strings.HasPrefix(q.Text, "填空题") && q.Segment == 1 && q.Answer == "答案" {
				blanks++
			}
		}
		if blanks != 3 {
			t.Errorf("match has %d drawn blanks, want 3", blanks)
		}
	})
}

func quizHub(t *testing.T, d *db.DB, id int64, clk *fakeClock) (*Manager, *Hub) {
	t.Helper()
	m := newTestManager(d, clk)
	h, err := m.Hub(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return m, h
}

func errCode(err error) string {
	var e *errs.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// A double tap (two answers of one member sent at once) is one answer:
// the first counts, the second is refused, and one row is stored. The
// database key refuses a second row even if the engine were bypassed.
func TestQuizDoubleTap(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		id, keys := setupQuiz(t, d, 4)
		clk := &fakeClock{t: time.Now()}
		m, h := quizHub(t, d, id, clk)
		defer m.Close()
		tok := do(t, h, contest.Command{Type: contest.CmdQuizOpen})[0].Token
		clk.Add(time.Second)
		var wg sync.WaitGroup
		replies := make([]Reply, 2)
		for i, choice := range []string{"B", "A"} {
			wg.Add(1)
			h.Submit(contest.Command{Type: contest.CmdQuizAnswer, Member: keys[0], Token: tok, Choice: choice}, func(r Reply) { replies[i] = r; wg.Done() })
		}
		wg.Wait()
		if replies[0].Err != nil || errCode(replies[1].Err) != "quiz_already_answered" {
			t.Fatalf("replies: %v / %v", replies[0].Err, replies[1].Err)
		}
		var n int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM contest_quiz_answers WHERE contest_id = ?`, id).Scan(&n); err != nil || n != 1 {
			t.Fatalf("%d answer rows (%v), want 1", n, err)
		}
		ev := replies[0].Events[0]
		dup := ev
		dup.Seq = ev.Seq + 1
		dup.Choice = "A"
		if err := NewStore(d).appendEvents(ctx, id, nil, "running", []contest.Event{dup}, ""); err == nil {
			t.Fatal("the database stored a second answer of one member to one question")
		}
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM contest_events WHERE contest_id = ?`, id).Scan(&n); err != nil || n != 2 {
			t.Errorf("%d events after the refused row, want 2 (nothing of it kept)", n)
		}
		r, err := NewStore(d).Results(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Persons) != 1 || r.Persons[0].Correct != 1 || r.Persons[0].Answered != 1 {
			t.Errorf("persons %+v", r.Persons)
		}
	})
}

// An answer after the deadline is refused even before the clock closes the
// question; an answer for a previous question (old token) is refused; the
// deadline closes the question by itself; after the last question the
// quiz is finished and the standings are by person and by branch.
func TestQuizLateAnswersAndFinish(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		id, keys := setupQuiz(t, d, 4)
		clk := &fakeClock{t: time.Now()}
		m, h := quizHub(t, d, id, clk)
		defer m.Close()
		tok1 := do(t, h, contest.Command{Type: contest.CmdQuizOpen})[0].Token
		clk.Add(2 * time.Second)
		do(t, h, contest.Command{Type: contest.CmdQuizAnswer, Member: keys[0], Token: tok1, Choice: "B"})
		do(t, h, contest.Command{Type: contest.CmdQuizAnswer, Member: keys[1], Token: tok1, Choice: "A"})
		clk.Add(8 * time.Second) // exactly the deadline
		if _, err := h.Do(ctx, contest.Command{Type: contest.CmdQuizAnswer, Member: keys[2], Token: tok1, Choice: "B"}); errCode(err) != "quiz_time_up" && errCode(err) != "quiz_not_open" {
			t.Fatalf("answer at the deadline: %v", err)
		}
		waitFor(t, "the deadline closes question 1", func() bool {
			c, _ := NewStore(d).Get(ctx, id)
			evs, _ := NewStore(d).Events(ctx, c.ID)
			return len(evs) == 4 && evs[3].Type == contest.EvQuizClosed
		})
		tok2 := do(t, h, contest.Command{Type: contest.CmdQuizOpen})[0].Token
		if r, err := NewStore(d).Results(ctx, id); err != nil || len(r.QuizItems) != 2 || r.QuizItems[1].Answer != "" || r.QuizItems[0].Answer != "B" {
			t.Fatalf("results while question 2 is open give its answer away: %+v %v", r.QuizItems, err)
		}
		if _, err := h.Do(ctx, contest.Command{Type: contest.CmdQuizAnswer, Member: keys[2], Token: tok1, Choice: "B"}); errCode(err) != "quiz_not_open" {
			t.Fatalf("answer with the previous question's token: %v", err)
		}
		clk.Add(time.Second)
		// Members answer every question: one row per member per question.
		for _, k := range keys {
			do(t, h, contest.Command{Type: contest.CmdQuizAnswer, Member: k, Token: tok2, Choice: "ABD"})
		}
		do(t, h, contest.Command{Type: contest.CmdQuizClose})
		var n int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM contest_quiz_answers WHERE contest_id = ?`, id).Scan(&n); err != nil || n != 6 {
			t.Fatalf("%d answer rows, want 6", n)
		}
		c, _ := NewStore(d).Get(ctx, id)
		if c.Status != "finished" {
			t.Errorf("status %s after the last question, want finished", c.Status)
		}
		r, err := NewStore(d).Results(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Persons) != 4 || len(r.Branches) != 2 || len(r.QuizItems) != 2 || r.QuizItems[0].Answered != 2 || r.QuizItems[0].Correct != 1 || r.QuizItems[1].Correct != 4 {
			t.Fatalf("results: persons %d branches %+v items %+v", len(r.Persons), r.Branches, r.QuizItems)
		}
		for _, p := range r.Persons {
			if p.Correct == 1 && (p.Base != 10 || p.Speed <= 0 || p.Points != p.Base+p.Speed) {
				t.Errorf("correct answer without separate base and speed points: %+v", p)
			}
		}
		if _, err := ExportXLSX(r); err != nil {
			t.Fatal(err)
		}
	})
}

// Answer counts reach the screens at a fixed rate, not once per answer: many
// answers in a burst make a few frames, the last with the full count.
func TestQuizCountsPushedAtFixedRate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		id, keys := setupQuiz(t, d, 40)
		clk := &fakeClock{t: time.Now()}
		m, h := quizHub(t, d, id, clk)
		defer m.Close()
		sub := NewSub(contest.RoleHost)
		if _, err := h.Subscribe(sub, -1); err != nil {
			t.Fatal(err)
		}
		// A member's phone: it gets the open, but not the running counts.
		phone := NewSub(contest.RoleAudience)
		phone.Member = keys[0]
		if _, err := h.Subscribe(phone, -1); err != nil {
			t.Fatal(err)
		}
		tok := do(t, h, contest.Command{Type: contest.CmdQuizOpen})[0].Token
		<-sub.Frames() // the open
		<-phone.Frames()
		defer func() {
			if n := len(phone.Frames()); n != 0 {
				t.Errorf("a member's phone got %d count frames", n)
			}
		}()
		var wg sync.WaitGroup
		for _, k := range keys {
			wg.Add(1)
			h.Submit(contest.Command{Type: contest.CmdQuizAnswer, Member: k, Token: tok, Choice: "B"}, func(Reply) { wg.Done() })
		}
		wg.Wait()
		frames := 0
		for {
			select {
			case b := <-sub.Frames():
				frames++
				var f quizFrame
				if err := json.Unmarshal(b, &f); err != nil {
					t.Fatal(err)
				}
				if f.Snap.Answers == len(keys) {
					if frames > 3 {
						t.Errorf("%d frames for %d answers", frames, len(keys))
					}
					if f.Snap.Counts != nil || f.Snap.Question.Answer != "" {
						t.Error("an open question's frame gives the answer away")
					}
					return
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("no frame with %d answers after %d frames", len(keys), frames)
			}
		}
	})
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not reached", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A member's phone that reconnects learns from its first frame that it
// already answered the open question, and with which choice; another
// member's phone learns it has not.
func TestQuizResumeKnowsMyAnswer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		id, keys := setupQuiz(t, d, 2)
		clk := &fakeClock{t: time.Now()}
		m, h := quizHub(t, d, id, clk)
		defer m.Close()
		tok := do(t, h, contest.Command{Type: contest.CmdQuizOpen})[0].Token
		clk.Add(time.Second)
		do(t, h, contest.Command{Type: contest.CmdQuizAnswer, Member: keys[0], Token: tok, Choice: "B"})
		for i, want := range []string{"B", ""} {
			sub := NewSub(contest.RoleAudience)
			sub.Member = keys[i]
			b, err := h.Subscribe(sub, 1)
			if err != nil {
				t.Fatal(err)
			}
			var hello struct {
				Snap contest.QuizSnapshot `json:"snap"`
				Mine *contest.QuizMine    `json:"mine"`
			}
			if err := json.Unmarshal(b, &hello); err != nil {
				t.Fatal(err)
			}
			if hello.Mine == nil || hello.Mine.Choice != want || hello.Snap.Token != tok || !hello.Snap.Open {
				t.Errorf("member %d: hello mine %+v snap open %v, want choice %q", i, hello.Mine, hello.Snap.Open, want)
			}
			h.Unsubscribe(sub)
		}
	})
}
