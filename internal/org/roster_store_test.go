package org_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"xuejiangping/internal/db"
	"xuejiangping/internal/db/dbtest"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/org"
)

// xlsx builds a roster spreadsheet with the template's headers.
func xlsx(t *testing.T, rows [][]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	all := append([][]string{org.RosterColumns}, rows...)
	for i, r := range all {
		for j, v := range r {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := f.SetCellStr("Sheet1", cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func parse(t *testing.T, b []byte) []org.RosterRow {
	t.Helper()
	rows, err := org.ParseRoster(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return rows
}

// 姓名   性别  出生日期  入党日期  手机号  职务  状态  所属组织
func row(name, phone, birth, orgRef string) []string {
	return []string{name, "男", birth, "2010-07-01", phone, "科员", "", orgRef}
}

func TestImportReportsEveryBadRow(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		tr := newTree(t, d)
		ctx := context.Background()
		b := xlsx(t, [][]string{
			row("赵一", "13600000001", "1980-01-01", "甲一支部"),        // 2: good
			row("", "13600000002", "1980-01-01", "甲一支部"),          // 3: missing name
			row("赵三", "1360000", "1980-01-01", "甲一支部"),            // 4: bad phone
			row("赵四", "13600000004", "1980-01-01", "丙支部"),         // 5: unknown org
			row("赵五", "13600000001", "1980-01-01", "甲党委/甲一支部"),    // 6: phone repeats row 2
			row("赵六", phone(7), "1980-01-01", "区/乙党委/乙一支部/第二党小组"), // 7: phone of an existing member
			row("赵七", "13600000007", "1980-02-30", "第二党小组"),       // 8: no such date
			row("赵八", "13600000008", "1980-01-01", "甲党委"),         // 9: not a unit
			{"", "", "", "", "", "", "", ""},                      // 10: blank, skipped
			row("赵九", "13600000009", "1980-01-01", "乙一支部"),        // 11: a branch with groups is not a unit
			row("赵一", "13600000010", "1980-01-01", "甲一支部"),        // 12: same name in same unit as row 2
		})
		rows := parse(t, b)
		if len(rows) != 10 {
			t.Fatalf("parsed %d rows, want 10 (blank skipped)", len(rows))
		}
		before := tr.count(t, `SELECT COUNT(*) FROM members`)
		for _, dry := range []bool{true, false} {
			res, err := tr.s.Import(ctx, tr.admin, parse(t, b), dry)
			if err != nil {
				t.Fatalf("import: %v", err)
			}
			if res.OK() || res.Written != 0 {
				t.Fatalf("dry=%v: OK=%v written=%d", dry, res.OK(), res.Written)
			}
			want := []struct {
				row   int
				field string
				frag  string
			}{
				{3, "姓名", "姓名不能为空"},
				{4, "手机号", "手机号应为 11 位数字"},
				{5, "所属组织", "找不到组织“丙支部”"},
				{6, "手机号", "与第 2 行重复"},
				{7, "手机号", "已登记给系统中的其他党员"},
				{8, "出生日期", "出生日期格式应为"},
				{9, "所属组织", "找不到组织“甲党委”"},
				{11, "所属组织", "找不到组织“乙一支部”"},
				{12, "姓名", "与第 2 行重复"},
			}
			if len(res.Errors) != len(want) {
				t.Errorf("dry=%v: %d errors, want %d: %+v", dry, len(res.Errors), len(want), res.Errors)
			}
			for i, w := range want {
				if i >= len(res.Errors) {
					break
				}
				e := res.Errors[i]
				if e.Row != w.row || e.Field != w.field || !strings.Contains(e.Reason, w.frag) {
					t.Errorf("error %d = %+v, want row %d column %s reason containing %q", i, e, w.row, w.field, w.frag)
				}
			}
		}
		if after := tr.count(t, `SELECT COUNT(*) FROM members`); after != before {
			t.Errorf("a bad roster wrote %d members", after-before)
		}
		if n := len(tr.audits(t, "member.import")); n != 0 {
			t.Errorf("a bad roster was audited as imported (%d)", n)
		}
	})
}

func TestImportScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		tr := newTree(t, d)
		ctx := context.Background()
		// The secretary of 甲一支部 may not import into 甲二支部: it is "unknown".
		rows := parse(t, xlsx(t, [][]string{
			row("钱一", "13500000001", "1980-01-01", "甲一支部"),
			row("钱二", "13500000002", "1980-01-01", "甲二支部"),
		}))
		res, err := tr.s.Import(ctx, tr.secretary, rows, false)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Errors) != 1 || res.Errors[0].Row != 3 || res.Errors[0].Field != "所属组织" || res.Written != 0 {
			t.Errorf("secretary import = %+v", res)
		}
		if _, err := tr.s.Import(ctx, tr.taskForce, rows, true); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("task force import err = %v, want forbidden", err)
		}
		if _, err := tr.s.Import(ctx, tr.member, rows, true); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("member import err = %v, want forbidden", err)
		}
		res, err = tr.s.Import(ctx, tr.admin, nil, true)
		if err != nil || res.OK() {
			t.Errorf("empty roster = %+v, %v; want an error row", res, err)
		}
	})
}

