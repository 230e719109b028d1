package app_test

// Budget benchmarks (DESIGN.md, issue 2): with the demo district on SQLite,
// login and the org tree page p95 ≤ 50 ms; start to serving ≤ 1 s. Each
// benchmark records every iteration's duration and reports p50/p95 in ms.
//
//	go test -run='^$' -bench=. -count=5 ./internal/app/

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"xuejiangping/internal/app"
)

var (
	demoDirOnce sync.Once
	demoDir     string
	demoDirErr  error
)

// loadedDir is a data directory holding the demo district, built once per
// test binary so that every benchmark starts from a loaded database.
func loadedDir(b *testing.B) string {
	b.Helper()
	demoDirOnce.Do(func() {
		demoDir, demoDirErr = os.MkdirTemp("", "xjp-bench-")
		if demoDirErr != nil {
			return
		}
		a, err := app.Open(context.Background(), app.Config{DataDir: demoDir, Demo: true, DemoPassword: demoPW})
		if err != nil {
			demoDirErr = err
			return
		}
		demoDirErr = a.Close()
	})
	if demoDirErr != nil {
		b.Fatal(demoDirErr)
	}
	return demoDir
}

// percentiles reports p50 and p95 (and the maximum) of ds in milliseconds.
func percentiles(b *testing.B, ds []time.Duration) {
	b.Helper()
	if len(ds) == 0 {
		return
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	at := func(q float64) time.Duration {
		i := int(q*float64(len(ds))+0.5) - 1
		if i < 0 {
			i = 0
		}
		if i >= len(ds) {
			i = len(ds) - 1
		}
		return ds[i]
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(at(0.50)), "p50-ms")
	b.ReportMetric(ms(at(0.95)), "p95-ms")
	b.ReportMetric(ms(ds[len(ds)-1]), "max-ms")
}

func loginRequest(user, pw string) *http.Request {
	form := url.Values{"username": {user}, "password": {pw}}
	req := httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.RemoteAddr = "192.0.2.1:1234"
	return req
}

// BenchmarkLogin is POST /login through the whole handler chain: argon2id
// check, session row, audit entry, redirect.
func BenchmarkLogin(b *testing.B) {
	a := openDemo(b, loadedDir(b))
	defer a.Close()
	var ds []time.Duration
	for b.Loop() {
		req := loginRequest("admin", demoPW)
		w := httptest.NewRecorder()
		t0 := time.Now()
		a.Web.ServeHTTP(w, req)
		ds = append(ds, time.Since(t0))
		if w.Code != http.StatusSeeOther {
			b.Fatalf("login: %d %s", w.Code, w.Body.String())
		}
	}
	percentiles(b, ds)
}

// BenchmarkLoginByPhone logs in with a member's phone number instead.
func BenchmarkLoginByPhone(b *testing.B) {
	a := openDemo(b, loadedDir(b))
	defer a.Close()
	var phone string
	if err := a.DB.QueryRow(context.Background(), `SELECT m.phone FROM users u JOIN members m ON m.id = u.member_id WHERE u.username = 'dangyuan'`).Scan(&phone); err != nil {
		b.Fatal(err)
	}
	var ds []time.Duration
	for b.Loop() {
		req := loginRequest(phone, demoPW)
		w := httptest.NewRecorder()
		t0 := time.Now()
		a.Web.ServeHTTP(w, req)
		ds = append(ds, time.Since(t0))
		if w.Code != http.StatusSeeOther {
			b.Fatalf("login: %d", w.Code)
		}
	}
	percentiles(b, ds)
}

func sessionCookie(b *testing.B, h http.Handler, user string) *http.Cookie {
	b.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, loginRequest(user, demoPW))
	for _, c := range w.Result().Cookies() {
		if c.Name == "xjp_session" && c.Value != "" {
			return c
		}
	}
	b.Fatalf("login %s failed: %d", user, w.Code)
	return nil
}

func benchPage(b *testing.B, user, path string) {
	a := openDemo(b, loadedDir(b))
	defer a.Close()
	cookie := sessionCookie(b, a.Web, user)
	var ds []time.Duration
	var size int
	for b.Loop() {
		req := httptest.NewRequest("GET", path, nil)
		req.AddCookie(cookie)
		w := httptest.NewRecorder()
		t0 := time.Now()
		a.Web.ServeHTTP(w, req)
		ds = append(ds, time.Since(t0))
		if w.Code != http.StatusOK {
			b.Fatalf("GET %s: %d", path, w.Code)
		}
		size = w.Body.Len()
	}
	percentiles(b, ds)
	b.ReportMetric(float64(size)/1024, "page-KiB")
}

// BenchmarkOrgTreePage is GET /orgs as the district admin: the whole demo
// tree (≈170 orgs, ≈600 members) rendered.
func BenchmarkOrgTreePage(b *testing.B) { benchPage(b, "admin", "/orgs") }

// BenchmarkOrgTreePageSecretary is the same page in a secretary's scope.
func BenchmarkOrgTreePageSecretary(b *testing.B) { benchPage(b, "shuji", "/orgs") }

// BenchmarkHomePage is GET / as the admin (it walks the tree for oversized units).
func BenchmarkHomePage(b *testing.B) { benchPage(b, "admin", "/") }

// BenchmarkStartToServing opens an already loaded data directory, listens
// on a free port and polls /healthz until it answers 200.
func BenchmarkStartToServing(b *testing.B) {
	dir := loadedDir(b)
	client := &http.Client{Timeout: 2 * time.Second}
	var ds []time.Duration
	for b.Loop() {
		t0 := time.Now()
		a, err := app.Open(context.Background(), app.Config{DataDir: dir, Demo: true, DemoPassword: demoPW, Addr: "127.0.0.1:0"})
		if err != nil {
			b.Fatal(err)
		}
		if err := a.Listen(); err != nil {
			b.Fatal(err)
		}
		a.Serve()
		for {
			resp, err := client.Get(a.URL() + "/healthz")
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					break
				}
			}
			if time.Since(t0) > 10*time.Second {
				b.Fatalf("not serving after 10 s: %v", err)
			}
			time.Sleep(time.Millisecond)
		}
		ds = append(ds, time.Since(t0))
		b.StopTimer()
		if err := a.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	percentiles(b, ds)
}

// TestMain removes the shared benchmark data directory afterwards.
func TestMain(m *testing.M) {
	code := m.Run()
	if demoDir != "" && strings.HasPrefix(filepath.Base(demoDir), "xjp-bench-") {
		os.RemoveAll(demoDir)
	}
	if code != 0 {
		fmt.Fprintln(os.Stderr, "FAIL")
	}
	os.Exit(code)
}
