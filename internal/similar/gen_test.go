package similar

import (
	"math/rand/v2"
	"strings"
	"unicode/utf8"
)

// The synthetic corpus for benchmarks: speeches of 150–400 characters drawn
// from stock phrases of party-work speeches and from common characters, so
// unrelated speeches share some shingles ("全心全意为人民服务") as real ones
// do. Every text is a pure function of its number, so a benchmark can
// generate a million in chunks and regenerate any of them later.

var genPhrases = strings.Fields(`
学习 领会 贯彻 落实 党章党规 系列讲话 政策业务 总书记 重要讲话精神 新时代
中国特色社会主义 以人民为中心 全心全意为人民服务 不忘初心 牢记使命 担当作为
政务服务 一网通办 最多跑一次 信访工作 矛盾纠纷 化解 基层治理 网格化 便民利民
群众满意度 办事效率 营商环境 窗口单位 首问负责 限时办结 容缺受理 帮办代办
调查研究 深入基层 走访群众 倾听呼声 解决问题 急难愁盼 整改落实 查摆问题
学讲评 心得体会 工作经验 认识理解 党支部 党小组 党员干部 先锋模范 示范带头
组织生活 三会一课 主题党日 理论武装 思想建设 作风建设 廉洁自律 纪律规矩
形式主义 官僚主义 为基层减负 真抓实干 久久为功 守正创新 攻坚克难 履职尽责
业务能力 服务意识 责任意识 规范化 标准化 信息化 数字化 优化流程 压缩时限
接诉即办 未诉先办 源头治理 法治思维 依法依规 换位思考 将心比心 耐心细致
村社区 乡镇街道 区委 区政府 职能部门 专项行动 年度目标 考核评价 群众路线
`)

const genChars = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"

var genRunes = []rune(genChars)

// genText returns speech number i of the corpus seeded by seed.
func genText(seed, i uint64) string {
	rng := rand.New(rand.NewPCG(seed, i))
	target := 150 + rng.IntN(251)
	var b strings.Builder
	b.Grow(target*3 + 64)
	chars, clause := 0, 0
	for chars < target {
		chars += genWord(&b, rng)
		if clause++; clause >= 3+rng.IntN(5) {
			b.WriteString([]string{"，", "，", "。", "；"}[rng.IntN(4)])
			clause = 0
		}
	}
	b.WriteString("。")
	return b.String()
}

// genWord writes a stock phrase or a word of one or two common characters
// and returns its length in characters.
func genWord(b *strings.Builder, rng *rand.Rand) int {
	if rng.IntN(3) == 0 {
		p := genPhrases[rng.IntN(len(genPhrases))]
		b.WriteString(p)
		return utf8.RuneCountInString(p)
	}
	n := 1 + rng.IntN(2)
	for range n {
		b.WriteRune(genRunes[rng.IntN(len(genRunes))])
	}
	return n
}

// mutate replaces each character of text with probability rate by a random
// common character: the "copied and lightly edited" speech.
func mutate(text string, rate float64, rng *rand.Rand) string {
	rs := []rune(text)
	for i := range rs {
		if rng.Float64() < rate {
			rs[i] = genRunes[rng.IntN(len(genRunes))]
		}
	}
	return string(rs)
}

// The corpus layout: speech i is in round i%rounds and given by member
// i/rounds, so every member speaks once a round; units have eight members.
const genRounds = 24

func genRoundKey(i int) string { return roundKeys[i%genRounds] }

var roundKeys = func() []string {
	keys := make([]string, genRounds)
	for r := range keys {
		keys[r] = "2024-" + string(rune('A'+r))
	}
	return keys
}()

// plant decides whether speech j of n is a planted copy, and of which
// speech and at what edit rate. About one speech in 256 is planted, split
// between a member's own earlier speech, another member's speech in the same
// round and another member's speech in another round.
func plant(j, n int) (src int, rate float64, ok bool) {
	h := mix64(uint64(j) ^ 0x9a1d)
	if h%256 != 0 {
		return 0, 0, false
	}
	rate = []float64{0.005, 0.02, 0.04, 0.06, 0.12}[(h>>8)%5]
	off := int(h>>16) % 5000
	switch kind := (h >> 40) % 3; {
	case kind == 0 && j%genRounds > 0: // own speech, earlier round
		src = j - 1 - off%(j%genRounds)
	case kind <= 1: // another member, same round
		d := genRounds * (1 + off)
		if src = j - d; src < 0 {
			src = j + d
		}
	default: // another member, another round
		d := 25 + off
		if d%genRounds == 0 {
			d++
		}
		src = (j + d) % n
	}
	if src >= n || src == j {
		return 0, 0, false
	}
	if _, _, planted := plant1(src); planted {
		return 0, 0, false // keep ground truth simple: no copies of copies
	}
	return src, rate, true
}

// plant1 is the "is it planted at all" test, without recursion.
func plant1(j int) (int, float64, bool) {
	return 0, 0, mix64(uint64(j)^0x9a1d)%256 == 0
}

// genDoc returns speech i of a corpus of n speeches.
func genDoc(seed uint64, i, n int) Doc {
	text := genText(seed, uint64(i))
	if src, rate, ok := plant(i, n); ok {
		text = mutate(genText(seed, uint64(src)), rate, rand.New(rand.NewPCG(seed^1, uint64(i))))
	}
	m := int64(i / genRounds)
	return Doc{ID: int64(i) + 1, MemberID: m + 1, UnitID: m/8 + 1, RoundKey: genRoundKey(i), Text: text}
}
