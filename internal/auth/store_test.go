package auth_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/db/dbtest"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/org"
)

const goodPW = "Good#pass1"

func TestCheckPolicy(t *testing.T) {
	cases := []struct {
		pw   string
		want string // a fragment of the Chinese message; "" = accepted
	}{
		{"", "至少需要 8 个字符"},
		{"Ab1!xyz", "至少需要 8 个字符"},
		{"密码Ab1!", "至少需要 8 个字符"}, // 6 runes, more than 8 bytes
		{"abcdefgh", "至少三类"},
		{"abcdefg1", "至少三类"},
		{"ABCDEFG!", "至少三类"},
		{"12345678", "至少三类"},
		{"abcdEFGH", "至少三类"},
		{"abcdEFG1", ""},
		{"abcdefg1!", ""},
		{"ABCDEF1!", ""},
		{"abcDEF!!", ""},
		{"学讲评学讲评Ab", ""}, // Chinese characters count as symbols
		{strings.Repeat("aB1", 43), "不能超过 128 个字符"},
		{strings.Repeat("aB1", 42) + "x!", ""},
	}
	for _, tc := range cases {
		err := auth.CheckPolicy(tc.pw)
		if tc.want == "" {
			if err != nil {
				t.Errorf("CheckPolicy(%q) = %v, want accepted", tc.pw, err)
			}
			continue
		}
		e := errs.As(err)
		if err == nil || e.Code != "weak_password" || !strings.Contains(e.Message, tc.want) {
			t.Errorf("CheckPolicy(%q) = %v, want weak_password mentioning %q", tc.pw, err, tc.want)
		}
	}
	for i := 0; i < 50; i++ {
		if pw := auth.GeneratePassword(); auth.CheckPolicy(pw) != nil {
			t.Fatalf("generated password %q breaks the policy", pw)
		}
	}
}

func TestHashAndCheck(t *testing.T) {
	h1, err := auth.HashPassword(goodPW)
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := auth.HashPassword(goodPW)
	if h1 == h2 {
		t.Error("two hashes of one password are equal: the salt is missing")
	}
	if !strings.HasPrefix(h1, "$argon2id$v=19$") {
		t.Errorf("hash %q is not an argon2id encoding", h1)
	}
	cases := []struct {
		hash, pw string
		want     bool
	}{
		{h1, goodPW, true},
		{h2, goodPW, true},
		{h1, "Good#pass2", false},
		{h1, "", false},
		{"", goodPW, false},
		{"$bcrypt$x", goodPW, false},
		{strings.Replace(h1, "$argon2id$", "$argon2i$", 1), goodPW, false},
		{h1[:strings.LastIndex(h1, "$")] + "$", goodPW, false},
		{strings.Replace(h1, "m=19456", "m=abc", 1), goodPW, false},
	}
	for i, tc := range cases {
		if got := auth.CheckPassword(tc.hash, tc.pw); got != tc.want {
			t.Errorf("case %d: CheckPassword = %v, want %v", i, got, tc.want)
		}
	}
}

