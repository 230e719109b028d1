package live

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"xuejiangping/internal/contest"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
)

// The engine keeps its own Chinese (it imports nothing of ours) and the
// catalog repeats it as contest.err.<key>; the two must say the same thing,
// or a refusal would read differently depending on the path it took.
func TestEngineRefusalsMatchCatalog(t *testing.T) {
	engine := contest.Messages()
	if len(engine) < 40 {
		t.Fatalf("contest.Messages() has only %d entries", len(engine))
	}
	for key, text := range engine {
		k := "contest.err." + key
		if !msg.Has(k) {
			t.Errorf("the catalog has no %s (engine: %q): add it to internal/msg/zh_dom_contest.go", k, text)
			continue
		}
		if got := msg.T(k); got != text {
			t.Errorf("%s = %q, the engine says %q", k, got, text)
		}
	}
	// And the other way: no catalog entry for a refusal the engine dropped.
	b, err := os.ReadFile(filepath.Join("..", "msg", "zh_dom_contest.go"))
	if err != nil {
		t.Fatal(err)
	}
	keys := regexp.MustCompile(`"contest\.err\.([^"]+)"`).FindAllStringSubmatch(string(b), -1)
	if len(keys) != len(engine) {
		t.Errorf("zh_dom_contest.go has %d contest.err keys, the engine %d", len(keys), len(engine))
	}
	for _, m := range keys {
		if _, ok := engine[m[1]]; !ok {
			t.Errorf("zh_dom_contest.go has contest.err.%s, which the engine no longer has", m[1])
		}
	}
}

// refusalCalls are the engine's helpers that take a message key: refuse
// and fail, the local bad closures, and errEvent (key second).
var refusalCalls = map[string]int{"refuse": 0, "fail": 0, "bad": 0, "errEvent": 1}

// Every key the engine refuses with is in its table, so it is in the
// catalog too (checked above). The list is built from the engine's calls,
// not written out, so a new refusal cannot be missed.
func TestEngineRefusalKeysKnown(t *testing.T) {
	engine := contest.Messages()
	fset := token.NewFileSet()
	n := 0
	for _, path := range contestFiles(t) {
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(node ast.Node) bool {
			call, ok := node.(*ast.CallExpr)
			if !ok {
				return true
			}
			id, ok := call.Fun.(*ast.Ident)
			if !ok {
				return true
			}
			arg, ok := refusalCalls[id.Name]
			if !ok || len(call.Args) <= arg {
				return true
			}
			lit, ok := call.Args[arg].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true // fail(key) inside the helpers themselves
			}
			key, _ := strconv.Unquote(lit.Value)
			n++
			if _, ok := engine[key]; !ok {
				t.Errorf("%s: %s(%q) has no entry in the engine's messages", fset.Position(lit.Pos()), id.Name, key)
			}
			return true
		})
	}
	if n < 100 {
		t.Fatalf("found only %d refusal calls in internal/contest; the pattern is stale", n)
	}
}

func TestRefusalTextFromCatalog(t *testing.T) {
	cases := []struct {
		name string
		in   *contest.Error
		want string
	}{
		{"catalog wins", &contest.Error{Code: "finished", Message: "engine text", Key: "finished"}, msg.T("contest.err.finished")},
		{"formatted with the args", &contest.Error{Code: "config_invalid", Message: "engine text", Key: "config_invalid.team_id", Args: []any{"t1"}}, `比赛配置有误：参赛队编号为空或重复（"t1"）`},
		{"unknown key keeps the engine's text", &contest.Error{Code: "x", Message: "engine text", Key: "no_such_key"}, "engine text"},
		{"no key keeps the engine's text", &contest.Error{Code: "x", Message: "engine text"}, "engine text"},
	}
	for _, c := range cases {
		e := errs.As(asErr(c.in))
		if e.Message != c.want || e.Code != c.in.Code || e.Kind != errs.Unprocessable {
			t.Errorf("%s: asErr = %v %q %q, want %v %q %q", c.name, e.Kind, e.Code, e.Message, errs.Unprocessable, c.in.Code, c.want)
		}
	}
	// A real refusal, end to end: the platform's text is the engine's.
	err := contest.Config{}.Validate()
	ce, ok := err.(*contest.Error)
	if !ok || ce.Key != "config_invalid.no_teams" {
		t.Fatalf("Validate() = %#v, want the config_invalid.no_teams refusal", err)
	}
	if got := errs.As(asErr(err)).Message; got != ce.Message || got != msg.T("contest.err.config_invalid.no_teams") {
		t.Errorf("asErr(Validate()) = %q, engine %q", got, ce.Message)
	}
}

