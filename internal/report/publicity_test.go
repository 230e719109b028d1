package report

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/db/dbtest"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/similar"
)

const speechText = "学习党的二十届四中全会精神，结合劳动人事争议仲裁工作实际，我们要把为民服务落到每一个案件上，坚持调解优先，做到快立快审快结，让劳动者在每一个案件中感受到公平正义，同时加强对用人单位的普法宣传，从源头上减少争议的发生。"

const otherText = "本轮我重点学习了党章关于党员义务的规定，对照检查自己在窗口服务中存在的急躁情绪，今后要耐心细致地解答群众咨询，主动学习社保新政策，提高一次办好的比例，并带动科室同事共同改进工作作风。"

func addSpeech(t *testing.T, d *db.DB, meeting, member int64, text string) int64 {
	t.Helper()
	now := at(20, 0)
	return insertID(t, d, `INSERT INTO speeches (meeting_id, member_id, kinds, content, created_at, updated_at) VALUES (?, ?, 'reflection', ?, ?, ?)`,
		meeting, member, text, now, now)
}

func TestSimilarWiring(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.s.SimilarConfig(similar.Config{Workers: 1})
		a := addSpeech(t, d, f.mA, 103, speechText)
		// B1's member copies it with a few characters changed.
		b := addSpeech(t, d, f.mB1, 105, strings.Replace(speechText, "我们要", "我要", 1)+"。")
		mustExec(t, d, `UPDATE speeches SET content = ? WHERE member_id = 102`, otherText) // unrelated
		pairs, th, err := f.s.SimilarPairs(f.ctx, f.p, "2025-10-1", 0)
		if err != nil {
			t.Fatal(err)
		}
		if th != similar.DefaultThreshold || len(pairs) != 1 {
			t.Fatalf("threshold %v pairs %+v, want one pair at 0.7", th, pairs)
		}
		got := pairs[0]
		if !((got.A.ID == a && got.B.ID == b) || (got.A.ID == b && got.B.ID == a)) || got.Similarity < 0.7 || got.CrossRound || got.SameMember {
			t.Errorf("pair = %+v", got)
		}
		// Signatures were stored, so a new service rebuilds without texts.
		var n int
		if err := d.QueryRow(f.ctx, `SELECT COUNT(*) FROM speech_signatures WHERE sig IS NOT NULL`).Scan(&n); err != nil || n < 3 {
			t.Errorf("stored signatures = %d (%v)", n, err)
		}
		// Member 104 edits their speech into a third copy: the index catches up.
		var c int64
		if err := d.QueryRow(f.ctx, `SELECT id FROM speeches WHERE member_id = 104`).Scan(&c); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Exec(f.ctx, `UPDATE speeches SET content = ?, updated_at = ? WHERE id = ?`, speechText+"坚决落实。", at(20, 23), c); err != nil {
			t.Fatal(err)
		}
		pairs, _, _ = f.s.SimilarPairs(f.ctx, f.p, "2025-10-1", 0)
		if len(pairs) != 3 {
			t.Errorf("after a third copy: %d pairs, want 3", len(pairs))
		}
		// The copier rewrites the speech: the pairs with it go.
		if _, err := d.Exec(f.ctx, `UPDATE speeches SET content = ?, updated_at = ? WHERE id = ?`, "围绕优化营商环境，本人梳理了窗口办件流程中的三个堵点：材料重复提交、线上线下标准不一、回访不及时，提出建立一次告知清单和限时回访机制的建议。", at(21, 1), c); err != nil {
			t.Fatal(err)
		}
		pairs, _, _ = f.s.SimilarPairs(f.ctx, f.p, "2025-10-1", 0)
		if len(pairs) != 1 {
			t.Errorf("after the rewrite: %d pairs, want 1: %+v", len(pairs), pairs)
		}
		// The threshold is a setting; bad values are refused.
		if err := f.s.SetThreshold(f.ctx, f.p, "0.3"); errs.KindOf(err) != errs.Invalid {
			t.Errorf("threshold 0.3: %v", err)
		}
		if err := f.s.SetThreshold(f.ctx, f.p, "0.99"); err != nil {
			t.Fatal(err)
		}
		if pairs, th, _ = f.s.SimilarPairs(f.ctx, f.p, "2025-10-1", 0); th != 0.99 || len(pairs) != 0 {
			t.Errorf("at 0.99: threshold %v, %d pairs", th, len(pairs))
		}
	})
}

