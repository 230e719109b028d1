// Package e2e drives the real program in Debian's chromium through
// chromedp: each test starts the platform with the demo district on a free
// port and a fresh SQLite file.
package e2e

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"xuejiangping/internal/app"
)

const demoPassword = "Demo@2026x"

// startApp runs the platform with the demo district, on a copy of a
// database that is loaded once per test binary: loading the whole demo
// (a year of rounds) takes seconds, and longer under -race.
func startApp(t *testing.T) *app.App {
	t.Helper()
	dir := t.TempDir()
	src, err := demoTemplate()
	if err != nil {
		t.Fatalf("demo template: %v", err)
	}
	if err := copyFile(src, filepath.Join(dir, "xuejiangping.db")); err != nil {
		t.Fatalf("copy demo: %v", err)
	}
	a, err := app.Open(context.Background(), app.Config{Addr: "127.0.0.1:0", DataDir: dir})
	if err != nil {
		t.Fatalf("open app: %v", err)
	}
	if err := a.Listen(); err != nil {
		t.Fatalf("listen: %v", err)
	}
	a.Serve()
	t.Cleanup(func() { a.Close() })
	return a
}

var (
	templateOnce sync.Once
	templatePath string
	templateErr  error
)

// demoTemplate loads the demo once into a directory of its own and closes
// it, which checkpoints the WAL into the main file so that a plain copy is
// a complete database.
func demoTemplate() (string, error) {
	templateOnce.Do(func() {
		dir, err := os.MkdirTemp("", "xjp-e2e-demo-")
		if err != nil {
			templateErr = err
			return
		}
		a, err := app.Open(context.Background(), app.Config{DataDir: dir, Demo: true, DemoPassword: demoPassword})
		if err != nil {
			templateErr = err
			return
		}
		templateErr = a.Close()
		templatePath = filepath.Join(dir, "xuejiangping.db")
	})
	return templatePath, templateErr
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func chromiumPath() string {
	for _, p := range []string{os.Getenv("XUEJIANGPING_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	return ""
}

// newBrowser starts a headless chromium; each call is a separate browser
// profile, so two calls are two people on two phones. It skips the test
// when no chromium is installed (CI installs it).
func newBrowser(t *testing.T, width, height int) context.Context {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium is not installed; .ci/run should have installed it")
		}
		t.Skip("chromium not installed")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// login signs in through the login form and waits for the home page.
func login(t *testing.T, ctx context.Context, base, user string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(`input[name=username]`),
		chromedp.SendKeys(`input[name=username]`, user),
		chromedp.SendKeys(`input[name=password]`, demoPassword),
		chromedp.Click(`button[type=submit]`),
		// The login page has a main h1 too: wait until it has gone, or the
		// next Navigate races the login's redirect and is aborted.
		chromedp.WaitNotPresent(`form[action="/login"]`),
		chromedp.WaitVisible(`main h1`),
	)
	if err != nil {
		t.Fatalf("login %s: %v", user, err)
	}
}

// text returns the visible text of the first element matching sel.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(sel))
	if err != nil {
		t.Fatalf("text %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// shot saves a screenshot when XUEJIANGPING_SCREENSHOTS names a directory.
func shot(t *testing.T, ctx context.Context, name string) {
	dir := os.Getenv("XUEJIANGPING_SCREENSHOTS")
	if dir == "" {
		return
	}
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("screenshot %s: %v", name, err)
		return
	}
	_ = os.MkdirAll(dir, 0o755)
	_ = os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644)
}

// TestMain removes the shared demo template after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if templatePath != "" {
		_ = os.RemoveAll(filepath.Dir(templatePath))
	}
	os.Exit(code)
}