func TestCoversAndScopes(t *testing.T) {
	p := &auth.Principal{Grants: []auth.Grant{
		{Role: auth.Secretary, OrgPath: "/1/4/"},
		{Role: auth.Admin, OrgPath: "/1/7/"},
		{Role: auth.Secretary, OrgPath: "/1/4/12/"}, // inside the first
		{Role: auth.Member, OrgPath: "/1/4/12/"},
		{Role: auth.Leader, OrgPath: ""}, // a grant without a path covers nothing
	}}
	covers := []struct {
		path  string
		roles []auth.Role
		want  bool
	}{
		{"/1/4/", []auth.Role{auth.Secretary}, true},
		{"/1/4/12/30/", []auth.Role{auth.Secretary}, true},
		{"/1/", []auth.Role{auth.Secretary}, false},     // above the grant
		{"/1/40/", []auth.Role{auth.Secretary}, false},  // a sibling whose id starts alike
		{"/1/41/", []auth.Role{auth.Secretary}, false},  // ditto
		{"/1/7/9/", []auth.Role{auth.Secretary}, false}, // right place, wrong role
		{"/1/7/9/", []auth.Role{auth.Secretary, auth.Admin}, true},
		{"/1/7/9/", auth.Readers, true},
		{"/1/4/", []auth.Role{auth.Admin}, false},
		{"", auth.Readers, false},
		{"/1/", []auth.Role{auth.Leader}, false},
		{"/1/4/12/", []auth.Role{auth.Member}, true},
		{"/1/4/", []auth.Role{auth.Member}, false},
	}
	for _, tc := range covers {
		if got := p.Covers(tc.path, tc.roles...); got != tc.want {
			t.Errorf("Covers(%q, %v) = %v, want %v", tc.path, tc.roles, got, tc.want)
		}
	}
	var nilP *auth.Principal
	if nilP.Covers("/1/", auth.Admin) || nilP.Has(auth.Admin) {
		t.Error("a nil principal covers something")
	}
	scopes := []struct {
		roles []auth.Role
		want  string
	}{
		{[]auth.Role{auth.Secretary}, "/1/4/"},
		{[]auth.Role{auth.Secretary, auth.Admin}, "/1/4/,/1/7/"},
		{[]auth.Role{auth.Member}, "/1/4/12/"},
		{[]auth.Role{auth.Member, auth.Secretary}, "/1/4/"},
		{[]auth.Role{auth.Auditor}, ""},
		{[]auth.Role{auth.Leader}, ""},
	}
	for _, tc := range scopes {
		if got := strings.Join(p.Scopes(tc.roles...), ","); got != tc.want {
			t.Errorf("Scopes(%v) = %q, want %q", tc.roles, got, tc.want)
		}
	}
	dup := &auth.Principal{Grants: []auth.Grant{{Role: auth.Admin, OrgPath: "/1/"}, {Role: auth.Admin, OrgPath: "/1/"}}}
	if got := dup.Scopes(auth.Admin); len(got) != 1 {
		t.Errorf("duplicate grants give scopes %v, want one", got)
	}
}

// fixture is a small tree with accounts:
//
//	区 (root) ── 甲党委 (a) ── 甲支部 (a1: member 甲一, phone 13900000001, account "alice")
//	         └─ 乙党委 (b) ── 乙支部 (b1)
//
// "root" is admin of the district, "suba" admin of 甲党委.
type fixture struct {
	d                             *db.DB
	s                             *auth.Service
	now                           time.Time
	mu                            sync.Mutex
	root, a, a1, b, b1            int64
	rootUser, subaUser, aliceUser int64
}

func (f *fixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fixture) advance(d time.Duration) {
	f.mu.Lock()
	f.now = f.now.Add(d)
	f.mu.Unlock()
}

func setup(t *testing.T, d *db.DB, cfg auth.Config) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{d: d, now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	f.s = auth.New(d, cfg)
	f.s.Now = f.clock
	err := d.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if f.root, err = org.CreateRoot(ctx, tx, "区"); err != nil {
			return err
		}
		f.a, _ = org.InsertChild(ctx, tx, f.root, "甲党委", org.Committee, 1)
		f.a1, _ = org.InsertChild(ctx, tx, f.a, "甲支部", org.Branch, 1)
		f.b, _ = org.InsertChild(ctx, tx, f.root, "乙党委", org.Committee, 2)
		f.b1, err = org.InsertChild(ctx, tx, f.b, "乙支部", org.Branch, 1)
		if err != nil {
			return err
		}
		mid, err := org.InsertMember(ctx, tx, org.MemberInput{OrgID: f.a1, Name: "甲一", Phone: "13900000001"})
		if err != nil {
			return err
		}
		for _, u := range []struct {
			name   string
			member int64
			role   auth.Role
			org    int64
			id     *int64
		}{
			{"root", 0, auth.Admin, f.root, &f.rootUser},
			{"suba", 0, auth.Admin, f.a, &f.subaUser},
			{"alice", mid, auth.Member, f.a1, &f.aliceUser},
		} {
			id, _, err := auth.CreateUser(ctx, tx, audit.System, auth.NewUser{Username: u.name, DisplayName: u.name, MemberID: u.member, Password: goodPW})
			if err != nil {
				return err
			}
			*u.id = id
			if err := auth.AddGrant(ctx, tx, audit.System, id, u.role, u.org); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("setup: %v", err)
	}
	return f
}