func TestBulletinDraftAndAck(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.s.SimilarConfig(similar.Config{Workers: 1})
		addSpeech(t, d, f.mA, 103, speechText)
		addSpeech(t, d, f.mB1, 105, speechText)
		id, err := f.s.DraftBulletin(f.ctx, f.p, "2025-10-1")
		if err != nil {
			t.Fatal(err)
		}
		b, err := f.s.Bulletin(f.ctx, f.p, id)
		if err != nil {
			t.Fatal(err)
		}
		named := map[string]string{}
		var sims int
		for _, it := range b.Items {
			switch it.Kind {
			case ItemName:
				named[it.OrgName] = it.Text
			case ItemPraise:
				t.Errorf("nobody deserves praise here, got %q", it.Text)
			case ItemSimilar:
				sims++
			}
		}
		want := map[string][]string{
			"A支部": {"出勤率 67%（2/3）", "1 项整改逾期"},
			"B一组": {"逾期开展", "1 条工作通知未阅"},
			"B二组": {"未开展", "1 条工作通知未阅"},
		}
		if len(named) != len(want) {
			t.Errorf("named = %v", named)
		}
		for unit, frags := range want {
			for _, fr := range frags {
				if !strings.Contains(named[unit], fr) {
					t.Errorf("%s: %q lacks %q", unit, named[unit], fr)
				}
			}
		}
		if sims != 1 {
			t.Errorf("similar items = %d, want 1", sims)
		}
		// A secretary cannot see the draft, acknowledges once published.
		sec := &auth.Principal{UserID: 2, Grants: []auth.Grant{{Role: auth.Secretary, OrgID: 3, OrgPath: "/1/2/3/"}}}
		mustExec(t, d, `INSERT INTO users (id, username, password_hash, created_at) VALUES (2, 'shuji', 'x', ?)`, at(1, 0))
		if _, err := f.s.Bulletin(f.ctx, sec, id); errs.KindOf(err) != errs.NotFound {
			t.Errorf("secretary reads draft: %v", err)
		}
		if err := f.s.PublishBulletin(f.ctx, f.p, id); err != nil {
			t.Fatal(err)
		}
		if err := f.s.EditBulletin(f.ctx, f.p, id, "新标题", "", nil); errs.KindOf(err) != errs.Conflict {
			t.Errorf("edit after publish: %v", err)
		}
		if err := f.s.AckBulletin(f.ctx, sec, id, 5, "整改"); errs.KindOf(err) != errs.NotFound {
			t.Errorf("ack for another unit: %v", err)
		}
		if err := f.s.AckBulletin(f.ctx, sec, id, 3, " "); errs.KindOf(err) != errs.Invalid {
			t.Errorf("empty answer: %v", err)
		}
		if err := f.s.AckBulletin(f.ctx, sec, id, 3, "本周内补学，逾期整改项 11 月底前完成"); err != nil {
			t.Fatal(err)
		}
		if err := f.s.AckBulletin(f.ctx, sec, id, 3, "再次"); errs.KindOf(err) != errs.Conflict {
			t.Errorf("second ack: %v", err)
		}
		b, err = f.s.Bulletin(f.ctx, sec, id)
		if err != nil {
			t.Fatal(err)
		}
		if b.Named != 3 || b.Acked != 1 {
			t.Errorf("named %d acked %d, want 3 and 1", b.Named, b.Acked)
		}
	})
}

func TestBriefDocx(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		id, err := f.s.DraftBrief(f.ctx, f.p, BriefInput{From: "2025-10-1", To: "2025-10-2"})
		if err != nil {
			t.Fatal(err)
		}
		b, err := f.s.Brief(f.ctx, f.p, id)
		if err != nil {
			t.Fatal(err)
		}
		if b.IssueNo != 1 || !strings.Contains(b.Body, "一、总体情况") || !strings.Contains(b.Body, "按时开展 1 个") || !strings.Contains(b.Body, "A支部 党员：发言内容") {
			t.Errorf("brief %d body:\n%s", b.IssueNo, b.Body)
		}
		id2, _ := f.s.DraftBrief(f.ctx, f.p, BriefInput{})
		if b2, _ := f.s.Brief(f.ctx, f.p, id2); b2.IssueNo != 2 {
			t.Errorf("second issue no = %d", b2.IssueNo)
		}
		if err := f.s.EditBrief(f.ctx, f.p, id, "关于“学讲评”的简报<&>", "专班", "一、总体情况\n正文 & 内容"); err != nil {
			t.Fatal(err)
		}
		b, _ = f.s.Brief(f.ctx, f.p, id)
		data, err := Docx(b)
		if err != nil {
			t.Fatal(err)
		}
		text := docxText(t, data)
		for _, want := range []string{"工作简报", "第 1 期", "关于“学讲评”的简报<&>", "正文 & 内容", "专班"} {
			if !strings.Contains(text, want) {
				t.Errorf("document.xml lacks %q: %s", want, text)
			}
		}
		convertWithLibreOffice(t, data)
	})
}

// docxText unzips the package, checks its parts and returns the text of
// document.xml, parsed as XML.
func docxText(t *testing.T, data []byte) string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	parts := map[string][]byte{}
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		parts[f.Name], _ = io.ReadAll(r)
		r.Close()
	}
	for _, name := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml"} {
		if _, ok := parts[name]; !ok {
			t.Errorf("docx lacks %s", name)
		}
	}
	dec := xml.NewDecoder(bytes.NewReader(parts["word/document.xml"]))
	var sb strings.Builder
	inText := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("document.xml does not parse: %v", err)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			inText = x.Name.Local == "t"
		case xml.EndElement:
			inText = false
		case xml.CharData:
			if inText {
				sb.Write(x)
			}
		}
	}
	return sb.String()
}

// convertWithLibreOffice turns the .docx into a PDF when LibreOffice is
// installed; it is not on every machine, so the check is skipped otherwise.
func convertWithLibreOffice(t *testing.T, data []byte) {
	bin := ""
	for _, name := range []string{"soffice", "libreoffice"} {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		t.Log("LibreOffice not installed: skipping the PDF conversion")
		return
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "brief.docx")
	if err := os.WriteFile(in, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "--headless", "--convert-to", "pdf", "--outdir", dir, in).CombinedOutput()
	if err != nil {
		t.Fatalf("libreoffice: %v\n%s", err, out)
	}
	if st, err := os.Stat(filepath.Join(dir, "brief.pdf")); err != nil || st.Size() == 0 {
		t.Fatalf("no PDF: %v", err)
	}
}
