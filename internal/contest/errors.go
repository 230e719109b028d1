package contest

import (
	"fmt"
	"maps"
	"strings"
)

// Error is a refusal. Code is stable (for programs and tests); Message is
// Chinese and safe to show to the person who sent the command. Key names
// Message's entry in messages and Args are what it was formatted with, so
// the platform can show the same refusal from its own message catalog.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Key     string `json:"-"`
	Args    []any  `json:"-"`
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// messages holds the Chinese text of every refusal, in one place so the
// wording stays consistent across screens. A key is a code, or a code, a dot
// and the particular problem when one code covers several (config_invalid).
// This table is the only Chinese the package's errors may use.
var messages = map[string]string{
	"clock_backwards":       "服务器时间倒退，指令被拒绝",
	"unknown_command":       "未知指令",
	"bad_command":           "指令格式有误",
	"command_too_large":     "指令过长",
	"internal":              "系统内部错误",
	"not_setup":             "比赛已开始，不能执行此操作",
	"not_running":           "比赛未在进行中",
	"finished":              "比赛已结束",
	"device_check_required": "开赛前须完成设备检测",
	"device_missing":        "有参赛队的抢答器尚未测得延迟，不能开赛",
	"device_spread":         "各抢答器延迟相差过大，不能开赛",
	"device_team_mismatch":  "该设备已登记在其他参赛队名下",
	"delay_invalid":         "测得的延迟无效",
	"question_in_progress":  "当前题目尚未计分，不能进入下一题",
	"no_more_questions":     "已没有更多题目",
	"no_question":           "当前没有题目",
	"out_of_order":          "当前阶段不能执行此操作",
	"unknown_team":          "参赛队不存在",
	"unknown_judge":         "评委不存在",
	"not_your_question":     "这道题不属于本队",
	"stake_invalid":         "所选分值不在可选范围内",
	"token_mismatch":        "按键不属于当前题目，已丢弃",
	"buzz_not_allowed":      "本环节不设抢答",
	"buzz_not_open":         "当前不能抢答",
	"buzz_too_early":        "主持人尚未开放抢答，本次按键记为犯规",
	"already_buzzed":        "本队已经按过抢答键",
	"already_fouled":        "本队本题已犯规",
	"team_locked_out":       "本队本题已被取消抢答资格",
	"not_judging":           "当前不在评判阶段",
	"already_decided":       "本题已有评判结果，不能再投票",
	"judge_excluded":        "评委与答题队同属一个单位，本题回避",
	"already_voted":         "您已对本题投过票",
	"verdict_invalid":       "评判结果只能是正确或错误",
	"not_chief":             "只有主评委可以改判",
	"reason_required":       "改判须填写理由",
	"verdict_unchanged":     "改判结果与原结果相同",
	"already_appealed":      "本队对本题已申诉过",
	"quiz_unknown_member":   "您不在本次竞答名单中",
	"quiz_not_open":         "当前题目未开放作答",
	"quiz_time_up":          "作答时间已到",
	"quiz_already_answered": "本题您已作答，不能重复提交",
	"quiz_choice_invalid":   "所选选项无效",
	"quiz_open":             "当前题目仍在作答中",
	"event_invalid":         "事件记录无效，无法重放",
	"advance_tie":           "晋级名额出现无法分出先后的并列，请配置抽签",
	"team_event_invalid":    "团体项目成绩无效",

	// Replaying a stored log: the event that does not fit, by its number and type.
	"event_invalid.seq":                   "事件记录无效，无法重放（第%d条 %s）：序号应为%d",
	"event_invalid.time_backwards":        "事件记录无效，无法重放（第%d条 %s）：时间倒退",
	"event_invalid.no_question":           "事件记录无效，无法重放（第%d条 %s）：没有进行中的题目",
	"event_invalid.delay":                 "事件记录无效，无法重放（第%d条 %s）：设备延迟无效",
	"event_invalid.device_team":           "事件记录无效，无法重放（第%d条 %s）：设备所属参赛队不符",
	"event_invalid.started":               "事件记录无效，无法重放（第%d条 %s）：比赛已开始",
	"event_invalid.unscored":              "事件记录无效，无法重放（第%d条 %s）：上一题尚未计分",
	"event_invalid.question_order":        "事件记录无效，无法重放（第%d条 %s）：题目顺序不符",
	"event_invalid.question_id":           "事件记录无效，无法重放（第%d条 %s）：题目编号不符",
	"event_invalid.answering_team":        "事件记录无效，无法重放（第%d条 %s）：答题队无效",
	"event_invalid.stake":                 "事件记录无效，无法重放（第%d条 %s）：选分无效",
	"event_invalid.buzz_open":             "事件记录无效，无法重放（第%d条 %s）：不能开放抢答",
	"event_invalid.answer_start":          "事件记录无效，无法重放（第%d条 %s）：不能开始作答",
	"event_invalid.foul":                  "事件记录无效，无法重放（第%d条 %s）：犯规记录无效",
	"event_invalid.buzz":                  "事件记录无效，无法重放（第%d条 %s）：按键记录无效",
	"event_invalid.buzz_time":             "事件记录无效，无法重放（第%d条 %s）：按键校正时间无效",
	"event_invalid.buzz_not_open":         "事件记录无效，无法重放（第%d条 %s）：抢答尚未开放",
	"event_invalid.late_flag":             "事件记录无效，无法重放（第%d条 %s）：迟到标记不符",
	"event_invalid.buzz_result":           "事件记录无效，无法重放（第%d条 %s）：抢答裁定无效",
	"event_invalid.buzz_result_unpressed": "事件记录无效，无法重放（第%d条 %s）：抢答裁定含未按键的队",
	"event_invalid.winner_unpressed":      "事件记录无效，无法重放（第%d条 %s）：抢到的队未按键",
	"event_invalid.rebuzz_token":          "事件记录无效，无法重放（第%d条 %s）：重新抢答须换新令牌",
	"event_invalid.not_answering":         "事件记录无效，无法重放（第%d条 %s）：不在作答阶段",
	"event_invalid.vote":                  "事件记录无效，无法重放（第%d条 %s）：投票无效",
	"event_invalid.verdict":               "事件记录无效，无法重放（第%d条 %s）：评判结果无效",
	"event_invalid.override":              "事件记录无效，无法重放（第%d条 %s）：改判无效",
	"event_invalid.score":                 "事件记录无效，无法重放（第%d条 %s）：计分无效",
	"event_invalid.unscore":               "事件记录无效，无法重放（第%d条 %s）：撤销计分无效",
	"event_invalid.appeal":                "事件记录无效，无法重放（第%d条 %s）：申诉无效",
	"event_invalid.reopen":                "事件记录无效，无法重放（第%d条 %s）：重新开放无效",
	"event_invalid.end_question":          "事件记录无效，无法重放（第%d条 %s）：不能结束本题",
	"event_invalid.end_match":             "事件记录无效，无法重放（第%d条 %s）：不能结束比赛",
	"event_invalid.unknown_type":          "事件记录无效，无法重放（第%d条 %s）：未知事件类型",
	"event_invalid.judge_order":           "事件记录无效，无法重放（第%d条 %s）：评委名单无效",
	"event_invalid.quiz_seq":              "事件记录无效，无法重放（第%d条 %s）：序号或时间不连续",
	"event_invalid.quiz_open":             "事件记录无效，无法重放（第%d条 %s）：开题无效",
	"event_invalid.quiz_answer":           "事件记录无效，无法重放（第%d条 %s）：作答记录无效",
	"event_invalid.quiz_not_open":         "事件记录无效，无法重放（第%d条 %s）：题目未开放",

	// A config the engine cannot run.
	"config_invalid.no_teams":         "比赛配置有误：至少需要一支参赛队",
	"config_invalid.team_id":          "比赛配置有误：参赛队编号为空或重复（%q）",
	"config_invalid.judge_id":         "比赛配置有误：评委编号为空或重复（%q）",
	"config_invalid.chiefs":           "比赛配置有误：主评委只能有一位",
	"config_invalid.no_segments":      "比赛配置有误：至少需要一个环节",
	"config_invalid.segment_kind":     "比赛配置有误：第%d个环节类型无效（%q）",
	"config_invalid.segment_empty":    "比赛配置有误：第%d个环节没有题目",
	"config_invalid.segment_negative": "比赛配置有误：第%d个环节分值或时间为负",
	"config_invalid.segment_penalty":  "比赛配置有误：第%d个环节犯规扣分为负",
	"config_invalid.risk_values":      "比赛配置有误：风险题环节需要可选分值",
	"config_invalid.risk_value":       "比赛配置有误：风险题分值必须为正",
	"config_invalid.question_id":      "比赛配置有误：题目编号为空或重复（%q）",
	"config_invalid.question_team":    "比赛配置有误：题目%q指定的参赛队不存在",
	"config_invalid.times":            "比赛配置有误：时间参数不能为负",
	"config_invalid.judge_rule":       "比赛配置有误：评判规则无效（%q）",
	"config_invalid.tie_rule":         "比赛配置有误：同时抢答规则无效（%q）",
	"config_invalid.timeout":          "比赛配置有误：超时规则无效（%q）",
	"config_invalid.quiz_negative":    "竞答配置有误：分值和时间不能为负",
	"config_invalid.quiz_empty":       "竞答配置有误：需要参赛人员和题目",
	"config_invalid.quiz_member_id":   "竞答配置有误：人员编号为空",
	"config_invalid.quiz_member_dup":  "竞答配置有误：人员编号重复：%s",
	"config_invalid.quiz_question":    "竞答配置有误：题目编号为空或重复，或选项数不在2到26之间",
	"config_invalid.quiz_answer":      "竞答配置有误：题目%s的答案须为按字母顺序排列的选项字母",
	"config_invalid.results":          "预赛成绩有误：场次编号为空、重复或轮次超出范围",
	"config_invalid.team_event":       "团体项目配置有误：参赛队或项目编号为空、重复，或计分方式无效",

	// What a referee typed for a team-event result.
	"team_event_invalid.points":         "成绩须为0至1000000的整数",
	"team_event_invalid.rank":           "名次须为1至999的整数",
	"team_event_invalid.time_precision": "用时格式有误，如 83.4 或 1:23.4（最多精确到毫秒）",
	"team_event_invalid.time_format":    "用时格式有误，如 83.4 或 1:23.4",
	"team_event_invalid.time_range":     "用时须大于0且不超过24小时",
	"team_event_invalid.scoring":        "计分方式无效",
	"team_event_invalid.placement":      "名次分值须为逗号分隔、由高到低的整数，如 10,8,6,5,4,3,2,1",
}

// Message returns the Chinese message for a code (also used for foul codes
// carried in events), or the code itself if unknown.
func Message(code string) string {
	if m, ok := messages[code]; ok {
		return m
	}
	return code
}

// Messages returns a copy of every refusal's key and its Chinese text, so
// the platform can check its catalog says the same.
func Messages() map[string]string { return maps.Clone(messages) }

func refuse(code string) *Error { return fail(code) }

// fail builds the refusal for key: the code is key up to its first dot, the
// message key's text formatted with args.
func fail(key string, args ...any) *Error {
	code, _, _ := strings.Cut(key, ".")
	m := Message(key)
	if len(args) > 0 {
		m = fmt.Sprintf(m, args...)
	}
	return &Error{Code: code, Message: m, Key: key, Args: args}
}
