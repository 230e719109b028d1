package demo_test

import (
	"context"
	"sort"
	"strings"
	"testing"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/db/dbtest"
	"xuejiangping/internal/demo"
	"xuejiangping/internal/errs"
)

const demoPW = "Demo@2026x"

func count(t *testing.T, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func TestLoad(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if empty, err := demo.IsEmpty(ctx, d); err != nil || !empty {
			t.Fatalf("fresh db empty = %v, %v", empty, err)
		}
		if err := demo.Load(ctx, d, 1, demoPW); err != nil {
			t.Fatalf("load: %v", err)
		}
		if empty, _ := demo.IsEmpty(ctx, d); empty {
			t.Fatal("loaded db reports empty")
		}
		root := demo.District(1)
		branches, groups, members := demo.Count(root)
		committees := 0
		demo.Walk(root, func(o *demo.Org, _ int) {
			if o.Kind == demo.KindCommittee {
				committees++
			}
		})
		for _, c := range []struct {
			kind string
			want int
		}{{"district", 1}, {"committee", committees}, {"branch", branches}, {"group", groups}} {
			if got := count(t, d, `SELECT COUNT(*) FROM orgs WHERE kind = ?`, c.kind); got != c.want {
				t.Errorf("%s orgs = %d, want %d", c.kind, got, c.want)
			}
		}
		if got := count(t, d, `SELECT COUNT(*) FROM members`); got != members {
			t.Errorf("members = %d, want %d", got, members)
		}
		// Every member sits in an activity unit, as generated.
		if got := count(t, d, `SELECT COUNT(*) FROM members m JOIN orgs o ON o.id = m.org_id
			WHERE NOT (o.kind = 'group' OR (o.kind = 'branch' AND NOT EXISTS (SELECT 1 FROM orgs g WHERE g.parent_id = o.id)))`); got != 0 {
			t.Errorf("%d members outside activity units", got)
		}
		if got := count(t, d, `SELECT COUNT(*) FROM orgs o LEFT JOIN orgs p ON p.id = o.parent_id
			WHERE o.path <> COALESCE(p.path, '/') || CAST(o.id AS TEXT) || '/'`); got != 0 {
			t.Errorf("%d orgs with a wrong path", got)
		}

		// The five accounts and their grants.
		rows, err := d.Query(ctx, `SELECT u.username, r.role, o.name, u.must_change, COALESCE(m.name, ''), COALESCE(mo.name, '')
			FROM users u JOIN role_assignments r ON r.user_id = u.id JOIN orgs o ON o.id = r.org_id
			LEFT JOIN members m ON m.id = u.member_id LEFT JOIN orgs mo ON mo.id = m.org_id
			ORDER BY u.username, r.role`)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for rows.Next() {
			var user, role, orgName, member, memberOrg string
			var must bool
			if err := rows.Scan(&user, &role, &orgName, &must, &member, &memberOrg); err != nil {
				t.Fatal(err)
			}
			if must {
				t.Errorf("demo account %s must change its password", user)
			}
			if (user == demo.LoginSecretary || user == demo.LoginMember) != (member != "") {
				t.Errorf("%s linked to member %q", user, member)
			}
			if member != "" && !strings.HasPrefix(memberOrg, demo.DemoBranch) && memberOrg != demo.DemoBranch {
				// the member may sit in a group of the demo branch
				var under int
				_ = d.QueryRow(ctx, `SELECT COUNT(*) FROM orgs g JOIN orgs b ON b.id = g.parent_id WHERE g.name = ? AND b.name = ?`, memberOrg, demo.DemoBranch).Scan(&under)
				if under == 0 {
					t.Errorf("%s is a member of %q, want %s", user, memberOrg, demo.DemoBranch)
				}
			}
			got = append(got, user+":"+role+"@"+orgName)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		want := []string{
			"admin:admin@" + demo.DistrictName,
			"dangyuan:member@" + demo.DemoBranch,
			"shenji:auditor@" + demo.DistrictName,
			"shuji:member@" + demo.DemoBranch,
			"shuji:secretary@" + demo.DemoBranch,
			"zhuanban:taskforce@" + demo.DistrictName,
		}
		sort.Strings(got)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("grants:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		// Each account logs in with the demo password.
		s := auth.New(d, auth.Config{})
		for _, a := range demo.Accounts {
			_, p, err := s.Login(ctx, a.Username, demoPW, "127.0.0.1", "test")
			if err != nil {
				t.Errorf("login %s: %v", a.Username, err)
				continue
			}
			if !p.Has(a.Role) {
				t.Errorf("%s lacks role %s: %+v", a.Username, a.Role, p.Grants)
			}
		}
		if res, err := audit.Verify(ctx, d); err != nil || !res.OK() {
			t.Errorf("verify after load: %+v %v", res, err)
		}
		if es, _ := audit.List(ctx, d, audit.Filter{Action: "demo.load"}); len(es) != 1 {
			t.Errorf("demo.load entries = %d", len(es))
		}
	})
}

func TestLoadRefusesWeakPassword(t *testing.T) {
	d := dbtest.SQLite(t)
	err := demo.Load(context.Background(), d, 1, "weak")
	if !errs.Is(err, "weak_password") {
		t.Fatalf("err = %v, want weak_password", err)
	}
	if empty, _ := demo.IsEmpty(context.Background(), d); !empty {
		t.Error("a refused load wrote data")
	}
}

func TestLoadTwiceFails(t *testing.T) {
	// Load writes into an empty database only; a second call must fail as
	// a whole (duplicate accounts) and leave the first district alone.
	d := dbtest.SQLite(t)
	ctx := context.Background()
	if err := demo.Load(ctx, d, 1, demoPW); err != nil {
		t.Fatal(err)
	}
	n := count(t, d, `SELECT COUNT(*) FROM orgs`)
	if err := demo.Load(ctx, d, 1, demoPW); err == nil {
		t.Fatal("second load succeeded")
	}
	if got := count(t, d, `SELECT COUNT(*) FROM orgs`); got != n {
		t.Errorf("orgs after failed second load = %d, want %d", got, n)
	}
}
