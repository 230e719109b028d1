package quiz

import (
	"cmp"
	"slices"
	"time"
)

// The wrong-answer book (错题本).
//
// A question enters the book when the member answers it wrong. It leaves
// when the member has answered it right ClearAfter times since the last
// wrong answer: a wrong answer on the way out resets the count, so "right
// twice" means twice in a row after the last mistake, not twice ever. A
// question that leaves comes back with the next mistake.
//
// An entry is due for review RetryAfterWrong after the last mistake (at once,
// by default) and RetryAfterRight after each right answer (a day, so the
// second right answer shows it stuck and is not just the short-term memory
// of a moment ago).

// Event is one answer in a member's history: the input of daily practice
// and the wrong-answer book.
type Event struct {
	QuestionID int64
	Correct    bool
	At         time.Time
}

// WrongBookRules configure the book; DefaultWrongBook is what members get.
type WrongBookRules struct {
	ClearAfter      int
	RetryAfterWrong time.Duration
	RetryAfterRight time.Duration
}

// DefaultWrongBook: out after two right answers since the last wrong one.
var DefaultWrongBook = WrongBookRules{ClearAfter: 2, RetryAfterWrong: 0, RetryAfterRight: 24 * time.Hour}

// Entry is one question in the book.
type Entry struct {
	QuestionID  int64
	Mistakes    int       // wrong answers since it entered the book
	LastWrongAt time.Time // the mistake that keeps it in the book
	RightStreak int       // right answers since LastWrongAt
	DueAt       time.Time
}

// WrongBook lists the questions in the book, earliest due first, using the
// default rules.
func WrongBook(history []Event) []Entry { return DefaultWrongBook.Book(history) }

// Due lists the entries due at now, earliest due first.
func Due(history []Event, now time.Time) []Entry { return DefaultWrongBook.Due(history, now) }

// Book lists the questions in the book. History may be in any order; it is
// read in time order (events at the same instant in the order given).
func (w WrongBookRules) Book(history []Event) []Entry {
	events := slices.Clone(history)
	slices.SortStableFunc(events, func(a, b Event) int { return a.At.Compare(b.At) })
	entries := map[int64]*Entry{}
	for _, e := range events {
		w.apply(entries, e)
	}
	out := make([]Entry, 0, len(entries))
	for _, en := range entries {
		out = append(out, *en)
	}
	slices.SortFunc(out, func(a, b Entry) int {
		return cmp.Or(a.DueAt.Compare(b.DueAt), cmp.Compare(a.QuestionID, b.QuestionID))
	})
	return out
}

// apply folds one event into the open entries.
func (w WrongBookRules) apply(entries map[int64]*Entry, e Event) {
	en := entries[e.QuestionID]
	switch {
	case !e.Correct && en == nil:
		en = &Entry{QuestionID: e.QuestionID}
		entries[e.QuestionID] = en
		fallthrough
	case !e.Correct:
		en.Mistakes++
		en.LastWrongAt, en.RightStreak = e.At, 0
		en.DueAt = e.At.Add(w.RetryAfterWrong)
	case en != nil:
		en.RightStreak++
		en.DueAt = e.At.Add(w.RetryAfterRight)
		if en.RightStreak >= w.ClearAfter {
			delete(entries, e.QuestionID)
		}
	}
}

// Due lists the entries due at now, earliest due first.
func (w WrongBookRules) Due(history []Event, now time.Time) []Entry {
	var due []Entry
	for _, en := range w.Book(history) {
		if !en.DueAt.After(now) {
			due = append(due, en)
		}
	}
	return due
}
