package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"xuejiangping/internal/app"
	"xuejiangping/internal/demo"
	"xuejiangping/internal/org"
)

type principalJSON struct {
	ID          int64  `json:"id"`
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	MemberID    int64  `json:"member_id"`
	MustChange  bool   `json:"must_change"`
	Roles       []struct {
		Role  string `json:"role"`
		OrgID int64  `json:"org_id"`
	} `json:"roles"`
}

type memberJSON struct {
	ID    int64  `json:"id"`
	OrgID int64  `json:"org_id"`
	Name  string `json:"name"`
	Phone string `json:"phone"`
}

type auditJSON struct {
	ID        int64  `json:"id"`
	ActorName string `json:"actor_name"`
	Action    string `json:"action"`
	Target    string `json:"target"`
	Result    string `json:"result"`
	IP        string `json:"ip"`
	Hash      string `json:"hash"`
}

var (
	fullPhone   = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	maskedPhone = regexp.MustCompile(`^1[3-9][0-9]\*{4}[0-9]{4}$`)
)

func (h *harness) orgMembers(tok string, orgID int64, subtree bool) []memberJSON {
	h.t.Helper()
	path := fmt.Sprintf("/api/v1/orgs/%d/members", orgID)
	if subtree {
		path += "?subtree=1"
	}
	r := h.do("GET", path, tok, nil)
	r.expect(h.t, http.StatusOK, "GET "+path)
	var out struct{ Members []memberJSON }
	r.json(h.t, &out)
	return out.Members
}

func (h *harness) member(tok string, id int64) memberJSON {
	h.t.Helper()
	r := h.do("GET", fmt.Sprintf("/api/v1/members/%d", id), tok, nil)
	r.expect(h.t, http.StatusOK, "GET member")
	var m memberJSON
	r.json(h.t, &m)
	return m
}

func (h *harness) audit(tok, query string) []auditJSON {
	h.t.Helper()
	r := h.do("GET", "/api/v1/audit?"+query, tok, nil)
	r.expect(h.t, http.StatusOK, "GET /api/v1/audit?"+query)
	var out struct{ Entries []auditJSON }
	r.json(h.t, &out)
	return out.Entries
}

func TestLoginSetsSessionCookie(t *testing.T) {
	h := newHarness(t)
	r := h.do("POST", "/api/v1/session", "", map[string]string{"username": "admin", "password": demoPW})
	r.expect(t, http.StatusOK, "login")
	var p principalJSON
	r.json(t, &p)
	if p.Username != "admin" || p.MustChange || len(p.Roles) == 0 || p.Roles[0].Role != "admin" {
		t.Errorf("login answered %+v, want the admin with the admin role and no forced change", p)
	}
	if bytes.Contains(r.Body, []byte("argon2")) || bytes.Contains(r.Body, []byte("password")) {
		t.Errorf("login answer leaks password material: %s", r)
	}
	var c *http.Cookie
	for _, x := range r.Cookies() {
		if x.Name == "xjp_session" {
			c = x
		}
	}
	if c == nil || c.Value == "" {
		t.Fatalf("no session cookie in %q", r.Header.Values("Set-Cookie"))
	}
	if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" {
		t.Errorf("session cookie %q: want HttpOnly, SameSite=Lax, Path=/", c.Raw)
	}
	me := h.do("GET", "/api/v1/me", c.Value, nil)
	me.expect(t, http.StatusOK, "GET /api/v1/me")
	var m principalJSON
	me.json(t, &m)
	if m.Username != "admin" {
		t.Errorf("me = %+v, want admin", m)
	}

	// A member may log in with their phone number instead of a username.
	var phone string
	if err := h.app.DB.QueryRow(t.Context(), `SELECT phone FROM members WHERE id = ?`, h.fx.Dang).Scan(&phone); err != nil {
		t.Fatal(err)
	}
	r = h.do("POST", "/api/v1/session", "", map[string]string{"username": phone, "password": demoPW})
	r.expect(t, http.StatusOK, "login by phone")
	r.json(t, &p)
	if p.Username != demo.LoginMember || p.MemberID != h.fx.Dang {
		t.Errorf("login by phone answered %+v, want %s", p, demo.LoginMember)
	}

	// Logging out ends the session on the server, not only in the browser.
	out := h.do("DELETE", "/api/v1/session", c.Value, nil)
	out.expect(t, http.StatusNoContent, "logout")
	cleared := false
	for _, x := range out.Cookies() {
		cleared = cleared || (x.Name == "xjp_session" && x.MaxAge < 0)
	}
	if !cleared {
		t.Errorf("logout does not clear the cookie: %q", out.Header.Values("Set-Cookie"))
	}
	h.do("GET", "/api/v1/me", c.Value, nil).expect(t, http.StatusUnauthorized, "old session after logout")
}

func TestLoginWrongPassword(t *testing.T) {
	h := newHarness(t)
	for _, user := range []string{"admin", "nobody"} {
		r := h.do("POST", "/api/v1/session", "", map[string]string{"username": user, "password": "Wrong@2026x"})
		r.expect(t, http.StatusUnauthorized, "wrong password for "+user)
		e := r.apiErr(t)
		if e.Error.Code != "bad_credentials" {
			t.Errorf("%s: code %q, want bad_credentials", user, e.Error.Code)
		}
		if sessionToken(r) != "" {
			t.Errorf("%s: a failed login set a session cookie", user)
		}
	}
	// Empty credentials are a 400 with a Chinese message, not a login attempt.
	r := h.do("POST", "/api/v1/session", "", `{"username":"","password":""}`)
	r.expect(t, http.StatusBadRequest, "empty credentials")
	r.apiErr(t)
}

