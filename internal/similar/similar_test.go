package similar

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"sync"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"chinese punctuation", "学习，领会。贯彻；落实！“为人民服务”《党章》（全文）……", "学习领会贯彻落实为人民服务党章全文"},
		{"ascii punctuation and spaces", "学习, 领会.\n贯彻;\t落实!  (2024)", "学习领会贯彻落实2024"},
		{"full-width ascii", "ＡＢＣ１２３　学习ｘｙｚ％", "abc123学习xyz"},
		{"zero-width and symbols", "学\u200b习+领=会～·—", "学习领会"},
		{"empty", "，。 ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(Normalize(tt.in)); got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSignatureRoundTrip(t *testing.T) {
	h := mustHasher(t, Config{})
	sig, err := h.Sign(baseTexts[0])
	if err != nil {
		t.Fatal(err)
	}
	b, err := sig.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if want := sigHeaderLen + 2*h.Len(); len(b) != want {
		t.Errorf("encoded %d bytes, want %d", len(b), want)
	}
	var got Signature
	if err := got.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, sig) {
		t.Error("signature changed in a round trip")
	}
	b2, _ := got.MarshalBinary()
	if !bytes.Equal(b, b2) {
		t.Error("re-encoding differs")
	}
	for _, bad := range [][]byte{nil, b[:len(b)-1], append([]byte{9}, b[1:]...)} {
		if err := new(Signature).UnmarshalBinary(bad); err == nil {
			t.Errorf("UnmarshalBinary(%d bytes) accepted a bad encoding", len(bad))
		}
	}
}

func TestSignatureIncompatible(t *testing.T) {
	a, _ := mustHasher(t, Config{}).Sign(baseTexts[0])
	b, _ := mustHasher(t, Config{Seed: 7}).Sign(baseTexts[0])
	if _, err := a.Similarity(b); !errors.Is(err, ErrIncompatible) {
		t.Errorf("Similarity across seeds: err = %v, want ErrIncompatible", err)
	}
	ix := mustIndex(t, Config{})
	if err := ix.AddSignature(Meta{ID: 1}, b); !errors.Is(err, ErrIncompatible) {
		t.Errorf("AddSignature with another seed: err = %v, want ErrIncompatible", err)
	}
	if s, err := a.Similarity(a); err != nil || s != 1 {
		t.Errorf("self-similarity = %v, %v; want 1, nil", s, err)
	}
}

func TestTooShort(t *testing.T) {
	tests := []struct {
		text    string
		wantErr error
	}{
		{"同意。", ErrTooShort},
		{"认真学习，深刻领会，抓好落实，推动工作。。。", ErrTooShort}, // 16 characters
		{"认真学习，深刻领会，抓好落实，推动工作再上新台阶。", nil},      // 22 characters
	}
	ix := mustIndex(t, Config{})
	for _, tt := range tests {
		if err := ix.Add(Doc{ID: 1, Text: tt.text}); !errors.Is(err, tt.wantErr) {
			t.Errorf("Add(%q) = %v, want %v", tt.text, err, tt.wantErr)
		}
	}
	if got := ix.Build([]Doc{{Text: "好"}, {Text: baseTexts[1]}}); got != 1 {
		t.Errorf("Build skipped %d, want 1", got)
	}
}

// TestShingleLength records why k=3: between different speeches, bigrams
// share much more than trigrams (a bag of words), while k=4 buys little more
// separation and loses more shingles to each edited character.
func TestShingleLength(t *testing.T) {
	for _, tt := range []struct {
		k       int
		maxMean float64
	}{{2, 1}, {3, 0.05}, {4, 1}} {
		var sum, most float64
		n := 0
		for i := range baseTexts {
			for j := i + 1; j < len(baseTexts); j++ {
				jac := jaccardK(baseTexts[i], baseTexts[j], tt.k)
				sum, most, n = sum+jac, max(most, jac), n+1
			}
		}
		edit := jaccardK(baseTexts[0], editChars(baseTexts[0], 0.05, 1), tt.k)
		t.Logf("k=%d: unrelated speeches mean J=%.3f max %.3f; 5%% characters edited J=%.3f", tt.k, sum/float64(n), most, edit)
		if mean := sum / float64(n); mean > tt.maxMean {
			t.Errorf("k=%d: mean background J %.3f > %.3f", tt.k, mean, tt.maxMean)
		}
	}
}

