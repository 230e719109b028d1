package msg

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// domainPackages are the domain packages whose user-facing text lives in
// this catalog (zh_dom_<package>.go). A package joins the list once its
// Chinese has moved here; the test then keeps it that way.
var domainPackages = []string{
	"audit",
	"auth",
	"errs",
	"feedback",
	"live",
	"meeting",
	"org",
	"points",
	"quiz",
	"rectify",
	"report",
	"round",
	"settings",
	"supervise",
	"study",
}

// domainHanAllowed are the Chinese literals a domain package may keep: data
// stored or compared as it is, not text shown from the catalog.
var domainHanAllowed = []struct{ file, text, why string }{
	{"audit/audit.go", "系统", "audit.System's name, written into audit_log.actor_name with every entry it makes"},
	{"org/org.go", "正常", "a member status as stored in members.status (org.Statuses) and compared"},
	{"org/org.go", "预备党员", "a member status as stored in members.status (org.Statuses) and compared"},
	{"org/org.go", "流动", "a member status as stored in members.status (org.Statuses) and compared"},
	{"org/org.go", "停止党籍", "a member status as stored in members.status (org.Statuses) and compared"},
	{"org/org.go", "已转出", "a member status as stored in members.status (org.Statuses) and compared"},
	{"org/org.go", "男", "a gender as stored in members.gender (org.Genders) and compared"},
	{"org/org.go", "女", "a gender as stored in members.gender (org.Genders) and compared"},
	{"org/members.go", "正常", "the stored default member status"},
	{"org/units.go", "SELECT id, name, position FROM members WHERE org_id = ? AND status <> '已转出' ORDER BY id", "SQL comparing the stored status 已转出"},
	{"org/roster.go", "姓名", "a roster column header, also the import key the column is found by"},
	{"org/roster.go", "性别", "a roster column header, also the import key the column is found by"},
	{"org/roster.go", "出生日期", "a roster column header, also the import key the column is found by"},
	{"org/roster.go", "入党日期", "a roster column header, also the import key the column is found by"},
	{"org/roster.go", "手机号", "a roster column header, also the import key the column is found by"},
	{"org/roster.go", "职务", "a roster column header, also the import key the column is found by"},
	{"org/roster.go", "状态", "a roster column header, also the import key the column is found by"},
	{"org/roster.go", "所属组织", "a roster column header, also the import key the column is found by"},
	{"org/roster.go", "男", "the template's example gender, a stored value the import checks"},
	{"org/roster.go", "正常", "the template's example status, a stored value the import checks"},
	{"org/roster.go", "2006年1月2日", "a date layout the import accepts, input format not text"},
	{"quiz/question.go", "题型", "a question-bank column header (quiz.Col*), also the import key the column is found by"},
	{"quiz/question.go", "题干", "a question-bank column header (quiz.Col*), also the import key the column is found by"},
	{"quiz/question.go", "答案", "a question-bank column header (quiz.Col*), also the import key the column is found by"},
	{"quiz/question.go", "解析", "a question-bank column header (quiz.Col*), also the import key the column is found by"},
	{"quiz/question.go", "标签", "a question-bank column header (quiz.Col*), also the import key the column is found by"},
	{"quiz/question.go", "难度", "a question-bank column header (quiz.Col*), also the import key the column is found by"},
	{"quiz/question.go", "来源资料ID", "a question-bank column header (quiz.Col*), also the import key the column is found by"},
	{"quiz/question.go", "选项", "the stem of the option headers 选项A…选项H (ColOption), import keys"},
	{"quiz/question.go", "题", "the suffix ParseType drops so that 单选 is read as 单选题: an input rule, not text"},
	{"quiz/rowcheck.go", "对", "a word the import reads as a true/false answer (truthWords): input, not text"},
	{"quiz/rowcheck.go", "正确", "a word the import reads as a true/false answer (truthWords): input, not text"},
	{"quiz/rowcheck.go", "是", "a word the import reads as a true/false answer (truthWords): input, not text"},
	{"quiz/rowcheck.go", "错", "a word the import reads as a true/false answer (truthWords): input, not text"},
	{"quiz/rowcheck.go", "错误", "a word the import reads as a true/false answer (truthWords): input, not text"},
	{"quiz/rowcheck.go", "否", "a word the import reads as a true/false answer (truthWords): input, not text"},
	{"report/docx.go", "方正小标宋简体", "a font name Word looks up, not text"},
	{"report/docx.go", "黑体", "a font name Word looks up, not text"},
	{"report/docx.go", "仿宋", "a font name Word looks up, not text"},
	{"report/facts.go", "SELECT org_id, COUNT(*) FROM members WHERE status <> '已转出' {in} GROUP BY org_id", "SQL comparing the stored status 已转出"},
}

