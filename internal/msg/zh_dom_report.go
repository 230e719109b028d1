package msg

// Text of internal/report: the errors, field errors and labels the package
// builds itself. Wording is asserted by its tests.
func init() {
	register(map[string]string{
		// brief.go
		"report.numerals":            "零一二三四五六七八九十", // chineseNum(n) is the n-th rune
		"report.brief.defaultIssuer": "区委组织部“学讲评”工作专班",
		"report.bad_issuer":          "编发单位不超过 60 字",
		"report.brief.defaultTitle":  "“学讲评”活动工作简报",
		"report.issue_taken":         "期号已被占用，请重试",
		"report.bad_period":          "结束轮次不能早于开始轮次",
		"report.brief.h1":            "一、总体情况\n",
		"report.brief.overall":       "%s，%s应开展活动的单元 %d 个，按时开展 %d 个，请假顺延后补开 %d 个，逾期开展 %d 个，未开展 %d 个，待开展 %d 个；参加党员 %d 人次，出勤率 %.0f%%，会前自学完成率 %.0f%%，发言 %d 人次（其中案例说法 %d 个），点评 %d 条；查摆问题 %d 个，已整改 %d 个。\n",
		"report.brief.h2":            "二、案例说法\n",
		"report.brief.noCases":       "本期暂无案例说法。",
		"report.brief.h3":            "三、旁听列席\n",
		"report.brief.sitin":         "%s旁听%s：%s",
		"report.brief.noSitins":      "本期暂无旁听列席记录。",
		"report.brief.h4":            "四、选树典型\n",
		"report.brief.noExemplars":   "本期暂无选树典型。",
		"report.noun.brief":          "简报",
		"report.field.title":         "请填写标题（不超过 100 字）",
		"report.field.issuer":        "请填写编发单位（不超过 60 字）",
		"report.field.body":          "请填写正文（不超过 20000 字）",
		"report.bad_brief":           "简报内容有误",
		"report.published":           "简报已印发，不能再修改",

		// bulletin.go
		"report.bulletin.defaultTitle": "关于%s“学讲评”活动开展情况的通报",
		"report.bulletin.defaultIntro": "为推动“学讲评”活动走深走实，工作专班对%s各活动单元开展情况进行了研判，现将有关情况通报如下。被点名的单位请于 5 个工作日内在平台上确认并反馈整改情况。",
		"report.bulletin.praiseFull":   "按时开展，全员参加",
		"report.bulletin.praiseScore":  "按时开展，旁听列席评分 %.0f 分",
		"report.bulletin.scoreSuffix":  "，旁听列席评分 %.0f 分",
		"report.bulletin.similar":      "%s%s（%s）与%s%s（%s）的发言内容高度相似（相似度 %s，%s），请所在单位核实是否存在照搬照抄。",
		"report.bulletin.notHeld":      "本轮未开展活动",
		"report.bulletin.late":         "本轮逾期开展",
		"report.bulletin.attendance":   "出勤率 %.0f%%（%d/%d）",
		"report.bulletin.unread":       "%d 条工作通知未阅",
		"report.bulletin.overdue":      "%d 项整改逾期未完成",
		"report.figureLine":            "党员 %d 人，实到 %d 人，请假 %d 人；发言 %d 人次，点评 %d 条；查摆问题 %d 个，已整改 %d 个",
		"report.noun.bulletin":         "通报",
		"report.bad_title":             "请填写标题（不超过 100 字）",
		"report.bad_intro":             "导语不超过 2000 字",
		"report.bad_item":              "每条内容不能为空且不超过 1000 字；不需要的条目请勾选“删除”",
		"report.published2":            "通报已印发，不能再修改",
		"report.bulletin.namedUnit":    "通报中的点名单位",
		"report.bad_answer":            "请填写整改措施和完成时限（不超过 2000 字）",
		"report.acked":                 "本单位已确认过该通报",

		// dashboard.go
		"report.too_deep": "该组织层级过深，暂不支持统计",

		// docx.go
		"report.docx.masthead":   "工作简报",
		"report.docx.issueNo":    "第 %d 期",
		"report.docx.dateLayout": "2006年1月2日",

		// export.go
		"report.figure.units":             "单元数",
		"report.figure.onTime":            "按时开展",
		"report.figure.madeUp":            "顺延补开",
		"report.figure.late":              "逾期开展",
		"report.figure.postponed":         "请假顺延",
		"report.figure.pending":           "待开展",
		"report.figure.notHeld":           "未开展",
		"report.figure.onTimeRate":        "按时开展率",
		"report.figure.members":           "党员",
		"report.figure.present":           "实到",
		"report.figure.leave":             "请假",
		"report.figure.attendance":        "出勤率",
		"report.figure.selfStudy":         "自学完成率",
		"report.figure.speeches":          "发言",
		"report.figure.speechesPerMember": "人均发言",
		"report.figure.cases":             "案例说法",
		"report.figure.reviews":           "点评",
		"report.figure.problems":          "查摆问题",
		"report.figure.rectified":         "已整改",
		"report.figure.overdue":           "逾期整改",
		"report.figure.unread":            "通知未读",
		"report.figure.sitIns":            "旁听列席次数",
		"report.figure.sitInAvg":          "旁听平均分",
		"report.figure.examTaken":         "参加测试人数",
		"report.sheet.children":           "下级汇总",
		"report.sheet.ranking":            "比学赶帮超",
		"report.sheet.trend":              "各轮趋势",
		"report.col.round":                "轮次",
		"report.col.rank":                 "名次",
		"report.col.score":                "综合得分",

		// report.go
		"report.kindLabel.district":  "区级",
		"report.kindLabel.committee": "党委（党组）",
		"report.kindLabel.branch":    "党支部",
		"report.kindLabel.group":     "党小组",

		// similar.go
		"report.bad_threshold":   "相似度阈值应为 0.5 到 1 之间的小数，如 0.7",
		"report.kind.sameMember": "本人跨轮次重复",
		"report.kind.crossRound": "不同党员、不同轮次",
		"report.kind.sameRound":  "不同党员、同一轮次",

		// svg.go
		"report.chart.onTimeTitle":     "%s 按时开展率（含经批准顺延补开）",
		"report.chart.attendanceTitle": "%s 出勤率",
		"report.chart.onTime":          "按时开展率",
		"report.chart.attendance":      "出勤率",
		"report.chart.selfStudy":       "会前自学完成率",
		"report.chart.trendTitle":      "%s 各轮趋势",
	})
}
