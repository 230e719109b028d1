package quiz

import (
	"maps"
	"slices"
	"time"

	"xuejiangping/internal/msg"
)

// Exam timing (岗位练兵). The server keeps the clock: every rule takes now
// explicitly, so tests use a fake clock and the store passes its
// transaction's time.
//
// An exam opens and closes at fixed times. Each person has Duration from the
// moment they start, cut short by the closing time. A submission is accepted
// until the deadline plus Grace, which covers the network between the
// member's last click and the server; after that it is refused. There is one
// attempt per person: starting again while the attempt runs resumes it with
// the time left (a dropped connection loses nothing), and starting again
// after submitting is refused.

// DefaultGrace is the grace a scheduler should set; MaxGrace bounds it.
const (
	DefaultGrace = 5 * time.Second
	MaxGrace     = time.Minute
)

const timeLayout = "2006-01-02 15:04:05"

// Exam is the timing of one exam. Grace is used as given: 0 means none.
type Exam struct {
	ID       int64
	Opens    time.Time
	Closes   time.Time
	Duration time.Duration
	Grace    time.Duration
}

// Validate checks the exam's own timing.
func (e Exam) Validate() error {
	switch {
	case !e.Closes.After(e.Opens):
		return newError(CodeInvalid, msg.T("quiz.exam.badWindow"))
	case e.Duration <= 0:
		return newError(CodeInvalid, msg.T("quiz.exam.badDuration"))
	case e.Grace < 0 || e.Grace > MaxGrace:
		return newError(CodeInvalid, msg.T("quiz.exam.badGrace", int(MaxGrace/time.Second)))
	}
	return nil
}

// Attempt is one person's attempt at an exam.
type Attempt struct {
	ExamID      int64
	MemberID    int64
	Paper       []int64           // question IDs in the order shown to this person
	Mappings    map[int64]Mapping // option shuffles by question ID; absent means none
	StartedAt   time.Time
	Deadline    time.Time
	SubmittedAt time.Time // zero while running
	TimedOut    bool      // closed by Finalize, not by the member
	Answers     map[int64]Response
}

// Submitted reports whether the attempt is over.
func (a Attempt) Submitted() bool { return !a.SubmittedAt.IsZero() }

// TimeLeft is the time to the deadline, never negative. The grace is not
// shown: it is for the network, not for answering.
func (a Attempt) TimeLeft(now time.Time) time.Duration {
	if a.Submitted() {
		return 0
	}
	return max(a.Deadline.Sub(now), 0)
}

// Start starts an attempt at now, or resumes the existing one. existing is
// the person's attempt at this exam if the store has one.
func (e Exam) Start(existing *Attempt, memberID int64, paper []int64, now time.Time) (Attempt, error) {
	if existing != nil {
		return e.resume(*existing, memberID, now)
	}
	switch {
	case now.Before(e.Opens):
		return Attempt{}, newError(CodeNotOpen, msg.T("quiz.exam.notOpen", e.Opens.Format(timeLayout)))
	case !now.Before(e.Closes):
		return Attempt{}, newError(CodeClosed, msg.T("quiz.exam.closed", e.Closes.Format(timeLayout)))
	case len(paper) == 0:
		return Attempt{}, newError(CodeInvalid, msg.T("quiz.exam.emptyPaper"))
	}
	deadline := now.Add(e.Duration)
	if deadline.After(e.Closes) {
		deadline = e.Closes
	}
	return Attempt{
		ExamID: e.ID, MemberID: memberID, Paper: slices.Clone(paper),
		StartedAt: now, Deadline: deadline, Answers: map[int64]Response{},
	}, nil
}

func (e Exam) resume(a Attempt, memberID int64, now time.Time) (Attempt, error) {
	switch {
	case a.ExamID != e.ID || a.MemberID != memberID:
		return Attempt{}, newError(CodeInvalid, msg.T("quiz.exam.wrongAttempt"))
	case a.Submitted():
		return Attempt{}, newError(CodeConflict, msg.T("quiz.exam.alreadySubmitted", a.SubmittedAt.Format(timeLayout)))
	case now.After(a.Deadline):
		return Attempt{}, newError(CodeClosed, msg.T("quiz.exam.timeUp", a.Deadline.Format(timeLayout)))
	}
	return a, nil
}

// Save records answers during the attempt (answers may be saved as the
// member goes, so a dropped connection loses nothing). On error the attempt
// is returned unchanged.
func (e Exam) Save(a Attempt, answers map[int64]Response, now time.Time) (Attempt, error) {
	if err := e.checkOpen(a, answers, now); err != nil {
		return a, err
	}
	return a.with(answers), nil
}

// Submit ends the attempt with the final answers (merged over the saved
// ones). A late or second submission, or an answer to a question not in the
// person's paper, is refused and changes nothing.
func (e Exam) Submit(a Attempt, answers map[int64]Response, now time.Time) (Attempt, error) {
	if err := e.checkOpen(a, answers, now); err != nil {
		return a, err
	}
	a = a.with(answers)
	a.SubmittedAt = now
	return a, nil
}

// Finalize closes an attempt whose time and grace have run out without a
// submission: the saved answers become final. ok is false if there is
// nothing to close yet.
func (e Exam) Finalize(a Attempt, now time.Time) (Attempt, bool) {
	if a.Submitted() || !now.After(a.Deadline.Add(e.Grace)) {
		return a, false
	}
	a.SubmittedAt, a.TimedOut = a.Deadline, true
	return a, true
}

func (e Exam) checkOpen(a Attempt, answers map[int64]Response, now time.Time) error {
	switch {
	case a.Submitted():
		return newError(CodeConflict, msg.T("quiz.exam.noResubmit"))
	case now.After(a.Deadline.Add(e.Grace)):
		return newError(CodeClosed, msg.T("quiz.exam.late", a.Deadline.Format(timeLayout)))
	}
	for _, id := range slices.Sorted(maps.Keys(answers)) {
		if !slices.Contains(a.Paper, id) {
			return newError(CodeInvalid, msg.T("quiz.exam.notInPaper", id))
		}
	}
	return nil
}

// with returns a copy of a with answers merged in; a is not modified.
func (a Attempt) with(answers map[int64]Response) Attempt {
	merged := maps.Clone(a.Answers)
	if merged == nil {
		merged = map[int64]Response{}
	}
	maps.Copy(merged, answers)
	a.Answers = merged
	return a
}

// Graded is the outcome of a submitted attempt.
type Graded struct {
	Results     map[int64]Result // by question ID; unanswered questions score 0
	Score       float64          // sum of Result.Score: one point per question
	NeedsManual int              // questions waiting for a person
}

// GradeAttempt grades every question of the paper, translating shuffled
// letters back through the attempt's mappings. questions must hold every
// question of the paper.
func (g Rules) GradeAttempt(a Attempt, questions map[int64]Question) (Graded, error) {
	out := Graded{Results: make(map[int64]Result, len(a.Paper))}
	for _, id := range a.Paper {
		q, ok := questions[id]
		if !ok {
			return Graded{}, newError(CodeInvalid, msg.T("quiz.exam.questionGone", id))
		}
		r := g.GradeShown(q, a.Answers[id], a.Mappings[id])
		out.Results[id] = r
		out.Score += r.Score
		if r.NeedsManual {
			out.NeedsManual++
		}
	}
	return out, nil
}
