package report

import (
	"fmt"

	"github.com/xuri/excelize/v2"
)

// figureHeader is the column list every figures table shares.
var figureHeader = []string{"单元数", "按时开展", "顺延补开", "逾期开展", "请假顺延", "待开展", "未开展", "按时开展率",
	"党员", "实到", "请假", "出勤率", "自学完成率", "发言", "人均发言", "案例说法", "点评", "查摆问题", "已整改", "逾期整改",
	"通知未读", "旁听列席次数", "旁听平均分", "参加测试人数"}

func figureCells(f Figures) []any {
	sit := "—"
	if f.SitIns > 0 {
		sit = fmt.Sprintf("%.0f", f.SitInAvg)
	}
	return []any{f.Units, f.OnTime, f.MadeUp, f.Late, f.Postponed, f.Pending, f.NotHeld, pct(f.ComplianceRate()),
		f.Members, f.Present, f.Leave, pct(f.Attendance()), pct(f.SelfStudy()), f.Speeches, fmt.Sprintf("%.2f", f.SpeechesPerMember()),
		f.Cases, f.Reviews, f.Problems, f.Rectified, f.Overdue, f.Unread(), f.SitIns, sit, f.ExamTaken}
}

func pct(x float64) string { return fmt.Sprintf("%.1f%%", x*100) }

// Xlsx exports every table of the dashboard: the children, the ranking and
// the trend, one sheet each.
func (d *Dashboard) Xlsx() ([]byte, error) {
	x := excelize.NewFile()
	defer x.Close()
	sheets := []struct {
		name  string
		first string
		rows  [][]any
	}{
		{"下级汇总", "组织", d.rowCells(d.Rows, false)},
		{"比学赶帮超", "组织", d.rowCells(d.Ranking, true)},
		{"各轮趋势", "轮次", d.trendCells()},
	}
	for i, s := range sheets {
		if i == 0 {
			if err := x.SetSheetName("Sheet1", s.name); err != nil {
				return nil, err
			}
		} else if _, err := x.NewSheet(s.name); err != nil {
			return nil, err
		}
		head := append([]any{s.first}, toAny(figureHeader)...)
		if s.name == "比学赶帮超" {
			head = append([]any{"名次", "组织", "综合得分"}, toAny(figureHeader)...)
		}
		if err := x.SetSheetRow(s.name, "A1", &head); err != nil {
			return nil, err
		}
		for j, r := range s.rows {
			cell, _ := excelize.CoordinatesToCellName(1, j+2)
			if err := x.SetSheetRow(s.name, cell, &r); err != nil {
				return nil, err
			}
		}
	}
	buf, err := x.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func (d *Dashboard) rowCells(rows []Row, ranked bool) [][]any {
	var out [][]any
	for i, r := range rows {
		lead := []any{r.Org.Name}
		if ranked {
			lead = []any{i + 1, r.Org.Name, fmt.Sprintf("%.1f", r.F.Score())}
		}
		out = append(out, append(lead, figureCells(r.F)...))
	}
	return out
}

func (d *Dashboard) trendCells() [][]any {
	var out [][]any
	for _, t := range d.Trend {
		out = append(out, append([]any{t.Label}, figureCells(t.F)...))
	}
	return out
}
