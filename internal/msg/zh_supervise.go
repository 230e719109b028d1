package msg

// The task force's work: its rhythm, sit-ins and the 先锋二七 column.
func init() {
	register(map[string]string{
		"supervise.title":        "专班研判",
		"supervise.standups":     "日碰头",
		"supervise.weekly":       "周例会",
		"supervise.observations": "月观摩计划",
		"supervise.calendar":     "全区会议日历",
		"sitin.title":            "旁听列席",
		"exemplar.title":         "先锋二七",
		"exemplar.new":           "选树典型",
	})
}
