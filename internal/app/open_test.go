package app_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"xuejiangping/internal/app"
	"xuejiangping/internal/audit"
	"xuejiangping/internal/db"
	"xuejiangping/internal/demo"
)

const demoPW = "Demo@2026x"

func openDemo(t testing.TB, dir string) *app.App {
	t.Helper()
	a, err := app.Open(context.Background(), app.Config{DataDir: dir, Demo: true, DemoPassword: demoPW, Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return a
}

func count(t testing.TB, d *db.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := d.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func TestOpenTwiceKeepsOneDistrict(t *testing.T) {
	dir := t.TempDir()
	a := openDemo(t, dir)
	orgs := count(t, a.DB, `SELECT COUNT(*) FROM orgs`)
	members := count(t, a.DB, `SELECT COUNT(*) FROM members`)
	users := count(t, a.DB, `SELECT COUNT(*) FROM users`)
	_, _, wantMembers := demo.Count(demo.District(1))
	if members != wantMembers {
		t.Errorf("members = %d, want %d", members, wantMembers)
	}
	a.Close()

	for _, cfg := range []app.Config{
		{DataDir: dir, Demo: true, DemoPassword: demoPW},
		{DataDir: dir, Demo: true}, // a generated password would reset nothing
		{DataDir: dir},             // without --demo no bare district is added
	} {
		b, err := app.Open(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		if got := count(t, b.DB, `SELECT COUNT(*) FROM orgs WHERE kind = 'district'`); got != 1 {
			t.Errorf("%+v: districts = %d, want 1", cfg, got)
		}
		if got := count(t, b.DB, `SELECT COUNT(*) FROM orgs`); got != orgs {
			t.Errorf("%+v: orgs = %d, want %d", cfg, got, orgs)
		}
		if got := count(t, b.DB, `SELECT COUNT(*) FROM users`); got != users {
			t.Errorf("%+v: users = %d, want %d", cfg, got, users)
		}
		if got := count(t, b.DB, `SELECT COUNT(*) FROM audit_log WHERE action = 'demo.load'`); got != 1 {
			t.Errorf("%+v: demo loaded %d times", cfg, got)
		}
		b.Close()
	}
	// The demo password still works: the second start changed no account.
	c := openDemo(t, dir)
	defer c.Close()
	if _, _, err := c.Auth.Login(context.Background(), "admin", demoPW, "", ""); err != nil {
		t.Errorf("login after restarts: %v", err)
	}
}

func TestFirstStartWithoutDemo(t *testing.T) {
	var out strings.Builder
	a, err := app.Open(context.Background(), app.Config{DataDir: t.TempDir(), District: "测试区", Out: &out})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if got := count(t, a.DB, `SELECT COUNT(*) FROM orgs WHERE kind = 'district' AND name = '测试区'`); got != 1 {
		t.Errorf("district rows = %d", got)
	}
	if !strings.Contains(out.String(), "首次登录须修改") {
		t.Errorf("first start printed %q", out.String())
	}
	if got := count(t, a.DB, `SELECT COUNT(*) FROM users WHERE username = 'admin' AND must_change`); got != 1 {
		t.Error("generated admin is not forced to change the password")
	}
}

// TestBackupWhileWriting copies a live database while another goroutine
// keeps writing, and checks that the copy opens and is consistent.
func TestBackupWhileWriting(t *testing.T) {
	dir := t.TempDir()
	a := openDemo(t, dir)
	defer a.Close()
	ctx := context.Background()
	orgs := count(t, a.DB, `SELECT COUNT(*) FROM orgs`)

	stop := make(chan struct{})
	var wrote atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if err := audit.RecordNow(ctx, a.DB, audit.System, "test.write", "backup", map[string]int{"i": i}, audit.OK); err != nil {
				t.Errorf("writer: %v", err)
				return
			}
			wrote.Add(1)
		}
	}()
	for wrote.Load() < 20 {
		time.Sleep(time.Millisecond)
	}
	var outs []string
	for i := 0; i < 3; i++ {
		out := filepath.Join(t.TempDir(), "backup.db")
		if err := app.Backup(ctx, a.DB, out); err != nil {
			t.Fatalf("backup %d: %v", i, err)
		}
		outs = append(outs, out)
	}
	close(stop)
	wg.Wait()
	if err := app.Backup(ctx, a.DB, outs[0]); err == nil {
		t.Error("backup over an existing file succeeded; VACUUM INTO should refuse")
	}
	for i, out := range outs {
		b, err := db.Open(ctx, out)
		if err != nil {
			t.Fatalf("open backup %d: %v", i, err)
		}
		if got := count(t, b, `SELECT COUNT(*) FROM orgs`); got != orgs {
			t.Errorf("backup %d: orgs = %d, want %d", i, got, orgs)
		}
		res, err := audit.Verify(ctx, b)
		if err != nil || !res.OK() {
			t.Errorf("backup %d: audit chain %+v %v", i, res, err)
		}
		if res.Entries < 20 {
			t.Errorf("backup %d: only %d audit entries", i, res.Entries)
		}
		b.Close()
	}
	if res, err := audit.Verify(ctx, a.DB); err != nil || !res.OK() {
		t.Errorf("live db after backups: %+v %v", res, err)
	}
}

// TestAuditVerifiesAfterUse drives the app as users would — logins good and
// bad, an org created, a roster exported — and checks the chain, as
// `xuejiangping audit verify` does.
func TestAuditVerifiesAfterUse(t *testing.T) {
	a := openDemo(t, t.TempDir())
	defer a.Close()
	ctx := context.Background()
	if res, err := audit.Verify(ctx, a.DB); err != nil || !res.OK() {
		t.Fatalf("after demo load: %+v %v", res, err)
	}
	cookie := login(t, a.Web, "admin", demoPW)
	login(t, a.Web, "admin", "Wrong#pass1")
	login(t, a.Web, "shuji", demoPW)
	var root int64
	if err := a.DB.QueryRow(ctx, `SELECT id FROM orgs WHERE kind = 'district'`).Scan(&root); err != nil {
		t.Fatal(err)
	}
	form := url.Values{"parent_id": {itoa(root)}, "name": {"测试党委"}, "kind": {"committee"}}
	req := httptest.NewRequest("POST", "/orgs", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(cookie)
	w := httptest.NewRecorder()
	a.Web.ServeHTTP(w, req)
	if w.Code >= 400 {
		t.Errorf("create org: %d %s", w.Code, w.Body.String())
	}
	res, err := audit.Verify(ctx, a.DB)
	if err != nil || !res.OK() {
		t.Fatalf("verify: %+v %v", res, err)
	}
	for _, action := range []string{"demo.load", "login", "org.create"} {
		if n := count(t, a.DB, `SELECT COUNT(*) FROM audit_log WHERE action = ?`, action); n == 0 {
			t.Errorf("no %s entry", action)
		}
	}
	if n := count(t, a.DB, `SELECT COUNT(*) FROM audit_log WHERE action = 'login' AND result = 'failed'`); n != 1 {
		t.Errorf("failed logins audited = %d, want 1", n)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// login posts the login form and returns the session cookie (nil on failure).
func login(t testing.TB, h http.Handler, user, pw string) *http.Cookie {
	t.Helper()
	form := url.Values{"username": {user}, "password": {pw}}
	req := httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	for _, c := range w.Result().Cookies() {
		if c.Name == "xjp_session" && c.Value != "" {
			return c
		}
	}
	return nil
}
