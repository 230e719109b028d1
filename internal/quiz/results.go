package quiz

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
)

// Results of an exam for those who read it: per person (ranked — an exam
// result, not a points table), per activity unit, and per question.
type Results struct {
	Exam          ExamRec        `json:"exam"`
	Eligible      int            `json:"eligible"`
	Submitted     int            `json:"submitted"`
	Participation float64        `json:"participation"`
	Average       float64        `json:"average"`
	PassRate      float64        `json:"pass_rate"`
	Pending       int            `json:"pending"` // short answers still to grade
	People        []PersonResult `json:"people"`
	Units         []UnitResult   `json:"units"`
	Questions     []QuestionStat `json:"questions"`
}

// PersonResult is one person's line.
type PersonResult struct {
	Rank        int        `json:"rank"`
	AttemptID   int64      `json:"attempt_id"`
	MemberID    int64      `json:"member_id"`
	Name        string     `json:"name"`
	Unit        string     `json:"unit"`
	Score       float64    `json:"score"`
	Passed      bool       `json:"passed"`
	SubmittedAt *time.Time `json:"submitted_at,omitempty"`
	TimedOut    bool       `json:"timed_out,omitempty"`
	Pending     int        `json:"pending,omitempty"`
}

// UnitResult is one activity unit's line.
type UnitResult struct {
	UnitID        int64   `json:"unit_id"`
	Name          string  `json:"name"`
	Members       int     `json:"members"`
	Submitted     int     `json:"submitted"`
	Participation float64 `json:"participation"`
	Average       float64 `json:"average"`
	PassRate      float64 `json:"pass_rate"`
}

// QuestionStat is how one question went: weak topics show here.
type QuestionStat struct {
	ID        int64    `json:"id"`
	Stem      string   `json:"stem"`
	TypeLabel string   `json:"type_label"`
	Tags      []string `json:"tags"`
	Answered  int      `json:"answered"`
	Correct   int      `json:"correct"`
	Share     float64  `json:"share_correct"`
}

type person struct {
	memberID int64
	name     string
	unitID   int64
	unit     string
	path     string
}

// ExamResults computes the results p may see: the whole exam for a reader
// covering its scope, or the part inside a narrower reader's own subtree.
// Attempts whose time and grace ran out unsubmitted are closed first, so
// saved answers count.
func (s *Service) ExamResults(ctx context.Context, p *auth.Principal, examID int64) (Results, error) {
	e, err := loadExam(ctx, s.DB, examID)
	if err != nil {
		return Results{}, err
	}
	if !reads(p, e) {
		return Results{}, errs.NotFoundf(msg.T("quiz.noun.exam"))
	}
	if err := s.finalizeExpired(ctx, e); err != nil {
		return Results{}, err
	}
	people, err := s.eligible(ctx, p, e)
	if err != nil {
		return Results{}, err
	}
	attempts, err := s.attempts(ctx, e.ID)
	if err != nil {
		return Results{}, err
	}
	return s.tally(ctx, e, people, attempts)
}

func (s *Service) eligible(ctx context.Context, p *auth.Principal, e ExamRec) ([]person, error) {
	rows, err := s.DB.Query(ctx, `SELECT m.id, m.name, o.id, o.name, o.path FROM members m JOIN orgs o ON o.id = m.org_id
		WHERE o.path LIKE ? ORDER BY o.path, m.id`, e.OrgPath+"%")
	if err != nil {
		return nil, errs.Wrap(err, "eligible")
	}
	defer rows.Close()
	whole := p.Covers(e.OrgPath, auth.Readers...)
	var out []person
	for rows.Next() {
		var x person
		if err := rows.Scan(&x.memberID, &x.name, &x.unitID, &x.unit, &x.path); err != nil {
			return nil, errs.Wrap(err, "eligible")
		}
		if whole || p.Covers(x.path, auth.Readers...) {
			out = append(out, x)
		}
	}
	return out, errs.Wrap(rows.Err(), "eligible")
}

func (s *Service) attempts(ctx context.Context, examID int64) (map[int64]stored, error) {
	rows, err := s.DB.Query(ctx, `SELECT `+attemptCols+` FROM exam_attempts WHERE exam_id = ?`, examID)
	if err != nil {
		return nil, errs.Wrap(err, "attempts")
	}
	defer rows.Close()
	out := map[int64]stored{}
	for rows.Next() {
		a, err := scanAttempt(rows)
		if err != nil {
			return nil, errs.Wrap(err, "attempts")
		}
		out[a.MemberID] = a
	}
	return out, errs.Wrap(rows.Err(), "attempts")
}

