package web_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/xuri/excelize/v2"

	"xuejiangping/internal/app"
	"xuejiangping/internal/demo"
	"xuejiangping/internal/org"
)

// demoPW is the password of every demo account in these tests.
const demoPW = "Demo@2026x"

// envPostgres names the DSN of a PostgreSQL server for tests (as in dbtest).
const envPostgres = "XUEJIANGPING_TEST_POSTGRES"

// harness is the whole platform with the demo district, served by an
// httptest server, plus the ids of the demo fixtures the tests need.
type harness struct {
	t     *testing.T
	app   *app.App
	srv   *httptest.Server
	hc    *http.Client
	clock *clock
	fx    fixtures
}

// fixtures are ids read from the demo district.
type fixtures struct {
	Root     int64 // the district
	BranchA  int64 // 区人社局机关党支部: shuji's and dangyuan's branch
	BranchB  int64 // another branch (an activity unit) under another committee
	Dang     int64 // dangyuan's member id
	Shuji    int64 // shuji's member id
	MemberB  int64 // a member of BranchB without an account
	MemberB2 int64 // another member of BranchB without an account
}

// clock is a settable time for auth.Service.Now, safe across goroutines.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// engine is "sqlite" or "postgres".
type engine string

// engines lists the databases to run on: SQLite always, PostgreSQL when
// XUEJIANGPING_TEST_POSTGRES is set.
func engines() []engine {
	out := []engine{"sqlite"}
	if os.Getenv(envPostgres) != "" {
		out = append(out, "postgres")
	}
	return out
}

// newHarness opens the app with the demo district on SQLite.
func newHarness(t *testing.T, opts ...func(*app.Config)) *harness {
	return newHarnessOn(t, "sqlite", opts...)
}

// newHarnessOn opens the app with the demo district on the given engine
// (PostgreSQL: a fresh schema, dropped afterwards) with a settable clock.
func newHarnessOn(t *testing.T, eng engine, opts ...func(*app.Config)) *harness {
	t.Helper()
	cfg := app.Config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), Demo: true, DemoPassword: demoPW}
	if eng == "postgres" {
		cfg.DSN = pgSchema(t)
	} else {
		// Loading the demo district takes seconds under -race; every
		// harness starts from a copy of one loaded database instead.
		b := demoTemplate(t)
		if err := os.WriteFile(cfg.DSNOrDefault(), b, 0o600); err != nil {
			t.Fatalf("copy demo database: %v", err)
		}
	}
	for _, o := range opts {
		o(&cfg)
	}
	a, err := app.Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("open app: %v", err)
	}
	h := &harness{t: t, app: a, clock: &clock{now: time.Now()}}
	a.Auth.Now = h.clock.Now
	h.srv = httptest.NewServer(a.Web)
	t.Cleanup(func() {
		h.srv.Close()
		a.Close()
	})
	h.hc = &http.Client{
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	h.fx = h.readFixtures()
	return h
}

var demoDB struct {
	once sync.Once
	b    []byte
	err  error
}

// demoTemplate returns an SQLite database file with the demo district
// loaded, built once per test binary.
func demoTemplate(t *testing.T) []byte {
	t.Helper()
	demoDB.once.Do(func() {
		dir, err := os.MkdirTemp("", "xjp-web-test-")
		if err != nil {
			demoDB.err = err
			return
		}
		defer os.RemoveAll(dir)
		a, err := app.Open(context.Background(), app.Config{DataDir: dir, Demo: true, DemoPassword: demoPW})
		if err != nil {
			demoDB.err = err
			return
		}
		out := filepath.Join(dir, "copy.db")
		err = app.Backup(context.Background(), a.DB, out)
		a.Close()
		if err != nil {
			demoDB.err = err
			return
		}
		demoDB.b, demoDB.err = os.ReadFile(out)
	})
	if demoDB.err != nil {
		t.Fatalf("build the demo database: %v", demoDB.err)
	}
	return demoDB.b
}

