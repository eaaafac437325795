package web

import (
	"io/fs"
	"net/http"
)

// staticFiles serves the files under static/ and nothing else: a request for a folder
// (/static/ itself included) answers 404 rather than a listing of its files, which
// http.FileServer would write.
func staticFiles() http.Handler {
	sub, err := fs.Sub(files, "static")
	if err != nil { // the embed pattern names static/: cannot happen
		panic(err)
	}
	return http.StripPrefix("/static/", http.FileServerFS(filesOnly{sub}))
}

// filesOnly is an fs.FS whose folders do not exist: opening one fails with fs.ErrNotExist.
type filesOnly struct{ fsys fs.FS }

func (f filesOnly) Open(name string) (fs.File, error) {
	file, err := f.fsys.Open(name)
	if err != nil {
		return nil, err
	}
	info, err := file.Stat()
	if err != nil {
		file.Close()
		return nil, err
	}
	if info.IsDir() {
		file.Close()
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return file, nil
}
