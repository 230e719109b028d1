package supervise_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"time"

	"xuejiangping/internal/db"
	"xuejiangping/internal/db/dbtest"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/supervise"
)

func TestExemplars(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		caseIn := supervise.ExemplarInput{Kind: "case", SpeechID: f.caseA, Title: "以案说法化解仲裁纠纷", Citation: "把仲裁纠纷讲成案例", Publish: true}

		_, err := f.s.MarkExemplar(ctx, f.secA, caseIn)
		wantErr(t, "secretary", err, errs.Forbidden, "")
		notCase := caseIn
		notCase.SpeechID = f.speechA
		_, err = f.s.MarkExemplar(ctx, f.tf, notCase)
		wantErr(t, "speech not told as a case", err, errs.Unprocessable, "not_case")
		_, err = f.s.MarkExemplar(ctx, f.tf, supervise.ExemplarInput{Kind: "meeting", MeetingID: f.plannedA, Title: "t", Citation: "c"})
		wantErr(t, "meeting not finalised", err, errs.Unprocessable, "not_finalized")
		_, err = f.s.MarkExemplar(ctx, f.tf, supervise.ExemplarInput{Kind: "poem", Title: "", Citation: "c"})
		wantErr(t, "bad kind and title", err, errs.Invalid, "invalid_exemplar")

		caseID, err := f.s.MarkExemplar(ctx, f.tf, caseIn)
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.s.MarkExemplar(ctx, f.tf, caseIn)
		wantErr(t, "same speech twice", err, errs.Conflict, "exemplar_exists")
		draftID, err := f.s.MarkExemplar(ctx, f.tf, supervise.ExemplarInput{Kind: "meeting", MeetingID: f.pastA, Title: "示范会议", Citation: "领学扎实"})
		if err != nil {
			t.Fatal(err)
		}

		auto, err := f.s.MarkExemplar(ctx, f.tf, supervise.ExemplarInput{SpeechID: f.speechA, Title: "优秀发言", Citation: "联系实际"})
		if err != nil {
			t.Fatal(err)
		}
		if e, _ := f.s.Exemplar(ctx, f.tf, auto); e.Kind != supervise.KindSpeech {
			t.Errorf("kind judged from a plain speech = %q, want speech", e.Kind)
		}
		// Members read what was published; the task force also its drafts.
		col, err := f.s.Column(ctx, f.memberA, true)
		if err != nil || len(col) != 1 || col[0].ID != caseID || col[0].Speaker == "" || col[0].Speech == "" {
			t.Fatalf("member's column = %+v, %v", col, err)
		}
		if col, _ := f.s.Column(ctx, f.tf, true); len(col) != 3 {
			t.Errorf("task force column has %d, want 3", len(col))
		}
		_, err = f.s.Exemplar(ctx, f.secB, draftID)
		wantErr(t, "draft to a secretary", err, errs.NotFound, "")
		if err := f.s.SetPublished(ctx, f.tf, draftID, true); err != nil {
			t.Fatal(err)
		}
		f.now = f.now.Add(time.Minute)
		if err := f.s.SetPublished(ctx, f.tf, caseID, false); err != nil {
			t.Fatal(err)
		}
		items, _, err := f.s.Feed(ctx, 50)
		if err != nil || len(items) != 1 || items[0].ID != draftID {
			t.Fatalf("feed items = %+v, %v; want only the published meeting", items, err)
		}
		wantErr(t, "publish as member", f.s.SetPublished(ctx, f.memberA, draftID, false), errs.Forbidden, "")
	})
}

// TestAtomFeed checks the document is well-formed Atom, that every text is
// escaped (nothing of a hostile title reaches the reader as markup), and
// that ids are stable.
func TestAtomFeed(t *testing.T) {
	pub := time.Date(2026, 5, 20, 2, 3, 4, 0, time.UTC)
	hostile := `<script>alert("x")</script> & 'q' ]]> ` + "\x01"
	items := []supervise.Exemplar{
		{ID: 7, Kind: supervise.KindCase, KindLabel: "案例说法", OrgName: "区人社局机关党支部", Speaker: "张三", Title: hostile, Citation: "推荐 <b>理由</b> & 说明",
			Published: true, PublishedAt: &pub, UpdatedAt: pub.Add(time.Hour)},
		{ID: 9, Kind: supervise.KindMeeting, KindLabel: "示范会议", OrgName: "A & B 党支部", Title: "示范会议", Citation: "c", Published: true, PublishedAt: &pub, UpdatedAt: pub},
	}
	meta := supervise.FeedMeta{Title: "先锋二七", Author: "二七区 “学讲评”活动工作专班", SelfURL: "http://h/exemplars/feed.atom?a=1&b=2", SiteURL: "http://h/exemplars", Updated: pub.Add(time.Hour)}
	b, err := supervise.AtomFeed(meta, items)
	if err != nil {
		t.Fatal(err)
	}
	// Well-formed: the strict decoder reads every token to the end.
	dec := xml.NewDecoder(bytes.NewReader(b))
	for {
		_, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed: %v\n%s", err, b)
		}
	}
	var got struct {
		XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
		ID      string   `xml:"id"`
		Updated string   `xml:"updated"`
		Links   []struct {
			Rel  string `xml:"rel,attr"`
			Href string `xml:"href,attr"`
		} `xml:"link"`
		Entries []struct {
			Title     string `xml:"title"`
			ID        string `xml:"id"`
			Updated   string `xml:"updated"`
			Published string `xml:"published"`
			Author    string `xml:"author>name"`
			Content   struct {
				Type string `xml:"type,attr"`
				Body string `xml:",chardata"`
			} `xml:"content"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(b, &got); err != nil {
		t.Fatalf("unmarshal: %v", err)
	}
	if got.ID != "tag:xuejiangping,2025:exemplars" || got.Updated != "2026-05-20T03:03:04Z" || len(got.Entries) != 2 {
		t.Fatalf("feed = %+v", got)
	}
	if got.Links[0].Rel != "self" || got.Links[0].Href != meta.SelfURL {
		t.Errorf("self link = %+v", got.Links[0])
	}
	e := got.Entries[0]
	wantTitle := strings.ReplaceAll(hostile, "\x01", "\uFFFD") // not allowed in XML: replaced
	if e.Title != wantTitle || e.Content.Body != "推荐 <b>理由</b> & 说明" || e.Content.Type != "text" {
		t.Errorf("entry text = %q / %q, want the originals back", e.Title, e.Content.Body)
	}
	if e.ID != "tag:xuejiangping,2025:exemplar/7" || e.ID != supervise.EntryID(7) || e.Published != "2026-05-20T02:03:04Z" || e.Updated != "2026-05-20T03:03:04Z" || e.Author != "张三（区人社局机关党支部）" {
		t.Errorf("entry = %+v", e)
	}
	for _, raw := range []string{"<script>", "<b>", "& B", "]]>"} {
		if bytes.Contains(b, []byte(raw)) {
			t.Errorf("raw %q in the document: not escaped", raw)
		}
	}
	// Same input, same bytes: stable for feed readers and caches.
	again, _ := supervise.AtomFeed(meta, items)
	if !bytes.Equal(b, again) {
		t.Error("two renderings differ")
	}
	got.Entries = nil
	empty, err := supervise.AtomFeed(meta, nil)
	if err != nil || xml.Unmarshal(empty, &got) != nil || len(got.Entries) != 0 {
		t.Errorf("empty feed: %v\n%s", err, empty)
	}
}
