package web

import (
	"errors"
	"io"
	"net/http"

	"xuejiangping/internal/errs"
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
			return "", nil, errs.E(errs.Invalid, "too_big", "附件不能超过 10 MB")
		}
		return "", nil, errs.E(errs.Invalid, "bad_upload", "上传失败：请以表单文件（字段 file）方式上传")
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return "", nil, errs.E(errs.Invalid, "empty_file", "请选择要上传的文件（文件不能为空）")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, study.MaxAttachmentBytes+1))
	if err != nil {
		return "", nil, errs.E(errs.Invalid, "bad_upload", "文件读取失败，请重试")
	}
	return hdr.Filename, data, nil
}
