package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"xuejiangping/internal/app"
	"xuejiangping/internal/db"
	"xuejiangping/internal/demo"
	"xuejiangping/internal/quiz"
)

// ensureQuiz loads the demo bank when the app's demo loader does not (yet).
func ensureQuiz(t *testing.T, a *app.App) {
	t.Helper()
	var n int
	if err := a.DB.QueryRow(context.Background(), `SELECT COUNT(*) FROM question_sets WHERE name = ?`, quiz.MustKnowSet).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		if err := demo.LoadQuiz(context.Background(), a.DB); err != nil {
			t.Fatalf("load demo quiz: %v", err)
		}
	}
}

// TestPracticeMustKnowOnPhone: a member practises the must-know set on a
// 375-px phone, answers some questions wrong, and finds them in the
// wrong-answer book.
func TestPracticeMustKnowOnPhone(t *testing.T) {
	t.Parallel()
	a := startApp(t)
	ensureQuiz(t, a)
	base := a.URL()
	ctx := newPhone(t)
	login(t, ctx, base, demo.LoginMember)

	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/practice"),
		chromedp.WaitVisible(`#start`),
		chromedp.Click(`button[value="`+quiz.MustKnowSet+`"]`),
		chromedp.WaitVisible(`form.practice`),
	)
	if err != nil {
		t.Fatalf("start the must-know set: %v", err)
	}
	width, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil {
		t.Fatal(err)
	}
	if width > 375 {
		t.Errorf("the practice page is %d px wide on a 375-px phone", width)
	}
	// Answer the first five choice/true-false questions with their first
	// option (some will be wrong), leave the rest.
	if n := quizCount(t, ctx, `fieldset.question`); n != 30 {
		t.Fatalf("the must-know set shows %d questions, want 30", n)
	}
	answered := 0
	for i := range 12 {
		sel := `fieldset.question:nth-of-type(` + quizItoa(i+1) + `) input[type=radio]`
		if quizCount(t, ctx, sel) == 0 {
			continue
		}
		if err := chromedp.Do(ctx, chromedp.Click(sel, chromedp.NodeVisible)); err != nil {
			t.Fatalf("pick an answer: %v", err)
		}
		answered++
		if answered == 6 {
			break
		}
	}
	shot(t, ctx, "practice-phone")
	if err := chromedp.Do(ctx, chromedp.Click(`form.practice button[type=submit]`), chromedp.WaitVisible(`#result`)); err != nil {
		t.Fatalf("submit: %v", err)
	}
	result := text(t, ctx, `#result h2`)
	verdicts, wrong := quizCount(t, ctx, `.verdict`), quizCount(t, ctx, `fieldset.question.wrong .verdict`)
	if verdicts != answered {
		t.Fatalf("%d answers graded on the page, want %d (%s)", verdicts, answered, result)
	}
	if wrong == 0 {
		t.Skip("every first option happened to be right; nothing reaches the wrong-answer book")
	}
	shot(t, ctx, "practice-graded")
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/practice/wrongbook"), chromedp.WaitVisible(`#wrongbook`)); err != nil {
		t.Fatalf("open the wrong-answer book: %v", err)
	}
	if items := quizCount(t, ctx, `#wrongbook li.wrong-item`); items != wrong {
		t.Fatalf("the wrong-answer book has %d entries, want the %d wrong answers", items, wrong)
	}
	book := text(t, ctx, `main`)
	if !strings.Contains(book, "待复习") || !hasHan(book) {
		t.Fatalf("wrong-answer book page: %q", book)
	}
	shot(t, ctx, "wrongbook-phone")
}

// quizCount is how many elements match a CSS selector.
func quizCount(t *testing.T, ctx context.Context, sel string) int {
	t.Helper()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+strconv.Quote(sel)+`).length`))
	if err != nil {
		t.Fatalf("count %s: %v", sel, err)
	}
	return n
}

func quizItoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return quizItoa(n/10) + string(rune('0'+n%10))
}

// TestQuestionEditInBrowser: the admin opens a question of the bank from
// its list, corrects its explanation and saves; a question nobody has met
// is changed in place. Then removes another question nobody has met.
func TestQuestionEditInBrowser(t *testing.T) {
	t.Parallel()
	a := startApp(t)
	ensureQuiz(t, a)
	base := a.URL()
	ctx := newBrowser(t, 1280, 900)
	login(t, ctx, base, "admin")
	// A question nobody has met: added now.
	add := func(stem string) int64 {
		var id int64
		err := a.DB.InTx(context.Background(), func(tx *db.Tx) error {
			var err error
			id, err = quiz.InsertQuestion(context.Background(), tx, quiz.Question{Type: quiz.TrueFalse, Stem: stem, Answer: quiz.Answer{Truth: true}, Difficulty: 1}, 0)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	id, gone := add("浏览器测试：每月开展两次学讲评活动。"), add("浏览器测试：要删除的题。")
	sid := strconv.FormatInt(id, 10)
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/questions?q="+"浏览器测试"),
		chromedp.WaitVisible(`#list`),
		chromedp.Click(`#list a[href="/questions/`+sid+`"]`),
		chromedp.WaitVisible(`#edit textarea[name="`+quiz.ColExplanation+`"]`),
		chromedp.SetValue(`#edit textarea[name="`+quiz.ColExplanation+`"]`, "上下半月各一次。"),
		chromedp.Click(`#edit button[type=submit]`),
		chromedp.WaitVisible(`.flash`),
	)
	if err != nil {
		t.Fatalf("edit a question: %v", err)
	}
	if flash := text(t, ctx, `.flash`); !strings.Contains(flash, sid) {
		t.Errorf("flash after saving: %q", flash)
	}
	var expl string
	if err := a.DB.QueryRow(context.Background(), `SELECT explanation FROM questions WHERE id = ?`, id).Scan(&expl); err != nil || expl != "上下半月各一次。" {
		t.Errorf("explanation after saving: %q (%v)", expl, err)
	}
	shot(t, ctx, "question-edit")
	err = chromedp.Do(ctx,
		chromedp.Navigate(base+"/questions/"+strconv.FormatInt(gone, 10)),
		chromedp.Click(`#remove button[type=submit]`),
		chromedp.WaitVisible(`.flash`),
	)
	if err != nil {
		t.Fatalf("remove a question: %v", err)
	}
	var n int
	if err := a.DB.QueryRow(context.Background(), `SELECT COUNT(*) FROM questions WHERE id = ?`, gone).Scan(&n); err != nil || n != 0 {
		t.Errorf("the removed question is still stored (%d, %v)", n, err)
	}
}
