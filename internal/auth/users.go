package auth

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"strings"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
)

// User is an account as the admin sees it.
type User struct {
	ID          int64   `json:"id"`
	Username    string  `json:"username"`
	DisplayName string  `json:"display_name"`
	MemberID    int64   `json:"member_id,omitempty"`
	MustChange  bool    `json:"must_change"`
	Disabled    bool    `json:"disabled"`
	Locked      bool    `json:"locked"`
	Grants      []Grant `json:"roles"`
}

// NewUser is what CreateUser needs. An empty Password means "generate one";
// generated passwords must be changed at first login.
type NewUser struct {
	Username    string
	DisplayName string
	MemberID    int64
	Password    string
	MustChange  bool
}

var usernameRE = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9_.-]{2,31}$`)

// CreateUser adds an account inside tx and returns its id and the password
// it was given (the generated one, to be shown once).
func CreateUser(ctx context.Context, tx *db.Tx, a audit.Actor, nu NewUser) (int64, string, error) {
	nu.Username = strings.TrimSpace(nu.Username)
	if !usernameRE.MatchString(nu.Username) {
		return 0, "", errs.E(errs.Invalid, "bad_username", msg.T("auth.bad_username"))
	}
	pw := nu.Password
	if pw == "" {
		pw = GeneratePassword()
		nu.MustChange = true
	} else if err := CheckPolicy(pw); err != nil {
		return 0, "", err
	}
	h, err := HashPassword(pw)
	if err != nil {
		return 0, "", errs.Wrap(err, "hash")
	}
	var member any
	if nu.MemberID != 0 {
		member = nu.MemberID
	}
	id, err := tx.Insert(ctx, `INSERT INTO users (username, display_name, password_hash, member_id, must_change, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		nu.Username, nu.DisplayName, h, member, nu.MustChange, tx.Now)
	if errors.Is(err, db.ErrUnique) {
		return 0, "", errs.E(errs.Conflict, "duplicate_user", msg.T("auth.duplicate_user"))
	}
	if err != nil {
		return 0, "", errs.Wrap(err, "create user")
	}
	err = audit.Record(ctx, tx, a, "user.create", nu.Username, audit.Change{After: map[string]any{"username": nu.Username, "display_name": nu.DisplayName, "member_id": nu.MemberID}}, audit.OK)
	return id, pw, err
}

// AddGrant gives userID role on orgID, inside tx.
func AddGrant(ctx context.Context, tx *db.Tx, a audit.Actor, userID int64, role Role, orgID int64) error {
	if !role.Valid() {
		return errs.E(errs.Invalid, "bad_role", msg.T("auth.bad_role"))
	}
	_, err := tx.Exec(ctx, `INSERT INTO role_assignments (user_id, role, org_id, created_at) VALUES (?, ?, ?, ?)`, userID, string(role), orgID, tx.Now)
	if errors.Is(err, db.ErrUnique) {
		return errs.E(errs.Conflict, "duplicate_grant", msg.T("auth.duplicate_grant"))
	}
	if errors.Is(err, db.ErrForeignKey) {
		return errs.E(errs.Invalid, "bad_grant", msg.T("auth.bad_grant"))
	}
	if err != nil {
		return errs.Wrap(err, "grant")
	}
	return audit.Record(ctx, tx, a, "role.grant", userTarget(userID), map[string]any{"role": role, "org_id": orgID}, audit.OK)
}

func userTarget(id int64) string { return "user:" + itoa(id) }

// orgPath reads an org's path; unknown orgs are NotFound.
func orgPath(ctx context.Context, q db.Querier, orgID int64) (string, error) {
	var path string
	err := q.QueryRow(ctx, `SELECT path FROM orgs WHERE id = ?`, orgID).Scan(&path)
	if errors.Is(err, sql.ErrNoRows) {
		return "", errs.NotFoundf(msg.T("noun.org"))
	}
	return path, errs.Wrap(err, "org path")
}

// Grant lets an admin give a role on an org inside their scope.
func (s *Service) Grant(ctx context.Context, p *Principal, userID int64, role Role, orgID int64) error {
	path, err := orgPath(ctx, s.DB, orgID)
	if err != nil {
		return err
	}
	if !p.Covers(path, Admin) {
		return errs.Forbid()
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error { return AddGrant(ctx, tx, p.Actor(), userID, role, orgID) })
}

