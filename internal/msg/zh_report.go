package msg

func init() {
	register(map[string]string{
		"report.dashboard": "例会研判",
		"report.bulletins": "督导通报",
		"report.bulletin":  "督导通报",
		"report.briefs":    "工作简报",
		"report.brief":     "工作简报",
		"report.similar":   "疑似雷同发言",
	})
}