func TestLockoutAfterFiveFailures(t *testing.T) {
	h := newHarness(t)
	try := func(pw string) resp {
		return h.do("POST", "/api/v1/session", "", map[string]string{"username": demo.LoginMember, "password": pw})
	}
	for i := 1; i <= 4; i++ {
		r := try(fmt.Sprintf("Wrong@%dxyz", i))
		r.expect(t, http.StatusUnauthorized, fmt.Sprintf("failure %d", i))
		r.apiErr(t)
	}
	r := try("Wrong@5xyz")
	r.expect(t, http.StatusLocked, "5th failure")
	if e := r.apiErr(t); e.Error.Code != "account_locked" || !strings.Contains(e.Error.Message, "分钟") {
		t.Errorf("5th failure: %s; want account_locked saying for how many 分钟", r)
	}
	r = try(demoPW)
	r.expect(t, http.StatusLocked, "right password while locked")
	if e := r.apiErr(t); !strings.Contains(e.Error.Message, "分钟") {
		t.Errorf("locked login message %q does not say how many 分钟", e.Error.Message)
	}
	if sessionToken(r) != "" {
		t.Errorf("a locked account got a session")
	}
	// The admin sees the lock; others keep working.
	admin := h.login("admin", demoPW)
	var users struct {
		Users []struct {
			Username string
			Locked   bool
		}
	}
	h.do("GET", "/api/v1/users", admin, nil).json(t, &users)
	for _, u := range users.Users {
		if u.Locked != (u.Username == demo.LoginMember) {
			t.Errorf("user %s locked = %v", u.Username, u.Locked)
		}
	}
	// The lock ends after 30 minutes.
	h.clock.Advance(31 * time.Minute)
	try(demoPW).expect(t, http.StatusOK, "login after the lock expired")
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	h := newHarness(t)
	admin := h.login("admin", demoPW)
	login := h.do("GET", "/login", "", nil)
	css := regexp.MustCompile(`/static/[0-9a-f]+/app\.css`).FindString(string(login.Body))
	if css == "" {
		t.Fatalf("login page links no hashed stylesheet: %s", login)
	}
	reqs := []struct {
		method, path, token string
		body                any
		hdr                 []string
	}{
		{"GET", "/login", "", nil, nil},
		{"GET", "/", "", nil, nil},               // redirect to /login
		{"GET", "/api/v1/me", "", nil, nil},      // 401 JSON
		{"GET", "/api/v1/orgs", admin, nil, nil}, // 200 JSON
		{"GET", "/orgs", admin, nil, nil},        // page
		{"GET", "/orgs/999999", admin, nil, nil}, // 404 page
		{"GET", "/no/such/page", "", nil, nil},   // mux 404
		{"GET", "/healthz", "", nil, nil},
		{"GET", "/metrics", "", nil, nil},
		{"GET", css, "", nil, nil},
		{"POST", "/api/v1/orgs", admin, `{`, nil}, // 400
		{"POST", "/api/v1/orgs", admin, `{}`, []string{"Sec-Fetch-Site", "cross-site", "Origin", "http://evil.example"}},
		{"GET", fmt.Sprintf("/api/v1/orgs/%d/roster.xlsx", h.fx.BranchA), admin, nil, nil},
	}
	for _, q := range reqs {
		r := h.do(q.method, q.path, q.token, q.body, q.hdr...)
		where := fmt.Sprintf("%s %s (%d)", q.method, q.path, r.StatusCode)
		csp := r.Header.Get("Content-Security-Policy")
		switch {
		case csp == "":
			t.Errorf("%s: no Content-Security-Policy", where)
		case strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval"):
			t.Errorf("%s: CSP allows inline code: %s", where, csp)
		case !strings.Contains(csp, "frame-ancestors 'none'"):
			t.Errorf("%s: CSP lacks frame-ancestors 'none': %s", where, csp)
		case !strings.Contains(csp, "script-src 'self'") && !strings.Contains(csp, "default-src 'self'"):
			t.Errorf("%s: CSP does not restrict scripts to this site: %s", where, csp)
		}
		if got := r.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options = %q", where, got)
		}
		if rp := r.Header.Get("Referrer-Policy"); rp == "" || rp == "unsafe-url" || rp == "no-referrer-when-downgrade" {
			t.Errorf("%s: Referrer-Policy = %q", where, rp)
		}
	}
	// The CSP forbids inline script and style, so the pages must not need them.
	for _, path := range []string{"/login", "/", "/orgs", fmt.Sprintf("/orgs/%d", h.fx.BranchA), fmt.Sprintf("/members/%d", h.fx.Dang),
		"/members/new", "/import", "/roles", "/feedback", "/feedback/all", "/password"} {
		tok := admin
		if path == "/login" {
			tok = ""
		}
		r := h.do("GET", path, tok, nil)
		r.expect(t, http.StatusOK, "GET "+path)
		checkNoInline(t, path, string(r.Body))
	}
}

var (
	scriptTag   = regexp.MustCompile(`(?i)<script\b[^>]*>`)
	inlineEvent = regexp.MustCompile(`(?i)<[^>]+\son[a-z]+\s*=`)
	inlineStyle = regexp.MustCompile(`(?i)<[^>]+\sstyle\s*=|<style\b`)
)

func checkNoInline(t *testing.T, path, html string) {
	t.Helper()
	for _, tag := range scriptTag.FindAllString(html, -1) {
		if !strings.Contains(strings.ToLower(tag), "src=") {
			t.Errorf("%s: inline script %q is blocked by the CSP", path, tag)
		}
	}
	if m := inlineEvent.FindString(html); m != "" {
		t.Errorf("%s: inline event handler %q is blocked by the CSP", path, m)
	}
	if m := inlineStyle.FindString(html); m != "" {
		t.Errorf("%s: inline style %q is blocked by the CSP", path, m)
	}
}

