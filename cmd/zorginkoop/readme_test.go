package main

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestREADMECommands runs every command of README.md, as written and in README order,
// against a temporary data directory, and fails naming the README line of a command that
// does not do what the README says.
//
// The conventions, for whoever edits the README:
//
//   - A command is a line of a code block (indented by four spaces, or fenced with ```)
//     that starts with `go run ./cmd/zorginkoop` or `zorginkoop` (a zorginkoop command),
//     or with `curl `, `sed ` or `NAME=` (a shell line). A line ending in `\` goes on on
//     the next line; `a && b` is a, then b. Other lines (output, `go test`) are not run.
//   - A fenced block marked ```text is a synopsis or output: nothing in it is run (the
//     Usage block; TestREADMEUsageMatchesFlags checks its flags instead).
//   - A zorginkoop command runs in-process through run(), with --data-dir set to the
//     temporary data directory (unless it names --data-dir or --db itself), in a working
//     directory where the repository's files are (symlinked), so that a path such as
//     docs/examples/aanbieders.csv is found and a file a command writes is
//     written there, not in the checkout. It must exit 0.
//   - A command that is meant to fail ends in a comment ending in `exit N` (`# exit 2`,
//     `# in another terminal: exit 1`): it must exit N.
//   - Words in capitals that stand for a value (`--policy ID`, `import FILE`) are replaced
//     from readmePlaceholders; a placeholder missing from there fails the test. Better:
//     write real ids in the README.
//   - `serve` is started in-process on a free port and left running; a command that takes
//     the data directory's lock (demo, providers import, serve) stops it first, unless it is
//     meant to fail (`# exit N`): that one runs beside the server if one is running, to
//     show the refusal. Shell lines start the server when it is not running, and reach it
//     where the README says http://127.0.0.1:8080.
//   - A shell line runs in bash (`set -e`), in the same working directory, with the
//     variables assigned by earlier shell lines; curl fails on an HTTP status of 400 or more
//     (--fail-with-body). A line `NAME=...` must leave NAME non-empty. Without bash or curl
//     the shell lines are skipped, except under CI=true, where that fails.
//   - Not run, with the reason logged: `go build` and `go install` (they compile this very
//     package again, about a minute), and `go test` (the test suite this test is part of).
func TestREADMECommands(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the demo and a server: not with -short")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	cmds := readmeCommands(string(readme))
	if len(cmds) == 0 {
		t.Fatal("README.md has no commands")
	}
	work := t.TempDir()
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() == "data" || strings.HasPrefix(e.Name(), ".git") {
			continue // a developer's own database stays out of it
		}
		if err := os.Symlink(filepath.Join(root, e.Name()), filepath.Join(work, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(work)
	r := &readmeRun{t: t, dataDir: filepath.Join(work, "data"), vars: map[string]string{}}
	r.shell = shellProblem()
	if r.shell != "" && os.Getenv("CI") == "true" {
		t.Fatalf("the README's shell lines cannot run: %s", r.shell)
	}
	defer r.stopServer()
	start := time.Now()
	for _, c := range cmds {
		begin := time.Now()
		switch c.kind {
		case cmdZorginkoop:
			r.zorginkoop(c)
		case cmdShell:
			r.shellLine(c)
		case cmdSkipped:
			t.Logf("README.md:%d: not run: %s", c.line, c.reason)
			continue
		}
		t.Logf("README.md:%d: %s (%s)", c.line, c.text, time.Since(begin).Round(time.Millisecond))
	}
	t.Logf("%d README lines in %s", len(cmds), time.Since(start).Round(time.Millisecond))
}

// readmePlaceholders replaces a word in capitals standing for a value, by the word before
// it and itself ("--policy ID"), or by itself alone ("EMAIL").
var readmePlaceholders = map[string]string{
	"--policy ID":   "cz-msz-2024",
	"--provider ID": "kliniek-de-maasoever",
	"--facts FILE":  "docs/examples/aanbieders.json",
	"import FILE":   "docs/examples/aanbieders.csv",
	"show ID":       "cz-msz-2024",
	"--org ORG":     "cz-groep",
	"--org ID":      "cz-groep",
	"EMAIL":         "inkoper@cz-groep.example",
}

type cmdKind int

const (
	cmdZorginkoop cmdKind = iota
	cmdShell
	cmdSkipped
)

// readmeCmd is one command of the README.
type readmeCmd struct {
	line   int    // of README.md, 1-based: where the command starts
	text   string // continuation lines joined, the `# exit N` comment removed
	kind   cmdKind
	exit   int    // the exit code the README promises (# exit N), else 0
	reason string // why a skipped command is not run
}

var (
	exitComment = regexp.MustCompile(`\s+#[^#]*\bexit\s+(\d+)\s*$`)
	assignment  = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_]*)=`)
	comment     = regexp.MustCompile(`\s+#.*$`)
)