// Revoke removes a grant inside the admin's scope. An admin cannot remove
// their own admin grant, so the district never loses its last admin by a slip.
func (s *Service) Revoke(ctx context.Context, p *Principal, grantID int64) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		var userID int64
		var role, path string
		err := tx.QueryRow(ctx, `SELECT r.user_id, r.role, o.path FROM role_assignments r JOIN orgs o ON o.id = r.org_id WHERE r.id = ?`, grantID).Scan(&userID, &role, &path)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.NotFoundf(msg.T("noun.grant"))
		}
		if err != nil {
			return errs.Wrap(err, "load grant")
		}
		if !p.Covers(path, Admin) {
			return errs.Forbid()
		}
		if userID == p.UserID && Role(role) == Admin {
			return errs.E(errs.Conflict, "self_revoke", msg.T("auth.self_revoke"))
		}
		if _, err := tx.Exec(ctx, `DELETE FROM role_assignments WHERE id = ?`, grantID); err != nil {
			return errs.Wrap(err, "revoke")
		}
		return audit.Record(ctx, tx, p.Actor(), "role.revoke", userTarget(userID), map[string]any{"role": role, "grant_id": grantID}, audit.OK)
	})
}

// CreateAccount lets an admin (or a secretary, for members of their subtree)
// open a login for a member. The generated password is returned once.
func (s *Service) CreateAccount(ctx context.Context, p *Principal, memberID int64, username string) (int64, string, error) {
	var name, path string
	var orgID int64
	err := s.DB.QueryRow(ctx, `SELECT m.name, m.org_id, o.path FROM members m JOIN orgs o ON o.id = m.org_id WHERE m.id = ?`, memberID).Scan(&name, &orgID, &path)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", errs.NotFoundf(msg.T("noun.member"))
	}
	if err != nil {
		return 0, "", errs.Wrap(err, "load member")
	}
	if !p.Covers(path, Managers...) {
		return 0, "", errs.NotFoundf(msg.T("noun.member"))
	}
	var id int64
	var pw string
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		var err error
		id, pw, err = CreateUser(ctx, tx, p.Actor(), NewUser{Username: username, DisplayName: name, MemberID: memberID})
		if err != nil {
			return err
		}
		return AddGrant(ctx, tx, p.Actor(), id, Member, orgID)
	})
	return id, pw, err
}

// ListUsers returns the accounts with their grants (for the admin's roles page).
func (s *Service) ListUsers(ctx context.Context, p *Principal) ([]User, error) {
	if !p.Has(Admin) {
		return nil, errs.Forbid()
	}
	rows, err := s.DB.Query(ctx, `SELECT id, username, display_name, COALESCE(member_id, 0), must_change, disabled, locked_until IS NOT NULL AND locked_until > ? FROM users ORDER BY id`, s.now())
	if err != nil {
		return nil, errs.Wrap(err, "users")
	}
	defer rows.Close()
	var out []User
	idx := map[int64]int{}
	for rows.Next() {
		var u User
		if err := rows.Scan(&u.ID, &u.Username, &u.DisplayName, &u.MemberID, &u.MustChange, &u.Disabled, &u.Locked); err != nil {
			return nil, errs.Wrap(err, "user scan")
		}
		idx[u.ID] = len(out)
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, errs.Wrap(err, "user rows")
	}
	grows, err := s.DB.Query(ctx, `SELECT r.id, r.user_id, r.role, r.org_id, o.path, o.name FROM role_assignments r JOIN orgs o ON o.id = r.org_id ORDER BY r.id`)
	if err != nil {
		return nil, errs.Wrap(err, "grants")
	}
	defer grows.Close()
	for grows.Next() {
		var g Grant
		var uid int64
		if err := grows.Scan(&g.ID, &uid, &g.Role, &g.OrgID, &g.OrgPath, &g.OrgName); err != nil {
			return nil, errs.Wrap(err, "grant scan")
		}
		if i, ok := idx[uid]; ok {
			out[i].Grants = append(out[i].Grants, g)
		}
	}
	return out, errs.Wrap(grows.Err(), "grant rows")
}

// Unlock clears a lockout (admin).
func (s *Service) Unlock(ctx context.Context, p *Principal, userID int64) error {
	if !p.Has(Admin) {
		return errs.Forbid()
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		r, err := tx.Exec(ctx, `UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?`, userID)
		if err != nil {
			return errs.Wrap(err, "unlock")
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return errs.NotFoundf(msg.T("noun.user"))
		}
		return audit.Record(ctx, tx, p.Actor(), "user.unlock", userTarget(userID), nil, audit.OK)
	})
}

// SetPassword replaces a user's password outright (demo loading and the
// `user` command); the policy still applies.
func SetPassword(ctx context.Context, tx *db.Tx, a audit.Actor, username, pw string, mustChange bool) error {
	if err := CheckPolicy(pw); err != nil {
		return err
	}
	h, err := HashPassword(pw)
	if err != nil {
		return errs.Wrap(err, "hash")
	}
	r, err := tx.Exec(ctx, `UPDATE users SET password_hash = ?, must_change = ?, failed_logins = 0, locked_until = NULL WHERE username = ?`, h, mustChange, username)
	if err != nil {
		return errs.Wrap(err, "set password")
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return errs.NotFoundf(msg.T("noun.user"))
	}
	return audit.Record(ctx, tx, a, "password.set", username, nil, audit.OK)
}