func TestCrossOriginWritesRefused(t *testing.T) {
	h := newHarness(t)
	admin := h.login("admin", demoPW)
	orgs := func() int { return h.count(`SELECT COUNT(*) FROM orgs`) }
	before := orgs()
	body := fmt.Sprintf(`{"parent_id":%d,"name":"跨站党委","kind":"committee"}`, h.fx.Root)
	cross := []string{"Sec-Fetch-Site", "cross-site", "Origin", "http://evil.example"}

	r := h.do("POST", "/api/v1/orgs", admin, body, cross...)
	r.expect(t, http.StatusForbidden, "cross-site API write")
	if e := r.apiErr(t); e.Error.Code != "cross_origin" {
		t.Errorf("cross-site API write: code %q", e.Error.Code)
	}
	// No Sec-Fetch-Site (an older browser): the Origin alone decides.
	h.do("POST", "/api/v1/orgs", admin, body, "Origin", "http://evil.example").expect(t, http.StatusForbidden, "foreign Origin")
	// A form post from another site.
	form := url.Values{"parent_id": {fmt.Sprint(h.fx.Root)}, "name": {"跨站表单党委"}, "kind": {"committee"}}
	h.do("POST", "/orgs", admin, form, cross...).expect(t, http.StatusForbidden, "cross-site form post")
	h.do("DELETE", "/api/v1/session", admin, nil, cross...).expect(t, http.StatusForbidden, "cross-site logout")
	h.do("POST", "/api/v1/session", "", map[string]string{"username": "admin", "password": demoPW}, cross...).
		expect(t, http.StatusForbidden, "cross-site login")
	if n := orgs(); n != before {
		t.Fatalf("cross-site requests changed the org count from %d to %d", before, n)
	}
	h.do("GET", "/api/v1/me", admin, nil).expect(t, http.StatusOK, "session after the refused cross-site logout")

	// Reads from anywhere, and writes from this site, still work.
	h.do("GET", "/api/v1/orgs", admin, nil, cross...).expect(t, http.StatusOK, "cross-site read")
	h.do("POST", "/api/v1/orgs", admin, body, "Sec-Fetch-Site", "same-origin", "Origin", h.srv.URL).expect(t, http.StatusCreated, "same-origin write")
	if n := orgs(); n != before+1 {
		t.Errorf("same-origin write: org count %d, want %d", n, before+1)
	}
}

func TestPhonesMasked(t *testing.T) {
	h := newHarness(t)
	admin := h.login("admin", demoPW)
	shuji := h.login(demo.LoginSecretary, demoPW)
	dang := h.login(demo.LoginMember, demoPW)
	zhuanban := h.login("zhuanban", demoPW)

	full := map[int64]string{}
	for _, m := range h.orgMembers(admin, h.fx.BranchA, false) {
		if !fullPhone.MatchString(m.Phone) {
			t.Errorf("admin sees %s's phone as %q, want it in full", m.Name, m.Phone)
		}
		full[m.ID] = m.Phone
	}
	if len(full) < 3 || full[h.fx.Dang] == "" {
		t.Fatalf("branch A has too few members with phones: %v", full)
	}
	mask := func(p string) string { return p[:3] + "****" + p[7:] }

	masked := 0
	for _, m := range h.orgMembers(shuji, h.fx.BranchA, false) {
		want := mask(full[m.ID])
		if m.ID == h.fx.Shuji {
			want = full[m.ID] // their own
		} else {
			masked++
			if !maskedPhone.MatchString(m.Phone) {
				t.Errorf("secretary's list shows %s's phone as %q, want the 138****1234 pattern", m.Name, m.Phone)
			}
		}
		if m.Phone != want {
			t.Errorf("secretary's list: %s's phone %q, want %q", m.Name, m.Phone, want)
		}
	}
	if masked == 0 {
		t.Fatal("the secretary's list has no one else in it")
	}
	district := h.orgMembers(zhuanban, h.fx.Root, true)
	if len(district) < 100 {
		t.Fatalf("the task force sees %d members of the district", len(district))
	}
	for _, m := range district {
		if m.Phone != "" && !maskedPhone.MatchString(m.Phone) {
			t.Errorf("task force's list shows %s's phone as %q", m.Name, m.Phone)
			break
		}
	}
	if got := h.member(dang, h.fx.Dang).Phone; got != full[h.fx.Dang] {
		t.Errorf("the member sees their own phone as %q, want %q", got, full[h.fx.Dang])
	}
	if got := h.member(zhuanban, h.fx.Dang).Phone; got != mask(full[h.fx.Dang]) {
		t.Errorf("the task force sees a member's phone as %q, want it masked", got)
	}
	if got := h.member(admin, h.fx.Dang).Phone; got != full[h.fx.Dang] {
		t.Errorf("the admin sees a member's phone as %q, want it in full", got)
	}
	// The pages show the same as the API.
	page := string(h.do("GET", fmt.Sprintf("/orgs/%d", h.fx.BranchA), shuji, nil).Body)
	if strings.Contains(page, full[h.fx.Dang]) || !strings.Contains(page, mask(full[h.fx.Dang])) {
		t.Errorf("the secretary's org page does not mask a member's phone")
	}
	page = string(h.do("GET", fmt.Sprintf("/members/%d", h.fx.Dang), dang, nil).Body)
	if !strings.Contains(page, full[h.fx.Dang]) {
		t.Errorf("the member's own page does not show their phone in full")
	}
}

