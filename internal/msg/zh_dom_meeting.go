package msg

// Text of internal/meeting: the errors, field errors and labels the package
// builds itself. Wording is asserted by its tests.
func init() {
	register(map[string]string{
		// plan.go
		"meeting.noTime":              "请填写会议时间",
		"meeting.badPlace":            "请填写会议地点（不超过 100 字）",
		"meeting.topicTooLong":        "主题不超过 200 字",
		"meeting.role.host":           "主持人",
		"meeting.role.recorder":       "记录人",
		"meeting.role.lead":           "领学人",
		"meeting.choose":              "请选择%s",
		"meeting.mustBeMember":        "%s须为本单元党员",
		"meeting.noMaterials":         "请至少安排一份学习材料",
		"meeting.materialNoTitle":     "第 %d 份材料缺少标题（或超过 200 字）",
		"meeting.materialBadCategory": "第 %d 份材料：%s",
		"meeting.too_early":           "%s从 %s 开始，会议时间不能早于此日",
		"meeting.dayLayout":           "1月2日",
		"meeting.already_planned":     "%s已为%s安排了会议",
		"meeting.missing_categories":  "本轮通知要求的必学内容尚未安排：%s。请为其补充学习材料",

		// record.go
		"noun.meeting":           "会议",
		"meeting.finalized2":     "会议记录已定稿锁定；如需更正，请填写修改原因",
		"meeting.noun.material":  "学习材料",
		"meeting.leave_reason":   "请假须写明原因（不超过 200 字）",
		"meeting.not_member":     "该党员不属于本活动单元",
		"meeting.leave_too_late": "会议已开始，请向记录人说明请假情况",
		"meeting.finalized3":     "会议记录已定稿，签到已结束",
		"meeting.no_kind":        "请选择发言类型：讲认识理解、讲心得体会或讲工作经验",
		"meeting.no_content":     "请填写发言内容",
		"meeting.too_long":       "发言内容不超过 5000 字",
		"meeting.too_long2":      "问题困惑不超过 500 字",
		"meeting.no_comment":     "请填写评议意见（不超过 2000 字）",
		"meeting.not_member2":    "评议人和被评议人须为本活动单元党员",
		"meeting.self_peer":      "互评不能评议自己",
		"meeting.not_assigned":   "按本次互评轮换，您不评议该党员",
		"meeting.forbidden":      "总评由党组织书记或党小组长作出",
		"meeting.too_long3":      "总结不超过 5000 字",
		"meeting.finalized4":     "会议记录已定稿",
		"meeting.not_yet":        "会议尚未到计划时间，且无扫码签到记录，暂不能定稿；如会议已提前召开，请修改会议时间",

		// rules.go
		"meeting.finalize.noAttendance":           "还没有签到记录，不能定稿：请先完成签到",
		"meeting.finalize.noSpeech":               "还没有发言记录，不能定稿：至少需要一名党员的发言",
		"meeting.speechKinds.what":                "发言类型",
		"meeting.speechKinds.speechUnderstanding": "认识理解",
		"meeting.speechKinds.speechReflection":    "心得体会",
		"meeting.speechKinds.speechExperience":    "工作经验",
		"meeting.reviewKinds.what":                "评议类型",
		"meeting.reviewKinds.reviewSelf":          "自评",
		"meeting.reviewKinds.reviewPeer":          "互评",
		"meeting.reviewKinds.reviewOverall":       "总评",
		"meeting.reviewFocus.reviewSelf":          "思路见解",
		"meeting.reviewFocus.reviewPeer":          "方式方法",
		"meeting.reviewFocus.reviewOverall":       "目标方向",
		"meeting.ratings.what":                    "评议等次",
		"meeting.ratings.ratingExcellent":         "优秀",
		"meeting.ratings.ratingGood":              "良好",
		"meeting.ratings.ratingFair":              "一般",
		"meeting.ratings.ratingPoor":              "较差",
		"meeting.badEnum":                         "未知的%s“%s”，可选：%s",

		// service.go
		"meeting.not_unit": "只有活动单元（党小组或未分党小组的党支部）开展“学讲评”活动",

		// signincode.go
		"meeting.signIn.malformed": "这不是有效的签到码，请扫描屏幕上的二维码",
		"meeting.signIn.expired":   "签到码已过期，请扫描屏幕上最新的二维码",
	})
}
