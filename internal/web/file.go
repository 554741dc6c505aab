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
// index holds for the id. Nothing in the request names a path. The file
// is served only while it is the document: a regular file (not a link,
// a FIFO or a directory put in its place) whose SHA-256, the document's
// id, is unchanged. Otherwise the answer is 404 when nothing is at the
// path, 410 Gone when something other than a regular file is, and 409
// Conflict when a file with other content is; each page says why. The
// sum of a file is cached by path, size, modification time and inode, so
// a large file is hashed again only when one of those changes.
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
		var nr *notRegularError
		if errors.As(err, &nr) {
			s.fileGone(w, r, info.Path, kindOfFile(nr.mode))
			return
		}
		if errors.Is(err, ErrNotRegular) {
			s.fileGone(w, r, info.Path, "something other than a regular file")
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
	if !st.Mode().IsRegular() {
		s.fileGone(w, r, info.Path, kindOfFile(st.Mode()))
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
	sum, err := s.sums.sum(r.Context(), info.Path, st, content)
	if err != nil {
		s.fail(w, r, fmt.Errorf("read %s: %w", info.Path, err))
		return
	}
	if sum != info.ID {
		s.errorPage(w, r, http.StatusConflict, "The file at this document's path ("+info.Path+
			") has changed since it was indexed: its content is no longer this document's. Re-index to see the file as it is now.")
		return
	}
	if _, err := content.Seek(0, io.SeekStart); err != nil {
		s.fail(w, r, fmt.Errorf("seek %s: %w", info.Path, err))
		return
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

// fileGone answers 410 Gone for an original whose path now holds what,
// something other than a regular file.
func (s *server) fileGone(w http.ResponseWriter, r *http.Request, path, what string) {
	s.errorPage(w, r, http.StatusGone, "The original file of this document is gone: at its path ("+path+") there is now "+
		what+", not the file that was indexed. It is not served. Re-index to update the collection.")
}