func TestBadJSON(t *testing.T) {
	h := newHarness(t)
	admin := h.login("admin", demoPW)
	orgs := h.count(`SELECT COUNT(*) FROM orgs`)
	for _, c := range []struct{ name, body, want string }{
		{"truncated", `{"name":`, ""},
		{"empty", ``, ""},
		{"not an object", `[1,2]`, ""},
		{"wrong type", fmt.Sprintf(`{"parent_id":"%d","name":"甲","kind":"committee"}`, h.fx.Root), "类型"},
		{"unknown field", fmt.Sprintf(`{"parent_id":%d,"name":"甲","kind":"committee","colour":"red"}`, h.fx.Root), "colour"},
	} {
		r := h.do("POST", "/api/v1/orgs", admin, c.body)
		if r.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %s, want 400", c.name, r)
			continue
		}
		e := r.apiErr(t)
		if !strings.Contains(e.Error.Message, c.want) {
			t.Errorf("%s: message %q does not mention %q", c.name, e.Error.Message, c.want)
		}
	}
	r := h.do("PATCH", fmt.Sprintf("/api/v1/members/%d", h.fx.Dang), admin, `{"postion":"科长"}`)
	r.expect(t, http.StatusBadRequest, "unknown field in a member patch")
	r.apiErr(t)
	if n := h.count(`SELECT COUNT(*) FROM orgs`); n != orgs {
		t.Errorf("bad JSON changed the org count from %d to %d", orgs, n)
	}
}

func TestCreateMemberBadPhone(t *testing.T) {
	h := newHarness(t)
	shuji := h.login(demo.LoginSecretary, demoPW)
	before := h.members()
	for _, phone := range []string{"1380013", "138001380001", "23800138000", "138-0013-800"} {
		r := h.do("POST", "/api/v1/members", shuji, map[string]any{"org_id": h.fx.BranchA, "name": "王五", "phone": phone})
		r.expect(t, http.StatusBadRequest, "bad phone "+phone)
		e := r.apiErr(t)
		named := strings.Contains(e.Error.Message, "手机号")
		for _, f := range e.Error.Fields {
			named = named || f.Field == "phone" && strings.Contains(f.Reason, "手机号")
		}
		if !named {
			t.Errorf("bad phone %s: the error does not name 手机号: %s", phone, r)
		}
	}
	// The form says so too.
	form := url.Values{"org_id": {fmt.Sprint(h.fx.BranchA)}, "name": {"王五"}, "phone": {"1380013"}, "status": {"正常"}}
	r := h.do("POST", "/members", shuji, form)
	r.expect(t, http.StatusBadRequest, "member form with a bad phone")
	if !strings.Contains(string(r.Body), "手机号") {
		t.Errorf("the member form does not name 手机号")
	}
	// A bad phone in a patch changes nothing either.
	r = h.do("PATCH", fmt.Sprintf("/api/v1/members/%d", h.fx.Dang), shuji, `{"phone":"12","position":"处长"}`)
	r.expect(t, http.StatusBadRequest, "patch with a bad phone")
	if n := h.count(`SELECT COUNT(*) FROM members WHERE id = ? AND position = '处长'`, h.fx.Dang); n != 0 {
		t.Errorf("a rejected patch was written")
	}
	if n := h.members(); n != before {
		t.Fatalf("rejected members were written: %d → %d", before, n)
	}
	if n := h.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'member.create'`); n != 0 {
		t.Errorf("rejected members were audited as created: %d", n)
	}
	// A good one is written, so the counting above can see a write.
	h.do("POST", "/api/v1/members", shuji, map[string]any{"org_id": h.fx.BranchA, "name": "王五", "phone": "19900000017"}).
		expect(t, http.StatusCreated, "good member")
	if n := h.members(); n != before+1 {
		t.Errorf("good member: count %d, want %d", n, before+1)
	}
}

type importJSON struct {
	Rows []struct {
		Row   int   `json:"row"`
		OrgID int64 `json:"org_id"`
	} `json:"rows"`
	Errors []struct {
		Row    int    `json:"row"`
		Field  string `json:"field"`
		Reason string `json:"reason"`
	} `json:"errors"`
	Written int  `json:"written"`
	DryRun  bool `json:"dry_run"`
}

func TestRosterImport(t *testing.T) {
	h := newHarness(t)
	shuji := h.login(demo.LoginSecretary, demoPW)
	phones := []string{"19900000101", "19900000102", "19900000103", "19900000104"}
	if n := h.count(`SELECT COUNT(*) FROM members WHERE phone IN (?, ?, ?, ?)`, phones[0], phones[1], phones[2], phones[3]); n != 0 {
		t.Fatalf("test phones already taken")
	}
	var branchB string
	if err := h.app.DB.QueryRow(t.Context(), `SELECT name FROM orgs WHERE id = ?`, h.fx.BranchB).Scan(&branchB); err != nil {
		t.Fatal(err)
	}
	row := func(name, phone, orgRef string) []string {
		return []string{name, "女", "1990-05-01", "2014-07-01", phone, "科员", "正常", orgRef}
	}
	imp := func(path string, file []byte) (resp, importJSON) {
		r := h.do("POST", path, shuji, upload{Name: "名册.xlsx", Data: file})
		var out importJSON
		if r.StatusCode == http.StatusOK || r.StatusCode == http.StatusUnprocessableEntity {
			r.json(t, &out)
		}
		return r, out
	}
	before := h.members()

	bad := rosterXLSX(t,
		row("导入甲", phones[0], demo.DemoBranch),
		row("导入乙", "12345", demo.DemoBranch),
		row("导入丙", phones[1], "不存在的支部"),
		row("导入丁", phones[2], branchB), // another secretary's branch
	)
	wantErrs := map[int]string{3: "手机号", 4: "所属组织", 5: "所属组织"}
	for _, path := range []string{"/api/v1/members/import?dry_run=1", "/api/v1/members/import"} {
		r, res := imp(path, bad)
		r.expect(t, http.StatusUnprocessableEntity, "bad roster "+path)
		got := map[int]string{}
		for _, e := range res.Errors {
			got[e.Row] = e.Field
			if !hasHan(e.Reason) {
				t.Errorf("%s: row %d %s: reason %q is not Chinese", path, e.Row, e.Field, e.Reason)
			}
		}
		for rowNo, field := range wantErrs {
			if got[rowNo] != field {
				t.Errorf("%s: row %d: error on %q, want %q (all errors %+v)", path, rowNo, got[rowNo], field, res.Errors)
			}
		}
		if _, ok := got[2]; ok {
			t.Errorf("%s: the good row 2 is reported bad: %+v", path, res.Errors)
		}
		if res.Written != 0 || h.members() != before {
			t.Fatalf("%s: a roster with bad rows was written (written=%d, members %d → %d)", path, res.Written, before, h.members())
		}
	}

	good := rosterXLSX(t,
		row("导入甲", phones[0], demo.DemoBranch),
		row("导入乙", phones[1], "区人社局党组/"+demo.DemoBranch),
		row("导入丙", "", demo.DemoBranch),
		[]string{}, // a blank line is skipped
	)
	r, res := imp("/api/v1/members/import?dry_run=1", good)
	r.expect(t, http.StatusOK, "good roster, dry run")
	if !res.DryRun || res.Written != 0 || len(res.Rows) != 3 || len(res.Errors) != 0 {
		t.Errorf("dry run answered %+v", res)
	}
	for _, rr := range res.Rows {
		if rr.OrgID != h.fx.BranchA {
			t.Errorf("dry run: row %d resolved to org %d, want %d", rr.Row, rr.OrgID, h.fx.BranchA)
		}
	}
	if n := h.members(); n != before {
		t.Fatalf("a dry run wrote members: %d → %d", before, n)
	}
	r, res = imp("/api/v1/members/import", good)
	r.expect(t, http.StatusOK, "good roster")
	if res.Written != 3 || res.DryRun {
		t.Errorf("import answered %+v, want 3 written", res)
	}
	if n := h.members(); n != before+3 {
		t.Fatalf("import: members %d → %d, want +3", before, n)
	}
	var names []string
	for _, m := range h.orgMembers(shuji, h.fx.BranchA, false) {
		names = append(names, m.Name)
	}
	for _, n := range []string{"导入甲", "导入乙", "导入丙"} {
		if !slices.Contains(names, n) {
			t.Errorf("imported %s is not in the branch: %v", n, names)
		}
	}
	if n := h.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'member.import'`); n != 1 {
		t.Errorf("member.import audit entries: %d, want 1", n)
	}
	// The same file again is all duplicates and writes nothing.
	r, res = imp("/api/v1/members/import", good)
	r.expect(t, http.StatusUnprocessableEntity, "importing the same roster twice")
	if len(res.Errors) < 3 || h.members() != before+3 {
		t.Errorf("re-import: %d errors, members %d", len(res.Errors), h.members())
	}

	// Not a spreadsheet, or no file at all: 400 in Chinese.
	r, _ = imp("/api/v1/members/import?dry_run=1", []byte("name,phone\n张三,13800000000\n"))
	r.expect(t, http.StatusBadRequest, "a CSV file")
	r.apiErr(t)
	r = h.do("POST", "/api/v1/members/import?dry_run=1", shuji, `{}`)
	r.expect(t, http.StatusBadRequest, "no multipart body")
	r.apiErr(t)
	// Headers that are not the template's.
	f := excelize.NewFile()
	_ = f.SetCellStr("Sheet1", "A1", "名字")
	var buf bytes.Buffer
	_ = f.Write(&buf)
	r, _ = imp("/api/v1/members/import?dry_run=1", buf.Bytes())
	r.expect(t, http.StatusBadRequest, "wrong headers")
	if e := r.apiErr(t); !strings.Contains(e.Error.Message, "姓名") {
		t.Errorf("wrong headers: %q does not name the missing column", e.Error.Message)
	}
	// The task force reads but does not import.
	zt := h.login("zhuanban", demoPW)
	h.do("POST", "/api/v1/members/import?dry_run=1", zt, upload{Name: "a.xlsx", Data: good}).expect(t, http.StatusForbidden, "task force import")
}

