package loadtest

import (
	"fmt"
	"io"
	"sort"
	"time"
)

// refusedTwice is the code a second answer to the same question gets.
const refusedTwice = "quiz_already_answered"

// QuizReport is what a quiz run measured.
type QuizReport struct {
	Members     int
	Contest     int64
	Questions   int
	Spread      time.Duration
	DoubleTap   float64
	ConnectTook time.Duration
	PlayTook    time.Duration

	Sent       int            // answer messages written (a double tap is two)
	DoubleTaps int            // phones that sent their answer twice
	Accepted   int            // answers the server took (reply ok)
	Refused    map[string]int // refusals by code
	NoReply    int            // answers without any reply in time
	Reply      Dist           // answer sent → reply or refusal
	Seen       Dist           // quiz_open sent → each phone saw the question open
	Missed     int            // phone × question: never saw it open
	Rounds     []ScreenRound

	Participants       int // in the final snapshot (-1: none arrived)
	Stored             int // rows of contest_quiz_answers afterwards
	Lost               int // accepted answers not in the database
	ResultPersons      int // the results page's person standings
	ResultBranches     int
	BranchParticipants int // participants summed over the branch standings
	ResultAnswers      int // answers counted in the results' questions

	ScreenWire int64 // WebSocket messages the big screen read
	Reconnects int
	Notes      map[string]int

	ServerCPU, ClientCPU                     time.Duration
	MemBefore, MemConnected, MemEnd, MemPeak Mem
	LoadAvg                                  string
}

// ScreenRound is one question: what the phones had accepted, what the
// server counted, and what the big screen got while it was open.
type ScreenRound struct {
	No            int
	Accepted      int
	Right         int
	ServerAnswers int // the host's snapshot as the question closed
	ServerRight   int
	Frames        int           // open snapshots the big screen got
	Peak          int           // most of them within one second
	Span          time.Duration // first to last of them
}

// Expected is how many answers the run should have had taken.
func (r QuizReport) Expected() int { return r.Members * r.Questions }

// Problems lists what did not come out as it must; empty means the run
// was clean.
func (r QuizReport) Problems() []string {
	var out []string
	if r.Accepted != r.Expected() {
		out = append(out, fmt.Sprintf("接受的答案 %d ≠ 人数×题数 %d", r.Accepted, r.Expected()))
	}
	if r.Refused[refusedTwice] != r.DoubleTaps {
		out = append(out, fmt.Sprintf("重复作答被拒 %d ≠ 双击 %d", r.Refused[refusedTwice], r.DoubleTaps))
	}
	if n := r.Sent - r.Accepted - r.Refused[refusedTwice]; n != 0 {
		out = append(out, fmt.Sprintf("%d 份答案既未被接受也不是重复作答", n))
	}
	if r.Participants != r.Members {
		out = append(out, fmt.Sprintf("最终画面的参赛人数 %d ≠ %d", r.Participants, r.Members))
	}
	if r.Lost != 0 || r.Stored != r.Accepted {
		out = append(out, fmt.Sprintf("数据库中有 %d 份答案，接受 %d 份，丢失 %d 份", r.Stored, r.Accepted, r.Lost))
	}
	if r.ResultPersons != r.Members || r.BranchParticipants != r.Members || r.ResultAnswers != r.Accepted {
		out = append(out, fmt.Sprintf("成绩页：个人 %d、支部合计 %d 人、答案 %d", r.ResultPersons, r.BranchParticipants, r.ResultAnswers))
	}
	if r.Missed != 0 {
		out = append(out, fmt.Sprintf("%d 人次没有看到开题", r.Missed))
	}
	for _, s := range r.Rounds {
		if s.ServerAnswers != s.Accepted || s.ServerRight != s.Right {
			out = append(out, fmt.Sprintf("第 %d 题：服务器计 %d 份（对 %d），手机被接受 %d 份（对 %d）", s.No, s.ServerAnswers, s.ServerRight, s.Accepted, s.Right))
		}
	}
	return out
}

