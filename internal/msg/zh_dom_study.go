package msg

// Text of internal/study: the errors, field errors and labels the package
// builds itself. Wording is asserted by its tests.
func init() {
	register(map[string]string{
		// assigned.go
		"study.reasonMeeting": "本单元本轮会议学习材料",
		"study.reasonNotice":  "本轮通知要求学习",

		// attachments.go
		"study.bad_type":               "附件只接受 PDF、Word（.docx）文档和 PNG、JPEG、GIF、WebP 图片（按文件内容识别）",
		"study.size.bytes":             "%d 字节",
		"study.empty_file":             "请选择要上传的文件（文件不能为空）",
		"study.too_big":                "附件不能超过 10 MB",
		"study.type_mismatch":          "文件名“%s”与文件实际内容（%s）不符，请检查后重新上传",
		"study.type.pdf":               "PDF 文档",
		"study.type.docx":              "Word 文档",
		"study.type.image":             "%s 图片",
		"study.attachment.defaultName": "附件",
		"study.too_many_files":         "每份资料最多 20 个附件",
		"study.noun.attachment":        "附件",

		// category.go
		"study.categories.categorySpeeches":  "总书记近期重要讲话精神",
		"study.categories.categoryRules":     "党章党规详细解读",
		"study.categories.categoryDocuments": "省市区委文件和重要部署讲话",
		"study.categories.categoryPolicy":    "本单位本系统业务政策及指导性文件",
		"study.invalid_category":             "未知的必学类别“%s”，可选：%s",

		// material.go
		"study.material.badTitle":       "请填写标题（不超过 120 字）",
		"study.material.sourceTooLong":  "来源不超过 120 字",
		"study.material.badDate":        "发布日期格式应为 2006-01-02",
		"study.material.badBody":        "请填写正文（不超过 10 万字）",
		"study.material.unitPolicyOnly": "本单位发布的资料只能归入“本单位本系统业务政策及指导性文件”",
		"study.material.tagTooLong":     "每个标签不超过 20 字",
		"study.material.tooManyTags":    "标签不超过 10 个",

		// service.go
		"study.bad_org":             "所选单位不在您的管理范围内",
		"study.invalid_material":    "本单位发布的资料只能归入“本单位本系统业务政策及指导性文件”",
		"study.material.bodyLength": "（%d 字）",
		"study.noun.material":       "学习资料",
		"study.not_member":          "只有党员本人可以标记“我已学习”",
	})
}