func (f *fixture) login(t *testing.T, who string) (string, *auth.Principal) {
	t.Helper()
	tok, p, err := f.s.Login(context.Background(), who, goodPW, "192.0.2.1", "test")
	if err != nil {
		t.Fatalf("login %s: %v", who, err)
	}
	return tok, p
}

func wantCode(t *testing.T, err error, kind errs.Kind, code string) {
	t.Helper()
	if err == nil {
		t.Fatalf("err = nil, want %s", code)
	}
	e := errs.As(err)
	if e.Kind != kind || e.Code != code {
		t.Fatalf("err = %v (kind %d, code %s), want kind %d code %s", err, e.Kind, e.Code, kind, code)
	}
}

func TestLoginByUsernameAndPhone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, auth.Config{})
		ctx := context.Background()
		for _, login := range []string{"alice", " alice ", "13900000001"} {
			tok, p, err := f.s.Login(ctx, login, goodPW, "192.0.2.9", "ua")
			if err != nil {
				t.Fatalf("login %q: %v", login, err)
			}
			if p.UserID != f.aliceUser || p.Username != "alice" || p.MemberOrgID != f.a1 || tok == "" {
				t.Errorf("login %q gave %+v", login, p)
			}
			if len(p.Grants) != 1 || p.Grants[0].Role != auth.Member || p.Grants[0].OrgPath == "" {
				t.Errorf("grants = %+v", p.Grants)
			}
			again, err := f.s.Authenticate(ctx, tok, "192.0.2.9")
			if err != nil || again.UserID != f.aliceUser {
				t.Errorf("authenticate: %v %+v", err, again)
			}
		}
		// A phone that belongs to no account, an unknown name, a wrong password.
		for _, tc := range []struct{ login, pw, code string }{
			{"13900000002", goodPW, "bad_credentials"},
			{"nobody", goodPW, "bad_credentials"},
			{"alice", "Wrong#pass1", "bad_credentials"},
			{"", goodPW, "login_required"},
			{"alice", "", "login_required"},
		} {
			_, _, err := f.s.Login(ctx, tc.login, tc.pw, "192.0.2.9", "")
			if !errs.Is(err, tc.code) {
				t.Errorf("login %q/%q = %v, want %s", tc.login, tc.pw, err, tc.code)
			}
		}
		if _, err := f.s.Authenticate(ctx, "not-a-token", ""); !errs.Is(err, "login_required") {
			t.Errorf("unknown token = %v", err)
		}
	})
}

