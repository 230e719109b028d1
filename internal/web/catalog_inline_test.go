package web_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// catalogActions are the parts of a template allowed to hold Chinese:
// template comments and the catalog calls {{T "key" ...}} themselves.
var catalogActions = regexp.MustCompile(`(?s)\{\{-?\s*/\*.*?\*/\s*-?\}\}|\{\{-?\s*T\s[^}]*\}\}`)

// inlineHan returns the runs of Chinese characters a template holds outside
// comments and catalog calls.
func inlineHan(src string) []string {
	rest := catalogActions.ReplaceAllString(src, " ")
	var runs []string
	var cur strings.Builder
	for _, r := range rest {
		if unicode.Is(unicode.Han, r) {
			cur.WriteRune(r)
			continue
		}
		if cur.Len() > 0 {
			runs = append(runs, cur.String())
			cur.Reset()
		}
	}
	if cur.Len() > 0 {
		runs = append(runs, cur.String())
	}
	return runs
}

func TestCatalogInlineHanDetector(t *testing.T) {
	cases := []struct {
		src  string
		want int
	}{
		{`<p>{{T "home.title"}}</p>`, 0},
		{`{{/* 注释可以写中文 */}}<p>{{T "org.people" .Members}}</p>`, 0},
		{`{{- /* 注释 */ -}}`, 0},
		{`<p>{{T "x"}}：{{.Name}}、{{.Other}}</p>`, 0},
		{`<p>保存</p>`, 1},
		{`<input placeholder="例如">`, 1},
		{`{{if eq .Status "已完成"}}x{{end}}`, 1},
		{`<p>{{T "a"}} 共 {{.N}} 人</p>`, 2},
	}
	for _, c := range cases {
		if got := inlineHan(c.src); len(got) != c.want {
			t.Errorf("inlineHan(%q) = %q, want %d runs", c.src, got, c.want)
		}
	}
}

// Every template takes all its Chinese from the catalog, so that English
// can follow by adding a table to internal/msg.
func TestCatalogNoInlineChinese(t *testing.T) {
	files, _ := filepath.Glob("templates/*.html")
	if len(files) < 20 {
		t.Fatalf("found only %d templates", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if runs := inlineHan(string(b)); len(runs) > 0 {
			if len(runs) > 5 {
				runs = runs[:5]
			}
			t.Errorf("%s has inline Chinese %q: put the text in internal/msg and use {{T \"key\"}}", f, runs)
		}
	}
}
