package quiz

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
)

// A question that someone has met — drawn into an exam paper or a
// practice session, or answered — is part of a record: results, the
// wrong-answer book and exam statistics read it by id. Such a question is
// never changed or deleted. Editing it retires it and stores the edit as a
// new question in its place in every set; removing it retires it. A
// question nobody has met is simply changed or deleted.

// Question returns one question of the bank, retired or not (admin).
func (s *Service) Question(ctx context.Context, p *auth.Principal, id int64) (Question, error) {
	if err := canManageBank(p); err != nil {
		return Question{}, err
	}
	return questionByID(ctx, s.DB, id)
}

func questionByID(ctx context.Context, q db.Querier, id int64) (Question, error) {
	byID, err := loadByID(ctx, q, []int64{id})
	if err != nil {
		return Question{}, err
	}
	x, ok := byID[id]
	if !ok {
		return Question{}, errs.NotFoundf(msg.T("quiz.noun.question"))
	}
	return x, nil
}

// met reports whether anyone has met the question: answered it in
// practice, or had it in a practice session or an exam paper. Papers are
// JSON, so the id is matched as a JSON value ("q":7, or 7 in a list of
// ids); this scans the papers, which is fine for a rare admin action.
func met(ctx context.Context, q db.Querier, id int64) (bool, error) {
	n := strconv.FormatInt(id, 10)
	item1, item2 := `%"q":`+n+`,%`, `%"q":`+n+`}%`
	var found int
	err := q.QueryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM practice_answers WHERE question_id = ?) +
		(SELECT COUNT(*) FROM practice_sessions WHERE paper LIKE ? OR paper LIKE ?) +
		(SELECT COUNT(*) FROM exam_attempts WHERE paper LIKE ? OR paper LIKE ?) +
		(SELECT COUNT(*) FROM exams WHERE REPLACE(REPLACE(paper, '[', ','), ']', ',') LIKE ?)`,
		id, item1, item2, item1, item2, "%,"+n+",%").Scan(&found)
	return found > 0, errs.Wrap(err, "question use")
}

// EditResult tells what an edit or a removal did.
type EditResult struct {
	ID       int64 `json:"id"`                 // the question as it now stands (a new id when replaced)
	Replaced int64 `json:"replaced,omitempty"` // the retired original, when the edit became a new question
	Deleted  bool  `json:"deleted,omitempty"`  // removed for good: nobody had met it
	Retired  bool  `json:"retired,omitempty"`  // kept for the record, no longer drawn
}

// EditQuestion changes a question (admin), checked as a new one is. Bad
// input changes nothing.
func (s *Service) EditQuestion(ctx context.Context, p *auth.Principal, id int64, cells map[string]string) (EditResult, error) {
	if err := canManageBank(p); err != nil {
		return EditResult{}, err
	}
	q, fes := ParseRow(cells)
	if len(fes) > 0 {
		return EditResult{}, fieldErrors(0, fes)
	}
	res := EditResult{ID: id}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		old, err := s.liveQuestion(ctx, tx, id, msg.T("quiz.editQuestion"))
		if err != nil {
			return err
		}
		used, err := met(ctx, tx, id)
		if err != nil {
			return err
		}
		q.ID = id
		change := audit.Change{Before: ViewOf(old), After: ViewOf(q)}
		if !used {
			if err := updateQuestion(ctx, tx, q); err != nil {
				return err
			}
			tx.AfterCommit(func() { s.questions.Delete(id) })
			return audit.Record(ctx, tx, p.Actor(), "question.update", questionTarget(id), change, audit.OK)
		}
		// Retired first, which sets its key aside: the edit may keep the stem.
		if err := retire(ctx, tx, id); err != nil {
			return err
		}
		nid, err := InsertQuestion(ctx, tx, q, p.UserID)
		if err != nil {
			return err
		}
		if err := setsWithout(ctx, tx, id, nid); err != nil {
			return err
		}
		res = EditResult{ID: nid, Replaced: id}
		return audit.Record(ctx, tx, p.Actor(), "question.replace", questionTarget(id), audit.Change{Before: change.Before, After: map[string]any{"new_id": nid, "question": change.After}}, audit.OK)
	})
	return res, err
}

// RemoveQuestion takes a question out of the bank (admin): deleted if
// nobody has met it, otherwise retired.
func (s *Service) RemoveQuestion(ctx context.Context, p *auth.Principal, id int64) (EditResult, error) {
	if err := canManageBank(p); err != nil {
		return EditResult{}, err
	}
	res := EditResult{ID: id}
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		old, err := s.liveQuestion(ctx, tx, id, msg.T("quiz.removeQuestion"))
		if err != nil {
			return err
		}
		used, err := met(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := setsWithout(ctx, tx, id, 0); err != nil {
			return err
		}
		if used {
			if err := retire(ctx, tx, id); err != nil {
				return err
			}
			res.Retired = true
			return audit.Record(ctx, tx, p.Actor(), "question.retire", questionTarget(id), audit.Change{Before: ViewOf(old)}, audit.OK)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM questions WHERE id = ?`, id); err != nil {
			return errs.Wrap(err, "question delete")
		}
		res.Deleted = true
		tx.AfterCommit(func() { s.questions.Delete(id) })
		return audit.Record(ctx, tx, p.Actor(), "question.delete", questionTarget(id), audit.Change{Before: ViewOf(old)}, audit.OK)
	})
	return res, err
}

