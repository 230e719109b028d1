package study

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// The benchmark library is generated from a vocabulary shaped like Party
// study material: sentences are recombined from openers, verbs, objects
// and closings, with agencies, places, dates and numbers, so that common
// words (党章, 学习, 纪律) occur in many materials, subject phrases (营商
// 环境, 乡村振兴) in some, and generated place and project names in a few.

var (
	genOpeners = []string{
		"各级党组织要", "全体党员要", "我们必须", "要结合本单位实际", "在新的历史起点上", "新时代新征程上", "党员领导干部要",
		"广大党员干部要", "各支部要", "区委要求", "会议强调", "会议指出", "文件明确", "通知要求", "实践证明", "习近平总书记指出",
		"我们要始终", "当前和今后一个时期", "面对新形势新任务", "今年以来", "下一步", "总的看", "要坚持问题导向", "要以钉钉子精神",
	}
	genVerbs = []string{
		"深入学习", "认真贯彻", "全面落实", "扎实推进", "持续深化", "切实加强", "不断完善", "坚决维护", "积极推动", "严格执行",
		"大力弘扬", "着力提升", "统筹推进", "系统谋划", "抓紧抓实", "坚定不移推进", "深刻领会", "准确把握", "自觉践行", "有效防范",
		"加快构建", "巩固拓展", "全面加强", "稳步推进", "持续优化", "牢牢把握", "认真学习", "严守", "带头遵守", "落细落实",
	}
	// genCore are the objects of every kind of material.
	genCore = []string{
		"党的二十大精神", "党章党规", "新时代中国特色社会主义思想", "意识形态工作责任制", "基层党组织建设", "乡村振兴战略",
		"营商环境", "中央八项规定精神", "民主集中制", "干部队伍建设", "党风廉政建设", "政治纪律和政治规矩", "组织纪律",
		"廉洁纪律", "群众纪律", "工作纪律", "生活纪律", "全面从严治党",
	}
	// genTopics are what one material is about: each has one or two.
	genTopics = []string{
		"党内政治生活", "批评和自我批评", "三会一课制度", "主题党日活动", "党史学习教育", "理想信念教育", "社会主义核心价值观", "高质量发展", "新发展理念", "共同富裕", "生态文明建设",
		"数字政府建设", "网格化社会治理", "安全生产责任", "防范化解重大风险", "就业优先政策", "社会保障体系", "人才强区战略",
		"科技创新", "文化自信", "民生实事", "法治政府建设", "作风建设", "基层减负", "信访工作条例", "统战工作", "国家安全观",
		"党员发展工作", "党费收缴使用管理", "党务公开", "谈心谈话制度", "民主评议党员", "组织生活会",
		"“四个意识”", "“四个自信”", "“两个维护”", "“两个确立”", "政治能力", "调查研究", "首问负责制", "一次性告知制度",
		"营商环境优化", "城市更新", "老旧小区改造", "河湖长制", "垃圾分类", "养老服务体系", "托育服务", "义务教育优质均衡",
		"医保基金监管", "根治欠薪", "职业技能培训", "创业担保贷款", "稳岗返还政策", "公共法律服务", "矛盾纠纷排查化解",
	}
	genClosings = []string{
		"，确保取得实效", "，推动工作落地见效", "，不断开创新局面", "，切实把学习成果转化为工作成效", "，以实际行动践行初心使命",
		"，做到学思用贯通、知信行统一", "，为全区发展提供坚强保证", "", "", "", "",
	}
	genAgencies = []string{
		"区委组织部", "区委宣传部", "区纪委监委", "区人社局", "区财政局", "区发改委", "区教育局", "区卫健委", "区民政局",
		"区住建局", "区生态环境分局", "区应急管理局", "区市场监管局", "区司法局", "区信访局", "区委党校", "区机关工委",
		"区退役军人事务局", "区医保局", "区农业农村局",
	}
	genDocKinds = []string{"通知", "实施方案", "工作要点", "讲话提纲", "学习材料", "解读", "意见", "办法", "报告", "规定"}
	// genChars build the long tail of names: place, community and project
	// names occur in only a few materials each.
	genChars  = []rune("安宁和平兴隆东西南北新华光明幸福长春青松白云金山银河翠竹红旗振华永丰桥头河畔柳林梅园桃源杏花槐荫枫叶柏树竹园松涛清泉碧水")
	genSuffix = []string{"社区", "街道", "村", "小区", "工业园", "路", "中学", "幼儿园", "医院", "项目"}
)

// genObject draws an object: half the time a core one, else mostly one of
// the material's topics, now and then any topic.
func genObject(r *rand.Rand, topics []string) string {
	switch u := r.IntN(100); {
	case u < 50:
		return genCore[r.IntN(len(genCore))]
	case u < 95:
		return topics[r.IntN(len(topics))]
	default:
		return genTopics[r.IntN(len(genTopics))]
	}
}

// genName makes a place or project name, e.g. 柳林梅园社区.
func genName(r *rand.Rand) string {
	var b strings.Builder
	for range 2 + r.IntN(3) {
		b.WriteRune(genChars[r.IntN(len(genChars))])
	}
	b.WriteString(genSuffix[r.IntN(len(genSuffix))])
	return b.String()
}

// genSentence writes one sentence of a body.
func genSentence(r *rand.Rand, b *strings.Builder, topics []string) {
	switch r.IntN(10) {
	case 0:
		fmt.Fprintf(b, "%d年%d月%d日，%s召开会议，研究部署%s工作。", 2019+r.IntN(8), 1+r.IntN(12), 1+r.IntN(28), genAgencies[r.IntN(len(genAgencies))], genObject(r, topics))
	case 1:
		fmt.Fprintf(b, "%s共有党员%d名，开展%s%d次，覆盖率达%d%%。", genName(r), 10+r.IntN(300), genObject(r, topics), 1+r.IntN(20), 60+r.IntN(41))
	default:
		if r.IntN(2) == 0 {
			b.WriteString(genOpeners[r.IntN(len(genOpeners))])
		}
		for n := 1 + r.IntN(3); n > 0; n-- {
			b.WriteString(genVerbs[r.IntN(len(genVerbs))])
			b.WriteString(genObject(r, topics))
			if n > 1 {
				b.WriteString("，")
			}
		}
		b.WriteString(genClosings[r.IntN(len(genClosings))])
		b.WriteString("。")
	}
}

// genMaterial returns a title and a body of about n characters.
func genMaterial(r *rand.Rand, n int) (string, string) {
	topics := []string{genTopics[r.IntN(len(genTopics))]}
	if r.IntN(2) == 0 {
		topics = append(topics, genTopics[r.IntN(len(genTopics))])
	}
	var title string
	switch r.IntN(3) {
	case 0:
		title = fmt.Sprintf("%s关于%s%s的%s", genAgencies[r.IntN(len(genAgencies))], genVerbs[r.IntN(len(genVerbs))], topics[0], genDocKinds[r.IntN(len(genDocKinds))])
	case 1:
		title = fmt.Sprintf("%s%s%s", genName(r), topics[0], genDocKinds[r.IntN(len(genDocKinds))])
	default:
		title = fmt.Sprintf("%d年%s%s", 2019+r.IntN(8), topics[0], genDocKinds[r.IntN(len(genDocKinds))])
	}
	var b strings.Builder
	for b.Len() < n*3 { // UTF-8 Chinese: three bytes a character
		genSentence(r, &b, topics)
		if r.IntN(6) == 0 {
			b.WriteString("\n\n")
		}
	}
	return title, b.String()
}
