package app_test

import (
	"bufio"
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestMeasureServer builds the real binary, starts `serve --demo` on a fresh
// data directory, then again on the loaded one, and reports start to
// serving and the idle resident memory of the server process (VmRSS after
// a login, a few pages and 5 s of rest). It is a measurement, not a check
// of the budgets, and runs only with XUEJIANGPING_MEASURE=1:
//
//	XUEJIANGPING_MEASURE=1 go test -run=TestMeasureServer -v ./internal/app/
func TestMeasureServer(t *testing.T) {
	if os.Getenv("XUEJIANGPING_MEASURE") != "1" {
		t.Skip("set XUEJIANGPING_MEASURE=1 to measure the server process")
	}
	bin := filepath.Join(t.TempDir(), "xjp")
	build := exec.Command("go", "build", "-o", bin, "../../cmd/xuejiangping")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	data := t.TempDir()
	for _, run := range []string{"first start (loads the demo)", "restart on the loaded data"} {
		addr := freeAddr(t)
		cmd := exec.Command(bin, "serve", "--demo", "--data", data, "--addr", addr, "--demo-password", demoPW)
		t0 := time.Now()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		base := "http://" + addr
		ready := waitHealthy(t, base, t0)
		t.Logf("%s: start to serving %v", run, ready.Round(time.Millisecond))
		fmt.Printf("MEASURE %s: start_to_serving_ms=%.1f\n", run, float64(ready)/float64(time.Millisecond))

		jar, _ := cookiejar.New(nil)
		client := &http.Client{Jar: jar, Timeout: 10 * time.Second}
		resp, err := client.PostForm(base+"/login", url.Values{"username": {"admin"}, "password": {demoPW}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("login: %d", resp.StatusCode)
		}
		for _, p := range []string{"/", "/orgs", "/orgs/1", "/orgs/2", "/roles", "/import", "/feedback", "/api/v1/orgs"} {
			resp, err := client.Get(base + p)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("GET %s: %d", p, resp.StatusCode)
			}
		}
		afterPages := status(t, cmd.Process.Pid)
		time.Sleep(5 * time.Second)
		idle := status(t, cmd.Process.Pid)
		t.Logf("%s: VmRSS after pages %s kB, idle after 5 s %s kB (peak VmHWM %s kB)", run, afterPages["VmRSS"], idle["VmRSS"], idle["VmHWM"])
		fmt.Printf("MEASURE %s: rss_after_pages_kb=%s idle_rss_kb=%s hwm_kb=%s\n", run, afterPages["VmRSS"], idle["VmRSS"], idle["VmHWM"])

		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-done
			t.Error("server did not stop on SIGINT")
		}
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitHealthy(t *testing.T, base string, t0 time.Time) time.Duration {
	t.Helper()
	client := &http.Client{Timeout: time.Second}
	for time.Since(t0) < 60*time.Second {
		resp, err := client.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(t0)
			}
		}
		time.Sleep(2 * time.Millisecond)
	}
	t.Fatal("server not healthy after 60 s")
	return 0
}

// status reads the memory lines of /proc/PID/status, values in kB.
func status(t *testing.T, pid int) map[string]string {
	t.Helper()
	f, err := os.Open("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.HasPrefix(k, "Vm") {
			out[k] = strings.TrimSuffix(strings.TrimSpace(v), " kB")
		}
	}
	return out
}