func TestRosterExport(t *testing.T) {
	h := newHarness(t)
	admin := h.login("admin", demoPW)
	shuji := h.login(demo.LoginSecretary, demoPW)
	shenji := h.login("shenji", demoPW)
	if got := h.audit(shenji, "action=roster.export"); len(got) != 0 {
		t.Fatalf("export entries before any export: %+v", got)
	}
	r := h.do("GET", fmt.Sprintf("/api/v1/orgs/%d/roster.xlsx", h.fx.BranchA), shuji, nil)
	r.expect(t, http.StatusOK, "export")
	if ct := r.Header.Get("Content-Type"); !strings.Contains(ct, "spreadsheetml") {
		t.Errorf("export Content-Type %q", ct)
	}
	if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") || !strings.Contains(cd, "filename*=UTF-8''") {
		t.Errorf("export Content-Disposition %q", cd)
	}
	f, err := excelize.OpenReader(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatalf("export is not a readable .xlsx: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil || len(rows) < 2 {
		t.Fatalf("export rows: %v, %d rows", err, len(rows))
	}
	if !slices.Equal(rows[0], org.RosterColumns) {
		t.Errorf("export headers %v, want %v", rows[0], org.RosterColumns)
	}
	want := h.orgMembers(admin, h.fx.BranchA, true)
	if len(rows)-1 != len(want) {
		t.Fatalf("export has %d members, the branch %d", len(rows)-1, len(want))
	}
	col := func(name string) int { return slices.Index(org.RosterColumns, name) }
	for i, m := range want {
		got := rows[i+1]
		if got[col("姓名")] != m.Name || got[col("手机号")] != m.Phone {
			t.Errorf("export row %d: %v, want %s %s", i+2, got, m.Name, m.Phone)
		}
	}
	// The roster re-imports: its headers are the template's.
	if _, err := org.ParseRoster(bytes.NewReader(r.Body)); err != nil {
		t.Errorf("the export does not parse as a roster: %v", err)
	}

	entries := h.audit(shenji, "action=roster.export")
	if len(entries) != 1 {
		t.Fatalf("roster.export entries: %+v, want 1", entries)
	}
	e := entries[0]
	if e.Target != fmt.Sprintf("org:%d", h.fx.BranchA) || !strings.Contains(e.ActorName, demo.LoginSecretary) || e.Result != "ok" || e.IP == "" {
		t.Errorf("roster.export entry %+v", e)
	}
	// Another branch's roster is not the secretary's to export, and a
	// refused export is not logged as one.
	other := h.do("GET", fmt.Sprintf("/api/v1/orgs/%d/roster.xlsx", h.fx.BranchB), shuji, nil)
	if other.StatusCode != http.StatusNotFound && other.StatusCode != http.StatusForbidden {
		t.Errorf("exporting another branch: %s", other)
	}
	if got := h.audit(shenji, "action=roster.export"); len(got) != 1 {
		t.Errorf("roster.export entries after a refused export: %d", len(got))
	}
}