// finalizeExpired closes unsubmitted attempts past their deadline and
// grace, grading what was saved (quiz.Exam.Finalize).
func (s *Service) finalizeExpired(ctx context.Context, e ExamRec) error {
	now := s.now()
	rows, err := s.DB.Query(ctx, `SELECT `+attemptCols+` FROM exam_attempts WHERE exam_id = ? AND submitted_at IS NULL AND deadline < ?`,
		e.ID, now.Add(-e.grace))
	if err != nil {
		return errs.Wrap(err, "expired")
	}
	var expired []stored
	for rows.Next() {
		a, err := scanAttempt(rows)
		if err != nil {
			rows.Close()
			return errs.Wrap(err, "expired")
		}
		expired = append(expired, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(expired) == 0 {
		return errs.Wrap(err, "expired")
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		for _, a := range expired {
			fin, ok := e.timing().Finalize(a.Attempt, now)
			if !ok {
				continue
			}
			byID, err := loadByID(ctx, tx, fin.Paper)
			if err != nil {
				return err
			}
			g, err := s.Rules.GradeAttempt(fin, byID)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `UPDATE exam_attempts SET results = ?, score = ?, pending = ?, submitted_at = ?, timed_out = ? WHERE id = ? AND submitted_at IS NULL`,
				mustJSON(autoResults(g)), g.Score, g.NeedsManual, fin.SubmittedAt, true, a.ID); err != nil {
				return errs.Wrap(err, "finalize")
			}
		}
		return audit.Record(ctx, tx, audit.System, "exam.finalize", "exam:"+strconv.FormatInt(e.ID, 10), map[string]any{"attempts": len(expired)}, audit.OK)
	})
}

func (s *Service) tally(ctx context.Context, e ExamRec, people []person, attempts map[int64]stored) (Results, error) {
	res := Results{Exam: e, Eligible: len(people)}
	type acc struct {
		UnitResult
		sum    float64
		passed int
	}
	units := map[int64]*acc{}
	var order []int64
	var sum float64
	passed := 0
	qstat := map[int64]*QuestionStat{}
	for _, x := range people {
		u := units[x.unitID]
		if u == nil {
			u = &acc{UnitResult: UnitResult{UnitID: x.unitID, Name: x.unit}}
			units[x.unitID] = u
			order = append(order, x.unitID)
		}
		u.Members++
		a, ok := attempts[x.memberID]
		if !ok || !a.Submitted() {
			continue
		}
		pct := a.percent()
		pr := PersonResult{AttemptID: a.ID, MemberID: x.memberID, Name: x.name, Unit: x.unit, Score: pct,
			Passed: pct >= float64(e.PassPct), TimedOut: a.TimedOut, Pending: a.Pending}
		sub := a.SubmittedAt
		pr.SubmittedAt = &sub
		res.People = append(res.People, pr)
		res.Pending += a.Pending
		u.Submitted++
		u.sum += pct
		sum += pct
		if pr.Passed {
			u.passed++
			passed++
		}
		for _, qid := range a.Paper {
			st := qstat[qid]
			if st == nil {
				st = &QuestionStat{ID: qid}
				qstat[qid] = st
			}
			if sc, graded := a.Results[qid]; graded {
				st.Answered++
				if sc >= 1 {
					st.Correct++
				}
			}
		}
	}
	res.Submitted = len(res.People)
	res.Participation = share(res.Submitted, res.Eligible)
	if res.Submitted > 0 {
		res.Average = roundTo(sum/float64(res.Submitted), 1)
		res.PassRate = share(passed, res.Submitted)
	}
	rank(res.People)
	for _, id := range order {
		u := units[id]
		u.Participation = share(u.Submitted, u.Members)
		if u.Submitted > 0 {
			u.Average = roundTo(u.sum/float64(u.Submitted), 1)
			u.PassRate = share(u.passed, u.Submitted)
		}
		res.Units = append(res.Units, u.UnitResult)
	}
	qs, err := s.questionStats(ctx, qstat)
	res.Questions = qs
	return res, err
}

