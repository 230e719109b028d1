package org_test

import (
	"context"
	"strings"
	"testing"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/db/dbtest"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/org"
)

func TestMembersMasking(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		tr := newTree(t, d)
		ctx := context.Background()
		cases := []struct {
			name       string
			p          *auth.Principal
			fullFor    map[int64]bool // member ids shown in full; the rest masked
			allVisible bool
		}{
			{"admin sees every phone", tr.admin, nil, true},
			{"task force sees masked", tr.taskForce, map[int64]bool{}, false},
			{"secretary sees own phone only", tr.secretary, map[int64]bool{tr.b1Members[0]: true}, false},
		}
		for _, tc := range cases {
			ms, err := tr.s.Members(ctx, tc.p, tr.b1, false)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if len(ms) != 3 {
				t.Fatalf("%s: %d members, want 3", tc.name, len(ms))
			}
			for _, m := range ms {
				full := tc.allVisible || tc.fullFor[m.ID]
				masked := len(m.Phone) == 11 && m.Phone[3:7] == "****"
				if full == masked {
					t.Errorf("%s: member %d phone %q, want full=%v", tc.name, m.ID, m.Phone, full)
				}
				if masked && (m.Phone[:3] != "139" || len(m.Phone) != 11) {
					t.Errorf("%s: mask %q does not keep 3+4 digits", tc.name, m.Phone)
				}
			}
		}
		// Subtree lists, and scope.
		ms, err := tr.s.Members(ctx, tr.admin, tr.dd, true)
		if err != nil || len(ms) != 14 {
			t.Errorf("subtree of 乙党委 = %d members (%v), want 14", len(ms), err)
		}
		ms, err = tr.s.Members(ctx, tr.taskForce, tr.root, true)
		if err != nil || len(ms) != 40 {
			t.Errorf("whole district = %d (%v), want 40", len(ms), err)
		}
		for _, tc := range []struct {
			name string
			p    *auth.Principal
			org  int64
		}{
			{"secretary, other branch", tr.secretary, tr.b2},
			{"sub-admin, other committee", tr.subAdmin, tr.g1},
			{"member", tr.member, tr.b1},
			{"unknown org", tr.admin, 99999},
		} {
			if _, err := tr.s.Members(ctx, tc.p, tc.org, false); errs.KindOf(err) != errs.NotFound {
				t.Errorf("%s: err = %v, want not found", tc.name, err)
			}
		}
	})
}