func TestImportGoodFile(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		tr := newTree(t, d)
		ctx := context.Background()
		var rs [][]string
		for i := 0; i < 12; i++ {
			ref := []string{"甲一支部", "甲党委/甲一支部", "第二党小组", "乙一支部/第一党小组"}[i%4]
			rs = append(rs, row(fmt.Sprintf("孙%d", i), fmt.Sprintf("1350000%04d", i), "1985/6/1", ref))
		}
		rs[3][6] = "预备党员"
		rs[4][2] = "31048" // an Excel serial date: 1985-01-01
		rs[5][4] = ""      // no phone
		b := xlsx(t, rs)
		before := tr.count(t, `SELECT COUNT(*) FROM members`)
		res, err := tr.s.Import(ctx, tr.admin, parse(t, b), true)
		if err != nil || !res.OK() || !res.DryRun || res.Written != 0 || len(res.Rows) != 12 {
			t.Fatalf("dry run = %+v, %v", res, err)
		}
		if res.Rows[2].OrgID != tr.g2 || res.Rows[3].OrgID != tr.g1 || res.Rows[0].OrgID != tr.b1 {
			t.Errorf("org refs resolved to %d %d %d", res.Rows[0].OrgID, res.Rows[2].OrgID, res.Rows[3].OrgID)
		}
		if after := tr.count(t, `SELECT COUNT(*) FROM members`); after != before {
			t.Fatalf("dry run wrote %d members", after-before)
		}
		if n := len(tr.audits(t, "member.")); n != 0 {
			t.Fatalf("dry run audited %d entries", n)
		}
		res, err = tr.s.Import(ctx, tr.admin, parse(t, b), false)
		if err != nil || !res.OK() || res.Written != 12 {
			t.Fatalf("import = %+v, %v", res, err)
		}
		if after := tr.count(t, `SELECT COUNT(*) FROM members`); after != before+12 {
			t.Errorf("import wrote %d members, want 12", after-before)
		}
		if got := tr.count(t, `SELECT COUNT(*) FROM members WHERE birth_date = '1985-06-01'`); got != 11 {
			t.Errorf("dates normalised on %d rows, want 11", got)
		}
		if got := tr.count(t, `SELECT COUNT(*) FROM members WHERE name = '孙4' AND birth_date = '1985-01-01'`); got != 1 {
			t.Error("Excel serial date not converted")
		}
		if got := tr.count(t, `SELECT COUNT(*) FROM members WHERE name = '孙3' AND status = '预备党员'`); got != 1 {
			t.Error("status not kept")
		}
		es := tr.audits(t, "member.")
		if len(es) != 1 || es[0].Action != "member.import" || !strings.Contains(es[0].Detail, `"rows":12`) {
			t.Errorf("audit = %+v, want one member.import of 12 rows", es)
		}
		// The same file again is all duplicates.
		res, err = tr.s.Import(ctx, tr.admin, parse(t, b), false)
		if err != nil || res.OK() || res.Written != 0 {
			t.Errorf("re-import = %+v, %v", res, err)
		}
	})
}

func TestParseRosterRefusesBadFiles(t *testing.T) {
	if _, err := org.ParseRoster(strings.NewReader("not a spreadsheet")); !errs.Is(err, "bad_file") {
		t.Errorf("garbage: %v", err)
	}
	f := excelize.NewFile()
	_ = f.SetCellStr("Sheet1", "A1", "姓名")
	var buf bytes.Buffer
	_ = f.Write(&buf)
	f.Close()
	_, err := org.ParseRoster(&buf)
	if !errs.Is(err, "bad_header") || !strings.Contains(errs.As(err).Message, "性别") {
		t.Errorf("missing headers: %v", err)
	}
}

func TestExportRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		tr := newTree(t, d)
		ctx := context.Background()
		b, name, err := tr.s.ExportRoster(ctx, tr.admin, tr.dd)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(name, "乙党委-党员名册-") || !strings.HasSuffix(name, ".xlsx") {
			t.Errorf("file name %q", name)
		}
		rows := parse(t, b)
		ms, err := tr.s.Members(ctx, tr.admin, tr.dd, true)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != len(ms) || len(rows) != 14 {
			t.Fatalf("exported %d rows, members %d, want 14", len(rows), len(ms))
		}
		for i, m := range ms {
			r := rows[i]
			in := r.Input
			if in.Name != m.Name || in.Gender != m.Gender || in.BirthDate != m.BirthDate || in.JoinedDate != m.JoinedDate ||
				in.Phone != m.Phone || in.Position != m.Position || in.Status != m.Status || !strings.HasSuffix(r.OrgRef, "/"+m.OrgName) || r.Row != i+2 {
				t.Errorf("row %d = %+v (org %q), member %+v", i+2, in, r.OrgRef, m)
			}
		}
		if es := tr.audits(t, "roster.export"); len(es) != 1 || !strings.Contains(es[0].Detail, `"rows":14`) {
			t.Errorf("export audit = %+v", es)
		}
		// Only managers export, and only their subtree.
		if _, _, err := tr.s.ExportRoster(ctx, tr.taskForce, tr.dd); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("task force export: %v", err)
		}
		if _, _, err := tr.s.ExportRoster(ctx, tr.secretary, tr.dd); errs.KindOf(err) != errs.NotFound {
			t.Errorf("secretary export outside: %v", err)
		}
		if _, _, err := tr.s.ExportRoster(ctx, tr.secretary, tr.b1); err != nil {
			t.Errorf("secretary export own branch: %v", err)
		}
	})
}

func TestTemplateParses(t *testing.T) {
	b, err := org.RosterTemplate()
	if err != nil {
		t.Fatal(err)
	}
	rows := parse(t, b)
	if len(rows) != 1 {
		t.Fatalf("template has %d rows, want its one example", len(rows))
	}
	r := rows[0]
	want := org.MemberInput{Name: "张三", Gender: "男", BirthDate: "1985-06-01", JoinedDate: "2010-07-01", Phone: "13800001234", Position: "科员", Status: "正常"}
	if r.Row != 2 || r.Input != want || r.OrgRef != "区人社局党组/区人社局机关党支部" {
		t.Errorf("example row = %+v", r)
	}
	if fe := r.Input.Check(nowForTest); len(fe) != 0 {
		t.Errorf("the example row is itself invalid: %+v", fe)
	}
}