// jaccardK is the exact Jaccard for any k, on shingles as strings.
func jaccardK(a, b string, k int) float64 {
	set := func(s string) map[string]bool {
		rs, m := Normalize(s), map[string]bool{}
		for i := 0; i+k <= len(rs); i++ {
			m[string(rs[i:i+k])] = true
		}
		return m
	}
	sa, sb := set(a), set(b)
	inter := 0
	for s := range sa {
		if sb[s] {
			inter++
		}
	}
	return float64(inter) / float64(len(sa)+len(sb)-inter)
}

// variant is a controlled edit of a base speech.
type variant struct {
	name string
	make func(base string, i int) string
}

var variants = []variant{
	{"punctuation and whitespace only", func(s string, _ int) string { return repunctuate(s) }},
	{"full-width and spacing", func(s string, _ int) string { return "  " + strings.ReplaceAll(s, "。", "。\n\n　　") + "１" }},
	{"sentences reordered", func(s string, i int) string { return shuffleSentences(s, uint64(i)) }},
	{"2% characters inserted or deleted", func(s string, i int) string { return insertDelete(s, 0.02, uint64(i)) }},
	{"5% characters edited", func(s string, i int) string { return editChars(s, 0.05, uint64(i)) }},
	{"10% sentences replaced", func(s string, i int) string { return replaceSentences(s, 0.10, i) }},
	{"20% sentences replaced", func(s string, i int) string { return replaceSentences(s, 0.20, i) }},
	{"30% sentences replaced", func(s string, i int) string { return replaceSentences(s, 0.30, i) }},
	{"10% characters edited", func(s string, i int) string { return editChars(s, 0.10, uint64(i)) }},
	{"60% sentences replaced", func(s string, i int) string { return replaceSentences(s, 0.60, i) }},
	{"25% characters edited", func(s string, i int) string { return editChars(s, 0.25, uint64(i)) }},
	{"other speech", func(_ string, i int) string { return baseTexts[(i+5)%len(baseTexts)] }},
}

// TestVariants indexes every base speech beside each of its variants and
// checks what is reported against the exact Jaccard similarity:
// formatting-only copies are found at ≥ 0.95, heavy rewrites (< 0.3) are
// not, copies at ≥ 0.8 are, and no estimate is off by more than maxError.
func TestVariants(t *testing.T) {
	h := mustHasher(t, Config{})
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			for i, base := range baseTexts {
				copied := v.make(base, i)
				exact := h.Jaccard(base, copied)
				ix := mustIndex(t, Config{})
				mustAdd(t, ix, Doc{ID: 1, MemberID: 1, RoundKey: "r1", Text: base})
				mustAdd(t, ix, Doc{ID: 2, MemberID: 2, RoundKey: "r1", Text: copied})
				pairs := ix.PairsForRound("r1", 0.7)
				checkVariant(t, i, exact, pairs)
			}
		})
	}
}

func checkVariant(t *testing.T, i int, exact float64, pairs []Pair) {
	t.Helper()
	switch {
	case exact == 1:
		if len(pairs) != 1 || pairs[0].Similarity < 0.95 {
			t.Errorf("base %d: identical after normalisation, pairs = %+v; want one at ≥ 0.95", i, pairs)
		}
	case exact < 0.3:
		if len(pairs) != 0 {
			t.Errorf("base %d: exact J %.3f < 0.3 but reported %+v", i, exact, pairs)
		}
	case exact >= 0.8:
		if len(pairs) != 1 {
			t.Errorf("base %d: exact J %.3f ≥ 0.8 not reported", i, exact)
		}
	}
	if len(pairs) == 1 && math.Abs(pairs[0].Similarity-exact) > maxError {
		t.Errorf("base %d: estimate %.3f, exact %.3f: off by more than %v", i, pairs[0].Similarity, exact, maxError)
	}
}

// The estimate from 128 hashes has a standard error of √(J(1-J)/128), 0.043
// at J=0.6..0.7, so ±0.1 is 2.3 standard errors and about 2% of pairs miss
// it by chance. The tests hold every pair to 4 standard errors and the ±0.1
// band to the share the binomial predicts.
const (
	maxError  = 0.18
	tolerance = 0.1
	minWithin = 0.95
)

