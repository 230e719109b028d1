package quiz

import (
	"slices"
	"testing"
	"time"
)

var day0 = time.Date(2026, 3, 16, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

func at(h int) time.Time { return day0.Add(time.Duration(h) * time.Hour) }

func ev(id int64, correct bool, h int) Event {
	return Event{QuestionID: id, Correct: correct, At: at(h)}
}

func TestWrongBook(t *testing.T) {
	tests := []struct {
		name    string
		history []Event
		want    []Entry
	}{
		{"empty", nil, []Entry{}},
		{"right first time never enters", []Event{ev(1, true, 0)}, []Entry{}},
		{"a mistake enters", []Event{ev(1, false, 0)},
			[]Entry{{QuestionID: 1, Mistakes: 1, LastWrongAt: at(0), DueAt: at(0)}}},
		{"one right is not enough", []Event{ev(1, false, 0), ev(1, true, 1)},
			[]Entry{{QuestionID: 1, Mistakes: 1, LastWrongAt: at(0), RightStreak: 1, DueAt: at(25)}}},
		{"two rights clear it", []Event{ev(1, false, 0), ev(1, true, 1), ev(1, true, 30)}, []Entry{}},
		{"a mistake between resets", []Event{ev(1, false, 0), ev(1, true, 1), ev(1, false, 2), ev(1, true, 3)},
			[]Entry{{QuestionID: 1, Mistakes: 2, LastWrongAt: at(2), RightStreak: 1, DueAt: at(27)}}},
		{"rights before the mistake do not count", []Event{ev(1, true, 0), ev(1, true, 1), ev(1, false, 2)},
			[]Entry{{QuestionID: 1, Mistakes: 1, LastWrongAt: at(2), DueAt: at(2)}}},
		{"comes back after clearing", []Event{ev(1, false, 0), ev(1, true, 1), ev(1, true, 2), ev(1, false, 3)},
			[]Entry{{QuestionID: 1, Mistakes: 1, LastWrongAt: at(3), DueAt: at(3)}}},
		{"history out of order", []Event{ev(1, true, 30), ev(1, true, 1), ev(1, false, 0)}, []Entry{}},
		{"sorted by due", []Event{ev(2, false, 5), ev(1, false, 0), ev(1, true, 1)},
			[]Entry{{QuestionID: 2, Mistakes: 1, LastWrongAt: at(5), DueAt: at(5)},
				{QuestionID: 1, Mistakes: 1, LastWrongAt: at(0), RightStreak: 1, DueAt: at(25)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := WrongBook(tt.history); !slices.Equal(got, tt.want) {
				t.Errorf("WrongBook() =\n %+v\nwant\n %+v", got, tt.want)
			}
		})
	}
}

func TestDue(t *testing.T) {
	h := []Event{ev(1, false, 0), ev(2, false, 0), ev(2, true, 1)}
	tests := []struct {
		now  time.Time
		want []int64
	}{
		{at(0), []int64{1}},
		{at(24), []int64{1}},
		{at(25), []int64{1, 2}},
	}
	for _, tt := range tests {
		var got []int64
		for _, e := range Due(h, tt.now) {
			got = append(got, e.QuestionID)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Due(%v) = %v, want %v", tt.now, got, tt.want)
		}
	}
}

func TestWrongBookRulesConfigurable(t *testing.T) {
	w := WrongBookRules{ClearAfter: 3, RetryAfterWrong: time.Hour, RetryAfterRight: time.Hour}
	h := []Event{ev(1, false, 0), ev(1, true, 1), ev(1, true, 2)}
	got := w.Book(h)
	if len(got) != 1 || got[0].RightStreak != 2 || !got[0].DueAt.Equal(at(3)) {
		t.Errorf("Book() = %+v, want still in, due at +3h", got)
	}
}
