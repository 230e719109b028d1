package quiz

import (
	"slices"
	"strings"
)

// MustKnowSet is the name of the must-know set.
const MustKnowSet = "应知应会30问"

// MustKnowQuestion is a question of the must-know set with the exact words
// of the seed text (the district newspaper page) that prove its answer. The
// quotes live here, in the binary, so the demo needs no file at run time;
// the test checks each one against the seed.
type MustKnowQuestion struct {
	Question
	SeedQuote string
}

// MustKnow returns the 30 questions, freshly allocated (callers may modify
// them). IDs are 0: the store assigns them.
func MustKnow() []MustKnowQuestion {
	out := make([]MustKnowQuestion, len(mustKnow))
	for i, m := range mustKnow {
		m.Options = slices.Clone(m.Options)
		m.Tags = slices.Clone(m.Tags)
		m.Answer.Letters = slices.Clone(m.Answer.Letters)
		m.Answer.Blanks = cloneBlanks(m.Answer.Blanks)
		out[i] = m
	}
	return out
}

func cloneBlanks(b [][]string) [][]string {
	if b == nil {
		return nil
	}
	out := make([][]string, len(b))
	for i, accepted := range b {
		out[i] = slices.Clone(accepted)
	}
	return out
}

// Constructors keep the table below readable. The explanation is the quote.
func mk(t Type, diff int, stem, quote string, tags []string) MustKnowQuestion {
	return MustKnowQuestion{
		Question: Question{Type: t, Stem: stem, Explanation: "原文：" + quote,
			Tags: append(slices.Clone(tags), MustKnowSet), Difficulty: diff},
		SeedQuote: quote,
	}
}

func choice(t Type, diff int, stem string, options []string, letters, quote string, tags ...string) MustKnowQuestion {
	m := mk(t, diff, stem, quote, tags)
	m.Options = options
	m.Answer.Letters = strings.Split(letters, "")
	return m
}

func single(diff int, stem string, options []string, letter, quote string, tags ...string) MustKnowQuestion {
	return choice(Single, diff, stem, options, letter, quote, tags...)
}

func multiple(diff int, stem string, options []string, letters, quote string, tags ...string) MustKnowQuestion {
	return choice(Multiple, diff, stem, options, letters, quote, tags...)
}

func judge(diff int, stem string, truth bool, quote string, tags ...string) MustKnowQuestion {
	m := mk(TrueFalse, diff, stem, quote, tags)
	m.Answer.Truth = truth
	return m
}

func fill(diff int, stem string, blanks [][]string, quote string, tags ...string) MustKnowQuestion {
	m := mk(Blank, diff, stem, quote, tags)
	m.Answer.Blanks = blanks
	return m
}

// Tags of the set.
const (
	tagBasics    = "基本要求"
	tagStudy     = "学"
	tagSpeak     = "讲"
	tagReview    = "评"
	tagMechanism = "推进机制"
	tagTheme     = "主题目标"
	tagContest   = "知识竞赛"
	tagOutdoor   = "户外拓展"
)