// TestEstimateNearThreshold checks the estimator on every base and variant
// whose exact similarity lies between 0.5 and 0.9, around the threshold.
func TestEstimateNearThreshold(t *testing.T) {
	h := mustHasher(t, Config{})
	var errs []float64
	for _, v := range variants {
		for i, base := range baseTexts {
			copied := v.make(base, i)
			if exact := h.Jaccard(base, copied); exact >= 0.5 && exact <= 0.9 {
				errs = append(errs, estimateError(t, h, base, copied))
			}
		}
	}
	if len(errs) < 20 {
		t.Fatalf("only %d pairs near the threshold; the variants no longer cover it", len(errs))
	}
	checkErrors(t, errs)
}

// TestEstimateError measures the estimator on 2,000 generated speeches and
// copies with 3–12% of characters edited (exact J about 0.5 to 0.85).
func TestEstimateError(t *testing.T) {
	h := mustHasher(t, Config{})
	var errs []float64
	for i := range 2000 {
		a := genText(7, uint64(i))
		b := mutate(a, 0.03+0.09*float64(i%4)/3, rand.New(rand.NewPCG(uint64(i), 9)))
		errs = append(errs, estimateError(t, h, a, b))
	}
	checkErrors(t, errs)
}

func estimateError(t *testing.T, h *Hasher, a, b string) float64 {
	t.Helper()
	sa, err := h.Sign(a)
	if err != nil {
		t.Fatal(err)
	}
	sb, err := h.Sign(b)
	if err != nil {
		t.Fatal(err)
	}
	est, _ := sa.Similarity(sb)
	return est - h.Jaccard(a, b)
}

func checkErrors(t *testing.T, errs []float64) {
	t.Helper()
	var sq, bias float64
	within := 0
	for _, e := range errs {
		if math.Abs(e) > maxError {
			t.Errorf("estimate off by %.3f", e)
		}
		if math.Abs(e) <= tolerance {
			within++
		}
		sq, bias = sq+e*e, bias+e
	}
	n := float64(len(errs))
	share, rms := float64(within)/n, math.Sqrt(sq/n)
	t.Logf("%d pairs: %.1f%% within ±%v, RMS error %.4f, bias %+.4f", len(errs), 100*share, tolerance, rms, bias/n)
	if share < minWithin || rms > 0.05 || math.Abs(bias/n) > 0.01 {
		t.Errorf("estimator worse than 128 independent hashes should be")
	}
}