// readmeCommands finds the commands in the code blocks of a README (see TestREADMECommands).
func readmeCommands(readme string) []readmeCmd {
	var cmds []readmeCmd
	lines := strings.Split(readme, "\n")
	fenced, synopsis := false, false
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if t := strings.TrimSpace(l); strings.HasPrefix(t, "```") {
			if fenced {
				fenced, synopsis = false, false
			} else {
				fenced, synopsis = true, strings.TrimSpace(strings.TrimPrefix(t, "```")) == "text"
			}
			continue
		}
		if synopsis || !fenced && !strings.HasPrefix(l, "    ") && !strings.HasPrefix(l, "\t") {
			continue
		}
		start := i + 1
		text := strings.TrimSpace(l)
		for strings.HasSuffix(text, `\`) && i+1 < len(lines) {
			i++
			text = strings.TrimSpace(strings.TrimSuffix(text, `\`)) + " " + strings.TrimSpace(lines[i])
		}
		text = strings.TrimPrefix(text, "$ ")
		for _, part := range splitAnd(text) {
			if c, ok := classify(start, part); ok {
				cmds = append(cmds, c)
			}
		}
	}
	return cmds
}

// splitAnd splits "a && b" into its commands; a line with quotes is left whole.
func splitAnd(text string) []string {
	if strings.ContainsAny(text, `'"`) || !strings.Contains(text, " && ") {
		return []string{text}
	}
	return strings.Split(text, " && ")
}

func classify(line int, text string) (readmeCmd, bool) {
	text = strings.TrimSpace(text)
	c := readmeCmd{line: line, text: text}
	if m := exitComment.FindStringSubmatch(text); m != nil {
		c.exit, _ = strconv.Atoi(m[1])
		c.text = strings.TrimSpace(text[:len(text)-len(m[0])])
	}
	first, _, _ := strings.Cut(c.text, " ")
	switch {
	case c.text == "zorginkoop" || first == "zorginkoop" || strings.HasPrefix(c.text+" ", "go run ./cmd/zorginkoop "):
		c.kind = cmdZorginkoop
	case first == "curl" || first == "sed" || assignment.MatchString(c.text):
		c.kind = cmdShell
	case strings.HasPrefix(c.text, "go build ") || strings.HasPrefix(c.text, "go install "):
		c.kind, c.reason = cmdSkipped, "it compiles this package again (about a minute); the tests compile it already"
	case strings.HasPrefix(c.text, "go test "):
		c.kind, c.reason = cmdSkipped, "the test suite that this test is part of (fuzzing takes a minute per target)"
	default:
		return c, false
	}
	return c, true
}

// readmeRun is the state of one run of the README: the data directory, the server and
// the shell variables.
type readmeRun struct {
	t       *testing.T
	dataDir string
	vars    map[string]string // assigned by shell lines
	shell   string            // why shell lines cannot run, or ""
	srv     *readmeServer
}

func (r *readmeRun) env(key string) string {
	switch key {
	case "ZORGINKOOP_DATA_DIR":
		return r.dataDir
	case "USER":
		return "readme"
	}
	return ""
}

