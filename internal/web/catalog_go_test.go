package web_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// goHanAllowed are the Chinese literals the handlers may keep, each for a
// reason. Route summaries (the fourth argument of s.handle) are allowed by
// rule in hanLiterals: they are API documentation, not page text.
var goHanAllowed = []struct{ file, text, why string }{
	{"member_pages.go", "正常", "a stored member status (org.Statuses), not text"},
	{"metrics.go", "--metrics-from: %q 不是网段或地址（例：10.0.0.0/8）", "a start-up flag error for the operator"},
	{"openapi.go", "成功", "OpenAPI document, like the route summaries"},
	{"openapi.go", "错误", "OpenAPI document, like the route summaries"},
	{"openapi.go", "学讲评平台 API", "OpenAPI document, like the route summaries"},
	{"openapi.go", "中文说明", "OpenAPI document, like the route summaries"},
	{"supervise_exemplar_pages.go", "'区'", "the suffix districtShort trims from a name, not text"},
}

// hanLiterals returns the string and rune literals of a Go file that hold
// Chinese characters, with their line, leaving out route summaries.
func hanLiterals(fset *token.FileSet, f *ast.File) (lines []int, texts []string) {
	summaries := map[ast.Expr]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if call, ok := n.(*ast.CallExpr); ok {
			if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "handle" && len(call.Args) == 5 {
				summaries[call.Args[3]] = true
			}
		}
		return true
	})
	ast.Inspect(f, func(n ast.Node) bool {
		lit, ok := n.(*ast.BasicLit)
		if !ok || (lit.Kind != token.STRING && lit.Kind != token.CHAR) || summaries[lit] {
			return true
		}
		text := lit.Value
		if lit.Kind == token.STRING {
			if s, err := strconv.Unquote(lit.Value); err == nil {
				text = s
			}
		}
		if hasHan(text) {
			lines = append(lines, fset.Position(lit.Pos()).Line)
			texts = append(texts, text)
		}
		return true
	})
	return lines, texts
}

func TestCatalogGoHanDetector(t *testing.T) {
	cases := []struct {
		src  string
		want int
	}{
		{`func f() { redirect(w, r, "/x", msg.T("common.saved")) }`, 0},
		{`func f() { s.handle("GET", "/api/v1/x", LoggedIn, "读取", s.x) }`, 0},
		{`func f() { log.Info("ok", "path", "/x") } // 注释可以写中文`, 0},
		{`func f() { redirect(w, r, "/x", "已保存。") }`, 1},
		{"func f() { t := `修改资料` }", 1},
		{`func f() { c := '对' }`, 1},
		{`func f() { s.handle("GET", "/x", LoggedIn, "读取", s.x); pg.Title = "标题" }`, 1},
		{`func f() { other.handle("读取") }`, 1},
		{`var o = unitOpt{0, "全区"}`, 1},
	}
	for _, c := range cases {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, "x.go", "package web\n"+c.src, 0)
		if err != nil {
			t.Fatalf("%s: %v", c.src, err)
		}
		if _, got := hanLiterals(fset, f); len(got) != c.want {
			t.Errorf("hanLiterals(%s) = %q, want %d", c.src, got, c.want)
		}
	}
}

// The handlers take their Chinese from the catalog too (msg.T), so that
// English can follow by adding a table to internal/msg.
func TestCatalogNoChineseInGo(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	allowed := map[string]bool{}
	for _, a := range goHanAllowed {
		allowed[a.file+"\x00"+a.text] = true
	}
	used := map[string]bool{}
	checked := 0
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		lines, texts := hanLiterals(fset, f)
		for i, text := range texts {
			if k := name + "\x00" + text; allowed[k] {
				used[k] = true
				continue
			}
			t.Errorf("%s:%d has Chinese %q: put the text in internal/msg and call msg.T(\"key\")", name, lines[i], text)
		}
	}
	if checked < 20 {
		t.Fatalf("checked only %d files", checked)
	}
	for _, a := range goHanAllowed {
		if !used[a.file+"\x00"+a.text] {
			t.Errorf("goHanAllowed lists %s %q, which is no longer there: drop the entry", a.file, a.text)
		}
	}
}
