package loadtest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Report is what a run measured.
type Report struct {
	Clients     int
	Contest     int64
	Events      int64 // events in the match's log
	ConnectTook time.Duration
	PlayTook    time.Duration

	BuzzDecided Dist // buzz sent → the buzzing phone has the 抢到 frame (presses made before it arrived)
	BuzzWinner  Dist // the winner only: buzz sent → 抢到 frame
	BuzzReply   Dist // buzz sent → the reply (the press is in the log)
	// Screen: a command sent (host, judge or team) → each screen received
	// the frame with the command's last event.
	Screen Dist
	ByStep map[string]Dist // Screen by the kind of command (start, open, buzz, vote…)
	// ScreenFromServer: every event, from the server's own timestamp
	// (mapped to the generator's clock by the best ping) → each screen.
	ScreenFromServer Dist
	ClockRTT         time.Duration // round trip of that ping: the mapping's uncertainty

	Lost       int // events some screen never received
	Duplicates int
	Reconnects int
	Steps      int
	Frames     int64 // frames all clients read, and their bytes
	Bytes      int64
	LateSteps  int // steps that had not reached every screen within Wait
	Wait       time.Duration
	Notes      map[string]int

	// CPU time used during the match (not the ramp-up): the server's
	// (with --server-pid) and the generator's own. On a shared machine these
	// say more than the latencies: they are what the fan-out costs.
	ServerCPU, ClientCPU time.Duration

	MemBefore, MemConnected, MemEnd, MemPeak Mem
	LoadAvg                                  string
}

// procCPU is the CPU time a process has used so far (user + system), or 0
// when it cannot be read (another machine).
func procCPU(pid int) time.Duration {
	if pid <= 0 {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command name, which is in parentheses and may hold spaces.
	i := strings.LastIndexByte(string(b), ')')
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+s) * time.Second / 100 // USER_HZ is 100 on Linux
}

// Mem is the server's memory. HWM is the peak resident set (0 when only
// /metrics was available).
type Mem struct {
	RSS, HWM int64
	Source   string
}

// Budgets are the targets.
var Budgets = struct {
	BuzzP99, ScreenP99 time.Duration
	RSS                int64
}{10 * time.Millisecond, 250 * time.Millisecond, 1 << 30}

// Write prints the report with the budgets it is held to.
func (r Report) Write(w io.Writer) {
	ok := func(b bool) string {
		if b {
			return "达标"
		}
		return "未达标"
	}
	fmt.Fprintf(w, "比赛 %d：%d 个连接，日志 %d 个事件，%d 步；建立连接 %s，比赛 %s\n",
		r.Contest, r.Clients, r.Events, r.Steps, r.ConnectTook.Round(time.Millisecond), r.PlayTook.Round(time.Millisecond))
	fmt.Fprintf(w, "抢答判定（按下→该抢答器收到“抢到”帧）%s   预算 p99 ≤ %s：%s\n", r.BuzzDecided, Budgets.BuzzP99, ok(r.BuzzDecided.N > 0 && r.BuzzDecided.P99 <= Budgets.BuzzP99))
	fmt.Fprintf(w, "  其中抢到的队                       %s\n", r.BuzzWinner)
	fmt.Fprintf(w, "  按下→回复（每次按下，含晚到的）  %s\n", r.BuzzReply)
	fmt.Fprintf(w, "每块屏幕更新（指令发出→各屏收到）    %s   预算 p99 ≤ %s：%s\n", r.Screen, Budgets.ScreenP99, ok(r.Screen.N > 0 && r.Screen.P99 <= Budgets.ScreenP99))
	fmt.Fprintf(w, "  全部事件（服务器事件时间→各屏收到）%s（时钟换算误差 ≤ %s）\n", r.ScreenFromServer, r.ClockRTT.Round(time.Microsecond))
	steps := make([]string, 0, len(r.ByStep))
	for k := range r.ByStep {
		steps = append(steps, k)
	}
	sort.Strings(steps)
	for _, k := range steps {
		fmt.Fprintf(w, "    按指令 %-16s %s\n", k, r.ByStep[k])
	}
	fmt.Fprintf(w, "丢失消息 %d（重复 %d）   预算 0：%s\n", r.Lost, r.Duplicates, ok(r.Lost == 0))
	if r.Frames > 0 {
		fmt.Fprintf(w, "客户端共收到 %d 帧，平均每帧 %d 字节\n", r.Frames, r.Bytes/r.Frames)
	}
	fmt.Fprintf(w, "重连 %d 次；%d 步在 %s 内未到达所有屏幕\n", r.Reconnects, r.LateSteps, r.Wait)
	if len(r.Notes) > 0 {
		keys := make([]string, 0, len(r.Notes))
		for k := range r.Notes {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(w, "  %s × %d\n", k, r.Notes[k])
		}
	}
	if r.ServerCPU > 0 && r.Frames > 0 {
		fmt.Fprintf(w, "比赛期间 CPU：服务器 %.1fs（每帧约 %.1fµs），压测程序 %.1fs\n", r.ServerCPU.Seconds(),
			float64(r.ServerCPU.Microseconds())/float64(r.Frames), r.ClientCPU.Seconds())
	}
	fmt.Fprintf(w, "服务器内存（%s）：连接前 %s，连接后 %s，结束 %s，峰值 %s   预算 ≤ 1 GiB：%s\n", r.MemPeak.Source,
		mib(r.MemBefore.RSS), mib(r.MemConnected.RSS), mib(r.MemEnd.RSS), mib(max(r.MemPeak.RSS, r.MemPeak.HWM)),
		ok(r.MemPeak.RSS > 0 && max(r.MemPeak.RSS, r.MemPeak.HWM) <= Budgets.RSS))
	fmt.Fprintf(w, "负载（loadavg）：%s\n", r.LoadAvg)
}

