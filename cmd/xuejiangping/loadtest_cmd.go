package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"time"

	"xuejiangping/internal/app"
	"xuejiangping/internal/db"
	"xuejiangping/internal/loadtest"
)

const loadtestUsage = `用法: xuejiangping loadtest contest --clients N --addr HOST:PORT (--data DIR | --db postgres://…) [选项]
      xuejiangping loadtest quiz --members N --addr HOST:PORT (--data DIR | --db postgres://…) [选项]

contest：知识竞赛（现场赛）

对正在运行的服务器做知识竞赛压力测试：打开 N 个 WebSocket（1 个主持人、各评委、每队一部抢答器，
其余为大屏/观众屏），按脚本进行一场比赛（必答、抢答——各队几乎同时抢答、评委表决、计分、风险题），
然后报告：抢答判定时延、事件到每块屏幕的时延（p50/p95/p99/最大）、丢失消息、重连次数、服务器内存。

准备方式：压测程序直接写入服务器所用的数据库（--data 或 --db，与 serve 相同）：创建或重置账号
loadtest-host、loadtest-judge1…（每次运行设置新的随机密码），新建一场比赛（参赛队、评委、题目），
然后通过 HTTP 登录（/api/v1/session）、通过 /contests/{id}/ws 连接。服务器无需重启。
每次运行都会留下一场名为“压力测试 …”的比赛（系列“压力测试”）；请勿对生产数据库运行。

服务器内存：给出 --server-pid 时读取 /proc/<pid>/status 的 VmRSS/VmHWM，否则读取 /metrics。
同一台机器上 1 万个连接需要两边都提高文件描述符上限（ulimit -n 65536 或系统允许的上限）。

quiz：线上竞答
模拟 N 名党员同时用手机答同一道选择题：主持人逐题开题，每部手机看到题目后在 [0, --spread) 内随机
延迟作答（约七成答对），其中 --double-tap 比例的人连按两次（第二次必须被拒绝）；服务器到时自动收题。
另有一块大屏统计每题开放期间收到的计数画面（应约每秒 2 帧，而不是每份答案一帧）。
报告：发出/接受/拒绝的答案数（按拒绝代码）、作答→回复时延、开题→每部手机看到题目的时延
（p50/p95/p99/最大）、大屏帧率、重连、丢失的答案（与数据库 contest_quiz_answers 核对）、
成绩页参赛人数、服务器内存与 CPU。

准备方式：直接写入服务器数据库：在区级组织下创建（以后复用）压测支部01…20 和 N 名压测党员及其账号
（密码不可用，只能用压测程序写入的会话登录），每次运行删除旧会话、为每部手机新建会话
（login_sessions），并新建一场线上竞答（系列“压力测试”）。注意：线上竞答的参赛人员是库中全部党员，
压测党员会留在库中；请勿对生产数据库运行。
`

const loadtestShort = "用法: xuejiangping loadtest contest --clients N --addr HOST:PORT，或 xuejiangping loadtest quiz --members N --addr HOST:PORT"

// loadtestCmd runs the contest load generator: a match (contest) or an
// online quiz (quiz).
func loadtestCmd(args []string) error {
	if len(args) > 0 && args[0] == "contest" {
		return loadtestContest(args)
	}
	if len(args) > 0 && args[0] == "quiz" {
		return loadtestQuiz(args)
	}
	fmt.Print(loadtestUsage)
	return errors.New(loadtestShort)
}

