package msg

func init() {
	register(map[string]string{
		"library.title":        "学习资料",
		"library.intro":        "学新 · 学专 · 学准：按“四个必学”分类的学习资料。标记“已学习”由本人自主确认，平台不统计学习时长。",
		"library.unread":       "本轮待学",
		"library.unreadNone":   "本轮布置的学习资料都已学习，或暂未布置。",
		"library.search":       "搜索标题和正文",
		"library.category":     "必学类别",
		"library.tag":          "标签",
		"library.find":         "查找",
		"library.new":          "新增资料",
		"library.edit":         "修改资料",
		"library.noMatch":      "没有找到包含该关键词的资料，请换个词试试。",
		"library.empty":        "暂无学习资料。",
		"library.files":        "附件",
		"library.markRead":     "我已学习",
		"library.selfDeclared": "“已学习”由本人确认；平台不记录、不考核阅读时长。",
		"library.manage":       "资料管理",
		"library.upload":       "上传附件",
		"library.uploadHint":   "支持 PDF、Word（.docx）和 PNG、JPEG、GIF、WebP 图片，单个 10 MB 以内；按文件内容识别类型，文件名与内容不符的将被拒绝。",
		"library.markdownHint": "正文支持简单格式：# 标题、- 列表、1. 编号、> 引文、**加粗**、[链接](https://…)。HTML 代码会原样显示，不会执行。",
	})
}
