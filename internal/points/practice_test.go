package points_test

import (
	"fmt"
	"testing"
	"time"

	"xuejiangping/internal/db"
	"xuejiangping/internal/db/dbtest"
	"xuejiangping/internal/points"
	"xuejiangping/internal/quiz"
	"xuejiangping/internal/round"
)

// answerPractice records a practice session of member's with one answer
// per entry of correct, all at the instant when.
func answerPractice(t *testing.T, d *db.DB, member int64, qids []int64, when time.Time, correct ...bool) {
	t.Helper()
	err := d.InTx(ctx, func(tx *db.Tx) error {
		sid, err := tx.Insert(ctx, `INSERT INTO practice_sessions (member_id, kind, paper, started_at) VALUES (?, 'daily', '[]', ?)`, member, when)
		if err != nil {
			return err
		}
		for i, ok := range correct {
			if _, err := tx.Exec(ctx, `INSERT INTO practice_answers (session_id, question_id, member_id, response, correct, answered_at) VALUES (?, ?, ?, '{}', ?, ?)`,
				sid, qids[i], member, ok, when.Add(time.Duration(i)*time.Second)); err != nil {
				return err
			}
		}
		return nil
	})
	mustOK(t, err, "practice answers")
}

// TestPointsPractice: right practice answers earn points when points are
// on, at most PracticePerRound in a round however much one practises;
// wrong answers and other members' answers earn nothing.
func TestPointsPractice(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		var qids []int64
		err := d.InTx(ctx, func(tx *db.Tx) error {
			for i := range 10 {
				id, err := quiz.InsertQuestion(ctx, tx, quiz.Question{Type: quiz.TrueFalse, Stem: fmt.Sprintf("判断%d", i), Answer: quiz.Answer{Truth: true}, Difficulty: 1}, 0)
				if err != nil {
					return err
				}
				qids = append(qids, id)
			}
			return nil
		})
		mustOK(t, err, "questions")
		first, second := at("2026-03-10 20:00"), at("2026-03-24 20:00")
		cal := round.DefaultCalendar(round.Date{})
		if round.RoundAt(cal, first).Key() == round.RoundAt(cal, second).Key() {
			t.Fatal("the two practice days fall in one round")
		}
		me := f.a[1]
		// First round: seven right in two sessions, two wrong: counts the cap.
		answerPractice(t, d, me, qids, first, true, true, true, true, false, true)
		answerPractice(t, d, me, qids, first.Add(time.Hour), true, false, true)
		// Second round: two right, under the cap.
		answerPractice(t, d, me, qids, second, true, false, true)
		// Someone else's right answers are theirs.
		answerPractice(t, d, f.a[2], qids, first, true, true, true, true)

		practice := func(member int64) (points.Line, int) {
			t.Helper()
			m, err := points.For(ctx, d, member)
			mustOK(t, err, "points")
			for _, l := range m.Lines {
				if l.Each == points.PerPractice && l.What == fmt.Sprintf("练习答对（每轮至多计 %d 题）", points.PracticePerRound) {
					return l, m.Total
				}
			}
			return points.Line{}, m.Total
		}
		if l, total := practice(me); l.Count != 0 || total != 0 {
			t.Errorf("points off: practice line %+v, total %d", l, total)
		}
		mustOK(t, points.SetEnabled(ctx, d, f.admin, true), "points on")
		want := points.PracticePerRound + 2
		if l, total := practice(me); l.Count != want || l.Points != want*points.PerPractice || total != l.Points {
			t.Errorf("practice line %+v (total %d), want %d counted", l, total, want)
		}
		if l, _ := practice(f.a[2]); l.Count != min(4, points.PracticePerRound) {
			t.Errorf("a2's practice line %+v", l)
		}
		if l, _ := practice(f.a[3]); l.Count != 0 {
			t.Errorf("a3 never practised: %+v", l)
		}
	})
}