func TestLockout(t *testing.T) {
	cases := []struct {
		name     string
		cfg      auth.Config
		failures int
		lockFor  time.Duration
	}{
		{"default 5 failures, 30 minutes", auth.Config{}, 5, 30 * time.Minute},
		{"configured 3 failures, 10 minutes", auth.Config{MaxFailures: 3, LockFor: 10 * time.Minute}, 3, 10 * time.Minute},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				f := setup(t, d, tc.cfg)
				ctx := context.Background()
				for i := 1; i < tc.failures; i++ {
					_, _, err := f.s.Login(ctx, "alice", "Wrong#pass1", "192.0.2.7", "")
					wantCode(t, err, errs.Unauthorized, "bad_credentials")
					if !strings.Contains(errs.As(err).Message, "再失败") {
						t.Errorf("failure %d message %q does not warn of the lockout", i, errs.As(err).Message)
					}
				}
				_, _, err := f.s.Login(ctx, "alice", "Wrong#pass1", "192.0.2.7", "")
				wantCode(t, err, errs.Locked, "account_locked")
				if msg := errs.As(err).Message; !strings.Contains(msg, "锁定") {
					t.Errorf("lock message %q", msg)
				}
				// The right password does not open a locked account, by
				// username or by phone, up to the last second.
				f.advance(tc.lockFor - time.Second)
				for _, login := range []string{"alice", "13900000001"} {
					_, _, err = f.s.Login(ctx, login, goodPW, "192.0.2.7", "")
					wantCode(t, err, errs.Locked, "account_locked")
				}
				// Other accounts are unaffected.
				f.login(t, "suba")
				f.advance(2 * time.Second)
				_, p := f.login(t, "alice")
				if p.UserID != f.aliceUser {
					t.Fatalf("after the lock expired login gave %+v", p)
				}
				// The counter restarted: one failure does not lock again.
				_, _, err = f.s.Login(ctx, "alice", "Wrong#pass1", "192.0.2.7", "")
				wantCode(t, err, errs.Unauthorized, "bad_credentials")
			})
		})
	}
}

func TestSuccessResetsFailures(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, auth.Config{MaxFailures: 3})
		ctx := context.Background()
		for round := 0; round < 3; round++ {
			for i := 0; i < 2; i++ {
				_, _, err := f.s.Login(ctx, "alice", "Wrong#pass1", "", "")
				wantCode(t, err, errs.Unauthorized, "bad_credentials")
			}
			f.login(t, "alice")
		}
	})
}

func TestIdleTimeout(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, auth.Config{IdleTimeout: 30 * time.Minute})
		ctx := context.Background()
		tok, _ := f.login(t, "alice")
		// Each use within the timeout keeps the session alive.
		for i := 0; i < 3; i++ {
			f.advance(29 * time.Minute)
			if _, err := f.s.Authenticate(ctx, tok, ""); err != nil {
				t.Fatalf("use %d after 29 min: %v", i, err)
			}
		}
		f.advance(31 * time.Minute)
		_, err := f.s.Authenticate(ctx, tok, "")
		wantCode(t, err, errs.Unauthorized, "session_expired")
		if !strings.Contains(errs.As(err).Message, "过期") {
			t.Errorf("message %q", errs.As(err).Message)
		}
		// The session is gone for good.
		f.advance(-31 * time.Minute)
		_, err = f.s.Authenticate(ctx, tok, "")
		wantCode(t, err, errs.Unauthorized, "login_required")
	})
}

func TestLogout(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, auth.Config{})
		ctx := context.Background()
		tok, p := f.login(t, "alice")
		if err := f.s.Logout(ctx, p); err != nil {
			t.Fatal(err)
		}
		_, err := f.s.Authenticate(ctx, tok, "")
		wantCode(t, err, errs.Unauthorized, "login_required")
	})
}

func TestChangePassword(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, auth.Config{})
		ctx := context.Background()
		tok1, p1 := f.login(t, "alice")
		tok2, _ := f.login(t, "13900000001")
		tokOther, _ := f.login(t, "suba")

		wantCode(t, f.s.ChangePassword(ctx, p1, "Wrong#pass1", "New#pass2026"), errs.Unprocessable, "bad_old_password")
		wantCode(t, f.s.ChangePassword(ctx, p1, goodPW, goodPW), errs.Unprocessable, "same_password")
		wantCode(t, f.s.ChangePassword(ctx, p1, goodPW, "short"), errs.Unprocessable, "weak_password")
		// Nothing changed so far: both sessions live.
		for _, tok := range []string{tok1, tok2} {
			if _, err := f.s.Authenticate(ctx, tok, ""); err != nil {
				t.Fatalf("session ended by a refused change: %v", err)
			}
		}
		if err := f.s.ChangePassword(ctx, p1, goodPW, "New#pass2026"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Authenticate(ctx, tok1, ""); err != nil {
			t.Errorf("the changing session ended: %v", err)
		}
		_, err := f.s.Authenticate(ctx, tok2, "")
		wantCode(t, err, errs.Unauthorized, "login_required")
		if _, err := f.s.Authenticate(ctx, tokOther, ""); err != nil {
			t.Errorf("another user's session ended: %v", err)
		}
		_, _, err = f.s.Login(ctx, "alice", goodPW, "", "")
		wantCode(t, err, errs.Unauthorized, "bad_credentials")
		if _, _, err := f.s.Login(ctx, "alice", "New#pass2026", "", ""); err != nil {
			t.Errorf("login with the new password: %v", err)
		}
		es, _ := audit.List(ctx, d, audit.Filter{Action: "password.change"})
		if len(es) != 1 || es[0].ActorID != f.aliceUser {
			t.Errorf("password.change audit = %+v", es)
		}
	})
}

