package quiz

import (
	"bytes"
	"context"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
)

// Spreadsheet limits.
const (
	MaxImportBytes = 10 << 20
	MaxImportRows  = 5000
)

// Sheet names of the template and the export.
var (
	sheetName  = msg.T("quiz.sheet.bank")
	notesSheet = msg.T("quiz.sheet.notes")
)

// ImportRow is one data row of a spreadsheet, keyed by header, with its
// row number as Excel shows it.
type ImportRow struct {
	Row   int               `json:"row"`
	Cells map[string]string `json:"cells"`
}

// ImportResult is what a dry run previews and a real import reports.
type ImportResult struct {
	Questions []ImportedQuestion `json:"questions"`
	Errors    []errs.FieldError  `json:"errors"`
	Written   int                `json:"written"`
	DryRun    bool               `json:"dry_run"`
}

// ImportedQuestion is a good row, as it will be stored.
type ImportedQuestion struct {
	Row int `json:"row"`
	View
}

// OK reports a file with no bad row.
func (r *ImportResult) OK() bool { return len(r.Errors) == 0 }

// ParseSheet reads the first sheet of an .xlsx file. It fails only if the
// file is unreadable or its header row lacks a required column; bad cells
// are reported by Import.
func ParseSheet(r io.Reader) ([]ImportRow, error) {
	f, err := excelize.OpenReader(io.LimitReader(r, MaxImportBytes+1))
	if err != nil {
		return nil, errs.E(errs.Invalid, "bad_file", msg.T("quiz.bad_file"))
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, errs.E(errs.Invalid, "bad_file", msg.T("quiz.bad_file2"))
	}
	rows, err := f.GetRows(sheets[0])
	if err != nil {
		return nil, errs.E(errs.Invalid, "bad_file", msg.T("quiz.bad_file3"))
	}
	if len(rows) == 0 {
		return nil, errs.E(errs.Invalid, "empty_file", msg.T("quiz.empty_file"))
	}
	header := make([]string, len(rows[0]))
	have := map[string]bool{}
	for i, h := range rows[0] {
		header[i] = strings.TrimSpace(h)
		have[header[i]] = true
	}
	for _, h := range []string{ColType, ColStem, ColAnswer} {
		if !have[h] {
			return nil, errs.E(errs.Invalid, "bad_header", msg.T("quiz.bad_header", h))
		}
	}
	if len(rows)-1 > MaxImportRows {
		return nil, errs.E(errs.Invalid, "too_many_rows", msg.T("quiz.too_many_rows", MaxImportRows))
	}
	var out []ImportRow
	for i, r := range rows[1:] {
		cells := map[string]string{}
		blank := true
		for j, v := range r {
			if j < len(header) && header[j] != "" {
				cells[header[j]] = v
				blank = blank && strings.TrimSpace(v) == ""
			}
		}
		if !blank {
			out = append(out, ImportRow{Row: i + 2, Cells: cells})
		}
	}
	return out, nil
}

// Import checks every row and, unless dryRun or any row is bad, stores them
// all in one transaction. Duplicates are reported both within the file
// (naming the earlier row) and against the bank.
func (s *Service) Import(ctx context.Context, p *auth.Principal, rows []ImportRow, dryRun bool) (*ImportResult, error) {
	if err := canManageBank(p); err != nil {
		return nil, err
	}
	res := &ImportResult{DryRun: dryRun}
	if len(rows) == 0 {
		res.Errors = append(res.Errors, errs.FieldError{Field: msg.T("quiz.import.fileField"), Reason: msg.T("quiz.import.noRows")})
		return res, nil
	}
	existing, err := s.existingKeys(ctx)
	if err != nil {
		return nil, err
	}
	var good []Question
	seen := map[string]int{}
	for _, r := range rows {
		q, fes := ParseRow(r.Cells)
		for _, fe := range fes {
			res.Errors = append(res.Errors, errs.FieldError{Row: r.Row, Field: fe.Column, Reason: fe.Reason})
		}
		if len(fes) > 0 {
			continue
		}
		k := DuplicateKey(q)
		if prev, dup := seen[k]; dup {
			res.Errors = append(res.Errors, errs.FieldError{Row: r.Row, Field: ColStem, Reason: msg.T("quiz.import.dupRow", prev)})
			continue
		}
		seen[k] = r.Row
		if id, dup := existing[k]; dup {
			res.Errors = append(res.Errors, errs.FieldError{Row: r.Row, Field: ColStem, Reason: msg.T("quiz.import.dupBank", id)})
			continue
		}
		good = append(good, q)
		res.Questions = append(res.Questions, ImportedQuestion{Row: r.Row, View: ViewOf(q)})
	}
	if dryRun || !res.OK() {
		return res, nil
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		for _, q := range good {
			if _, err := InsertQuestion(ctx, tx, q, p.UserID); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, p.Actor(), "question.import", "questions", map[string]any{"rows": len(good)}, audit.OK)
	})
	if err != nil {
		return nil, err
	}
	res.Written = len(good)
	return res, nil
}

func (s *Service) existingKeys(ctx context.Context) (map[string]int64, error) {
	rows, err := s.DB.Query(ctx, `SELECT dup_key, id FROM questions`)
	if err != nil {
		return nil, errs.Wrap(err, "dup keys")
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var k string
		var id int64
		if err := rows.Scan(&k, &id); err != nil {
			return nil, errs.Wrap(err, "dup keys")
		}
		out[k] = id
	}
	return out, errs.Wrap(rows.Err(), "dup keys")
}