// TestMembersAndRounds checks which pairs count: a member's own speech in
// another round is reported, the same member twice in one round is not.
func TestMembersAndRounds(t *testing.T) {
	text, copied := baseTexts[3], repunctuate(baseTexts[3])
	tests := []struct {
		name           string
		docs           []Doc
		round          string
		want           [][2]int64 // A.ID, B.ID
		same, crossRnd bool
	}{
		{"other member, same round", []Doc{{ID: 1, MemberID: 1, RoundKey: "r1", Text: text}, {ID: 2, MemberID: 2, RoundKey: "r1", Text: copied}},
			"r1", [][2]int64{{1, 2}}, false, false},
		{"same member, same round", []Doc{{ID: 1, MemberID: 1, RoundKey: "r1", Text: text}, {ID: 2, MemberID: 1, RoundKey: "r1", Text: copied}},
			"r1", nil, false, false},
		{"same member, next round", []Doc{{ID: 1, MemberID: 1, RoundKey: "r1", Text: text}, {ID: 2, MemberID: 1, RoundKey: "r2", Text: copied}},
			"r2", [][2]int64{{2, 1}}, true, true},
		{"queried from the earlier round", []Doc{{ID: 1, MemberID: 1, RoundKey: "r1", Text: text}, {ID: 2, MemberID: 1, RoundKey: "r2", Text: copied}},
			"r1", [][2]int64{{1, 2}}, true, true},
		{"other member, other round", []Doc{{ID: 5, MemberID: 1, RoundKey: "r1", Text: text}, {ID: 3, MemberID: 2, RoundKey: "r2", Text: copied}},
			"r2", [][2]int64{{3, 5}}, false, true},
		{"round not touched", []Doc{{ID: 1, MemberID: 1, RoundKey: "r1", Text: text}, {ID: 2, MemberID: 2, RoundKey: "r2", Text: copied}, {ID: 3, MemberID: 3, RoundKey: "r3", Text: baseTexts[4]}},
			"r3", nil, false, false},
		{"unknown round", []Doc{{ID: 1, MemberID: 1, RoundKey: "r1", Text: text}},
			"r9", nil, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ix := mustIndex(t, Config{})
			for _, d := range tt.docs {
				mustAdd(t, ix, d)
			}
			pairs := ix.PairsForRound(tt.round, 0)
			var got [][2]int64
			for _, p := range pairs {
				got = append(got, [2]int64{p.A.ID, p.B.ID})
				if p.SameMember != tt.same || p.CrossRound != tt.crossRnd {
					t.Errorf("pair %+v: SameMember %v CrossRound %v, want %v %v", p, p.SameMember, p.CrossRound, tt.same, tt.crossRnd)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("pairs = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestDeterminism builds the same corpus twice — once in bulk, once by
// concurrent Adds in another order, once from stored signatures — and
// expects the same sorted pairs every time.
func TestDeterminism(t *testing.T) {
	docs := fixtureDocs()
	bulk := mustIndex(t, Config{Workers: 4})
	if skipped := bulk.Build(docs); skipped != 0 {
		t.Fatalf("skipped %d", skipped)
	}
	want := bulk.PairsForRound("r2", 0)
	if len(want) < 2*len(baseTexts) {
		t.Fatalf("fixture gives only %d pairs", len(want))
	}

	concurrent := mustIndex(t, Config{})
	var wg sync.WaitGroup
	for _, i := range rand.New(rand.NewPCG(1, 2)).Perm(len(docs)) {
		wg.Go(func() { mustAdd(t, concurrent, docs[i]) })
	}
	wg.Wait()

	stored := mustIndex(t, Config{})
	for _, d := range docs {
		sig, err := stored.Hasher().Sign(d.Text)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := sig.MarshalBinary()
		var back Signature
		if err := back.UnmarshalBinary(b); err != nil {
			t.Fatal(err)
		}
		if err := stored.AddSignature(d.Meta(), back); err != nil {
			t.Fatal(err)
		}
	}
	for name, ix := range map[string]*Index{"concurrent": concurrent, "stored": stored, "bulk again": bulk} {
		if got := ix.PairsForRound("r2", 0); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %d pairs differ from bulk build's %d", name, len(got), len(want))
		}
	}
}

// TestIncremental adds speeches after a query, past the table's resize, and
// expects the new pairs to be found.
func TestIncremental(t *testing.T) {
	ix := mustIndex(t, Config{})
	docs := fixtureDocs()
	ix.Build(docs[:len(docs)/2])
	_ = ix.PairsForRound("r1", 0)
	ix.Build(docs[len(docs)/2:])
	for i := range 3000 { // grows the 1024-slot tables past the rebuild point
		mustAdd(t, ix, Doc{ID: int64(10_000 + i), MemberID: int64(10_000 + i), RoundKey: "r0", Text: genText(1, uint64(i))})
	}
	fresh := mustIndex(t, Config{})
	fresh.Build(docs)
	got, want := ix.PairsForRound("r2", 0), fresh.PairsForRound("r2", 0)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("incremental index: %d pairs, fresh index: %d", len(got), len(want))
	}
}

// fixtureDocs is every base speech in round r1 and two copies in round r2:
// one by its author, one by the next member.
func fixtureDocs() []Doc {
	var docs []Doc
	for i, s := range baseTexts {
		m := int64(i + 1)
		docs = append(docs,
			Doc{ID: 100 + m, MemberID: m, RoundKey: "r1", Text: s},
			Doc{ID: 200 + m, MemberID: m, RoundKey: "r2", Text: repunctuate(s)},
			Doc{ID: 300 + m, MemberID: m%12 + 1, RoundKey: "r2", Text: editChars(s, 0.03, uint64(i))})
	}
	return docs
}

func TestPairsSorted(t *testing.T) {
	ix := mustIndex(t, Config{})
	ix.Build(fixtureDocs())
	pairs := ix.PairsForRound("r2", 0.5)
	for i := 1; i < len(pairs); i++ {
		p, q := pairs[i-1], pairs[i]
		if p.Similarity < q.Similarity || p.Similarity == q.Similarity && (p.A.ID > q.A.ID || p.A.ID == q.A.ID && p.B.ID >= q.B.ID) {
			t.Fatalf("pairs %d and %d out of order: %+v, %+v", i-1, i, p, q)
		}
	}
}

func TestConfigValidate(t *testing.T) {
	for _, c := range []Config{{Shingle: 4}, {Bands: 64, Rows: 32}, {Threshold: 1.5}} {
		if _, err := NewIndex(c); err == nil {
			t.Errorf("NewIndex(%+v) accepted", c)
		}
	}
}

// Text edits for the variants.

var sentenceEnd = "。！？；"

func sentences(s string) []string {
	var out []string
	var cur []rune
	for _, r := range s {
		cur = append(cur, r)
		if strings.ContainsRune(sentenceEnd, r) {
			out = append(out, string(cur))
			cur = cur[:0]
		}
	}
	if len(cur) > 0 {
		out = append(out, string(cur))
	}
	return out
}

// repunctuate swaps Chinese punctuation for ASCII and adds whitespace.
func repunctuate(s string) string {
	return strings.NewReplacer("，", ", ", "。", ".\n", "；", "; ", "“", "\"", "”", "\"", "、", " ", "？", "?").Replace(s)
}

func shuffleSentences(s string, seed uint64) string {
	ss := sentences(s)
	rand.New(rand.NewPCG(seed, 3)).Shuffle(len(ss), func(i, j int) { ss[i], ss[j] = ss[j], ss[i] })
	return strings.Join(ss, "")
}

// replaceSentences replaces a fraction of the sentences (at least one) with
// sentences of another base speech.
func replaceSentences(s string, frac float64, i int) string {
	ss, other := sentences(s), sentences(baseTexts[(i+1)%len(baseTexts)])
	n := max(1, int(math.Round(frac*float64(len(ss)))))
	for k, at := range rand.New(rand.NewPCG(uint64(i), 4)).Perm(len(ss))[:n] {
		ss[at] = other[k%len(other)]
	}
	return strings.Join(ss, "")
}

func editChars(s string, rate float64, seed uint64) string {
	return mutate(s, rate, rand.New(rand.NewPCG(seed, 5)))
}

// insertDelete inserts or deletes characters, each with probability rate/2.
func insertDelete(s string, rate float64, seed uint64) string {
	rng := rand.New(rand.NewPCG(seed, 6))
	var out []rune
	for _, r := range s {
		switch x := rng.Float64(); {
		case x < rate/2:
			continue
		case x < rate:
			out = append(out, genRunes[rng.IntN(len(genRunes))])
		}
		out = append(out, r)
	}
	return string(out)
}

func mustHasher(t *testing.T, c Config) *Hasher {
	t.Helper()
	h, err := NewHasher(c)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func mustIndex(t *testing.T, c Config) *Index {
	t.Helper()
	ix, err := NewIndex(c)
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func mustAdd(t *testing.T, ix *Index, d Doc) {
	t.Helper()
	if err := ix.Add(d); err != nil {
		t.Error(fmt.Errorf("Add(%d): %w", d.ID, err))
	}
}

// A round written from a few stock phrases makes nearly every pair a
// candidate. MaxCandidates bounds the work per speech, and the round still
// shows pairs.
func TestStockPhraseRoundBounded(t *testing.T) {
	stock := []string{"深入学习贯彻全会精神", "结合本职工作", "坚持以人民为中心", "把学习成果转化为工作成效", "推动问题整改落实"}
	var docs []Doc
	for i := range 600 {
		var b strings.Builder
		for k := 0; b.Len() < 240; k++ {
			b.WriteString(stock[(i*7+k*3+k*k)%len(stock)])
			b.WriteString("，")
		}
		docs = append(docs, Doc{ID: int64(i + 1), MemberID: int64(i + 1), RoundKey: "r1", UnitID: 1, Text: b.String()})
	}
	ix, err := NewIndex(Config{MaxCandidates: 50})
	if err != nil {
		t.Fatal(err)
	}
	ix.Build(docs)
	_, cands := ix.query(ix.roundID["r1"], ix.minEqual(0.7))
	if cands > int64(len(docs))*51 {
		t.Errorf("%d candidates for %d speeches: the bound of 50 each did not hold", cands, len(docs))
	}
	if pairs := ix.PairsForRound("r1", 0); len(pairs) == 0 {
		t.Error("a round of stock phrases showed no pairs")
	}
}
