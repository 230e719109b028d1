package feedback_test

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/db/dbtest"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/feedback"
	"xuejiangping/internal/org"
)

func setup(t *testing.T, d *db.DB) (admin, alice, bob *auth.Principal) {
	t.Helper()
	ctx := context.Background()
	var ids [3]int64
	var root int64
	err := d.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if root, err = org.CreateRoot(ctx, tx, "区"); err != nil {
			return err
		}
		for i, name := range []string{"admin", "alice", "bob"} {
			if ids[i], _, err = auth.CreateUser(ctx, tx, audit.System, auth.NewUser{Username: name, DisplayName: name, Password: "Good#pass1"}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	admin = &auth.Principal{UserID: ids[0], Username: "admin", Grants: []auth.Grant{{Role: auth.Admin, OrgID: root, OrgPath: "/" + itoa(root) + "/"}}}
	alice = &auth.Principal{UserID: ids[1], Username: "alice"}
	bob = &auth.Principal{UserID: ids[2], Username: "bob"}
	return
}

func itoa(n int64) string {
	var b []byte
	for n > 0 || len(b) == 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}

func TestSendListAnswer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := &feedback.Service{DB: d}
		admin, alice, bob := setup(t, d)
		for _, tc := range []struct {
			in   feedback.Input
			code string
		}{
			{feedback.Input{Kind: "praise", Subject: "s", Body: "b"}, "bad_kind"},
			{feedback.Input{Kind: feedback.Complaint, Subject: " ", Body: "b"}, "bad_subject"},
			{feedback.Input{Kind: feedback.Complaint, Subject: strings.Repeat("题", 61), Body: "b"}, "bad_subject"},
			{feedback.Input{Kind: feedback.Suggestion, Subject: "s", Body: ""}, "bad_body"},
		} {
			if _, err := s.Send(ctx, alice, tc.in); !errs.Is(err, tc.code) {
				t.Errorf("send %+v: %v, want %s", tc.in, err, tc.code)
			}
		}
		// A long page address in Chinese is cut on a character boundary.
		id, err := s.Send(ctx, alice, feedback.Input{Kind: feedback.Complaint, Subject: "打卡太多", Body: "请取消每日打卡", Page: "/orgs/" + strings.Repeat("页", 100)})
		if err != nil {
			t.Fatalf("send: %v", err)
		}
		if _, err := s.Send(ctx, bob, feedback.Input{Kind: feedback.Suggestion, Subject: "建议", Body: "内容"}); err != nil {
			t.Fatal(err)
		}
		mine, err := s.List(ctx, alice, false)
		if err != nil || len(mine) != 1 || mine[0].ID != id || mine[0].KindLabel != "投诉" {
			t.Fatalf("alice's list = %+v, %v", mine, err)
		}
		if p := mine[0].Page; len(p) > 200 || !utf8.ValidString(p) {
			t.Errorf("page kept as %d bytes, valid UTF-8 %v", len(p), utf8.ValidString(p))
		}
		if _, err := s.List(ctx, alice, true); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("alice lists all: %v", err)
		}
		if err := s.Answer(ctx, bob, id, "好"); errs.KindOf(err) != errs.Forbidden {
			t.Errorf("bob answers: %v", err)
		}
		if err := s.Answer(ctx, admin, id, " "); !errs.Is(err, "bad_answer") {
			t.Errorf("empty answer: %v", err)
		}
		if err := s.Answer(ctx, admin, 99999, "好"); errs.KindOf(err) != errs.NotFound {
			t.Errorf("unknown item: %v", err)
		}
		if err := s.Answer(ctx, admin, id, "已取消打卡要求"); err != nil {
			t.Fatal(err)
		}
		mine, _ = s.List(ctx, alice, false)
		if mine[0].Answer != "已取消打卡要求" || mine[0].AnsweredAt == nil {
			t.Errorf("alice sees %+v", mine[0])
		}
		all, err := s.List(ctx, admin, true)
		if err != nil || len(all) != 2 {
			t.Errorf("admin list = %d, %v", len(all), err)
		}
		for _, a := range []string{"feedback.send", "feedback.answer"} {
			if es, _ := audit.List(ctx, d, audit.Filter{Action: a}); len(es) == 0 {
				t.Errorf("no %s audit entry", a)
			}
		}
	})
}
