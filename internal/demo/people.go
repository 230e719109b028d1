package demo

import (
	"fmt"
	"time"
)

// Dates are plain calendar dates; UTC keeps AddDate free of DST surprises.
const dateLayout = "2006-01-02"

var (
	// refDate is the day the demo data is "as of": no one joins after it.
	refDate = time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	// fullMemberCutoff: a full member (not 预备党员) has served the one-year
	// probation, so joined at least a year before refDate.
	fullMemberCutoff = time.Date(2025, 9, 30, 0, 0, 0, 0, time.UTC)
	// probationFrom..probationTo is when the current 预备党员 were admitted.
	probationFrom = time.Date(2025, 10, 15, 0, 0, 0, 0, time.UTC)
	probationTo   = time.Date(2026, 9, 20, 0, 0, 0, 0, time.UTC)
)

// Age bounds in 2026 (2026 minus the birth year): new civil servants are
// rarely younger than 24, and 60 is the retirement age.
const (
	minAge = 24
	maxAge = 59
)

type weighted struct {
	s string
	w int
}

// surnames with rough weights (per ten thousand people), leaning towards
// Henan, where 王 李 张 刘 are even commoner than nationally and 郭 马 孙
// rank higher.
var surnames = []weighted{
	{"王", 780}, {"李", 740}, {"张", 720}, {"刘", 560}, {"陈", 380}, {"杨", 330},
	{"赵", 260}, {"郭", 180}, {"孙", 170}, {"黄", 150}, {"周", 150}, {"吴", 140},
	{"马", 140}, {"徐", 120}, {"朱", 110}, {"胡", 110}, {"高", 120}, {"何", 80},
	{"林", 60}, {"罗", 70}, {"梁", 80}, {"宋", 90}, {"郑", 90}, {"谢", 60},
	{"韩", 80}, {"唐", 50}, {"冯", 80}, {"于", 70}, {"董", 70}, {"萧", 15},
	{"肖", 50}, {"程", 70}, {"曹", 70}, {"袁", 50}, {"邓", 50}, {"许", 60},
	{"傅", 25}, {"沈", 30}, {"曾", 25}, {"彭", 40}, {"吕", 50}, {"苏", 40},
	{"卢", 40}, {"蒋", 30}, {"蔡", 40}, {"贾", 50}, {"丁", 40}, {"魏", 50},
	{"薛", 30}, {"叶", 30}, {"阎", 20}, {"闫", 40}, {"余", 30}, {"潘", 30},
	{"杜", 40}, {"戴", 20}, {"夏", 30}, {"钟", 20}, {"汪", 20}, {"田", 50},
	{"任", 40}, {"姜", 30}, {"范", 40}, {"方", 30}, {"石", 40}, {"姚", 30},
	{"谭", 15}, {"廖", 10}, {"邹", 15}, {"熊", 15}, {"金", 20}, {"陆", 15},
	{"郝", 40}, {"孔", 25}, {"白", 35}, {"崔", 40}, {"康", 25}, {"毛", 20},
	{"邱", 15}, {"秦", 30}, {"江", 15}, {"史", 30}, {"顾", 10}, {"侯", 30},
	{"邵", 20}, {"孟", 35}, {"龙", 10}, {"万", 15}, {"段", 25}, {"雷", 20},
	{"钱", 15}, {"汤", 15}, {"尹", 20}, {"常", 35}, {"武", 35}, {"乔", 25},
	{"贺", 20}, {"龚", 10}, {"文", 15}, {"牛", 30}, {"申", 20}, {"司", 15},
}

var surnameTotal = func() int {
	t := 0
	for _, s := range surnames {
		t += s.w
	}
	return t
}()

// Given names are built from a first and a second character. The pools
// differ by gender, and older members get the characters of their era
// (建国, 红梅) rather than those of the 1990s (浩然, 欣怡).
var (
	maleFirst       = []rune("志建国俊文晓海永振子浩宇家明嘉立庆卫新东伟")
	maleFirstOld    = []rune("建国卫红志永振庆保海学德长")
	maleSecond      = []rune("伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宁浩凯健俊帆旭宇晨龙林洋峰亮东博成兵锋阳毅彬然轩昊哲楠")
	maleSecondOld   = []rune("军伟强华平明刚民国胜林东峰斌生庆忠勇杰")
	femaleFirst     = []rune("晓思雨佳欣子梦文雅婉诗静嘉若一亚丽美秀")
	femaleFirstOld  = []rune("红丽秀晓玉桂春海淑素爱彩")
	femaleSecond    = []rune("芳娜敏静丽艳娟霞燕玲婷雪琳颖慧莉倩洁丹萍蕾璐怡欣瑶悦佳晶楠蓉薇梅琪媛妍露茜涵")
	femaleSecondOld = []rune("红梅英华玲芳霞萍燕丽娟琴兰云凤敏")
)

