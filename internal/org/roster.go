package org

import (
	"bytes"
	"context"
	"fmt"
	"io"
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

// RosterColumns are the roster spreadsheet's headers, in order.
var RosterColumns = []string{"姓名", "性别", "出生日期", "入党日期", "手机号", "职务", "状态", "所属组织"}

var rosterSheet = msg.T("org.roster.sheet")

// MaxRosterBytes bounds an uploaded roster.
const MaxRosterBytes = 10 << 20

// MaxRosterRows bounds the rows of one import.
const MaxRosterRows = 20000

// RosterTemplate is the downloadable import template: the headers, one
// example row, and a sheet that explains each column.
func RosterTemplate() ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", rosterSheet); err != nil {
		return nil, err
	}
	writeRow(f, rosterSheet, 1, RosterColumns)
	writeRow(f, rosterSheet, 2, []string{msg.T("org.roster.sampleName"), "男", "1985-06-01", "2010-07-01", "13800001234", msg.T("org.roster.samplePosition"), "正常", msg.T("org.roster.sampleOrg")})
	_, _ = f.NewSheet(msg.T("org.roster.notesSheet"))
	notes := [][]string{
		{msg.T("org.roster.notesColumn"), msg.T("org.roster.notesNote")},
		{"姓名", msg.T("org.roster.noteName")},
		{"性别", msg.T("org.roster.noteGender")},
		{"出生日期", msg.T("org.roster.noteDate")},
		{"入党日期", msg.T("org.roster.noteDate")},
		{"手机号", msg.T("org.roster.notePhone")},
		{"职务", msg.T("org.roster.noteOptional")},
		{"状态", msg.T("org.roster.noteStatus", strings.Join(Statuses, "、"))},
		{"所属组织", msg.T("org.roster.noteOrg")},
		{msg.T("org.roster.notesWarning"), msg.T("org.roster.noteWarning")},
	}
	for i, r := range notes {
		writeRow(f, msg.T("org.roster.notesSheet"), i+1, r)
	}
	_ = f.SetColWidth(rosterSheet, "A", "H", 16)
	_ = f.SetColWidth(rosterSheet, "H", "H", 40)
	_ = f.SetColWidth(msg.T("org.roster.notesSheet"), "B", "B", 90)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func writeRow(f *excelize.File, sheet string, row int, vals []string) {
	for i, v := range vals {
		cell, _ := excelize.CoordinatesToCellName(i+1, row)
		_ = f.SetCellStr(sheet, cell, v)
	}
}

// RosterRow is one parsed row of an import.
type RosterRow struct {
	Row    int         `json:"row"`
	Input  MemberInput `json:"member"`
	OrgRef string      `json:"org"`
	OrgID  int64       `json:"org_id"`
}

// ImportResult is what a dry run previews and a real import reports.
type ImportResult struct {
	Rows    []RosterRow       `json:"rows"`
	Errors  []errs.FieldError `json:"errors"`
	Written int               `json:"written"`
	DryRun  bool              `json:"dry_run"`
}

// OK reports a roster with no bad row.
func (r *ImportResult) OK() bool { return len(r.Errors) == 0 }

// ParseRoster reads the first sheet of an .xlsx roster. It fails only if the
// file is not a readable spreadsheet or its headers are wrong; bad rows are
// checked by Import.
func ParseRoster(r io.Reader) ([]RosterRow, error) {
	f, err := excelize.OpenReader(io.LimitReader(r, MaxRosterBytes+1))
	if err != nil {
		return nil, errs.E(errs.Invalid, "bad_file", msg.T("org.bad_file"))
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, errs.E(errs.Invalid, "bad_file", msg.T("org.bad_file2"))
	}
	rows, err := f.GetRows(sheets[0])
	if err != nil {
		return nil, errs.E(errs.Invalid, "bad_file", msg.T("org.bad_file3"))
	}
	if len(rows) == 0 {
		return nil, errs.E(errs.Invalid, "empty_file", msg.T("org.empty_file"))
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[strings.TrimSpace(h)] = i
	}
	for _, h := range RosterColumns {
		if _, ok := col[h]; !ok {
			return nil, errs.E(errs.Invalid, "bad_header", msg.T("org.bad_header", h))
		}
	}
	if len(rows)-1 > MaxRosterRows {
		return nil, errs.E(errs.Invalid, "too_many_rows", msg.T("org.too_many_rows", MaxRosterRows))
	}
	var out []RosterRow
	for i, r := range rows[1:] {
		get := func(h string) string {
			if j := col[h]; j < len(r) {
				return strings.TrimSpace(r[j])
			}
			return ""
		}
		rr := RosterRow{Row: i + 2, OrgRef: get("所属组织"), Input: MemberInput{
			Name: get("姓名"), Gender: get("性别"), BirthDate: normDate(get("出生日期")), JoinedDate: normDate(get("入党日期")),
			Phone: get("手机号"), Position: get("职务"), Status: get("状态"),
		}}
		if rr.OrgRef == "" && rr.Input.Name == "" && rr.Input.Phone == "" && rr.Input.Gender == "" {
			continue // a blank line
		}
		rr.Input.Normalize()
		out = append(out, rr)
	}
	return out, nil
}

