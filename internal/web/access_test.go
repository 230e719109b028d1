package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"

	"xuejiangping/internal/demo"
)

// The roles the access test logs in as. "shuji2" is a secretary of another
// branch (BranchB), made at the start of the test; "anon" is nobody.
var accessRoles = []string{"anon", "admin", "shenji", "zhuanban", "shuji", "dangyuan", "shuji2"}

// accessCase is one request of the access table: a concrete path (ids
// chosen so that scope is exercised), a body that is valid enough to reach
// the scope check, and the roles that must be let through; every other
// role must be turned away.
type accessCase struct {
	path  string
	body  any    // see harness.do; "{role}" in a string or form value becomes the role
	allow string // space-separated roles; "*" = everyone, "+" = every logged-in role
	fresh bool   // the request ends its session: log in afresh for it
}

// accessFixtures are throwaway objects made before the walk, so that
// writes and deletes in the table do not destroy what other cases need.
type accessFixtures struct {
	fixtures
	TmpCommittee        int64 // renamed by PATCH / POST /orgs/{id}; roles granted on it
	DelAPI, DelPage     int64 // empty branches to delete
	SplitAPI, SplitPage int64 // branches with two members, to split
	PatchA, PatchB      int64 // members of BranchA / BranchB to edit
	AcctA, AcctA2       int64 // members of BranchA without an account
	AcctB, AcctB2       int64 // members of BranchB without an account
	TmpUser             int64 // a throwaway account
	GrantAPI, GrantPage int64 // throwaway grants to revoke
	Feedback            int64 // a feedback item from dangyuan
	Import              []byte
}

// accessExtension adds a feature's entries to the access table. A feature
// keeps its entries in its own file, access_<feature>_test.go, appending
// its extension to accessExtensions from init; it may create the objects
// its cases need through h (as the admin: tokens["admin"]). A key defined
// twice fails the test.
type accessExtension func(h *harness, tokens map[string]string, f accessFixtures) map[string][]accessCase

var accessExtensions []accessExtension

