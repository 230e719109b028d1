package org_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/org"
)

// tree is the test district:
//
//	区 (root, district)
//	├─ 甲党委 (c, committee)
//	│  ├─ 甲一支部 (b1, branch: 3 members, the first is the secretary)
//	│  └─ 甲二支部 (b2, branch: 23 members — over the ≤10 rule)
//	└─ 乙党委 (d, committee)
//	   └─ 乙一支部 (bd, branch split into groups)
//	      ├─ 第一党小组 (g1, group: 12 members — over the rule)
//	      └─ 第二党小组 (g2, group: 2 members)
type tree struct {
	d                          *db.DB
	s                          *org.Service
	root, c, b1, b2, dd, bd    int64
	g1, g2                     int64
	b1Members, b2Members       []int64
	g1Members                  []int64
	admin, subAdmin, taskForce *auth.Principal
	secretary, member          *auth.Principal
}

func phone(n int) string { return fmt.Sprintf("139%08d", n) }

func newTree(t *testing.T, d *db.DB) *tree {
	t.Helper()
	ctx := context.Background()
	tr := &tree{d: d, s: org.New(d)}
	n := 0
	addMembers := func(tx *db.Tx, orgID int64, count int) ([]int64, error) {
		var ids []int64
		for i := 0; i < count; i++ {
			n++
			id, err := org.InsertMember(ctx, tx, org.MemberInput{OrgID: orgID, Name: fmt.Sprintf("党员%d", n), Gender: "男",
				BirthDate: "1980-01-01", JoinedDate: "2005-07-01", Phone: phone(n), Position: "科员"})
			if err != nil {
				return nil, err
			}
			ids = append(ids, id)
		}
		return ids, nil
	}
	err := d.InTx(ctx, func(tx *db.Tx) error {
		var err error
		must := func(id int64, e error) int64 {
			if e != nil && err == nil {
				err = e
			}
			return id
		}
		tr.root = must(org.CreateRoot(ctx, tx, "区"))
		tr.c = must(org.InsertChild(ctx, tx, tr.root, "甲党委", org.Committee, 1))
		tr.b1 = must(org.InsertChild(ctx, tx, tr.c, "甲一支部", org.Branch, 1))
		tr.b2 = must(org.InsertChild(ctx, tx, tr.c, "甲二支部", org.Branch, 2))
		tr.dd = must(org.InsertChild(ctx, tx, tr.root, "乙党委", org.Committee, 2))
		tr.bd = must(org.InsertChild(ctx, tx, tr.dd, "乙一支部", org.Branch, 1))
		tr.g1 = must(org.InsertChild(ctx, tx, tr.bd, "第一党小组", org.Group, 1))
		tr.g2 = must(org.InsertChild(ctx, tx, tr.bd, "第二党小组", org.Group, 2))
		if err != nil {
			return err
		}
		if tr.b1Members, err = addMembers(tx, tr.b1, 3); err != nil {
			return err
		}
		if tr.b2Members, err = addMembers(tx, tr.b2, 23); err != nil {
			return err
		}
		if tr.g1Members, err = addMembers(tx, tr.g1, 12); err != nil {
			return err
		}
		_, err = addMembers(tx, tr.g2, 2)
		return err
	})
	if err != nil {
		t.Fatalf("tree: %v", err)
	}
	tr.admin = tr.principal(t, 1, "admin", 0, auth.Admin, tr.root)
	tr.subAdmin = tr.principal(t, 2, "suba", 0, auth.Admin, tr.c)
	tr.taskForce = tr.principal(t, 3, "zhuanban", 0, auth.TaskForce, tr.root)
	tr.secretary = tr.principal(t, 4, "shuji", tr.b1Members[0], auth.Secretary, tr.b1)
	tr.secretary.Grants = append(tr.secretary.Grants, auth.Grant{Role: auth.Member, OrgID: tr.b1, OrgPath: tr.path(t, tr.b1)})
	tr.member = tr.principal(t, 5, "dangyuan", tr.b1Members[1], auth.Member, tr.b1)
	return tr
}

// principal builds a logged-in user by hand: the store trusts its grants.
func (tr *tree) principal(t *testing.T, uid int64, name string, memberID int64, role auth.Role, orgID int64) *auth.Principal {
	t.Helper()
	p := &auth.Principal{UserID: uid, Username: name, DisplayName: name, MemberID: memberID, IP: "192.0.2.1",
		Grants: []auth.Grant{{ID: uid, Role: role, OrgID: orgID, OrgPath: tr.path(t, orgID)}}}
	if memberID != 0 {
		p.MemberOrgID = orgID
		p.MemberOrgPath = tr.path(t, orgID)
	}
	return p
}

func (tr *tree) path(t *testing.T, id int64) string {
	t.Helper()
	var p string
	if err := tr.d.QueryRow(context.Background(), `SELECT path FROM orgs WHERE id = ?`, id).Scan(&p); err != nil {
		t.Fatalf("path of %d: %v", id, err)
	}
	return p
}

func (tr *tree) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := tr.d.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func (tr *tree) members(t *testing.T, orgID int64) int {
	return tr.count(t, `SELECT COUNT(*) FROM members WHERE org_id = ?`, orgID)
}

func (tr *tree) audits(t *testing.T, action string) []audit.Entry {
	t.Helper()
	es, err := audit.List(context.Background(), tr.d, audit.Filter{Action: action})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// checkPaths asserts the materialised-path invariant over the whole table:
// every path is its parent's path plus its own id.
func (tr *tree) checkPaths(t *testing.T) {
	t.Helper()
	rows, err := tr.d.Query(context.Background(), `SELECT o.id, o.path, COALESCE(p.path, '') FROM orgs o LEFT JOIN orgs p ON p.id = o.parent_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var path, parent string
		if err := rows.Scan(&id, &path, &parent); err != nil {
			t.Fatal(err)
		}
		if parent == "" {
			parent = "/"
		}
		if want := fmt.Sprintf("%s%d/", parent, id); path != want {
			t.Errorf("org %d path = %q, want %q", id, path, want)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

func wantErr(t *testing.T, err error, kind errs.Kind, code string) {
	t.Helper()
	if err == nil {
		t.Fatalf("err = nil, want %s", code)
	}
	e := errs.As(err)
	if e.Kind != kind || e.Code != code {
		t.Fatalf("err = %v (kind %d code %q), want kind %d code %q", err, e.Kind, e.Code, kind, code)
	}
}

func nowForTest() time.Time { return time.Now() }
