package msg

// Text of internal/feedback: the errors, field errors and labels the package
// builds itself. Wording is asserted by its tests.
func init() {
	register(map[string]string{
		// feedback.go
		"feedback.kind.complaint":  "投诉",
		"feedback.kind.suggestion": "建议",
		"feedback.bad_kind":        "请选择“投诉”或“建议”",
		"feedback.bad_subject":     "请填写标题（不超过 60 个字）",
		"feedback.bad_body":        "请填写内容（不超过 2000 个字）",
		"feedback.bad_answer":      "请填写答复（不超过 2000 个字）",
		"feedback.noun.feedback":   "投诉建议",
	})
}