// normDate accepts 2006-01-02, 2006/1/2, 2006.1.2 and Excel serial numbers.
func normDate(s string) string {
	if s == "" {
		return ""
	}
	if n, err := strconv.ParseFloat(s, 64); err == nil && n > 1000 && n < 80000 {
		t := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(n))
		return t.Format("2006-01-02")
	}
	for _, layout := range []string{"2006-01-02", "2006/1/2", "2006.1.2", "2006-1-2", "2006年1月2日", "01-02-06"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("2006-01-02")
		}
	}
	return s // left as typed, so the check names it
}

var columnOf = map[string]string{
	"name": "姓名", "gender": "性别", "birth_date": "出生日期", "joined_date": "入党日期",
	"phone": "手机号", "position": "职务", "status": "状态",
}

// Import checks every row of a roster and, unless dryRun or any row is bad,
// writes them all in one transaction. Rows go only to activity units the
// principal manages; everything else is "unknown org".
func (s *Service) Import(ctx context.Context, p *auth.Principal, rows []RosterRow, dryRun bool) (*ImportResult, error) {
	if !p.Has(auth.Managers...) {
		return nil, errs.Forbid()
	}
	res := &ImportResult{Rows: rows, DryRun: dryRun}
	units, err := s.unitIndex(ctx, p)
	if err != nil {
		return nil, err
	}
	existingPhones, existingNames, err := s.existingKeys(ctx)
	if err != nil {
		return nil, err
	}
	seenPhone := map[string]int{}
	seenName := map[string]int{}
	if len(rows) == 0 {
		res.Errors = append(res.Errors, errs.FieldError{Row: 0, Field: msg.T("org.roster.fileField"), Reason: msg.T("org.roster.noRows")})
	}
	for i := range rows {
		r := &rows[i]
		bad := func(field, reason string) {
			res.Errors = append(res.Errors, errs.FieldError{Row: r.Row, Field: field, Reason: reason})
		}
		for _, fe := range r.Input.Check(nowFunc) {
			bad(columnOf[fe.Field], fe.Reason)
		}
		switch ids := units.resolve(r.OrgRef); {
		case r.OrgRef == "":
			bad("所属组织", msg.T("org.roster.noOrg"))
		case len(ids) == 0:
			bad("所属组织", msg.T("org.roster.unknownOrg", r.OrgRef))
		case len(ids) > 1:
			bad("所属组织", msg.T("org.roster.ambiguousOrg", r.OrgRef, r.OrgRef))
		default:
			r.OrgID = ids[0]
			r.Input.OrgID = ids[0]
		}
		if ph := r.Input.Phone; ph != "" {
			if prev, ok := seenPhone[ph]; ok {
				bad("手机号", msg.T("org.roster.dupPhoneRow", prev))
			} else if existingPhones[ph] {
				bad("手机号", msg.T("org.roster.dupPhone"))
			}
			seenPhone[ph] = r.Row
		}
		if r.OrgID != 0 && r.Input.Name != "" {
			key := fmt.Sprintf("%d/%s", r.OrgID, r.Input.Name)
			if prev, ok := seenName[key]; ok {
				bad("姓名", msg.T("org.roster.dupNameRow", prev))
			} else if existingNames[key] {
				bad("姓名", msg.T("org.roster.dupName"))
			}
			seenName[key] = r.Row
		}
	}
	if dryRun || !res.OK() {
		return res, nil
	}
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		for _, r := range rows {
			if _, err := insertMember(ctx, tx, r.Input); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, p.Actor(), "member.import", "roster", map[string]any{"rows": len(rows)}, audit.OK)
	})
	if err != nil {
		return nil, err
	}
	res.Written = len(rows)
	return res, nil
}

// unitRef maps names and name paths of the units a principal manages to ids.
type unitRef map[string][]int64

func (u unitRef) resolve(ref string) []int64 {
	ref = strings.Trim(strings.ReplaceAll(strings.TrimSpace(ref), "／", "/"), "/")
	return u[ref]
}