func TestMaskPhone(t *testing.T) {
	for in, want := range map[string]string{"13812341234": "138****1234", "": "", "123": "****"} {
		if got := org.MaskPhone(in); got != want {
			t.Errorf("MaskPhone(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGetMemberVisibility(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		tr := newTree(t, d)
		ctx := context.Background()
		self, other, far := tr.b1Members[1], tr.b1Members[2], tr.g1Members[0]
		cases := []struct {
			name   string
			p      *auth.Principal
			id     int64
			found  bool
			masked bool
		}{
			{"member sees self in full", tr.member, self, true, false},
			{"member cannot see a branch mate", tr.member, other, false, false},
			{"member cannot see outside", tr.member, far, false, false},
			{"secretary sees own branch in full", tr.secretary, other, true, false},
			{"secretary cannot see outside", tr.secretary, far, false, false},
			{"task force sees anyone, masked", tr.taskForce, far, true, true},
			{"sub-admin sees own subtree", tr.subAdmin, other, true, false},
			{"sub-admin cannot see outside", tr.subAdmin, far, false, false},
			{"admin sees anyone", tr.admin, far, true, false},
			{"unknown id", tr.admin, 99999, false, false},
		}
		for _, tc := range cases {
			m, err := tr.s.GetMember(ctx, tc.p, tc.id)
			if !tc.found {
				if errs.KindOf(err) != errs.NotFound {
					t.Errorf("%s: err = %v, want not found", tc.name, err)
				} else if msg := errs.As(err).Message; !strings.Contains(msg, "不存在") {
					t.Errorf("%s: message %q", tc.name, msg)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
				continue
			}
			if m.ID != tc.id {
				t.Errorf("%s: got member %d", tc.name, m.ID)
			}
			if masked := strings.Contains(m.Phone, "****"); masked != tc.masked {
				t.Errorf("%s: phone %q, masked want %v", tc.name, m.Phone, tc.masked)
			}
		}
	})
}

func TestCreateMemberValidation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		tr := newTree(t, d)
		ctx := context.Background()
		before := tr.count(t, `SELECT COUNT(*) FROM members`)
		_, err := tr.s.CreateMember(ctx, tr.admin, org.MemberInput{
			OrgID: tr.b1, Name: " ", Gender: "未知", BirthDate: "1990-13-01", JoinedDate: "2999-01-01",
			Phone: "12345", Position: strings.Repeat("职", 41), Status: "开除",
		})
		wantErr(t, err, errs.Invalid, "invalid_member")
		got := map[string]string{}
		for _, f := range errs.As(err).Fields {
			got[f.Field] = f.Reason
		}
		want := map[string]string{
			"name": "姓名不能为空", "gender": "性别", "birth_date": "出生日期格式", "joined_date": "入党日期不能晚于今天",
			"phone": "手机号应为 11 位数字", "position": "职务不能超过 40 个字", "status": "状态应为",
		}
		for f, frag := range want {
			if !strings.Contains(got[f], frag) {
				t.Errorf("field %s reason %q, want it to contain %q", f, got[f], frag)
			}
		}
		if len(got) != len(want) {
			t.Errorf("fields = %v, want exactly %d", got, len(want))
		}
		cases := []struct {
			name string
			p    *auth.Principal
			in   org.MemberInput
			kind errs.Kind
			code string
			frag string
		}{
			{"joined before birth", tr.admin, org.MemberInput{OrgID: tr.b1, Name: "甲", BirthDate: "1990-01-01", JoinedDate: "1980-01-01"}, errs.Invalid, "invalid_member", "入党日期不能早于出生日期"},
			{"long name", tr.admin, org.MemberInput{OrgID: tr.b1, Name: strings.Repeat("名", 21)}, errs.Invalid, "invalid_member", "姓名不能超过 20 个字"},
			{"unknown org", tr.admin, org.MemberInput{OrgID: 99999, Name: "甲"}, errs.Invalid, "bad_org", "所属组织不存在"},
			{"committee is not a unit", tr.admin, org.MemberInput{OrgID: tr.c, Name: "甲"}, errs.Unprocessable, "not_unit", "党小组"},
			{"branch with groups is not a unit", tr.admin, org.MemberInput{OrgID: tr.bd, Name: "甲"}, errs.Unprocessable, "not_unit", "党小组"},
			{"secretary outside", tr.secretary, org.MemberInput{OrgID: tr.b2, Name: "甲"}, errs.Forbidden, "forbidden", "权限"},
			{"task force", tr.taskForce, org.MemberInput{OrgID: tr.b1, Name: "甲"}, errs.Forbidden, "forbidden", "权限"},
			{"member", tr.member, org.MemberInput{OrgID: tr.b1, Name: "甲"}, errs.Forbidden, "forbidden", "权限"},
			{"duplicate phone", tr.admin, org.MemberInput{OrgID: tr.b1, Name: "甲", Phone: phone(5)}, errs.Conflict, "duplicate_phone", "该手机号已登记"},
		}
		for _, tc := range cases {
			_, err := tr.s.CreateMember(ctx, tc.p, tc.in)
			e := errs.As(err)
			if err == nil || e.Kind != tc.kind || e.Code != tc.code || !strings.Contains(e.Message, tc.frag) {
				t.Errorf("%s: err = %v, want %s mentioning %q", tc.name, err, tc.code, tc.frag)
			}
		}
		if after := tr.count(t, `SELECT COUNT(*) FROM members`); after != before {
			t.Errorf("refused creates wrote %d members", after-before)
		}
		if n := len(tr.audits(t, "member.")); n != 0 {
			t.Errorf("refused creates audited %d times", n)
		}
		m, err := tr.s.CreateMember(ctx, tr.secretary, org.MemberInput{OrgID: tr.b1, Name: " 新党员 ", Gender: "女",
			BirthDate: "1995-05-05", JoinedDate: "2020-07-01", Phone: "13700000000"})
		if err != nil {
			t.Fatalf("secretary adds to own branch: %v", err)
		}
		if m.Name != "新党员" || m.Status != "正常" || m.Phone != "13700000000" || m.OrgID != tr.b1 {
			t.Errorf("created %+v", m)
		}
		if es := tr.audits(t, "member.create"); len(es) != 1 || es[0].ActorID != tr.secretary.UserID {
			t.Errorf("member.create audit = %+v", es)
		}
	})
}

