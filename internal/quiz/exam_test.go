package quiz

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// clock is a fake clock: minutes from the exam's opening.
func clock(min float64) time.Time { return day0.Add(time.Duration(min * float64(time.Minute))) }

var testExam = Exam{ID: 9, Opens: clock(0), Closes: clock(120), Duration: 30 * time.Minute, Grace: DefaultGrace}

func wantErr(t *testing.T, err error, code, fragment string) {
	t.Helper()
	var qe *Error
	if code == "" {
		if err != nil {
			t.Fatalf("error = %v, want nil", err)
		}
		return
	}
	if !errors.As(err, &qe) || qe.Code != code || !strings.Contains(qe.Message, fragment) {
		t.Fatalf("error = %#v, want code %q containing %q", err, code, fragment)
	}
}

func TestExamValidate(t *testing.T) {
	tests := []struct {
		name string
		e    Exam
		want string
	}{
		{"ok", testExam, ""},
		{"closes before opens", Exam{Opens: clock(10), Closes: clock(5), Duration: time.Minute}, "考试结束时间须晚于开始时间"},
		{"no duration", Exam{Opens: clock(0), Closes: clock(5)}, "考试时长须大于0"},
		{"grace too long", Exam{Opens: clock(0), Closes: clock(5), Duration: time.Minute, Grace: time.Hour}, "提交宽限时间须在0到60秒之间"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code := ""
			if tt.want != "" {
				code = CodeInvalid
			}
			wantErr(t, tt.e.Validate(), code, tt.want)
		})
	}
}

func TestExamStart(t *testing.T) {
	paper := []int64{1, 2, 3}
	running, _ := testExam.Start(nil, 7, paper, clock(10))
	submitted, _ := testExam.Submit(running, nil, clock(20))
	tests := []struct {
		name         string
		existing     *Attempt
		member       int64
		now          time.Time
		wantCode     string
		wantMsg      string
		wantDeadline time.Time
	}{
		{"before opening", nil, 7, clock(-1), CodeNotOpen, "考试尚未开始，开始时间为2026-03-16 09:00:00", time.Time{}},
		{"at opening", nil, 7, clock(0), "", "", clock(30)},
		{"full duration", nil, 7, clock(50), "", "", clock(80)},
		{"cut by closing", nil, 7, clock(100), "", "", clock(120)},
		{"at closing", nil, 7, clock(120), CodeClosed, "考试已于2026-03-16 11:00:00结束", time.Time{}},
		{"resume after a dropped connection", &running, 7, clock(25), "", "", clock(40)},
		{"resume at the deadline", &running, 7, clock(40), "", "", clock(40)},
		{"resume after the deadline", &running, 7, clock(40.01), CodeClosed, "你的作答时间已于2026-03-16 09:40:00结束", time.Time{}},
		{"second attempt after submitting", &submitted, 7, clock(25), CodeConflict, "每人只能作答一次", time.Time{}},
		{"someone else's attempt", &running, 8, clock(25), CodeInvalid, "作答记录与考试或人员不符", time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := testExam.Start(tt.existing, tt.member, paper, tt.now)
			wantErr(t, err, tt.wantCode, tt.wantMsg)
			if err == nil && !a.Deadline.Equal(tt.wantDeadline) {
				t.Errorf("deadline = %v, want %v", a.Deadline, tt.wantDeadline)
			}
		})
	}
	if _, err := testExam.Start(nil, 7, nil, clock(1)); err == nil {
		t.Errorf("an empty paper was accepted")
	}
}

func TestExamResumeKeepsTimeLeft(t *testing.T) {
	a, _ := testExam.Start(nil, 7, []int64{1}, clock(10))
	a, _ = testExam.Save(a, map[int64]Response{1: {Letters: []string{"A"}}}, clock(12))
	again, err := testExam.Start(&a, 7, []int64{99}, clock(30))
	if err != nil {
		t.Fatal(err)
	}
	if got := again.TimeLeft(clock(30)); got != 10*time.Minute {
		t.Errorf("time left = %v, want 10m", got)
	}
	if again.Paper[0] != 1 || again.Answers[1].Letters[0] != "A" {
		t.Errorf("resume lost the paper or the saved answer: %+v", again)
	}
}

