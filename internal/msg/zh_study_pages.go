package msg

// The library pages: the list, one material and the material form.
func init() {
	register(map[string]string{
		// library.html
		"library.searchExample": "如：党章、营商环境",
		"library.all":           "全部",
		"library.count":         "共 %v 份",
		"library.countAtLeast":  "共 %v+ 份",
		"library.page":          "第 %v/%v 页",
		"library.read":          "已学习",
		"library.prev":          "上一页",
		"library.next":          "下一页",
		// material.html
		"library.sourceIs":      "来源：%v",
		"library.wholeDistrict": "全区",
		"library.deleteFile":    "删除",
		"library.markedAt":      "%v 标记",
		"library.unmark":        "撤销标记",
		"library.readCount":     "已有 %v 名党员标记已学习",
		"library.uploadSubmit":  "上传附件",
		// material_form.html
		"library.fTitle":         "标题",
		"library.fSource":        "来源",
		"library.fSourceExample": "如：《人民日报》、区委办公室",
		"library.fPublishedOn":   "发布日期",
		"library.fCategory":      "必学类别",
		"library.fScope":         "发布范围",
		"library.fTags":          "标签（用逗号或空格分隔，最多 10 个）",
		"library.fBody":          "正文",
		"library.save":           "保存",
		"library.publish":        "发布",
	})
}
