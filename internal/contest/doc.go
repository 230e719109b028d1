// Package contest is the pure engine behind the live knowledge contests
// (知识竞赛), the mass online quiz (线上竞答) and the outdoor team events
// (户外拓展).
//
// # Model
//
// A match is a log of events. Its State is nothing but the fold of that log:
// Replay(cfg, events) and a live Engine that produced the same events hold
// deeply equal states. The package does no I/O, starts no goroutines and never
// reads the wall clock: every command arrives with the server's monotonic time
// (a time.Duration since an arbitrary origin chosen by the caller), and every
// event carries that time. Client clocks and client-reported reaction times are
// never trusted; only server arrival times and server-measured device delays
// enter the log.
//
// Engine.Handle(cmd, now) validates a command against the current state. It
// either refuses it with an *Error (a stable Code and a Chinese Message safe to
// show) and leaves the state exactly as it was, or it returns the events it
// produced, already folded into the state. The caller persists those events in
// order, then broadcasts. On restart Replay rebuilds the state from the log.
//
// Restore(cfg, seed, log) gives back a working Engine after a restart: the
// question, the buzz winner and the deadline are all part of the state.
//
// Anything random (a draw between tied buzzes) is computed once, from the seed
// given to New, and the outcome is written into an event; Apply only reads the
// outcome, so replay never needs the seed and never draws again.
//
// # Timers
//
// Deadlines live in the state as server times (QuestionState.Deadline), so
// every screen counts down to the same moment. The engine cannot wake itself:
// the caller sends a CmdTick at or after Engine.NextWake. Every command first
// fires the timers that are due at its time, so a buzz that arrives after the
// tie window has closed is judged late even if no tick came in between.
//
// An expired answer time goes to the judges by default (TimeoutJudge): in a
// hall the team usually started speaking inside the limit, and only the judges
// know. TimeoutWrong scores the answer wrong without a vote instead.
//
// # Question phases
//
//	风险题 only: 选分 stake → 读题 reading → 开始 open → 抢到 buzzed → 作答 answering → 评判 judging → 计分 scored
//
// Compulsory and risk questions belong to one team, so "open" starts that
// team's answer time at once. In a buzzer question a press while reading is a
// foul; the first press in the open phase moves to buzzed, and the winner is
// decided when the tie window closes (immediately when the rule is "first
// arrival" without delay compensation, because nothing can change the result).
//
// # Stages, online quiz, team events
//
// A finished match yields a MatchResult (Engine.Result). Standings adds the
// results of a stage up; Advance picks the best team of each unit for the
// final (6 places by default), breaking ties by the configured rules and, if
// allowed, by a seeded draw whose outcome it returns for the log.
//
// Quiz is the mass online quiz: the same Command/Event types and the same
// Handle/Apply/replay contract, built so one answer costs O(1) for 10,000
// members. TeamEvent ranks the projects of an outdoor team day; it is plain
// data entry, not event-sourced.
//
// # Actors
//
// Commands name the team, judge or member that sends them. The transport layer
// must fill those fields from the authenticated connection, never from the
// client's message, and must check CommandType.Actor against the connection's
// role.
package contest
