package loadtest

import (
	"fmt"
	"io"
	"maps"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// runLog is what both modes keep about a run: its clock (every latency is
// measured on it), its progress log and its notes — what went wrong along
// the way, counted by kind.
type runLog struct {
	start   time.Time
	out     io.Writer
	notesMu sync.Mutex
	notes   map[string]int
}

func newRunLog(out io.Writer) runLog {
	return runLog{start: time.Now(), out: out, notes: map[string]int{}}
}

func (l *runLog) clock() int64 { return int64(time.Since(l.start)) }

// note counts a problem; a WebSocket close status is part of its kind.
func (l *runLog) note(what string, err error) {
	key := what
	if st := websocket.CloseStatus(err); st != -1 {
		key += fmt.Sprintf(" (close %d)", st)
	}
	l.notesMu.Lock()
	l.notes[key]++
	l.notesMu.Unlock()
}

func (l *runLog) logf(format string, a ...any) {
	fmt.Fprintf(l.out, "[%6.1fs] "+format+"\n", append([]any{time.Since(l.start).Seconds()}, a...)...)
}

// noted returns a copy of the notes.
func (l *runLog) noted() map[string]int {
	l.notesMu.Lock()
	defer l.notesMu.Unlock()
	return maps.Clone(l.notes)
}
