package web_test

import (
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"xuejiangping/internal/msg"
)

// jsCode returns a script with its // and /* */ comments blanked out,
// string literals ('…', "…", `…`) kept as they are, so that a // inside a
// string is not taken for a comment. Newlines stay, so lines still count.
// Regular expression literals are read as code: one holding a quote would
// confuse it, and contest.js has none.
func jsCode(src string) string {
	var b strings.Builder
	rs := []rune(src)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch {
		case c == '/' && i+1 < len(rs) && rs[i+1] == '/':
			for i < len(rs) && rs[i] != '\n' {
				i++
			}
			if i < len(rs) {
				b.WriteRune('\n')
			}
		case c == '/' && i+1 < len(rs) && rs[i+1] == '*':
			b.WriteRune(' ')
			for i += 2; i < len(rs) && !(rs[i] == '*' && i+1 < len(rs) && rs[i+1] == '/'); i++ {
				if rs[i] == '\n' {
					b.WriteRune('\n')
				}
			}
			i++ // the closing '/'
		case c == '"' || c == '\'' || c == '`':
			b.WriteRune(c)
			for i++; i < len(rs) && rs[i] != c; i++ {
				b.WriteRune(rs[i])
				if rs[i] == '\\' && i+1 < len(rs) {
					i++
					b.WriteRune(rs[i])
				}
			}
			if i < len(rs) {
				b.WriteRune(c)
			}
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// isChinese reports whether r is a Chinese character or Chinese (full
// width) punctuation such as ：．（）, which a translation replaces too.
func isChinese(r rune) bool {
	return unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF)
}

// jsChinese returns "line: text" for each line of code (comments left out)
// that holds Chinese.
func jsChinese(src string) []string {
	var found []string
	for n, line := range strings.Split(jsCode(src), "\n") {
		if strings.IndexFunc(line, isChinese) >= 0 {
			found = append(found, fmt.Sprintf("%d: %s", n+1, strings.TrimSpace(line)))
		}
	}
	return found
}

func TestContestJSChineseDetector(t *testing.T) {
	cases := []struct {
		src  string
		want int
	}{
		{`say(t("js.contest.notConnected"), true);`, 0},
		{"// 注释可以写中文\nvar a = 1;", 0},
		{"/* 多行\n注释 */ var a = 1;", 0},
		{`var a = "b"; /* 注释 */ var c = '//'; // 注释`, 0},
		{`say("尚未连接，请稍候", true);`, 1},
		{`var u = "http://x" + "已连接";`, 1},
		{`var s = '单引号';`, 1},
		{"var s = `模板`;", 1},
		{`var s = "a\"" + "：";`, 1},
		{`var s = L + "．" + o;`, 1},
		{"var a = 1; /* 注释 */\nvar b = \"中文\";\n// 注释", 1},
		{"el(\"p\", \"\", \"第一行\");\nel(\"p\", \"\", \"第二行\");", 2},
	}
	for _, c := range cases {
		if got := jsChinese(c.src); len(got) != c.want {
			t.Errorf("jsChinese(%q) = %q, want %d lines", c.src, got, c.want)
		}
	}
}

// The live contest script takes its text from the catalog (js.contest.*,
// handed over in the page's data-msgs), so that English can follow by
// adding a table to internal/msg.
func TestContestJSNoChinese(t *testing.T) {
	b, err := os.ReadFile("static/contest.js")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range jsChinese(string(b)) {
		t.Errorf("static/contest.js:%s has Chinese: put the text in internal/msg/zh_js_contest.go and call t(\"js.contest.…\")", line)
	}
}

// jsKey is a catalog key written in the script: t("js.contest.x") or a key
// chosen by a condition, t(ok ? "js.contest.a" : "js.contest.b").
var jsKey = regexp.MustCompile(`["'](js\.contest\.[^"']*)["']`)

// Every key the script names is in the catalog (a missing one shows as
// [key] on the page), and every js.contest entry is still used.
func TestContestJSKeysInCatalog(t *testing.T) {
	b, err := os.ReadFile("static/contest.js")
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	for _, m := range jsKey.FindAllStringSubmatch(jsCode(string(b)), -1) {
		used[m[1]] = true
		if !msg.Has(m[1]) {
			t.Errorf("static/contest.js uses %q, which is not in the catalog", m[1])
		}
	}
	if len(used) < 50 {
		t.Fatalf("found only %d js.contest keys in static/contest.js", len(used))
	}
	for k := range msg.WithPrefix("js.contest.") {
		if !used[k] {
			t.Errorf("the catalog holds %q, which static/contest.js no longer uses: drop it", k)
		}
	}
}

// jsVerb is a formatting verb in a catalog entry; the script's t fills in
// only %v, %d and %s (and writes %% as %).
var jsVerb = regexp.MustCompile(`%.`)

func TestContestJSVerbs(t *testing.T) {
	for k, v := range msg.WithPrefix("js.contest.") {
		for _, verb := range jsVerb.FindAllString(v, -1) {
			if verb != "%v" && verb != "%d" && verb != "%s" && verb != "%%" {
				t.Errorf("%s = %q uses %s, which the script's t does not fill in", k, v, verb)
			}
		}
	}
}

var dataMsgs = regexp.MustCompile(`data-msgs="([^"]*)"`)

// The live page hands the script the js.contest entries, intact, in a data
// attribute (the CSP allows no inline script).
func TestContestLivePageCarriesMsgs(t *testing.T) {
	h := newHarness(t)
	admin := h.login("admin", demoPW)
	r := h.do("POST", "/contests", admin, url.Values{"title": {"文案测试"}, "kind": {"match"}, "stage": {"final"}, "round": {"0"}})
	var id int64
	if _, err := fmt.Sscanf(r.Header.Get("Location"), "/contests/%d", &id); err != nil {
		t.Fatalf("create contest: %s", r)
	}
	for _, mode := range []string{"host", "screen"} {
		page := h.do("GET", fmt.Sprintf("/contests/%d/%s", id, mode), admin, nil)
		page.expect(t, 200, mode)
		m := dataMsgs.FindSubmatch(page.Body)
		if m == nil {
			t.Fatalf("%s page has no data-msgs", mode)
		}
		var got map[string]string
		if err := json.Unmarshal([]byte(html.UnescapeString(string(m[1]))), &got); err != nil {
			t.Fatalf("%s page data-msgs: %v", mode, err)
		}
		if want := msg.WithPrefix("js.contest."); !reflect.DeepEqual(got, want) {
			t.Errorf("%s page data-msgs has %d entries, want the %d js.contest entries", mode, len(got), len(want))
		}
	}
}