// AnswerCell writes an answer the way ParseRow reads it back.
func AnswerCell(q Question) string {
	switch q.Type {
	case Single, Multiple:
		return strings.Join(q.Answer.Letters, "")
	case TrueFalse:
		return TruthLabel(q.Answer.Truth)
	case Blank:
		parts := make([]string, len(q.Answer.Blanks))
		for i, b := range q.Answer.Blanks {
			parts[i] = strings.Join(b, "|")
		}
		return strings.Join(parts, "；")
	}
	return q.Answer.Reference
}

// Cells is q as one spreadsheet row keyed by header: export and import
// meet here, so an exported bank imports again unchanged.
func Cells(q Question) map[string]string {
	c := map[string]string{
		ColType: q.Type.Label(), ColStem: q.Stem, ColAnswer: AnswerCell(q), ColExplanation: q.Explanation,
		ColTags: strings.Join(q.Tags, "、"), ColDifficulty: strconv.Itoa(q.Difficulty),
	}
	for i, o := range q.Options {
		c[ColOption(i)] = o
	}
	if q.MaterialID != nil {
		c[ColMaterial] = strconv.FormatInt(*q.MaterialID, 10)
	}
	return c
}

func writeSheet(f *excelize.File, sheet string, rows [][]string) {
	for i, r := range rows {
		for j, v := range r {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			_ = f.SetCellStr(sheet, cell, v)
		}
	}
}

func rowOf(cols []string, cells map[string]string) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = cells[c]
	}
	return out
}

func finish(f *excelize.File) ([]byte, error) {
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Template is the downloadable import template: headers, one example per
// type, and a sheet explaining each column.
func Template() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheetName); err != nil {
		return nil, err
	}
	cols := Columns()
	examples := []Question{
		{Type: Single, Stem: msg.T("quiz.template.q1.stem"), Options: []string{msg.T("quiz.template.q1.optA"), msg.T("quiz.template.q1.optB"), msg.T("quiz.template.q1.optC"), msg.T("quiz.template.q1.optD")},
			Answer: Answer{Letters: []string{"B"}}, Explanation: msg.T("quiz.template.q1.explanation"), Tags: []string{msg.T("quiz.template.tagRequirements")}, Difficulty: 1},
		{Type: Multiple, Stem: msg.T("quiz.template.q2.stem"), Options: []string{msg.T("quiz.template.q2.optA"), msg.T("quiz.template.q2.optB"), msg.T("quiz.template.q2.optC"), msg.T("quiz.template.q2.optD")},
			Answer: Answer{Letters: []string{"A", "B", "C"}}, Tags: []string{msg.T("quiz.template.q2.tag")}, Difficulty: 2},
		{Type: TrueFalse, Stem: msg.T("quiz.template.q3.stem"), Answer: Answer{Truth: true}, Tags: []string{msg.T("quiz.template.tagRequirements")}, Difficulty: 1},
		{Type: Blank, Stem: msg.T("quiz.template.q4.stem"), Answer: Answer{Blanks: [][]string{{msg.T("quiz.template.q4.blank")}}}, Tags: []string{msg.T("quiz.template.q4.tag")}, Difficulty: 2},
		{Type: Short, Stem: msg.T("quiz.template.q5.stem"), Answer: Answer{Reference: msg.T("quiz.template.q5.reference")}, Tags: []string{msg.T("quiz.template.q5.tag")}, Difficulty: 3},
	}
	rows := [][]string{cols}
	for _, q := range examples {
		rows = append(rows, rowOf(cols, Cells(q)))
	}
	writeSheet(f, sheetName, rows)
	_, _ = f.NewSheet(notesSheet)
	writeSheet(f, notesSheet, [][]string{
		{msg.T("quiz.notes.column"), msg.T("quiz.notes.note")},
		{ColType, msg.T("quiz.notes.type", typeLabelList())},
		{ColStem, msg.T("quiz.notes.stem", MaxStemRunes)},
		{msg.T("quiz.notes.optionsColumn"), msg.T("quiz.notes.options")},
		{ColAnswer, msg.T("quiz.notes.answer")},
		{ColExplanation, msg.T("quiz.notes.explanation")},
		{ColTags, msg.T("quiz.notes.tags")},
		{ColDifficulty, msg.T("quiz.notes.difficulty")},
		{ColMaterial, msg.T("quiz.notes.material")},
		{msg.T("quiz.notes.warningColumn"), msg.T("quiz.notes.warning")},
	})
	_ = f.SetColWidth(sheetName, "B", "B", 50)
	_ = f.SetColWidth(notesSheet, "B", "B", 100)
	return finish(f)
}

// Export writes the whole bank in the import format, with an id column in
// front (ignored on import), and records the export.
func (s *Service) Export(ctx context.Context, p *auth.Principal) ([]byte, error) {
	if err := canManageBank(p); err != nil {
		return nil, err
	}
	bank, err := loadBank(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheetName); err != nil {
		return nil, errs.Wrap(err, "export")
	}
	cols := Columns()
	rows := [][]string{append([]string{msg.T("quiz.export.id")}, cols...)}
	for _, q := range bank {
		rows = append(rows, append([]string{strconv.FormatInt(q.ID, 10)}, rowOf(cols, Cells(q))...))
	}
	writeSheet(f, sheetName, rows)
	b, err := finish(f)
	if err != nil {
		return nil, errs.Wrap(err, "export")
	}
	if err := audit.RecordNow(ctx, s.DB, p.Actor(), "question.export", "questions", map[string]any{"rows": len(bank)}, audit.OK); err != nil {
		return nil, err
	}
	return b, nil
}
