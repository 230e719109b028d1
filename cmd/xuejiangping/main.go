// Command xuejiangping runs the 学讲评 platform and its tools.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	_ "time/tzdata" // the calendar needs Asia/Shanghai on any machine

	"xuejiangping/internal/app"
	"xuejiangping/internal/audit"
	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
)

const usage = `xuejiangping — 二七区“学讲评”活动平台

用法:
  xuejiangping serve [--demo] [--addr 127.0.0.1:8080] [--data DIR] [--db postgres://…]
  xuejiangping migrate [--data DIR] [--db …]
  xuejiangping backup --out FILE [--data DIR]
  xuejiangping audit verify [--data DIR] [--db …]
  xuejiangping user set-password --username NAME [--data DIR] [--db …]   （新密码从标准输入读取）
  xuejiangping demo --scale district|province [--units N] [--seed N] [--data DIR | --db …]   （生成基准测试用的大规模数据）
  xuejiangping loadtest contest --clients N --addr HOST:PORT [--data DIR | --db …]   （知识竞赛压力测试）
  xuejiangping version

每个参数也可用环境变量 XUEJIANGPING_<参数名> 设置，如 XUEJIANGPING_ADDR、XUEJIANGPING_DB。
`

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "错误:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		fmt.Print(usage)
		return nil
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return serve(rest)
	case "migrate":
		return migrate(rest)
	case "backup":
		return backup(rest)
	case "audit":
		if len(rest) == 0 || rest[0] != "verify" {
			return errors.New("用法: xuejiangping audit verify")
		}
		return auditVerify(rest[1:])
	case "user":
		if len(rest) == 0 || rest[0] != "set-password" {
			return errors.New("用法: xuejiangping user set-password --username NAME")
		}
		return setPassword(rest[1:])
	case "demo":
		return demoCmd(rest)
	case "loadtest":
		return loadtestCmd(rest)
	case "version":
		fmt.Println("xuejiangping", app.Version)
		return nil
	case "help", "-h", "--help":
		fmt.Print(usage)
		return nil
	}
	return fmt.Errorf("未知命令 %q\n%s", cmd, usage)
}

// flags is a FlagSet whose every flag also reads XUEJIANGPING_<NAME>.
type flags struct{ *flag.FlagSet }

func newFlags(name string) flags { return flags{flag.NewFlagSet(name, flag.ContinueOnError)} }

