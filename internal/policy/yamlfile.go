package policy

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"zorginkoop/internal/apperr"
	"zorginkoop/internal/text"
)

// lineMap maps a field path ("requirements[3].rule") to its line in the file.
type lineMap map[string]int

// at returns the line of path or of its nearest parent.
func (m lineMap) at(path string) int {
	for path != "" {
		if l, ok := m[path]; ok {
			return l
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			break
		}
		path = path[:i]
	}
	return m[""]
}

var yamlLineRE = regexp.MustCompile(`line (\d+): (.*)`)

// decodeStrict decodes YAML into out, refusing unknown fields and reporting every problem
// with its line. It returns the line of every field path, for later validation messages.
func decodeStrict(file string, data []byte, out any) (lineMap, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, syntaxError(file, data, err)
	}
	if len(root.Content) == 0 {
		return nil, &apperr.Error{Code: apperr.Invalid, File: file, Line: 1, Message: "the file is empty"}
	}
	doc := root.Content[0]
	lines := lineMap{}
	var errs apperr.List
	walkKeys(file, doc, reflect.TypeOf(out).Elem(), "", lines, &errs)
	if len(errs) > 0 {
		return nil, errs
	}
	if err := doc.Decode(out); err != nil {
		return nil, yamlError(file, err)
	}
	return lines, nil
}

// yamlError turns a YAML error into line-numbered apperr errors.
func yamlError(file string, err error) error {
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	var errs apperr.List
	for _, m := range msgs {
		// yaml.v3 counts lines from 0 and leaves "line 0" out: an error without a line
		// is on the first line (an unterminated quote that starts there, for one).
		e := &apperr.Error{Code: apperr.Invalid, File: file, Line: 1, Message: m}
		if sm := yamlLineRE.FindStringSubmatch(m); sm != nil {
			e.Line, _ = strconv.Atoi(sm[1])
			e.Message = sm[2]
		}
		e.Message = strings.ReplaceAll(e.Message, "!!str", "text")
		errs = append(errs, e)
	}
	return errs
}

// syntaxError is yamlError for a file that is not YAML at all, with the line of the
// problem found again. yaml.v3 reports a parser error (a key indented wrongly, a list item
// where a key belongs) on the line before it, counting from 0, or on the line where the
// enclosing mapping or list starts; only its scanner errors carry the right line. The
// first line at which the text up to and including it fails with the same message is
// where the problem is: nothing before it fails so.
func syntaxError(file string, data []byte, err error) error {
	errs := apperr.Errors(yamlError(file, err))
	if len(errs) != 1 {
		return apperr.List(errs)
	}
	e := errs[0]
	lines := lineEnds(data)
	failsAt := func(n int) bool { // the first n lines fail with e's message
		var node yaml.Node
		err := yaml.Unmarshal(data[:lines[n-1]], &node)
		if err == nil {
			return false
		}
		got := apperr.Errors(yamlError(file, err))
		return len(got) == 1 && got[0].Message == e.Message
	}
	// The reported line is never after the problem; search from it to the end.
	lo, hi := max(e.Line, 1), len(lines)
	if lo > hi || !failsAt(hi) {
		return e
	}
	for lo < hi {
		mid := (lo + hi) / 2
		if failsAt(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	e.Line = lo
	return apperr.List{e}
}

// lineEnds returns, per line, the offset just past its end (its newline included).
func lineEnds(data []byte) []int {
	var ends []int
	for i, b := range data {
		if b == '\n' {
			ends = append(ends, i+1)
		}
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		ends = append(ends, len(data))
	}
	return ends
}

var unmarshalerType = reflect.TypeOf((*yaml.Unmarshaler)(nil)).Elem()

// walkKeys records the line of every field and reports keys that the type does not have.
func walkKeys(file string, n *yaml.Node, t reflect.Type, path string, lines lineMap, errs *apperr.List) {
	line := n.Line
	if n.Kind == yaml.ScalarNode && (n.Style&(yaml.LiteralStyle|yaml.FoldedStyle)) != 0 {
		line++ // a block scalar's text starts on the next line
	}
	lines[path] = line
	if n.Kind == yaml.ScalarNode {
		// The same text rule as every other input field (an escaped "\0" decodes to NUL).
		if e := text.Check(path, n.Value, text.Long); e != nil {
			e.File, e.Line = file, line
			*errs = append(*errs, e)
		}
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return // Decode reports the type error
		}
		fields := map[string]reflect.Type{}
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if tag := strings.Split(f.Tag.Get("yaml"), ",")[0]; tag != "" && tag != "-" {
				fields[tag] = f.Type
			}
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			ft, ok := fields[k.Value]
			if !ok {
				names := make([]string, 0, len(fields))
				for name := range fields {
					names = append(names, name)
				}
				sort.Strings(names)
				*errs = append(*errs, &apperr.Error{Code: apperr.Invalid, File: file, Line: k.Line, Field: join(path, k.Value),
					Message: fmt.Sprintf("unknown field %q; expected one of: %s", k.Value, strings.Join(names, ", "))})
				continue
			}
			walkKeys(file, v, ft, join(path, k.Value), lines, errs)
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return
		}
		for i, c := range n.Content {
			walkKeys(file, c, t.Elem(), path+"["+strconv.Itoa(i)+"]", lines, errs)
		}
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
