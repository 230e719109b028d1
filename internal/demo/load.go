package demo

import (
	"context"
	"fmt"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/org"
)

// Account is a demo login, printed at start.
type Account struct {
	Username string
	Role     auth.Role
	Org      string
	Note     string
}

// Accounts lists the demo logins in the order they are printed.
var Accounts = []Account{
	{"admin", auth.Admin, DistrictName, "区委组织部，全区管理员"},
	{"shenji", auth.Auditor, DistrictName, "审计管理员，只读审计日志"},
	{"zhuanban", auth.TaskForce, DistrictName, "“学讲评”活动工作专班"},
	{LoginSecretary, auth.Secretary, DemoBranch, "区人社局机关党支部书记"},
	{LoginMember, auth.Member, DemoBranch, "区人社局机关党支部党员"},
}

// IsEmpty reports whether the database has no organisation yet.
func IsEmpty(ctx context.Context, d *db.DB) (bool, error) {
	var n int
	err := d.QueryRow(ctx, `SELECT COUNT(*) FROM orgs`).Scan(&n)
	return n == 0, err
}

// Load writes the demo district and its accounts into an empty database in
// one transaction. Demo accounts all get password and are not forced to
// change it.
func Load(ctx context.Context, d *db.DB, seed int64, password string) error {
	if err := auth.CheckPolicy(password); err != nil {
		return err
	}
	root := District(seed)
	return d.InTx(ctx, func(tx *db.Tx) error {
		ids := map[*Org]int64{}
		logins := map[string]int64{} // login → member id
		var loadErr error
		var walk func(o *Org, parent int64, sort int)
		walk = func(o *Org, parent int64, sort int) {
			if loadErr != nil {
				return
			}
			var id int64
			if parent == 0 {
				id, loadErr = org.CreateRoot(ctx, tx, o.Name)
			} else {
				id, loadErr = org.InsertChild(ctx, tx, parent, o.Name, org.Kind(o.Kind), sort)
			}
			if loadErr != nil {
				return
			}
			ids[o] = id
			for _, p := range o.Members {
				mid, err := org.InsertMember(ctx, tx, org.MemberInput{OrgID: id, Name: p.Name, Gender: p.Gender,
					BirthDate: p.Birth, JoinedDate: p.Joined, Phone: p.Phone, Position: p.Position, Status: p.Status})
				if err != nil {
					loadErr = err
					return
				}
				if p.Login != "" {
					logins[p.Login] = mid
				}
			}
			for i, c := range o.Children {
				walk(c, id, i+1)
			}
		}
		walk(root, 0, 0)
		if loadErr != nil {
			return loadErr
		}
		branch := Find(root, DemoBranch)
		if branch == nil {
			return errs.E(errs.Internal, "demo", "demo branch missing")
		}
		orgIDs := map[string]int64{DistrictName: ids[root], DemoBranch: ids[branch]}
		for _, a := range Accounts {
			display := a.Note
			uid, _, err := auth.CreateUser(ctx, tx, audit.System, auth.NewUser{
				Username: a.Username, DisplayName: display, MemberID: logins[a.Username], Password: password,
			})
			if err != nil {
				return fmt.Errorf("demo account %s: %w", a.Username, err)
			}
			if err := auth.AddGrant(ctx, tx, audit.System, uid, a.Role, orgIDs[a.Org]); err != nil {
				return err
			}
			// The secretary is also a member of the branch.
			if a.Role == auth.Secretary {
				if err := auth.AddGrant(ctx, tx, audit.System, uid, auth.Member, orgIDs[a.Org]); err != nil {
					return err
				}
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET display_name = (SELECT name FROM members WHERE members.id = users.member_id) WHERE member_id IS NOT NULL`); err != nil {
			return errs.Wrap(err, "demo names")
		}
		return audit.Record(ctx, tx, audit.System, "demo.load", DistrictName, map[string]any{"seed": seed}, audit.OK)
	})
}
