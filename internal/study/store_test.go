package study_test

import (
	"archive/zip"
	"bytes"
	"context"
	"slices"
	"testing"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/db/dbtest"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/study"
)

func TestSearchChinese(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		a := w.add(t, w.admin, study.Input{Title: "《中国共产党章程》学习要点", Body: "学习党章，尊崇党章，遵守党章。"})
		b := w.add(t, w.admin, study.Input{Title: "党员教育管理工作条例解读", Body: "条例要求党员认真学习党章党规，增强“四个意识”。"})
		c := w.add(t, w.admin, study.Input{Title: "2025年GDP增长情况通报", Category: string(study.CategoryDocuments), Body: "全区ＧＤＰ增长5.2%，就业形势总体稳定。"})
		e := w.add(t, w.admin, study.Input{Title: "关于做好就业工作的意见", Category: string(study.CategoryDocuments), Body: "稳就业、保民生。章程以外的规定另行通知。"})
		_ = w.add(t, w.admin, study.Input{Title: "基层治理经验", Body: "网格化管理，服务群众。党的建设贯穿全过程。"})
		tests := []struct {
			q    string
			want []int64 // in rank order when order matters
			rank bool
		}{
			{"党章", []int64{a, b}, true},    // title match first, then a body match
			{"章程", []int64{a, e}, true},    // title before body
			{"党章学习", nil, false},           // bigrams occur, the phrase does not
			{"学习党章", []int64{a, b}, false}, // phrase in body of a, and of b (学习党章党规)
			{"章", []int64{a, b, e}, false}, // one character: a range of bigrams
			{"网", []int64{}, false},        // "网格化": 网 is the first of a segment
			{"gdp增长", []int64{c}, false},   // mixed, case-folded
			{"GDP 增长", []int64{c}, false},  // spaces separate terms
			{"ＧＤＰ", []int64{c}, false},     // full-width folds to half-width
			{"就业", []int64{e, c}, true},    // title match (e) before body match (c)
			{"不存在的内容", nil, false},         // no match
			{"“四个意识”", []int64{b}, false},  // punctuation ignored
			{"！！", nil, false},             // nothing searchable
		}
		for _, tt := range tests {
			res, err := w.s.List(ctx, w.member, study.Filter{Query: tt.q})
			if err != nil {
				t.Fatalf("search %q: %v", tt.q, err)
			}
			got := ids(res.Items)
			want := tt.want
			if tt.q == "网" {
				want = []int64{ids(mustList(t, w, "基层治理"))[0]}
			}
			if !tt.rank {
				slices.Sort(got)
				want = slices.Clone(want)
				slices.Sort(want)
			}
			if !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
				t.Errorf("search %q = %v %v, want %v", tt.q, got, titles(res.Items), want)
			}
			if res.Total != len(res.Items) {
				t.Errorf("search %q total = %d, items %d", tt.q, res.Total, len(res.Items))
			}
		}
	})
}

func mustList(t *testing.T, w *world, q string) []study.Material {
	t.Helper()
	res, err := w.s.List(context.Background(), w.member, study.Filter{Query: q})
	if err != nil || len(res.Items) == 0 {
		t.Fatalf("search %q: %v, %d items", q, err, len(res.Items))
	}
	return res.Items
}

func TestSearchFollowsEdits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		id := w.add(t, w.admin, study.Input{Title: "旧标题", Body: "关于乡村振兴的讲话"})
		in := study.Input{Title: "新标题", Body: "关于营商环境的讲话", PublishedOn: "2026-03-02", Category: string(study.CategoryRules), Tags: []string{"营商环境"}}
		if err := w.s.Update(ctx, w.admin, id, in); err != nil {
			t.Fatal(err)
		}
		for q, want := range map[string]int{"乡村振兴": 0, "旧标题": 0, "营商环境": 1, "新标题": 1} {
			res, err := w.s.List(ctx, w.member, study.Filter{Query: q})
			if err != nil || len(res.Items) != want {
				t.Errorf("after edit, search %q = %d items (%v), want %d", q, len(res.Items), err, want)
			}
		}
		res, _ := w.s.List(ctx, w.member, study.Filter{Tag: "营商环境"})
		if len(res.Items) != 1 || !slices.Equal(res.Items[0].Tags, []string{"营商环境"}) {
			t.Errorf("tag filter = %+v", res.Items)
		}
	})
}

func TestScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		district := w.add(t, w.admin, study.Input{Title: "全区学习资料"})
		// A secretary files their unit's business policy; org_id 0 means "my unit".
		policy := w.add(t, w.secretary, study.Input{Title: "本支部业务规范", Category: string(study.CategoryPolicy)})
		if n := w.count(t, `SELECT COUNT(*) FROM materials WHERE id = ? AND org_id = ?`, policy, w.b1); n != 1 {
			t.Fatalf("secretary's material not filed under their branch")
		}
		// …only in category 4.
		_, err := w.s.Create(ctx, w.secretary, study.Input{Title: "越权", PublishedOn: "2026-03-01", Category: string(study.CategoryRules), Body: "x"})
		wantErr(t, err, errs.Invalid, "invalid_material")
		// …and not for another unit.
		_, err = w.s.Create(ctx, w.secretary, study.Input{Title: "越权", PublishedOn: "2026-03-01", Category: string(study.CategoryPolicy), Body: "x", OrgID: w.b2})
		wantErr(t, err, errs.Invalid, "bad_org")
		// Members cannot write; the auditor cannot even read.
		_, err = w.s.Create(ctx, w.member, study.Input{Title: "x", PublishedOn: "2026-03-01", Category: string(study.CategoryRules), Body: "x"})
		wantErr(t, err, errs.Forbidden, "forbidden")
		_, err = w.s.List(ctx, w.auditor, study.Filter{})
		wantErr(t, err, errs.Forbidden, "forbidden")

		for _, c := range []struct {
			name string
			got  func() ([]int64, error)
			want []int64
		}{
			{"member of b1", listIDs(w, w.member), []int64{district, policy}},
			{"member of b2", listIDs(w, w.otherMember), []int64{district}},
			{"admin", listIDs(w, w.admin), []int64{district, policy}},
			{"secretary of b2", listIDs(w, w.other), []int64{district}},
		} {
			got, err := c.got()
			slices.Sort(got)
			if err != nil || !slices.Equal(got, c.want) {
				t.Errorf("%s sees %v (%v), want %v", c.name, got, err, c.want)
			}
		}
		if _, err := w.s.Get(ctx, w.otherMember, policy); errs.KindOf(err) != errs.NotFound {
			t.Errorf("member of another branch opens a unit policy: %v, want not found", err)
		}
		err = w.s.Update(ctx, w.other, policy, study.Input{Title: "改", PublishedOn: "2026-03-01", Category: string(study.CategoryPolicy), Body: "x"})
		wantErr(t, err, errs.NotFound, "not_found")
		err = w.s.Update(ctx, w.secretary, district, study.Input{Title: "改", PublishedOn: "2026-03-01", Category: string(study.CategoryRules), Body: "x"})
		wantErr(t, err, errs.Forbidden, "forbidden")
		// Bad input: every field reported, nothing written.
		before := w.count(t, `SELECT COUNT(*) FROM materials`)
		_, err = w.s.Create(ctx, w.admin, study.Input{Title: " ", PublishedOn: "2026/3/1", Category: "x", Body: ""})
		if e := errs.As(err); e.Kind != errs.Invalid || len(e.Fields) != 4 {
			t.Errorf("bad input: %v fields %v, want 4 field errors", err, e.Fields)
		}
		if after := w.count(t, `SELECT COUNT(*) FROM materials`); after != before {
			t.Errorf("bad input wrote a material")
		}
		if n := w.count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'material.create'`); n != 2 {
			t.Errorf("audit entries for material.create = %d, want 2", n)
		}
	})
}

func listIDs(w *world, p *auth.Principal) func() ([]int64, error) {
	return func() ([]int64, error) {
		res, err := w.s.List(context.Background(), p, study.Filter{})
		return ids(res.Items), err
	}
}

func TestReadingProgressAndUnread(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		required := w.add(t, w.admin, study.Input{Title: "习近平总书记重要讲话精神", Category: string(study.CategorySpeeches)})
		picked := w.add(t, w.admin, study.Input{Title: "党章第二章解读"})
		_ = w.add(t, w.admin, study.Input{Title: "未被要求的资料"})
		// A notice of the current round for the whole district lists the
		// required material by title (and one the library does not have);
		// a notice of another round does not count.
		var meeting int64
		err := d.InTx(ctx, func(tx *db.Tx) error {
			for _, n := range []struct{ round, mats string }{
				{w.round, "习近平总书记重要讲话精神\n库中没有的材料"},
				{"2026-02-2", "未被要求的资料"},
			} {
				if _, err := tx.Exec(ctx, `INSERT INTO notices (round_key, kind, title, body, materials, org_id, published_at) VALUES (?, 'reminder', '提醒', '正文', ?, ?, ?)`,
					n.round, n.mats, w.root, tx.Now); err != nil {
					return err
				}
			}
			var err error
			meeting, err = tx.Insert(ctx, `INSERT INTO meetings (org_id, round_key, planned_at, secret, created_at, updated_at) VALUES (?, ?, ?, 's', ?, ?)`, w.b1, w.round, tx.Now, tx.Now, tx.Now)
			if err != nil {
				return err
			}
			_, err = tx.Exec(ctx, `INSERT INTO meeting_materials (meeting_id, title, category, note, material_id) VALUES (?, '党章第二章解读', 'party_rules', '', ?)`, meeting, picked)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		unread := func(p *auth.Principal) []int64 {
			t.Helper()
			list, err := w.s.Unread(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, a := range list {
				out = append(out, a.ID)
			}
			return out
		}
		if got := unread(w.member); !slices.Equal(got, []int64{picked, required}) {
			t.Fatalf("unread = %v, want meeting's %d then notice's %d", got, picked, required)
		}
		// The other branch's member has no meeting material but the notice.
		other, err := w.s.Unread(ctx, w.otherMember)
		if err != nil || len(other) != 1 || other[0].ID != required || other[0].Reason != study.ReasonNotice {
			t.Errorf("other branch unread = %+v, %v", other, err)
		}
		if err := w.s.MarkRead(ctx, w.member, required, true); err != nil {
			t.Fatal(err)
		}
		if err := w.s.MarkRead(ctx, w.member, required, true); err != nil { // twice is fine
			t.Fatal(err)
		}
		if got := unread(w.member); !slices.Equal(got, []int64{picked}) {
			t.Errorf("after reading, unread = %v, want [%d]", got, picked)
		}
		m, err := w.s.Get(ctx, w.member, required)
		if err != nil || !m.Read || m.ReadAt == nil {
			t.Errorf("Get after reading: read=%v at=%v err=%v", m != nil && m.Read, m != nil && m.ReadAt != nil, err)
		}
		res, _ := w.s.List(ctx, w.member, study.Filter{Query: "重要讲话"})
		if len(res.Items) != 1 || !res.Items[0].Read {
			t.Errorf("list does not show the read flag: %+v", res.Items)
		}
		if err := w.s.MarkRead(ctx, w.member, required, false); err != nil {
			t.Fatal(err)
		}
		if n := w.count(t, `SELECT COUNT(*) FROM material_reads WHERE member_id = ?`, w.member.MemberID); n != 0 {
			t.Errorf("withdrawing left %d reads", n)
		}
		// The admin has no member record: nothing to mark.
		wantErr(t, w.s.MarkRead(ctx, w.admin, required, true), errs.Unprocessable, "not_member")
	})
}

func docx(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range []string{"[Content_Types].xml", "word/document.xml"} {
		f, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = f.Write([]byte("<xml/>"))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var png1 = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")

func TestDetectType(t *testing.T) {
	pdf := []byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n")
	exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 64)...)
	var plainZip bytes.Buffer
	zw := zip.NewWriter(&plainZip)
	f, _ := zw.Create("a.txt")
	_, _ = f.Write([]byte("hi"))
	_ = zw.Close()
	tests := []struct {
		name string
		data []byte
		mime string // "" = refused
		code string
	}{
		{"讲话.pdf", pdf, "application/pdf", ""},
		{"解读.DOCX", docx(t), study.DOCX, ""},
		{"图.png", png1, "image/png", ""},
		{"伪装.pdf", png1, "", "type_mismatch"},
		{"程序.pdf", exe, "", "bad_type"},
		{"程序.exe", exe, "", "bad_type"},
		{"压缩包.docx", plainZip.Bytes(), "", "bad_type"},
		{"网页.pdf", []byte("<html><script>alert(1)</script></html>"), "", "bad_type"},
		{"空.pdf", nil, "", "empty_file"},
		{"大.pdf", append(pdf, make([]byte, study.MaxAttachmentBytes)...), "", "too_big"},
	}
	for _, tt := range tests {
		mime, err := study.DetectType(tt.name, tt.data)
		if tt.mime != "" {
			if err != nil || mime != tt.mime {
				t.Errorf("%s: %q, %v; want %s", tt.name, mime, err, tt.mime)
			}
			continue
		}
		if e := errs.As(err); err == nil || e.Kind != errs.Invalid || e.Code != tt.code || !hasHan(e.Message) {
			t.Errorf("%s: err = %v, want %s with a Chinese message", tt.name, err, tt.code)
		}
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

func TestAttachments(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		w := newWorld(t, d)
		ctx := context.Background()
		id := w.add(t, w.admin, study.Input{Title: "附件测试"})
		fid, err := w.s.Attach(ctx, w.admin, id, `C:\docs\解读.docx`, docx(t))
		if err != nil {
			t.Fatal(err)
		}
		a, data, err := w.s.File(ctx, w.member, id, fid)
		if err != nil || a.Name != "解读.docx" || a.Mime != study.DOCX || !bytes.Equal(data, docx(t)) {
			t.Errorf("File = %+v, %d bytes, %v", a, len(data), err)
		}
		files := w.count(t, `SELECT COUNT(*) FROM files`)
		_, err = w.s.Attach(ctx, w.admin, id, "伪装.pdf", png1)
		wantErr(t, err, errs.Invalid, "type_mismatch")
		_, err = w.s.Attach(ctx, w.secretary, id, "图.png", png1)
		wantErr(t, err, errs.Forbidden, "forbidden")
		if n := w.count(t, `SELECT COUNT(*) FROM files`); n != files {
			t.Errorf("refused uploads stored %d files", n-files)
		}
		if _, _, err := w.s.File(ctx, w.member, id, fid+1000); errs.KindOf(err) != errs.NotFound {
			t.Errorf("unknown file: %v", err)
		}
		if err := w.s.Detach(ctx, w.admin, id, fid); err != nil {
			t.Fatal(err)
		}
		if n := w.count(t, `SELECT COUNT(*) FROM files`); n != files-1 {
			t.Errorf("detach left the file")
		}
	})
}
