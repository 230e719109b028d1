package contest

// Error is a refusal. Code is stable (for programs and tests); Message is
// Chinese and safe to show to the person who sent the command.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// messages holds the Chinese text for every refusal code, in one place so the
// wording stays consistent across screens.
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
}

// Message returns the Chinese message for a code (also used for foul codes
// carried in events), or the code itself if unknown.
func Message(code string) string {
	if m, ok := messages[code]; ok {
		return m
	}
	return code
}

func refuse(code string) *Error { return &Error{Code: code, Message: Message(code)} }
