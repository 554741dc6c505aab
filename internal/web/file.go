package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

// maxUnseekable bounds a file read whole because Options.Open gave one
// that cannot seek.
const maxUnseekable = 256 << 20

// fileTypes are the types of the formats cqcmine reads. Types a browser
// would run as a page are sandboxed by cspFile.
var fileTypes = map[string]string{
	".pdf":  "application/pdf",
	".html": "text/html; charset=utf-8",
	".htm":  "text/html; charset=utf-8",
	".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	".txt":  "text/plain; charset=utf-8",
	".text": "text/plain; charset=utf-8",
	".md":   "text/plain; charset=utf-8",
}

// cspFile is the policy of an original file other than a PDF: a sandbox
// with no script, so that an HTML report runs nothing on this origin.
const cspFile = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'none'"

// handleFile serves a document's original file, opened by the path the
// index holds for the id. Nothing in the request names a path.
func (s *server) handleFile(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if !validID(id) {
		s.notFound(w, r, "There is no document with this id in the index.")
		return
	}
	info, err := s.ix.Document(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f, err := s.opt.Open(info.Path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			s.notFound(w, r, "The original file of this document is no longer where it was indexed ("+info.Path+"). Re-index to update it.")
			return
		}
		s.fail(w, r, fmt.Errorf("open %s: %w", info.Path, err))
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		s.fail(w, r, fmt.Errorf("stat %s: %w", info.Path, err))
		return
	}
	if st.IsDir() {
		s.notFound(w, r, "The original file of this document is no longer where it was indexed.")
		return
	}
	content, ok := f.(io.ReadSeeker)
	if !ok {
		b, err := io.ReadAll(io.LimitReader(f, maxUnseekable+1))
		if err != nil {
			s.fail(w, r, fmt.Errorf("read %s: %w", info.Path, err))
			return
		}
		if len(b) > maxUnseekable {
			s.fail(w, r, fmt.Errorf("read %s: larger than %d bytes", info.Path, maxUnseekable))
			return
		}
		content = bytes.NewReader(b)
	}

	name := path.Base(strings.ReplaceAll(info.Path, `\`, "/"))
	ext := strings.ToLower(path.Ext(name))
	ctype, known := fileTypes[ext]
	if !known {
		ctype = "application/octet-stream"
	}
	h := w.Header()
	h.Set("Content-Type", ctype)
	disposition := "inline"
	switch ext {
	case ".pdf":
		// The browser's PDF viewer needs no policy of its own.
		h.Del("Content-Security-Policy")
	case ".docx":
		disposition = "attachment"
		h.Set("Content-Security-Policy", cspFile)
	default:
		if !known {
			disposition = "attachment"
		}
		h.Set("Content-Security-Policy", cspFile)
	}
	if cd := mime.FormatMediaType(disposition, map[string]string{"filename": name}); cd != "" {
		h.Set("Content-Disposition", cd)
	} else {
		h.Set("Content-Disposition", disposition)
	}
	h.Set("Cache-Control", "private, max-age=300")
	modtime := st.ModTime()
	if modtime.IsZero() || modtime.Before(time.Unix(1, 0)) {
		modtime = time.Time{}
	}
	http.ServeContent(w, r, name, modtime, content)
}
