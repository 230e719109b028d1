package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestLibraryScenarios drives the library through HTTP: publishing,
// Chinese search, safe rendering, attachments refused by content, reading
// progress, and the unread list fed by a notice of the current round.
func TestLibraryScenarios(t *testing.T) {
	h := newHarness(t)
	admin, dang, shuji := h.login("admin", demoPW), h.login("dangyuan", demoPW), h.login("shuji", demoPW)

	r := h.do("POST", "/api/v1/materials", admin, map[string]any{"title": "党章学习专题", "source": "区委组织部", "published_on": "2026-01-05",
		"category": "party_rules", "tags": []string{"党章", "专题"}, "body": "# 要点\n认真学习党章，对照检视栖霞湾样板。<script>alert(1)</script>"})
	r.expect(t, http.StatusCreated, "create")
	var m struct {
		ID   int64
		Tags []string
	}
	r.json(t, &m)

	// Bad input: every reason in Chinese, nothing written.
	before := h.count(`SELECT COUNT(*) FROM materials`)
	r = h.do("POST", "/api/v1/materials", admin, `{"title":"","published_on":"昨天","category":"x","body":""}`)
	if e := r.apiErr(t); r.StatusCode != 400 || len(e.Error.Fields) != 4 {
		t.Errorf("bad material: %s", r)
	}
	if h.count(`SELECT COUNT(*) FROM materials`) != before {
		t.Error("a bad material was stored")
	}

	// Search in Chinese through the API; the page renders the body escaped.
	r = h.do("GET", "/api/v1/materials/search?q="+url.QueryEscape("栖霞湾样板"), dang, nil)
	r.expect(t, http.StatusOK, "search")
	var res struct {
		Items []struct{ ID int64 }
		Total int
	}
	r.json(t, &res)
	if res.Total != 1 || res.Items[0].ID != m.ID {
		t.Errorf("search 栖霞湾样板 = %s", r)
	}
	r = h.do("GET", fmt.Sprintf("/library/%d", m.ID), dang, nil)
	r.expect(t, http.StatusOK, "material page")
	body := string(r.Body)
	if strings.Contains(body, "<script>alert") || !strings.Contains(body, "&lt;script&gt;") || !strings.Contains(body, "<h2>要点</h2>") {
		t.Errorf("material body not rendered safely")
	}

	// Attachments: type by content, not by name.
	files := h.count(`SELECT COUNT(*) FROM files`)
	for _, c := range []struct {
		name string
		data []byte
		code string
	}{
		{"通知.pdf", pngBytes, "type_mismatch"},
		{"setup.exe", append([]byte("MZ\x90\x00"), make([]byte, 100)...), "bad_type"},
		{"大文件.pdf", append([]byte("%PDF-1.4\n"), make([]byte, 11<<20)...), "too_big"},
	} {
		r = h.do("POST", fmt.Sprintf("/api/v1/materials/%d/attachments", m.ID), admin, upload{Name: c.name, Data: c.data})
		if e := r.apiErr(t); r.StatusCode != 400 || e.Error.Code != c.code {
			t.Errorf("upload %s: %s, want 400 %s", c.name, r, c.code)
		}
	}
	// The page form re-shows the material with the reason.
	r = h.do("POST", fmt.Sprintf("/library/%d/attachments", m.ID), admin, upload{Name: "通知.pdf", Data: pngBytes})
	if r.StatusCode != 400 || !strings.Contains(string(r.Body), "不符") {
		t.Errorf("page upload of a disguised file: %s", r)
	}
	if h.count(`SELECT COUNT(*) FROM files`) != files {
		t.Error("a refused upload was stored")
	}
	r = h.do("POST", fmt.Sprintf("/api/v1/materials/%d/attachments", m.ID), admin, upload{Name: "图.png", Data: pngBytes})
	r.expect(t, http.StatusCreated, "upload png")
	var f struct{ ID int64 }
	r.json(t, &f)
	r = h.do("GET", fmt.Sprintf("/library/%d/attachments/%d", m.ID, f.ID), dang, nil)
	r.expect(t, http.StatusOK, "download")
	if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || r.Header.Get("Content-Type") != "image/png" {
		t.Errorf("download headers: %q %q", cd, r.Header.Get("Content-Type"))
	}

	// A secretary files only business policies of their own unit.
	r = h.do("POST", "/api/v1/materials", shuji, map[string]any{"title": "越权资料", "published_on": "2026-01-05", "category": "speeches", "body": "x"})
	if r.StatusCode != 400 {
		t.Errorf("secretary filing a district category: %s", r)
	}

	// The unread list: a notice of the current round requires the material.
	var rounds struct {
		Rounds []struct {
			Key     string `json:"id"`
			Current bool
		}
	}
	h.do("GET", "/api/v1/rounds", admin, nil).json(t, &rounds)
	key := ""
	for _, x := range rounds.Rounds {
		if x.Current {
			key = x.Key
		}
	}
	r = h.do("POST", "/api/v1/notices", admin, map[string]any{"round_key": key, "kind": "reminder", "title": "学习提醒", "body": "请学习。", "materials": []string{"党章学习专题"}})
	r.expect(t, http.StatusCreated, "notice")
	unread := func() string {
		r := h.do("GET", "/api/v1/materials/unread", dang, nil)
		r.expect(t, http.StatusOK, "unread")
		return string(r.Body)
	}
	if !strings.Contains(unread(), "党章学习专题") {
		t.Fatalf("unread lacks the required material: %s", unread())
	}
	r = h.do("POST", fmt.Sprintf("/api/v1/materials/%d/progress", m.ID), dang, nil)
	r.expect(t, http.StatusOK, "progress")
	if strings.Contains(unread(), "党章学习专题") {
		t.Errorf("read material still unread: %s", unread())
	}
	r = h.do("POST", fmt.Sprintf("/api/v1/materials/%d/progress", m.ID), dang, `{"read":true,"seconds":300}`)
	if r.StatusCode != 400 {
		t.Errorf("progress with a reading time must be refused (no time measured): %s", r)
	}
	if n := h.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'material.read'`); n != 1 {
		t.Errorf("audit entries for material.read = %d, want 1", n)
	}
}