func TestAuditLogins(t *testing.T) {
	h := newHarness(t)
	h.do("POST", "/api/v1/session", "", map[string]string{"username": demo.LoginMember, "password": "Wrong@2026x"}).expect(t, 401, "wrong")
	h.do("POST", "/api/v1/session", "", map[string]string{"username": "nobody", "password": "Wrong@2026x"}).expect(t, 401, "unknown")
	dang := h.login(demo.LoginMember, demoPW)
	shenji := h.login("shenji", demoPW)
	admin := h.login("admin", demoPW)

	var failed, ok, unknown bool
	for _, e := range h.audit(shenji, "action=login&limit=100") {
		if e.Action != "login" {
			t.Errorf("filter action=login returned %+v", e)
		}
		if e.IP != "127.0.0.1" {
			t.Errorf("login entry without the client IP: %+v", e)
		}
		if e.Hash == "" {
			t.Errorf("login entry without a hash: %+v", e)
		}
		switch {
		case strings.Contains(e.ActorName, demo.LoginMember) && e.Result == "failed":
			failed = true
		case strings.Contains(e.ActorName, demo.LoginMember) && e.Result == "ok":
			ok = true
		case strings.Contains(e.ActorName, "nobody") && e.Result == "failed":
			unknown = true
		}
	}
	if !failed || !ok || !unknown {
		t.Errorf("the auditor sees failed=%v ok=%v unknown-user=%v login entries, want all", failed, ok, unknown)
	}
	if got := h.audit(shenji, "actor="+demo.LoginMember+"&action=login"); len(got) != 2 {
		t.Errorf("filter by actor: %d entries, want 2", len(got))
	}
	r := h.do("GET", "/api/v1/audit?from=2026-13-01", shenji, nil)
	r.expect(t, http.StatusBadRequest, "bad date filter")
	r.apiErr(t)

	// Separation of duties: the admin manages people but does not read the log.
	r = h.do("GET", "/api/v1/audit", admin, nil)
	r.expect(t, http.StatusForbidden, "admin reading the audit log")
	r.apiErr(t)
	h.do("GET", "/audit", admin, nil).expect(t, http.StatusForbidden, "admin opening the audit page")
	// And the auditor reads the log only.
	h.do("GET", "/api/v1/orgs", shenji, nil).expect(t, http.StatusForbidden, "auditor reading orgs")
	h.do("GET", "/api/v1/users", shenji, nil).expect(t, http.StatusForbidden, "auditor reading users")

	// A member gets 403 on admin routes, and nothing changes.
	grants := h.count(`SELECT COUNT(*) FROM role_assignments`)
	orgs := h.count(`SELECT COUNT(*) FROM orgs`)
	for _, c := range []struct {
		method, path string
		body         any
	}{
		{"GET", "/api/v1/users", nil},
		{"POST", "/api/v1/orgs", fmt.Sprintf(`{"parent_id":%d,"name":"越权党委","kind":"committee"}`, h.fx.Root)},
		{"POST", fmt.Sprintf("/api/v1/users/%d/roles", h.id(`SELECT id FROM users WHERE username = ?`, demo.LoginMember)), fmt.Sprintf(`{"role":"admin","org_id":%d}`, h.fx.Root)},
		{"GET", "/roles", nil},
		{"GET", "/api/v1/feedback?all=1", nil},
	} {
		r := h.do(c.method, c.path, dang, c.body)
		r.expect(t, http.StatusForbidden, "member: "+c.method+" "+c.path)
	}
	if h.count(`SELECT COUNT(*) FROM role_assignments`) != grants || h.count(`SELECT COUNT(*) FROM orgs`) != orgs {
		t.Errorf("a member's refused requests changed something")
	}
}

