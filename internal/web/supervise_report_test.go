package web_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"xuejiangping/internal/demo"
)

// The report routes end to end over HTTP on the demo district: pages render
// for the task force, the API answers, drafts are made, published and
// acknowledged, the brief exports as .docx, and roles are kept apart.
func TestSuperviseReportRoutes(t *testing.T) {
	h := newHarness(t)
	admin := h.login("admin", demoPW)
	tf := h.login("zhuanban", demoPW)
	sec := h.login(demo.LoginSecretary, demoPW)
	member := h.login(demo.LoginMember, demoPW)

	for _, path := range []string{"/supervise/dashboard", "/supervise/bulletins", "/supervise/briefs", "/supervise/similar"} {
		r := h.do("GET", path, tf, nil)
		r.expect(t, 200, path)
		if !strings.Contains(string(r.Body), "<svg") && path == "/supervise/dashboard" {
			t.Errorf("dashboard has no chart")
		}
	}
	h.do("GET", "/supervise/dashboard", member, nil).expect(t, 403, "member dashboard")
	h.do("GET", "/api/v1/dashboard?org=999999", tf, nil).expect(t, 404, "unknown org")
	h.do("GET", "/api/v1/dashboard?round=bad", tf, nil).expect(t, 400, "bad round")
	var dash struct {
		Org   struct{ ID int64 }
		Total struct{ Units int }
		Rows  []struct{ Org struct{ ID int64 } }
	}
	r := h.do("GET", "/api/v1/dashboard", tf, nil)
	r.expect(t, 200, "dashboard api")
	r.json(t, &dash)
	if dash.Total.Units == 0 || len(dash.Rows) == 0 {
		t.Fatalf("dashboard api: %s", r)
	}
	x := h.do("GET", fmt.Sprintf("/supervise/dashboard/export.xlsx?org=%d", dash.Rows[0].Org.ID), tf, nil)
	x.expect(t, 200, "xlsx")
	if _, err := zip.NewReader(bytes.NewReader(x.Body), int64(len(x.Body))); err != nil {
		t.Errorf("xlsx is not a zip: %v", err)
	}
	h.do("GET", "/api/v1/similar-speeches", tf, nil).expect(t, 200, "similar api")
	h.do("GET", "/api/v1/similar-speeches?threshold=0.1", tf, nil).expect(t, 400, "bad threshold")

	// Bulletins: only the admin drafts and publishes.
	h.do("POST", "/api/v1/bulletins/draft", tf, nil).expect(t, 403, "task force drafts")
	var b struct {
		ID    int64
		Items []struct {
			Kind  string
			OrgID int64 `json:"org_id"`
		}
	}
	r = h.do("POST", "/api/v1/bulletins/draft", admin, nil)
	r.expect(t, 201, "draft")
	r.json(t, &b)
	h.do("GET", fmt.Sprintf("/supervise/bulletins/%d", b.ID), admin, nil).expect(t, 200, "draft page")
	h.do("GET", fmt.Sprintf("/supervise/bulletins/%d", b.ID), sec, nil).expect(t, 404, "secretary sees a draft")
	h.do("POST", fmt.Sprintf("/supervise/bulletins/%d", b.ID), admin, url.Values{"title": {""}}).expect(t, 400, "empty title")
	h.do("POST", fmt.Sprintf("/api/v1/bulletins/%d/publish", b.ID), admin, nil).expect(t, 200, "publish")
	h.do("POST", fmt.Sprintf("/api/v1/bulletins/%d/publish", b.ID), admin, nil).expect(t, 409, "publish twice")
	h.do("POST", fmt.Sprintf("/api/v1/bulletins/%d/ack", b.ID), sec, `{"org_id":999999,"answer":"x"}`).expect(t, 404, "ack unknown unit")

	// Briefs: drafted by the task force, exported as .docx.
	var br struct {
		ID      int64
		IssueNo int64 `json:"issue_no"`
	}
	r = h.do("POST", "/api/v1/briefs/draft", tf, `{"issuer":"专班"}`)
	r.expect(t, 201, "brief draft")
	r.json(t, &br)
	if br.IssueNo != 1 {
		t.Errorf("issue no = %d", br.IssueNo)
	}
	h.do("POST", "/api/v1/briefs/draft", sec, `{}`).expect(t, 403, "secretary drafts a brief")
	for _, path := range []string{fmt.Sprintf("/supervise/briefs/%d", br.ID), fmt.Sprintf("/supervise/briefs/%d/print", br.ID)} {
		h.do("GET", path, tf, nil).expect(t, 200, path)
	}
	d := h.do("GET", fmt.Sprintf("/api/v1/briefs/%d.docx", br.ID), tf, nil)
	d.expect(t, 200, "docx")
	if z, err := zip.NewReader(bytes.NewReader(d.Body), int64(len(d.Body))); err != nil || len(z.File) < 4 {
		t.Errorf("docx: %v", err)
	}
	h.do("GET", "/api/v1/briefs/abc.docx", tf, nil).expect(t, 404, "bad brief id")
	h.do("POST", fmt.Sprintf("/supervise/briefs/%d", br.ID), tf, url.Values{"title": {"标题"}, "issuer": {""}, "body": {"正文"}}).expect(t, 400, "bad brief form re-shown")
}
