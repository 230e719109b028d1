package study

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"xuejiangping/internal/audit"
	"xuejiangping/internal/auth"
	"xuejiangping/internal/db"
	"xuejiangping/internal/errs"
	"xuejiangping/internal/msg"
)

// MaxAttachmentBytes bounds one attachment.
const MaxAttachmentBytes = 10 << 20

// Attachment is a file of a material.
type Attachment struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Mime      string    `json:"mime"`
	Size      int64     `json:"size"`
	CreatedAt time.Time `json:"created_at"`
}

// SizeLabel is the size for people ("1.2 MB").
func (a Attachment) SizeLabel() string {
	switch {
	case a.Size >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(a.Size)/(1<<20))
	case a.Size >= 1<<10:
		return fmt.Sprintf("%d KB", a.Size/(1<<10))
	}
	return msg.T("study.size.bytes", a.Size)
}

// DOCX is the media type of Word documents.
const DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

// kinds maps a detected type to the file-name extensions that may carry it.
var kinds = map[string][]string{
	"application/pdf": {".pdf"},
	DOCX:              {".docx"},
	"image/png":       {".png"},
	"image/jpeg":      {".jpg", ".jpeg"},
	"image/gif":       {".gif"},
	"image/webp":      {".webp"},
}

// DetectType decides what a file is by its content and refuses it unless
// it is an accepted type whose name says the same: a PNG called .pdf or a
// program renamed .docx is turned away.
func DetectType(name string, data []byte) (string, error) {
	if len(data) == 0 {
		return "", errs.E(errs.Invalid, "empty_file", msg.T("study.empty_file"))
	}
	if len(data) > MaxAttachmentBytes {
		return "", errs.E(errs.Invalid, "too_big", msg.T("study.too_big"))
	}
	mime := http.DetectContentType(data)
	if i := strings.IndexByte(mime, ';'); i >= 0 {
		mime = mime[:i]
	}
	if mime == "application/zip" && isDocx(data) {
		mime = DOCX
	}
	exts, ok := kinds[mime]
	if !ok {
		return "", errs.E(errs.Invalid, "bad_type", msg.T("study.bad_type"))
	}
	ext := strings.ToLower(path.Ext(name))
	if !contains(exts, ext) {
		return "", errs.E(errs.Invalid, "type_mismatch", msg.T("study.type_mismatch", cleanName(name), kindLabel(mime)))
	}
	return mime, nil
}

// isDocx reports whether data is a zip holding word/document.xml.
func isDocx(data []byte) bool {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return false
	}
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			return true
		}
	}
	return false
}

func kindLabel(mime string) string {
	switch mime {
	case "application/pdf":
		return msg.T("study.type.pdf")
	case DOCX:
		return msg.T("study.type.docx")
	}
	return msg.T("study.type.image", strings.ToUpper(strings.TrimPrefix(mime, "image/")))
}

// cleanName keeps the last path element of an upload's name, valid UTF-8
// and at most 100 characters.
func cleanName(name string) string {
	name = strings.ToValidUTF8(name, "")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.TrimSpace(name)
	if utf8.RuneCountInString(name) > 100 {
		name = string([]rune(name)[:100])
	}
	if name == "" {
		name = msg.T("study.attachment.defaultName")
	}
	return name
}

// Attach stores a file on a material (whoever may edit the material).
func (s *Service) Attach(ctx context.Context, p *auth.Principal, id int64, name string, data []byte) (int64, error) {
	m, err := s.load(ctx, s.DB, p, id)
	if err != nil {
		return 0, err
	}
	if !editableBy(p, m.orgPath) {
		return 0, errs.Forbid()
	}
	name = cleanName(name)
	mime, err := DetectType(name, data)
	if err != nil {
		return 0, err
	}
	var fid int64
	err = s.DB.InTx(ctx, func(tx *db.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM material_files WHERE material_id = ?`, id).Scan(&n); err != nil {
			return errs.Wrap(err, "attachments")
		}
		if n >= 20 {
			return errs.E(errs.Unprocessable, "too_many_files", msg.T("study.too_many_files"))
		}
		fid, err = tx.Insert(ctx, `INSERT INTO files (name, mime, size, data, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			name, mime, len(data), data, p.UserID, tx.Now)
		if err != nil {
			return errs.Wrap(err, "file insert")
		}
		if _, err := tx.Exec(ctx, `INSERT INTO material_files (material_id, file_id) VALUES (?, ?)`, id, fid); err != nil {
			return errs.Wrap(err, "material file")
		}
		return audit.Record(ctx, tx, p.Actor(), "material.attach", fmt.Sprintf("material:%d", id),
			map[string]any{"file_id": fid, "name": name, "mime": mime, "size": len(data)}, audit.OK)
	})
	return fid, err
}

// Detach removes an attachment from a material. Removing one that is
// not (or no longer) there changes nothing and is not an error.
func (s *Service) Detach(ctx context.Context, p *auth.Principal, id, fileID int64) error {
	m, err := s.load(ctx, s.DB, p, id)
	if err != nil {
		return err
	}
	if !editableBy(p, m.orgPath) {
		return errs.Forbid()
	}
	return s.DB.InTx(ctx, func(tx *db.Tx) error {
		r, err := tx.Exec(ctx, `DELETE FROM material_files WHERE material_id = ? AND file_id = ?`, id, fileID)
		if err != nil {
			return errs.Wrap(err, "detach")
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return nil // already gone (a second click): nothing to do
		}
		if _, err := tx.Exec(ctx, `DELETE FROM files WHERE id = ?`, fileID); err != nil {
			return errs.Wrap(err, "detach file")
		}
		return audit.Record(ctx, tx, p.Actor(), "material.detach", fmt.Sprintf("material:%d", id), map[string]any{"file_id": fileID}, audit.OK)
	})
}

func (s *Service) attachments(ctx context.Context, id int64) ([]Attachment, error) {
	rows, err := s.DB.Query(ctx, `SELECT f.id, f.name, f.mime, f.size, f.created_at FROM material_files mf JOIN files f ON f.id = mf.file_id
		WHERE mf.material_id = ? ORDER BY f.id`, id)
	if err != nil {
		return nil, errs.Wrap(err, "attachments")
	}
	defer rows.Close()
	out := []Attachment{}
	for rows.Next() {
		var a Attachment
		if err := rows.Scan(&a.ID, &a.Name, &a.Mime, &a.Size, &a.CreatedAt); err != nil {
			return nil, errs.Wrap(err, "attachments")
		}
		out = append(out, a)
	}
	return out, errs.Wrap(rows.Err(), "attachments")
}

// File returns an attachment of a material p may see.
func (s *Service) File(ctx context.Context, p *auth.Principal, id, fileID int64) (Attachment, []byte, error) {
	if _, err := s.load(ctx, s.DB, p, id); err != nil {
		return Attachment{}, nil, err
	}
	var a Attachment
	var data []byte
	err := s.DB.QueryRow(ctx, `SELECT f.id, f.name, f.mime, f.size, f.created_at, f.data FROM material_files mf JOIN files f ON f.id = mf.file_id
		WHERE mf.material_id = ? AND f.id = ?`, id, fileID).Scan(&a.ID, &a.Name, &a.Mime, &a.Size, &a.CreatedAt, &data)
	if db.IsNoRows(err) {
		return a, nil, errs.NotFoundf(msg.T("study.noun.attachment"))
	}
	return a, data, errs.Wrap(err, "file")
}
