package org_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/db/dbtest"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/org"
)

func TestCreate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		tr := newTree(t, d)
		ctx := context.Background()
		cases := []struct {
			name   string
			p      *auth.Principal
			parent int64
			kind   org.Kind
			oname  string
			kindE  errs.Kind
			code   string // "" = created
		}{
			{"committee under district", tr.admin, tr.root, org.Committee, "丙党委", 0, ""},
			{"committee under committee", tr.admin, tr.c, org.Committee, "甲机关党委", 0, ""},
			{"branch under committee", tr.admin, tr.c, org.Branch, "甲三支部", 0, ""},
			{"branch under district", tr.admin, tr.root, org.Branch, "直属支部", 0, ""},
			{"group under branch", tr.admin, tr.b1, org.Group, "第一党小组", 0, ""},
			{"group under committee", tr.admin, tr.c, org.Group, "小组", errs.Unprocessable, "bad_kind"},
			{"group under district", tr.admin, tr.root, org.Group, "小组", errs.Unprocessable, "bad_kind"},
			{"group under group", tr.admin, tr.g1, org.Group, "小组", errs.Unprocessable, "bad_kind"},
			{"branch under branch", tr.admin, tr.b1, org.Branch, "支部", errs.Unprocessable, "bad_kind"},
			{"branch under group", tr.admin, tr.g1, org.Branch, "支部", errs.Unprocessable, "bad_kind"},
			{"committee under branch", tr.admin, tr.b1, org.Committee, "党委", errs.Unprocessable, "bad_kind"},
			{"second district", tr.admin, tr.root, org.District, "区", errs.Invalid, "bad_kind"},
			{"unknown kind", tr.admin, tr.root, org.Kind("team"), "队", errs.Invalid, "bad_kind"},
			{"empty name", tr.admin, tr.root, org.Committee, "  ", errs.Invalid, "name_required"},
			{"long name", tr.admin, tr.root, org.Committee, strings.Repeat("长", 61), errs.Invalid, "name_too_long"},
			{"unknown parent", tr.admin, 99999, org.Committee, "党委", errs.Invalid, "bad_parent"},
			{"sub-admin in scope", tr.subAdmin, tr.c, org.Branch, "甲四支部", 0, ""},
			{"sub-admin outside scope", tr.subAdmin, tr.dd, org.Branch, "乙二支部", errs.Forbidden, "forbidden"},
			{"sub-admin above scope", tr.subAdmin, tr.root, org.Committee, "党委", errs.Forbidden, "forbidden"},
			{"secretary in own branch", tr.secretary, tr.b1, org.Group, "小组", errs.Forbidden, "forbidden"},
			{"task force", tr.taskForce, tr.root, org.Committee, "党委", errs.Forbidden, "forbidden"},
			{"member", tr.member, tr.b1, org.Group, "小组", errs.Forbidden, "forbidden"},
		}
		created := 0
		for _, tc := range cases {
			before := tr.count(t, `SELECT COUNT(*) FROM orgs`)
			o, err := tr.s.Create(ctx, tc.p, org.NewOrg{ParentID: tc.parent, Name: tc.oname, Kind: tc.kind})
			if tc.code == "" {
				if err != nil {
					t.Errorf("%s: %v", tc.name, err)
					continue
				}
				created++
				if o.ParentID != tc.parent || o.Kind != tc.kind || o.Name != strings.TrimSpace(tc.oname) || o.Path != tr.path(t, tc.parent)+itoa(o.ID)+"/" {
					t.Errorf("%s: created %+v", tc.name, o)
				}
				continue
			}
			e := errs.As(err)
			if err == nil || e.Kind != tc.kindE || e.Code != tc.code {
				t.Errorf("%s: err = %v, want %s", tc.name, err, tc.code)
			}
			if after := tr.count(t, `SELECT COUNT(*) FROM orgs`); after != before {
				t.Errorf("%s: refused create still wrote an org", tc.name)
			}
		}
		if got := len(tr.audits(t, "org.create")); got != created {
			t.Errorf("org.create entries = %d, want %d", got, created)
		}
		tr.checkPaths(t)
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestUpdateMoveRewritesSubtree(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		tr := newTree(t, d)
		ctx := context.Background()
		// A deeper subtree under 甲党委 so the move carries several levels.
		sub, err := tr.s.Create(ctx, tr.admin, org.NewOrg{ParentID: tr.c, Name: "甲机关党委", Kind: org.Committee})
		if err != nil {
			t.Fatal(err)
		}
		br, err := tr.s.Create(ctx, tr.admin, org.NewOrg{ParentID: sub.ID, Name: "甲机关一支部", Kind: org.Branch})
		if err != nil {
			t.Fatal(err)
		}
		grp, err := tr.s.Create(ctx, tr.admin, org.NewOrg{ParentID: br.ID, Name: "小组", Kind: org.Group})
		if err != nil {
			t.Fatal(err)
		}
		// Move 甲党委 (with b1, b2, sub, br, grp) under 乙党委.
		newParent := tr.dd
		o, err := tr.s.Update(ctx, tr.admin, tr.c, org.OrgPatch{ParentID: &newParent})
		if err != nil {
			t.Fatalf("move: %v", err)
		}
		dPath := tr.path(t, tr.dd)
		if want := dPath + itoa(tr.c) + "/"; o.Path != want || o.ParentID != tr.dd {
			t.Fatalf("moved org path %q parent %d, want %q under %d", o.Path, o.ParentID, want, tr.dd)
		}
		for _, id := range []int64{tr.b1, tr.b2, sub.ID, br.ID, grp.ID} {
			if p := tr.path(t, id); !strings.HasPrefix(p, o.Path) {
				t.Errorf("descendant %d path %q not under %q", id, p, o.Path)
			}
		}
		if want := o.Path + itoa(sub.ID) + "/" + itoa(br.ID) + "/" + itoa(grp.ID) + "/"; tr.path(t, grp.ID) != want {
			t.Errorf("deepest path = %q, want %q", tr.path(t, grp.ID), want)
		}
		tr.checkPaths(t)
		// The tree reads the same way: 乙党委's subtree now holds the members.
		subtree, err := tr.s.Subtree(ctx, tr.admin, tr.dd)
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for _, x := range subtree {
			total += x.Members
		}
		if total != 3+23+12+2 {
			t.Errorf("members under 乙党委 after the move = %d, want 40", total)
		}
		// Rename and reorder in one patch.
		name, sort := " 甲党委（新）", 7
		o, err = tr.s.Update(ctx, tr.admin, tr.c, org.OrgPatch{Name: &name, Sort: &sort})
		if err != nil || o.Name != "甲党委（新）" || o.Sort != 7 || o.ParentID != tr.dd {
			t.Fatalf("rename: %v %+v", err, o)
		}
		if got := len(tr.audits(t, "org.update")); got != 2 {
			t.Errorf("org.update entries = %d, want 2", got)
		}
	})
}

func TestUpdateRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		tr := newTree(t, d)
		ctx := context.Background()
		sub, err := tr.s.Create(ctx, tr.admin, org.NewOrg{ParentID: tr.c, Name: "甲机关党委", Kind: org.Committee})
		if err != nil {
			t.Fatal(err)
		}
		id := func(v int64) *int64 { return &v }
		str := func(v string) *string { return &v }
		cases := []struct {
			name  string
			p     *auth.Principal
			org   int64
			patch org.OrgPatch
			kind  errs.Kind
			code  string
		}{
			{"under itself", tr.admin, tr.c, org.OrgPatch{ParentID: id(tr.c)}, errs.Unprocessable, "move_cycle"},
			{"under its child", tr.admin, tr.c, org.OrgPatch{ParentID: id(sub.ID)}, errs.Unprocessable, "move_cycle"},
			{"under its grandchild", tr.admin, tr.dd, org.OrgPatch{ParentID: id(tr.g1)}, errs.Unprocessable, "move_cycle"},
			{"branch under branch", tr.admin, tr.b1, org.OrgPatch{ParentID: id(tr.bd)}, errs.Unprocessable, "bad_kind"},
			{"group under committee", tr.admin, tr.g1, org.OrgPatch{ParentID: id(tr.c)}, errs.Unprocessable, "bad_kind"},
			{"district", tr.admin, tr.root, org.OrgPatch{ParentID: id(tr.c)}, errs.Unprocessable, "move_root"},
			{"unknown parent", tr.admin, tr.b1, org.OrgPatch{ParentID: id(99999)}, errs.Invalid, "bad_parent"},
			{"empty name", tr.admin, tr.b1, org.OrgPatch{Name: str(" ")}, errs.Invalid, "name_required"},
			{"sub-admin moves out of scope", tr.subAdmin, tr.b1, org.OrgPatch{ParentID: id(tr.dd)}, errs.Forbidden, "forbidden"},
			{"sub-admin edits outside", tr.subAdmin, tr.bd, org.OrgPatch{Name: str("x")}, errs.NotFound, "not_found"},
			{"secretary edits own branch", tr.secretary, tr.b1, org.OrgPatch{Name: str("x")}, errs.Forbidden, "forbidden"},
			{"task force", tr.taskForce, tr.b1, org.OrgPatch{Name: str("x")}, errs.Forbidden, "forbidden"},
			{"unknown org", tr.admin, 99999, org.OrgPatch{Name: str("x")}, errs.NotFound, "not_found"},
		}
		before := snapshot(t, tr)
		for _, tc := range cases {
			_, err := tr.s.Update(ctx, tc.p, tc.org, tc.patch)
			e := errs.As(err)
			if err == nil || e.Kind != tc.kind || e.Code != tc.code {
				t.Errorf("%s: err = %v, want %s", tc.name, err, tc.code)
			}
		}
		if after := snapshot(t, tr); after != before {
			t.Errorf("refused updates changed the tree:\n%s\n→\n%s", before, after)
		}
		if got := len(tr.audits(t, "org.update")); got != 0 {
			t.Errorf("refused updates audited %d times", got)
		}
	})
}

