package study_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/org"
	"xuejiangping/internal/study"
)

// world is the test district: 区 ─ 甲党委 ─ 甲一支部 (b1: secretary and a
// member) and 甲二支部 (b2: a member), with an admin and an auditor.
type world struct {
	d                           *db.DB
	s                           *study.Service
	round                       string
	root, c, b1, b2             int64
	admin, secretary, member    *auth.Principal
	otherMember, auditor, other *auth.Principal
}

func newWorld(t *testing.T, d *db.DB) *world {
	t.Helper()
	ctx := context.Background()
	w := &world{d: d, round: "2026-03-1"}
	w.s = study.NewService(d, func(context.Context) (string, error) { return w.round, nil })
	var m1, m2, m3 int64
	err := d.InTx(ctx, func(tx *db.Tx) error {
		var err error
		must := func(id int64, e error) int64 {
			if e != nil && err == nil {
				err = e
			}
			return id
		}
		w.root = must(org.CreateRoot(ctx, tx, "区"))
		w.c = must(org.InsertChild(ctx, tx, w.root, "甲党委", org.Committee, 1))
		w.b1 = must(org.InsertChild(ctx, tx, w.c, "甲一支部", org.Branch, 1))
		w.b2 = must(org.InsertChild(ctx, tx, w.c, "甲二支部", org.Branch, 2))
		m1 = must(org.InsertMember(ctx, tx, org.MemberInput{OrgID: w.b1, Name: "书记", Phone: "13900000001"}))
		m2 = must(org.InsertMember(ctx, tx, org.MemberInput{OrgID: w.b1, Name: "党员甲", Phone: "13900000002"}))
		m3 = must(org.InsertMember(ctx, tx, org.MemberInput{OrgID: w.b2, Name: "党员乙", Phone: "13900000003"}))
		return err
	})
	if err != nil {
		t.Fatalf("world: %v", err)
	}
	w.admin = w.principal(t, "admin", 0, auth.Admin, w.root)
	w.secretary = w.principal(t, "shuji", m1, auth.Secretary, w.b1)
	w.member = w.principal(t, "dangyuan", m2, auth.Member, w.b1)
	w.otherMember = w.principal(t, "yiyuan", m3, auth.Member, w.b2)
	w.auditor = w.principal(t, "shenji", 0, auth.Auditor, w.root)
	w.other = w.principal(t, "shuji2", 0, auth.Secretary, w.b2)
	return w
}

// principal makes a user row (materials refer to their author) and builds
// the principal by hand: the store trusts its grants.
func (w *world) principal(t *testing.T, name string, memberID int64, role auth.Role, orgID int64) *auth.Principal {
	t.Helper()
	ctx := context.Background()
	var uid int64
	err := w.d.InTx(ctx, func(tx *db.Tx) error {
		var mid any
		if memberID != 0 {
			mid = memberID
		}
		var err error
		uid, err = tx.Insert(ctx, `INSERT INTO users (username, display_name, password_hash, member_id, created_at) VALUES (?, ?, 'x', ?, ?)`, name, name, mid, tx.Now)
		return err
	})
	if err != nil {
		t.Fatalf("user %s: %v", name, err)
	}
	p := &auth.Principal{UserID: uid, Username: name, DisplayName: name, MemberID: memberID,
		Grants: []auth.Grant{{ID: uid, Role: role, OrgID: orgID, OrgPath: w.path(t, orgID)}}}
	if memberID != 0 {
		p.MemberOrgID, p.MemberOrgPath = orgID, w.path(t, orgID)
	}
	return p
}

func (w *world) path(t *testing.T, id int64) string {
	t.Helper()
	var p string
	if err := w.d.QueryRow(context.Background(), `SELECT path FROM orgs WHERE id = ?`, id).Scan(&p); err != nil {
		t.Fatalf("path of %d: %v", id, err)
	}
	return p
}

func (w *world) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := w.d.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// add creates a material as p and fails the test if it cannot.
func (w *world) add(t *testing.T, p *auth.Principal, in study.Input) int64 {
	t.Helper()
	if in.PublishedOn == "" {
		in.PublishedOn = "2026-03-01"
	}
	if in.Category == "" {
		in.Category = string(study.CategoryRules)
	}
	if in.Body == "" {
		in.Body = "正文。"
	}
	id, err := w.s.Create(context.Background(), p, in)
	if err != nil {
		t.Fatalf("create %q: %v", in.Title, err)
	}
	return id
}

func wantErr(t *testing.T, err error, kind errs.Kind, code string) {
	t.Helper()
	if err == nil {
		t.Fatalf("err = nil, want %s", code)
	}
	e := errs.As(err)
	if e.Kind != kind || (code != "" && e.Code != code) {
		t.Fatalf("err = %v (kind %d code %q), want kind %d code %q", err, e.Kind, e.Code, kind, code)
	}
}

func titles(items []study.Material) []string {
	out := make([]string, len(items))
	for i, m := range items {
		out[i] = m.Title
	}
	return out
}

func ids(items []study.Material) []int64 {
	out := make([]int64, len(items))
	for i, m := range items {
		out[i] = m.ID
	}
	return out
}

var _ = fmt.Sprint
var _ = time.Now