// with returns a copy of h that reports to t (for parallel subtests).
func (h *harness) with(t *testing.T) *harness {
	c := *h
	c.t = t
	return &c
}

// pgSchema creates a schema on the test server and returns a DSN that uses it.
func pgSchema(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv(envPostgres)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "web_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if a, err := sql.Open("pgx", dsn); err == nil {
			_, _ = a.Exec("DROP SCHEMA " + schema + " CASCADE")
			a.Close()
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("parse dsn: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func (h *harness) readFixtures() fixtures {
	h.t.Helper()
	var fx fixtures
	fx.Root = h.id(`SELECT id FROM orgs WHERE parent_id IS NULL`)
	fx.BranchA = h.id(`SELECT id FROM orgs WHERE name = ?`, demo.DemoBranch)
	fx.Dang = h.id(`SELECT member_id FROM users WHERE username = ?`, demo.LoginMember)
	fx.Shuji = h.id(`SELECT member_id FROM users WHERE username = ?`, demo.LoginSecretary)
	// Another activity unit: a branch without groups, under a committee
	// other than BranchA's, with at least four members.
	fx.BranchB = h.id(`SELECT o.id FROM orgs o
		WHERE o.kind = 'branch' AND o.name <> ? AND o.name <> ?
		AND NOT EXISTS (SELECT 1 FROM orgs g WHERE g.parent_id = o.id)
		AND o.parent_id <> (SELECT parent_id FROM orgs WHERE id = ?)
		AND (SELECT COUNT(*) FROM members m WHERE m.org_id = o.id) >= 4
		ORDER BY o.id LIMIT 1`, demo.DemoBranch, demo.OversizeBranch, fx.BranchA)
	fx.MemberB = h.id(`SELECT MIN(id) FROM members WHERE org_id = ?`, fx.BranchB)
	fx.MemberB2 = h.id(`SELECT MIN(id) FROM members WHERE org_id = ? AND id > ?`, fx.BranchB, fx.MemberB)
	return fx
}

// id runs a query returning one integer and fails the test if it cannot.
func (h *harness) id(q string, args ...any) int64 {
	h.t.Helper()
	var n sql.NullInt64
	if err := h.app.DB.QueryRow(context.Background(), q, args...).Scan(&n); err != nil || !n.Valid || n.Int64 == 0 {
		h.t.Fatalf("fixture query %q %v: %v (got %v)", q, args, err, n)
	}
	return n.Int64
}

// count runs a COUNT query.
func (h *harness) count(q string, args ...any) int {
	h.t.Helper()
	var n int
	if err := h.app.DB.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		h.t.Fatalf("count %q: %v", q, err)
	}
	return n
}

func (h *harness) members() int { return h.count(`SELECT COUNT(*) FROM members`) }

// upload is a multipart file body (field "file").
type upload struct {
	Name string
	Data []byte
}

// resp is a response with its body read.
type resp struct {
	*http.Response
	Body []byte
}

func (r resp) String() string {
	b := string(r.Body)
	if len(b) > 400 {
		b = b[:400] + "…"
	}
	return fmt.Sprintf("%d %s", r.StatusCode, b)
}

// apiError is the JSON error shape.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Fields  []struct {
			Row    int    `json:"row"`
			Field  string `json:"field"`
			Reason string `json:"reason"`
		} `json:"fields"`
	} `json:"error"`
}

// do sends a request. body is nil, a string (raw JSON), url.Values (a
// form), an upload (multipart) or any other value (marshalled as JSON).
// token is the session cookie ("" for anonymous). Extra headers come in
// name, value pairs. Redirects are not followed.
func (h *harness) do(method, path, token string, body any, hdr ...string) resp {
	h.t.Helper()
	var rd io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case string:
		rd, ctype = strings.NewReader(b), "application/json"
	case url.Values:
		rd, ctype = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	case upload:
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, err := mw.CreateFormFile("file", b.Name)
		if err != nil {
			h.t.Fatal(err)
		}
		_, _ = fw.Write(b.Data)
		_ = mw.Close()
		rd, ctype = &buf, mw.FormDataContentType()
	default:
		j, err := json.Marshal(b)
		if err != nil {
			h.t.Fatal(err)
		}
		rd, ctype = bytes.NewReader(j), "application/json"
	}
	req, err := http.NewRequest(method, h.srv.URL+path, rd)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.AddCookie(&http.Cookie{Name: "xjp_session", Value: token})
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := h.hc.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		h.t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return resp{Response: res, Body: b}
}

