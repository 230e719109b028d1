package report

import (
	"fmt"
	"html"
	"strings"

	"xuejiangping/internal/msg"
)

// Charts are drawn on the server as SVG with presentation attributes only
// (no style attributes: the CSP forbids them), in dark ink on white so they
// print legibly in black and white; values are written beside the marks.

// Bar is one bar of a chart.
type Bar struct {
	Label string
	Value float64 // 0..1 for rates
	Text  string  // the value as shown
}

// BarChart draws horizontal bars, one per row, each labelled with its value.
func BarChart(title string, bars []Bar) string {
	const w, labelW, rowH, top = 640, 200, 22, 30
	h := top + rowH*len(bars) + 10
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="100%%" role="img" aria-label="%s" class="chart">`, w, h, esc(title))
	fmt.Fprintf(&b, `<text x="0" y="18" font-size="14" font-weight="bold" fill="#222">%s</text>`, esc(title))
	for i, bar := range bars {
		y := top + i*rowH
		v := min(max(bar.Value, 0), 1)
		bw := int(v * float64(w-labelW-60))
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" text-anchor="end" fill="#222">%s</text>`, labelW-6, y+14, esc(clip(bar.Label, 14)))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="#b71c1c" stroke="#000" stroke-width="0.5"/>`, labelW, y+3, max(bw, 1), rowH-6)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" fill="#222">%s</text>`, labelW+bw+4, y+14, esc(bar.Text))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// Series is one line of a trend chart, values 0..1.
type Series struct {
	Name   string
	Values []float64
	Dash   string // stroke-dasharray, so lines differ in print without colour
	Colour string
}

// LineChart draws series over the labels (rounds), with a 0–100% axis.
func LineChart(title string, labels []string, series []Series) string {
	const w, h, left, right, top, bottom = 640, 260, 44, 10, 30, 60
	pw, ph := w-left-right, h-top-bottom
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="100%%" role="img" aria-label="%s" class="chart">`, w, h, esc(title))
	fmt.Fprintf(&b, `<text x="0" y="18" font-size="14" font-weight="bold" fill="#222">%s</text>`, esc(title))
	for _, pct := range []int{0, 25, 50, 75, 100} {
		y := top + ph - ph*pct/100
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#ccc" stroke-width="1"/>`, left, y, w-right, y)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" text-anchor="end" fill="#444">%d%%</text>`, left-4, y+4, pct)
	}
	n := len(labels)
	xAt := func(i int) int {
		if n <= 1 {
			return left + pw/2
		}
		return left + pw*i/(n-1)
	}
	step := max(1, n/8)
	for i, l := range labels {
		if i%step == 0 || i == n-1 {
			fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="10" text-anchor="end" fill="#444" transform="rotate(-40 %d %d)">%s</text>`, xAt(i), top+ph+14, xAt(i), top+ph+14, esc(l))
		}
	}
	for si, s := range series {
		var pts []string
		for i, v := range s.Values {
			v = min(max(v, 0), 1)
			pts = append(pts, fmt.Sprintf("%d,%d", xAt(i), top+ph-int(v*float64(ph))))
		}
		fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2" stroke-dasharray="%s"/>`, strings.Join(pts, " "), s.Colour, s.Dash)
		lx := left + si*150
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2" stroke-dasharray="%s"/>`, lx, h-8, lx+24, h-8, s.Colour, s.Dash)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" fill="#222">%s</text>`, lx+28, h-4, esc(s.Name))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

func esc(s string) string { return html.EscapeString(s) }

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// Charts returns the dashboard's charts: compliance and attendance of the
// children, and the trend of the org.
func (d *Dashboard) Charts() []string {
	var out []string
	if len(d.Rows) > 0 {
		var comp, att []Bar
		for i, r := range d.Rows {
			if i == 30 {
				break
			}
			comp = append(comp, Bar{r.Org.Name, r.F.ComplianceRate(), fmt.Sprintf("%.0f%%（%d/%d）", r.F.ComplianceRate()*100, r.F.Compliant(), r.F.Units)})
			att = append(att, Bar{r.Org.Name, r.F.Attendance(), fmt.Sprintf("%.0f%%", r.F.Attendance()*100)})
		}
		out = append(out, BarChart(msg.T("report.chart.onTimeTitle", d.RoundLabel), comp), BarChart(msg.T("report.chart.attendanceTitle", d.RoundLabel), att))
	}
	if len(d.Trend) > 0 {
		var labels []string
		comp := Series{Name: msg.T("report.chart.onTime"), Colour: "#b71c1c"}
		att := Series{Name: msg.T("report.chart.attendance"), Colour: "#1a237e", Dash: "6 3"}
		self := Series{Name: msg.T("report.chart.selfStudy"), Colour: "#1b5e20", Dash: "2 3"}
		for _, t := range d.Trend {
			labels = append(labels, t.RoundKey)
			comp.Values = append(comp.Values, t.F.ComplianceRate())
			att.Values = append(att.Values, t.F.Attendance())
			self.Values = append(self.Values, t.F.SelfStudy())
		}
		out = append(out, LineChart(msg.T("report.chart.trendTitle", d.Org.Name), labels, []Series{comp, att, self}))
	}
	return out
}
