package msg

// Organisation, members, accounts, audit and the page frame.
func init() {
	register(map[string]string{
		// orgs.html
		"org.summary":        "活动单元 %v 个 · 党员 %v 人",
		"org.oversizedCount": "%v 个活动单元超过 10 人",
		"org.people":         "%v 人",
		// org.html
		"org.ownLevelOnly": "只看本级",
		"org.unchanged":    "（不变）",
		// roles.html
		"roles.scopeNote": "角色作用于所选组织及其全部下级组织。按照等保“三员分立”，审计管理员只能查看审计日志，管理员不能修改审计日志。",
		// import.html
		"import.errorCount": "检查结果：%v 处错误",
		// feedback.html
		"feedback.suggestion": "建议",
		"feedback.complaint":  "投诉",
		"feedback.page":       "· 页面 %v",
		// audit.html
		"audit.ok":     "成功",
		"audit.failed": "失败",
		"audit.older":  "更早的记录 →",
		// error.html
		"error.row":  "第 %v 行",
		"error.code": "错误代码 %v",
		// layout.html
		"app.logo": "学",
		"nav.main": "主导航",
		// handler messages
		"org.created":         "已创建“%s”",
		"org.deleted":         "已删除“%s”",
		"org.splitDone":       "已拆分，新建 %d 个党小组。",
		"roles.granted":       "已授予角色。",
		"roles.revoked":       "已撤销角色。",
		"roles.unlocked":      "已解除锁定。",
		"feedback.replied":    "已答复。",
		"import.templateFile": "党员名册导入模板.xlsx",
	})
}