func TestGrantRevoke(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, auth.Config{})
		ctx := context.Background()
		_, root := f.login(t, "root")
		_, suba := f.login(t, "suba")
		_, alice := f.login(t, "alice")

		// suba may grant inside 甲党委 only.
		if err := f.s.Grant(ctx, suba, f.aliceUser, auth.Secretary, f.a1); err != nil {
			t.Fatalf("grant in scope: %v", err)
		}
		wantCode(t, f.s.Grant(ctx, suba, f.aliceUser, auth.Secretary, f.b1), errs.Forbidden, "forbidden")
		wantCode(t, f.s.Grant(ctx, suba, f.aliceUser, auth.Secretary, f.root), errs.Forbidden, "forbidden")
		wantCode(t, f.s.Grant(ctx, alice, f.aliceUser, auth.Admin, f.a1), errs.Forbidden, "forbidden")
		wantCode(t, f.s.Grant(ctx, suba, f.aliceUser, auth.Secretary, f.a1), errs.Conflict, "duplicate_grant")
		wantCode(t, f.s.Grant(ctx, suba, f.aliceUser, auth.Role("king"), f.a1), errs.Invalid, "bad_role")
		wantCode(t, f.s.Grant(ctx, root, f.aliceUser, auth.Secretary, 99999), errs.NotFound, "not_found")
		if err := f.s.Grant(ctx, root, f.aliceUser, auth.Leader, f.b1); err != nil {
			t.Fatalf("root grants anywhere: %v", err)
		}
		_, alice = f.login(t, "alice")
		grant := map[auth.Role]int64{}
		for _, g := range alice.Grants {
			grant[g.Role] = g.ID
		}
		if len(grant) != 3 {
			t.Fatalf("alice grants = %+v", alice.Grants)
		}
		// suba cannot revoke outside its subtree; root can.
		wantCode(t, f.s.Revoke(ctx, suba, grant[auth.Leader]), errs.Forbidden, "forbidden")
		if err := f.s.Revoke(ctx, root, grant[auth.Leader]); err != nil {
			t.Fatal(err)
		}
		if err := f.s.Revoke(ctx, suba, grant[auth.Secretary]); err != nil {
			t.Fatal(err)
		}
		wantCode(t, f.s.Revoke(ctx, suba, grant[auth.Secretary]), errs.NotFound, "not_found")
		// Nobody revokes their own admin grant; root may revoke suba's.
		wantCode(t, f.s.Revoke(ctx, root, root.Grants[0].ID), errs.Conflict, "self_revoke")
		wantCode(t, f.s.Revoke(ctx, suba, suba.Grants[0].ID), errs.Conflict, "self_revoke")
		if err := f.s.Revoke(ctx, root, suba.Grants[0].ID); err != nil {
			t.Fatal(err)
		}
		_, alice = f.login(t, "alice")
		if len(alice.Grants) != 1 || alice.Grants[0].Role != auth.Member {
			t.Errorf("alice grants after revokes = %+v", alice.Grants)
		}
		grants, _ := audit.List(ctx, d, audit.Filter{Action: "role.grant", Actor: "(root)"})
		revokes, _ := audit.List(ctx, d, audit.Filter{Action: "role.revoke"})
		if len(grants) != 1 || len(revokes) != 3 {
			t.Errorf("audit: %d grants by root, %d revokes; want 1, 3", len(grants), len(revokes))
		}
	})
}