func TestExamSubmit(t *testing.T) {
	start, _ := testExam.Start(nil, 7, []int64{1, 2}, clock(10)) // deadline clock(40)
	done, _ := testExam.Submit(start, nil, clock(20))
	ans := map[int64]Response{1: {Letters: []string{"B"}}}
	tests := []struct {
		name     string
		a        Attempt
		answers  map[int64]Response
		now      time.Time
		wantCode string
		wantMsg  string
	}{
		{"in time", start, ans, clock(39), "", ""},
		{"at the deadline", start, ans, clock(40), "", ""},
		{"within grace", start, ans, clock(40).Add(5 * time.Second), "", ""},
		{"after grace", start, ans, clock(40).Add(5*time.Second + time.Millisecond), CodeClosed, "提交已超时：作答截止时间为2026-03-16 09:40:00"},
		{"twice", done, ans, clock(21), CodeConflict, "你已提交本场考试，不能再次提交"},
		{"question not in paper", start, map[int64]Response{1: {}, 3: {}}, clock(20), CodeInvalid, "题目（编号3）不在你的试卷中"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := testExam.Submit(tt.a, tt.answers, tt.now)
			wantErr(t, err, tt.wantCode, tt.wantMsg)
			if err != nil {
				if got.SubmittedAt != tt.a.SubmittedAt || len(got.Answers) != len(tt.a.Answers) {
					t.Errorf("a refused submission changed the attempt: %+v", got)
				}
				return
			}
			if !got.SubmittedAt.Equal(tt.now) || got.Answers[1].Letters[0] != "B" {
				t.Errorf("submitted attempt = %+v", got)
			}
		})
	}
	if len(start.Answers) != 0 {
		t.Errorf("Submit modified its input: %+v", start.Answers)
	}
}

func TestExamGraceConfigurable(t *testing.T) {
	e := testExam
	e.Grace = 0
	a, _ := e.Start(nil, 7, []int64{1}, clock(10))
	_, err := e.Submit(a, nil, clock(40).Add(time.Second))
	wantErr(t, err, CodeClosed, "提交已超时")
}

func TestExamSaveAndFinalize(t *testing.T) {
	a, _ := testExam.Start(nil, 7, []int64{1, 2}, clock(10))
	a, err := testExam.Save(a, map[int64]Response{2: {Text: "x"}}, clock(11))
	wantErr(t, err, "", "")
	if _, err := testExam.Save(a, map[int64]Response{5: {}}, clock(12)); err == nil {
		t.Errorf("saving an answer to a question not in the paper was accepted")
	}
	if _, ok := testExam.Finalize(a, clock(40).Add(DefaultGrace)); ok {
		t.Errorf("finalized within the grace")
	}
	f, ok := testExam.Finalize(a, clock(41))
	if !ok || !f.TimedOut || !f.SubmittedAt.Equal(clock(40)) || f.Answers[2].Text != "x" {
		t.Errorf("Finalize() = %+v, %v", f, ok)
	}
	if f.TimeLeft(clock(20)) != 0 {
		t.Errorf("a finished attempt has time left")
	}
}

func TestGradeAttempt(t *testing.T) {
	qs := map[int64]Question{1: qSingle, 2: qMultiple, 6: qShort}
	a, _ := testExam.Start(nil, 7, []int64{1, 2, 6}, clock(1))
	a.Mappings = map[int64]Mapping{1: {1, 2, 0}} // shown A is canonical B
	a, _ = testExam.Submit(a, map[int64]Response{
		1: {Letters: []string{"A"}},
		2: {Letters: []string{"A", "B"}},
		6: {Text: "体会"},
	}, clock(5))
	g, err := Rules{Multiple: PartialFixed, PartialShare: 0.5}.GradeAttempt(a, qs)
	if err != nil {
		t.Fatal(err)
	}
	if g.Score != 1.5 || g.NeedsManual != 1 || !g.Results[1].Correct {
		t.Errorf("GradeAttempt() = %+v, want score 1.5 with one manual", g)
	}
	delete(qs, 6)
	if _, err := (Rules{}).GradeAttempt(a, qs); err == nil {
		t.Errorf("a missing question was not reported")
	}
}