func share(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// rank orders by score, earlier submission first on a tie; equal scores
// share a rank.
func rank(ps []PersonResult) {
	slices.SortStableFunc(ps, func(a, b PersonResult) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), a.SubmittedAt.Compare(*b.SubmittedAt))
	})
	for i := range ps {
		ps[i].Rank = i + 1
		if i > 0 && ps[i].Score == ps[i-1].Score {
			ps[i].Rank = ps[i-1].Rank
		}
	}
}

// questionStats lists the questions weakest first.
func (s *Service) questionStats(ctx context.Context, stats map[int64]*QuestionStat) ([]QuestionStat, error) {
	ids := slices.Sorted(mapsKeys(stats))
	byID, err := loadByID(ctx, s.DB, ids)
	if err != nil {
		return nil, err
	}
	out := make([]QuestionStat, 0, len(ids))
	for _, id := range ids {
		st := stats[id]
		q := byID[id]
		st.Stem, st.TypeLabel, st.Tags = q.Stem, q.Type.Label(), q.Tags
		st.Share = share(st.Correct, st.Answered)
		out = append(out, *st)
	}
	slices.SortStableFunc(out, func(a, b QuestionStat) int { return cmp.Compare(a.Share, b.Share) })
	return out, nil
}

// ToGrade is a short answer waiting for a person.
type ToGrade struct {
	AttemptID  int64  `json:"attempt_id"`
	QuestionID int64  `json:"question_id"`
	Name       string `json:"name"`
	Stem       string `json:"stem"`
	Reference  string `json:"reference"`
	Text       string `json:"text"`
}

// Ungraded lists the short answers of an exam still to grade, for the
// admin or a secretary who manages the exam's scope.
func (s *Service) Ungraded(ctx context.Context, p *auth.Principal, examID int64) (ExamRec, []ToGrade, error) {
	e, err := s.gradable(ctx, p, examID)
	if err != nil {
		return e, nil, err
	}
	rows, err := s.DB.Query(ctx, `SELECT `+attemptCols+` FROM exam_attempts WHERE exam_id = ? AND pending > 0 ORDER BY id`, examID)
	if err != nil {
		return e, nil, errs.Wrap(err, "ungraded")
	}
	var list []stored
	for rows.Next() {
		a, err := scanAttempt(rows)
		if err != nil {
			rows.Close()
			return e, nil, errs.Wrap(err, "ungraded")
		}
		list = append(list, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return e, nil, errs.Wrap(err, "ungraded")
	}
	var out []ToGrade
	for _, a := range list {
		byID, err := loadByID(ctx, s.DB, a.Paper)
		if err != nil {
			return e, nil, err
		}
		var name string
		_ = s.DB.QueryRow(ctx, `SELECT name FROM members WHERE id = ?`, a.MemberID).Scan(&name)
		for _, qid := range a.Paper {
			q := byID[qid]
			if _, graded := a.Results[qid]; graded || q.Type != Short {
				continue
			}
			out = append(out, ToGrade{AttemptID: a.ID, QuestionID: qid, Name: name, Stem: q.Stem, Reference: q.Answer.Reference, Text: a.Answers[qid].Text})
		}
	}
	return e, out, nil
}

func (s *Service) gradable(ctx context.Context, p *auth.Principal, examID int64) (ExamRec, error) {
	e, err := loadExam(ctx, s.DB, examID)
	if err != nil {
		return e, err
	}
	if !p.Covers(e.OrgPath, auth.Managers...) {
		if reads(p, e) || takes(p, e) {
			return e, errs.Forbid()
		}
		return e, errs.NotFoundf(msg.T("quiz.noun.exam"))
	}
	return e, nil
}

// GradeShort records a person's grade (a share of the question's point,
// 0 to 1) of one short answer and adds it to the attempt's score.
func (s *Service) GradeShort(ctx context.Context, p *auth.Principal, examID, attemptID, questionID int64, score float64) error {
	if _, err := s.gradable(ctx, p, examID); err != nil {
		return err
	}
	if score < 0 || score > 1 {
		return errs.E(errs.Invalid, "invalid_score", msg.T("quiz.invalid_score"))
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		a, err := scanAttempt(tx.QueryRow(ctx, `SELECT `+attemptCols+` FROM exam_attempts WHERE id = ? AND exam_id = ?`+tx.ForUpdate(), attemptID, examID))
		if db.IsNoRows(err) {
			return errs.NotFoundf(msg.T("quiz.noun.answerSheet"))
		}
		if err != nil {
			return errs.Wrap(err, "attempt")
		}
		byID, err := loadByID(ctx, tx, []int64{questionID})
		if err != nil {
			return err
		}
		_, graded := a.Results[questionID]
		if !slices.Contains(a.Paper, questionID) || byID[questionID].Type != Short || !a.Submitted() {
			return errs.E(errs.Invalid, "not_short", msg.T("quiz.not_short"))
		}
		if graded {
			return errs.E(errs.Conflict, "graded", msg.T("quiz.graded"))
		}
		a.Results[questionID] = score
		if _, err := tx.Exec(ctx, `UPDATE exam_attempts SET results = ?, score = score + ?, pending = pending - 1 WHERE id = ?`,
			mustJSON(a.Results), score, a.ID); err != nil {
			return errs.Wrap(err, "grade")
		}
		return audit.Record(ctx, tx, p.Actor(), "exam.grade", "attempt:"+strconv.FormatInt(a.ID, 10),
			map[string]any{"question": questionID, "score": score}, audit.OK)
	})
}

