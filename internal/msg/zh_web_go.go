package msg

// Text that the handlers in internal/web write themselves rather than
// through a template: notices after a form action, errors they raise,
// option labels, page titles and download file names.
func init() {
	register(map[string]string{
		// Requests, forms and sessions (route.go, middleware.go, render.go).
		"auth.loginRequired":      "请先登录",
		"auth.mustChangePassword": "首次登录请先修改初始密码",
		"request.crossOrigin":     "跨站请求已被拒绝",
		"request.internal":        "服务器内部错误",
		"health.dbDown":           "数据库不可用",
		"form.unreadable":         "表单无法读取",
		"form.contentUnreadable":  "表单内容无法读取",
		"form.badEncoding":        "提交的内容含有无效字符，请检查后重试",
		"form.notInteger":         "“%v”应为整数",
		"json.invalid":            "请求内容不是有效的 JSON：%v",
		"json.unknownField":       "包含未知字段 %v",
		"json.wrongType":          "字段类型不正确",
		"json.incomplete":         "内容为空或不完整",
		"json.malformed":          "格式错误",

		// Uploads.
		"upload.failed":        "上传失败：文件过大或格式不对",
		"upload.failed10MB":    "上传失败：文件过大（上限 10 MB）或格式不对",
		"upload.notMultipart":  "上传失败：请以表单文件（字段 file）方式上传",
		"upload.chooseXlsx":    "请选择要上传的 .xlsx 文件",
		"upload.chooseFile":    "请选择要上传的文件（文件不能为空）",
		"upload.readFailed":    "文件读取失败",
		"upload.readRetry":     "文件读取失败，请重试",
		"upload.attachTooBig":  "附件不能超过 10 MB",
		"upload.stagedCorrupt": "导入数据已损坏，请重新上传",

		// What was not found, for error.notFoundWhat.
		"noun.record":     "记录",
		"noun.contest":    "比赛",
		"noun.segment":    "环节",
		"noun.onlineQuiz": "线上竞答",
		"noun.round":      "轮次",
		"noun.member":     "党员",
		"noun.brief":      "简报",
		"noun.sitin":      "旁听记录",

		// Audit log filter.
		"audit.badFrom": "起始日期格式应为 2006-01-02",
		"audit.badTo":   "截止日期格式应为 2006-01-02",

		// Contest setup and play.
		"contest.createdSetup":    "比赛已创建，请设置参赛队、评委和题目",
		"contest.teamAdded":       "参赛队已添加",
		"contest.teamRemoved":     "参赛队已删除",
		"contest.codeChanged":     "参赛码已更换，旧码不能再加入",
		"contest.staffAdded":      "人员已添加",
		"contest.staffRemoved":    "人员已移除",
		"contest.badPoints":       "分值须为整数",
		"contest.segmentAdded":    "环节已添加",
		"contest.segmentRemoved":  "环节已删除",
		"contest.questionAdded":   "题目已添加",
		"contest.badImportRange":  "题号和数量须为整数",
		"contest.imported":        "已从应知应会题库导入题目",
		"contest.questionRemoved": "题目已删除",
		"contest.badSeconds":      "时间和分值须为整数",
		"contest.rulesSaved":      "规则已保存",
		"contest.notJudge":        "您不是本场比赛的评委",
		"contest.playMembersOnly": "线上竞答只对党员账号开放",
		"contest.badRole":         "角色无效",
		"contest.resultsFile":     "%v-结果.xlsx",
		"contest.busy":            "比赛暂时无法读取，请稍后再试",
		"contest.commandTooLong":  "指令过长",

		// Meetings, rectification, rounds.
		"meeting.badTime":     "会议时间格式不正确",
		"rect.evidenceTooBig": "佐证材料不能超过 5 MB",
		"rect.evidenceType":   "佐证材料只接受 PDF、Word（.docx）、PNG 或 JPEG 文件（按文件内容识别）",
		"round.badGrace":      "宽限天数应为整数",

		// Question bank, exams, practice.
		"bank.added":          "已添加题目（编号%v）。",
		"bank.templateFile":   "题库导入模板.xlsx",
		"bank.exportFile":     "题库.xlsx",
		"bank.tooManyOptions": "选项不能超过%v个",
		"bank.importErrors":   "共有 %v 处错误，整个文件未导入",
		"exam.badTime":        "考试时间格式不正确",
		"exam.scheduled":      "考试已安排。",
		"exam.notInScope":     "本场考试不在你所在组织的范围内",
		"exam.notStarted":     "你还没有开始本场考试",
		"exam.draftSaved":     "答案已暂存，请在截止时间前交卷。",
		"exam.handedIn":       "已交卷。",
		"exam.chooseScore":    "请选择评分",
		"exam.graded":         "已评分。",
		"practice.handedIn":   "已交卷，答案和解析见下方。",
		"practice.badTruth":   "判断题答案只能是“对”或“错”",

		// Study library.
		"library.scopeDistrict": "全区（所有党员可见）",
		"library.scopeUnit":     "%v（本单位业务政策，仅本单位可见）",
		"library.editTitle":     "修改学习资料",
		"library.published":     "学习资料已发布。可在下方上传附件。",
		"library.saved":         "学习资料已保存。",
		"library.marked":        "已记录：您已学习这份资料。",
		"library.unmarked":      "已撤销“已学习”标记。",
		"library.fileUploaded":  "附件已上传。",
		"library.fileDeleted":   "附件已删除。",

		// Supervision: bulletins, briefs, dashboard, similar speeches, sit-ins.
		"bulletin.drafted":       "已生成通报草稿，请审改后印发。",
		"bulletin.badItem":       "条目编号无效",
		"bulletin.published":     "通报已印发，被点名单位将在平台上确认反馈。",
		"bulletin.ackDone":       "已确认通报并反馈整改措施。",
		"brief.drafted":          "已生成简报草稿，请审改后印发。",
		"brief.pageTitle":        "%v 第 %v 期",
		"brief.issued":           "简报已印发。",
		"brief.docxFile":         "工作简报第%v期.docx",
		"dash.badOrg":            "组织编号应为正整数",
		"dash.exportFile":        "例会研判-%v-%v.xlsx",
		"dash.recounted":         "已重新统计 %v 个轮次。",
		"similar.thresholdSaved": "已保存相似度阈值。",
		"similar.badThreshold":   "相似度阈值应为 0.5 到 1 之间的小数",
		"sitin.noMeeting":        "请指定会议 meeting_id",
		"sitin.badMeeting":       "meeting 应为会议编号",
	})
}