var mustKnow = []MustKnowQuestion{
	single(1, "“学讲评”活动每月开展几次，在哪些日子前后？",
		[]string{"每月1次，在15日前后", "每月16日和30日前后开展2次", "每月10日和20日前后开展2次", "每周1次，在周五前后"},
		"B", "每月16日和30日前后开展2次", tagBasics),
	single(1, "每个活动单元的党员人数一般不超过多少人？",
		[]string{"5人", "8人", "10人", "15人"},
		"C", "党员人数一般不超过10人", tagBasics),
	single(1, "“学讲评”活动以什么为单位开展？",
		[]string{"党委或党组", "党支部或党小组", "科室或处室", "全体机关干部"},
		"B", "规定活动以党支部或党小组为单位", tagBasics),
	multiple(1, "“学讲评”中的“三学”是指哪些？",
		[]string{"学党章党规", "学系列讲话", "学政策业务", "学历史文化"},
		"ABC", "学党章党规、学系列讲话、学政策业务", tagStudy),
	fill(2, "“三讲”是指：讲认识理解、讲____、讲工作经验。",
		[][]string{{"心得体会", "讲心得体会"}},
		"讲认识理解、讲心得体会、讲工作经验", tagSpeak),
	multiple(2, "名词解释中的“三评”是指哪些？",
		[]string{"评思路见解", "评方式方法", "评问题不足", "评工作业绩"},
		"ABC", "评思路见解、评方式方法、评问题不足", tagReview),
	multiple(2, "在“评”的环节，每名党员采取哪些评的方式？",
		[]string{"自评思路见解", "互评方式方法", "总评目标方向", "他评工作态度"},
		"ABC", "每名党员自评思路见解、互评方式方法、总评目标方向", tagReview),
	fill(2, "突出“学”的牵引，以“学新、____、学准”为基本要求。",
		[][]string{{"学专"}},
		"以“学新、学专、学准”为基本要求", tagStudy),
	single(1, "“学”采取什么方式？",
		[]string{"会前完整自学、会上重点领学", "会上集中通读原文", "会后自行补学", "线上打卡计时学习"},
		"A", "采取“会前完整自学、会上重点领学”方式", tagStudy),
	multiple(2, "“四个必学”包括哪些？",
		[]string{"总书记近期重要讲话精神", "党章党规详细解读", "省市区委文件和重要部署讲话", "本单位本系统业务政策及指导性文件", "网络热点评论文章"},
		"ABCD", "即总书记近期重要讲话精神必学、党章党规详细解读必学、省市区委文件和重要部署讲话必学、本单位本系统业务政策及指导性文件必学", tagStudy),
	judge(1, "突出“学”的牵引，坚持“党建+业务”原则。",
		true, "坚持“党建+业务”原则", tagStudy),
	multiple(2, "活动推进中建立健全的五大工作推进机制是哪些？",
		[]string{"专班推进", "例会研判", "常态观摩", "旁听列席", "督导通报", "考勤打卡"},
		"ABCDE", "专班推进、例会研判、常态观摩、旁听列席、督导通报等五大工作推进机制", tagMechanism),
	fill(2, "“学讲评”活动工作专班坚持“日碰头、____、月观摩”工作制度。",
		[][]string{{"周例会"}},
		"坚持“日碰头、周例会、月观摩”工作制度", tagMechanism),
	single(2, "区委组织部推进“学讲评”聚焦的主题是什么？",
		[]string{"提升能力、锻造作风、实干立身、争先出彩", "强化学习、提高素质、服务群众、促进发展", "学习理论、联系实际、推动工作、争创一流", "转变作风、提高效能、优化服务、争先创优"},
		"A", "聚焦“提升能力、锻造作风、实干立身、争先出彩”主题", tagTheme),
	single(2, "《关于在全区机关党组织中开展“学讲评”活动的实施意见》划定了几个方面的内容？",
		[]string{"3个", "4个", "5个", "6个"},
		"B", "划定指导思想、主要目标、工作任务和有关要求4个方面内容", tagBasics),
	multiple(3, "《实施意见》划定的内容包括哪些方面？",
		[]string{"指导思想", "主要目标", "工作任务", "有关要求", "考核奖惩"},
		"ABCD", "划定指导思想、主要目标、工作任务和有关要求4个方面内容", tagBasics),
	multiple(2, "“评”本着哪些原则？",
		[]string{"实事求是", "客观公正", "借鉴提升", "一团和气"},
		"ABC", "本着“实事求是、客观公正、借鉴提升”原则", tagReview),
	fill(3, "各单位党组织坚持“学与干”____、“查与改”____、“建与治”____。",
		[][]string{{"并重"}, {"贯通"}, {"结合"}},
		"坚持“学与干”并重、“查与改”贯通、“建与治”结合", tagBasics),
	judge(2, "各单位党组织坚持以党建“第一要务”引领和保障发展“第一责任”。",
		false, "坚持以党建“第一责任”引领和保障发展“第一要务”", tagTheme),
	single(2, "区纪委监委知识竞赛的预赛阶段经过了多少次角逐？",
		[]string{"6次", "10次", "12次", "15次"},
		"C", "经过12次激烈的角逐", tagContest),
	single(2, "区纪委监委知识竞答总决赛现场有几个党支部代表队？",
		[]string{"3个", "6个", "10个", "12个"},
		"B", "现场6个党支部代表队全神贯注抢答", tagContest),
	multiple(2, "知识竞赛决赛设置了哪些环节？",
		[]string{"必答题", "抢答题", "风险题", "附加题"},
		"ABC", "决赛设置必答题、抢答题、风险题3个环节", tagContest),
	fill(1, "知识竞赛决赛每题仅设____秒答题时间。",
		[][]string{{"3", "三"}},
		"每题仅设3秒答题时间", tagContest),
	multiple(2, "樱桃沟管委会户外拓展活动包括哪些项目？",
		[]string{"投手榴弹", "智连棋局", "旱地冰壶", "合力建塔", "卡丁车", "拔河比赛"},
		"ABCDE", "分为“投手榴弹”“智连棋局”“旱地冰壶”“合力建塔”“卡丁车”等5个项目", tagOutdoor),
	judge(2, "在“学讲评”工作体系中，分管领导亲自抓，单位党组织书记专责抓。",
		false, "单位党组织书记亲自抓、分管领导专责抓、工作专班具体抓、全区上下合力抓", tagMechanism),
	single(1, "区委组织部选调哪些人员成立“学讲评”活动工作专班？",
		[]string{"优秀组工干部和党务干部", "退休老干部", "社会志愿者", "新入职公务员"},
		"A", "选调优秀组工干部和党务干部", tagMechanism),
	single(2, "“讲”重点围绕哪一段时间以来工作上的问题困惑、困难挑战？",
		[]string{"近一周来", "近半月来", "近三个月来", "近一年来"},
		"B", "重点围绕近半月来工作上的问题困惑、困难挑战等", tagSpeak),
	judge(1, "结合每轮活动中发现的问题，区委组织部及时印发“补充通知”或“每轮活动工作提醒”。",
		true, "及时印发“补充通知”或“每轮活动工作提醒”", tagBasics),
	single(1, "二七区在全区各机关党组织中开展“学讲评”活动始于什么时候？",
		[]string{"去年7月份", "去年10月份", "今年1月份", "今年3月份"},
		"B", "自去年10月份以来", tagBasics),
	judge(1, "开展“学讲评”活动，是为了破解机关党建“灯下黑”问题，促进党建与业务的深度融合。",
		true, "破解机关党建“灯下黑”问题,促进党建与业务的深度融合", tagTheme),
}