func (d Dist) String() string {
	if d.N == 0 {
		return "（无样本）"
	}
	f := func(x time.Duration) string { return fmt.Sprintf("%.1fms", float64(x)/1e6) }
	return fmt.Sprintf("n=%d p50 %s p95 %s p99 %s max %s", d.N, f(d.P50), f(d.P95), f(d.P99), f(d.Max))
}

func mib(b int64) string {
	if b == 0 {
		return "?"
	}
	return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20))
}

// memWatch reads the server's memory: /proc/<pid>/status when the pid is
// known (same machine), else the process_resident_memory_bytes gauge of
// its /metrics.
type memWatch struct {
	hc   *http.Client
	addr string
	pid  int
	mu   sync.Mutex
	max  Mem
}

func newMemWatch(hc *http.Client, addr string, pid int) *memWatch {
	return &memWatch{hc: hc, addr: addr, pid: pid}
}

func (m *memWatch) read() (Mem, error) {
	if m.pid > 0 {
		return procStatus(m.pid)
	}
	return m.metrics()
}

// watch samples twice a second until ctx ends, keeping the peak.
func (m *memWatch) watch(ctx context.Context) {
	go func() {
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			if v, err := m.read(); err == nil {
				m.mu.Lock()
				m.max.RSS, m.max.HWM, m.max.Source = max(m.max.RSS, v.RSS), max(m.max.HWM, v.HWM), v.Source
				m.mu.Unlock()
			}
		}
	}()
}

func (m *memWatch) peak() Mem {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.max
}

func procStatus(pid int) (Mem, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return Mem{}, err
	}
	defer f.Close()
	m := Mem{Source: "/proc/" + strconv.Itoa(pid) + "/status"}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		switch k {
		case "VmRSS":
			m.RSS = n << 10
		case "VmHWM":
			m.HWM = n << 10
		}
	}
	return m, sc.Err()
}

func (m *memWatch) metrics() (Mem, error) {
	resp, err := m.hc.Get("http://" + m.addr + "/metrics")
	if err != nil {
		return Mem{}, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "process_resident_memory_bytes "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				return Mem{}, err
			}
			return Mem{RSS: int64(f), Source: "/metrics"}, nil
		}
	}
	return Mem{}, fmt.Errorf("/metrics 中没有 process_resident_memory_bytes")
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