// contestHanAllowed are the engine's Chinese literals outside its messages
// table: labels and names it gives the screens, and input words it reads.
var contestHanAllowed = []struct{ file, text, why string }{
	{"config.go", "必答题", "SegmentKind.Label, a segment kind's display name"},
	{"config.go", "抢答题", "SegmentKind.Label, a segment kind's display name"},
	{"config.go", "风险题", "SegmentKind.Label, a segment kind's display name"},
	{"command.go", "正确", "Verdict.Label, a verdict's display name"},
	{"command.go", "错误", "Verdict.Label, a verdict's display name"},
	{"state.go", "准备中", "Status.Label, a status's display name"},
	{"state.go", "进行中", "Status.Label, a status's display name"},
	{"state.go", "已结束", "Status.Label, a status's display name"},
	{"state.go", "选分", "Phase.Label, a phase's display name"},
	{"state.go", "读题", "Phase.Label, a phase's display name"},
	{"state.go", "开始", "Phase.Label, a phase's display name"},
	{"state.go", "抢到", "Phase.Label, a phase's display name"},
	{"state.go", "作答", "Phase.Label, a phase's display name"},
	{"state.go", "评判", "Phase.Label, a phase's display name"},
	{"state.go", "计分", "Phase.Label, a phase's display name"},
	{"teamevent.go", "投手榴弹", "a default project's name, stored in the team event's config"},
	{"teamevent.go", "智连棋局", "a default project's name, stored in the team event's config"},
	{"teamevent.go", "旱地冰壶", "a default project's name, stored in the team event's config"},
	{"teamevent.go", "合力建塔", "a default project's name, stored in the team event's config"},
	{"teamevent.go", "卡丁车", "a default project's name, stored in the team event's config"},
	{"teamevent.go", "计分（高者胜）", "ProjectScoring.Label, a scoring's display name"},
	{"teamevent.go", "计时（用时少者胜）", "ProjectScoring.Label, a scoring's display name"},
	{"teamevent.go", "名次（裁判判定）", "ProjectScoring.Label, a scoring's display name"},
	{"teamevent.go", "秒", "a unit ParseValue drops from what a referee typed: input, not text"},
	{"teamevent.go", "分", "a unit ParseValue drops from what a referee typed: input, not text"},
	{"teamevent.go", "第", "a word ParseValue drops from what a referee typed: input, not text"},
	{"teamevent.go", "名", "a word ParseValue drops from what a referee typed: input, not text"},
	{"teamevent.go", "%d%s秒", "FormatValue, a time shown the way ParseValue reads it back"},
	{"teamevent.go", "第%d名", "FormatValue, a place shown the way ParseValue reads it back"},
}

// The engine's refusal text lives in one place, its messages table in
// errors.go; anything else Chinese must be listed above with a reason.
func TestContestChineseOnlyInMessages(t *testing.T) {
	allowed := map[string]bool{}
	for _, a := range contestHanAllowed {
		allowed[a.file+"\x00"+a.text] = true
	}
	used := map[string]bool{}
	fset := token.NewFileSet()
	for _, path := range contestFiles(t) {
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(path)
		var table ast.Node // the messages table, whose Chinese is the point
		ast.Inspect(f, func(n ast.Node) bool {
			if v, ok := n.(*ast.ValueSpec); ok && name == "errors.go" && len(v.Names) == 1 && v.Names[0].Name == "messages" {
				table = v
				return false
			}
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil || !hasHan(s) {
				return true
			}
			if k := name + "\x00" + s; allowed[k] {
				used[k] = true
				return true
			}
			t.Errorf("%s has Chinese %q outside the messages table: add it there under a key and refuse with fail(key)", fset.Position(lit.Pos()), s)
			return true
		})
		if name == "errors.go" && table == nil {
			t.Errorf("errors.go has no messages table")
		}
	}
	for _, a := range contestHanAllowed {
		if !used[a.file+"\x00"+a.text] {
			t.Errorf("contestHanAllowed lists %s %q, which is no longer there: drop the entry", a.file, a.text)
		}
	}
}

func contestFiles(t *testing.T) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join("..", "contest", "*.go"))
	var out []string
	for _, f := range files {
		if !strings.HasSuffix(f, "_test.go") {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		t.Fatal("no Go files found in internal/contest")
	}
	return out
}