// liveQuestion loads a question for a change, locked; a retired one is a
// Conflict with the given message.
func (s *Service) liveQuestion(ctx context.Context, tx *db.Tx, id int64, retiredMsg string) (Question, error) {
	var locked int64
	if err := tx.QueryRow(ctx, `SELECT id FROM questions WHERE id = ?`+tx.ForUpdate(), id).Scan(&locked); db.IsNoRows(err) {
		return Question{}, errs.NotFoundf(msg.T("quiz.noun.question"))
	} else if err != nil {
		return Question{}, errs.Wrap(err, "question")
	}
	q, err := questionByID(ctx, tx, id)
	if err != nil {
		return q, err
	}
	if q.Retired {
		return q, errs.E(errs.Conflict, "question_retired", retiredMsg)
	}
	return q, nil
}

// updateQuestion rewrites a question nobody has met.
func updateQuestion(ctx context.Context, tx *db.Tx, q Question) error {
	if err := q.Validate(); err != nil {
		return err
	}
	tags, opts := q.Tags, q.Options
	if tags == nil {
		tags = []string{}
	}
	if opts == nil {
		opts = []string{}
	}
	_, err := tx.Exec(ctx, `UPDATE questions SET type = ?, stem = ?, options = ?, answer = ?, explanation = ?, tags = ?, difficulty = ?, material_id = ?, dup_key = ? WHERE id = ?`,
		string(q.Type), strings.TrimSpace(q.Stem), mustJSON(opts), mustJSON(storedAnswer(q.Answer)), q.Explanation,
		mustJSON(tags), q.Difficulty, q.MaterialID, DuplicateKey(q), q.ID)
	if errors.Is(err, db.ErrUnique) {
		return errs.E(errs.Conflict, "duplicate_question", msg.T("quiz.duplicate_question"))
	}
	return errs.Wrap(err, "update question")
}

// retire takes a question out of drawing. Its duplicate key is set aside
// (made unique by the id), so the same question may be added to the bank
// again — as the edit that replaces it does.
func retire(ctx context.Context, tx *db.Tx, id int64) error {
	_, err := tx.Exec(ctx, `UPDATE questions SET retired_at = ?, dup_key = ? WHERE id = ?`, tx.Now, "retired:"+strconv.FormatInt(id, 10), id)
	return errs.Wrap(err, "question retire")
}

// setsWithout gives id's place in every set to replacement, or drops it.
func setsWithout(ctx context.Context, tx *db.Tx, id, replacement int64) error {
	var err error
	if replacement != 0 {
		_, err = tx.Exec(ctx, `UPDATE question_set_items SET question_id = ? WHERE question_id = ?`, replacement, id)
	} else {
		_, err = tx.Exec(ctx, `DELETE FROM question_set_items WHERE question_id = ?`, id)
	}
	return errs.Wrap(err, "question sets")
}

func questionTarget(id int64) string { return "question:" + strconv.FormatInt(id, 10) }