// json decodes the body into v, failing the test if it is not JSON.
func (r resp) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("response is not JSON (%v): %s", err, r)
	}
}

// apiErr decodes a JSON error and checks its shape: a code and a Chinese message.
func (r resp) apiErr(t *testing.T) apiError {
	t.Helper()
	var e apiError
	r.json(t, &e)
	if e.Error.Code == "" || !hasHan(e.Error.Message) {
		t.Errorf("error body lacks a code or a Chinese message: %s", r)
	}
	return e
}

// expect fails the test unless the status is want.
func (r resp) expect(t *testing.T, want int, what string) {
	t.Helper()
	if r.StatusCode != want {
		t.Fatalf("%s: status %d, want %d: %s", what, r.StatusCode, want, r)
	}
}

// hasHan reports whether s contains a Chinese character.
func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// sessionToken returns the session cookie a response sets, or "".
func sessionToken(r resp) string {
	for _, c := range r.Cookies() {
		if c.Name == "xjp_session" && c.MaxAge >= 0 {
			return c.Value
		}
	}
	return ""
}

// login logs in through the API and returns the session token.
func (h *harness) login(user, pw string) string {
	h.t.Helper()
	r := h.do("POST", "/api/v1/session", "", map[string]string{"username": user, "password": pw})
	r.expect(h.t, http.StatusOK, "login "+user)
	tok := sessionToken(r)
	if tok == "" {
		h.t.Fatalf("login %s: no session cookie", user)
	}
	return tok
}

// newAccount opens a login for a member as the admin and returns the user
// id and the generated initial password.
func (h *harness) newAccount(adminTok string, memberID int64, username string) (int64, string) {
	h.t.Helper()
	r := h.do("POST", fmt.Sprintf("/api/v1/members/%d/account", memberID), adminTok, map[string]string{"username": username})
	r.expect(h.t, http.StatusCreated, "create account "+username)
	var out struct {
		UserID   int64  `json:"user_id"`
		Password string `json:"initial_password"`
		Must     bool   `json:"must_change"`
	}
	r.json(h.t, &out)
	if out.UserID == 0 || out.Password == "" || !out.Must {
		h.t.Fatalf("create account %s: unexpected answer %s", username, r)
	}
	return out.UserID, out.Password
}

// addSecretary makes a member of orgID a secretary of orgID with a known
// password, the way an admin would: an account, a grant, then the first
// login's forced password change. It returns a session token.
func (h *harness) addSecretary(adminTok string, memberID, orgID int64, username, pw string) string {
	h.t.Helper()
	uid, initial := h.newAccount(adminTok, memberID, username)
	r := h.do("POST", fmt.Sprintf("/api/v1/users/%d/roles", uid), adminTok, map[string]any{"role": "secretary", "org_id": orgID})
	r.expect(h.t, http.StatusNoContent, "grant secretary")
	tok := h.login(username, initial)
	r = h.do("POST", "/api/v1/me/password", tok, map[string]string{"old_password": initial, "new_password": pw})
	r.expect(h.t, http.StatusNoContent, "change initial password")
	return tok
}

// rosterXLSX builds a roster spreadsheet with the template's headers.
func rosterXLSX(t *testing.T, rows ...[]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	all := append([][]string{org.RosterColumns}, rows...)
	for i, row := range all {
		for j, v := range row {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := f.SetCellStr("Sheet1", cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