func loadtestContest(args []string) error {
	var cfg app.Config
	var lc loadtest.Config
	sh := loadtest.DefaultShape
	f := newFlags("loadtest contest")
	f.Usage = func() { fmt.Fprint(os.Stderr, loadtestUsage); f.PrintDefaults() }
	dbFlags(f, &cfg)
	f.str(&lc.Addr, "addr", "127.0.0.1:8080", "服务器地址")
	f.integer(&lc.Clients, "clients", 1000, "WebSocket 连接总数")
	f.integer(&lc.ServerPID, "server-pid", 0, "服务器进程号（读取 /proc 内存）；0 则读 /metrics")
	f.integer(&lc.Dial, "dial-concurrency", 100, "同时建立的连接数")
	f.duration(&lc.Reaction, "reaction", 200*time.Millisecond, "抢答器看到“开始”后按下的反应时间")
	f.duration(&lc.Pause, "pause", 300*time.Millisecond, "主持人各步之间的间隔")
	f.duration(&lc.Wait, "wait", 15*time.Second, "每步等待所有屏幕收到的最长时间")
	f.duration(&lc.Ping, "ping", 30*time.Second, "每块屏幕发送 ping（校时）的间隔，与页面脚本校准后的间隔相同；-1s 表示不发")
	f.integer(&sh.Teams, "teams", sh.Teams, "参赛队数")
	f.integer(&sh.Judges, "judges", sh.Judges, "评委数")
	f.integer(&sh.Compulsory, "compulsory", sh.Compulsory, "必答题数")
	f.integer(&sh.Buzzer, "buzzer", sh.Buzzer, "抢答题数")
	f.integer(&sh.Risk, "risk", sh.Risk, "风险题数")
	var profile string
	f.str(&profile, "cpuprofile", "", "把压测程序自身的 CPU 剖析写入此文件（看客户端占了多少 CPU）")
	if err := f.Parse(args[1:]); err != nil {
		return err
	}
	if profile != "" {
		pf, err := os.Create(profile)
		if err != nil {
			return err
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	d, err := db.Open(ctx, cfg.DSNOrDefault())
	if err != nil {
		return err
	}
	setup, err := loadtest.Prepare(ctx, d, sh)
	d.Close()
	if err != nil {
		return err
	}
	lc.Log = os.Stderr
	fmt.Fprintf(os.Stderr, "已准备比赛 %d（%d 队、%d 位评委），开始连接 %d 个客户端……\n", setup.ContestID, len(setup.Teams), len(setup.Judges), lc.Clients)
	rep, err := loadtest.Run(ctx, lc, setup)
	if err != nil {
		return err
	}
	rep.Write(os.Stdout)
	return nil
}

func loadtestQuiz(args []string) error {
	var cfg app.Config
	var opt loadtest.QuizOptions
	sh := loadtest.QuizShape{}
	f := newFlags("loadtest quiz")
	f.Usage = func() { fmt.Fprint(os.Stderr, loadtestUsage); f.PrintDefaults() }
	dbFlags(f, &cfg)
	f.str(&opt.Addr, "addr", "127.0.0.1:8080", "服务器地址")
	f.integer(&sh.Members, "members", 1000, "答题的党员（手机）数")
	f.integer(&sh.Questions, "questions", 5, "题数")
	f.duration(&sh.AnswerTime, "answer-time", 15*time.Second, "每题作答时间（到时服务器自动收题）")
	f.duration(&opt.Spread, "spread", 5*time.Second, "手机看到题目后在此时间内随机作答")
	f.Float64Var(&opt.DoubleTap, "double-tap", 0.05, "连按两次的人所占比例（第二次应被拒绝）")
	f.Float64Var(&opt.Correct, "correct", 0.7, "答对的比例")
	f.integer(&opt.ServerPID, "server-pid", 0, "服务器进程号（读取 /proc 内存与 CPU）；0 则读 /metrics")
	f.integer(&opt.Dial, "dial-concurrency", 100, "同时建立的连接数")
	f.duration(&opt.Wait, "wait", 15*time.Second, "每题在作答时间之外最多再等多久")
	f.duration(&opt.Ping, "ping", 30*time.Second, "每部手机发送 ping（校时）的间隔；-1s 表示不发")
	if err := f.Parse(args[1:]); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	d, err := db.Open(ctx, cfg.DSNOrDefault())
	if err != nil {
		return err
	}
	// Kept open: after the run the answers are checked against the database.
	defer d.Close()
	t0 := time.Now()
	setup, err := loadtest.PrepareQuiz(ctx, d, sh)
	if err != nil {
		return err
	}
	opt.Log = os.Stderr
	fmt.Fprintf(os.Stderr, "已准备线上竞答 %d（%d 名党员、%d 道题，用时 %s），开始连接……\n", setup.ContestID, len(setup.Members), sh.Questions, time.Since(t0).Round(time.Millisecond))
	rep, err := loadtest.RunQuiz(ctx, opt, setup, d)
	if err != nil {
		return err
	}
	rep.Write(os.Stdout)
	if p := rep.Problems(); len(p) > 0 {
		return fmt.Errorf("压测发现 %d 个问题", len(p))
	}
	return nil
}
