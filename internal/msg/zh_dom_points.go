package msg

// Text of internal/points: the errors, field errors and labels the package
// builds itself. Wording is asserted by its tests.
func init() {
	register(map[string]string{
		// points.go
		"points.for":  "在会上发言",
		"points.for2": "以案例说法",
		"points.for3": "撰写自评、互评",
		"points.for4": "本人整改通过验收",
		"points.for5": "练习答对（每轮至多计 %d 题）",
	})
}
