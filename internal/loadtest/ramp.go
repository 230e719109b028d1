package loadtest

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// dialer is a generated connection: dial connects it (resuming after since
// when ≥ 0) and waits for its hello; run reads until the run ends.
type dialer interface {
	dial(ctx context.Context, since int64) error
	run(ctx context.Context)
}

// rampUp dials every connection, at most concurrency at a time, retrying a
// refused dial a few times, and starts each one's reader under wg. It fails
// if any connection could not be made: a run with missing screens would
// measure something else.
func rampUp[C dialer](ctx context.Context, conns []C, concurrency int, wg *sync.WaitGroup, logf func(string, ...any)) error {
	sem := make(chan struct{}, concurrency)
	var mu sync.Mutex
	var firstErr error
	failed := 0
	var dials sync.WaitGroup
	for i, c := range conns {
		if i > 0 && i%2000 == 0 {
			logf("已连接 %d", i)
		}
		sem <- struct{}{}
		dials.Add(1)
		go func() {
			defer dials.Done()
			defer func() { <-sem }()
			var err error
			for attempt := 0; attempt < 5; attempt++ {
				if err = c.dial(ctx, -1); err == nil {
					break
				}
				time.Sleep(time.Duration(100*(attempt+1)) * time.Millisecond)
			}
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				failed++
				if firstErr == nil {
					firstErr = err
				}
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				c.run(ctx)
			}()
		}()
	}
	dials.Wait()
	if failed > 0 {
		return fmt.Errorf("%d 个连接未能建立（首个错误：%v）", failed, firstErr)
	}
	return nil
}