// domainHanFiles are whole files left out, each for a reason.
var domainHanFiles = []struct{ file, why string }{
	{"quiz/mustknow.go", "the seed's 应知应会30问 question set with the newspaper's exact quotes, loaded into the bank as data (MustKnowSet is its stored name)"},
	{"report/scale.go", "the synthetic data set for the scale budgets (names, seed text) and its operator progress lines: data, like internal/demo"},
}

// domainHanLiterals returns the Chinese string and rune literals of a Go
// file, with their lines, and the keys of the msg.T calls it makes.
func domainHanLiterals(fset *token.FileSet, f *ast.File) (lines []int, texts, keys []string) {
	ast.Inspect(f, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.CallExpr:
			sel, ok := x.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "T" || len(x.Args) == 0 {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == "msg" {
				if lit, ok := x.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
					k, _ := strconv.Unquote(lit.Value)
					keys = append(keys, k)
				}
			}
		case *ast.BasicLit:
			if x.Kind != token.STRING && x.Kind != token.CHAR {
				return true
			}
			text := x.Value
			if x.Kind == token.STRING {
				if s, err := strconv.Unquote(x.Value); err == nil {
					text = s
				}
			}
			if containsHan(text) {
				lines = append(lines, fset.Position(x.Pos()).Line)
				texts = append(texts, text)
			}
		}
		return true
	})
	return lines, texts, keys
}

func containsHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

func TestDomainHanDetector(t *testing.T) {
	cases := []struct {
		src        string
		han, keyed int
	}{
		{`func f() error { return errs.E(errs.Invalid, "x", msg.T("pkg.x")) }`, 0, 1},
		{`func f() error { return errs.E(errs.Invalid, "x", "请填写名称") }`, 1, 0},
		{`func f() string { return fmt.Sprintf("%d 字", 3) } // 注释可以写中文`, 1, 0},
		{"var s = `一封信`", 1, 0},
		{`func f() bool { return r == '区' }`, 1, 0},
		{`func f() { log.Info("saved", "id", 1) }`, 0, 0},
		{`var l = []string{msg.T("a"), msg.T("b", 1)}`, 0, 2},
	}
	for _, c := range cases {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, "x.go", "package p\n"+c.src, 0)
		if err != nil {
			t.Fatalf("%s: %v", c.src, err)
		}
		_, han, keys := domainHanLiterals(fset, f)
		if len(han) != c.han || len(keys) != c.keyed {
			t.Errorf("domainHanLiterals(%s) = %q, %q; want %d Chinese, %d keys", c.src, han, keys, c.han, c.keyed)
		}
	}
}

// The domain packages take their Chinese from the catalog, like the
// handlers and templates; every key they ask for must be in it, or the
// page would show "[key]".
func TestDomainCatalogNoChineseInGo(t *testing.T) {
	allowed := map[string]bool{}
	for _, a := range domainHanAllowed {
		allowed[a.file+"\x00"+a.text] = true
	}
	skipFile := map[string]bool{}
	for _, a := range domainHanFiles {
		skipFile[a.file] = true
	}
	used := map[string]bool{}
	fset := token.NewFileSet()
	for _, pkg := range domainPackages {
		files, _ := filepath.Glob(filepath.Join("..", pkg, "*.go"))
		checked := 0
		for _, path := range files {
			if strings.HasSuffix(path, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			checked++
			name := pkg + "/" + filepath.Base(path)
			lines, texts, keys := domainHanLiterals(fset, f)
			if skipFile[name] {
				if len(texts) == 0 {
					t.Errorf("domainHanFiles lists %s, which has no Chinese left: drop the entry", name)
				}
				used[name] = true
				texts = nil
			}
			for i, text := range texts {
				if k := name + "\x00" + text; allowed[k] {
					used[k] = true
					continue
				}
				t.Errorf("%s:%d has Chinese %q: put the text in internal/msg/zh_dom_%s.go and call msg.T(\"key\")", name, lines[i], text, pkg)
			}
			for _, k := range keys {
				if !Has(k) {
					t.Errorf("%s calls msg.T(%q), which is not in the catalog", name, k)
				}
			}
		}
		if checked == 0 {
			t.Errorf("no Go files found for internal/%s", pkg)
		}
	}
	for _, a := range domainHanFiles {
		if !used[a.file] {
			t.Errorf("domainHanFiles lists %s, which is not among the checked files: drop the entry", a.file)
		}
	}
	for _, a := range domainHanAllowed {
		if !used[a.file+"\x00"+a.text] {
			t.Errorf("domainHanAllowed lists %s %q, which is no longer there: drop the entry", a.file, a.text)
		}
	}
}
