package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"time"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
)

// Config holds the security settings of logins.
type Config struct {
	MaxFailures int           // failed logins before the account locks (default 5)
	LockFor     time.Duration // how long it stays locked (default 30 min)
	IdleTimeout time.Duration // a session unused this long ends (default 30 min)
}

func (c Config) withDefaults() Config {
	if c.MaxFailures <= 0 {
		c.MaxFailures = 5
	}
	if c.LockFor <= 0 {
		c.LockFor = 30 * time.Minute
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = 30 * time.Minute
	}
	return c
}

// Service is accounts and login sessions.
type Service struct {
	DB  *db.DB
	Cfg Config
	Now func() time.Time // for tests; time.Now by default

	ghosts ghosts // failure counts of names without an account
}

// New returns a Service.
func New(d *db.DB, cfg Config) *Service {
	return &Service{DB: d, Cfg: cfg.withDefaults(), Now: time.Now}
}

func (s *Service) now() time.Time { return s.Now().UTC() }

// HashToken is how a session token is stored.
func HashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

func newToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

type account struct {
	id          int64
	username    string
	hash        string
	failed      int
	lockedUntil sql.NullTime
	disabled    bool
}

// Login checks a username (or a member's phone) and password. On success it
// opens a session and returns its token. Every attempt is audited; failures
// count towards the lockout even though the call returns an error.
func (s *Service) Login(ctx context.Context, login, password, ip, userAgent string) (string, *Principal, error) {
	login = strings.TrimSpace(login)
	if login == "" || password == "" {
		return "", nil, errs.E(errs.Invalid, "login_required", msg.T("auth.login_required"))
	}
	now := s.now()
	var token string
	var loginErr error
	err := s.DB.InTx(ctx, func(tx *db.Tx) error {
		a, err := findAccount(ctx, tx, login)
		actor := audit.Actor{Name: login, IP: ip}
		if errors.Is(err, sql.ErrNoRows) {
			// Answer exactly as for a real account with a wrong password.
			CheckPassword(dummyHash, password)
			failed, until := s.ghosts.get(login)
			if until.After(now) {
				loginErr = s.lockedErr(until, now)
				return audit.Record(ctx, tx, actor, "login", login, "unknown user", audit.Failed)
			}
			var lockUntil time.Time
			failed, lockUntil, loginErr = s.failure(failed, now)
			s.ghosts.set(login, failed, lockUntil, now)
			return audit.Record(ctx, tx, actor, "login", login, "unknown user", audit.Failed)
		}
		if err != nil {
			return errs.Wrap(err, "find account")
		}
		actor.UserID = a.id
		actor.Name = a.username
		if a.lockedUntil.Valid && a.lockedUntil.Time.After(now) {
			loginErr = s.lockedErr(a.lockedUntil.Time, now)
			return audit.Record(ctx, tx, actor, "login", a.username, "locked", audit.Failed)
		}
		if !CheckPassword(a.hash, password) {
			failed, lockUntil, lerr := s.failure(a.failed, now)
			var until any
			if !lockUntil.IsZero() {
				until = lockUntil
			}
			if _, err := tx.Exec(ctx, `UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?`, failed, until, a.id); err != nil {
				return errs.Wrap(err, "count failure")
			}
			loginErr = lerr
			return audit.Record(ctx, tx, actor, "login", a.username, "bad password", audit.Failed)
		}
		// Only someone who knows the password learns that the account is
		// disabled; to anyone else it looks like any other account.
		if a.disabled {
			loginErr = errs.E(errs.Forbidden, "account_disabled", msg.T("auth.account_disabled"))
			return audit.Record(ctx, tx, actor, "login", a.username, "disabled", audit.Failed)
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?`, a.id); err != nil {
			return errs.Wrap(err, "reset failures")
		}
		token = newToken()
		if len(userAgent) > 300 {
			userAgent = userAgent[:300]
		}
		if _, err := tx.Exec(ctx, `INSERT INTO login_sessions (token_hash, user_id, created_at, last_seen, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?)`,
			HashToken(token), a.id, now, now, ip, userAgent); err != nil {
			return errs.Wrap(err, "open session")
		}
		return audit.Record(ctx, tx, actor, "login", a.username, nil, audit.OK)
	})
	if err != nil {
		return "", nil, err
	}
	if loginErr != nil {
		return "", nil, loginErr
	}
	p, err := s.Authenticate(ctx, token, ip)
	return token, p, err
}

// failure counts one more failed login after failed earlier ones: the new
// count to store, the lock's end if this one locks (zero otherwise), and
// the message. Known and unknown names go through here alike.
func (s *Service) failure(failed int, now time.Time) (int, time.Time, error) {
	failed++
	if failed >= s.Cfg.MaxFailures {
		return 0, now.Add(s.Cfg.LockFor), errs.E(errs.Locked, "account_locked", msg.T("auth.account_locked", s.Cfg.MaxFailures, int(s.Cfg.LockFor.Minutes())))
	}
	return failed, time.Time{}, errs.E(errs.Unauthorized, "bad_credentials", msg.T("auth.bad_credentials", s.Cfg.MaxFailures-failed, int(s.Cfg.LockFor.Minutes())))
}

func (s *Service) lockedErr(until, now time.Time) error {
	mins := int(until.Sub(now).Minutes()) + 1
	return errs.E(errs.Locked, "account_locked", msg.T("auth.account_locked.wait", mins))
}

func findAccount(ctx context.Context, q db.Querier, login string) (account, error) {
	var a account
	err := q.QueryRow(ctx, `SELECT u.id, u.username, u.password_hash, u.failed_logins, u.locked_until, u.disabled
		FROM users u LEFT JOIN members m ON m.id = u.member_id
		WHERE u.username = ? OR (m.phone = ? AND m.phone <> '')
		ORDER BY CASE WHEN u.username = ? THEN 0 ELSE 1 END LIMIT 1`, login, login, login).
		Scan(&a.id, &a.username, &a.hash, &a.failed, &a.lockedUntil, &a.disabled)
	return a, err
}

// Logout ends the session.
func (s *Service) Logout(ctx context.Context, p *Principal) error {
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM login_sessions WHERE token_hash = ?`, p.SessionHash); err != nil {
			return errs.Wrap(err, "logout")
		}
		return audit.Record(ctx, tx, p.Actor(), "logout", p.Username, nil, audit.OK)
	})
}

