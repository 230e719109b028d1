package web_test

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"xuejiangping/internal/msg"
)

// Every message key a template or a handler asks for must be in the
// catalog: a missing one would show as "[key]" on the page.
func TestCatalogHasEveryKey(t *testing.T) {
	inTemplate := regexp.MustCompile(`\bT "([^"]+)"`)
	inGo := regexp.MustCompile(`msg\.T\("([^"]+)"`)
	files, _ := filepath.Glob("templates/*.html")
	goFiles, _ := filepath.Glob("*.go")
	if len(files) == 0 || len(goFiles) == 0 {
		t.Fatal("no templates or sources found")
	}
	seen := 0
	for _, f := range append(files, goFiles...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		re := inTemplate
		if filepath.Ext(f) == ".go" {
			re = inGo
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			seen++
			if !msg.Has(m[1]) {
				t.Errorf("%s asks for message %q, which the catalog lacks", f, m[1])
			}
		}
	}
	if seen < 50 {
		t.Errorf("found only %d message keys: the pattern is probably broken", seen)
	}
}
