package auth_test

import (
	"fmt"
	"testing"

	"golang.org/x/crypto/argon2"

	"xuejiangping/internal/auth"
)

// BenchmarkCheckPassword is the cost every login pays: one argon2id
// derivation with the stored parameters.
//
//	go test -run='^$' -bench=Password -count=5 ./internal/auth/
func BenchmarkCheckPassword(b *testing.B) {
	h, err := auth.HashPassword(goodPW)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if !auth.CheckPassword(h, goodPW) {
			b.Fatal("mismatch")
		}
	}
}

// BenchmarkArgon2Lanes compares the same memory (19 MiB) and passes (2)
// split over 1 or 2 lanes: the work is the same, the lanes run in parallel.
func BenchmarkArgon2Lanes(b *testing.B) {
	salt := make([]byte, 16)
	for _, lanes := range []uint8{1, 2} {
		b.Run(fmt.Sprintf("p=%d", lanes), func(b *testing.B) {
			for b.Loop() {
				argon2.IDKey([]byte(goodPW), salt, 2, 19*1024, lanes, 32)
			}
		})
	}
}