func (s *Service) unitIndex(ctx context.Context, p *auth.Principal) (unitRef, error) {
	idx := unitRef{}
	for _, scope := range p.Scopes(auth.Managers...) {
		all, err := s.subtree(ctx, scope)
		if err != nil {
			return nil, err
		}
		byID := map[int64]*Org{}
		for _, o := range all {
			byID[o.ID] = o
		}
		// The scope's ancestors name its units too: a secretary writes
		// "区人社局党组/区人社局机关党支部" as the template shows.
		if len(all) > 0 {
			for pid := all[0].ParentID; pid != 0 && byID[pid] == nil; pid = byID[pid].ParentID {
				a, err := s.load(ctx, s.DB, pid)
				if err != nil {
					return nil, err
				}
				byID[pid] = a
			}
		}
		for _, o := range all {
			if !o.IsUnit() {
				continue
			}
			// Every suffix of the name path is a valid reference:
			// "机关第一支部", "区纪委监委机关党委/机关第一支部", …
			names := []string{}
			for x := o; x != nil; x = byID[x.ParentID] {
				names = append([]string{x.Name}, names...)
			}
			for i := range names {
				key := strings.Join(names[i:], "/")
				idx[key] = append(idx[key], o.ID)
			}
		}
	}
	return idx, nil
}

func (s *Service) existingKeys(ctx context.Context) (map[string]bool, map[string]bool, error) {
	rows, err := s.DB.Query(ctx, `SELECT org_id, name, COALESCE(phone, '') FROM members`)
	if err != nil {
		return nil, nil, errs.Wrap(err, "existing members")
	}
	defer rows.Close()
	phones, names := map[string]bool{}, map[string]bool{}
	for rows.Next() {
		var org int64
		var name, phone string
		if err := rows.Scan(&org, &name, &phone); err != nil {
			return nil, nil, errs.Wrap(err, "existing scan")
		}
		if phone != "" {
			phones[phone] = true
		}
		names[fmt.Sprintf("%d/%s", org, name)] = true
	}
	return phones, names, errs.Wrap(rows.Err(), "existing rows")
}

// ExportRoster writes the roster of an org's subtree as .xlsx (full phone
// numbers: an export is an act of its own, recorded in the audit log).
func (s *Service) ExportRoster(ctx context.Context, p *auth.Principal, orgID int64) ([]byte, string, error) {
	o, err := s.Get(ctx, p, orgID)
	if err != nil {
		return nil, "", err
	}
	if !p.Covers(o.Path, auth.Managers...) {
		return nil, "", errs.Forbid()
	}
	// The unit is written with its parent's name ("区人社局党组/区人社局机关党支部"),
	// so that an exported roster can be imported again even where group
	// names repeat across branches.
	rows, err := s.DB.Query(ctx, `SELECT `+memberCols+`, COALESCE(po.name, '') FROM members m JOIN orgs o ON o.id = m.org_id
		LEFT JOIN orgs po ON po.id = o.parent_id WHERE o.path LIKE ? ORDER BY o.path, m.id`, o.Path+"%")
	if err != nil {
		return nil, "", errs.Wrap(err, "export")
	}
	defer rows.Close()
	f := excelize.NewFile()
	defer f.Close()
	_ = f.SetSheetName("Sheet1", rosterSheet)
	writeRow(f, rosterSheet, 1, RosterColumns)
	n := 1
	for rows.Next() {
		m := &Member{}
		var parent string
		err := rows.Scan(&m.ID, &m.OrgID, &m.OrgName, &m.orgPath, &m.Name, &m.Gender, &m.BirthDate, &m.JoinedDate, &m.Phone, &m.Position, &m.Status, &m.HasAccount, &parent)
		if err != nil {
			return nil, "", errs.Wrap(err, "export scan")
		}
		unit := m.OrgName
		if parent != "" {
			unit = parent + "/" + unit
		}
		n++
		writeRow(f, rosterSheet, n, []string{m.Name, m.Gender, m.BirthDate, m.JoinedDate, m.Phone, m.Position, m.Status, unit})
	}
	if err := rows.Err(); err != nil {
		return nil, "", errs.Wrap(err, "export rows")
	}
	_ = f.SetColWidth(rosterSheet, "A", "H", 16)
	_ = f.SetColWidth(rosterSheet, "H", "H", 30)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, "", errs.Wrap(err, "export write")
	}
	if err := audit.RecordNow(ctx, s.DB, p.Actor(), "roster.export", orgTarget(orgID), map[string]any{"org": o.Name, "rows": n - 1}, audit.OK); err != nil {
		return nil, "", err
	}
	name := msg.T("org.roster.fileName", o.Name, time.Now().Format("20060102"))
	return buf.Bytes(), name, nil
}
