package text

import (
	"net/http"
	"net/url"
	"sort"

	"zorginkoop/internal/apperr"
)

// MaxQueryValue caps one query or form value that has no limit of its own (a search term, a
// filter); the services check their fields against their own, tighter limits.
const MaxQueryValue = Long

// CheckRequest applies the text rule to what every request carries before a handler reads
// it: the path (ids in it reach the database) and the query parameters, and the form when
// it has been parsed. Each edge calls it once, so that a NUL byte or invalid UTF-8 in an id
// or a search term gets the same 400/422 on both engines instead of an engine error.
func CheckRequest(r *http.Request) error {
	var errs apperr.List
	if e := Check("path", r.URL.Path, Long); e != nil {
		errs = append(errs, e)
	}
	errs = append(errs, CheckValues("", r.URL.Query())...)
	if r.PostForm != nil {
		errs = append(errs, CheckValues("", r.PostForm)...)
	}
	return errs.Err()
}

// CheckValues checks every name and value of v (sorted by name, so the report is stable),
// naming each by prefix+name.
func CheckValues(prefix string, v url.Values) apperr.List {
	names := make([]string, 0, len(v))
	for k := range v {
		names = append(names, k)
	}
	sort.Strings(names)
	var errs apperr.List
	for _, k := range names {
		if e := Check("parameter name", k, Line); e != nil {
			errs = append(errs, e)
			continue
		}
		for _, val := range v[k] {
			if e := Check(prefix+k, val, MaxQueryValue); e != nil {
				errs = append(errs, e)
				break
			}
		}
	}
	return errs
}