func snapshot(t *testing.T, tr *tree) string {
	t.Helper()
	rows, err := tr.d.Query(context.Background(), `SELECT id, COALESCE(parent_id, 0), name, path, sort FROM orgs ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var id, parent int64
		var name, path string
		var sort int
		if err := rows.Scan(&id, &parent, &name, &path, &sort); err != nil {
			t.Fatal(err)
		}
		b.WriteString(itoa(id) + " " + itoa(parent) + " " + name + " " + path + " " + itoa(int64(sort)) + "\n")
	}
	return b.String()
}

func TestDelete(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		tr := newTree(t, d)
		ctx := context.Background()
		empty, err := tr.s.Create(ctx, tr.admin, org.NewOrg{ParentID: tr.c, Name: "空支部", Kind: org.Branch})
		if err != nil {
			t.Fatal(err)
		}
		granted, err := tr.s.Create(ctx, tr.admin, org.NewOrg{ParentID: tr.c, Name: "有授权的支部", Kind: org.Branch})
		if err != nil {
			t.Fatal(err)
		}
		err = d.InTx(ctx, func(tx *db.Tx) error {
			uid, _, err := auth.CreateUser(ctx, tx, tr.admin.Actor(), auth.NewUser{Username: "sec2", Password: "Good#pass1"})
			if err != nil {
				return err
			}
			return auth.AddGrant(ctx, tx, tr.admin.Actor(), uid, auth.Secretary, granted.ID)
		})
		if err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name string
			p    *auth.Principal
			id   int64
			kind errs.Kind
			code string
		}{
			{"branch with members", tr.admin, tr.b1, errs.Conflict, "org_not_empty"},
			{"committee with branches", tr.admin, tr.c, errs.Conflict, "org_not_empty"},
			{"branch with groups", tr.admin, tr.bd, errs.Conflict, "org_not_empty"},
			{"org with a role grant", tr.admin, granted.ID, errs.Conflict, "org_in_use"},
			{"district", tr.admin, tr.root, errs.Unprocessable, "delete_root"},
			{"secretary", tr.secretary, empty.ID, errs.NotFound, "not_found"},
			{"task force", tr.taskForce, empty.ID, errs.Forbidden, "forbidden"},
			{"sub-admin outside", tr.subAdmin, tr.g2, errs.NotFound, "not_found"},
			{"unknown", tr.admin, 99999, errs.NotFound, "not_found"},
		}
		before := snapshot(t, tr)
		for _, tc := range cases {
			err := tr.s.Delete(ctx, tc.p, tc.id)
			e := errs.As(err)
			if err == nil || e.Kind != tc.kind || e.Code != tc.code {
				t.Errorf("%s: err = %v, want %s", tc.name, err, tc.code)
			}
		}
		if after := snapshot(t, tr); after != before {
			t.Error("refused deletes changed the tree")
		}
		if err := tr.s.Delete(ctx, tr.subAdmin, empty.ID); err != nil {
			t.Fatalf("delete empty branch: %v", err)
		}
		if _, err := tr.s.Get(ctx, tr.admin, empty.ID); errs.KindOf(err) != errs.NotFound {
			t.Errorf("deleted org still there: %v", err)
		}
		if got := len(tr.audits(t, "org.delete")); got != 1 {
			t.Errorf("org.delete entries = %d, want 1", got)
		}
	})
}

func TestSplitBranch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		tr := newTree(t, d)
		ctx := context.Background()
		b2, _ := tr.s.Get(ctx, tr.admin, tr.b2)
		if !b2.Oversized() || b2.SuggestedGroups() != 3 {
			t.Fatalf("甲二支部 (23 members) oversized=%v suggested=%d", b2.Oversized(), b2.SuggestedGroups())
		}
		ids, err := tr.s.Split(ctx, tr.subAdmin, tr.b2, b2.SuggestedGroups())
		if err != nil {
			t.Fatalf("split: %v", err)
		}
		if len(ids) != 3 {
			t.Fatalf("created %d groups, want 3", len(ids))
		}
		sizes := []int{}
		total := 0
		for _, id := range ids {
			g, err := tr.s.Get(ctx, tr.admin, id)
			if err != nil {
				t.Fatal(err)
			}
			if g.Kind != org.Group || g.ParentID != tr.b2 || g.Oversized() {
				t.Errorf("new group %+v", g)
			}
			sizes = append(sizes, g.Members)
			total += g.Members
		}
		if total != 23 || sizes[0] != 8 || sizes[1] != 8 || sizes[2] != 7 {
			t.Errorf("group sizes = %v, want [8 8 7]", sizes)
		}
		b2, _ = tr.s.Get(ctx, tr.admin, tr.b2)
		if b2.Members != 0 || !b2.HasGroups || b2.IsUnit() || b2.Oversized() {
			t.Errorf("branch after split = %+v", b2)
		}
		tr.checkPaths(t)
		if es := tr.audits(t, "org.split"); len(es) != 1 || es[0].Target != "org:"+itoa(tr.b2) {
			t.Errorf("org.split audit = %+v", es)
		}
		// A branch with groups is no longer a unit: it cannot be split again.
		_, err = tr.s.Split(ctx, tr.admin, tr.b2, 2)
		wantErr(t, err, errs.Unprocessable, "not_unit")
	})
}

func TestSplitGroup(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		tr := newTree(t, d)
		ctx := context.Background()
		ids, err := tr.s.Split(ctx, tr.admin, tr.g1, 2)
		if err != nil {
			t.Fatalf("split group: %v", err)
		}
		if len(ids) != 1 {
			t.Fatalf("created %v, want one sibling", ids)
		}
		sib, _ := tr.s.Get(ctx, tr.admin, ids[0])
		if sib.ParentID != tr.bd || sib.Kind != org.Group || sib.Name != "第三党小组" {
			t.Errorf("sibling = %+v", sib)
		}
		if a, b := tr.members(t, tr.g1), tr.members(t, ids[0]); a != 6 || b != 6 {
			t.Errorf("sizes after split = %d, %d; want 6, 6", a, b)
		}
		if n := tr.members(t, tr.g2); n != 2 {
			t.Errorf("the other group changed: %d", n)
		}
		tr.checkPaths(t)
	})
}

func TestSplitRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		tr := newTree(t, d)
		ctx := context.Background()
		cases := []struct {
			name   string
			p      *auth.Principal
			id     int64
			groups int
			kind   errs.Kind
			code   string
		}{
			{"committee", tr.admin, tr.c, 2, errs.Unprocessable, "not_unit"},
			{"branch with groups", tr.admin, tr.bd, 2, errs.Unprocessable, "not_unit"},
			{"one group", tr.admin, tr.b2, 1, errs.Invalid, "bad_groups"},
			{"21 groups", tr.admin, tr.b2, 21, errs.Invalid, "bad_groups"},
			{"more groups than members", tr.admin, tr.b1, 4, errs.Unprocessable, "too_few"},
			{"secretary", tr.secretary, tr.b1, 2, errs.Forbidden, "forbidden"},
			{"sub-admin outside", tr.subAdmin, tr.g1, 2, errs.NotFound, "not_found"},
			{"member", tr.member, tr.b1, 2, errs.NotFound, "not_found"},
		}
		before := snapshot(t, tr)
		for _, tc := range cases {
			_, err := tr.s.Split(ctx, tc.p, tc.id, tc.groups)
			e := errs.As(err)
			if err == nil || e.Kind != tc.kind || e.Code != tc.code {
				t.Errorf("%s: err = %v, want %s", tc.name, err, tc.code)
			}
		}
		if after := snapshot(t, tr); after != before {
			t.Error("refused splits changed the tree")
		}
	})
}

func TestTreeScopes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		tr := newTree(t, d)
		ctx := context.Background()
		count := func(p *auth.Principal) (int, error) {
			roots, err := tr.s.Tree(ctx, p)
			n := 0
			var walk func([]*org.Org)
			walk = func(os []*org.Org) {
				for _, o := range os {
					n++
					walk(o.Children)
				}
			}
			walk(roots)
			return n, err
		}
		for _, tc := range []struct {
			name string
			p    *auth.Principal
			want int
		}{
			{"admin", tr.admin, 8},
			{"task force", tr.taskForce, 8},
			{"sub-admin", tr.subAdmin, 3},
			{"secretary", tr.secretary, 1},
		} {
			if n, err := count(tc.p); err != nil || n != tc.want {
				t.Errorf("%s sees %d orgs (%v), want %d", tc.name, n, err, tc.want)
			}
		}
		if _, err := count(tr.member); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("member tree err = %v, want forbidden", err)
		}
	})
}