// oldStyleShare is the chance, in percent, that someone born in a given
// year carries an old-style name: most before 1978, some until the mid-1980s.
func oldStyleShare(birthYear int) int {
	switch {
	case birthYear < 1978:
		return 85
	case birthYear < 1986:
		return 35
	}
	return 0
}

func pickRune(r *rng, pool []rune) rune { return pool[r.IntN(len(pool))] }

func genName(r *rng, female bool, birthYear int) string {
	n := r.IntN(surnameTotal)
	surname := surnames[len(surnames)-1].s
	for _, s := range surnames {
		if n < s.w {
			surname = s.s
			break
		}
		n -= s.w
	}
	first, second := maleFirst, maleSecond
	if female {
		first, second = femaleFirst, femaleSecond
	}
	if r.IntN(100) < oldStyleShare(birthYear) {
		first, second = maleFirstOld, maleSecondOld
		if female {
			first, second = femaleFirstOld, femaleSecondOld
		}
	}
	sur := []rune(surname)[0]
	for {
		b := pickRune(r, second)
		// About a quarter of people have a one-character given name.
		if r.IntN(4) == 0 {
			if b != sur {
				return surname + string(b)
			}
			continue
		}
		a := pickRune(r, first)
		if a != b && a != sur && b != sur {
			return surname + string(a) + string(b)
		}
	}
}

// genBirth returns a birth date with an age in 2026 between minAge and
// maxAge. Half the draws are uniform and half triangular, so the middle
// years (around 40) are a little more common, as in most agencies.
func genBirth(r *rng) time.Time {
	span := maxAge - minAge + 1
	age := minAge + r.IntN(span)
	if r.IntN(2) == 0 {
		age = minAge + (r.IntN(span/2+1) + r.IntN(span-span/2))
	}
	year := 2026 - age
	start := time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
	days := int(start.AddDate(1, 0, 0).Sub(start).Hours() / 24)
	return start.AddDate(0, 0, r.IntN(days))
}

// genJoined returns the date someone born on birth joined the party. Most
// join at university or in their first working years, some later; 预备党员
// joined within the last year.
func genJoined(r *rng, birth time.Time, probationary bool) time.Time {
	if probationary {
		return randDate(r, probationFrom, probationTo)
	}
	earliest := birth.AddDate(18, 0, 0)
	var years int
	switch n := r.IntN(100); {
	case n < 45:
		years = 4 // 18–21, at university
	case n < 80:
		years = 10
	default:
		years = 20
	}
	j := randDate(r, earliest, earliest.AddDate(years, 0, 0))
	if j.After(fullMemberCutoff) {
		j = randDate(r, earliest, fullMemberCutoff)
	}
	return j
}

// randDate is uniform over the days from a to b inclusive (a when b < a).
func randDate(r *rng, a, b time.Time) time.Time {
	days := int(b.Sub(a).Hours() / 24)
	if days <= 0 {
		return a
	}
	return a.AddDate(0, 0, r.IntN(days+1))
}

// phonePrefixes are real mainland mobile prefixes (China Mobile, Unicom,
// Telecom) starting 13/15/17/18/19, so import validation accepts them.
var phonePrefixes = []string{
	"130", "131", "132", "133", "134", "135", "136", "137", "138", "139",
	"150", "151", "152", "153", "155", "156", "157", "158", "159",
	"173", "175", "176", "177", "178",
	"180", "181", "182", "183", "184", "185", "186", "187", "188", "189",
	"191", "193", "195", "198", "199",
}

// genPhone draws phone numbers until one is not in used, and records it.
func genPhone(r *rng, used map[string]bool) string {
	for {
		p := phonePrefixes[r.IntN(len(phonePrefixes))] + fmt.Sprintf("%08d", r.IntN(100_000_000))
		if !used[p] {
			used[p] = true
			return p
		}
	}
}

// ladder is the job titles of one kind of unit by seniority. secretary
// holds the titles a branch secretary typically has.
type ladder struct {
	junior, middle, senior, secretary []string
}

