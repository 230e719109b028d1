package quiz

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
)

// Spreadsheet limits.
const (
	MaxImportBytes = 10 << 20
	MaxImportRows  = 5000
	sheetName      = "题库"
	notesSheet     = "填写说明"
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
		return nil, errs.E(errs.Invalid, "bad_file", "无法读取文件：请上传由模板填写的 .xlsx 表格")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, errs.E(errs.Invalid, "bad_file", "表格中没有工作表")
	}
	rows, err := f.GetRows(sheets[0])
	if err != nil {
		return nil, errs.E(errs.Invalid, "bad_file", "无法读取工作表")
	}
	if len(rows) == 0 {
		return nil, errs.E(errs.Invalid, "empty_file", "表格是空的")
	}
	header := make([]string, len(rows[0]))
	have := map[string]bool{}
	for i, h := range rows[0] {
		header[i] = strings.TrimSpace(h)
		have[header[i]] = true
	}
	for _, h := range []string{ColType, ColStem, ColAnswer} {
		if !have[h] {
			return nil, errs.Ef(errs.Invalid, "bad_header", "表头缺少“%s”列，请使用下载的模板", h)
		}
	}
	if len(rows)-1 > MaxImportRows {
		return nil, errs.Ef(errs.Invalid, "too_many_rows", "一次最多导入 %d 行", MaxImportRows)
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
		res.Errors = append(res.Errors, errs.FieldError{Field: "文件", Reason: "表格中没有题目"})
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
			res.Errors = append(res.Errors, errs.FieldError{Row: r.Row, Field: ColStem, Reason: fmt.Sprintf("与第%d行的题目重复", prev)})
			continue
		}
		seen[k] = r.Row
		if id, dup := existing[k]; dup {
			res.Errors = append(res.Errors, errs.FieldError{Row: r.Row, Field: ColStem, Reason: fmt.Sprintf("题库中已有相同的题目（编号%d）", id)})
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
		{Type: Single, Stem: "“学讲评”活动以党支部或党小组为单位，每月开展几次？", Options: []string{"1次", "2次", "3次", "4次"},
			Answer: Answer{Letters: []string{"B"}}, Explanation: "每月16日和30日前后开展2次。", Tags: []string{"活动要求"}, Difficulty: 1},
		{Type: Multiple, Stem: "“三学”包括哪些？", Options: []string{"学党章党规", "学系列讲话", "学政策业务", "学外语"},
			Answer: Answer{Letters: []string{"A", "B", "C"}}, Tags: []string{"三学"}, Difficulty: 2},
		{Type: TrueFalse, Stem: "活动单元的党员人数一般不超过10人。", Answer: Answer{Truth: true}, Tags: []string{"活动要求"}, Difficulty: 1},
		{Type: Blank, Stem: "工作专班坚持“____、周例会、月观摩”工作制度。", Answer: Answer{Blanks: [][]string{{"日碰头"}}}, Tags: []string{"工作专班"}, Difficulty: 2},
		{Type: Short, Stem: "结合本职工作，谈谈如何做到“学与干”并重。", Answer: Answer{Reference: "要点：联系岗位实际……"}, Tags: []string{"学用结合"}, Difficulty: 3},
	}
	rows := [][]string{cols}
	for _, q := range examples {
		rows = append(rows, rowOf(cols, Cells(q)))
	}
	writeSheet(f, sheetName, rows)
	_, _ = f.NewSheet(notesSheet)
	writeSheet(f, notesSheet, [][]string{
		{"列", "说明"},
		{ColType, "必填：" + typeLabelList()},
		{ColStem, fmt.Sprintf("必填，不超过%d字；填空题用____（两个以上下划线）标出每个空", MaxStemRunes)},
		{"选项A…选项H", "单选题2到8个选项，多选题3到8个选项，从选项A起连续填写；其他题型不填"},
		{ColAnswer, "单选题填字母如B；多选题填ABD；判断题填对或错；填空题各空用；分隔，同一空的多个可接受答案用|分隔；简答题可填参考答案（由人工阅卷）"},
		{ColExplanation, "可不填，答题后显示"},
		{ColTags, "知识点，用、分隔，最多10个；每日练习按薄弱标签出题"},
		{ColDifficulty, "1到5的整数，不填为3"},
		{ColMaterial, "学习资料的编号，可不填"},
		{"注意", "整个文件全部正确才会导入；与表内其他行或题库中已有题目重复的行会被指出"},
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
	rows := [][]string{append([]string{"编号"}, cols...)}
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
