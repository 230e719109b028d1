package web_test

import (
	"fmt"
	"net/http"
	"net/url"
)

// The study library's routes in the access table. Fixtures, made through
// the API: a district-wide material (by the admin), a business policy of
// BranchA (by shuji) and one of BranchB (by the admin), each BranchA
// policy with a PNG attachment.
func init() { accessExtensions = append(accessExtensions, studyAccess) }

// pngBytes is a 1×1 PNG header: enough for content sniffing.
var pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")

func studyAccess(h *harness, tokens map[string]string, f accessFixtures) map[string][]accessCase {
	t := h.t
	create := func(tok string, body map[string]any) int64 {
		r := h.do("POST", "/api/v1/materials", tok, body)
		r.expect(t, http.StatusCreated, "create material")
		var m struct{ ID int64 }
		r.json(t, &m)
		return m.ID
	}
	attach := func(tok string, id int64) int64 {
		r := h.do("POST", fmt.Sprintf("/api/v1/materials/%d/attachments", id), tok, upload{Name: "图.png", Data: pngBytes})
		r.expect(t, http.StatusCreated, "attach")
		var a struct{ ID int64 }
		r.json(t, &a)
		return a.ID
	}
	mat := func(title, cat string, org int64) map[string]any {
		return map[string]any{"title": title, "published_on": "2026-01-05", "category": cat, "body": "学习党章，遵守党章。", "org_id": org}
	}
	district := create(tokens["admin"], mat("全区资料", "party_rules", 0))
	policyA := create(tokens["shuji"], mat("甲支部业务政策", "unit_policy", 0))
	policyB := create(tokens["admin"], mat("乙支部业务政策", "unit_policy", f.BranchB))
	fileA := attach(tokens["shuji"], policyA)
	delDistrict := attach(tokens["admin"], district)
	delA := attach(tokens["shuji"], policyA)

	const (
		library = "admin zhuanban shuji dangyuan shuji2" // everyone but the auditor
		seeA    = "admin zhuanban shuji dangyuan"
		seeB    = "admin zhuanban shuji2"
		writers = "admin shuji shuji2"
	)
	p := fmt.Sprintf
	form := func(kv ...string) url.Values {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	pageForm := func(cat string, org int64) url.Values {
		return form("title", "页面资料{role}", "published_on", "2026-01-06", "category", cat, "body", "正文", "org_id", fmt.Sprint(org))
	}
	png := upload{Name: "图.png", Data: pngBytes}
	return map[string][]accessCase{
		"GET /library":     {{path: "/library", allow: library}, {path: "/library?q=党章&category=party_rules", allow: library}},
		"GET /library/new": {{path: "/library/new", allow: writers}},
		"POST /library":    {{path: "/library", body: pageForm("unit_policy", 0), allow: writers}},
		"GET /library/{id}": {
			{path: p("/library/%d", district), allow: library},
			{path: p("/library/%d", policyA), allow: seeA},
			{path: p("/library/%d", policyB), allow: seeB},
		},
		"GET /library/{id}/edit": {
			{path: p("/library/%d/edit", district), allow: "admin"},
			{path: p("/library/%d/edit", policyA), allow: "admin shuji"},
		},
		"POST /library/{id}": {
			{path: p("/library/%d", policyA), body: pageForm("unit_policy", f.BranchA), allow: "admin shuji"},
			{path: p("/library/%d", district), body: pageForm("party_rules", 0), allow: "admin"},
		},
		"POST /library/{id}/read": {
			{path: p("/library/%d/read", district), body: form("read", "1"), allow: library},
			{path: p("/library/%d/read", policyB), body: form("read", "1"), allow: seeB},
		},
		"POST /library/{id}/attachments": {{path: p("/library/%d/attachments", policyA), body: png, allow: "admin shuji"}},
		"GET /library/{id}/attachments/{fid}": {
			{path: p("/library/%d/attachments/%d", policyA, fileA), allow: seeA},
			// A file asked for through another material is not found.
			{path: p("/library/%d/attachments/%d", district, fileA), allow: ""},
		},
		"POST /library/{id}/attachments/{fid}/delete": {
			{path: p("/library/%d/attachments/%d/delete", district, delDistrict), body: form(), allow: "admin"},
			{path: p("/library/%d/attachments/%d/delete", policyA, delA), body: form(), allow: "admin shuji"},
		},

		"GET /api/v1/materials":        {{path: "/api/v1/materials?tag=党章", allow: library}},
		"POST /api/v1/materials":       {{path: "/api/v1/materials", body: `{"title":"接口资料{role}","published_on":"2026-01-05","category":"unit_policy","body":"正文"}`, allow: writers}},
		"GET /api/v1/materials/search": {{path: "/api/v1/materials/search?q=" + url.QueryEscape("党章"), allow: library}},
		"GET /api/v1/materials/unread": {{path: "/api/v1/materials/unread", allow: library}},
		"GET /api/v1/materials/{id}": {
			{path: p("/api/v1/materials/%d", district), allow: library},
			{path: p("/api/v1/materials/%d", policyA), allow: seeA},
			{path: p("/api/v1/materials/%d", policyB), allow: seeB},
		},
		"PATCH /api/v1/materials/{id}": {
			{path: p("/api/v1/materials/%d", policyA), body: p(`{"title":"改{role}","published_on":"2026-01-05","category":"unit_policy","body":"正文","org_id":%d}`, f.BranchA), allow: "admin shuji"},
		},
		"POST /api/v1/materials/{id}/progress": {
			{path: p("/api/v1/materials/%d/progress", district), body: `{"read":true}`, allow: library},
			{path: p("/api/v1/materials/%d/progress", policyA), body: `{"read":true}`, allow: seeA},
		},
		"POST /api/v1/materials/{id}/attachments": {{path: p("/api/v1/materials/%d/attachments", policyA), body: png, allow: "admin shuji"}},
	}
}