func envName(name string) string {
	return "XUEJIANGPING_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

func (f flags) str(p *string, name, def, help string) {
	if v, ok := os.LookupEnv(envName(name)); ok {
		def = v
	}
	f.StringVar(p, name, def, help+" (env "+envName(name)+")")
}

func (f flags) boolean(p *bool, name string, def bool, help string) {
	if v, ok := os.LookupEnv(envName(name)); ok {
		if b, err := strconv.ParseBool(v); err == nil {
			def = b
		}
	}
	f.BoolVar(p, name, def, help+" (env "+envName(name)+")")
}

func (f flags) duration(p *time.Duration, name string, def time.Duration, help string) {
	if v, ok := os.LookupEnv(envName(name)); ok {
		if d, err := time.ParseDuration(v); err == nil {
			def = d
		}
	}
	f.DurationVar(p, name, def, help+" (env "+envName(name)+")")
}

func (f flags) integer(p *int, name string, def int, help string) {
	if v, ok := os.LookupEnv(envName(name)); ok {
		if n, err := strconv.Atoi(v); err == nil {
			def = n
		}
	}
	f.IntVar(p, name, def, help+" (env "+envName(name)+")")
}

func dbFlags(f flags, cfg *app.Config) {
	f.str(&cfg.DataDir, "data", "data", "数据目录（SQLite 数据库文件所在）")
	f.str(&cfg.DSN, "db", "", "PostgreSQL 连接串 postgres://…；不填则使用数据目录下的 SQLite")
}

func serve(args []string) error {
	var cfg app.Config
	f := newFlags("serve")
	f.str(&cfg.Addr, "addr", "127.0.0.1:8080", "监听地址")
	dbFlags(f, &cfg)
	f.boolean(&cfg.Demo, "demo", false, "数据库为空时载入演示数据（二七区）")
	f.str(&cfg.DemoPassword, "demo-password", "", "演示账号的统一密码；不填则随机生成并打印")
	f.str(&cfg.District, "district", "本区", "首次启动（非演示）时创建的区级组织名称")
	f.str(&cfg.TLSCert, "tls-cert", "", "TLS 证书文件（启用 HTTPS 与 Secure Cookie）")
	f.str(&cfg.TLSKey, "tls-key", "", "TLS 私钥文件")
	f.duration(&cfg.IdleTimeout, "idle-timeout", 30*time.Minute, "登录会话空闲超时")
	f.integer(&cfg.MaxFailures, "lockout-failures", 5, "连续登录失败多少次锁定账号")
	f.duration(&cfg.LockFor, "lockout-duration", 30*time.Minute, "账号锁定时长")
	f.str(&cfg.MetricsFrom, "metrics-from", "", "允许读取 /metrics 的网段（逗号分隔，如 10.0.0.0/8）；本机总是允许")
	f.str(&cfg.NATSURL, "nats-url", "", "NATS 地址（如 nats://127.0.0.1:4222）：多台实例共同承载知识竞赛；不填为单实例")
	var debug bool
	f.boolean(&debug, "debug", false, "输出每个请求的日志")
	var profile string
	f.str(&profile, "cpuprofile", "", "把服务器的 CPU 剖析写入此文件，直到停止（用于压力测试分析）")
	if err := f.Parse(args); err != nil {
		return err
	}
	if profile != "" {
		stopProfile, err := startCPUProfile(profile)
		if err != nil {
			return err
		}
		defer stopProfile()
	}
	if (cfg.TLSCert == "") != (cfg.TLSKey == "") {
		return errors.New("--tls-cert 与 --tls-key 须同时提供")
	}
	level := slog.LevelInfo
	if debug {
		level = slog.LevelDebug
	}
	cfg.Log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	cfg.Out = os.Stdout
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	start := time.Now()
	a, err := app.Open(ctx, cfg)
	if err != nil {
		return err
	}
	if err := a.Listen(); err != nil {
		a.Close()
		return err
	}
	a.Serve()
	cfg.Log.Info("serving", "url", a.URL(), "db", a.DB.Dialect.String(), "startup", time.Since(start).Round(time.Millisecond))
	fmt.Printf("平台已启动：%s\n", a.URL())
	select {
	case <-ctx.Done():
	case err := <-waitErr(a):
		if err != nil {
			a.Close()
			return err
		}
	}
	cfg.Log.Info("shutting down")
	return a.Close()
}

func waitErr(a *app.App) <-chan error {
	ch := make(chan error, 1)
	go func() { ch <- a.Wait() }()
	return ch
}

func openDB(args []string, name string, extra func(f flags)) (*db.DB, error) {
	var cfg app.Config
	f := newFlags(name)
	dbFlags(f, &cfg)
	if extra != nil {
		extra(f)
	}
	if err := f.Parse(args); err != nil {
		return nil, err
	}
	return db.Open(context.Background(), cfg.DSNOrDefault())
}

func migrate(args []string) error {
	d, err := openDB(args, "migrate", nil)
	if err != nil {
		return err
	}
	defer d.Close()
	fmt.Println("数据库已是最新结构。")
	return nil
}

func backup(args []string) error {
	var out string
	d, err := openDB(args, "backup", func(f flags) { f.str(&out, "out", "", "备份文件路径") })
	if err != nil {
		return err
	}
	defer d.Close()
	if out == "" {
		return errors.New("请用 --out 指定备份文件")
	}
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("%s 已存在，不会覆盖", out)
	}
	if err := app.Backup(context.Background(), d, out); err != nil {
		return err
	}
	fmt.Println("已备份到", out)
	return nil
}

func auditVerify(args []string) error {
	d, err := openDB(args, "audit verify", nil)
	if err != nil {
		return err
	}
	defer d.Close()
	res, err := audit.Verify(context.Background(), d)
	if err != nil {
		return err
	}
	if !res.OK() {
		return fmt.Errorf("审计日志校验失败（共 %d 条）：%s", res.Entries, res.Problem)
	}
	fmt.Printf("审计日志完整：共 %d 条，哈希链无断裂。\n", res.Entries)
	return nil
}

func setPassword(args []string) error {
	var username string
	d, err := openDB(args, "user set-password", func(f flags) { f.str(&username, "username", "", "用户名") })
	if err != nil {
		return err
	}
	defer d.Close()
	if username == "" {
		return errors.New("请用 --username 指定用户")
	}
	var pw string
	fmt.Fprint(os.Stderr, "新密码: ")
	if _, err := fmt.Fscanln(os.Stdin, &pw); err != nil {
		return errors.New("未读到密码")
	}
	ctx := context.Background()
	err = d.InTx(ctx, func(tx *db.Tx) error {
		return auth.SetPassword(ctx, tx, audit.Actor{Name: "命令行"}, username, pw, false)
	})
	if err != nil {
		return err
	}
	fmt.Println("密码已设置。")
	return nil
}

// startCPUProfile writes a CPU profile to path until the returned func is
// called: the way to see where a server under load spends its time.
func startCPUProfile(path string) (func(), error) {
	pf, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(pf); err != nil {
		pf.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); pf.Close() }, nil
}
