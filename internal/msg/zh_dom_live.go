package msg

// Text of internal/live: the errors and field errors its setup store, hubs
// and WebSocket transport build, the stage label and the results workbook.
// Codes stay in the Go code; wording is asserted by its tests.
func init() {
	register(map[string]string{
		// What was not found (error.notFoundWhat), and an unknown account.
		"live.noSuchUser":     "没有这个账号",
		"live.noun.contest":   "比赛",
		"live.noun.project":   "项目",
		"live.noun.question":  "题目",
		"live.noun.referee":   "裁判",
		"live.noun.segment":   "环节",
		"live.noun.staff":     "人员",
		"live.noun.team":      "参赛队",
		"live.noun.teamEvent": "团体项目",

		// hub.go
		"live.contest_busy":   "服务器繁忙，请稍后再按",
		"live.contest_closed": "比赛连接已关闭，请刷新",
		"live.contest_log":    "记录比赛事件失败，请重试",

		// broker_cluster.go
		"live.contest_moving": "比赛正在切换服务器，请稍后重试",
		"live.bad_command":    "指令格式有误",

		// broker_nats.go: a format for fmt.Errorf, which wraps the cause (%w).
		"live.nats.connect": "连接 NATS 失败（%s）: %w",

		// ws.go
		"live.message_too_large": "消息过长，已忽略",
		"live.bad_message":       "消息格式有误，已忽略",
		"live.bad_message.type":  "未知消息类型，已忽略",
		"live.not_allowed":       "您在本场比赛中无权执行此操作",
		"live.internal":          "系统内部错误",

		// store.go
		"live.stage.final":       "决赛",
		"live.new.title":         "请填写1至100字的名称",
		"live.new.kind":          "类型无效",
		"live.new.stage":         "赛段无效",
		"live.new.round":         "预赛场次须为1至99",
		"live.new.series":        "系列名称过长",
		"live.contest_invalid":   "比赛信息有误",
		"live.join_code":         "参赛码无效，请向主持人核对",
		"live.stage.preliminary": "预赛第%d场",

		// setup.go
		"live.contest_frozen":          "比赛已开始，不能再修改设置",
		"live.team.tooLong":            "单位或队员名单过长",
		"live.staff.badRole":           "角色无效",
		"live.staff.unitTooLong":       "单位过长",
		"live.staff.listed":            "该账号已在名单中",
		"live.segment.badKind":         "环节类型无效",
		"live.segment.badPoints":       "分值须在0至1000之间",
		"live.segment.badRisk":         "风险分值须为逗号分隔的正整数，如 10,20,30",
		"live.segment.titleTooLong":    "标题过长",
		"live.question.tooLong":        "答案或选项过长",
		"live.question.tooManyOptions": "选项不能超过26个",
		"live.question.fewOptions":     "线上竞答的题目须有至少2个选项（每行一个）",
		"live.question.answerLetters":  "答案须为选项字母，如 B 或 AC",
		"live.question.noAnswer":       "请填写答案",
		"live.mustknow.noChoice":       "所选范围内没有单选、多选或判断题，线上竞答无法使用",
		"live.quiz.badAnswerTime":      "每题作答时间须在5至600秒之间",
		"live.quiz.badPoints":          "分值须为1至%v之间的整数",
		"live.quiz.onlyQuiz":           "只有线上竞答可以这样设置",
		"live.rules.badAnswerTime":     "答题时间须在1至600秒之间",
		"live.rules.badJudge":          "评判规则无效",
		"live.rules.badTie":            "同时抢答规则无效",
		"live.rules.badTieWindow":      "并列窗口须在1至1000毫秒之间",
		"live.text.length":             "请填写1至%d字",
		"live.mustknow.range":          "题号超出范围（共%d题）",

		// quiz_bank.go
		"live.draw.badType":    "题型无效",
		"live.draw.noSegment":  "请先选择环节",
		"live.draw.noSet":      "题集不存在",
		"live.draw.badCount":   "抽题数量须在1至%d之间",
		"live.draw.short":      "符合条件的题目只有%d道（已排除本场已有的题目），不够抽取%d道",
		"live.draw.short.quiz": "；线上竞答只能使用单选、多选和判断题",

		// teamevent.go
		"live.te.unitTooLong":       "单位名称过长",
		"live.te.teamExists":        "已有同名参赛队",
		"live.te.tooManyTeams":      "参赛队不能超过100支",
		"live.te.teamHasResults":    "该队已有成绩，不能删除",
		"live.te.badScoring":        "计分方式无效",
		"live.te.projectExists":     "已有同名项目",
		"live.te.tooManyProjects":   "项目不能超过30个",
		"live.te.projectHasResults": "该项目已有成绩，不能删除",
		"live.te.refereeListed":     "该账号已是裁判",
		"live.te.noProject":         "请选择项目",
		"live.te.noTeam":            "请选择参赛队",
		"live.te.resultRace":        "另一位裁判刚录入了该队成绩，请刷新后核对",
		"live.te.dnf":               "未完成",

		// results.go
		"live.export.yes":               "是",
		"live.export.sheet.branches":    "支部成绩",
		"live.export.sheet.buzzes":      "抢答记录",
		"live.export.sheet.events":      "事件日志",
		"live.export.sheet.persons":     "个人成绩",
		"live.export.sheet.questions":   "题目",
		"live.export.sheet.standings":   "成绩",
		"live.export.col.adjustedMS":    "校正后(毫秒)",
		"live.export.col.afterMS":       "开放后(毫秒)",
		"live.export.col.answer":        "答案",
		"live.export.col.answered":      "作答",
		"live.export.col.answeredCount": "作答人数",
		"live.export.col.average":       "人均分",
		"live.export.col.base":          "答对得分",
		"live.export.col.branch":        "支部",
		"live.export.col.buzzer":        "抢答",
		"live.export.col.compulsory":    "必答",
		"live.export.col.content":       "内容",
		"live.export.col.correct":       "答对",
		"live.export.col.correctCount":  "答对题数",
		"live.export.col.correctPeople": "答对人数",
		"live.export.col.event":         "事件",
		"live.export.col.foul":          "犯规",
		"live.export.col.foulPoints":    "犯规扣分",
		"live.export.col.fouls":         "犯规次数",
		"live.export.col.late":          "迟按",
		"live.export.col.name":          "姓名",
		"live.export.col.no":            "序号",
		"live.export.col.outcome":       "结果",
		"live.export.col.participants":  "参与人数",
		"live.export.col.question":      "题目",
		"live.export.col.rank":          "名次",
		"live.export.col.risk":          "风险",
		"live.export.col.segment":       "环节",
		"live.export.col.serverMS":      "服务器时间(毫秒)",
		"live.export.col.speed":         "速度分",
		"live.export.col.team":          "参赛队",
		"live.export.col.time":          "答对用时(秒)",
		"live.export.col.total":         "总分",
		"live.export.col.unit":          "单位",
		"live.export.col.won":           "抢到",
		"live.export.col.wrong":         "答错",
	})
}