func TestEveryLoginAudited(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, auth.Config{MaxFailures: 2})
		ctx := context.Background()
		attempts := []struct {
			login, pw, ip string
			result        string
			detail        string
		}{
			{"alice", goodPW, "192.0.2.1", audit.OK, ""},
			{"ghost", goodPW, "192.0.2.2", audit.Failed, "unknown user"},
			{"alice", "Wrong#pass1", "192.0.2.3", audit.Failed, "bad password"},
			{"13900000001", "Wrong#pass1", "192.0.2.4", audit.Failed, "bad password"}, // locks
			{"alice", goodPW, "192.0.2.5", audit.Failed, "locked"},
		}
		for _, a := range attempts {
			_, _, _ = f.s.Login(ctx, a.login, a.pw, a.ip, "")
		}
		es, err := audit.List(ctx, d, audit.Filter{Action: "login"})
		if err != nil {
			t.Fatal(err)
		}
		if len(es) != len(attempts) {
			t.Fatalf("login entries = %d, want %d", len(es), len(attempts))
		}
		for i, a := range attempts {
			e := es[len(es)-1-i]
			if e.Result != a.result || e.IP != a.ip || e.Detail != a.detail {
				t.Errorf("attempt %d (%s from %s) audited as %+v", i, a.login, a.ip, e)
			}
			if a.login != "ghost" && e.ActorID != f.aliceUser {
				t.Errorf("attempt %d actor id = %d, want alice", i, e.ActorID)
			}
		}
		if res, _ := audit.Verify(ctx, d); !res.OK() {
			t.Errorf("verify: %+v", res)
		}
	})
}

// TestLoginDoesNotRevealAccounts: a name without an account gets, attempt
// by attempt, the same codes and messages as a real account with a wrong
// password, including the lock; a disabled account looks like any other
// until the right password is given.
func TestLoginDoesNotRevealAccounts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, auth.Config{MaxFailures: 3, LockFor: 10 * time.Minute})
		ctx := context.Background()
		answers := func(login string) []string {
			var out []string
			for i := 0; i < 4; i++ {
				_, _, err := f.s.Login(ctx, login, "Wrong#pass1", "192.0.2.5", "")
				e := errs.As(err)
				out = append(out, e.Code+" "+e.Message)
			}
			return out
		}
		real, ghost := answers("alice"), answers("nobody-here")
		for i := range real {
			if real[i] != ghost[i] {
				t.Errorf("attempt %d: account %q, unknown name %q", i+1, real[i], ghost[i])
			}
		}
		if !strings.HasPrefix(ghost[2], "account_locked") || !strings.HasPrefix(ghost[3], "account_locked") {
			t.Errorf("unknown name was not locked like an account: %q", ghost)
		}
		// After the lock period the unknown name starts over, like an account.
		f.advance(10*time.Minute + time.Second)
		_, _, err := f.s.Login(ctx, "nobody-here", "Wrong#pass1", "", "")
		if e := errs.As(err); e.Code != "bad_credentials" || !strings.Contains(e.Message, "再失败 2 次") {
			t.Errorf("after the lock: %v", err)
		}

		if _, err := d.SQL().ExecContext(ctx, `UPDATE users SET disabled = TRUE WHERE username = 'suba'`); err != nil {
			t.Fatal(err)
		}
		_, _, err = f.s.Login(ctx, "suba", "Wrong#pass1", "", "")
		wantCode(t, err, errs.Unauthorized, "bad_credentials")
		_, _, err = f.s.Login(ctx, "suba", goodPW, "", "")
		wantCode(t, err, errs.Forbidden, "account_disabled")
	})
}
