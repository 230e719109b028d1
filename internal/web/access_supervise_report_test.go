package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
)

// The dashboards', bulletins', briefs' and similar speeches' routes in the
// access table (access_test.go). Fixtures, made through the API as the
// admin: two bulletin drafts (one to read and edit, one to publish), a
// published bulletin naming BranchA (shuji's unit) for the
// acknowledgement, and a brief draft.
func init() { accessExtensions = append(accessExtensions, superviseReportAccess) }

func superviseReportAccess(h *harness, tokens map[string]string, f accessFixtures) map[string][]accessCase {
	t := h.t
	p := fmt.Sprintf
	draft := func() int64 {
		r := h.do("POST", "/api/v1/bulletins/draft", tokens["admin"], nil)
		r.expect(t, http.StatusCreated, "bulletin draft")
		var b struct{ ID int64 }
		r.json(t, &b)
		return b.ID
	}
	readB, pubB, ackB := draft(), draft(), draft()
	// Name BranchA in the acknowledgement fixture whatever the data says.
	if _, err := h.app.DB.Exec(context.Background(), `INSERT INTO bulletin_items (bulletin_id, kind, org_id, text) VALUES (?, 'name', ?, '点名')`, ackB, f.BranchA); err != nil {
		t.Fatal(err)
	}
	h.do("POST", p("/api/v1/bulletins/%d/publish", ackB), tokens["admin"], nil).expect(t, http.StatusOK, "publish fixture")
	r := h.do("POST", "/api/v1/briefs/draft", tokens["zhuanban"], `{}`)
	r.expect(t, http.StatusCreated, "brief draft")
	var br struct{ ID int64 }
	r.json(t, &br)
	form := func(kv ...string) url.Values {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	const (
		analysts = "admin zhuanban"
		admin    = "admin"
		readers  = "admin zhuanban shuji shuji2"
	)
	ack := p(`{"org_id":%d,"answer":"本周整改到位"}`, f.BranchA)
	return map[string][]accessCase{
		"GET /supervise/dashboard":               {{path: "/supervise/dashboard", allow: analysts}},
		"GET /supervise/dashboard/export.xlsx":   {{path: "/supervise/dashboard/export.xlsx", allow: analysts}},
		"POST /supervise/dashboard/rebuild":      {{path: "/supervise/dashboard/rebuild", body: form(), allow: admin}},
		"GET /supervise/bulletins":               {{path: "/supervise/bulletins", allow: readers}},
		"POST /supervise/bulletins":              {{path: "/supervise/bulletins", body: form("round", ""), allow: admin}},
		"GET /supervise/bulletins/{id}":          {{path: p("/supervise/bulletins/%d", readB), allow: analysts}},
		"POST /supervise/bulletins/{id}":         {{path: p("/supervise/bulletins/%d", readB), body: form("title", "通报{role}", "intro", "导语"), allow: admin}},
		"POST /supervise/bulletins/{id}/publish": {{path: p("/supervise/bulletins/%d/publish", pubB), body: form(), allow: admin}},
		"POST /supervise/bulletins/{id}/ack":     {{path: p("/supervise/bulletins/%d/ack", ackB), body: form("org_id", fmt.Sprint(f.BranchA), "answer", "整改"), allow: "shuji"}},
		"GET /supervise/briefs":                  {{path: "/supervise/briefs", allow: analysts}},
		"POST /supervise/briefs":                 {{path: "/supervise/briefs", body: form(), allow: analysts}},
		"GET /supervise/briefs/{id}":             {{path: p("/supervise/briefs/%d", br.ID), allow: analysts}},
		"POST /supervise/briefs/{id}":            {{path: p("/supervise/briefs/%d", br.ID), body: form("title", "简报{role}", "issuer", "专班", "body", "一、总体情况\n正文"), allow: analysts}},
		"POST /supervise/briefs/{id}/publish":    {{path: p("/supervise/briefs/%d/publish", br.ID), body: form(), allow: analysts}},
		"GET /supervise/briefs/{id}/print":       {{path: p("/supervise/briefs/%d/print", br.ID), allow: analysts}},
		"GET /supervise/briefs/{id}/docx":        {{path: p("/supervise/briefs/%d/docx", br.ID), allow: analysts}},
		"GET /supervise/similar":                 {{path: "/supervise/similar", allow: analysts}},
		"POST /supervise/similar/threshold":      {{path: "/supervise/similar/threshold", body: form("threshold", "0.7"), allow: admin}},

		"GET /api/v1/dashboard":               {{path: "/api/v1/dashboard", allow: analysts}},
		"POST /api/v1/bulletins/draft":        {{path: "/api/v1/bulletins/draft", allow: admin}},
		"GET /api/v1/bulletins/{id}":          {{path: p("/api/v1/bulletins/%d", readB), allow: analysts}},
		"POST /api/v1/bulletins/{id}/publish": {{path: p("/api/v1/bulletins/%d/publish", pubB), allow: admin}},
		"POST /api/v1/bulletins/{id}/ack":     {{path: p("/api/v1/bulletins/%d/ack", ackB), body: ack, allow: "shuji"}},
		"POST /api/v1/briefs/draft":           {{path: "/api/v1/briefs/draft", body: `{}`, allow: analysts}},
		"GET /api/v1/briefs/{file}":           {{path: p("/api/v1/briefs/%d.docx", br.ID), allow: analysts}, {path: p("/api/v1/briefs/%d", br.ID), allow: analysts}},
		"GET /api/v1/similar-speeches":        {{path: "/api/v1/similar-speeches", allow: analysts}},
	}
}
