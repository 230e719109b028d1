// Package similar finds near-duplicate speech texts across members and rounds.
//
// A speech copied from another member, or a member's own speech carried over
// from an earlier round, is the cheapest way to look compliant in 学讲评. This
// package finds such pairs among up to millions of speeches:
//
//   - Normalize folds full-width ASCII to half-width and drops whitespace,
//     punctuation and symbols, so formatting changes do not hide a copy.
//   - A text becomes the set of its character 3-grams (shingles). Chinese has
//     no spaces and most words are one or two characters, so bigrams behave like
//     a bag of words and make unrelated speeches on one topic look alike;
//     trigrams keep some word order while one edited character still touches
//     only three shingles.
//   - A Hasher turns the shingle set into a MinHash Signature: 128 minimums of
//     multiply-shift hashes, each kept as a 16-bit fingerprint (b-bit MinHash),
//     so a signature is 256 bytes and can be stored beside the speech.
//   - An Index keeps only signatures and small ids (never the text) and finds
//     candidate pairs with LSH banding (25 bands of 5 rows), then keeps those
//     whose estimated Jaccard similarity reaches the threshold.
//
// The index does not hold texts, so the estimate is what it reports; a caller
// that has both texts can confirm a pair with Hasher.Jaccard.
package similar