// args are the arguments of a zorginkoop command line, placeholders replaced.
func (r *readmeRun) args(c readmeCmd) ([]string, error) {
	text := comment.ReplaceAllString(c.text, "")
	if rest, ok := strings.CutPrefix(text, "go run ./cmd/zorginkoop"); ok {
		text = rest
	} else {
		text = strings.TrimPrefix(text, "zorginkoop")
	}
	words, err := shellWords(text)
	if err != nil {
		return nil, err
	}
	for i, w := range words {
		if w != strings.ToUpper(w) || strings.ToLower(w) == w || strings.HasPrefix(w, "-") {
			continue // not a word in capitals
		}
		prev := ""
		if i > 0 {
			prev = words[i-1]
		}
		if v, ok := readmePlaceholders[prev+" "+w]; ok {
			words[i] = v
		} else if v, ok := readmePlaceholders[w]; ok {
			words[i] = v
		} else {
			return nil, fmt.Errorf("placeholder %q (after %q) is not in readmePlaceholders: write a real value in the README or add it there", w, prev)
		}
	}
	own := false
	for _, w := range words {
		name, _, _ := strings.Cut(strings.TrimLeft(w, "-"), "=")
		own = own || strings.HasPrefix(w, "-") && (name == "data-dir" || name == "db")
	}
	if !own && len(words) > 0 && words[0] != "help" {
		words = append(words, "--data-dir", r.dataDir)
	}
	return words, nil
}

func (r *readmeRun) zorginkoop(c readmeCmd) {
	t := r.t
	args, err := r.args(c)
	if err != nil {
		t.Errorf("README.md:%d: %s: %v", c.line, c.text, err)
		return
	}
	cmd := ""
	if len(args) > 0 {
		cmd = args[0]
	}
	if cmd == "serve" || (cmd == "demo" || cmd == "providers" || cmd == "claims") && c.exit == 0 {
		r.stopServer() // they take the data directory's lock
	}
	if cmd == "serve" {
		if c.exit != 0 {
			t.Errorf("README.md:%d: a serve that is meant to fail is not supported by this test", c.line)
			return
		}
		r.startServer(c.line, args)
		return
	}
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut, r.env)
	if code != c.exit {
		t.Errorf("README.md:%d: %s\nexit %d, want %d\nstdout:\n%s\nstderr:\n%s", c.line, c.text, code, c.exit, tail(out.String()), tail(errOut.String()))
	}
}

// readmeServer is `zorginkoop serve`, running in-process.
type readmeServer struct {
	url    string
	cancel context.CancelFunc
	done   chan int
	log    *lockedBuffer
}

var listening = regexp.MustCompile(`msg=listening url=(\S+)`)

// startServer starts serve with args (a free port instead of --addr) and waits until it
// listens.
func (r *readmeRun) startServer(line int, args []string) {
	t := r.t
	ctx, cancel := context.WithCancel(context.Background())
	s := &readmeServer{cancel: cancel, done: make(chan int, 1), log: &lockedBuffer{}}
	args = append(append([]string(nil), args...), "--addr", "127.0.0.1:0")
	go func() { s.done <- run(ctx, args, &lockedBuffer{}, s.log, r.env) }()
	deadline := time.Now().Add(30 * time.Second)
	for s.url == "" {
		select {
		case code := <-s.done:
			cancel()
			t.Fatalf("README.md:%d: serve ended with exit %d before it listened:\n%s", line, code, tail(s.log.String()))
		case <-time.After(20 * time.Millisecond):
		}
		if m := listening.FindStringSubmatch(s.log.String()); m != nil {
			s.url = strings.TrimSuffix(m[1], "/")
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("README.md:%d: serve does not listen after 30 s:\n%s", line, tail(s.log.String()))
		}
	}
	r.srv = s
}

func (r *readmeRun) stopServer() {
	if r.srv == nil {
		return
	}
	s := r.srv
	r.srv = nil
	s.cancel()
	select {
	case code := <-s.done:
		if code != 0 {
			r.t.Errorf("serve exited %d when stopped:\n%s", code, tail(s.log.String()))
		}
	case <-time.After(30 * time.Second):
		r.t.Errorf("serve did not stop within 30 s")
	}
}

