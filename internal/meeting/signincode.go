package meeting

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"strings"
	"time"

	"xuejiangping/internal/msg"
)

// CodeStep is how long one sign-in code is shown before the QR changes.
// A photo of the screen sent to someone at home is useless a minute later.
const CodeStep = 30 * time.Second

// codeBytes of the HMAC are kept: 72 bits, 12 URL-safe characters. A guess
// has to hit one of two live codes for one meeting within a minute, and the
// sign-in route needs a logged-in member, so this is ample and keeps the QR
// code small enough to scan from the back of a room.
const codeBytes = 9

// codeDomain separates these MACs from anything else computed with the same
// secret, and lets a future format change its version.
const codeDomain = "xuejiangping/signin/v1"

// Code returns the sign-in code for a meeting at t: HMAC-SHA256 under
// secret over (meetingID, the 30-second step containing t), truncated and
// encoded URL-safe without padding. The same inputs always give the same
// code, so every instance of the server agrees without sharing state. The
// secret must be random, at least 32 bytes, and known only to the server.
func Code(secret []byte, meetingID int64, t time.Time) string {
	return base64.RawURLEncoding.EncodeToString(mac(secret, meetingID, step(t)))
}

// Verify accepts a code shown for this meeting in the current step or the
// one before it, and refuses everything else.
//
// The previous step is the grace for a scan at the boundary: the phone read
// the QR just before it changed and the request arrived just after. So a
// code lives between 30 and 60 seconds. A future step is never accepted:
// codes are made and checked by the server's own clock (instances must be
// NTP-synchronised).
//
// The comparison is constant-time so the response time reveals nothing about
// how close a guess was.
func Verify(secret []byte, meetingID int64, code string, now time.Time) error {
	got, err := base64.RawURLEncoding.DecodeString(strings.TrimSpace(code))
	if err != nil || len(got) != codeBytes {
		return &Error{CodeSignInMalformed, msg.T("meeting.signIn.malformed")}
	}
	cur := step(now)
	okCur := hmac.Equal(got, mac(secret, meetingID, cur))
	okPrev := hmac.Equal(got, mac(secret, meetingID, cur-1))
	if !okCur && !okPrev {
		return &Error{CodeSignInExpired, msg.T("meeting.signIn.expired")}
	}
	return nil
}

// NextChange is when the code shown at t will be replaced; the meeting page
// uses it to refresh the QR on the step boundary.
func NextChange(t time.Time) time.Time {
	return time.Unix((step(t)+1)*int64(CodeStep/time.Second), 0).In(t.Location())
}

// step numbers the 30-second slots since the Unix epoch, rounding down
// (also before 1970, which only tests care about).
func step(t time.Time) int64 {
	size := int64(CodeStep / time.Second)
	s := t.Unix()
	q := s / size
	if s%size < 0 {
		q--
	}
	return q
}

func mac(secret []byte, meetingID, step int64) []byte {
	msg := make([]byte, 0, len(codeDomain)+16)
	msg = append(msg, codeDomain...)
	msg = binary.BigEndian.AppendUint64(msg, uint64(meetingID))
	msg = binary.BigEndian.AppendUint64(msg, uint64(step))
	h := hmac.New(sha256.New, secret)
	h.Write(msg)
	return h.Sum(nil)[:codeBytes]
}