func TestOpenAPIListsEveryRoute(t *testing.T) {
	h := newHarness(t)
	r := h.do("GET", "/api/v1/openapi.json", "", nil)
	r.expect(t, http.StatusOK, "openapi")
	if !json.Valid(r.Body) {
		t.Fatalf("openapi.json is not valid JSON")
	}
	var doc struct {
		OpenAPI string `json:"openapi"`
		Paths   map[string]map[string]struct {
			Summary string `json:"summary"`
		} `json:"paths"`
	}
	r.json(t, &doc)
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Errorf("openapi version %q", doc.OpenAPI)
	}
	registered := map[string]bool{}
	n := 0
	for _, rt := range h.app.Web.Routes() {
		if !rt.API {
			continue
		}
		n++
		method := strings.ToLower(rt.Method)
		registered[rt.Path+" "+method] = true
		op, ok := doc.Paths[rt.Path][method]
		switch {
		case !ok:
			t.Errorf("%s is registered but missing from openapi.json", rt.Key())
		case strings.TrimSpace(op.Summary) == "":
			t.Errorf("%s has no summary in openapi.json", rt.Key())
		}
	}
	if n < 20 {
		t.Errorf("only %d API routes registered", n)
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			if !registered[path+" "+method] {
				t.Errorf("openapi.json describes %s %s, which is not a registered route", strings.ToUpper(method), path)
			}
		}
	}
}

func TestHealthzAndMetrics(t *testing.T) {
	h := newHarness(t)
	r := h.do("GET", "/healthz", "", nil)
	r.expect(t, http.StatusOK, "healthz")
	var hz struct{ Status string }
	r.json(t, &hz)
	if hz.Status != "ok" {
		t.Errorf("healthz status %q", hz.Status)
	}
	tok := h.login(demo.LoginMember, demoPW)
	h.do("GET", "/api/v1/me", tok, nil).expect(t, http.StatusOK, "me")
	h.do("GET", fmt.Sprintf("/api/v1/members/%d", h.fx.Dang), tok, nil).expect(t, http.StatusOK, "own record")
	r = h.do("GET", "/metrics", "", nil)
	r.expect(t, http.StatusOK, "metrics")
	body := string(r.Body)
	if !strings.Contains(body, "xjp_http_requests_total") {
		t.Fatalf("metrics lack xjp_http_requests_total")
	}
	// Requests are counted by route pattern, logged in or not.
	for _, want := range []string{
		`xjp_http_requests_total{route="POST /api/v1/session",status="200"}`,
		`xjp_http_requests_total{route="GET /api/v1/me",status="200"}`,
		`xjp_http_requests_total{route="GET /api/v1/members/{id}",status="200"}`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestMustChangeGeneratedPassword(t *testing.T) {
	h := newHarness(t)
	admin := h.login("admin", demoPW)
	mid := h.id(`SELECT MIN(id) FROM members WHERE org_id = ? AND id NOT IN (SELECT member_id FROM users WHERE member_id IS NOT NULL)`, h.fx.BranchA)
	uid, initial := h.newAccount(admin, mid, "xinshuji")
	h.do("POST", fmt.Sprintf("/api/v1/users/%d/roles", uid), admin, map[string]any{"role": "secretary", "org_id": h.fx.BranchA}).
		expect(t, http.StatusNoContent, "grant secretary")

	r := h.do("POST", "/api/v1/session", "", map[string]string{"username": "xinshuji", "password": initial})
	r.expect(t, http.StatusOK, "first login")
	var p principalJSON
	r.json(t, &p)
	if !p.MustChange {
		t.Errorf("first login with a generated password: must_change is false")
	}
	tok := sessionToken(r)
	before := h.members()
	for _, c := range []struct {
		method, path string
		body         any
	}{
		{"GET", "/api/v1/orgs", nil},
		{"GET", fmt.Sprintf("/api/v1/orgs/%d/members", h.fx.BranchA), nil},
		{"POST", "/api/v1/members", map[string]any{"org_id": h.fx.BranchA, "name": "未改密"}},
	} {
		r := h.do(c.method, c.path, tok, c.body)
		r.expect(t, http.StatusForbidden, "before the change: "+c.path)
		if e := r.apiErr(t); e.Error.Code != "must_change_password" {
			t.Errorf("%s %s: code %q, want must_change_password", c.method, c.path, e.Error.Code)
		}
	}
	if h.members() != before {
		t.Fatalf("a user who must change their password wrote a member")
	}
	page := h.do("GET", "/orgs", tok, nil)
	if page.StatusCode != http.StatusSeeOther || page.Header.Get("Location") != "/password" {
		t.Errorf("page before the change: %d → %q, want a redirect to /password", page.StatusCode, page.Header.Get("Location"))
	}
	h.do("GET", "/api/v1/me", tok, nil).expect(t, http.StatusOK, "me before the change")
	h.do("GET", "/password", tok, nil).expect(t, http.StatusOK, "password page before the change")

	for _, c := range []struct{ old, new string }{
		{initial, "short"},            // too short
		{initial, "alllowercase1"},    // two classes
		{"Wrong@2026x", "Good@2026x"}, // wrong old password
		{initial, initial},            // the same
	} {
		r := h.do("POST", "/api/v1/me/password", tok, map[string]string{"old_password": c.old, "new_password": c.new})
		if r.StatusCode != http.StatusBadRequest && r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("password change %q → %q: %s, want 400 or 422", c.old, c.new, r)
			continue
		}
		r.apiErr(t)
	}
	h.do("GET", "/api/v1/orgs", tok, nil).expect(t, http.StatusForbidden, "still before the change")

	h.do("POST", "/api/v1/me/password", tok, map[string]string{"old_password": initial, "new_password": "Good@2026x"}).
		expect(t, http.StatusNoContent, "password change")
	h.do("GET", "/api/v1/orgs", tok, nil).expect(t, http.StatusOK, "after the change")
	h.do("GET", "/api/v1/me", tok, nil).json(t, &p)
	if p.MustChange {
		t.Errorf("must_change still set after the change")
	}
	h.do("POST", "/api/v1/session", "", map[string]string{"username": "xinshuji", "password": initial}).
		expect(t, http.StatusUnauthorized, "login with the old password")
	h.login("xinshuji", "Good@2026x")
}

func TestIdleTimeoutEndsSession(t *testing.T) {
	h := newHarness(t, func(c *app.Config) { c.IdleTimeout = 10 * time.Minute })
	tok := h.login(demo.LoginMember, demoPW)
	h.clock.Advance(8 * time.Minute)
	h.do("GET", "/api/v1/me", tok, nil).expect(t, http.StatusOK, "after 8 idle minutes")
	h.clock.Advance(8 * time.Minute) // 16 since login, 8 since the last request
	h.do("GET", "/api/v1/me", tok, nil).expect(t, http.StatusOK, "active session past the timeout since login")
	h.clock.Advance(11 * time.Minute)
	r := h.do("GET", "/api/v1/me", tok, nil)
	r.expect(t, http.StatusUnauthorized, "after 11 idle minutes")
	if e := r.apiErr(t); e.Error.Code != "session_expired" && e.Error.Code != "login_required" {
		t.Errorf("expired session: code %q", e.Error.Code)
	}
	// It stays ended when the user comes back.
	h.do("GET", "/api/v1/me", tok, nil).expect(t, http.StatusUnauthorized, "the ended session again")

	page := h.login(demo.LoginMember, demoPW)
	h.clock.Advance(11 * time.Minute)
	r = h.do("GET", "/", page, nil)
	if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
		t.Errorf("page after the timeout: %d → %q, want a redirect to /login", r.StatusCode, r.Header.Get("Location"))
	}
	if n := h.count(`SELECT COUNT(*) FROM login_sessions s JOIN users u ON u.id = s.user_id WHERE u.username = ?`, demo.LoginMember); n != 0 {
		t.Errorf("%d expired sessions left in the database", n)
	}
}