func TestUpdateMember(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		tr := newTree(t, d)
		ctx := context.Background()
		s := func(v string) *string { return &v }
		id := func(v int64) *int64 { return &v }
		target := tr.b1Members[2]
		orig, _ := tr.s.GetMember(ctx, tr.admin, target)
		cases := []struct {
			name   string
			p      *auth.Principal
			patch  org.MemberPatch
			kind   errs.Kind
			code   string
			fields []string
		}{
			{"every bad field", tr.admin, org.MemberPatch{Name: s(""), Gender: s("x"), BirthDate: s("1990/13/01"), Phone: s("2345"), Status: s("?")},
				errs.Invalid, "invalid_member", []string{"name", "gender", "birth_date", "phone", "status"}},
			{"future joined date", tr.admin, org.MemberPatch{JoinedDate: s("2999-01-01")}, errs.Invalid, "invalid_member", []string{"joined_date"}},
			{"duplicate phone", tr.admin, org.MemberPatch{Phone: s(phone(1))}, errs.Conflict, "duplicate_phone", nil},
			{"move to a committee", tr.admin, org.MemberPatch{OrgID: id(tr.c)}, errs.Unprocessable, "not_unit", nil},
			{"secretary moves out of scope", tr.secretary, org.MemberPatch{OrgID: id(tr.b2)}, errs.Forbidden, "forbidden", nil},
			{"member edits a mate", tr.member, org.MemberPatch{Name: s("x")}, errs.NotFound, "not_found", nil},
			{"task force", tr.taskForce, org.MemberPatch{Name: s("x")}, errs.Forbidden, "forbidden", nil},
		}
		for _, tc := range cases {
			_, err := tr.s.UpdateMember(ctx, tc.p, target, tc.patch)
			e := errs.As(err)
			if err == nil || e.Kind != tc.kind || e.Code != tc.code {
				t.Errorf("%s: err = %v, want %s", tc.name, err, tc.code)
				continue
			}
			var got []string
			for _, f := range e.Fields {
				got = append(got, f.Field)
			}
			if strings.Join(got, ",") != strings.Join(tc.fields, ",") {
				t.Errorf("%s: fields %v, want %v", tc.name, got, tc.fields)
			}
		}
		// A member cannot edit their own record (the secretary does).
		_, err := tr.s.UpdateMember(ctx, tr.member, tr.member.MemberID, org.MemberPatch{Name: s("x")})
		wantErr(t, err, errs.Forbidden, "forbidden")
		_, err = tr.s.UpdateMember(ctx, tr.subAdmin, tr.g1Members[0], org.MemberPatch{Name: s("x")})
		wantErr(t, err, errs.NotFound, "not_found")
		if now, _ := tr.s.GetMember(ctx, tr.admin, target); *now != *orig {
			t.Errorf("refused updates changed the record: %+v → %+v", orig, now)
		}
		if n := len(tr.audits(t, "member.update")); n != 0 {
			t.Errorf("refused updates audited %d times", n)
		}
		m, err := tr.s.UpdateMember(ctx, tr.admin, target, org.MemberPatch{OrgID: id(tr.g2), Position: s("主任"), Phone: s("")})
		if err != nil {
			t.Fatal(err)
		}
		if m.OrgID != tr.g2 || m.Position != "主任" || m.Phone != "" || m.Name != orig.Name {
			t.Errorf("updated %+v", m)
		}
		// An emptied phone is stored as NULL so two members may both lack one.
		if _, err := tr.s.UpdateMember(ctx, tr.admin, tr.g1Members[0], org.MemberPatch{Phone: s("")}); err != nil {
			t.Errorf("second empty phone: %v", err)
		}
		es := tr.audits(t, "member.update")
		if len(es) != 2 || !strings.Contains(es[1].Detail, `"before"`) || !strings.Contains(es[1].Detail, "主任") {
			t.Errorf("member.update audit = %+v", es)
		}
	})
}