var ladders = map[jobKind]ladder{
	// Repeated titles are deliberate: they are the weights. Rank titles
	// (主任科员) are common, leadership posts (科长, 室主任) scarce.
	jobAdmin: {
		junior:    []string{"一级科员", "一级科员", "科员", "二级科员"},
		middle:    []string{"一级科员", "四级主任科员", "四级主任科员", "三级主任科员", "副科长"},
		senior:    []string{"科长", "三级主任科员", "二级主任科员", "二级主任科员", "一级主任科员"},
		secretary: []string{"科长", "办公室主任", "二级主任科员", "一级主任科员"},
	},
	jobDiscipline: {
		junior:    []string{"一级科员", "一级科员", "科员", "二级科员"},
		middle:    []string{"一级科员", "四级主任科员", "四级主任科员", "三级主任科员", "三级主任科员", "审查调查室副主任"},
		senior:    []string{"三级主任科员", "二级主任科员", "二级主任科员", "一级主任科员", "纪检监察室主任", "审查调查室主任"},
		secretary: []string{"纪检监察室主任", "审查调查室主任", "案件审理室主任", "二级主任科员"},
	},
	jobProcurator: {
		junior:    []string{"书记员", "检察官助理", "检察官助理"},
		middle:    []string{"检察官助理", "四级检察官", "三级检察官"},
		senior:    []string{"二级检察官", "一级检察官", "三级检察官", "检察部副主任"},
		secretary: []string{"检察部主任", "一级检察官"},
	},
	jobInstitution: {
		junior:    []string{"办事员", "科员", "科员", "助理会计师"},
		middle:    []string{"科员", "副股长", "经济师", "会计师"},
		senior:    []string{"股长", "股长", "高级经济师", "高级会计师"},
		secretary: []string{"副主任", "股长", "办公室主任"},
	},
	jobTechnical: {
		junior:    []string{"技术员", "助理工程师", "助理工程师", "科员"},
		middle:    []string{"工程师", "工程师", "副股长"},
		senior:    []string{"高级工程师", "高级工程师", "股长"},
		secretary: []string{"副主任", "股长", "高级工程师"},
	},
	jobEnforcement: {
		junior:    []string{"执法队员", "执法队员", "一级科员"},
		middle:    []string{"执法队员", "执法队员", "副中队长", "四级主任科员"},
		senior:    []string{"中队长", "三级主任科员", "二级主任科员"},
		secretary: []string{"副大队长", "中队长"},
	},
	jobMedical: {
		junior:    []string{"医师", "公共卫生医师", "检验师", "卫生监督员"},
		middle:    []string{"主管医师", "主管检验师", "卫生监督员", "主管护师"},
		senior:    []string{"副主任医师", "副主任医师", "主任医师", "科长", "副主任技师"},
		secretary: []string{"副主任医师", "科长", "办公室主任"},
	},
	jobTeaching: {
		junior:    []string{"二级教师", "教研员"},
		middle:    []string{"一级教师", "教研员"},
		senior:    []string{"高级教师", "高级教师", "教研员"},
		secretary: []string{"教研室副主任", "高级教师"},
	},
	jobStation: {
		junior:    []string{"一级科员", "科员", "二级科员"},
		middle:    []string{"一级科员", "四级主任科员", "三级主任科员", "副所长"},
		senior:    []string{"所长", "三级主任科员", "二级主任科员"},
		secretary: []string{"所长", "副所长"},
	},
}

// secretaryTitles overrides the ladder for branches whose secretary's post
// follows from the branch itself.
var secretaryTitles = map[string]string{
	"派驻第一纪检监察组支部": "派驻纪检监察组组长",
	"派驻第二纪检监察组支部": "派驻纪检监察组组长",
}

func pick(r *rng, xs []string) string { return xs[r.IntN(len(xs))] }

// genPosition gives a title by age: young staff are junior, and senior
// posts are scarce even among the older members.
func genPosition(r *rng, k jobKind, age int) string {
	l := ladders[k]
	n := r.IntN(100)
	switch {
	case age < 28:
		return pick(r, l.junior)
	case age < 34:
		if n < 40 {
			return pick(r, l.junior)
		}
		return pick(r, l.middle)
	case age < 45:
		if n < 75 {
			return pick(r, l.middle)
		}
		return pick(r, l.senior)
	default:
		if n < 45 {
			return pick(r, l.middle)
		}
		return pick(r, l.senior)
	}
}
