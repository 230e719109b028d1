package supervise_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/meeting"
	"xuejiangping/internal/org"
	"xuejiangping/internal/rectify"
	"xuejiangping/internal/supervise"
)

var zone = time.FixedZone("CST", 8*3600)

// fixture is a small district: a committee with two branches (A, B), each
// an activity unit with members; the admin, a task-force member, a leader
// over A only, the secretaries of A and B, and a member of A.
type fixture struct {
	d                         *db.DB
	s                         *supervise.Service
	rect                      *rectify.Service
	now                       time.Time
	root, committee, a, b     int64
	membersA, membersB        []int64
	admin, tf, leaderA        *auth.Principal
	secA, secB, memberA       *auth.Principal
	paths                     map[int64]string
	pastA, plannedA, plannedB int64 // meetings
	speechA, caseA            int64 // speeches of pastA
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{d: d, now: time.Date(2026, 5, 20, 10, 0, 0, 0, zone), paths: map[int64]string{}}
	users := map[string]int64{}
	err := d.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if f.root, err = org.CreateRoot(ctx, tx, "二七区"); err != nil {
			return err
		}
		if f.committee, err = org.InsertChild(ctx, tx, f.root, "区人社局党组", org.Kind("committee"), 1); err != nil {
			return err
		}
		if f.a, err = org.InsertChild(ctx, tx, f.committee, "区人社局机关党支部", org.Kind("branch"), 1); err != nil {
			return err
		}
		if f.b, err = org.InsertChild(ctx, tx, f.root, "区财政局机关党支部", org.Kind("branch"), 2); err != nil {
			return err
		}
		for i := 0; i < 4; i++ {
			for _, u := range []struct {
				org  int64
				list *[]int64
			}{{f.a, &f.membersA}, {f.b, &f.membersB}} {
				id, err := org.InsertMember(ctx, tx, org.MemberInput{OrgID: u.org, Name: fmt.Sprintf("党员%d-%d", u.org, i), Status: "正常"})
				if err != nil {
					return err
				}
				*u.list = append(*u.list, id)
			}
		}
		for _, name := range []string{"admin", "tf", "leader", "seca", "secb", "mema"} {
			var member any
			switch name {
			case "seca":
				member = f.membersA[0]
			case "secb":
				member = f.membersB[0]
			case "mema":
				member = f.membersA[1]
			}
			id, err := tx.Insert(ctx, `INSERT INTO users (username, display_name, password_hash, member_id, created_at) VALUES (?, ?, 'x', ?, ?)`, name, "用户"+name, member, tx.Now)
			if err != nil {
				return err
			}
			users[name] = id
		}
		for _, g := range []struct {
			user string
			role auth.Role
			org  int64
		}{{"admin", auth.Admin, f.root}, {"tf", auth.TaskForce, f.root}, {"leader", auth.Leader, f.committee}, {"seca", auth.Secretary, f.a}, {"secb", auth.Secretary, f.b}} {
			if _, err := tx.Exec(ctx, `INSERT INTO role_assignments (user_id, role, org_id, created_at) VALUES (?, ?, ?, ?)`, users[g.user], string(g.role), g.org, tx.Now); err != nil {
				return err
			}
		}
		rows, err := tx.Query(ctx, `SELECT id, path FROM orgs`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var p string
			if err := rows.Scan(&id, &p); err != nil {
				return err
			}
			f.paths[id] = p
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	grant := func(r auth.Role, orgID int64) auth.Grant {
		return auth.Grant{Role: r, OrgID: orgID, OrgPath: f.paths[orgID]}
	}
	f.admin = &auth.Principal{UserID: users["admin"], Username: "admin", Grants: []auth.Grant{grant(auth.Admin, f.root)}}
	f.tf = &auth.Principal{UserID: users["tf"], Username: "tf", Grants: []auth.Grant{grant(auth.TaskForce, f.root)}}
	f.leaderA = &auth.Principal{UserID: users["leader"], Username: "leader", Grants: []auth.Grant{grant(auth.Leader, f.committee)}}
	f.secA = &auth.Principal{UserID: users["seca"], Username: "seca", MemberID: f.membersA[0], MemberOrgID: f.a, MemberOrgPath: f.paths[f.a], Grants: []auth.Grant{grant(auth.Secretary, f.a)}}
	f.secB = &auth.Principal{UserID: users["secb"], Username: "secb", MemberID: f.membersB[0], MemberOrgID: f.b, MemberOrgPath: f.paths[f.b], Grants: []auth.Grant{grant(auth.Secretary, f.b)}}
	f.memberA = &auth.Principal{UserID: users["mema"], Username: "mema", MemberID: f.membersA[1], MemberOrgID: f.a, MemberOrgPath: f.paths[f.a]}

	f.pastA = f.meeting(t, f.a, "2026-05-1", f.now.AddDate(0, 0, -6), true)
	f.plannedA = f.meeting(t, f.a, "2026-05-2", f.now.Add(2*time.Hour), false)
	f.plannedB = f.meeting(t, f.b, "2026-05-2", f.now.Add(26*time.Hour), false)
	f.speechA = f.speech(t, f.pastA, f.membersA[1], false)
	f.caseA = f.speech(t, f.pastA, f.membersA[2], true)

	f.rect = rectify.NewService(d, meeting.NewService(d, nil), zone)
	f.rect.Now = func() time.Time { return f.now }
	f.s = supervise.NewService(d, nil, f.rect, zone)
	f.s.Now = func() time.Time { return f.now }
	return f
}

func (f *fixture) meeting(t *testing.T, unit int64, round string, at time.Time, finalized bool) int64 {
	t.Helper()
	var fin any
	if finalized {
		fin = at.Add(2 * time.Hour)
	}
	var id int64
	err := f.d.InTx(context.Background(), func(tx *db.Tx) error {
		var err error
		id, err = tx.Insert(context.Background(), `INSERT INTO meetings (org_id, round_key, planned_at, topic, secret, held_at, finalized_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, 's', ?, ?, ?, ?)`, unit, round, at.UTC(), "学习会", fin, fin, at.UTC(), at.UTC())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (f *fixture) speech(t *testing.T, meetingID, member int64, isCase bool) int64 {
	t.Helper()
	var id int64
	err := f.d.InTx(context.Background(), func(tx *db.Tx) error {
		var err error
		id, err = tx.Insert(context.Background(), `INSERT INTO speeches (meeting_id, member_id, kinds, content, is_case, created_at, updated_at) VALUES (?, ?, 'experience', ?, ?, ?, ?)`,
			meetingID, member, "处理仲裁纠纷的经验", isCase, tx.Now, tx.Now)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// wantErr fails unless err has the kind and code.
func wantErr(t *testing.T, what string, err error, kind errs.Kind, code string) {
	t.Helper()
	e := errs.As(err)
	if err == nil || e.Kind != kind || (code != "" && e.Code != code) {
		t.Errorf("%s: got %v (kind %v code %q), want kind %v code %q", what, err, e.Kind, e.Code, kind, code)
	}
}