func TestFeedbackChannel(t *testing.T) {
	h := newHarness(t)
	admin := h.login("admin", demoPW)
	dang := h.login(demo.LoginMember, demoPW)
	shuji := h.login(demo.LoginSecretary, demoPW)

	for _, bad := range []string{
		`{"kind":"praise","subject":"标题","body":"内容"}`,
		`{"kind":"suggestion","subject":"","body":"内容"}`,
		`{"kind":"suggestion","subject":"标题","body":"  "}`,
	} {
		r := h.do("POST", "/api/v1/feedback", dang, bad)
		r.expect(t, http.StatusBadRequest, "bad feedback "+bad)
		r.apiErr(t)
	}
	if n := h.count(`SELECT COUNT(*) FROM feedback`); n != 0 {
		t.Fatalf("bad feedback was stored: %d", n)
	}
	r := h.do("POST", "/api/v1/feedback", dang, map[string]string{"kind": "suggestion", "subject": "学习资料", "body": "希望增加案例材料", "page": "/"})
	r.expect(t, http.StatusCreated, "send feedback")
	var sent struct{ ID int64 }
	r.json(t, &sent)

	type item struct {
		ID         int64
		Subject    string
		Answer     string
		UserName   string     `json:"user_name"`
		AnsweredAt *time.Time `json:"answered_at"`
	}
	list := func(tok, q string) []item {
		r := h.do("GET", "/api/v1/feedback"+q, tok, nil)
		r.expect(t, http.StatusOK, "list feedback"+q)
		var out struct{ Items []item }
		r.json(t, &out)
		return out.Items
	}
	find := func(items []item) *item {
		for i := range items {
			if items[i].ID == sent.ID {
				return &items[i]
			}
		}
		return nil
	}
	if it := find(list(dang, "")); it == nil || it.Answer != "" || it.AnsweredAt != nil {
		t.Fatalf("the sender's list: %+v", it)
	}
	if find(list(shuji, "")) != nil {
		t.Errorf("another user sees the member's feedback")
	}
	if it := find(list(admin, "?all=1")); it == nil || it.UserName == "" {
		t.Fatalf("the admin's list lacks the item: %+v", it)
	}
	answerPath := fmt.Sprintf("/api/v1/feedback/%d/answer", sent.ID)
	for who, tok := range map[string]string{"member": dang, "secretary": shuji} {
		h.do("GET", "/api/v1/feedback?all=1", tok, nil).expect(t, http.StatusForbidden, who+" listing all feedback")
		h.do("POST", answerPath, tok, `{"answer":"自问自答"}`).expect(t, http.StatusForbidden, who+" answering")
	}
	if it := find(list(dang, "")); it.Answer != "" {
		t.Fatalf("a refused answer was stored: %q", it.Answer)
	}
	h.do("POST", answerPath, admin, `{"answer":"  "}`).expect(t, http.StatusBadRequest, "empty answer")
	h.do("POST", "/api/v1/feedback/999999/answer", admin, `{"answer":"答复"}`).expect(t, http.StatusNotFound, "answer to nothing")
	h.do("POST", answerPath, admin, `{"answer":"已增加典型案例栏目"}`).expect(t, http.StatusNoContent, "answer")
	it := find(list(dang, ""))
	if it == nil || it.Answer != "已增加典型案例栏目" || it.AnsweredAt == nil {
		t.Fatalf("the sender does not see the answer: %+v", it)
	}
	if page := h.do("GET", "/feedback", dang, nil); !strings.Contains(string(page.Body), "已增加典型案例栏目") {
		t.Errorf("the feedback page does not show the answer")
	}
	// The channel is offered on every page.
	for _, path := range []string{"/", fmt.Sprintf("/members/%d", h.fx.Dang), "/password"} {
		if page := h.do("GET", path, dang, nil); !strings.Contains(string(page.Body), `href="/feedback`) {
			t.Errorf("%s offers no link to 投诉建议", path)
		}
	}
}
