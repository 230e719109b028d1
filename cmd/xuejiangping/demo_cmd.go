package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"time"

	"xuejiangping/internal/app"
	"xuejiangping/internal/db"
	"xuejiangping/internal/report"
)

// demoCmd generates a synthetic district or province for the budgets:
//
//	xuejiangping demo --scale district|province [--units N] [--seed N] [--data DIR | --db postgres://…]
//
// It writes into an EMPTY database with bulk SQL (COPY on PostgreSQL, the
// facts triggers off) and then builds the report facts and the dashboards'
// per-org rollups in one pass; set passwords afterwards with `xuejiangping user set-password
// --username admin` (and zhuanban).
func demoCmd(args []string) error {
	var cfg app.Config
	var scale string
	var units, seed int
	f := newFlags("demo")
	dbFlags(f, &cfg)
	f.str(&scale, "scale", "district", "规模：district（约 1,000 个活动单元、12,000 名党员、48 轮）或 province（100,000 个单元、120 万党员、24 轮）")
	f.integer(&units, "units", 0, "活动单元数（缩小规模时用，如 --scale province --units 20000）")
	f.integer(&seed, "seed", 1, "随机种子")
	if err := f.Parse(args); err != nil {
		return err
	}
	spec, ok := report.Scales[scale]
	if !ok {
		return fmt.Errorf("未知规模 %q（可选 district、province）", scale)
	}
	if units > 0 {
		perCommittee := spec.Units() / spec.Committees
		spec.Committees = max(1, units/perCommittee)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	d, err := db.Open(ctx, cfg.DSNOrDefault())
	if err != nil {
		return err
	}
	defer d.Close()
	start := time.Now()
	st, err := report.GenerateSpec(ctx, d, spec, int64(seed), func(s string) { fmt.Fprintln(os.Stderr, s) })
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return errors.New("已中断")
		}
		return err
	}
	fmt.Printf("已生成 %s 规模（%s）：组织 %d、活动单元 %d、党员 %d、会议 %d、签到 %d、发言 %d、整改 %d；装载 %s，统计 %s，共 %s。\n",
		scale, d.Dialect, st.Orgs, st.Units, st.Members, st.Meetings, st.Attendance, st.Speeches, st.Rectifications,
		st.Took.Round(time.Second), st.FactsTook.Round(time.Second), time.Since(start).Round(time.Second))
	fmt.Println("请用 xuejiangping user set-password --username admin（及 zhuanban）设置密码后登录。")
	return nil
}
