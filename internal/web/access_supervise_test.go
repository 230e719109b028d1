package web_test

import (
	"fmt"
	"net/url"
	"time"

	"xuejiangping/internal/db"
)

// The supervise feature's routes in the access table (access_test.go).
func init() {
	accessExtensions = append(accessExtensions, func(h *harness, _ map[string]string, _ accessFixtures) map[string][]accessCase {
		return superviseAccessTable(makeSuperviseAccessFixtures(h))
	})
}

// superviseAccessFixtures are the objects the supervise cases act on.
type superviseAccessFixtures struct {
	Meeting     int64 // a meeting of BranchA under way, not finalised
	SitIn       int64 // zhuanban's sit-in at it
	Weekly      int64
	Decision    int64
	Observation int64
	Exemplar    int64 // published
}

func makeSuperviseAccessFixtures(h *harness) superviseAccessFixtures {
	t := h.t
	t.Helper()
	var f superviseAccessFixtures
	now := time.Now().UTC()
	ctx := t.Context()
	err := h.app.DB.InTx(ctx, func(tx *db.Tx) error {
		var tf, admin int64
		if err := tx.QueryRow(ctx, `SELECT id FROM users WHERE username = 'zhuanban'`).Scan(&tf); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT id FROM users WHERE username = 'admin'`).Scan(&admin); err != nil {
			return err
		}
		var err error
		if f.Meeting, err = tx.Insert(ctx, `INSERT INTO meetings (org_id, round_key, planned_at, secret, created_at, updated_at) VALUES (?, 'acc-1', ?, 's', ?, ?)`,
			h.fx.BranchA, now.Add(-time.Hour), now, now); err != nil {
			return err
		}
		past, err := tx.Insert(ctx, `INSERT INTO meetings (org_id, round_key, planned_at, secret, held_at, finalized_at, created_at, updated_at) VALUES (?, 'acc-0', ?, 's', ?, ?, ?, ?)`,
			h.fx.BranchA, now.Add(-400*time.Hour), now.Add(-400*time.Hour), now.Add(-398*time.Hour), now, now)
		if err != nil {
			return err
		}
		if f.SitIn, err = tx.Insert(ctx, `INSERT INTO sitins (meeting_id, user_id, capacity, signed_at) VALUES (?, ?, 'taskforce', ?)`, f.Meeting, tf, now); err != nil {
			return err
		}
		if f.Weekly, err = tx.Insert(ctx, `INSERT INTO tf_weeklies (held_on, title, minutes, created_at) VALUES ('2026-01-05', '例会', '纪要', ?)`, now); err != nil {
			return err
		}
		if f.Decision, err = tx.Insert(ctx, `INSERT INTO tf_decisions (weekly_id, text, owner_id, due, created_at) VALUES (?, '事项', ?, '2026-01-09', ?)`, f.Weekly, tf, now); err != nil {
			return err
		}
		if f.Observation, err = tx.Insert(ctx, `INSERT INTO tf_observations (month, org_id, observer_id, created_at) VALUES ('2026-01', ?, ?, ?)`, h.fx.BranchA, admin, now); err != nil {
			return err
		}
		f.Exemplar, err = tx.Insert(ctx, `INSERT INTO exemplars (kind, meeting_id, org_id, title, citation, published, published_at, created_at, updated_at) VALUES ('meeting', ?, ?, '示范', '推荐', TRUE, ?, ?, ?)`,
			past, h.fx.BranchA, now, now, now)
		return err
	})
	if err != nil {
		t.Fatalf("supervise fixtures: %v", err)
	}
	return f
}

// superviseAccessTable is the supervise feature's part of the access
// table. The other engineer's report routes (registerSuperviseReports)
// keep their entries in a file of their own.
func superviseAccessTable(f superviseAccessFixtures) map[string][]accessCase {
	const (
		all     = "*"
		users   = "+"
		readers = "admin zhuanban shuji shuji2"
		tf      = "admin zhuanban"
	)
	p := fmt.Sprintf
	form := func(kv ...string) url.Values {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	mt := p("/meetings/%d/sitins", f.Meeting)
	return map[string][]accessCase{
		"GET /supervise":                           {{path: "/supervise", allow: tf}},
		"GET /supervise/standups":                  {{path: "/supervise/standups", allow: tf}},
		"POST /supervise/standups":                 {{path: "/supervise/standups", body: form("body", "碰头 {role}"), allow: tf}},
		"GET /supervise/weekly":                    {{path: "/supervise/weekly", allow: tf}},
		"POST /supervise/weekly":                   {{path: "/supervise/weekly", body: form("held_on", "2026-01-05", "title", "例会 {role}", "minutes", "纪要"), allow: tf}},
		"GET /supervise/weekly/{id}":               {{path: p("/supervise/weekly/%d", f.Weekly), allow: tf}},
		"POST /supervise/weekly/{id}/decisions":    {{path: p("/supervise/weekly/%d/decisions", f.Weekly), body: form("text", "x"), allow: tf}},
		"POST /supervise/decisions/{id}/done":      {{path: p("/supervise/decisions/%d/done", f.Decision), body: form("note", "已办"), allow: tf}},
		"GET /supervise/observations":              {{path: "/supervise/observations", allow: tf}},
		"POST /supervise/observations":             {{path: "/supervise/observations", body: form("month", "2026-01"), allow: tf}},
		"POST /supervise/observations/{id}/delete": {{path: p("/supervise/observations/%d/delete", f.Observation), body: form(), allow: "admin"}}, // gone for the roles after
		"GET /supervise/calendar":                  {{path: "/supervise/calendar", allow: readers}},
		"GET /sitins":                              {{path: "/sitins", allow: readers}},
		"GET /meetings/{id}/sitins":                {{path: mt, allow: "admin zhuanban shuji dangyuan"}},
		"POST /meetings/{id}/sitins":               {{path: mt, body: form(), allow: tf}},
		"POST /meetings/{id}/sitins/withdraw":      {{path: mt + "/withdraw", body: form(), allow: tf}},
		"POST /meetings/{id}/sitins/record":        {{path: mt + "/record", body: form("study", "4", "speak", "4", "review", "3", "followup", "3"), allow: tf}},
		"POST /sitins/{id}/problems":               {{path: p("/sitins/%d/problems", f.SitIn), body: form("problem", ""), allow: "zhuanban"}},
		"GET /exemplars":                           {{path: "/exemplars", allow: users}},
		"GET /exemplars/new":                       {{path: "/exemplars/new", allow: tf}},
		"POST /exemplars":                          {{path: "/exemplars", body: form("target", "meeting"), allow: tf}},
		"GET /exemplars/{id}":                      {{path: p("/exemplars/%d", f.Exemplar), allow: users}},
		"POST /exemplars/{id}/publish":             {{path: p("/exemplars/%d/publish", f.Exemplar), body: form("publish", "1"), allow: tf}},
		"GET /exemplars/feed.atom":                 {{path: "/exemplars/feed.atom", allow: all}},

		"POST /api/v1/sitins":                 {{path: "/api/v1/sitins", body: p(`{"meeting_id":%d}`, f.Meeting), allow: tf}},
		"GET /api/v1/sitins":                  {{path: p("/api/v1/sitins?meeting=%d", f.Meeting), allow: "admin zhuanban shuji dangyuan"}, {path: "/api/v1/sitins", allow: readers}},
		"POST /api/v1/sitins/{id}/problems":   {{path: p("/api/v1/sitins/%d/problems", f.SitIn), body: `{"problem":""}`, allow: "zhuanban"}},
		"GET /api/v1/sitins/calendar":         {{path: "/api/v1/sitins/calendar", allow: readers}},
		"GET /api/v1/supervise/decisions":     {{path: "/api/v1/supervise/decisions", allow: tf}},
		"POST /api/v1/exemplars":              {{path: "/api/v1/exemplars", body: `{"kind":"meeting"}`, allow: tf}},
		"POST /api/v1/exemplars/{id}/publish": {{path: p("/api/v1/exemplars/%d/publish", f.Exemplar), body: `{"publish":true}`, allow: tf}},
		"GET /api/v1/exemplars":               {{path: "/api/v1/exemplars", allow: users}},
		"GET /api/v1/exemplars/feed.atom":     {{path: "/api/v1/exemplars/feed.atom", allow: all}},
	}
}
