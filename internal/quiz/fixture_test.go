package quiz_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/org"
	"xuejiangping/internal/quiz"
)

// fakeClock is the server's clock in tests.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// fixture: a district with two branches (A, B); a member in each; the
// admin, and the secretary of A.
type fixture struct {
	d               *db.DB
	s               *quiz.Service
	clock           *fakeClock
	root, a, b      int64
	admin, secA     *auth.Principal
	memA, memA2, mB *auth.Principal
	rootPath, aPath string
	bPath           string
	ctx             context.Context
	memberIDs       []int64
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{d: d, ctx: ctx, clock: &fakeClock{t: time.Date(2026, 4, 16, 1, 0, 0, 0, time.UTC)}}
	f.s = quiz.NewService(d)
	f.s.Now = f.clock.Now
	var mA, mA2, mB int64
	err := d.InTx(ctx, func(tx *db.Tx) error {
		var err error
		if f.root, err = org.CreateRoot(ctx, tx, "测试区"); err != nil {
			return err
		}
		if f.a, err = org.InsertChild(ctx, tx, f.root, "甲支部", org.Kind("branch"), 1); err != nil {
			return err
		}
		if f.b, err = org.InsertChild(ctx, tx, f.root, "乙支部", org.Kind("branch"), 2); err != nil {
			return err
		}
		if mA, err = org.InsertMember(ctx, tx, org.MemberInput{OrgID: f.a, Name: "张甲", Status: "正常"}); err != nil {
			return err
		}
		if mA2, err = org.InsertMember(ctx, tx, org.MemberInput{OrgID: f.a, Name: "李甲", Status: "正常"}); err != nil {
			return err
		}
		mB, err = org.InsertMember(ctx, tx, org.MemberInput{OrgID: f.b, Name: "王乙", Status: "正常"})
		return err
	})
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	path := func(id int64) string {
		var p string
		if err := d.QueryRow(ctx, `SELECT path FROM orgs WHERE id = ?`, id).Scan(&p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	f.rootPath, f.aPath, f.bPath = path(f.root), path(f.a), path(f.b)
	grant := func(r auth.Role, org int64, p string) auth.Grant { return auth.Grant{Role: r, OrgID: org, OrgPath: p} }
	f.admin = &auth.Principal{Username: "admin", Grants: []auth.Grant{grant(auth.Admin, f.root, f.rootPath)}}
	f.secA = &auth.Principal{Username: "secA", Grants: []auth.Grant{grant(auth.Secretary, f.a, f.aPath)}}
	member := func(id, orgID int64, p string) *auth.Principal {
		return &auth.Principal{Username: "m", MemberID: id, MemberOrgID: orgID, MemberOrgPath: p, Grants: []auth.Grant{grant(auth.Member, orgID, p)}}
	}
	f.memA, f.memA2, f.mB = member(mA, f.a, f.aPath), member(mA2, f.a, f.aPath), member(mB, f.b, f.bPath)
	f.memberIDs = []int64{mA, mA2, mB}
	return f
}

// add stores a question given as spreadsheet cells.
func (f *fixture) add(t *testing.T, cells map[string]string) quiz.Question {
	t.Helper()
	q, err := f.s.AddQuestion(f.ctx, f.admin, cells)
	if err != nil {
		t.Fatalf("add %v: %v", cells, err)
	}
	return q
}

// bank adds one question of every type, with tags.
func (f *fixture) bank(t *testing.T) map[quiz.Type]quiz.Question {
	t.Helper()
	return map[quiz.Type]quiz.Question{
		quiz.Single:    f.add(t, map[string]string{"题型": "单选", "题干": "每月开展几次？", "选项A": "1次", "选项B": "2次", "选项C": "3次", "答案": "B", "解析": "每月2次", "标签": "基本要求"}),
		quiz.Multiple:  f.add(t, map[string]string{"题型": "多选", "题干": "三学包括？", "选项A": "学党章党规", "选项B": "学系列讲话", "选项C": "学政策业务", "选项D": "学外语", "答案": "ABC", "标签": "学"}),
		quiz.TrueFalse: f.add(t, map[string]string{"题型": "判断", "题干": "人数一般不超过10人。", "答案": "对", "标签": "基本要求"}),
		quiz.Blank:     f.add(t, map[string]string{"题型": "填空", "题干": "日碰头、____、月观摩", "答案": "周例会", "标签": "推进机制"}),
		quiz.Short:     f.add(t, map[string]string{"题型": "简答", "题干": "谈谈学与干。", "答案": "要点", "标签": "讲"}),
	}
}

func wantKind(t *testing.T, err error, kind errs.Kind, what string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: want error of kind %d, got nil", what, kind)
	}
	e := errs.As(err)
	if e.Kind != kind {
		t.Fatalf("%s: want kind %d, got %d (%v)", what, kind, e.Kind, err)
	}
	if !hasHan(e.Message) {
		t.Fatalf("%s: message not Chinese: %q", what, e.Message)
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

func (f *fixture) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := f.d.QueryRow(f.ctx, q, args...).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", q, err)
	}
	return n
}
