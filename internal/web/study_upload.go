package web

import (
	"errors"
	"io"
	"net/http"

	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
	"xuejiangping/internal/study"
)

// uploadedFile reads the multipart field "file", refusing anything over
// the attachment limit before it is read into memory whole. Its type is
// checked by the library (by content, not by name).
func uploadedFile(w http.ResponseWriter, r *http.Request) (string, []byte, error) {
	r.Body = http.MaxBytesReader(w, r.Body, study.MaxAttachmentBytes+1<<20)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return "", nil, errs.E(errs.Invalid, "too_big", msg.T("upload.attachTooBig"))
		}
		return "", nil, errs.E(errs.Invalid, "bad_upload", msg.T("upload.notMultipart"))
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return "", nil, errs.E(errs.Invalid, "empty_file", msg.T("upload.chooseFile"))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, study.MaxAttachmentBytes+1))
	if err != nil {
		return "", nil, errs.E(errs.Invalid, "bad_upload", msg.T("upload.readRetry"))
	}
	return hdr.Filename, data, nil
}