// accessTable is the whole access policy, keyed by route ("METHOD /path").
// Every registered route must have an entry, and every entry a route.
func accessTable(f accessFixtures) map[string][]accessCase {
	p := fmt.Sprintf
	const (
		all      = "*"
		users    = "+"
		readers  = "admin zhuanban shuji shuji2"
		managers = "admin shuji shuji2"
		admin    = "admin"
		auditor  = "shenji"
	)
	form := func(kv ...string) url.Values {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	id := func(n int64) string { return fmt.Sprint(n) }
	importFile := upload{Name: "roster.xlsx", Data: f.Import}
	memberForm := func(org int64, name string) url.Values {
		return form("org_id", id(org), "name", name, "status", "正常")
	}
	return map[string][]accessCase{
		"GET /healthz": {{path: "/healthz", allow: all}},
		"GET /metrics": {{path: "/metrics", allow: all}},

		// Pages and forms.
		"GET /login":     {{path: "/login", allow: all}},
		"POST /login":    {{path: "/login", body: form(), allow: all}}, // empty form: 400 re-rendered, nothing counted
		"POST /logout":   {{path: "/logout", body: form(), allow: users, fresh: true}},
		"GET /password":  {{path: "/password", allow: users}},
		"POST /password": {{path: "/password", body: form("old", "wrong-Old-1", "new", "Xx@12345678", "confirm", "Xx@12345678"), allow: users}},
		"GET /{$}":       {{path: "/", allow: users}},
		"GET /orgs":      {{path: "/orgs", allow: readers}},
		"POST /orgs":     {{path: "/orgs", body: form("parent_id", id(f.Root), "name", "页面新建党委{role}", "kind", "committee"), allow: admin}},
		"GET /orgs/{id}": {
			{path: p("/orgs/%d", f.BranchA), allow: "admin zhuanban shuji"},
			{path: p("/orgs/%d", f.BranchB), allow: "admin zhuanban shuji2"},
			{path: p("/orgs/%d", f.Root), allow: "admin zhuanban"},
		},
		"POST /orgs/{id}":        {{path: p("/orgs/%d", f.TmpCommittee), body: form("name", "改名党委{role}"), allow: admin}},
		"POST /orgs/{id}/delete": {{path: p("/orgs/%d/delete", f.DelPage), body: form(), allow: admin}},
		"POST /orgs/{id}/split":  {{path: p("/orgs/%d/split", f.SplitPage), body: form("groups", "2"), allow: admin}},
		"GET /orgs/{id}/roster.xlsx": {
			{path: p("/orgs/%d/roster.xlsx", f.BranchA), allow: "admin shuji"},
			{path: p("/orgs/%d/roster.xlsx", f.BranchB), allow: "admin shuji2"},
		},
		"GET /members/new": {{path: "/members/new", allow: managers}},
		"POST /members": {
			{path: "/members", body: memberForm(f.BranchA, "页面新增{role}"), allow: "admin shuji"},
			{path: "/members", body: memberForm(f.BranchB, "页面新增{role}"), allow: "admin shuji2"},
		},
		"GET /members/{id}": {
			{path: p("/members/%d", f.Dang), allow: "admin zhuanban shuji dangyuan"},
			{path: p("/members/%d", f.Shuji), allow: "admin zhuanban shuji"},
			{path: p("/members/%d", f.MemberB2), allow: "admin zhuanban shuji2"},
		},
		"GET /members/{id}/edit": {
			{path: p("/members/%d/edit", f.Dang), allow: "admin shuji"},
			{path: p("/members/%d/edit", f.MemberB2), allow: "admin shuji2"},
		},
		"POST /members/{id}": {
			{path: p("/members/%d", f.PatchA), body: memberForm(f.BranchA, "页面改名{role}"), allow: "admin shuji"},
			{path: p("/members/%d", f.PatchB), body: memberForm(f.BranchB, "页面改名{role}"), allow: "admin shuji2"},
		},
		"POST /members/{id}/account": {
			{path: p("/members/%d/account", f.AcctA), body: form("username", "pa_{role}"), allow: "admin shuji"},
			{path: p("/members/%d/account", f.AcctB), body: form("username", "pb_{role}"), allow: "admin shuji2"},
		},
		"GET /import":                {{path: "/import", allow: managers}},
		"GET /import/template.xlsx":  {{path: "/import/template.xlsx", allow: managers}},
		"POST /import":               {{path: "/import", body: importFile, allow: managers}}, // a preview only
		"POST /import/confirm":       {{path: "/import/confirm", body: form("rows", "[]"), allow: managers}},
		"GET /roles":                 {{path: "/roles", allow: admin}},
		"POST /roles":                {{path: "/roles", body: form("user_id", id(f.TmpUser), "org_id", id(f.TmpCommittee), "role", "member"), allow: admin}},
		"POST /roles/{id}/delete":    {{path: p("/roles/%d/delete", f.GrantPage), body: form(), allow: admin}},
		"POST /users/{id}/unlock":    {{path: p("/users/%d/unlock", f.TmpUser), body: form(), allow: admin}},
		"GET /audit":                 {{path: "/audit", allow: auditor}},
		"GET /feedback":              {{path: "/feedback", allow: users}},
		"POST /feedback":             {{path: "/feedback", body: form("kind", "suggestion", "subject", "页面建议", "body", "内容"), allow: users}},
		"GET /feedback/all":          {{path: "/feedback/all", allow: admin}},
		"POST /feedback/{id}/answer": {{path: p("/feedback/%d/answer", f.Feedback), body: form("answer", "已收到"), allow: admin}},

		// JSON API.
		"GET /api/v1/openapi.json": {{path: "/api/v1/openapi.json", allow: all}},
		"POST /api/v1/session":     {{path: "/api/v1/session", body: `{}`, allow: all}}, // empty credentials: 400, nothing counted
		"DELETE /api/v1/session":   {{path: "/api/v1/session", allow: users, fresh: true}},
		"GET /api/v1/me":           {{path: "/api/v1/me", allow: users}},
		"POST /api/v1/me/password": {{path: "/api/v1/me/password", body: `{"old_password":"wrong-Old-1","new_password":"Xx@12345678"}`, allow: users}},
		"GET /api/v1/orgs":         {{path: "/api/v1/orgs", allow: readers}},
		"POST /api/v1/orgs":        {{path: "/api/v1/orgs", body: p(`{"parent_id":%d,"name":"接口新建党委{role}","kind":"committee"}`, f.Root), allow: admin}},
		"GET /api/v1/orgs/{id}": {
			{path: p("/api/v1/orgs/%d", f.BranchA), allow: "admin zhuanban shuji"},
			{path: p("/api/v1/orgs/%d", f.BranchB), allow: "admin zhuanban shuji2"},
			{path: p("/api/v1/orgs/%d", f.Root), allow: "admin zhuanban"},
		},
		"PATCH /api/v1/orgs/{id}":      {{path: p("/api/v1/orgs/%d", f.TmpCommittee), body: `{"name":"接口改名党委{role}"}`, allow: admin}},
		"DELETE /api/v1/orgs/{id}":     {{path: p("/api/v1/orgs/%d", f.DelAPI), allow: admin}},
		"POST /api/v1/orgs/{id}/split": {{path: p("/api/v1/orgs/%d/split", f.SplitAPI), body: `{"groups":2}`, allow: admin}},
		"GET /api/v1/orgs/{id}/members": {
			{path: p("/api/v1/orgs/%d/members", f.BranchA), allow: "admin zhuanban shuji"},
			{path: p("/api/v1/orgs/%d/members", f.BranchB), allow: "admin zhuanban shuji2"},
			{path: p("/api/v1/orgs/%d/members?subtree=1", f.Root), allow: "admin zhuanban"},
		},
		"GET /api/v1/orgs/{id}/roster.xlsx": {
			{path: p("/api/v1/orgs/%d/roster.xlsx", f.BranchA), allow: "admin shuji"},
			{path: p("/api/v1/orgs/%d/roster.xlsx", f.BranchB), allow: "admin shuji2"},
			{path: p("/api/v1/orgs/%d/roster.xlsx", f.Root), allow: "admin"},
		},
		"POST /api/v1/members": {
			{path: "/api/v1/members", body: p(`{"org_id":%d,"name":"接口新增{role}"}`, f.BranchA), allow: "admin shuji"},
			{path: "/api/v1/members", body: p(`{"org_id":%d,"name":"接口新增{role}"}`, f.BranchB), allow: "admin shuji2"},
		},
		"GET /api/v1/members/{id}": {
			{path: p("/api/v1/members/%d", f.Dang), allow: "admin zhuanban shuji dangyuan"},
			{path: p("/api/v1/members/%d", f.Shuji), allow: "admin zhuanban shuji"},
			{path: p("/api/v1/members/%d", f.MemberB2), allow: "admin zhuanban shuji2"},
		},
		"PATCH /api/v1/members/{id}": {
			{path: p("/api/v1/members/%d", f.PatchA), body: `{"position":"科员{role}"}`, allow: "admin shuji"},
			{path: p("/api/v1/members/%d", f.PatchB), body: `{"position":"科员{role}"}`, allow: "admin shuji2"},
			// A member may read but not edit their own record.
			{path: p("/api/v1/members/%d", f.Dang), body: `{"position":"科员"}`, allow: "admin shuji"},
		},
		"POST /api/v1/members/import":              {{path: "/api/v1/members/import?dry_run=1", body: importFile, allow: managers}},
		"GET /api/v1/members/import/template.xlsx": {{path: "/api/v1/members/import/template.xlsx", allow: managers}},
		"GET /api/v1/users":                        {{path: "/api/v1/users", allow: admin}},
		"POST /api/v1/users/{id}/roles":            {{path: p("/api/v1/users/%d/roles", f.TmpUser), body: p(`{"role":"auditor","org_id":%d}`, f.TmpCommittee), allow: admin}},
		"DELETE /api/v1/roles/{id}":                {{path: p("/api/v1/roles/%d", f.GrantAPI), allow: admin}},
		"POST /api/v1/members/{id}/account": {
			{path: p("/api/v1/members/%d/account", f.AcctA2), body: `{"username":"aa_{role}"}`, allow: "admin shuji"},
			{path: p("/api/v1/members/%d/account", f.AcctB2), body: `{"username":"ab_{role}"}`, allow: "admin shuji2"},
		},
		"GET /api/v1/audit":                 {{path: "/api/v1/audit", allow: auditor}},
		"GET /api/v1/feedback":              {{path: "/api/v1/feedback", allow: users}, {path: "/api/v1/feedback?all=1", allow: admin}},
		"POST /api/v1/feedback":             {{path: "/api/v1/feedback", body: `{"kind":"complaint","subject":"接口投诉","body":"内容"}`, allow: users}},
		"POST /api/v1/feedback/{id}/answer": {{path: p("/api/v1/feedback/%d/answer", f.Feedback), body: `{"answer":"已收到"}`, allow: admin}},
	}
}

// TestAccess walks every registered route with every role and checks that
// each is let through or turned away as the table says; a route without an
// entry (or an entry without a route) fails the test.
func TestAccess(t *testing.T) {
	for _, eng := range engines() {
		t.Run(string(eng), func(t *testing.T) { testAccess(t, eng) })
	}
}

func testAccess(t *testing.T, eng engine) {
	h := newHarnessOn(t, eng)
	passwords := map[string]string{"shuji2": "Other@2026x"}
	tokens := map[string]string{"anon": ""}
	for _, u := range []string{"admin", "shenji", "zhuanban", demo.LoginSecretary, demo.LoginMember} {
		tokens[u], passwords[u] = h.login(u, demoPW), demoPW
	}
	tokens["shuji2"] = h.addSecretary(tokens["admin"], h.fx.MemberB, h.fx.BranchB, "shuji2", passwords["shuji2"])
	f := makeAccessFixtures(h, tokens["admin"], tokens["dangyuan"])
	table := accessTable(f)
	for _, ext := range accessExtensions {
		for key, cases := range ext(h, tokens, f) {
			if _, dup := table[key]; dup {
				t.Errorf("access table: %q is defined twice", key)
			}
			table[key] = cases
		}
	}

	routes := map[string]bool{}
	for _, rt := range h.app.Web.Routes() {
		routes[rt.Key()] = rt.API
	}
	var keys []string
	for _, rt := range h.app.Web.Routes() {
		keys = append(keys, rt.Key())
	}
	sort.Strings(keys)
	for _, key := range keys {
		if strings.HasPrefix(strings.SplitN(key, " ", 2)[1], "/static/") {
			continue
		}
		cases, ok := table[key]
		if !ok || len(cases) == 0 {
			t.Errorf("route %q has no entry in the access table (access_test.go, or the feature's access_<feature>_test.go): add one saying which roles may use it", key)
			continue
		}
		method := strings.SplitN(key, " ", 2)[0]
		api := routes[key]
		// Sequential on purpose: parallel writers only queue on SQLite's
		// lock, and the table's writes are easier to reason about in order.
		t.Run(key, func(t *testing.T) {
			h := h.with(t)
			for _, c := range cases {
				checkPattern(t, key, method, c.path)
				allowed := allowSet(c.allow)
				for _, role := range accessRoles {
					tok := tokens[role]
					if c.fresh && role != "anon" {
						tok = h.login(role, passwords[role])
					}
					r := h.do(method, c.path, tok, withRole(c.body, role))
					checkAccess(t, key, method, c.path, role, api, allowed[role], r)
				}
			}
		})
	}
	var stale []string
	for key := range table {
		if _, ok := routes[key]; !ok {
			stale = append(stale, key)
		}
	}
	sort.Strings(stale)
	for _, key := range stale {
		t.Errorf("the access table has an entry for %q, which is not a registered route: remove it", key)
	}
}

// checkPattern makes sure a case's concrete path reaches its route (a typo
// would otherwise answer 404 from the mux and pass for "denied").
func checkPattern(t *testing.T, key, method, path string) {
	t.Helper()
	m := http.NewServeMux()
	m.HandleFunc(key, func(http.ResponseWriter, *http.Request) {})
	req, err := http.NewRequest(method, "http://x"+path, nil)
	if err != nil {
		t.Fatalf("%s: bad path %q: %v", key, path, err)
	}
	if _, pat := m.Handler(req); pat != key {
		t.Errorf("%s: table path %q does not match the route", key, path)
	}
}

func allowSet(s string) map[string]bool {
	out := map[string]bool{}
	for _, r := range strings.Fields(s) {
		switch r {
		case "*":
			for _, x := range accessRoles {
				out[x] = true
			}
		case "+":
			for _, x := range accessRoles {
				out[x] = x != "anon"
			}
		default:
			if !slices.Contains(accessRoles, r) {
				panic("access table names unknown role " + r)
			}
			out[r] = true
		}
	}
	return out
}

// withRole puts the role's name into "{role}" placeholders, so that the
// objects each role creates have names of their own.
func withRole(body any, role string) any {
	switch b := body.(type) {
	case string:
		return strings.ReplaceAll(b, "{role}", role)
	case url.Values:
		out := url.Values{}
		for k, vs := range b {
			for _, v := range vs {
				out.Add(k, strings.ReplaceAll(v, "{role}", role))
			}
		}
		return out
	}
	return body
}

// checkAccess judges one response. Denied: 401 for anonymous API calls and
// form posts, a redirect to the login page for anonymous page views, and
// 403 or 404 for a logged-in user. Allowed: anything else but a server
// error (validation answers such as 400/409/422 mean the gate let it in).
func checkAccess(t *testing.T, key, method, path, role string, api, allow bool, r resp) {
	t.Helper()
	where := fmt.Sprintf("%s (%s) as %s", key, path, role)
	loc := r.Header.Get("Location")
	toLogin := r.StatusCode/100 == 3 && strings.HasPrefix(loc, "/login?")
	if r.StatusCode >= 500 {
		t.Errorf("%s: server error %s", where, r)
		return
	}
	denied := r.StatusCode == 401 || r.StatusCode == 403 || r.StatusCode == 404 || toLogin
	if allow {
		if denied {
			t.Errorf("%s: want allowed, got %s (Location %q)", where, r, loc)
		}
		return
	}
	if !denied {
		t.Errorf("%s: want denied, got %s (Location %q)", where, r, loc)
		return
	}
	switch {
	case role == "anon" && api:
		if r.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s: anonymous API call: want 401, got %s", where, r)
		}
	case role == "anon" && method == http.MethodGet:
		if !toLogin {
			t.Errorf("%s: anonymous page view: want a redirect to /login, got %s (Location %q)", where, r, loc)
		}
	case role == "anon":
		if r.StatusCode != http.StatusUnauthorized && !toLogin {
			t.Errorf("%s: anonymous form post: want 401 or a redirect to /login, got %s", where, r)
		}
	default:
		if r.StatusCode != http.StatusForbidden && r.StatusCode != http.StatusNotFound {
			t.Errorf("%s: logged-in user turned away with %s; want 403 or 404", where, r)
		}
	}
	if api {
		r.apiErr(t)
	}
}

