package report

import (
	"fmt"

	"github.com/xuri/excelize/v2"

	"xuejiangping/internal/msg"
)

// figureHeader is the column list every figures table shares.
var figureHeader = []string{msg.T("report.figure.units"), msg.T("report.figure.onTime"), msg.T("report.figure.madeUp"), msg.T("report.figure.late"), msg.T("report.figure.postponed"), msg.T("report.figure.pending"), msg.T("report.figure.notHeld"), msg.T("report.figure.onTimeRate"),
	msg.T("report.figure.members"), msg.T("report.figure.present"), msg.T("report.figure.leave"), msg.T("report.figure.attendance"), msg.T("report.figure.selfStudy"), msg.T("report.figure.speeches"), msg.T("report.figure.speechesPerMember"), msg.T("report.figure.cases"), msg.T("report.figure.reviews"), msg.T("report.figure.problems"), msg.T("report.figure.rectified"), msg.T("report.figure.overdue"),
	msg.T("report.figure.unread"), msg.T("report.figure.sitIns"), msg.T("report.figure.sitInAvg"), msg.T("report.figure.examTaken")}

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
		{msg.T("report.sheet.children"), msg.T("noun.org"), d.rowCells(d.Rows, false)},
		{msg.T("report.sheet.ranking"), msg.T("noun.org"), d.rowCells(d.Ranking, true)},
		{msg.T("report.sheet.trend"), msg.T("report.col.round"), d.trendCells()},
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
		if s.name == msg.T("report.sheet.ranking") {
			head = append([]any{msg.T("report.col.rank"), msg.T("noun.org"), msg.T("report.col.score")}, toAny(figureHeader)...)
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
