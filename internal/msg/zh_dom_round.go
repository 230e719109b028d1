package msg

// Text of internal/round: the errors, field errors and labels the package
// builds itself. Wording is asserted by its tests.
func init() {
	register(map[string]string{
		// calendar.go
		"round.config.badTolerance": "宽限天数须在 0 到 %d 天之间",
		"round.config.noStart":      "请设置活动开始日期",
		"round.config.badStart":     "活动开始日期无效",
		"round.half.first":          "上半月",
		"round.half.second":         "下半月",
		"round.roundLabel":          "%d年%d月%s",
		"round.badKey":              "轮次编号“%s”无效，格式应为 2025-10-1",
		"round.badDate":             "日期“%s”无效，格式应为 2025-10-16",

		// notice.go
		"round.noticeKindLabel.reminder":   "工作提醒",
		"round.noticeKindLabel.supplement": "补充通知",
		"round.noticeKindLabel.letter":     "一封信",
		"round.bad_kind":                   "通知类型须为工作提醒、补充通知或一封信",
		"round.bad_title":                  "请填写标题（不超过 80 字）",
		"round.bad_body":                   "请填写正文（不超过 20000 字）",
		"round.bad_org":                    "发送范围不在您的管理范围内",
		"round.noun.notice":                "通知",

		// service.go
		"round.not_unit":          "只有活动单元（党小组或未分党小组的党支部）可以申请顺延",
		"round.bad_reason":        "请写明顺延原因（不超过 500 字）",
		"round.bad_date":          "顺延后的日期应晚于本轮开展时间窗口",
		"round.bad_date2":         "顺延不能超过本轮窗口结束后 30 天",
		"round.duplicate":         "本轮已申请过顺延",
		"round.noun.postponement": "顺延申请",
		"round.decided":           "该申请已处理",

		// status.go
		"round.statusLabels.statusOnTime":    "按时开展",
		"round.statusLabels.statusMadeUp":    "请假顺延（已补开）",
		"round.statusLabels.statusPostponed": "请假顺延",
		"round.statusLabels.statusLate":      "逾期开展",
		"round.statusLabels.statusPending":   "待开展",
		"round.statusLabels.statusNotHeld":   "未开展",
		"round.badStatus":                    "未知的开展状态“%s”",
	})
}
