package msg

// Text of internal/points: the errors, field errors and labels the package
// builds itself. Wording is asserted by its tests.
func init() {
	register(map[string]string{
		// points.go
		"points.line.speech":    "在会上发言",
		"points.line.case":      "以案例说法",
		"points.line.review":    "撰写自评、互评",
		"points.line.rectified": "本人整改通过验收",
		"points.line.practice":  "练习答对（每轮至多计 %d 题）",
	})
}