// ResultsXLSX exports the results p may see, and records the export.
func (s *Service) ResultsXLSX(ctx context.Context, p *auth.Principal, examID int64) (string, []byte, error) {
	res, err := s.ExamResults(ctx, p, examID)
	if err != nil {
		return "", nil, err
	}
	f := excelize.NewFile()
	defer f.Close()
	_ = f.SetSheetName("Sheet1", msg.T("quiz.results.scores"))
	rows := [][]string{{msg.T("quiz.results.rank"), msg.T("quiz.results.name"), msg.T("quiz.results.unit"), msg.T("quiz.results.scores"), msg.T("quiz.results.passed"), msg.T("quiz.results.submittedAt"), msg.T("quiz.results.note")}}
	for _, x := range res.People {
		note := ""
		if x.TimedOut {
			note = msg.T("quiz.results.autoSubmitted")
		}
		if x.Pending > 0 {
			note = strings.TrimPrefix(note+msg.T("quiz.results.shortPending"), "；")
		}
		rows = append(rows, []string{strconv.Itoa(x.Rank), x.Name, x.Unit, fmt.Sprintf("%.1f", x.Score), yesNo(x.Passed),
			x.SubmittedAt.In(cst).Format(timeLayout), note})
	}
	writeSheet(f, msg.T("quiz.results.scores"), rows)
	_, _ = f.NewSheet(msg.T("quiz.results.sheet.units"))
	urows := [][]string{{msg.T("quiz.results.unitColumn"), msg.T("quiz.results.expected"), msg.T("quiz.results.taken"), msg.T("quiz.results.takeRate"), msg.T("quiz.results.average"), msg.T("quiz.results.passRate")}}
	for _, u := range res.Units {
		urows = append(urows, []string{u.Name, strconv.Itoa(u.Members), strconv.Itoa(u.Submitted), pctText(u.Participation), fmt.Sprintf("%.1f", u.Average), pctText(u.PassRate)})
	}
	writeSheet(f, msg.T("quiz.results.sheet.units"), urows)
	_, _ = f.NewSheet(msg.T("quiz.results.sheet.items"))
	qrows := [][]string{{msg.T("quiz.results.itemNo"), msg.T("quiz.results.type"), msg.T("quiz.results.stem"), msg.T("quiz.results.tags"), msg.T("quiz.results.answered"), msg.T("quiz.results.correct"), msg.T("quiz.results.correctRate")}}
	for _, q := range res.Questions {
		qrows = append(qrows, []string{strconv.FormatInt(q.ID, 10), q.TypeLabel, q.Stem, strings.Join(q.Tags, "、"), strconv.Itoa(q.Answered), strconv.Itoa(q.Correct), pctText(q.Share)})
	}
	writeSheet(f, msg.T("quiz.results.sheet.items"), qrows)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return "", nil, errs.Wrap(err, "results xlsx")
	}
	if err := audit.RecordNow(ctx, s.DB, p.Actor(), "exam.export", "exam:"+strconv.FormatInt(examID, 10), map[string]any{"people": len(res.People)}, audit.OK); err != nil {
		return "", nil, err
	}
	return msg.T("quiz.results.fileName", res.Exam.Title), buf.Bytes(), nil
}

func yesNo(b bool) string {
	if b {
		return msg.T("quiz.yes")
	}
	return msg.T("quiz.no")
}

func pctText(x float64) string { return fmt.Sprintf("%.0f%%", x*100) }
