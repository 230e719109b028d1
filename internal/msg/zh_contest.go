package msg

func init() {
	register(map[string]string{
		"contest.list":      "知识竞赛",
		"contest.setup":     "比赛设置",
		"contest.host":      "主持人控制台",
		"contest.judge":     "评委评判",
		"contest.buzzer":    "抢答器",
		"contest.screen":    "大屏",
		"contest.audience":  "观众席",
		"contest.results":   "比赛结果",
		"contest.play":      "线上竞答",
		"contest.teamevent": "户外拓展",
		"contest.noscript":  "此页面为实时画面，需要启用 JavaScript。",
	})
}
