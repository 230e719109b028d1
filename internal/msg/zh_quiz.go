package msg

func init() {
	register(map[string]string{
		"quiz.practice":   "练习考试",
		"quiz.session":    "练习",
		"quiz.wrongbook":  "错题本",
		"quiz.questions":  "题库管理",
		"quiz.exams":      "岗位练兵考试",
		"quiz.exam":       "考试",
		"quiz.grading":    "简答题阅卷",
		"quiz.submit":     "交卷",
		"quiz.save":       "暂存答案",
		"quiz.right":      "回答正确",
		"quiz.wrong":      "回答错误",
		"quiz.noQuota":    "练习不设每日任务，也不统计在线或学习时长；记录只有你本人能看到。",
		"quiz.importDone": "已导入 %d 道题目。",
		"quiz.importBad":  "共有 %d 处错误，整个文件未导入，请修改后重新上传。",
	})
}
