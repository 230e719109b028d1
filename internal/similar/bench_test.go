package similar

import (
	"runtime"
	"testing"
	"time"
)

const benchSeed = 20240716

// BenchmarkMillion is the budget: index 1,000,000 speeches in ≤ 60 s
// and find one round's pairs in ≤ 5 s. Run it once, without -race:
//
//	go test -run='^$' -bench=BenchmarkMillion -benchtime=1x ./internal/similar/
func BenchmarkMillion(b *testing.B) { benchCorpus(b, 1_000_000) }

// BenchmarkHundredK is the same at 100,000 speeches, for routine runs.
func BenchmarkHundredK(b *testing.B) { benchCorpus(b, 100_000) }

func benchCorpus(b *testing.B, n int) {
	for b.Loop() {
		ix, build := buildCorpus(b, n)
		var ms runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&ms)

		round := genRoundKey(6)
		start := time.Now()
		pairs := ix.PairsForRound(round, 0)
		query := time.Since(start)

		ix.mu.RLock()
		_, cands := ix.query(ix.roundID[round], ix.minEqual(ix.cfg.Threshold))
		ix.mu.RUnlock()
		recall, expected := plantedRecall(ix, pairs, round, n, 0)
		recall5, _ := plantedRecall(ix, pairs, round, n, 0.05)
		b.ReportMetric(build.Seconds(), "build-s")
		b.ReportMetric(query.Seconds(), "query-s")
		b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "heap-MB")
		b.ReportMetric(float64(len(pairs)), "pairs")
		b.ReportMetric(float64(expected), "planted≥thr")
		b.ReportMetric(recall, "recall")
		b.ReportMetric(recall5, "recall(J≥thr+.05)")
		b.ReportMetric(float64(cands), "candidates")
		runtime.KeepAlive(ix)
	}
}

// buildCorpus indexes n generated speeches and returns the time spent in
// the index alone (signing and LSH tables), not in generating texts.
func buildCorpus(b *testing.B, n int) (*Index, time.Duration) {
	ix, err := NewIndex(Config{})
	if err != nil {
		b.Fatal(err)
	}
	ix.Grow(n)
	const chunk = 50_000
	docs := make([]Doc, 0, chunk)
	var build time.Duration
	for lo := 0; lo < n; lo += chunk {
		docs = genDocs(docs[:0], lo, min(lo+chunk, n), n)
		start := time.Now()
		if skipped := ix.Build(docs); skipped > 0 {
			b.Fatalf("%d generated speeches skipped", skipped)
		}
		build += time.Since(start)
	}
	start := time.Now()
	ix.Refresh()
	return ix, build + time.Since(start)
}

// genDocs generates speeches [lo, hi) of n on all cores.
func genDocs(docs []Doc, lo, hi, n int) []Doc {
	docs = docs[:hi-lo]
	w := runtime.NumCPU()
	done := make(chan struct{})
	for g := range w {
		go func() {
			for i := lo + g; i < hi; i += w {
				docs[i-lo] = genDoc(benchSeed, i, n)
			}
			done <- struct{}{}
		}()
	}
	for range w {
		<-done
	}
	return docs
}

// plantedRecall is the share of planted copies touching the round, with an
// exact Jaccard at or above the threshold plus margin, that the query found.
func plantedRecall(ix *Index, pairs []Pair, round string, n int, margin float64) (float64, int) {
	found := map[[2]int64]bool{}
	for _, p := range pairs {
		found[[2]int64{min(p.A.ID, p.B.ID), max(p.A.ID, p.B.ID)}] = true
	}
	expected, hits := 0, 0
	for j := range n {
		src, _, ok := plant(j, n)
		if !ok || (genRoundKey(j) != round && genRoundKey(src) != round) {
			continue
		}
		a, c := genDoc(benchSeed, j, n), genDoc(benchSeed, src, n)
		if a.MemberID == c.MemberID && a.RoundKey == c.RoundKey {
			continue
		}
		if ix.Hasher().Jaccard(a.Text, c.Text) < ix.cfg.Threshold+margin {
			continue
		}
		expected++
		if found[[2]int64{min(a.ID, c.ID), max(a.ID, c.ID)}] {
			hits++
		}
	}
	if expected == 0 {
		return 0, 0
	}
	return float64(hits) / float64(expected), expected
}