// Authenticate turns a session token into its principal, ending sessions
// idle for longer than the timeout. last_seen is written at most once a
// minute, so ordinary page views are reads.
func (s *Service) Authenticate(ctx context.Context, token, ip string) (*Principal, error) {
	if token == "" {
		return nil, errs.E(errs.Unauthorized, "login_required", msg.T("auth.login_required.session"))
	}
	h := HashToken(token)
	now := s.now()
	p := &Principal{SessionHash: h, IP: ip}
	var lastSeen time.Time
	var memberID, memberOrg sql.NullInt64
	var memberPath sql.NullString
	var disabled bool
	err := s.DB.QueryRow(ctx, `SELECT u.id, u.username, u.display_name, u.must_change, u.disabled, s.last_seen, u.member_id, m.org_id, o.path
		FROM login_sessions s JOIN users u ON u.id = s.user_id
		LEFT JOIN members m ON m.id = u.member_id LEFT JOIN orgs o ON o.id = m.org_id
		WHERE s.token_hash = ?`, h).
		Scan(&p.UserID, &p.Username, &p.DisplayName, &p.MustChange, &disabled, &lastSeen, &memberID, &memberOrg, &memberPath)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && disabled) {
		return nil, errs.E(errs.Unauthorized, "login_required", msg.T("auth.login_required.session"))
	}
	if err != nil {
		return nil, errs.Wrap(err, "session")
	}
	if now.Sub(lastSeen) > s.Cfg.IdleTimeout {
		_, _ = s.DB.Exec(ctx, `DELETE FROM login_sessions WHERE token_hash = ?`, h)
		return nil, errs.E(errs.Unauthorized, "session_expired", msg.T("auth.session_expired"))
	}
	if now.Sub(lastSeen) > time.Minute {
		if _, err := s.DB.Exec(ctx, `UPDATE login_sessions SET last_seen = ? WHERE token_hash = ?`, now, h); err != nil {
			return nil, errs.Wrap(err, "touch session")
		}
	}
	p.MemberID, p.MemberOrgID, p.MemberOrgPath = memberID.Int64, memberOrg.Int64, memberPath.String
	p.Grants, err = grantsOf(ctx, s.DB, p.UserID)
	return p, err
}

func grantsOf(ctx context.Context, q db.Querier, userID int64) ([]Grant, error) {
	rows, err := q.Query(ctx, `SELECT r.id, r.role, r.org_id, o.path, o.name FROM role_assignments r JOIN orgs o ON o.id = r.org_id
		WHERE r.user_id = ? ORDER BY r.id`, userID)
	if err != nil {
		return nil, errs.Wrap(err, "grants")
	}
	defer rows.Close()
	var out []Grant
	for rows.Next() {
		var g Grant
		if err := rows.Scan(&g.ID, &g.Role, &g.OrgID, &g.OrgPath, &g.OrgName); err != nil {
			return nil, errs.Wrap(err, "grant scan")
		}
		out = append(out, g)
	}
	return out, errs.Wrap(rows.Err(), "grant rows")
}

// ChangePassword replaces p's password after checking the old one; it ends
// the user's other sessions.
func (s *Service) ChangePassword(ctx context.Context, p *Principal, oldPW, newPW string) error {
	var hash string
	if err := s.DB.QueryRow(ctx, `SELECT password_hash FROM users WHERE id = ?`, p.UserID).Scan(&hash); err != nil {
		return errs.Wrap(err, "load password")
	}
	if !CheckPassword(hash, oldPW) {
		return errs.E(errs.Unprocessable, "bad_old_password", msg.T("auth.bad_old_password"))
	}
	if oldPW == newPW {
		return errs.E(errs.Unprocessable, "same_password", msg.T("auth.same_password"))
	}
	if err := CheckPolicy(newPW); err != nil {
		return err
	}
	nh, err := HashPassword(newPW)
	if err != nil {
		return errs.Wrap(err, "hash")
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE users SET password_hash = ?, must_change = FALSE WHERE id = ?`, nh, p.UserID); err != nil {
			return errs.Wrap(err, "set password")
		}
		if _, err := tx.Exec(ctx, `DELETE FROM login_sessions WHERE user_id = ? AND token_hash <> ?`, p.UserID, p.SessionHash); err != nil {
			return errs.Wrap(err, "end other sessions")
		}
		return audit.Record(ctx, tx, p.Actor(), "password.change", p.Username, nil, audit.OK)
	})
}