func (r *readmeRun) shellLine(c readmeCmd) {
	t := r.t
	if r.shell != "" {
		t.Logf("README.md:%d: not run: %s", c.line, r.shell)
		return
	}
	if r.srv == nil && strings.Contains(c.text, "http://127.0.0.1:8080") {
		args, _ := r.args(readmeCmd{text: "zorginkoop serve"})
		r.startServer(c.line, args)
	}
	text := c.text
	if r.srv != nil {
		text = strings.ReplaceAll(text, "http://127.0.0.1:8080", r.srv.url)
	}
	// -q: no ~/.curlrc; the server is reached directly, whatever proxy the environment names.
	script := "set -e\ncurl() { command curl -q --fail-with-body --max-time 60 \"$@\"; }\n" + text + "\n"
	name := ""
	if m := assignment.FindStringSubmatch(text); m != nil {
		name = m[1]
		script += fmt.Sprintf("printf '%%s' \"$%s\"\n", name)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", script)
	cmd.Env = append(os.Environ(), "NO_PROXY=127.0.0.1,localhost", "no_proxy=127.0.0.1,localhost")
	for k, v := range r.vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	code := 0
	if err != nil {
		code = -1
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
	}
	if code != c.exit {
		t.Errorf("README.md:%d: %s\nexit %d (%v), want %d\nstdout:\n%s\nstderr:\n%s", c.line, c.text, code, err, c.exit, tail(out.String()), tail(errOut.String()))
		return
	}
	if name != "" {
		if out.Len() == 0 {
			t.Errorf("README.md:%d: %s\nleaves %s empty\nstderr:\n%s", c.line, c.text, name, tail(errOut.String()))
		}
		r.vars[name] = out.String()
	}
}

// shellProblem says why the README's shell lines cannot run here, or "".
func shellProblem() string {
	for _, prog := range []string{"bash", "curl", "sed", "head"} {
		if _, err := exec.LookPath(prog); err != nil {
			return prog + " is not installed"
		}
	}
	return ""
}

// shellWords splits a command line as a shell would, for the quoting the README uses:
// '...', "..." and \ outside quotes. Shell syntax it does not run in-process ($, |, >, <,
// ;, backquotes) is an error.
func shellWords(s string) ([]string, error) {
	var words []string
	var w strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == ' ' || ch == '\t':
			if inWord {
				words, inWord = append(words, w.String()), false
				w.Reset()
			}
		case ch == '\'' || ch == '"':
			j := strings.IndexByte(s[i+1:], ch)
			if j < 0 {
				return nil, fmt.Errorf("unterminated %c", ch)
			}
			if part := s[i+1 : i+1+j]; ch == '"' && strings.ContainsAny(part, "$`\\") {
				return nil, fmt.Errorf("%q: shell expansion is not run in-process", part)
			} else {
				w.WriteString(part)
			}
			inWord, i = true, i+1+j
		case ch == '\\' && i+1 < len(s):
			w.WriteByte(s[i+1])
			inWord, i = true, i+1
		case strings.IndexByte("$|><;`&", ch) >= 0:
			return nil, fmt.Errorf("shell syntax %q is not run in-process", ch)
		default:
			w.WriteByte(ch)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words, nil
}

// tail is the end of a command's output, enough to see why it failed.
func tail(s string) string {
	const max = 4000
	if len(s) > max {
		return "…" + s[len(s)-max:]
	}
	return s
}

// lockedBuffer is a bytes.Buffer that a server goroutine writes while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// The parser finds what the README test runs, and leaves what it must not.
func TestREADMECommandParser(t *testing.T) {
	readme := "intro `zorginkoop demo` inline\n\n" +
		"    go run ./cmd/zorginkoop demo && go run ./cmd/zorginkoop serve\n\n" +
		"```text\nzorginkoop serve [--addr 127.0.0.1:8080]     synopsis\n```\n\n" +
		"    zorginkoop policy show ID   # exit 2\n" +
		"    error: output, not a command\n" +
		"    curl -s -H \"X: y\" \\\n         http://127.0.0.1:8080/api/me\n" +
		"    TOKEN=$(curl -s http://127.0.0.1:8080/x | sed -n p)\n" +
		"    go test ./...\n" +
		"```sh\nzorginkoop users list --org cz-groep\n```\n"
	got := readmeCommands(readme)
	want := []struct {
		line int
		text string
		kind cmdKind
		exit int
	}{
		{3, "go run ./cmd/zorginkoop demo", cmdZorginkoop, 0},
		{3, "go run ./cmd/zorginkoop serve", cmdZorginkoop, 0},
		{9, "zorginkoop policy show ID", cmdZorginkoop, 2},
		{11, `curl -s -H "X: y" http://127.0.0.1:8080/api/me`, cmdShell, 0},
		{13, "TOKEN=$(curl -s http://127.0.0.1:8080/x | sed -n p)", cmdShell, 0},
		{14, "go test ./...", cmdSkipped, 0},
		{16, "zorginkoop users list --org cz-groep", cmdZorginkoop, 0},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d commands, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.line != w.line || g.text != w.text || g.kind != w.kind || g.exit != w.exit {
			t.Errorf("command %d: got line %d %q kind %d exit %d, want line %d %q kind %d exit %d", i, g.line, g.text, g.kind, g.exit, w.line, w.text, w.kind, w.exit)
		}
	}
	r := &readmeRun{dataDir: "/tmp/d"}
	args, err := r.args(got[2])
	if err != nil || strings.Join(args, " ") != "policy show cz-msz-2024 --data-dir /tmp/d" {
		t.Errorf("args of %q: %q, %v", got[2].text, args, err)
	}
	if _, err := r.args(readmeCmd{text: "zorginkoop policy show NOGIETS"}); err == nil {
		t.Errorf("an unknown placeholder is not refused")
	}
	if _, err := shellWords(`assess --policy "$P"`); err == nil {
		t.Errorf("shell expansion in a zorginkoop line is not refused")
	}
}

// TestREADMEUsageMatchesFlags checks the README's synopsis (the ```text block of
// "## Usage") against the flags of each command, as `zorginkoop CMD --help` lists them:
// every --flag a synopsis line names exists for its command, and every flag of a command
// is in its synopsis lines or in the README's configuration table (the global flags and
// those of serve). So a flag added in the code without the README, as --format of
// providers import once was, fails here.
func TestREADMEUsageMatchesFlags(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	synopsis, table := readmeSynopsis(string(readme))
	if len(synopsis) == 0 {
		t.Fatal("README.md has no ```text block of zorginkoop commands under ## Usage")
	}
	flagName := regexp.MustCompile(`--([a-z][a-z0-9-]*)`)
	documented := map[string]map[string]bool{} // command → flags its synopsis names
	for _, s := range synopsis {
		for _, cmd := range s.commands {
			flags, ok := commandFlags(t, cmd)
			if !ok {
				t.Errorf("README.md:%d: %q: `zorginkoop %s --help` is not a command", s.line, s.text, cmd)
				continue
			}
			if documented[cmd] == nil {
				documented[cmd] = map[string]bool{}
			}
			for _, m := range flagName.FindAllStringSubmatch(s.text, -1) {
				documented[cmd][m[1]] = true
				if !flags[m[1]] {
					t.Errorf("README.md:%d: zorginkoop %s has no flag --%s", s.line, cmd, m[1])
				}
			}
		}
	}
	for _, cmd := range slices.Sorted(maps.Keys(documented)) {
		names := documented[cmd]
		flags, _ := commandFlags(t, cmd)
		for _, f := range slices.Sorted(maps.Keys(flags)) {
			if !names[f] && !table[f] {
				t.Errorf("README.md: the flag --%s of zorginkoop %s is neither in its synopsis under ## Usage nor in the configuration table", f, cmd)
			}
		}
	}
}

// synopsisLine is a command of the README's synopsis with its continuation lines.
type synopsisLine struct {
	line     int
	text     string
	commands []string // "users disable|enable" is "users disable" and "users enable"
}

// readmeSynopsis returns the synopsis lines of the ```text block under ## Usage, and the
// flags named in the first column of the README's tables.
func readmeSynopsis(readme string) ([]synopsisLine, map[string]bool) {
	var out []synopsisLine
	table := map[string]bool{}
	tableFlag := regexp.MustCompile("`--([a-z][a-z0-9-]*)")
	section, fenced := "", false
	for i, l := range strings.Split(readme, "\n") {
		if strings.HasPrefix(l, "## ") {
			section = l
		}
		if strings.HasPrefix(l, "| `--") {
			first, _, _ := strings.Cut(l[1:], "|")
			for _, m := range tableFlag.FindAllStringSubmatch(first, -1) {
				table[m[1]] = true
			}
		}
		if strings.HasPrefix(strings.TrimSpace(l), "```") {
			fenced = !fenced && strings.TrimSpace(l) == "```text"
			continue
		}
		if !fenced || section != "## Usage" {
			continue
		}
		if rest, ok := strings.CutPrefix(l, "zorginkoop "); ok {
			words := strings.Fields(rest)
			cmds := strings.Split(words[0], "|")
			if len(words) > 1 && (words[0] == "policy" || words[0] == "users" || words[0] == "audit" || words[0] == "providers" || words[0] == "claims" ||
				words[0] == "demo" && words[1] == "claims") {
				cmds = nil
				for _, sub := range strings.Split(words[1], "|") {
					cmds = append(cmds, words[0]+" "+sub)
				}
			}
			out = append(out, synopsisLine{line: i + 1, text: l, commands: cmds})
		} else if strings.HasPrefix(l, " ") && len(out) > 0 {
			out[len(out)-1].text += "\n" + l
		}
	}
	return out, table
}

var helpFlag = regexp.MustCompile(`(?m)^  -([a-z][a-z0-9-]*)`)

// commandFlags are the flags `zorginkoop CMD --help` lists; false when CMD is no command.
func commandFlags(t *testing.T, cmd string) (map[string]bool, bool) {
	t.Helper()
	code, _, errOut := cli(t, nil, append(strings.Fields(cmd), "--help")...)
	flags := map[string]bool{}
	for _, m := range helpFlag.FindAllStringSubmatch(errOut, -1) {
		flags[m[1]] = true
	}
	return flags, code == 0 && len(flags) > 0
}

// The usage texts the command prints (`zorginkoop help`, `zorginkoop users`, `zorginkoop
// audit`, `providers import`) name only flags their commands have.
func TestUsageTextsNameRealFlags(t *testing.T) {
	texts := map[string]string{"usage": usage, "usersUsage": usersUsage, "auditUsage": auditUsage, "providersUsage": providersUsage}
	line := regexp.MustCompile(`^\s*(?:usage: )?(?:zorginkoop )?((?:users|audit|policy|providers|claims|demo) [a-z|-]+|serve|demo|assess)\b(.*)$`)
	flagName := regexp.MustCompile(`--([a-z][a-z0-9-]*)`)
	for _, name := range slices.Sorted(maps.Keys(texts)) {
		for _, l := range strings.Split(texts[name], "\n") {
			m := line.FindStringSubmatch(l)
			if m == nil {
				continue
			}
			words := strings.Fields(m[1])
			var cmds []string
			for _, sub := range strings.Split(words[len(words)-1], "|") {
				cmds = append(cmds, strings.Join(append(words[:len(words)-1:len(words)-1], sub), " "))
			}
			for _, cmd := range cmds {
				flags, ok := commandFlags(t, cmd)
				if !ok {
					t.Errorf("%s: %q: `zorginkoop %s --help` is not a command", name, l, cmd)
					continue
				}
				for _, f := range flagName.FindAllStringSubmatch(m[2], -1) {
					if !flags[f[1]] {
						t.Errorf("%s: %q: zorginkoop %s has no flag --%s", name, l, cmd, f[1])
					}
				}
			}
		}
	}
}