// Write prints the report.
func (r QuizReport) Write(w io.Writer) {
	fmt.Fprintf(w, "线上竞答 %d：%d 部手机，%d 道题，作答分散在 %s 内，双击比例 %.0f%%；建立连接 %s，答题 %s\n",
		r.Contest, r.Members, r.Questions, r.Spread, r.DoubleTap*100, r.ConnectTook.Round(time.Millisecond), r.PlayTook.Round(time.Millisecond))
	fmt.Fprintf(w, "答案：发出 %d 条（其中 %d 人双击），被接受 %d（应为 %d×%d=%d），无回复 %d\n",
		r.Sent, r.DoubleTaps, r.Accepted, r.Members, r.Questions, r.Expected(), r.NoReply)
	codes := make([]string, 0, len(r.Refused))
	for k := range r.Refused {
		codes = append(codes, k)
	}
	sort.Strings(codes)
	for _, k := range codes {
		fmt.Fprintf(w, "  被拒绝 %-24s × %d\n", k, r.Refused[k])
	}
	fmt.Fprintf(w, "  重复作答被拒 %d，双击 %d：%s\n", r.Refused[refusedTwice], r.DoubleTaps, same(r.Refused[refusedTwice] == r.DoubleTaps))
	fmt.Fprintf(w, "作答→回复                         %s\n", r.Reply)
	fmt.Fprintf(w, "开题→每部手机看到题目             %s；未看到 %d 人次\n", r.Seen, r.Missed)
	fmt.Fprintf(w, "大屏（每题开放期间收到的计数画面，服务器每 0.5 秒最多推送一次）：共读到 %d 条消息\n", r.ScreenWire)
	for _, s := range r.Rounds {
		rate := 0.0
		if s.Span > 0 {
			rate = float64(s.Frames-1) / s.Span.Seconds()
		}
		fmt.Fprintf(w, "  第 %d 题：%d 帧，历时 %.1fs，平均 %.1f 帧/秒，任一秒最多 %d 帧；答案 %d 份（对 %d），服务器计 %d 份（对 %d）\n",
			s.No, s.Frames, s.Span.Seconds(), rate, s.Peak, s.Accepted, s.Right, s.ServerAnswers, s.ServerRight)
	}
	fmt.Fprintf(w, "结果：最终画面参赛 %d 人；数据库存有答案 %d 份，丢失 %d 份；成绩页个人 %d 人、%d 个支部（合计 %d 人）、各题答案 %d 份\n",
		r.Participants, r.Stored, r.Lost, r.ResultPersons, r.ResultBranches, r.BranchParticipants, r.ResultAnswers)
	fmt.Fprintf(w, "重连 %d 次\n", r.Reconnects)
	keys := make([]string, 0, len(r.Notes))
	for k := range r.Notes {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "  %s × %d\n", k, r.Notes[k])
	}
	if r.ServerCPU > 0 || r.ClientCPU > 0 {
		fmt.Fprintf(w, "答题期间 CPU：服务器 %.1fs，压测程序 %.1fs（答题共 %.1fs）\n", r.ServerCPU.Seconds(), r.ClientCPU.Seconds(), r.PlayTook.Seconds())
	}
	fmt.Fprintf(w, "服务器内存（%s）：连接前 %s，连接后 %s，结束 %s，峰值 %s\n", r.MemPeak.Source,
		mib(r.MemBefore.RSS), mib(r.MemConnected.RSS), mib(r.MemEnd.RSS), mib(max(r.MemPeak.RSS, r.MemPeak.HWM)))
	fmt.Fprintf(w, "负载（loadavg）：%s\n", r.LoadAvg)
	if p := r.Problems(); len(p) > 0 {
		fmt.Fprintln(w, "问题：")
		for _, s := range p {
			fmt.Fprintln(w, "  "+s)
		}
	} else {
		fmt.Fprintln(w, "检查：答案一个不少、重复作答全部被拒、参赛人数正确")
	}
}

func same(b bool) string {
	if b {
		return "一致"
	}
	return "不一致"
}