// makeAccessFixtures creates, as the admin, the throwaway objects the
// state-changing cases act on.
func makeAccessFixtures(h *harness, adminTok, dangTok string) accessFixtures {
	t := h.t
	t.Helper()
	f := accessFixtures{fixtures: h.fx}
	newOrg := func(parent int64, name, kind string) int64 {
		r := h.do("POST", "/api/v1/orgs", adminTok, map[string]any{"parent_id": parent, "name": name, "kind": kind})
		r.expect(t, http.StatusCreated, "create org "+name)
		var o struct{ ID int64 }
		r.json(t, &o)
		return o.ID
	}
	newMember := func(org int64, name string) int64 {
		r := h.do("POST", "/api/v1/members", adminTok, map[string]any{"org_id": org, "name": name})
		r.expect(t, http.StatusCreated, "create member "+name)
		var m struct{ ID int64 }
		r.json(t, &m)
		return m.ID
	}
	f.TmpCommittee = newOrg(f.Root, "测试临时党委", "committee")
	f.DelAPI = newOrg(f.TmpCommittee, "待删支部甲", "branch")
	f.DelPage = newOrg(f.TmpCommittee, "待删支部乙", "branch")
	f.SplitAPI = newOrg(f.TmpCommittee, "待拆支部甲", "branch")
	f.SplitPage = newOrg(f.TmpCommittee, "待拆支部乙", "branch")
	for _, b := range []int64{f.SplitAPI, f.SplitPage} {
		newMember(b, "拆分甲")
		newMember(b, "拆分乙")
	}
	users := newOrg(f.TmpCommittee, "临时账号支部", "branch")
	f.PatchA = newMember(f.BranchA, "待改甲")
	f.PatchB = newMember(f.BranchB, "待改乙")
	f.AcctA = newMember(f.BranchA, "开号甲一")
	f.AcctA2 = newMember(f.BranchA, "开号甲二")
	f.AcctB = newMember(f.BranchB, "开号乙一")
	f.AcctB2 = newMember(f.BranchB, "开号乙二")
	f.TmpUser, _ = h.newAccount(adminTok, newMember(users, "临时账号"), "tmpuser")
	for _, role := range []string{"groupleader", "leader"} {
		r := h.do("POST", fmt.Sprintf("/api/v1/users/%d/roles", f.TmpUser), adminTok, map[string]any{"role": role, "org_id": f.TmpCommittee})
		r.expect(t, http.StatusNoContent, "grant "+role)
	}
	f.GrantAPI = h.id(`SELECT id FROM role_assignments WHERE user_id = ? AND role = 'groupleader'`, f.TmpUser)
	f.GrantPage = h.id(`SELECT id FROM role_assignments WHERE user_id = ? AND role = 'leader'`, f.TmpUser)
	r := h.do("POST", "/api/v1/feedback", dangTok, map[string]string{"kind": "suggestion", "subject": "建议", "body": "希望增加学习资料"})
	r.expect(t, http.StatusCreated, "send feedback")
	var fb struct{ ID int64 }
	r.json(t, &fb)
	f.Feedback = fb.ID
	f.Import = rosterXLSX(t, []string{"导入测试", "男", "1990-01-01", "2015-07-01", "", "科员", "正常", demo.DemoBranch})
	return f
}
