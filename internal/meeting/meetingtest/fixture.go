// Package meetingtest builds the small district the store tests of the
// cycle packages (round, meeting, rectify, points) share, so that one
// fixture serves them all.
package meetingtest

import (
	"context"
	"testing"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/meeting"
	"xuejiangping/internal/org"
	"xuejiangping/internal/round"
)

var ctx = context.Background()

// Fixture is a small district shared by the cycle packages' store tests:
//
//	测试区 (admin, task force, auditor)
//	├── 甲局党委
//	│   ├── 甲局机关党支部 (unit A: a0 secretary "shuji", a1 "dang", a2 "dang2", a3–a5)
//	│   └── 甲局业务党支部 (has groups)
//	│       ├── 第一党小组 (g1m[0] group leader "leader", 2 more)
//	│       └── 第二党小组 (3 members)
//	└── 乙局党委
//	    └── 乙局机关党支部 (unit B: b0 secretary "shujiB", b1, b2)
type Fixture struct {
	DB       *db.DB
	Rounds   *round.Service
	Meetings *meeting.Service

	Root, ComA, BranchA, BranchG, G1, G2, ComB, BranchB int64
	A, G1m, G2m, B                                      []int64

	Admin, TF, Auditor, Shuji, Dang, Dang2, Leader, ShujiB *auth.Principal
}

// Setup builds the district in d, with users and their principals.
func Setup(t testing.TB, d *db.DB) *Fixture {
	t.Helper()
	f := &Fixture{DB: d}
	f.Rounds = round.NewService(d)
	f.Meetings = meeting.NewService(d, f.Rounds)
	users := map[string]int64{}
	err := d.InTx(ctx, func(tx *db.Tx) error {
		var ferr error
		node := func(parent int64, name string, k org.Kind) int64 {
			if ferr != nil {
				return 0
			}
			var id int64
			if parent == 0 {
				id, ferr = org.CreateRoot(ctx, tx, name)
			} else {
				id, ferr = org.InsertChild(ctx, tx, parent, name, k, 1)
			}
			return id
		}
		people := func(orgID int64, prefix string, n int) []int64 {
			var ids []int64
			for i := 0; i < n && ferr == nil; i++ {
				var id int64
				id, ferr = org.InsertMember(ctx, tx, org.MemberInput{OrgID: orgID, Name: prefix + string(rune('甲'+i))})
				ids = append(ids, id)
			}
			return ids
		}
		user := func(name string, member int64, grants ...any) {
			if ferr != nil {
				return
			}
			var m any
			if member != 0 {
				m = member
			}
			var uid int64
			uid, ferr = tx.Insert(ctx, `INSERT INTO users (username, display_name, password_hash, member_id, created_at) VALUES (?, ?, 'x', ?, ?)`, name, name, m, tx.Now)
			users[name] = uid
			for i := 0; i+1 < len(grants) && ferr == nil; i += 2 {
				ferr = auth.AddGrant(ctx, tx, audit.System, uid, grants[i].(auth.Role), grants[i+1].(int64))
			}
		}
		f.Root = node(0, "测试区", org.District)
		f.ComA = node(f.Root, "甲局党委", org.Committee)
		f.BranchA = node(f.ComA, "甲局机关党支部", org.Branch)
		f.BranchG = node(f.ComA, "甲局业务党支部", org.Branch)
		f.G1 = node(f.BranchG, "第一党小组", org.Group)
		f.G2 = node(f.BranchG, "第二党小组", org.Group)
		f.ComB = node(f.Root, "乙局党委", org.Committee)
		f.BranchB = node(f.ComB, "乙局机关党支部", org.Branch)
		f.A = people(f.BranchA, "甲支部", 6)
		f.G1m = people(f.G1, "一组", 3)
		f.G2m = people(f.G2, "二组", 3)
		f.B = people(f.BranchB, "乙支部", 3)
		if ferr != nil {
			return ferr
		}
		user("admin", 0, auth.Admin, f.Root)
		user("zhuanban", 0, auth.TaskForce, f.Root)
		user("shenji", 0, auth.Auditor, f.Root)
		user("shuji", f.A[0], auth.Secretary, f.BranchA, auth.Member, f.BranchA)
		user("dang", f.A[1], auth.Member, f.BranchA)
		user("dang2", f.A[2], auth.Member, f.BranchA)
		user("leader", f.G1m[0], auth.GroupLeader, f.G1, auth.Member, f.G1)
		user("shujiB", f.B[0], auth.Secretary, f.BranchB, auth.Member, f.BranchB)
		return ferr
	})
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	for name, dst := range map[string]**auth.Principal{"admin": &f.Admin, "zhuanban": &f.TF, "shenji": &f.Auditor, "shuji": &f.Shuji,
		"dang": &f.Dang, "dang2": &f.Dang2, "leader": &f.Leader, "shujiB": &f.ShujiB} {
		*dst = Principal(t, d, users[name])
	}
	return f
}

// Principal builds what auth.Authenticate would for a user id.
func Principal(t testing.TB, d *db.DB, uid int64) *auth.Principal {
	t.Helper()
	p := &auth.Principal{UserID: uid}
	var member, memberOrg *int64
	var memberPath *string
	err := d.QueryRow(ctx, `SELECT u.username, u.display_name, u.member_id, m.org_id, o.path FROM users u
		LEFT JOIN members m ON m.id = u.member_id LEFT JOIN orgs o ON o.id = m.org_id WHERE u.id = ?`, uid).
		Scan(&p.Username, &p.DisplayName, &member, &memberOrg, &memberPath)
	if err != nil {
		t.Fatalf("principal %d: %v", uid, err)
	}
	if member != nil {
		p.MemberID, p.MemberOrgID, p.MemberOrgPath = *member, *memberOrg, *memberPath
	}
	rows, err := d.Query(ctx, `SELECT r.id, r.role, r.org_id, o.path, o.name FROM role_assignments r JOIN orgs o ON o.id = r.org_id WHERE r.user_id = ? ORDER BY r.id`, uid)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var g auth.Grant
		if err := rows.Scan(&g.ID, &g.Role, &g.OrgID, &g.OrgPath, &g.OrgName); err != nil {
			t.Fatal(err)
		}
		p.Grants = append(p.Grants, g)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return p
}
