package live

import (
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// What the live contests report to /metrics, for the operators of a show:
// how many screens are connected, and how long the hall takes to show an
// event — the "every screen updated" budget, measured in production rather
// than only by the load generator.
var (
	screensConnected atomic.Int64

	hallPass = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "xjp_contest_hall_pass_seconds",
		Help:    "Contest hall: from an event's frame being ready to every screen of the hall having been written it (per pass of the hall's pacer).",
		Buckets: []float64{.005, .01, .025, .05, .1, .15, .2, .25, .5, 1, 2.5},
	})
	commandsTotal = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "xjp_contest_commands_total", Help: "Contest commands handled (accepted or refused).",
	})
	droppedTotal = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "xjp_contest_screens_dropped_total", Help: "Screens dropped for falling behind (they reconnect and resume).",
	})
	screensGauge = prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "xjp_contest_screens", Help: "Contest WebSocket connections open on this instance.",
	}, func() float64 { return float64(screensConnected.Load()) })
)

// Collectors are the live contests' metrics, for the server's registry.
func Collectors() []prometheus.Collector {
	return []prometheus.Collector{hallPass, commandsTotal, droppedTotal, screensGauge}
}

func observePass(start time.Time) { hallPass.Observe(time.Since(start).Seconds()) }
